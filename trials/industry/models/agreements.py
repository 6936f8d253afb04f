"""Industry agreements between a sponsor and an organisation for a study, and their milestones."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sites.history import AuditedManager
from sites.models import Organisation
from trials.models import Sponsor, Study


class Agreement(models.Model):
    class Kind(models.TextChoices):
        CDA = "cda", _("Konfidensialitetsavtale")
        CTA = "cta", _("Klinisk studieavtale (CTA)")
        BUDGET = "budget", _("Budsjett")
        AMENDMENT = "amendment", _("Tilleggsavtale")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        NEGOTIATION = "negotiation", _("Under forhandling")
        SIGNED = "signed", _("Signert")
        CANCELLED = "cancelled", _("Kansellert")
        COMPLETED = "completed", _("Fullført")

    class CancellationReason(models.TextChoices):
        SPONSOR_WITHDREW = "sponsor_withdrew", _("Sponsor trakk studien")
        FEASIBILITY = "feasibility", _("For få aktuelle pasienter")
        BUDGET = "budget", _("Uenighet om budsjett")
        CONTRACT_TERMS = "contract_terms", _("Uenighet om avtalevilkår")
        CAPACITY = "capacity", _("Manglende kapasitet")
        REGULATORY = "regulatory", _("Regulatoriske forhold")
        TIMELINE = "timeline", _("Tidsfrister kunne ikke nås")
        OTHER = "other", _("Annet")

    study = models.ForeignKey(
        Study, verbose_name=_("studie"), on_delete=models.PROTECT, related_name="agreements"
    )
    sponsor = models.ForeignKey(
        Sponsor, verbose_name=_("sponsor"), on_delete=models.PROTECT, related_name="agreements"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisasjon"),
        on_delete=models.PROTECT,
        related_name="agreements",
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    amends = models.ForeignKey(
        "self",
        verbose_name=_("endrer avtale"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        help_text=_("For tilleggsavtaler: avtalen som endres (samme studie og organisasjon)."),
    )
    amendment_number = models.PositiveSmallIntegerField(
        _("nummer (tilleggsavtale)"), null=True, blank=True
    )
    national_template_used = models.BooleanField(_("nasjonal mal brukt"), default=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    received_on = models.DateField(_("mottatt"), null=True, blank=True)
    signed_on = models.DateField(_("signert"), null=True, blank=True)
    cancelled_on = models.DateField(_("kansellert"), null=True, blank=True)
    cancellation_reason = models.CharField(
        _("årsak til kansellering"), max_length=20, choices=CancellationReason.choices, blank=True
    )
    recruitment_commitment = models.PositiveIntegerField(
        _("rekrutteringsforpliktelse"), null=True, blank=True
    )
    contact_email = models.EmailField(
        _("kontakt e-post (organisasjon)"),
        blank=True,
        help_text=_("Får påminnelser om forfalte milepæler."),
    )
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)
    version = models.PositiveIntegerField(_("versjon"), default=1, db_default=1, editable=False)

    history = HistoricalRecords(
        verbose_name=_("historikk for avtale"),
        excluded_fields=["version"],
        table_name="trials_historicalagreement",
    )
    objects = AuditedManager()
    definite_name = _("avtalen")

    class Meta:
        db_table = "trials_agreement"  # kept from before industry was an app of its own
        base_manager_name = "objects"
        verbose_name = _("avtale")
        verbose_name_plural = _("avtaler")
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                name="agreement_cancel_has_reason",
                condition=~Q(status="cancelled")
                | (Q(cancelled_on__isnull=False) & ~Q(cancellation_reason="")),
                violation_error_message=_("En kansellert avtale må ha dato og årsak."),
            ),
            models.CheckConstraint(
                name="agreement_amendment_has_number",
                condition=(Q(kind="amendment") & Q(amendment_number__isnull=False))
                | (~Q(kind="amendment") & Q(amendment_number__isnull=True)),
                violation_error_message=_(
                    "En tilleggsavtale må ha et løpenummer; andre avtaletyper skal ikke ha det."
                ),
            ),
            models.CheckConstraint(
                name="agreement_amendment_has_parent",
                condition=(Q(kind="amendment") & Q(amends__isnull=False))
                | (~Q(kind="amendment") & Q(amends__isnull=True)),
                violation_error_message=_(
                    "En tilleggsavtale må vise til avtalen den endrer; andre avtaletyper skal "
                    "ikke gjøre det."
                ),
            ),
            models.UniqueConstraint(
                fields=["amends", "amendment_number"],
                condition=Q(kind="amendment"),
                name="agreement_amendment_number_unique",
                violation_error_message=_(
                    "Avtalen har allerede en tilleggsavtale med dette nummeret."
                ),
            ),
            models.CheckConstraint(
                name="agreement_signed_after_received",
                condition=Q(received_on__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(signed_on__gte=F("received_on")),
                violation_error_message=_("Signert-dato kan ikke være før mottatt-dato."),
            ),
        ]
        indexes = [
            # Indicators: cancelled agreements per period and organisation.
            models.Index(fields=["organisation", "status"], name="agreement_org_status_idx"),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.AMENDMENT:
            return f"{self.get_kind_display()} {self.amendment_number} til #{self.amends_id}"
        return f"{self.get_kind_display()} {self.study_id}/{self.organisation_id}"

    def clean(self) -> None:
        """An amendment changes a main agreement of the same study at the same organisation."""
        super().clean()
        parent = self.amends
        if parent is None:
            return
        errors = []
        if self.pk and parent.pk == self.pk:
            errors.append(_("En avtale kan ikke endre seg selv."))
        if parent.kind == self.Kind.AMENDMENT:
            errors.append(
                _("En tilleggsavtale må vise til hovedavtalen, ikke til en annen tilleggsavtale.")
            )
        if self.study_id and parent.study_id != self.study_id:
            errors.append(_("Avtalen som endres gjelder en annen studie."))
        if self.organisation_id and parent.organisation_id != self.organisation_id:
            errors.append(_("Avtalen som endres gjelder en annen organisasjon."))
        if errors:
            raise ValidationError({"amends": errors})


class Milestone(models.Model):
    class Kind(models.TextChoices):
        SITE_ACTIVATION = "site_activation", _("Aktivering av studiested")
        FIRST_PATIENT_IN = "first_patient_in", _("Første pasient inkludert")
        RECRUITMENT_TARGET = "recruitment_target", _("Rekrutteringsmål nådd")
        DATA_DELIVERY = "data_delivery", _("Datalevering")
        PRODUCT_DELIVERY = "product_delivery", _("Levering av legemiddel/utstyr")
        REGULATORY_APPROVAL = "regulatory_approval", _("Regulatorisk godkjenning")
        RESULTS_REPORTING = "results_reporting", _("Rapportering av resultater")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        MET = "met", _("Nådd")
        MISSED = "missed", _("Ikke nådd")
        WAIVED = "waived", _("Bortfalt")

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("avtale"), on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    planned_on = models.DateField(_("planlagt"))
    actual_on = models.DateField(_("faktisk"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PLANNED
    )
    reminded_at = models.DateTimeField(_("påminnet"), null=True, blank=True)
    version = models.PositiveIntegerField(_("versjon"), default=1, db_default=1, editable=False)

    history = HistoricalRecords(
        verbose_name=_("historikk for milepæl"),
        excluded_fields=["version"],
        table_name="trials_historicalmilestone",
    )
    objects = AuditedManager()
    definite_name = _("milepælen")

    class Meta:
        db_table = "trials_milestone"
        base_manager_name = "objects"
        verbose_name = _("milepæl")
        verbose_name_plural = _("milepæler")
        ordering = ["planned_on"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "kind"], name="milestone_unique_kind"),
        ]
        indexes = [
            # Daily reminder: planned milestones past their date.
            models.Index(fields=["status", "planned_on"], name="milestone_status_planned_idx"),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()
