"""The database's own guards (``kbs/migrations/0002``): whatever code writes, a period keeps its
year, is never deleted, and a finalised period's figures never change. Run against PostgreSQL
(``DATABASE_URL=postgres://…``) for the delete guards; SQLite has the update guards only."""

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from indicators.kbs import services
from indicators.kbs.models import KbsChange, KbsProject, KbsSiteNumber, ReportingPeriod

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="delete guards are PostgreSQL triggers"
)


def refused(write, error: type[Exception] = IntegrityError) -> None:
    with pytest.raises(error), transaction.atomic():
        write()


@postgres_only
def test_a_period_is_never_deleted(period):
    """Scenario: Reporting Periods cannot be deleted — not even by code that bypasses the admin."""
    refused(lambda: ReportingPeriod.objects.filter(pk=period.pk).delete())
    assert ReportingPeriod.objects.filter(pk=period.pk).exists()


def test_a_finalised_period_and_its_figures_do_not_change(project, period, kbs_admin, trial):
    services.reporting_period_close(period=period, user=kbs_admin)
    services.reporting_period_finalise(period=period, user=kbs_admin)
    refused(lambda: KbsProject.objects.filter(pk=project.pk).update(recruitment_number=99))
    refused(lambda: KbsSiteNumber.objects.filter(project=project).update(recruitment_number=99))
    period.status = ReportingPeriod.Status.OPEN
    refused(lambda: period.save_base(raw=True, update_fields=["status"]))
    project.refresh_from_db()
    assert project.recruitment_number == 4


@postgres_only
def test_the_change_log_and_a_finalised_projects_rows_are_not_deleted(project, period, kbs_admin):
    services.reporting_period_close(period=period, user=kbs_admin)
    services.reporting_period_finalise(period=period, user=kbs_admin)
    refused(lambda: KbsProject.objects.filter(pk=project.pk).delete())
    # The append-only tables answer as the history tables do (insufficient privilege).
    refused(lambda: KbsChange.objects.all().delete(), DatabaseError)
    refused(lambda: period.report_file.delete(), DatabaseError)
