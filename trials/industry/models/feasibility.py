"""Sponsors' feasibility requests (NorTrials "one way in") and the organisations' answers."""

import secrets

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from sites.models import Organisation, Region
from trials.models import HealthCategory, Sponsor, Study


def generate_outcome_token() -> str:
    return secrets.token_urlsafe(32)


_REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def generate_request_reference() -> str:
    """A short reference a sponsor can quote on the phone, such as ``MS-7K2QX9``."""
    return "MS-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


class FeasibilityRequest(models.Model):
    class Channel(models.TextChoices):
        PORTAL = "portal", _("Portal (API)")
        ADMIN = "admin", _("Registrert av koordinator")
        EMAIL = "email", _("E-post")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Mottatt")
        ROUTED = "routed", _("Sendt til organisasjoner")
        COMPILED = "compiled", _("Samlet svar sendt")
        CLOSED = "closed", _("Avsluttet")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Venter på sponsor")
        SELECTED = "selected", _("Norske sentre valgt")
        NOT_SELECTED = "not_selected", _("Norge ikke valgt")

    public_id = models.CharField(
        _("referanse"),
        max_length=16,
        unique=True,
        default=generate_request_reference,
        editable=False,
    )
    sponsor = models.ForeignKey(
        Sponsor,
        verbose_name=_("sponsor"),
        on_delete=models.PROTECT,
        related_name="feasibility_requests",
    )
    contact_name = models.CharField(_("kontaktperson hos sponsor"), max_length=200)
    contact_email = models.EmailField(_("e-post hos sponsor"))
    title = models.CharField(_("tittel"), max_length=300)
    condition = models.CharField(_("tilstand / diagnose"), max_length=300)
    hrcs_category = models.ForeignKey(
        HealthCategory,
        verbose_name=_("HRCS helsekategori"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    phase = models.CharField(_("fase"), max_length=8, choices=Study.Phase.choices)
    study_category = models.CharField(
        _("studietype"), max_length=24, choices=Study.Category.choices, default=Study.Category.KBS
    )
    design_summary = models.TextField(_("design"))
    key_inclusion_criteria = models.TextField(_("viktigste inklusjonskriterier"))
    patients_wanted = models.PositiveIntegerField(_("antall pasienter ønsket"))
    regions = models.ManyToManyField(
        Region, verbose_name=_("regioner av interesse"), blank=True, related_name="+"
    )
    organisations = models.ManyToManyField(
        Organisation, verbose_name=_("organisasjoner av interesse"), blank=True, related_name="+"
    )
    channel = models.CharField(
        _("kanal"), max_length=8, choices=Channel.choices, default=Channel.PORTAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    received_at = models.DateTimeField(_("mottatt"))
    deadline = models.DateField(
        _("svarfrist"),
        help_text=_("Standard: fem virkedager etter mottak (helligdager tas hensyn til)."),
    )
    routed_at = models.DateTimeField(_("sendt til organisasjoner"), null=True, blank=True)
    compiled_sent_at = models.DateTimeField(_("samlet svar sendt"), null=True, blank=True)
    outcome = models.CharField(
        _("utfall"), max_length=14, choices=Outcome.choices, default=Outcome.PENDING
    )
    outcome_reported_at = models.DateTimeField(_("utfall rapportert"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("sponsors tilfredshet (1–5)"), null=True, blank=True
    )
    satisfaction_comment = models.TextField(_("sponsors kommentar"), blank=True)
    outcome_token = models.CharField(
        max_length=64, unique=True, default=generate_outcome_token, editable=False
    )
    study = models.ForeignKey(
        Study,
        verbose_name=_("studie"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feasibility_requests",
    )

    class Meta:
        db_table = "trials_feasibilityrequest"  # kept from before industry was an app of its own
        verbose_name = _("mulighetsstudie")
        verbose_name_plural = _("mulighetsstudier")
        ordering = ["-received_at"]
        constraints = [
            models.CheckConstraint(
                name="feasibility_satisfaction_1_5",
                condition=models.Q(satisfaction__isnull=True)
                | models.Q(satisfaction__gte=1, satisfaction__lte=5),
                violation_error_message=_("Tilfredshet må være et tall fra 1 til 5."),
            ),
        ]
        indexes = [
            # Daily reminders and the deadline sweep.
            models.Index(fields=["status", "deadline"], name="feas_status_deadline_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.public_id} {self.title}"


class FeasibilityResponse(models.Model):
    class Answer(models.TextChoices):
        PENDING = "pending", _("Ikke besvart")
        YES = "yes", _("Ja")
        MAYBE = "maybe", _("Kanskje")
        NO = "no", _("Nei")

    request = models.ForeignKey(
        FeasibilityRequest,
        verbose_name=_("forespørsel"),
        on_delete=models.CASCADE,
        related_name="responses",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisasjon"),
        on_delete=models.PROTECT,
        related_name="feasibility_responses",
    )
    answer = models.CharField(
        _("svar"), max_length=8, choices=Answer.choices, default=Answer.PENDING
    )
    reason_no = models.TextField(_("begrunnelse ved nei"), blank=True)
    eligible_patients_per_year = models.PositiveIntegerField(
        _("aktuelle pasienter per år"), null=True, blank=True
    )
    proposed_investigator = models.CharField(_("foreslått utprøver"), max_length=200, blank=True)
    earliest_start = models.DateField(_("tidligste oppstart"), null=True, blank=True)
    routed_at = models.DateTimeField(_("sendt til organisasjonen"))
    answered_at = models.DateTimeField(_("besvart"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("påminnet"), null=True, blank=True)
    selected = models.BooleanField(_("valgt av sponsor"), null=True, blank=True)
    released_at = models.DateTimeField(_("frigitt"), null=True, blank=True)

    class Meta:
        db_table = "trials_feasibilityresponse"
        verbose_name = _("svar på mulighetsstudie")
        verbose_name_plural = _("svar på mulighetsstudier")
        ordering = ["request_id", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "organisation"], name="feasibility_response_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.organisation_id}: {self.answer}"


class FeasibilityInterestProfile(models.Model):
    """What an organisation wants to hear about; new requests are routed by it.

    An empty list of phases or study types means "all".
    """

    organisation = models.OneToOneField(
        Organisation,
        verbose_name=_("organisasjon"),
        on_delete=models.CASCADE,
        related_name="feasibility_profile",
    )
    hrcs_categories = models.ManyToManyField(
        HealthCategory, verbose_name=_("HRCS helsekategorier"), blank=True, related_name="+"
    )
    phases = models.JSONField(
        _("faser"), default=list, blank=True, help_text=_("Tom liste betyr alle faser.")
    )
    study_categories = models.JSONField(
        _("studietyper"), default=list, blank=True, help_text=_("Tom liste betyr alle studietyper.")
    )
    contact_email = models.EmailField(_("e-post for forespørsler"))
    is_active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        db_table = "trials_feasibilityinterestprofile"
        verbose_name = _("interesseprofil")
        verbose_name_plural = _("interesseprofiler")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return str(self.organisation_id)

    def clean(self) -> None:
        errors = {}
        if set(self.phases or []) - set(Study.Phase.values):
            errors["phases"] = _("Ukjent fase. Gyldige verdier: %(values)s") % {
                "values": ", ".join(Study.Phase.values)
            }
        if set(self.study_categories or []) - set(Study.Category.values):
            errors["study_categories"] = _("Ukjent studietype. Gyldige verdier: %(values)s") % {
                "values": ", ".join(Study.Category.values)
            }
        if errors:
            raise ValidationError(errors)
