"""Writes: the SNOMED CT diagnoses of a study."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction

from ..models import PublicChange, Study, StudyDiagnosis
from ..validators import validate_snomed_ct_concept


@transaction.atomic
def study_diagnoses_set(*, study: Study, codes: Sequence[str]) -> bool:
    """Make the study's diagnoses exactly ``codes`` (SNOMED CT concept ids, in this order,
    duplicates dropped). Every code is checked before anything is written. Returns whether
    anything changed; a change moves the public change stamp (the feeds' ETag)."""
    wanted = list(dict.fromkeys(code.strip() for code in codes))
    errors = []
    for code in wanted:
        try:
            validate_snomed_ct_concept(code)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"diagnoses": errors})
    current = list(study.diagnoses.order_by("position").values_list("snomed_ct", flat=True))
    if current == wanted:
        return False
    study.diagnoses.all().delete()
    StudyDiagnosis.objects.bulk_create(
        StudyDiagnosis(study=study, snomed_ct=code, position=i) for i, code in enumerate(wanted)
    )
    PublicChange.objects.create(kind=StudyDiagnosis._meta.label_lower)
    return True
