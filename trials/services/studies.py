"""Saving a study edited by a person: optimistic locking, the reason kept in the history, the
lifecycle dates, the publish stamp and the study's sites — one service for the whole form."""

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sites.access import may_change, rows_changeable, rows_choosable
from sites.history import save_with_history
from sites.locking import StaleObjectError
from sites.models import Organisation

from ..models import HealthCategory, Study, StudySite
from .lifecycle import (
    APPROVED_OR_LATER,
    ENDS_RECRUITMENT,
    study_apply_transition_dates,
    studysite_close_open,
)


class StaleStudyError(StaleObjectError):
    """Someone else saved the study after this user opened it; nothing was written."""

    def __init__(self, study_id: int) -> None:
        self.study_id = study_id
        super().__init__(
            _("Studien er endret av noen andre etter at du åpnet den. Ingenting er lagret."),
            pk=study_id,
        )


def study_reason_required(*, loaded_status: str | None) -> bool:
    """A change to a study that is approved or later must say why (a new study has no status)."""
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


def _check_sites_in_scope(*, user: AbstractBaseUser | None, sites: list[StudySite]) -> None:
    """A person changes only the site rows at their own organisations."""
    if user is None or not sites:
        return
    mine = rows_changeable(user=user, model=StudySite)
    choosable = rows_choosable(user=user, model=Organisation)
    for site in sites:
        in_scope = (
            mine.filter(pk=site.pk).exists()
            if site.pk is not None
            else choosable.filter(pk=site.organisation_id).exists()
        )
        if not in_scope:
            raise PermissionDenied(
                _("Studiestedet %(site)s ligger utenfor ditt ansvarsområde.") % {"site": site}
            )


def _check_may_change(*, user: AbstractBaseUser | None, study: Study) -> None:
    """A person changes the study-level fields only of studies their organisations lead."""
    if user is not None and study.pk is not None and not may_change(user=user, obj=study):
        raise PermissionDenied(
            _("Studien ledes av en annen region; du kan bare endre dine egne studiesteder.")
        )


@transaction.atomic
def study_update(
    *,
    study: Study,
    user: AbstractBaseUser | None,
    expected_version: int | None,
    loaded_status: str | None,
    reason: str = "",
    changed_fields: Iterable[str] = (),
    reviewed: Iterable[str] = (),
    hrcs_categories: Iterable[HealthCategory] | None = None,
    sites: Iterable[StudySite] = (),
    sites_removed: Iterable[StudySite] = (),
    today: dt.date | None = None,
) -> Study:
    """Save everything a person changed in the study form, in one transaction, or nothing.

    ``study`` carries the form's values; ``loaded_status`` is the status the form was opened with
    and ``expected_version`` its version (a study someone else saved since is refused). The
    service records who reviewed which lay text, sets the lifecycle dates of a status change and
    the publish stamp, saves the study with ``reason`` in its history, then the site rows
    (``sites`` new or changed, ``sites_removed`` deleted; each must be in the user's scope) with
    the same reason, and closes the open sites when the new status ends recruitment.
    """
    today = today or timezone.localdate()
    sites, sites_removed = list(sites), list(sites_removed)
    _check_may_change(user=user, study=study)
    _check_sites_in_scope(user=user, sites=[*sites, *sites_removed])
    study_lay_review_update(
        study=study, changed_fields=list(changed_fields), reviewed=set(reviewed), user=user
    )
    status_changed = bool(loaded_status) and study.status != loaded_status
    if status_changed:
        study_apply_transition_dates(study=study, to_status=study.status, today=today)
    if study.is_published and not study.published_at:
        study.published_at = timezone.now()
    study_save(
        study=study,
        user=user,
        expected_version=expected_version,
        loaded_status=loaded_status,
        reason=reason,
    )
    if hrcs_categories is not None:
        study.hrcs_categories.set(hrcs_categories)
    site_reason = reason or _("Endret.")
    for site in sites_removed:
        studysite_remove(site=site, user=user, reason=site_reason)
    for site in sites:
        site.study = study
        save_with_history(site, user=user, reason=site_reason)
    if status_changed and study.status in ENDS_RECRUITMENT:
        studysite_close_open(study=study, user=user, reason=reason, today=today)
    return study


def studysite_remove(*, site: StudySite, user: AbstractBaseUser | None, reason: str) -> None:
    """Remove a site from its study; the history keeps the row with who and why."""
    from sites.history import delete_with_history

    delete_with_history(site, user=user, reason=reason)


@transaction.atomic
def studysite_update(
    *,
    site: StudySite,
    user: AbstractBaseUser | None,
    reason: str,
    expected_version: int | None = None,
) -> StudySite:
    """Save a site row changed on its own (by a coordinator of the site's region, also when
    another region leads the study), with the reason in the history."""
    _check_sites_in_scope(user=user, sites=[site])
    site.full_clean()
    return save_with_history(
        site, user=user, reason=reason or _("Endret."), expected_version=expected_version
    )
