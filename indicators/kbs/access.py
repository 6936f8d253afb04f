"""Who is who in the KBS report, in the portfolio's own roles, and the admin's access rules.

NVA's roles map to the back office's scopes (``sites.roles``):

* **KBS administrator** (KBS-administrator): the national administrator (and a superuser). NorTrials
  is national too, but has no part in the report.
* **Project manager** (prosjektleder): whoever may change the study itself, i.e. the coordinators and
  research-support staff of the organisation (or region) that leads it.
* **Local project manager** (lokal prosjektleder): whoever may change a site of the study, for that
  site's number only.
* **Project participant** (prosjektdeltaker): whoever may see the study (observers included): reads,
  never writes.
"""

from django.db.models import QuerySet

from sites.access import AccessRule, User, access_register
from sites.models import UserScope
from sites.selectors import user_can_edit, user_is_national, user_scope
from trials.models import Study, StudySite
from trials.selectors import study_visible_to
from trials.selectors.access import study_changeable_by, studysite_changeable_by

from .models import KbsChange, KbsProject, KbsReportFile, KbsSiteNumber, ReportingPeriod


def kbs_is_admin(*, user: User) -> bool:
    if getattr(user, "is_superuser", False) and getattr(user, "is_active", False):
        return True
    scope = user_scope(user=user)
    return scope is not None and scope.role == UserScope.Role.NATIONAL_ADMIN


def _has_project_role(user: User) -> bool:
    """Project roles belong to the regions and organisations; national roles act as administrator."""
    return user_can_edit(user=user) and not user_is_national(user=user)


def studies_managed_by(*, user: User) -> QuerySet[Study]:
    """Studies where the user is project manager."""
    if not _has_project_role(user):
        return Study.objects.none()
    return study_changeable_by(user)


def sites_led_by(*, user: User) -> QuerySet[StudySite]:
    """Sites where the user is local project manager."""
    if not _has_project_role(user):
        return StudySite.objects.none()
    return studysite_changeable_by(user)


def studies_with_role(*, user: User) -> QuerySet[Study]:
    """Studies where the user has any project role (manager, local manager or participant)."""
    if user_is_national(user=user):
        return Study.objects.none()
    return study_visible_to(user=user)


def register_access_rules() -> None:
    def projects_visible(user: User) -> QuerySet[KbsProject]:
        return KbsProject.objects.filter(study__in=studies_with_role(user=user).values("pk"))

    access_register(ReportingPeriod, AccessRule("national", editors="national"))
    access_register(KbsReportFile, AccessRule("national", editors="nobody"))
    access_register(
        KbsProject,
        AccessRule(
            "scoped",
            visible=projects_visible,
            changeable=lambda user: KbsProject.objects.filter(
                study__in=studies_managed_by(user=user).values("pk")
            ),
        ),
    )
    access_register(
        KbsSiteNumber,
        AccessRule(
            "scoped",
            visible=lambda user: KbsSiteNumber.objects.filter(
                project__in=projects_visible(user).values("pk")
            ),
            changeable=lambda user: KbsSiteNumber.objects.filter(
                site__in=sites_led_by(user=user).values("pk")
            ),
        ),
    )
    access_register(
        KbsChange,
        AccessRule(
            "scoped",
            visible=lambda user: KbsChange.objects.filter(
                study__in=studies_with_role(user=user).values("pk")
            ),
            editors="nobody",
        ),
    )
