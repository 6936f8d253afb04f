"""The Health Research Classification System: 21 health categories and 48 research activity codes."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class HealthCategory(models.Model):
    code = models.CharField(
        _("kode"), max_length=2, unique=True, help_text=_("HRCS-rekkefølge, 01–21")
    )
    identifier = models.CharField(_("identifikator"), max_length=20, unique=True)
    label_nb = models.CharField(_("navn (bokmål)"), max_length=120)
    label_en = models.CharField(_("navn (engelsk)"), max_length=120)
    description_en = models.TextField(_("beskrivelse (engelsk)"), blank=True)

    class Meta:
        verbose_name = _("HRCS helsekategori")
        verbose_name_plural = _("HRCS helsekategorier")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.label_nb


def hrcs_rows() -> list[tuple[str, str]]:
    """The HRCS health categories as table rows: code and name ("02 Kreft"), in English for an
    English page."""
    english = translation.get_language() == "en"
    return [
        (c.code, f"{c.code} {c.label_en if english else c.label_nb}")
        for c in HealthCategory.objects.order_by("code")
    ]


class ResearchActivity(models.Model):
    code = models.CharField(_("kode"), max_length=4, unique=True)
    group_code = models.PositiveSmallIntegerField(_("gruppe"))
    group_nb = models.CharField(_("gruppe (bokmål)"), max_length=120)
    group_en = models.CharField(_("gruppe (engelsk)"), max_length=120)
    label_nb = models.CharField(_("navn (bokmål)"), max_length=200)
    label_en = models.CharField(_("navn (engelsk)"), max_length=200)

    class Meta:
        verbose_name = _("HRCS forskningsaktivitet")
        verbose_name_plural = _("HRCS forskningsaktiviteter")
        ordering = ["group_code", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label_nb}"
