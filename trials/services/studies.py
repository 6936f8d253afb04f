"""Saving a study edited by a person: optimistic locking and the reason kept in the history."""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sites.history import save_with_history
from sites.locking import StaleObjectError

from ..models import Study
from .lifecycle import APPROVED_OR_LATER


class StaleStudyError(StaleObjectError):
    """Someone else saved the study after this user opened it; nothing was written."""

    def __init__(self, study_id: int) -> None:
        self.study_id = study_id
        super().__init__(
            _("Studien er endret av noen andre etter at du åpnet den. Ingenting er lagret."),
            pk=study_id,
        )


def study_reason_required(*, loaded_status: str) -> bool:
    """A change to a study that is approved or later must say why."""
    return loaded_status in APPROVED_OR_LATER


@transaction.atomic
def study_save(
    *,
    study: Study,
    user: AbstractBaseUser | None,
    expected_version: int | None,
    loaded_status: str | None = None,
    reason: str = "",
) -> Study:
    """Save a study edited in a form (new or changed), refusing a stale or unexplained change.

    ``expected_version`` is the version the user's form was based on. The row is locked and its
    version compared before the save, so of two people saving the same version, the second is
    refused (``StaleStudyError``) and nothing of theirs is written.
    """
    if study.pk is not None:
        if loaded_status and study_reason_required(loaded_status=loaded_status) and not reason:
            raise ValidationError(
                _(
                    "Oppgi en begrunnelse: studien er godkjent, og endringen blir stående i historikken."
                )
            )
        if expected_version is None:  # a form without its version is not trusted to be current
            raise StaleStudyError(study.pk)
    try:
        return save_with_history(
            study,
            user=user,
            reason=reason or (_("Endret.") if study.pk else _("Opprettet.")),
            expected_version=expected_version if study.pk is not None else None,
        )
    except StaleObjectError:
        raise StaleStudyError(study.pk) from None


def study_lay_review_update(
    *, study: Study, changed_fields: list[str], reviewed: set[str], user: AbstractBaseUser | None
) -> None:
    """Record who reviewed which lay text; a changed text must be reviewed again.

    ``reviewed`` holds language codes (``nb``, ``nn``, ``en``) the user marked as reviewed now.
    """
    from django.utils import timezone

    for code in ("nb", "nn", "en"):
        if code in reviewed:
            setattr(study, f"lay_{code}_reviewed_at", timezone.now())
            setattr(study, f"lay_{code}_reviewed_by", user)
        elif {f"lay_title_{code}", f"lay_summary_{code}"} & set(changed_fields):
            setattr(study, f"lay_{code}_reviewed_at", None)
            setattr(study, f"lay_{code}_reviewed_by", None)
