"""A participant included in a study at a site.

Every write goes through ``consents.services.enrolments`` (inclusion, end, reopening), with the
consent rules. ``trials`` reads only counts of enrolments, through lazy imports, and never
participant data. The tables keep the names they had when enrolments lived in ``trials``.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sites.history import AuditedManager
from trials.models import Study, StudySite

from .participants import Participant


class Enrolment(models.Model):
    class Status(models.TextChoices):
        INCLUDED = "included", _("Inkludert")
        COMPLETED = "completed", _("Fullført")
        WITHDRAWN = "withdrawn", _("Trukket seg")
        LOST = "lost", _("Tapt for oppfølging")

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("deltaker"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    study = models.ForeignKey(
        Study, verbose_name=_("studie"), on_delete=models.PROTECT, related_name="enrolments"
    )
    site = models.ForeignKey(
        StudySite, verbose_name=_("studiested"), on_delete=models.PROTECT, related_name="enrolments"
    )
    included_on = models.DateField(_("inkludert"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.INCLUDED
    )
    ended_on = models.DateField(_("avsluttet"), null=True, blank=True)
    end_reason = models.CharField(_("årsak til avslutning"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("registrert"), auto_now_add=True)
    updated_at = models.DateTimeField(_("sist endret"), auto_now=True)
    version = models.PositiveIntegerField(_("versjon"), default=1, db_default=1, editable=False)

    history = HistoricalRecords(
        verbose_name=_("historikk for inklusjon"),
        excluded_fields=["version"],
        table_name="trials_historicalenrolment",
    )
    objects = AuditedManager()
    definite_name = _("inklusjonen")

    class Meta:
        db_table = "trials_enrolment"
        base_manager_name = "objects"
        verbose_name = _("inklusjon")
        verbose_name_plural = _("inklusjoner")
        ordering = ["-included_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "study"],
                condition=Q(status="included"),
                name="enrolment_one_active",
                violation_error_message=_("Deltakeren er allerede inkludert i denne studien."),
            ),
            models.CheckConstraint(
                name="enrolment_ended_after_included",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("included_on")),
                violation_error_message=_("Sluttdato kan ikke være før inklusjonsdato."),
            ),
        ]
        indexes = [
            # Recruitment counts per study and per site ("n/N"), and monthly indicator periods.
            models.Index(fields=["study", "status"], name="enrolment_study_status_idx"),
            models.Index(fields=["site", "included_on"], name="enrolment_site_included_idx"),
            models.Index(fields=["included_on"], name="enrolment_included_idx"),
            # A study's first enrolment (time from approval to first patient) from the index alone.
            models.Index(fields=["study", "included_on"], name="enrolment_study_included_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.study_id}/{self.site_id}: {self.included_on}"

    def clean(self) -> None:
        """The end is not before the inclusion: a field error, also where the form leaves the
        inclusion date out (then the database constraint is not checked before saving)."""
        super().clean()
        if self.ended_on and self.included_on and self.ended_on < self.included_on:
            raise ValidationError(
                {
                    "ended_on": _("Sluttdato kan ikke være før inklusjonsdato (%(d)s).")
                    % {"d": f"{self.included_on:%d.%m.%Y}"}
                }
            )
