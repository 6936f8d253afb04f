"""Indicator definitions of the national action plan for clinical studies 2025–2035, their computed
snapshots, manually reported figures, and the monthly report runs."""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from sites.models import Municipality, Organisation, Region


def indicator_name(name_nb: str, name_en: str) -> str:
    """An indicator's name on a page: in English on an English page, else in Bokmål (indicators
    have no Nynorsk name)."""
    return name_en if name_en and translation.get_language() == "en" else name_nb


class Indicator(models.Model):
    class FocusArea(models.TextChoices):
        OVERALL = "overall", _("Overordnede mål")
        PATIENTS = "patients", _("1 Pasientenes muligheter")
        INTEGRATED = "integrated", _("2 Forskning integrert i helsetjenesten")
        INDUSTRY = "industry", _("3 Samarbeid med næringslivet")
        CONDUCT = "conduct", _("4 Effektiv og sikker gjennomføring")
        INTERNATIONAL = "international", _("5 Internasjonalt samarbeid")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Høyere er bedre")
        LOWER = "lower", _("Lavere er bedre")

    class Method(models.TextChoices):
        COMPUTED = "computed", _("Beregnet fra porteføljen")
        MANUAL = "manual", _("Rapportert manuelt")

    code = models.SlugField(_("kode"), max_length=60, unique=True)
    name_nb = models.CharField(_("navn (bokmål)"), max_length=200)
    name_en = models.CharField(_("navn (engelsk)"), max_length=200)
    focus_area = models.CharField(_("innsatsområde"), max_length=16, choices=FocusArea.choices)
    unit = models.CharField(_("enhet"), max_length=30)
    direction = models.CharField(
        _("retning"), max_length=6, choices=Direction.choices, default=Direction.HIGHER
    )
    target_value = models.DecimalField(
        _("målverdi"), max_digits=14, decimal_places=3, null=True, blank=True
    )
    target_year = models.PositiveSmallIntegerField(_("målår"), null=True, blank=True)
    method = models.CharField(
        _("metode"), max_length=10, choices=Method.choices, default=Method.COMPUTED
    )
    method_version = models.PositiveSmallIntegerField(_("metodeversjon"), default=1)
    breakdowns = models.JSONField(_("nedbrytinger"), default=list, blank=True)
    source = models.CharField(_("kilde"), max_length=200, blank=True)
    description = models.TextField(_("beregningsmåte"), blank=True)
    numerator = models.TextField(_("teller"), blank=True)
    denominator = models.TextField(_("nevner"), blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("basisår"), null=True, blank=True)
    target_factor = models.DecimalField(
        _("mål som faktor av basisåret"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("F.eks. 2 for «doblet fra basisåret»."),
    )
    target_note = models.CharField(_("mål (slik planen sier det)"), max_length=200, blank=True)
    counts_people = models.BooleanField(
        _("teller personer"),
        default=False,
        help_text=_("Tall under 5 skjules i offentlige aggregater."),
    )

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        ordering = ["focus_area", "code"]

    def __str__(self) -> str:
        return self.name_nb

    @property
    def name_shown(self) -> str:
        return indicator_name(self.name_nb, self.name_en)

    @property
    def focus_area_order(self) -> int:
        return list(self.FocusArea.values).index(self.focus_area)


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Måned")
    YEAR = "year", _("År")
    YTD = "ytd", _("Hittil i år")


class ScopeKind(models.TextChoices):
    NATIONAL = "national", _("Nasjonalt")
    REGION = "region", _("Region")
    TRUST = "trust", _("Helseforetak (med sykehusene under)")
    ORGANISATION = "organisation", _("Organisasjon")


class IndicatorSnapshot(models.Model):
    """One computed value: indicator × period × scope × breakdown, in a numbered version.

    A snapshot that a report has used is frozen; recomputing then adds a new version instead of
    changing what the report said.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indikator"), on_delete=models.PROTECT, related_name="snapshots"
    )
    period_kind = models.CharField(_("periodetype"), max_length=5, choices=PeriodKind.choices)
    period_start = models.DateField(_("periode fra"))
    scope_kind = models.CharField(_("omfang"), max_length=12, choices=ScopeKind.choices)
    scope_key = models.CharField(_("omfangsnøkkel"), max_length=40)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisasjon"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    breakdown = models.CharField(_("nedbryting"), max_length=20, blank=True)
    breakdown_value = models.CharField(_("verdi for nedbryting"), max_length=60, blank=True)
    value = models.DecimalField(_("verdi"), max_digits=16, decimal_places=4, null=True)
    numerator = models.DecimalField(_("teller"), max_digits=16, decimal_places=4, null=True)
    denominator = models.DecimalField(_("nevner"), max_digits=16, decimal_places=4, null=True)
    method_version = models.PositiveSmallIntegerField(_("metodeversjon"))
    period_end = models.DateField(_("periode til og med"), null=True, blank=True)
    provisional = models.BooleanField(
        _("foreløpig"), default=False, help_text=_("Året er ikke over: tallet kan endre seg.")
    )
    coverage = models.JSONField(
        _("dekning"),
        default=dict,
        blank=True,
        help_text=_("Hvor mange som har rapportert grunnlaget, andel ukjent kjønn/alder, kilde."),
    )
    warnings = models.JSONField(_("advarsler"), default=list, blank=True)
    suppressed = models.BooleanField(
        _("skjult i offentlige tall"),
        null=True,
        blank=True,
        help_text=_(
            "Avgjort av personvernkontrollen når perioden beregnes: verdien vises ikke i det "
            "offentlige API-et eller i rapportene. Tomt: ennå ikke avgjort."
        ),
    )
    version = models.PositiveIntegerField(_("versjon"), default=1)
    computed_at = models.DateTimeField(_("beregnet"))
    frozen_at = models.DateTimeField(_("låst (rapportert)"), null=True, blank=True)

    class Meta:
        verbose_name = _("indikatorverdi")
        verbose_name_plural = _("indikatorverdier")
        ordering = ["indicator_id", "-period_start", "scope_key", "breakdown", "breakdown_value"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "indicator",
                    "period_kind",
                    "period_start",
                    "scope_key",
                    "breakdown",
                    "breakdown_value",
                    "version",
                ],
                name="snapshot_unique_version",
            ),
        ]
        indexes = [
            # Reports, dashboards and the API read one period (all scopes) or one scope's trend.
            models.Index(
                fields=["period_kind", "period_start", "scope_key"], name="snapshot_period_idx"
            ),
            models.Index(
                fields=["scope_key", "indicator", "period_kind", "period_start"],
                name="snapshot_scope_trend_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_start} {self.scope_key} v{self.version}"


class ReportedFigure(models.Model):
    """A figure reported manually (e.g. DMP case-processing time, population, EU programme share)."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indikator"),
        on_delete=models.PROTECT,
        related_name="reported_figures",
        limit_choices_to={"method": Indicator.Method.MANUAL},
    )
    period_kind = models.CharField(
        _("periodetype"), max_length=5, choices=PeriodKind.choices, default=PeriodKind.YEAR
    )
    period_start = models.DateField(
        _("periode fra"), help_text=_("Første dag i måneden eller året.")
    )
    value = models.DecimalField(_("verdi"), max_digits=16, decimal_places=4)
    source = models.CharField(_("kilde"), max_length=300)
    note = models.TextField(_("merknad"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrert av"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("registrert"), auto_now_add=True)

    class Meta:
        verbose_name = _("manuelt rapportert tall")
        verbose_name_plural = _("manuelt rapporterte tall")
        ordering = ["indicator_id", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_kind", "period_start"],
                name="reported_figure_one_per_period",
                violation_error_message=_("Det finnes allerede et tall for denne perioden."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.period_start}"


class ReportedDenominator(models.Model):
    """A documented denominator reported by hand for one year: new specialist-care patients
    (nationally, per region or per health trust) or population (nationally, per region, per health
    trust or per municipality; municipalities add up to catchment areas). Entered through
    ``services.reported_denominator_record``."""

    class Kind(models.TextChoices):
        NEW_SPECIALIST_PATIENTS = (
            "new_specialist_patients",
            _("Nye pasienter i spesialisthelsetjenesten"),
        )
        POPULATION = "population", _("Folketall 1. januar")

    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("år"))
    scope_key = models.CharField(_("omfangsnøkkel"), max_length=40, editable=False)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("helseforetak"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"kind__in": ["hf", "private_nonprofit"]},
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("kommune"), on_delete=models.PROTECT, null=True, blank=True
    )
    value = models.PositiveBigIntegerField(_("antall"))
    source = models.CharField(
        _("kilde"), max_length=300, help_text=_("Hvor tallet kommer fra (tabell, rapport, år).")
    )
    note = models.TextField(_("merknad"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrert av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("registrert"), auto_now=True)

    class Meta:
        verbose_name = _("rapportert nevner")
        verbose_name_plural = _("rapporterte nevnere")
        ordering = ["kind", "-year", "scope_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "scope_key"],
                name="reported_denominator_one_per_scope",
                violation_error_message=_(
                    "Det finnes allerede et tall for dette året og omfanget."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} {self.scope_key}"


class ReportWorkbook(models.Model):
    """A report's spreadsheet, stored once however many recipients it was sent to: every recipient
    of a scope gets the same workbook (``ReportRun.workbook``), named by its SHA-256."""

    digest = models.CharField(_("SHA-256"), max_length=64, unique=True)
    content = models.BinaryField(_("innhold (XLSX)"))
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("rapportvedlegg")
        verbose_name_plural = _("rapportvedlegg")

    def __str__(self) -> str:
        return self.digest[:12]


class ReportRun(models.Model):
    """One monthly report to one recipient; the unique constraint makes each send happen once."""

    class Kind(models.TextChoices):
        MONTHLY_REGION = "monthly_region", _("Månedsrapport for region")
        MONTHLY_NATIONAL = "monthly_national", _("Nasjonal månedsrapport")

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter")
        SENDING = "sending", _("Sendes")
        SENT = "sent", _("Sendt")
        FAILED = "failed", _("Feilet")

    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    period_start = models.DateField(_("periode"))
    scope_key = models.CharField(_("omfang"), max_length=40)
    region = models.ForeignKey(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, null=True, blank=True
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mottaker"),
        on_delete=models.PROTECT,
        related_name="report_runs",
    )
    email = models.EmailField(_("e-post"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("forsøk"), default=0)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("startet sending"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sendt"), null=True, blank=True)
    last_error = models.TextField(_("siste feil"), blank=True)
    subject = models.CharField(_("emne"), max_length=200, blank=True)
    # Runs sent before workbooks were stored once (``workbook``) hold their own copy here.
    attachment = models.BinaryField(_("vedlegg (XLSX)"), null=True, blank=True)
    workbook = models.ForeignKey(
        ReportWorkbook,
        verbose_name=_("vedlegg (XLSX)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="runs",
    )
    snapshots = models.ManyToManyField(
        IndicatorSnapshot, verbose_name=_("indikatorverdier"), blank=True, related_name="reports"
    )

    class Meta:
        verbose_name = _("rapportutsending")
        verbose_name_plural = _("rapportutsendinger")
        ordering = ["-period_start", "kind", "scope_key", "email"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period_start", "scope_key", "recipient"],
                name="reportrun_once_per_recipient",
            ),
        ]
        indexes = [
            # The monthly run claims the pending and failed rows of one period.
            models.Index(fields=["period_start", "status"], name="reportrun_period_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_start:%Y-%m} {self.email}"


class RunningEnrolment(models.Model):
    """An enrolment running in the period being computed, with what its indicators are scoped and
    broken down by already joined in: a temporary table, built once for a period's computation and
    dropped after it (see ``indicators.catalogue.running``); never a table of the schema."""

    participant = models.ForeignKey(
        "consents.Participant", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    study = models.ForeignKey(
        "trials.Study", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    included_on = models.DateField()
    region_id = models.BigIntegerField(null=True)
    trust_id = models.BigIntegerField(null=True)
    organisation_kind = models.CharField(max_length=24)
    sponsor_type = models.CharField(max_length=20)
    sex = models.CharField(max_length=8)
    birth_year = models.PositiveSmallIntegerField(null=True)
    municipality = models.CharField(max_length=4, null=True)
    # 1 on the participant's first running enrolment in the country, the region, the health trust
    # and the organisation of this one: counting those rows counts each person once per scope.
    rank_national = models.PositiveIntegerField()
    rank_region = models.PositiveIntegerField()
    rank_trust = models.PositiveIntegerField()
    rank_organisation = models.PositiveIntegerField()
    # The participant's values of the enrolment breakdowns (HRCS category, care level, sponsor type)
    # among their running enrolments in the country, the region, the health trust and the
    # organisation of this one, one bit per value (see ``indicators.catalogue.masks``).
    mask_national = models.BigIntegerField()
    mask_region = models.BigIntegerField()
    mask_trust = models.BigIntegerField()
    mask_organisation = models.BigIntegerField()

    class Meta:
        managed = False
        db_table = "indicators_running_enrolment"

    def __str__(self) -> str:
        return f"enrolment {self.pk}"


class RunningSite(models.Model):
    """A study site's scope and breakdown columns, and its values of the enrolment breakdowns (one
    bit each), for building ``RunningEnrolment``: a temporary table like it, built and dropped with
    it."""

    site = models.OneToOneField(
        "trials.StudySite",
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="running_site",
    )
    organisation_id = models.BigIntegerField()
    region_id = models.BigIntegerField(null=True)
    trust_id = models.BigIntegerField(null=True)
    organisation_kind = models.CharField(max_length=24)
    sponsor_type = models.CharField(max_length=20)
    mask = models.BigIntegerField()

    class Meta:
        managed = False
        db_table = "indicators_running_site"

    def __str__(self) -> str:
        return f"site {self.pk}"
