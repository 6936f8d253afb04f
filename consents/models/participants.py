"""Participants are stored only as a keyed pseudonym; the national identity number never is."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from sites.history import AuditedManager
from sites.models import Municipality


class Participant(models.Model):
    """A person known by a keyed HMAC pseudonym: a participant, or someone who reserved themselves.

    After erasure (a withdrawal with scope "delete my data") the pseudonym is replaced by a random
    value and the demographics are cleared, so what remains counts but identifies no one.
    """

    class Sex(models.TextChoices):
        FEMALE = "female", _("Kvinne")
        MALE = "male", _("Mann")
        UNKNOWN = "unknown", _("Ukjent")

    pseudonym = models.CharField(_("pseudonym"), max_length=64, unique=True, editable=False)
    birth_year = models.PositiveSmallIntegerField(_("fødselsår"), null=True, blank=True)
    sex = models.CharField(_("kjønn"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    home_municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("bostedskommune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registrert"), auto_now_add=True)
    erasure_due_on = models.DateField(_("slettes senest"), null=True, blank=True, editable=False)
    erased_at = models.DateTimeField(_("slettet"), null=True, blank=True, editable=False)

    # The pseudonym stays out of the history: erasure replaces it, and no copy may outlive that.
    history = HistoricalRecords(
        verbose_name=_("historikk for deltaker"), excluded_fields=["pseudonym"]
    )
    objects = AuditedManager()

    class Meta:
        base_manager_name = "objects"
        verbose_name = _("deltaker")
        verbose_name_plural = _("deltakere")
        indexes = [
            # Daily erasure job: requested deletions whose deadline has come.
            models.Index(
                fields=["erasure_due_on"],
                name="participant_erasure_due_idx",
                condition=models.Q(erasure_due_on__isnull=False, erased_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        if self.erased_at:
            return str(_("slettet deltaker"))
        return f"{self.pseudonym[:12]}…"
