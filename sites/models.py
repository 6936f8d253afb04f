"""Regions (RHF), organisations that run or support studies, municipalities, and user scopes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .history import AuditedManager
from .validators import validate_counts_by_key, validate_orgnr, validate_patients_by_hrcs


class Region(models.Model):
    """A regional health authority (RHF)."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name = models.CharField(_("navn"), max_length=120)
    orgnr = models.CharField(
        _("organisasjonsnummer"), max_length=9, unique=True, validators=[validate_orgnr]
    )
    ssb_code = models.CharField(_("SSB-kode"), max_length=8, blank=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regioner")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A municipality (2024 codes) and the health trust whose catchment area it belongs to."""

    code = models.CharField(_("kommunenummer"), max_length=4, unique=True)
    name = models.CharField(_("navn"), max_length=120)
    county_code = models.CharField(_("fylkesnummer"), max_length=2)
    county_name = models.CharField(_("fylke"), max_length=120)
    catchment_organisation = models.ForeignKey(
        "Organisation",
        verbose_name=_("opptaksområde (helseforetak)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="catchment_municipalities",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="municipalities",
    )
    latitude = models.DecimalField(
        _("breddegrad"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("lengdegrad"), max_digits=8, decimal_places=5, null=True, blank=True
    )

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Organisation(models.Model):
    """An organisation in (or working with) the health service: RHF, HF, hospital, municipality, …"""

    class Kind(models.TextChoices):
        RHF = "rhf", _("Regionalt helseforetak")
        HF = "hf", _("Helseforetak")
        HOSPITAL = "hospital", _("Sykehus")
        PRIVATE_NONPROFIT = "private_nonprofit", _("Privat ideelt sykehus")
        MUNICIPAL_SERVICE = "municipal_service", _("Kommunal helse- og omsorgstjeneste")
        DENTAL_SERVICE = "dental_service", _("Den offentlige tannhelsetjenesten")
        PRIVATE_PARTNER = "private_partner", _("Privat aktør")
        UNIVERSITY = "university", _("Universitet eller høyskole")
        SUPPORT = "support", _("Støtteforetak")

    orgnr = models.CharField(
        _("organisasjonsnummer"),
        max_length=9,
        null=True,
        blank=True,
        unique=True,
        validators=[validate_orgnr],
    )
    name = models.CharField(_("navn"), max_length=200)
    short_name = models.CharField(_("kortnavn"), max_length=60, blank=True)
    kind = models.CharField(_("type"), max_length=24, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("overordnet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("kommune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    latitude = models.DecimalField(
        _("breddegrad"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("lengdegrad"), max_digits=8, decimal_places=5, null=True, blank=True
    )
    nortrials_centre = models.BooleanField(_("NorTrials-senter"), default=False)
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("endret"), auto_now=True)
    version = models.PositiveIntegerField(_("versjon"), default=1, db_default=1, editable=False)

    history = HistoricalRecords(
        verbose_name=_("historikk for organisasjon"), excluded_fields=["version"]
    )
    objects = AuditedManager()
    definite_name = _("organisasjonen")  # in "… ble endret av …" (sites.locking)

    class Meta:
        base_manager_name = "objects"
        verbose_name = _("organisasjon")
        verbose_name_plural = _("organisasjoner")
        ordering = ["name"]
        indexes = [
            # Admin and API filter organisations by region and kind.
            models.Index(fields=["region", "kind"], name="org_region_kind_idx"),
            # Public API ETag/Last-Modified: the newest change to any organisation.
            models.Index(fields=["updated_at"], name="org_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class UserScope(models.Model):
    """What a back-office user is responsible for; the selectors turn this into visible rows."""

    class Role(models.TextChoices):
        NATIONAL_ADMIN = "national_admin", _("Nasjonal administrator")
        NORTRIALS = "nortrials", _("NorTrials-sekretariatet")
        REGIONAL_COORDINATOR = "regional_coordinator", _("Regional koordinator")
        ORGANISATION_STAFF = "organisation_staff", _("Forskningsstøtte i organisasjon")
        OBSERVER = "observer", _("Lesetilgang")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruker"),
        on_delete=models.CASCADE,
        related_name="scope",
    )
    role = models.CharField(_("rolle"), max_length=24, choices=Role.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisasjon"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords(verbose_name=_("historikk for brukertilgang"))
    objects = AuditedManager()

    class Meta:
        base_manager_name = "objects"
        verbose_name = _("brukertilgang")
        verbose_name_plural = _("brukertilganger")
        constraints = [
            models.CheckConstraint(
                name="userscope_coordinator_has_region",
                condition=~Q(role="regional_coordinator") | Q(region__isnull=False),
                violation_error_message=_("En regional koordinator må ha en region."),
            ),
            models.CheckConstraint(
                name="userscope_staff_has_organisation",
                condition=~Q(role="organisation_staff") | Q(organisation__isnull=False),
                violation_error_message=_("Forskningsstøtte må knyttes til en organisasjon."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_role_display()


class Profession(models.TextChoices):
    """The health professions whose employees with a PhD are counted (the PhD indicator)."""

    DOCTOR = "lege", _("Lege")
    NURSE = "sykepleier", _("Sykepleier")
    PSYCHOLOGIST = "psykolog", _("Psykolog")
    PHYSIOTHERAPIST = "fysioterapeut", _("Fysioterapeut")
    PHARMACIST = "farmasoyt", _("Farmasøyt")
    DENTIST = "tannlege", _("Tannlege")


def validate_phd_by_profession(value: object) -> None:
    validate_counts_by_key(
        value,
        keys=Profession.values,
        unknown=_("«%(key)s» er ikke en av helseprofesjonene i listen."),
    )


class OrganisationCapacity(models.Model):
    """Annual capacity figures of an organisation; patients treated is the denominator of participation."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisasjon"),
        on_delete=models.CASCADE,
        related_name="capacity",
    )
    year = models.PositiveSmallIntegerField(_("år"))
    has_research_support_unit = models.BooleanField(_("forskningsstøtteenhet"), default=False)
    gcp_trained_staff = models.PositiveIntegerField(_("GCP-trente ansatte"), null=True, blank=True)
    study_nurses = models.PositiveIntegerField(_("studiesykepleiere"), null=True, blank=True)
    research_person_years = models.DecimalField(
        _("forskningsårsverk"), max_digits=8, decimal_places=1, null=True, blank=True
    )
    phd_by_profession = models.JSONField(
        _("ansatte med doktorgrad per helseprofesjon"),
        default=dict,
        blank=True,
        validators=[validate_phd_by_profession],
        help_text=_("Antall per helseprofesjon. Et tomt felt betyr ikke rapportert."),
    )
    shared_research_clinic_positions = models.PositiveIntegerField(
        _("delte stillinger forskning/klinikk"), null=True, blank=True
    )
    shared_university_positions = models.PositiveIntegerField(
        _("delte stillinger med universitet/kommune"), null=True, blank=True
    )
    patients_treated = models.PositiveIntegerField(_("pasienter behandlet"), null=True, blank=True)
    patients_by_hrcs = models.JSONField(
        _("pasienter behandlet per HRCS helsekategori"),
        default=dict,
        blank=True,
        validators=[validate_patients_by_hrcs],
        help_text=_("Antall pasienter per HRCS helsekategori. Et tomt felt betyr ikke rapportert."),
    )
    specialties = models.TextField(_("fagområder"), blank=True)
    version = models.PositiveIntegerField(_("versjon"), default=1, db_default=1, editable=False)

    history = HistoricalRecords(
        verbose_name=_("historikk for kapasitet"), excluded_fields=["version"]
    )
    objects = AuditedManager()
    definite_name = _("kapasitetsoppføringen")

    class Meta:
        base_manager_name = "objects"
        verbose_name = _("kapasitet per år")
        verbose_name_plural = _("kapasitet per år")
        ordering = ["organisation_id", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"],
                name="capacity_one_per_year",
                violation_error_message=_("Det finnes allerede tall for dette året."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)


class PendingTask(models.Model):
    """A Celery task that could not be handed to the broker; sent again when the broker is back."""

    task_name = models.CharField(_("oppgave"), max_length=200)
    kwargs = models.JSONField(_("argumenter"), default=dict)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("forsøk"), default=0)
    last_error = models.CharField(_("siste feil"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("ventende oppgave")
        verbose_name_plural = _("ventende oppgaver")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.task_name


class UserPreference(models.Model):
    """A back-office user's own settings: the admin's language (empty: the browser decides)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bruker"),
        on_delete=models.CASCADE,
        related_name="preference",
    )
    language = models.CharField(_("språk"), max_length=8, blank=True, choices=settings.LANGUAGES)

    class Meta:
        verbose_name = _("brukerinnstilling")
        verbose_name_plural = _("brukerinnstillinger")

    def __str__(self) -> str:
        return self.get_language_display() or str(_("nettleserens språk"))
