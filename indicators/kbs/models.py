"""The yearly KBS report to Nasjonalt vitenarkiv (NVA): periods, decisions, reported figures.

A *candidate* is not stored: it is a study that qualifies for a year and has no decision for it
(``selectors.kbs_candidates``), so it stops being one the moment its data stops qualifying. A
decision (reportable or not) is a ``KbsProject`` row; its figures start as what the enrolments say
and are confirmed or corrected by people, every difference kept in ``KbsChange`` with who and why.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sites.history import AuditedManager
from trials.models import Study, StudySite


class ReportingPeriod(models.Model):
    """One per reporting year: opened, closed (and opened again), finalised for good.

    The database refuses a second period for a year, a changed year, a deletion and any change to a
    finalised period (triggers made by the migration), whatever code tries.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Åpen for rapportering")
        CLOSED = "closed", _("Stengt for rapportering")
        FINALISED = "finalised", _("Ferdigstilt")

    year = models.PositiveSmallIntegerField(_("rapporteringsår"), unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    deadline = models.DateField(_("frist for rapportering"))
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)
    finalised_at = models.DateTimeField(_("ferdigstilt"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("versjon"), default=1, editable=False)

    history = HistoricalRecords(verbose_name=_("historikk for rapporteringsperiode"))
    objects = AuditedManager()

    class Meta:
        base_manager_name = "objects"
        verbose_name = _("rapporteringsperiode")
        verbose_name_plural = _("rapporteringsperioder")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                name="kbs_period_year_plausible",
                condition=Q(year__gte=2000, year__lte=2100),
                violation_error_message=_("Rapporteringsåret må være mellom 2000 og 2100."),
            ),
            models.CheckConstraint(
                name="kbs_period_status_valid",
                condition=Q(status__in=["open", "closed", "finalised"]),
            ),
            models.CheckConstraint(
                name="kbs_period_finalised_stamped",
                condition=~Q(status="finalised") | Q(finalised_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"KBS {self.year}"


class KbsProject(models.Model):
    """A study's decision for a reporting year and, when reportable, its reported figures."""

    class Decision(models.TextChoices):
        REPORTABLE = "reportable", _("Skal rapporteres (KBS-prosjekt)")
        NOT_REPORTABLE = "not_reportable", _("Skal ikke rapporteres")

    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name=_("rapporteringsperiode"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    study = models.ForeignKey(
        Study, verbose_name=_("studie"), on_delete=models.PROTECT, related_name="kbs_projects"
    )
    decision = models.CharField(_("beslutning"), max_length=16, choices=Decision.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("besluttet av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("besluttet"))
    recruitment_number = models.PositiveIntegerField(_("inklusjonstall"), null=True, blank=True)
    first_recruitment_on = models.DateField(_("første inklusjonsdato"), null=True, blank=True)
    last_recruitment_on = models.DateField(_("siste inklusjonsdato"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bekreftet av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("bekreftet"), null=True, blank=True)
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)
    version = models.PositiveIntegerField(_("versjon"), default=1, editable=False)

    class Meta:
        verbose_name = _("KBS-rapportering")
        verbose_name_plural = _("KBS-rapportering")
        ordering = ["-period__year", "study_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "study"],
                name="kbs_project_one_per_study_and_year",
                violation_error_message=_("Studien har allerede en KBS-beslutning for dette året."),
            ),
            models.CheckConstraint(
                name="kbs_project_recruitment_not_negative",
                condition=Q(recruitment_number__isnull=True) | Q(recruitment_number__gte=0),
                violation_error_message=_("Inklusjonstallet kan ikke være negativt."),
            ),
            models.CheckConstraint(
                name="kbs_project_first_not_after_last",
                condition=Q(first_recruitment_on__isnull=True)
                | Q(last_recruitment_on__isnull=True)
                | Q(first_recruitment_on__lte=F("last_recruitment_on")),
                violation_error_message=_(
                    "Første inklusjonsdato kan ikke være etter siste inklusjonsdato."
                ),
            ),
            models.CheckConstraint(
                name="kbs_project_figures_only_when_reportable",
                condition=Q(decision="reportable")
                | (
                    Q(recruitment_number__isnull=True)
                    & Q(first_recruitment_on__isnull=True)
                    & Q(last_recruitment_on__isnull=True)
                ),
            ),
        ]
        indexes = [
            # A study's decisions across years (candidate rule: last recruitment date earlier).
            models.Index(fields=["study", "period"], name="kbs_project_study_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.decided_at:%d.%m.%Y})"


class KbsSiteNumber(models.Model):
    """A site's local recruitment number for a KBS project, reported by the site's local lead."""

    project = models.ForeignKey(
        KbsProject,
        verbose_name=_("KBS-rapportering"),
        on_delete=models.CASCADE,  # the metadata goes with the decision (spec: deleted on undo)
        related_name="site_numbers",
    )
    site = models.ForeignKey(
        StudySite, verbose_name=_("studiested"), on_delete=models.PROTECT, related_name="+"
    )
    recruitment_number = models.PositiveIntegerField(
        _("lokalt inklusjonstall"), null=True, blank=True
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rapportert av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("rapportert"), null=True, blank=True)

    class Meta:
        verbose_name = _("lokalt inklusjonstall")
        verbose_name_plural = _("lokale inklusjonstall")
        ordering = ["site_id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "site"], name="kbs_site_number_unique"),
            models.CheckConstraint(
                name="kbs_site_number_not_negative",
                condition=Q(recruitment_number__isnull=True) | Q(recruitment_number__gte=0),
                violation_error_message=_("Det lokale inklusjonstallet kan ikke være negativt."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.recruitment_number if self.recruitment_number is not None else "–")


class KbsChange(models.Model):
    """Append-only: a decision, an undo, a confirmation or a reported figure that differs from the
    registered one, with who and why. Kept when the decision it belongs to is undone."""

    class Field(models.TextChoices):
        DECISION = "decision", _("Beslutning")
        RECRUITMENT_NUMBER = "recruitment_number", _("Inklusjonstall")
        FIRST_RECRUITMENT_ON = "first_recruitment_on", _("Første inklusjonsdato")
        LAST_RECRUITMENT_ON = "last_recruitment_on", _("Siste inklusjonsdato")
        SITE_NUMBER = "site_number", _("Lokalt inklusjonstall")

    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("periode"), on_delete=models.PROTECT, related_name="+"
    )
    study = models.ForeignKey(
        Study, verbose_name=_("studie"), on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        StudySite,
        verbose_name=_("studiested"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    field = models.CharField(_("felt"), max_length=24, choices=Field.choices)
    registered = models.CharField(_("registrert i systemet"), max_length=40, blank=True)
    old = models.CharField(_("før"), max_length=40, blank=True)
    new = models.CharField(_("etter"), max_length=40, blank=True)
    reason = models.TextField(_("begrunnelse"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("endret av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("tidspunkt"))

    class Meta:
        verbose_name = _("KBS-endring")
        verbose_name_plural = _("KBS-endringer")
        ordering = ["-changed_at", "-id"]
        indexes = [
            # A project's history on its change page.
            models.Index(fields=["period", "study", "-changed_at"], name="kbs_change_project_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_field_display()}: {self.old or '–'} → {self.new or '–'}"

    @property
    def differs_from_registered(self) -> bool:
        return self.new != self.registered


class KbsReportFile(models.Model):
    """The final report of a finalised period, as delivered: CSV and XLSX with their checksums."""

    period = models.OneToOneField(
        ReportingPeriod,
        verbose_name=_("rapporteringsperiode"),
        on_delete=models.PROTECT,
        related_name="report_file",
    )
    csv_content = models.BinaryField(_("CSV"), editable=False)
    csv_sha256 = models.CharField(_("SHA-256 (CSV)"), max_length=64, editable=False)
    xlsx_content = models.BinaryField(_("XLSX"), editable=False)
    xlsx_sha256 = models.CharField(_("SHA-256 (XLSX)"), max_length=64, editable=False)
    rows = models.PositiveIntegerField(_("antall prosjekter"), editable=False)
    created_at = models.DateTimeField(_("laget"), editable=False)

    class Meta:
        verbose_name = _("KBS-rapport")
        verbose_name_plural = _("KBS-rapporter")

    def __str__(self) -> str:
        return f"KBS-rapport {self.created_at:%d.%m.%Y}"
