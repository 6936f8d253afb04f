"""Refusals shared by the KBS services: who may act, and whether the period still takes reports."""

from django.contrib.auth.models import User as AccountUser
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from sites.access import User
from trials.models import Study, StudySite

from ..access import kbs_is_admin, sites_led_by, studies_managed_by
from ..models import ReportingPeriod


def acting_user(user: User | None) -> AccountUser | None:
    """The signed-in user a change is recorded against; none for an anonymous or a system run."""
    return user if isinstance(user, AccountUser) else None


def require_admin(user: User) -> None:
    if not kbs_is_admin(user=user):
        raise PermissionDenied(_("Bare KBS-administratoren kan gjøre dette."))


def require_manager(user: User, study: Study) -> None:
    """The project manager of the study, or the KBS administrator on their behalf."""
    if kbs_is_admin(user=user):
        return
    if not studies_managed_by(user=user).filter(pk=study.pk).exists():
        raise PermissionDenied(_("Bare prosjektlederen for studien kan gjøre dette."))


def require_local_manager(user: User, site: StudySite) -> None:
    """The local project manager of the site, or the KBS administrator on their behalf."""
    if kbs_is_admin(user=user):
        return
    if not sites_led_by(user=user).filter(pk=site.pk).exists():
        raise PermissionDenied(_("Bare lokal prosjektleder ved studiestedet kan gjøre dette."))


def require_open(period: ReportingPeriod) -> None:
    """Reports go into an open period only (locked, so a close at the same moment waits)."""
    status = (
        ReportingPeriod.objects.select_for_update()
        .filter(pk=period.pk)
        .values_list("status", flat=True)
        .first()
    )
    if status != ReportingPeriod.Status.OPEN:
        raise PermissionDenied(
            _("Rapporteringsperioden for %(year)s er ikke åpen for rapportering.")
            % {"year": period.year}
        )
