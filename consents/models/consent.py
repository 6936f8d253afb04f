"""Consent form versions and the append-only consent ledger."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sites.history import AuditedManager, AuditedQuerySet
from trials.models import Study

from .participants import Participant


class ConsentForm(models.Model):
    """One approved version of a study's consent form, in one language."""

    class Language(models.TextChoices):
        NB = "nb", _("Bokmål")
        NN = "nn", _("Nynorsk")
        EN = "en", _("Engelsk")

    study = models.ForeignKey(
        Study, verbose_name=_("studie"), on_delete=models.PROTECT, related_name="consent_forms"
    )
    version_label = models.CharField(_("versjon"), max_length=40)
    language = models.CharField(
        _("språk"), max_length=2, choices=Language.choices, default=Language.NB
    )
    approved_on = models.DateField(_("godkjent"))
    effective_from = models.DateField(_("gjelder fra"))
    text = models.TextField(_("tekst"), blank=True)
    document = models.FileField(_("dokument"), upload_to="consent_forms/%Y/", blank=True)
    created_at = models.DateTimeField(_("registrert"), auto_now_add=True)

    history = HistoricalRecords(verbose_name=_("historikk for samtykkeskjema"))
    objects = AuditedManager()

    class Meta:
        base_manager_name = "objects"
        verbose_name = _("samtykkeskjema")
        verbose_name_plural = _("samtykkeskjemaer")
        ordering = ["study_id", "-effective_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "version_label", "language"],
                name="consentform_unique_version",
                violation_error_message=_("Denne versjonen finnes allerede for studien."),
            ),
            models.CheckConstraint(
                name="consentform_effective_after_approved",
                condition=Q(effective_from__gte=models.F("approved_on")),
                violation_error_message=_("Skjemaet kan ikke gjelde fra før det er godkjent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version_label} ({self.language})"


class ConsentEventQuerySet(AuditedQuerySet):
    """The ledger is append-only: bulk edits and deletes are refused (on PostgreSQL by the
    database as well)."""

    def update(self, **kwargs):
        raise PermissionError("The consent ledger is append-only.")

    def delete(self):
        raise PermissionError("The consent ledger is append-only.")


class ConsentEvent(models.Model):
    """One event in the consent ledger. Never edited or deleted; the current state derives from it.

    No free text: the reason for a withdrawal is a code, so the ledger holds no personal data
    once the participant is erased.
    """

    class Kind(models.TextChoices):
        GIVEN = "given", _("Samtykke gitt")
        RECONSENTED = "reconsented", _("Nytt samtykke (ny skjemaversjon)")
        WITHDRAWN = "withdrawn", _("Samtykke trukket")
        ERASED = "erased", _("Data slettet (gravstein)")

    class Channel(models.TextChoices):
        DIGITAL = "digital", _("Digitalt")
        PAPER = "paper", _("Papir")
        OTHER = "other", _("Annet")

    class Scope(models.TextChoices):
        STOP_PARTICIPATION = "stop_participation", _("Avslutte deltakelsen")
        STOP_DATA_COLLECTION = "stop_data_collection", _("Stanse videre innsamling av data")
        DELETE_DATA = "delete_data", _("Slette mine data og prøver")

    class Reason(models.TextChoices):
        NOT_GIVEN = "not_given", _("Ikke oppgitt")
        BURDEN = "burden", _("For belastende")
        SIDE_EFFECTS = "side_effects", _("Bivirkninger")
        HEALTH = "health", _("Helsetilstand")
        MOVED = "moved", _("Flyttet")
        OTHER = "other", _("Annet")

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("deltaker"),
        on_delete=models.PROTECT,
        related_name="consent_events",
    )
    study = models.ForeignKey(
        Study, verbose_name=_("studie"), on_delete=models.PROTECT, related_name="consent_events"
    )
    form = models.ForeignKey(
        ConsentForm,
        verbose_name=_("skjemaversjon"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
    )
    kind = models.CharField(_("hendelse"), max_length=12, choices=Kind.choices)
    channel = models.CharField(_("kanal"), max_length=8, choices=Channel.choices, blank=True)
    scope = models.CharField(
        _("omfang av tilbaketrekking"), max_length=24, choices=Scope.choices, blank=True
    )
    reason = models.CharField(_("årsak"), max_length=16, choices=Reason.choices, blank=True)
    occurred_at = models.DateTimeField(_("tidspunkt"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrert av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_via = models.ForeignKey(
        "consents.IntegrationClient",
        verbose_name=_("registrert via"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("lagret"), auto_now_add=True)

    history = HistoricalRecords(verbose_name=_("historikk for samtykkehendelse"))
    objects = ConsentEventQuerySet.as_manager()

    class Meta:
        base_manager_name = "objects"
        verbose_name = _("samtykkehendelse")
        verbose_name_plural = _("samtykkeprotokoll")
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="consentevent_given_has_form",
                condition=~Q(kind__in=["given", "reconsented"])
                | (Q(form__isnull=False) & ~Q(channel="")),
                violation_error_message=_("Et samtykke må ha skjemaversjon og kanal."),
            ),
            models.CheckConstraint(
                name="consentevent_withdrawn_has_scope",
                condition=~Q(kind="withdrawn") | ~Q(scope=""),
                violation_error_message=_("En tilbaketrekking må ha et omfang."),
            ),
        ]
        indexes = [
            # Current consent state per participant and study: the latest event wins.
            models.Index(
                fields=["participant", "study", "-occurred_at"], name="consentevent_state_idx"
            ),
            # Digital-channel indicator per month.
            models.Index(fields=["channel", "occurred_at"], name="consentevent_channel_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The consent ledger is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The consent ledger is append-only.")
