"""The demo's KBS report: last year's period open, with candidates, and two projects decided by the
Helse Vest coordinator so that prefilled figures and a correction can be seen at once."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from . import selectors, services
from .access import studies_managed_by
from .models import KbsProject, ReportingPeriod


def demo_kbs_load() -> dict[str, int]:
    """Idempotent: a second run finds the period and the decisions and changes nothing."""
    year = timezone.localdate().year - 1
    admin = get_user_model().objects.filter(username="admin").first()
    coordinator = get_user_model().objects.filter(username="koordinator-vest").first()
    if admin is None or coordinator is None:
        return {"year": year, "decided": 0, "candidates": 0}
    period = ReportingPeriod.objects.filter(year=year).first() or services.reporting_period_create(
        year=year, user=admin
    )
    decided = KbsProject.objects.filter(period=period).count()
    if period.status == ReportingPeriod.Status.OPEN and decided == 0:
        managed = studies_managed_by(user=coordinator).values("pk")
        for study in selectors.kbs_candidates(year=year).filter(pk__in=managed)[:2]:
            services.kbs_mark(
                study=study, year=year, decision=KbsProject.Decision.REPORTABLE, user=coordinator
            )
            decided += 1
    return {
        "year": year,
        "decided": decided,
        "candidates": selectors.kbs_candidates(year=year).count(),
    }
