"""The register export's record: one batch per period and organisation, what its file held."""

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sites.models import Organisation


class ExportBatch(models.Model):
    """One organisation's participation file for one month, as the export wrote it.

    The checksum and row count live here, not only beside the file, so ``manage.py
    reconcile_participation_export`` can tell a file changed or removed on disk from one the
    export would now write differently. A re-run that writes other bytes makes a new batch and
    marks this one superseded (``superseded_by`` is empty when the organisation has no file any
    more); the same bytes again keep the batch and its id.
    """

    class Status(models.TextChoices):
        CURRENT = "current", _("Gjeldende")
        SUPERSEDED = "superseded", _("Erstattet")

    batch_id = models.UUIDField(_("batch-id"), default=uuid.uuid4, unique=True, editable=False)
    period = models.CharField(_("periode"), max_length=7, help_text=_("Måned, f.eks. 2026-10."))
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisasjon"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField(_("filnavn"), max_length=120)
    row_count = models.PositiveIntegerField(_("antall rader"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    rules_version = models.CharField(
        _("regelversjon"),
        max_length=20,
        help_text=_("Versjonen av reglene for hvem som eksporteres (EXPORT_RULES_VERSION)."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.CURRENT
    )
    created_at = models.DateTimeField(_("laget"))
    sent_at = models.DateTimeField(
        _("levert"),
        null=True,
        blank=True,
        help_text=_("Da filen ble lagt på plass i eksportkatalogen, der NPR henter den."),
    )
    superseded_at = models.DateTimeField(_("erstattet"), null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("erstattet av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("eksportbatch (NPR)")
        verbose_name_plural = _("eksportbatcher (NPR)")
        ordering = ["-period", "organisation_id", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "organisation"],
                condition=Q(status="current"),
                name="exportbatch_one_current_per_period_org",
            ),
            models.CheckConstraint(
                name="exportbatch_period_is_a_month",
                condition=Q(period__regex=r"^[0-9]{4}-(0[1-9]|1[0-2])$"),
            ),
        ]
        indexes = [
            models.Index(fields=["period", "status"], name="exportbatch_period_status_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.file_name} ({self.get_status_display()})"
