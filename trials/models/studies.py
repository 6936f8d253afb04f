"""Studies and the organisations where they run (study sites)."""

import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sites.history import AuditedManager
from sites.models import Organisation

from ..validators import (
    validate_eu_ct,
    validate_eudract,
    validate_isrctn,
    validate_nct,
    validate_rek,
)
from .hrcs import HealthCategory, ResearchActivity
from .interventions import InterventionType
from .search import PostgresOnlyGinIndex, StudySearchDocument, StudySearchText, open_first

if TYPE_CHECKING:
    from ..selectors.public import PublicHealthCategory, PublicSite

_PUBLIC_ID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def generate_public_id() -> str:
    """A stable, non-sequential public id such as ``KS4K9M2XQT``; never the database key."""
    return "KS" + "".join(secrets.choice(_PUBLIC_ID_ALPHABET) for _ in range(8))


class Sponsor(models.Model):
    class Kind(models.TextChoices):
        INDUSTRY = "industry", _("Industri")
        PUBLIC = "public", _("Offentlig / akademisk")
        NONPROFIT = "nonprofit", _("Ideell organisasjon")

    name = models.CharField(_("navn"), max_length=200, unique=True)
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.PUBLIC)
    country = models.CharField(
        _("land"), max_length=2, blank=True, help_text=_("ISO 3166-1 alfa-2, f.eks. NO")
    )
    orgnr = models.CharField(_("organisasjonsnummer"), max_length=9, blank=True)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)

    history = HistoricalRecords(verbose_name=_("historikk for sponsor"))
    objects = AuditedManager()

    class Meta:
        base_manager_name = "objects"
        verbose_name = _("sponsor")
        verbose_name_plural = _("sponsorer")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# (constraint name, earlier date, later date, message): the date order every study keeps.
DATE_ORDER = (
    (
        "rek_before_opened",
        "rek_approved_on",
        "opened_on",
        _("Studien kan ikke åpne for inklusjon før REK-godkjenningen"),
    ),
    (
        "dmp_before_opened",
        "dmp_approved_on",
        "opened_on",
        _("Studien kan ikke åpne for inklusjon før DMP-godkjenningen"),
    ),
    (
        "rek_before_first_patient",
        "rek_approved_on",
        "first_patient_in_on",
        _("Første pasient kan ikke inkluderes før REK-godkjenningen"),
    ),
    (
        "dmp_before_first_patient",
        "dmp_approved_on",
        "first_patient_in_on",
        _("Første pasient kan ikke inkluderes før DMP-godkjenningen"),
    ),
    (
        "opened_before_first_patient",
        "opened_on",
        "first_patient_in_on",
        _("Første pasient kan ikke inkluderes før studien åpnet for inklusjon"),
    ),
    (
        "planned_end_after_opened",
        "opened_on",
        "planned_recruitment_end_on",
        _("Planlagt slutt på rekruttering kan ikke være før studien åpnet for inklusjon"),
    ),
    (
        "actual_end_after_opened",
        "opened_on",
        "actual_recruitment_end_on",
        _("Faktisk slutt på rekruttering kan ikke være før studien åpnet for inklusjon"),
    ),
    (
        "completed_after_opened",
        "opened_on",
        "completed_on",
        _("Avslutningsdato kan ikke være før åpningsdato"),
    ),
)


class Study(models.Model):
    InterventionType = InterventionType  # the list ``intervention_types`` holds values of

    if TYPE_CHECKING:
        # Set on a page of public studies by trials.selectors.public.study_attach_public.
        public_sites: list[PublicSite]
        public_hrcs: list[PublicHealthCategory]
        enrolled: int

    class Category(models.TextChoices):
        KBS = "kbs", _("Klinisk behandlingsstudie")
        OTHER_INTERVENTIONAL = "other_interventional", _("Annen intervensjonsstudie")
        OBSERVATIONAL = "observational", _("Observasjonsstudie")
        REGISTRY = "registry", _("Registerstudie")
        IMPLEMENTATION = "implementation", _("Implementeringsforskning")

    class Phase(models.TextChoices):
        NOT_APPLICABLE = "na", _("Ikke aktuelt")
        EARLY_1 = "early_1", _("Tidlig fase 1")
        PHASE_1 = "1", _("Fase 1")
        PHASE_1_2 = "1_2", _("Fase 1/2")
        PHASE_2 = "2", _("Fase 2")
        PHASE_2_3 = "2_3", _("Fase 2/3")
        PHASE_3 = "3", _("Fase 3")
        PHASE_4 = "4", _("Fase 4")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        AWAITING_APPROVAL = "awaiting_approval", _("Venter på godkjenning")
        APPROVED = "approved", _("Godkjent")
        OPEN = "open", _("Åpen for inklusjon")
        CLOSED = "closed", _("Stengt for inklusjon")
        COMPLETED = "completed", _("Avsluttet")
        SUSPENDED = "suspended", _("Midlertidig stanset")
        TERMINATED = "terminated", _("Avbrutt")
        WITHDRAWN = "withdrawn", _("Trukket")

    class SponsorType(models.TextChoices):
        INDUSTRY = "industry", _("Industri")
        PUBLIC = "public", _("Offentlig / akademisk")

    class Sex(models.TextChoices):
        ALL = "all", _("Alle")
        FEMALE = "female", _("Kvinner")
        MALE = "male", _("Menn")

    public_id = models.CharField(
        _("offentlig id"), max_length=10, unique=True, default=generate_public_id, editable=False
    )

    # Identifiers: empty when unknown, unique when given (see constraints).
    rek_number = models.CharField(
        _("REK-nummer"), max_length=12, blank=True, validators=[validate_rek]
    )
    eu_ct_number = models.CharField(
        _("EU CT-nummer"), max_length=17, blank=True, validators=[validate_eu_ct]
    )
    eudract_number = models.CharField(
        _("EudraCT-nummer"), max_length=14, blank=True, validators=[validate_eudract]
    )
    nct_id = models.CharField(_("NCT-nummer"), max_length=11, blank=True, validators=[validate_nct])
    isrctn = models.CharField(_("ISRCTN"), max_length=14, blank=True, validators=[validate_isrctn])
    sponsor_protocol_code = models.CharField(_("sponsors protokollkode"), max_length=60, blank=True)

    scientific_title = models.CharField(_("vitenskapelig tittel"), max_length=500)
    lay_title_nb = models.CharField(_("populærtittel (bokmål)"), max_length=300, blank=True)
    lay_title_nn = models.CharField(_("populærtittel (nynorsk)"), max_length=300, blank=True)
    lay_title_en = models.CharField(_("populærtittel (engelsk)"), max_length=300, blank=True)
    lay_summary_nb = models.TextField(_("populærvitenskapelig sammendrag (bokmål)"), blank=True)
    lay_summary_nn = models.TextField(_("populærvitenskapelig sammendrag (nynorsk)"), blank=True)
    lay_summary_en = models.TextField(_("populærvitenskapelig sammendrag (engelsk)"), blank=True)
    lay_nb_reviewed_at = models.DateTimeField(_("bokmål gjennomgått"), null=True, blank=True)
    lay_nb_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bokmål gjennomgått av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    lay_nn_reviewed_at = models.DateTimeField(_("nynorsk gjennomgått"), null=True, blank=True)
    lay_nn_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nynorsk gjennomgått av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    lay_en_reviewed_at = models.DateTimeField(_("engelsk gjennomgått"), null=True, blank=True)
    lay_en_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("engelsk gjennomgått av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    category = models.CharField(_("kategori"), max_length=24, choices=Category.choices)
    phase = models.CharField(
        _("fase"), max_length=8, choices=Phase.choices, default=Phase.NOT_APPLICABLE
    )
    intervention_types = models.JSONField(_("intervensjonstyper"), default=list, blank=True)
    hrcs_categories = models.ManyToManyField(
        HealthCategory, verbose_name=_("HRCS helsekategorier"), blank=True, related_name="studies"
    )
    research_activity = models.ForeignKey(
        ResearchActivity,
        verbose_name=_("HRCS forskningsaktivitet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="studies",
    )
    conditions = models.TextField(
        _("tilstander / diagnoser"), blank=True, help_text=_("Én per linje.")
    )

    min_age = models.PositiveSmallIntegerField(_("minste alder (år)"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("høyeste alder (år)"), null=True, blank=True)
    sex = models.CharField(_("kjønn"), max_length=6, choices=Sex.choices, default=Sex.ALL)
    healthy_volunteers = models.BooleanField(_("friske frivillige"), default=False)
    eligibility_criteria = models.TextField(_("hvem kan delta"), blank=True)

    sponsor = models.ForeignKey(
        Sponsor,
        verbose_name=_("sponsor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="studies",
    )
    sponsor_type = models.CharField(
        _("sponsortype"), max_length=10, choices=SponsorType.choices, default=SponsorType.PUBLIC
    )
    funding_sources = models.TextField(_("finansiering"), blank=True)
    decentralised = models.BooleanField(_("desentraliserte elementer"), default=False)
    decentralised_elements = models.TextField(
        _("beskrivelse av desentraliserte elementer"), blank=True
    )
    responsible_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("ansvarlig organisasjon"),
        on_delete=models.PROTECT,
        related_name="responsible_studies",
    )

    application_submitted_on = models.DateField(_("søknad sendt"), null=True, blank=True)
    rek_approved_on = models.DateField(_("REK-godkjent"), null=True, blank=True)
    dmp_approved_on = models.DateField(_("DMP-godkjent"), null=True, blank=True)
    opened_on = models.DateField(_("åpnet for inklusjon"), null=True, blank=True)
    first_patient_in_on = models.DateField(_("første pasient inkludert"), null=True, blank=True)
    planned_recruitment_end_on = models.DateField(
        _("planlagt slutt på rekruttering"), null=True, blank=True
    )
    actual_recruitment_end_on = models.DateField(
        _("faktisk slutt på rekruttering"), null=True, blank=True
    )
    completed_on = models.DateField(_("avsluttet"), null=True, blank=True)
    target_enrolment = models.PositiveIntegerField(
        _("mål for antall deltakere"), null=True, blank=True
    )
    actual_enrolment = models.PositiveIntegerField(
        _("faktisk antall deltakere (registeret)"),
        null=True,
        blank=True,
        help_text=_("Antall inkludert i hele studien ifølge registeret (alle land)."),
    )
    registry_start_on = models.DateField(
        _("oppstart ifølge registeret"),
        null=True,
        blank=True,
        help_text=_(
            "Studiens globale oppstart i registeret; ikke åpning eller første pasient i Norge."
        ),
    )

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    is_published = models.BooleanField(_("publisert"), default=False)
    published_at = models.DateTimeField(_("publisert"), null=True, blank=True)

    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)
    version = models.PositiveIntegerField(_("versjon"), default=1, editable=False)
    registry_updated_on = models.DateField(
        _("sist oppdatert i registeret"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Siste oppdatering i registeret ved import; eldre poster overskriver ikke."),
    )

    # Kept by the database from the texts above (PostgreSQL; NULL on SQLite), never by Python.
    search_document = models.GeneratedField(
        expression=StudySearchDocument(),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    # The patient search's text (``trials.selectors.search``), kept by the database on every backend.
    search_text = models.GeneratedField(
        expression=StudySearchText(),
        output_field=models.TextField(),
        db_persist=True,
    )

    history = HistoricalRecords(
        verbose_name=_("historikk for studie"),
        excluded_fields=["version", "search_document", "search_text"],
        m2m_fields=[hrcs_categories],
    )
    objects = AuditedManager()
    definite_name = _("studien")  # in "… ble endret av …" (sites.locking)

    class Meta:
        base_manager_name = "objects"
        verbose_name = _("studie")
        verbose_name_plural = _("studier")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["rek_number"],
                condition=~Q(rek_number=""),
                name="study_rek_unique",
                violation_error_message=_("En annen studie har allerede dette REK-nummeret."),
            ),
            models.UniqueConstraint(
                fields=["eu_ct_number"],
                condition=~Q(eu_ct_number=""),
                name="study_eu_ct_unique",
                violation_error_message=_("En annen studie har allerede dette EU CT-nummeret."),
            ),
            models.UniqueConstraint(
                fields=["eudract_number"],
                condition=~Q(eudract_number=""),
                name="study_eudract_unique",
                violation_error_message=_("En annen studie har allerede dette EudraCT-nummeret."),
            ),
            models.UniqueConstraint(
                fields=["nct_id"],
                condition=~Q(nct_id=""),
                name="study_nct_unique",
                violation_error_message=_("En annen studie har allerede dette NCT-nummeret."),
            ),
            models.UniqueConstraint(
                fields=["isrctn"],
                condition=~Q(isrctn=""),
                name="study_isrctn_unique",
                violation_error_message=_("En annen studie har allerede dette ISRCTN-nummeret."),
            ),
            models.CheckConstraint(
                name="study_age_range_ordered",
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(min_age__lte=F("max_age")),
                violation_error_message=_("Minste alder kan ikke være høyere enn høyeste alder."),
            ),
            # Date order (``clean`` says the same with the dates, as field errors).
            *(
                models.CheckConstraint(
                    name=f"study_{name}",
                    condition=Q(**{f"{early}__isnull": True})
                    | Q(**{f"{late}__isnull": True})
                    | Q(**{f"{late}__gte": F(early)}),
                    violation_error_message=format_lazy("{}.", message),
                )
                for name, early, late, message in DATE_ORDER
            ),
        ]
        indexes = [
            # Public list: published studies, newest changes first.
            models.Index(
                fields=["is_published", "-updated_at"], name="study_published_updated_idx"
            ),
            # Admin changelist (newest changes first, with the pk tiebreak the admin adds) and the
            # public API's ETag/Last-Modified (max updated_at).
            models.Index(fields=["-updated_at", "-id"], name="study_updated_idx"),
            # Public lists and their bounded counts: the ids of what may be published, read
            # index-only (the condition is selectors.study_public_queryset's).
            models.Index(
                fields=["id"],
                condition=Q(is_published=True) & ~Q(status__in=["draft", "withdrawn"]),
                name="study_public_idx",
            ),
            # Nightly job: open studies whose planned recruitment end has passed.
            models.Index(
                fields=["status", "planned_recruitment_end_on"], name="study_status_end_idx"
            ),
            # Public API `q`: Norwegian full-text search (PostgreSQL only; SQLite uses icontains).
            PostgresOnlyGinIndex(fields=["search_document"], name="study_search_document_idx"),
            # Public search `q` in its order (open studies first, then newest): walked until a
            # page of matches is found, as the newest-first list walks study_updated_idx.
            models.Index(
                open_first().desc(),
                F("updated_at").desc(),
                F("id").desc(),
                condition=Q(is_published=True) & ~Q(status__in=["draft", "withdrawn"]),
                name="study_open_first_idx",
            ),
            # Public search `q`: a word as a piece of the text (LIKE '%kreft%'), PostgreSQL only.
            PostgresOnlyGinIndex(
                fields=["search_text"], opclasses=["gin_trgm_ops"], name="study_search_text_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.lay_title_nb or self.scientific_title

    @property
    def condition_list(self) -> list[str]:
        return [line.strip() for line in self.conditions.splitlines() if line.strip()]

    def clean(self) -> None:
        """Dates in an order that can happen: approval, opening, first patient; recruitment end
        and completion not before opening. Each error names the later date's field."""
        super().clean()
        errors: dict[str, list[str]] = {}
        for _name, early, late, message in DATE_ORDER:
            first, then = getattr(self, early), getattr(self, late)
            if first and then and then < first:
                errors.setdefault(late, []).append(f"{message} ({first:%d.%m.%Y}).")
        if errors:
            raise ValidationError(errors)


class StudySite(models.Model):
    """A study at one organisation. "Open for inclusion" is decided per site."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planlagt")
        OPEN = "open", _("Åpen for inklusjon")
        CLOSED = "closed", _("Stengt")

    study = models.ForeignKey(
        Study, verbose_name=_("studie"), on_delete=models.CASCADE, related_name="sites"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisasjon"),
        on_delete=models.PROTECT,
        related_name="study_sites",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PLANNED
    )
    activated_on = models.DateField(_("aktivert"), null=True, blank=True)
    closed_on = models.DateField(_("stengt"), null=True, blank=True)
    local_investigator = models.CharField(_("lokal hovedutprøver"), max_length=200, blank=True)
    contact_name = models.CharField(_("kontaktperson"), max_length=200, blank=True)
    contact_email = models.EmailField(_("kontakt e-post"), blank=True)
    contact_phone = models.CharField(_("kontakt telefon"), max_length=30, blank=True)
    target_enrolment = models.PositiveIntegerField(
        _("mål for antall deltakere"), null=True, blank=True
    )
    is_satellite = models.BooleanField(_("satellittsenter"), default=False)
    is_decentralised = models.BooleanField(_("desentralisert"), default=False)
    created_at = models.DateTimeField(_("opprettet"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("historikk for studiested"))
    objects = AuditedManager()

    class Meta:
        base_manager_name = "objects"
        verbose_name = _("studiested")
        verbose_name_plural = _("studiesteder")
        ordering = ["study_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "organisation"],
                name="studysite_unique_org",
                violation_error_message=_("Organisasjonen er allerede studiested i denne studien."),
            ),
            models.CheckConstraint(
                name="studysite_closed_after_activated",
                condition=Q(activated_on__isnull=True)
                | Q(closed_on__isnull=True)
                | Q(closed_on__gte=F("activated_on")),
                violation_error_message=_("Stengt-dato kan ikke være før aktiveringsdato."),
            ),
        ]
        indexes = [
            # "Open for inclusion" filters and per-organisation open-study counts.
            models.Index(fields=["organisation", "status"], name="studysite_org_status_idx"),
            models.Index(fields=["study", "status"], name="studysite_study_status_idx"),
            # Public API `near`/`organisation`: studies open at given organisations, index-only.
            models.Index(
                fields=["organisation", "status", "study"], name="studysite_org_status_study_idx"
            ),
            # Public API ETag/Last-Modified: the newest change to any study site.
            models.Index(fields=["updated_at"], name="studysite_updated_idx"),
            # Public `open` with a place: the open sites of a study and where they are,
            # index-only (a fifth of all sites).
            models.Index(
                fields=["study", "organisation"],
                condition=Q(status="open"),
                name="studysite_open_idx",
            ),
        ]

    def __str__(self) -> str:
        # Shown above each row of the site inline, in the enrolment list and in logs: where the
        # study runs (the study is the page or the column beside it).
        return self.organisation.name if self.organisation_id else gettext("Nytt studiested")
