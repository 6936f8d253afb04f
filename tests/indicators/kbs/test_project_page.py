"""Sikt's project_page.feature, in our words, at the level this app provides it: the figures and
identifiers a study page shows (the public pages themselves belong to ``trials``, which does not
import ``kbs``; they call these selectors)."""

import pytest

from indicators.kbs import selectors, services
from indicators.kbs.models import KbsProject, ReportingPeriod

from .conftest import YEAR, change_study

pytestmark = pytest.mark.django_db
REPORTABLE = KbsProject.Decision.REPORTABLE


def _finalise(year, admin):
    period = ReportingPeriod.objects.get(year=year)
    services.reporting_period_close(period=period, user=admin)
    services.reporting_period_finalise(period=period, user=admin)


def test_a_study_lists_its_recruitment_number_for_each_reported_year(trial, manager, kbs_admin):
    """Scenario: Recruitment Number for KBS reported years are provided."""
    services.kbs_mark(study=trial.study, year=2024, decision=REPORTABLE, user=manager)
    _finalise(2024, kbs_admin)
    services.kbs_mark(study=trial.study, year=YEAR, decision=REPORTABLE, user=manager)
    assert selectors.kbs_reported_years(study=trial.study) == [(2024, 2)]  # 2025 not final yet
    _finalise(YEAR, kbs_admin)
    assert selectors.kbs_reported_years(study=trial.study) == [(2024, 2), (YEAR, 4)]


def test_the_report_gives_the_rek_identifier_and_the_health_project_type(
    project, period, kbs_admin
):
    """Scenarios: REK approvals are provided; CTIS approvals are provided (@ignore in the
    specification until CTIS is integrated; we hold EU CT numbers already); Health Project Type
    is provided."""
    change_study(project.study, eu_ct_number="2024-512345-12-00")
    report = services.kbs_report_build(period=period, user=kbs_admin)
    [row] = report.rows
    assert row[7] == "2024/12345"
    assert row[8] == "2024-512345-12-00"
    assert row[6] == "Legemiddelstudie"
