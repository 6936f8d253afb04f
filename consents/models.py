"""Participants are stored only as a keyed pseudonym; the national identity number never is."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from sites.models import Municipality


class Participant(models.Model):
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

    class Meta:
        verbose_name = _("deltaker")
        verbose_name_plural = _("deltakere")

    def __str__(self) -> str:
        return f"{self.pseudonym[:12]}…"
