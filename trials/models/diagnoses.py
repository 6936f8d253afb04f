"""Diagnoses a study concerns, as SNOMED CT concepts (what helsenorge links its pages by)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from ..validators import validate_snomed_ct_concept


class StudyDiagnosis(models.Model):
    study = models.ForeignKey(
        "trials.Study",
        verbose_name=_("studie"),
        on_delete=models.CASCADE,
        related_name="diagnoses",
    )
    snomed_ct = models.CharField(
        _("SNOMED CT-kode"), max_length=18, validators=[validate_snomed_ct_concept]
    )
    position = models.PositiveSmallIntegerField(_("rekkefølge"), default=0)

    class Meta:
        verbose_name = _("diagnose (SNOMED CT)")
        verbose_name_plural = _("diagnoser (SNOMED CT)")
        ordering = ["study", "position"]
        constraints = [
            models.UniqueConstraint(fields=["study", "snomed_ct"], name="study_diagnosis_unique"),
        ]

    def __str__(self) -> str:
        return self.snomed_ct
