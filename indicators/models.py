"""Indicator definitions of the national action plan for clinical studies 2025–2035."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        ordering = ["focus_area", "code"]

    def __str__(self) -> str:
        return self.name_nb
