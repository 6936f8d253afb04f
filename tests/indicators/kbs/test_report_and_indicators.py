"""The final report: stored once with its checksum, downloadable by the administrator, safe to
open in a spreadsheet, and the source of the KBS indicators per health trust."""

import csv
import hashlib
import io

import pytest
from django.urls import reverse

from indicators.kbs import selectors, services
from indicators.kbs.models import KbsProject
from tests.factories import hf

from .conftest import YEAR, change_study

pytestmark = pytest.mark.django_db


def finalise(period, admin):
    services.reporting_period_close(period=period, user=admin)
    return services.reporting_period_finalise(period=period, user=admin)


def test_the_administrator_downloads_the_stored_final_report(client, project, period, kbs_admin):
    finalise(period, kbs_admin)
    stored = period.report_file
    client.force_login(kbs_admin)
    for kind in ("csv", "xlsx"):
        response = client.get(reverse("admin:kbs_reportingperiod_report", args=[period.pk, kind]))
        assert response.status_code == 200
        assert f'kbs-rapport-{YEAR}.{kind}"' in response["Content-Disposition"]
        assert hashlib.sha256(response.content).hexdigest() == getattr(stored, f"{kind}_sha256")


def test_project_managers_cannot_download_the_report(client, project, period, manager, kbs_admin):
    finalise(period, kbs_admin)
    client.force_login(manager)
    response = client.get(reverse("admin:kbs_reportingperiod_report", args=[period.pk, "csv"]))
    assert response.status_code in (403, 404)


def test_a_title_that_looks_like_a_formula_is_shown_as_text(project, period, kbs_admin):
    change_study(project.study, scientific_title='=HYPERLINK("http://x")')
    report = services.kbs_report_build(period=period, user=kbs_admin)
    rows = list(csv.reader(io.StringIO(report.csv_content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][1].startswith("'=")


def test_the_final_report_does_not_change_when_data_changes_afterwards(
    project, period, kbs_admin, trial
):
    finalise(period, kbs_admin)
    before = bytes(period.report_file.csv_content)
    change_study(trial.study, scientific_title="Ny tittel etter ferdigstilling")
    period.report_file.refresh_from_db()
    assert bytes(period.report_file.csv_content) == before


def test_kbs_indicators_per_trust_come_from_the_finalised_report(project, period, kbs_admin):
    """The count of KBS projects and recruited patients per health trust (the indicators' input):
    nothing until the year is finalised; then each trust with the recruits its sites reported."""
    assert selectors.kbs_totals_by_trust(year=YEAR) == []
    finalise(period, kbs_admin)
    totals = {
        t.trust_id: (t.projects, t.recruited) for t in selectors.kbs_totals_by_trust(year=YEAR)
    }
    assert totals == {hf("Bergen").pk: (1, 3), hf("Nord-Norge").pk: (1, 1)}


def test_the_yearly_kbs_indicators_are_the_finalised_reports_figures(project, period, kbs_admin):
    """The indicators "KBS reported to NVA" and "patients recruited (reported to NVA)": nothing
    before the period is finalised; then per trust, per region and nationally, a project reported
    at two trusts counting once nationally; and only for the whole year, never a month."""
    from indicators.catalogue import CATALOGUE
    from indicators.periods import Period

    def figures(code, period_):
        return {r.scope_key: r.value for r in CATALOGUE[code].compute(period_)}

    assert figures("kbs-reported-projects", Period.year(YEAR)) == {}
    finalise(period, kbs_admin)
    bergen, unn = hf("Bergen"), hf("Nord-Norge")
    projects = figures("kbs-reported-projects", Period.year(YEAR))
    recruited = figures("kbs-reported-recruited", Period.year(YEAR))
    assert projects["national"] == 1 and recruited["national"] == 4
    assert projects[f"hf:{bergen.pk}"] == 1 and recruited[f"hf:{bergen.pk}"] == 3
    assert projects[f"hf:{unn.pk}"] == 1 and recruited[f"hf:{unn.pk}"] == 1
    assert recruited[f"region:{bergen.region_id}"] == 3
    assert recruited[f"region:{unn.region_id}"] == 1
    assert CATALOGUE["kbs-reported-recruited"].counts_people  # small counts are suppressed
    assert figures("kbs-reported-projects", Period.month(YEAR, 6)) == {}


def test_a_project_without_local_numbers_counts_at_its_leading_trust(
    trial, period, manager, kbs_admin
):
    project = services.kbs_mark(
        study=trial.study, year=YEAR, decision=KbsProject.Decision.REPORTABLE, user=manager
    )
    project.site_numbers.all().delete()
    finalise(period, kbs_admin)
    totals = {
        t.trust_id: (t.projects, t.recruited) for t in selectors.kbs_totals_by_trust(year=YEAR)
    }
    assert totals == {hf("Bergen").pk: (1, 4)}


def test_reminders_go_to_project_managers_with_work_through_the_outbox(
    trial,
    period,
    manager,
    coordinator_nord,
    kbs_admin,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        queued = services.kbs_reminders_queue(user=kbs_admin, today=period.created_at.date())
    assert queued == 1
    [message] = mailoutbox
    assert message.to == [manager.email]
    assert "KBS-kandidater du skal ta stilling til: 1" in message.body
