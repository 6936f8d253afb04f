"""Deciding on candidates: reportable (a KBS project, prefilled from the enrolments) or not; undo."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sites.access import User
from sites.operations.services import task_enqueue
from trials.models import Study

from .. import selectors
from ..models import KbsChange, KbsProject, KbsSiteNumber, ReportingPeriod
from .guards import acting_user, require_manager, require_open
from .periods import reporting_period_get_or_create

Decision = KbsProject.Decision
REVOKED_TASK = "kbs.tasks.send_kbs_revoked_alert"


def _log(project: KbsProject, *, user: User | None, old: str, new: str, reason: str) -> None:
    KbsChange.objects.create(
        period=project.period,
        study=project.study,
        field=KbsChange.Field.DECISION,
        old=old,
        new=new,
        reason=reason,
        changed_by=acting_user(user),
        changed_at=timezone.now(),
    )


@transaction.atomic
def kbs_mark(*, study: Study, year: int, decision: str, user: User, reason: str = "") -> KbsProject:
    """The project manager (or the administrator on their behalf) decides on a candidate.

    A reportable project starts with what the enrolments registered for the year, in total and per
    site; people confirm or correct those figures afterwards. The year's period is created (open)
    if it does not exist yet.
    """
    decision = Decision(decision)
    require_manager(user, study)
    period = reporting_period_get_or_create(year=year, user=user)
    require_open(period)
    if not selectors.kbs_candidates(year=year).filter(pk=study.pk).exists():
        raise PermissionDenied(
            _(
                "Studien er ikke KBS-kandidat for %(year)s (allerede avgjort, eller oppfyller ikke "
                "kravene)."
            )
            % {"year": year}
        )
    project = KbsProject(
        period=period,
        study=study,
        decision=decision,
        decided_by=acting_user(user),
        decided_at=timezone.now(),
    )
    registered = None
    if decision == Decision.REPORTABLE:
        registered = selectors.kbs_registered(study=study, year=year)
        project.recruitment_number = registered.recruitment_number
        project.first_recruitment_on = registered.first_recruitment_on
        project.last_recruitment_on = registered.last_recruitment_on
    project.full_clean()
    project.save()
    if registered is not None:
        KbsSiteNumber.objects.bulk_create(
            KbsSiteNumber(
                project=project, site=site, recruitment_number=registered.per_site.get(site.pk, 0)
            )
            for site in study.sites.order_by("pk")
        )
    _log(project, user=user, old=_("Kandidat"), new=project.get_decision_display(), reason=reason)
    return project


@transaction.atomic
def kbs_decision_undo(*, project: KbsProject, user: User, reason: str = "") -> Study:
    """Back to candidate while the period is open; the project's KBS metadata is deleted (the
    change log keeps what was decided and reported)."""
    require_manager(user, project.study)
    require_open(project.period)
    _log(project, user=user, old=project.get_decision_display(), new=_("Kandidat"), reason=reason)
    study = project.study
    project.delete()
    return study


@transaction.atomic
def kbs_projects_revoke_ineligible(*, user: User | None = None) -> list[int]:
    """Reportable projects of open periods whose study no longer qualifies (its type or approval
    changed) stop being KBS projects: their metadata is deleted, the change logged and the project
    managers alerted by e-mail. Returns the study ids."""
    revoked: list[int] = []
    for period in ReportingPeriod.objects.filter(status=ReportingPeriod.Status.OPEN):
        eligible = selectors.kbs_eligible_studies(year=period.year).values("pk")
        stale = (
            KbsProject.objects.filter(period=period, decision=Decision.REPORTABLE)
            .exclude(study__in=eligible)
            .select_related("study", "period")
        )
        for project in stale:
            _log(
                project,
                user=user,
                old=project.get_decision_display(),
                new=_("Ikke lenger KBS"),
                reason=_("Studien oppfyller ikke lenger kravene (studietype eller godkjenning)."),
            )
            revoked.append(project.study_id)
            task_enqueue(
                task_name=REVOKED_TASK, kwargs={"study_id": project.study_id, "year": period.year}
            )
            project.delete()
    return revoked
