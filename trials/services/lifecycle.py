"""The study lifecycle: which status changes are allowed, and the rules each one must pass.

draft → awaiting approval → approved → open for inclusion → closed for inclusion → completed,
with suspended, terminated and withdrawn on the side. Every refusal is a ``ValidationError`` whose
message a coordinator understands; the admin form, the admin actions and imports all use these rules.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sites.history import bulk_update_with_history, save_with_history

from ..models import Study, StudySite

S = Study.Status

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    S.DRAFT: frozenset({S.AWAITING_APPROVAL, S.WITHDRAWN}),
    S.AWAITING_APPROVAL: frozenset({S.DRAFT, S.APPROVED, S.WITHDRAWN}),
    S.APPROVED: frozenset({S.OPEN, S.WITHDRAWN, S.TERMINATED}),
    S.OPEN: frozenset({S.CLOSED, S.SUSPENDED, S.TERMINATED}),
    S.SUSPENDED: frozenset({S.OPEN, S.CLOSED, S.TERMINATED}),
    S.CLOSED: frozenset({S.OPEN, S.COMPLETED, S.TERMINATED}),
    S.COMPLETED: frozenset(),
    S.TERMINATED: frozenset(),
    S.WITHDRAWN: frozenset(),
}

# From approval on, a change must say why (kept in the history).
APPROVED_OR_LATER = frozenset(
    {S.APPROVED, S.OPEN, S.CLOSED, S.COMPLETED, S.SUSPENDED, S.TERMINATED}
)
NEEDS_REASON = frozenset({S.SUSPENDED, S.TERMINATED, S.WITHDRAWN})
PUBLISHABLE = frozenset(set(S.values) - {S.DRAFT, S.AWAITING_APPROVAL, S.WITHDRAWN})
ENDS_RECRUITMENT = frozenset({S.CLOSED, S.COMPLETED, S.TERMINATED, S.WITHDRAWN})


def study_is_medicinal(study: Study) -> bool:
    """A medicinal-product (or device) trial: has a trial phase or a drug/device intervention."""
    kinds = {str(k).lower() for k in (study.intervention_types or [])}
    return study.phase not in ("", Study.Phase.NOT_APPLICABLE) or bool(
        kinds & {"drug", "device", "biological", "legemiddel"}
    )


def _label(status: str) -> str:
    return str(S(status).label)


def study_transition_problems(
    *, study: Study, from_status: str, to_status: str, open_sites: int | None, reason: str = ""
) -> list[str]:
    """Why ``study`` (with its new values) may not go from one status to another; [] if it may.

    ``open_sites`` is the number of open sites after the change; None skips that rule (the admin
    checks it on the site inline, where the new site statuses are known).
    """
    if from_status == to_status:
        return []
    allowed = ALLOWED_TRANSITIONS[from_status]
    if to_status not in allowed:
        options = ", ".join(_label(s) for s in S.values if s in allowed) or _("ingen")
        return [
            _("Kan ikke endre status fra «%(from)s» til «%(to)s». Mulige neste steg: %(options)s.")
            % {"from": _label(from_status), "to": _label(to_status), "options": options}
        ]
    problems = []
    if to_status in (S.APPROVED, S.OPEN) and not study.rek_approved_on:
        problems.append(_("Studien mangler dato for REK-godkjenning."))
    if (
        to_status in (S.APPROVED, S.OPEN)
        and study_is_medicinal(study)
        and not study.dmp_approved_on
    ):
        problems.append(
            _("Legemiddel- og utstyrsstudier må ha dato for godkjenning fra DMP før de godkjennes.")
        )
    if to_status == S.OPEN and open_sites is not None and open_sites < 1:
        problems.append(
            _(
                "Kan ikke åpne for inklusjon uten minst ett åpent studiested. Åpne et studiested først."
            )
        )
    if to_status in NEEDS_REASON and not reason.strip():
        problems.append(
            _("Oppgi en begrunnelse når studien settes til «%(to)s».") % {"to": _label(to_status)}
        )
    return problems


def study_publish_problems(*, study: Study) -> list[str]:
    """Why ``study`` may not be shown to the public; [] if it may."""
    problems = []
    if not study.lay_title_nb.strip() or not study.lay_summary_nb.strip():
        problems.append(
            _("Kan ikke publisere uten populærtittel og populærvitenskapelig sammendrag på bokmål.")
        )
    if study.status not in PUBLISHABLE:
        problems.append(
            _("Kan ikke publisere en studie med status «%(status)s»; den må være godkjent først.")
            % {"status": _label(study.status)}
        )
    return problems


def study_apply_transition_dates(*, study: Study, to_status: str, today: dt.date) -> None:
    """Fill in the dates a status change implies, without overwriting known ones."""
    if to_status == S.OPEN and not study.opened_on:
        study.opened_on = today
    if to_status in (S.CLOSED, S.COMPLETED, S.TERMINATED) and study.opened_on:
        study.actual_recruitment_end_on = study.actual_recruitment_end_on or max(
            today, study.opened_on
        )
    if to_status == S.COMPLETED and not study.completed_on:
        study.completed_on = max(today, study.opened_on) if study.opened_on else today


def studysite_close_open(
    *, study: Study, user: AbstractBaseUser | None, reason: str, today: dt.date
) -> int:
    """Close every open site of the study (when the study stops recruiting)."""
    sites = list(StudySite.objects.filter(study=study, status=StudySite.Status.OPEN))
    for site in sites:
        site.status = StudySite.Status.CLOSED
        site.closed_on = max(today, site.activated_on) if site.activated_on else today
    bulk_update_with_history(sites, ["status", "closed_on"], user=user, reason=reason)
    return len(sites)


def _save_with_history(study: Study, *, user: AbstractBaseUser | None, reason: str) -> None:
    study.full_clean()
    save_with_history(study, user=user, reason=reason)


@transaction.atomic
def study_transition(
    *,
    study: Study,
    to_status: str,
    user: AbstractBaseUser | None,
    reason: str = "",
    today: dt.date | None = None,
) -> Study:
    """Move a study to ``to_status`` if the rules allow it; refuses with a ``ValidationError``."""
    today = today or timezone.localdate()
    study = Study.objects.select_for_update().get(pk=study.pk)
    open_sites = study.sites.filter(status=StudySite.Status.OPEN).count()
    problems = study_transition_problems(
        study=study,
        from_status=study.status,
        to_status=to_status,
        open_sites=open_sites,
        reason=reason,
    )
    if problems:
        raise ValidationError(problems)
    if study.status == to_status:
        return study
    reason = reason or _("Status endret til «%(to)s».") % {"to": _label(to_status)}
    study_apply_transition_dates(study=study, to_status=to_status, today=today)
    study.status = to_status
    if to_status == S.WITHDRAWN:
        study.is_published = False
    _save_with_history(study, user=user, reason=reason)
    if to_status in ENDS_RECRUITMENT:
        studysite_close_open(study=study, user=user, reason=reason, today=today)
    return study


@transaction.atomic
def study_close_for_inclusion(
    *, study: Study, user: AbstractBaseUser | None, reason: str = "", today: dt.date | None = None
) -> Study:
    """Close a study (and its open sites) for inclusion."""
    return study_transition(
        study=study,
        to_status=S.CLOSED,
        user=user,
        reason=reason or _("Stengt for inklusjon."),
        today=today,
    )


@transaction.atomic
def study_publish(*, study: Study, user: AbstractBaseUser | None, reason: str = "") -> Study:
    """Show the study in the public overview; refuses without a Bokmål lay summary or approval."""
    study = Study.objects.select_for_update().get(pk=study.pk)
    if study.is_published:
        return study
    problems = study_publish_problems(study=study)
    if problems:
        raise ValidationError(problems)
    study.is_published = True
    study.published_at = timezone.now()
    _save_with_history(study, user=user, reason=reason or _("Publisert."))
    return study


@transaction.atomic
def study_unpublish(*, study: Study, user: AbstractBaseUser | None, reason: str = "") -> Study:
    """Remove the study from the public overview."""
    study = Study.objects.select_for_update().get(pk=study.pk)
    if not study.is_published:
        return study
    study.is_published = False
    _save_with_history(study, user=user, reason=reason or _("Avpublisert."))
    return study


@dataclass
class BulkResult:
    """What a bulk action did: how many changed, and which were refused and why."""

    changed: int = 0
    unchanged: int = 0
    refused: list[tuple[Study, str]] = field(default_factory=list)


def study_bulk_apply(
    *, studies: Iterable[Study], apply: Callable[[Study], Study], changed: Callable[[Study], bool]
) -> BulkResult:
    """Run a per-study service on each study; a refusal of one does not stop the others."""
    result = BulkResult()
    for study in studies:
        if not changed(study):
            result.unchanged += 1
            continue
        try:
            apply(study)
        except ValidationError as exc:
            result.refused.append((study, " ".join(exc.messages)))
        else:
            result.changed += 1
    return result


@transaction.atomic
def study_close_expired_recruitment(*, today: dt.date, user: AbstractBaseUser | None = None) -> int:
    """Close for inclusion every open study and site whose planned recruitment end has passed.

    Returns the number of studies closed. Each change is kept in the history with a reason, and
    moves ``updated_at`` (so the public ETag changes and cached clients see the studies closed).
    """
    reason = _("Planlagt slutt på rekruttering er passert (nattlig jobb).")
    studies = list(
        Study.objects.select_for_update().filter(
            status=Study.Status.OPEN, planned_recruitment_end_on__lt=today
        )
    )
    if not studies:
        return 0
    for study in studies:
        study.status = Study.Status.CLOSED
        study.actual_recruitment_end_on = (
            study.actual_recruitment_end_on or study.planned_recruitment_end_on
        )
    bulk_update_with_history(
        studies, ["status", "actual_recruitment_end_on"], user=user, reason=reason
    )
    sites = list(StudySite.objects.filter(study__in=studies, status=StudySite.Status.OPEN))
    for site in sites:
        site.status = StudySite.Status.CLOSED
        site.closed_on = (
            today if site.activated_on is None or site.activated_on <= today else site.activated_on
        )
    bulk_update_with_history(sites, ["status", "closed_on"], user=user, reason=reason)
    return len(studies)
