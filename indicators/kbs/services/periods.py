"""Reporting periods: one per year, opened, closed, finalised; never deleted, year never changed."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sites.access import User
from sites.history import save_with_history

from ..models import ReportingPeriod
from .guards import require_admin

Status = ReportingPeriod.Status


def _default_deadline(year: int) -> dt.date:
    """NVA's deadline: the reporting year padded with the first quarter of the next."""
    return dt.date(year + 1, 3, 31)


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": _("Rapporteringsåret må være mellom 2000 og 2100.")})


@transaction.atomic
def reporting_period_get_or_create(*, year: int, user: User) -> ReportingPeriod:
    """The year's period; a new one is created open. Never a second one for the same year, even
    when two people mark their first candidates at the same moment."""
    _check_year(year)
    found = ReportingPeriod.objects.filter(year=year).first()
    if found is not None:
        return found
    period = ReportingPeriod(year=year, deadline=_default_deadline(year))
    try:
        with transaction.atomic():
            save_with_history(period, user=user, reason=_("Rapporteringsperiode opprettet."))
    except IntegrityError:
        return ReportingPeriod.objects.get(year=year)
    return period


@transaction.atomic
def reporting_period_create(
    *, year: int, user: User, deadline: dt.date | None = None
) -> ReportingPeriod:
    """The administrator creates a year's period (open). A year has one period only."""
    require_admin(user)
    _check_year(year)
    if ReportingPeriod.objects.filter(year=year).exists():
        raise ValidationError(
            {
                "year": _("Det finnes allerede en rapporteringsperiode for %(year)s.")
                % {"year": year}
            }
        )
    deadline = deadline or _default_deadline(year)
    if deadline.year <= year:
        raise ValidationError({"deadline": _("Fristen må ligge etter rapporteringsåret.")})
    period = ReportingPeriod(year=year, deadline=deadline)
    return save_with_history(period, user=user, reason=_("Rapporteringsperiode opprettet."))


def _set_status(
    period: ReportingPeriod, *, status: str, user: User, reason: str
) -> ReportingPeriod:
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.status == Status.FINALISED:
        raise PermissionDenied(
            _("Perioden for %(year)s er ferdigstilt og kan ikke endres.") % {"year": period.year}
        )
    if period.status == status:
        return period  # opening an open period (or closing a closed one) leaves it so
    period.status = status
    return save_with_history(period, user=user, reason=reason)


@transaction.atomic
def reporting_period_open(*, period: ReportingPeriod, user: User) -> ReportingPeriod:
    require_admin(user)
    return _set_status(period, status=Status.OPEN, user=user, reason=_("Åpnet for rapportering."))


@transaction.atomic
def reporting_period_close(*, period: ReportingPeriod, user: User) -> ReportingPeriod:
    """Closed even with undecided candidates or projects that have not reported."""
    require_admin(user)
    return _set_status(
        period, status=Status.CLOSED, user=user, reason=_("Stengt for rapportering.")
    )


@transaction.atomic
def reporting_period_finalise(*, period: ReportingPeriod, user: User) -> ReportingPeriod:
    """A closed period is finalised for good, and its final report is made and stored."""
    from .report import kbs_report_store

    require_admin(user)
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.status != Status.CLOSED:
        raise PermissionDenied(
            _("Bare en stengt periode kan ferdigstilles (perioden for %(year)s er %(status)s).")
            % {"year": period.year, "status": period.get_status_display().lower()}
        )
    period.status = Status.FINALISED
    period.finalised_at = timezone.now()
    save_with_history(period, user=user, reason=_("Ferdigstilt; sluttrapporten er laget."))
    kbs_report_store(period=period)
    return period
