"""What registry imports leave behind: links to registry records, site matches to confirm,
identity conflicts and status changes waiting for a coordinator, and the runs themselves."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sites.models import Organisation

from .studies import Study


class Registry(models.TextChoices):
    CTGOV = "ctgov", "ClinicalTrials.gov"
    CTIS = "ctis", "EU CTIS"
    HELSENORGE = "helsenorge", "helsenorge.no"


class Decision(models.TextChoices):
    OPEN = "open", _("Til vurdering")
    ACCEPTED = "accepted", _("Godtatt")
    REJECTED = "rejected", _("Avvist")


class RegistryRecord(models.Model):
    """A study's record in one registry: the link that makes several registries one study."""

    study = models.ForeignKey(
        Study, verbose_name=_("studie"), on_delete=models.CASCADE, related_name="registry_records"
    )
    registry = models.CharField(_("register"), max_length=12, choices=Registry.choices)
    registry_id = models.CharField(_("id i registeret"), max_length=40)
    file_format = models.CharField(_("filformat"), max_length=20)
    is_primary = models.BooleanField(
        _("leder studiens data"),
        default=False,
        help_text=_("Registeret studien ble opprettet fra; andre registre fyller bare tomme felt."),
    )
    updated_on = models.DateField(_("sist oppdatert i registeret"), null=True, blank=True)
    fingerprint = models.CharField(_("innholdets fingeravtrykk"), max_length=64, blank=True)
    imported_at = models.DateTimeField(_("sist importert"), auto_now=True)

    class Meta:
        verbose_name = _("registeroppføring")
        verbose_name_plural = _("registeroppføringer")
        ordering = ["registry", "registry_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["registry", "registry_id"], name="registryrecord_unique_id"
            )
        ]
        indexes = [
            # Admin search: a registry id typed into the study search box.
            models.Index(fields=["registry_id"], name="registryrecord_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_registry_display()} {self.registry_id}"


class OrganisationAlias(models.Model):
    """A site name as registries write it, and the organisation it means (a remembered match)."""

    key = models.CharField(_("normalisert navn"), max_length=300, unique=True, editable=False)
    text = models.CharField(_("navn i registeret"), max_length=300)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisasjon"),
        on_delete=models.PROTECT,
        related_name="aliases",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lagt inn av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("lagt inn"), auto_now_add=True)

    class Meta:
        verbose_name = _("alternativt organisasjonsnavn")
        verbose_name_plural = _("alternative organisasjonsnavn")
        ordering = ["text"]

    def __str__(self) -> str:
        return self.text


class SiteMatch(models.Model):
    """How a registry's site string was read: the organisation, how sure, and who confirmed it."""

    class Method(models.TextChoices):
        NAME = "name", _("Navn")
        ALIAS = "alias", _("Kjent alternativt navn")
        CORRECTION = "correction", _("Rettet av koordinator")
        MUNICIPALITY = "municipality", _("Kommune")
        CITY = "city", _("Sted (generisk studiested)")
        NONE = "none", _("Ingen treff")

    class Outcome(models.TextChoices):
        MATCHED = "matched", _("Gjenkjent")
        REVIEW = "review", _("Til vurdering")
        UNMATCHED = "unmatched", _("Ikke gjenkjent")
        CONFIRMED = "confirmed", _("Bekreftet")
        REJECTED = "rejected", _("Ikke et studiested")

    study = models.ForeignKey(
        Study, verbose_name=_("studie"), on_delete=models.CASCADE, related_name="site_matches"
    )
    registry_text = models.CharField(_("studiested i registeret"), max_length=300)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisasjon"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    candidates = models.ManyToManyField(
        Organisation, verbose_name=_("kandidater"), blank=True, related_name="+"
    )
    confidence = models.PositiveSmallIntegerField(_("sikkerhet (%)"), default=0)
    method = models.CharField(_("metode"), max_length=12, choices=Method.choices)
    outcome = models.CharField(_("utfall"), max_length=10, choices=Outcome.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bekreftet av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("bekreftet"), null=True, blank=True)

    class Meta:
        verbose_name = _("stedsgjenkjenning")
        verbose_name_plural = _("stedsgjenkjenninger")
        ordering = ["outcome", "study_id", "registry_text"]
        constraints = [
            models.UniqueConstraint(fields=["study", "registry_text"], name="sitematch_unique_text")
        ]
        indexes = [
            # Admin list: what waits for review, newest studies first.
            models.Index(fields=["outcome", "study"], name="sitematch_outcome_idx"),
        ]

    def __str__(self) -> str:
        return self.registry_text


class IdentityReview(models.Model):
    """A registry record that may be the same study as one we have, or claims another's id."""

    class Kind(models.TextChoices):
        IDENTIFIER_CONFLICT = "conflict", _("To studier har identifikatorene")
        TITLE_DIFFERS = "title", _("Samme identifikator, ulik tittel")
        SPONSOR_DIFFERS = "sponsor", _("Samme identifikator, ulik ansvarlig")
        POSSIBLE_SAME = "same", _("Trolig samme studie (lik tittel)")

    study = models.ForeignKey(
        Study, verbose_name=_("studie"), on_delete=models.CASCADE, related_name="identity_reviews"
    )
    other_study = models.ForeignKey(
        Study,
        verbose_name=_("annen studie"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("hva"), max_length=10, choices=Kind.choices)
    registry = models.CharField(_("register"), max_length=12, choices=Registry.choices)
    registry_id = models.CharField(_("id i registeret"), max_length=40)
    record_title = models.CharField(_("tittel i registeret"), max_length=500)
    record_sponsor = models.CharField(_("sponsor i registeret"), max_length=200, blank=True)
    identifiers = models.JSONField(_("identifikatorer i registeret"), default=dict)
    detail = models.TextField(_("forklaring"), blank=True)
    decision = models.CharField(
        _("avgjørelse"), max_length=10, choices=Decision.choices, default=Decision.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("avgjort av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("avgjort"), null=True, blank=True)
    created_at = models.DateTimeField(_("oppdaget"), auto_now_add=True)

    class Meta:
        verbose_name = _("identitet til vurdering")
        verbose_name_plural = _("identiteter til vurdering")
        ordering = ["decision", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "registry", "registry_id", "kind"],
                name="identityreview_unique",
            )
        ]
        indexes = [
            # Import: has this record already been decided (linked or kept apart)?
            models.Index(fields=["registry", "registry_id"], name="identityreview_record_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_registry_display()} {self.registry_id}"


class StatusProposal(models.Model):
    """A status an import wanted to set that would reopen or move a study backwards."""

    study = models.ForeignKey(
        Study, verbose_name=_("studie"), on_delete=models.CASCADE, related_name="status_proposals"
    )
    from_status = models.CharField(_("fra status"), max_length=20, choices=Study.Status.choices)
    to_status = models.CharField(_("til status"), max_length=20, choices=Study.Status.choices)
    registry = models.CharField(_("register"), max_length=12, choices=Registry.choices)
    registry_updated_on = models.DateField(_("registerets dato"), null=True, blank=True)
    decision = models.CharField(
        _("avgjørelse"), max_length=10, choices=Decision.choices, default=Decision.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("avgjort av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("avgjort"), null=True, blank=True)
    created_at = models.DateTimeField(_("foreslått"), auto_now_add=True)

    class Meta:
        verbose_name = _("foreslått statusendring")
        verbose_name_plural = _("foreslåtte statusendringer")
        ordering = ["decision", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["study", "to_status"],
                condition=Q(decision="open"),
                name="statusproposal_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class ImportRun(models.Model):
    """One import started from the admin or the drop folder, with its progress and report."""

    class State(models.TextChoices):
        QUEUED = "queued", _("I kø")
        RUNNING = "running", _("Kjører")
        DONE = "done", _("Ferdig")
        FAILED = "failed", _("Feilet")

    label = models.CharField(_("fil eller mappe"), max_length=300)
    path = models.CharField(_("sti på tjeneren"), max_length=500, editable=False)
    state = models.CharField(
        _("tilstand"), max_length=8, choices=State.choices, default=State.QUEUED
    )
    total = models.PositiveIntegerField(_("poster"), default=0)
    done = models.PositiveIntegerField(_("behandlet"), default=0)
    report = models.JSONField(_("rapport"), default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("startet av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("startet"), auto_now_add=True)
    finished_at = models.DateTimeField(_("ferdig"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("importer")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.label
