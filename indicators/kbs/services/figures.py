"""Reported figures: the project manager confirms or corrects the prefilled year, a local project
manager their site's number. A figure that differs from the registered one needs a reason; every
change is kept (``KbsChange``) with the registered value, who and why."""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sites.access import User

from .. import selectors
from ..models import KbsChange, KbsProject, KbsSiteNumber
from .guards import acting_user, require_local_manager, require_manager, require_open

Field = KbsChange.Field


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    return str(value)


def _check_number(value: Any, field: str) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError({field: _("Oppgi et helt tall (0 eller større).")})
    if value < 0:
        raise ValidationError(
            {field: _("Tallet kan ikke være negativt; oppgi 0 eller et positivt tall.")}
        )


def _check_dates(first: dt.date | None, last: dt.date | None, *, today: dt.date) -> None:
    errors: dict[str, str] = {}
    if first and last and first > last:
        errors["first_recruitment_on"] = _(
            "Første inklusjonsdato kan ikke være etter siste inklusjonsdato (%(last)s)."
        ) % {"last": _text(last)}
        errors["last_recruitment_on"] = _(
            "Siste inklusjonsdato kan ikke være før første inklusjonsdato (%(first)s)."
        ) % {"first": _text(first)}
    if last and last.year > today.year:
        errors["last_recruitment_on"] = _("Siste inklusjonsdato kan ikke ligge i et kommende år.")
    if first and first.year > today.year:
        errors["first_recruitment_on"] = _("Første inklusjonsdato kan ikke ligge i et kommende år.")
    if errors:
        raise ValidationError(errors)


def _changes(
    project: KbsProject, new: dict[str, Any], registered: dict[str, Any]
) -> list[tuple[str, Any, Any, Any]]:
    """(field, registered, old, new) for every figure that changes or departs from the register."""
    return [
        (name, registered[name], getattr(project, name), value)
        for name, value in new.items()
        if value != getattr(project, name) or value != registered[name]
    ]


def _require_reason(rows: list[tuple[str, Any, Any, Any]], reason: str) -> None:
    departs = [name for name, registered, _old, new in rows if new != registered]
    if departs and not reason.strip():
        raise ValidationError(
            {
                "reason": _(
                    "Tallene avviker fra det som er registrert i systemet. Skriv hvorfor "
                    "(for eksempel inklusjoner som ikke er registrert her)."
                )
            }
        )


def kbs_figures_check(
    *,
    project: KbsProject,
    recruitment_number: int | None,
    first_recruitment_on: dt.date | None,
    last_recruitment_on: dt.date | None,
    reason: str = "",
    today: dt.date | None = None,
) -> list[tuple[str, Any, Any, Any]]:
    """Why these figures cannot be saved (``ValidationError`` by field), else the changes to log.
    Dates are not bound to the approval or project period; the last may not be in a future year."""
    _check_number(recruitment_number, "recruitment_number")
    _check_dates(first_recruitment_on, last_recruitment_on, today=today or timezone.localdate())
    new = {
        "recruitment_number": recruitment_number,
        "first_recruitment_on": first_recruitment_on,
        "last_recruitment_on": last_recruitment_on,
    }
    prefill = selectors.kbs_registered(study=project.study, year=project.period.year)
    registered = {name: getattr(prefill, name) for name in new}
    rows = _changes(project, new, registered)
    _require_reason(rows, reason)
    return rows


@transaction.atomic
def kbs_project_report(
    *,
    project: KbsProject,
    user: User,
    recruitment_number: int | None,
    first_recruitment_on: dt.date | None,
    last_recruitment_on: dt.date | None,
    reason: str = "",
    today: dt.date | None = None,
) -> KbsProject:
    """The project manager (or the administrator) confirms or corrects the year's figures."""
    require_manager(user, project.study)
    if project.decision != KbsProject.Decision.REPORTABLE:
        raise PermissionDenied(_("Bare KBS-prosjekter rapporterer tall."))
    require_open(project.period)
    project = KbsProject.objects.select_related("study", "period").get(pk=project.pk)
    rows = kbs_figures_check(
        project=project,
        recruitment_number=recruitment_number,
        first_recruitment_on=first_recruitment_on,
        last_recruitment_on=last_recruitment_on,
        reason=reason,
        today=today,
    )
    now = timezone.now()
    KbsChange.objects.bulk_create(
        KbsChange(
            period=project.period,
            study=project.study,
            field=name,
            registered=_text(reg),
            old=_text(old),
            new=_text(value),
            reason=reason.strip(),
            changed_by=acting_user(user),
            changed_at=now,
        )
        for name, reg, old, value in rows
    )
    project.recruitment_number = recruitment_number
    project.first_recruitment_on = first_recruitment_on
    project.last_recruitment_on = last_recruitment_on
    project.confirmed_by, project.confirmed_at = acting_user(user), now
    project.version += 1
    project.full_clean()
    project.save()
    return project


def kbs_site_number_check(
    *, site_number: KbsSiteNumber, recruitment_number: int | None, reason: str = ""
) -> int:
    """Why this local number cannot be saved; else the registered number it is compared with."""
    _check_number(recruitment_number, "recruitment_number")
    project = site_number.project
    prefill = selectors.kbs_registered(study=project.study, year=project.period.year)
    registered = prefill.per_site.get(site_number.site_id, 0)
    if recruitment_number != registered and not reason.strip():
        raise ValidationError(
            {
                "reason": _(
                    "Tallet avviker fra det som er registrert i systemet (%(n)s). Skriv hvorfor."
                )
                % {"n": registered}
            }
        )
    return registered


@transaction.atomic
def kbs_site_number_report(
    *, site_number: KbsSiteNumber, user: User, recruitment_number: int | None, reason: str = ""
) -> KbsSiteNumber:
    """A local project manager (or the administrator) reports their site's number for the year."""
    project = site_number.project
    require_local_manager(user, site_number.site)
    require_open(project.period)
    registered = kbs_site_number_check(
        site_number=site_number, recruitment_number=recruitment_number, reason=reason
    )
    now = timezone.now()
    KbsChange.objects.create(
        period=project.period,
        study=project.study,
        site=site_number.site,
        field=Field.SITE_NUMBER,
        registered=_text(registered),
        old=_text(site_number.recruitment_number),
        new=_text(recruitment_number),
        reason=reason.strip(),
        changed_by=acting_user(user),
        changed_at=now,
    )
    site_number.recruitment_number = recruitment_number
    site_number.reported_by, site_number.reported_at = acting_user(user), now
    site_number.full_clean()
    site_number.save()
    return site_number
