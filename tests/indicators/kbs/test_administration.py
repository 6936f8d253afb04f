"""Sikt's kbs_administration.feature, in our words: the reporting periods and the report."""

import csv
import datetime as dt
import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from indicators.kbs import selectors, services
from indicators.kbs.models import KbsProject, KbsReportFile, KbsSiteNumber, ReportingPeriod
from indicators.kbs.services.report import COLUMNS
from sites.history import save_with_history

from .conftest import YEAR, kbs_study

pytestmark = pytest.mark.django_db
Status = ReportingPeriod.Status
REPORTABLE = KbsProject.Decision.REPORTABLE


def status(period) -> str:
    period.refresh_from_db()
    return period.status


# --- the KBS administrator -----------------------------------------------------------------------


def test_the_administrator_closes_an_open_period(period, kbs_admin):
    """Scenario: Admin closes Reporting Period."""
    services.reporting_period_close(period=period, user=kbs_admin)
    assert status(period) == Status.CLOSED


def test_closing_a_closed_period_leaves_it_closed(period, kbs_admin):
    """Scenario: Admin closes already closed Reporting Period."""
    services.reporting_period_close(period=period, user=kbs_admin)
    services.reporting_period_close(period=period, user=kbs_admin)
    assert status(period) == Status.CLOSED


def test_a_period_with_undecided_candidates_can_be_closed(trial, period, kbs_admin):
    """Scenario: Can close an open Reporting Period when there are KBS Candidates."""
    assert selectors.kbs_candidates(year=YEAR).exists()
    services.reporting_period_close(period=period, user=kbs_admin)
    assert status(period) == Status.CLOSED


def test_a_period_with_projects_yet_to_report_can_be_closed(project, period, kbs_admin):
    """Scenario: Can close an open Reporting Period when there are Projects yet to report."""
    assert project.confirmed_at is None
    services.reporting_period_close(period=period, user=kbs_admin)
    assert status(period) == Status.CLOSED


def test_the_administrator_opens_a_closed_period(period, kbs_admin):
    """Scenario: Admin opens a Reporting Period."""
    services.reporting_period_close(period=period, user=kbs_admin)
    services.reporting_period_open(period=period, user=kbs_admin)
    assert status(period) == Status.OPEN


def test_opening_an_open_period_leaves_it_open(period, kbs_admin):
    """Scenario: Admin opens already open Reporting Period."""
    services.reporting_period_open(period=period, user=kbs_admin)
    assert status(period) == Status.OPEN


def test_reopening_a_period_lets_project_managers_report_again(project, period, kbs_admin, manager):
    """Scenario: Opening a Reporting Period allows for KBS reporting."""
    services.reporting_period_close(period=period, user=kbs_admin)
    services.reporting_period_open(period=period, user=kbs_admin)
    services.kbs_project_report(
        project=project,
        user=manager,
        recruitment_number=4,
        first_recruitment_on=project.first_recruitment_on,
        last_recruitment_on=None,
    )
    project.refresh_from_db()
    assert project.confirmed_by == manager


def test_a_closed_period_is_finalised(period, kbs_admin):
    """Scenario: Finalize closed Reporting Period."""
    services.reporting_period_close(period=period, user=kbs_admin)
    services.reporting_period_finalise(period=period, user=kbs_admin)
    assert status(period) == Status.FINALISED


def test_an_open_period_cannot_be_finalised(period, kbs_admin):
    """Scenario: Not able to finalize open Reporting Period."""
    with pytest.raises(PermissionDenied):
        services.reporting_period_finalise(period=period, user=kbs_admin)
    assert status(period) == Status.OPEN


@pytest.mark.parametrize("action", ["open", "close"])
def test_a_finalised_period_cannot_be_opened_or_closed(period, kbs_admin, action):
    """Scenario Outline: Not able to alter finalized Reporting Period."""
    services.reporting_period_close(period=period, user=kbs_admin)
    services.reporting_period_finalise(period=period, user=kbs_admin)
    service = getattr(services, f"reporting_period_{action}")
    with pytest.raises(PermissionDenied):
        service(period=period, user=kbs_admin)
    assert status(period) == Status.FINALISED


def test_the_administrator_requests_a_report(project, period, kbs_admin):
    """Scenario: Requesting a KBS Report."""
    report = services.kbs_report_build(period=period, user=kbs_admin)
    rows = list(csv.reader(io.StringIO(report.csv_content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == COLUMNS
    assert rows[1][:4] == [project.study.public_id, project.study.scientific_title, "2025", "4"]


@pytest.mark.parametrize("kind", ["candidates", "projects"])
def test_inspecting_a_period_gives_its_candidates_and_projects(
    frozen_now, reference_data, manager, kbs_admin, kind
):
    """Scenario Outline: Inspecting a Reporting Period provides all KBS related Projects for given
    Reporting Period — and (the next outline) none of another period's."""
    earlier = kbs_study(actual_recruitment_end_on=dt.date(2024, 12, 1), status="closed")
    current, decided = kbs_study(), kbs_study()
    services.kbs_mark(study=earlier.study, year=2024, decision=REPORTABLE, user=manager)
    services.kbs_mark(study=decided.study, year=YEAR, decision=REPORTABLE, user=manager)
    if kind == "candidates":
        found = set(selectors.kbs_candidates(year=YEAR))
        assert found == {current.study}
    else:
        found = {p.study for p in selectors.kbs_projects(year=YEAR)}
        assert found == {decided.study}
    assert earlier.study not in found


@pytest.mark.parametrize("kind", ["candidates", "projects"])
def test_inspecting_a_period_gives_nothing_of_other_periods(
    frozen_now, reference_data, manager, kind
):
    """Scenario Outline: Inspecting a Reporting Period does not provide KBS related Projects for
    other Reporting Periods."""
    only_2024 = kbs_study(actual_recruitment_end_on=dt.date(2024, 12, 1), status="closed")
    if kind == "projects":
        services.kbs_mark(study=only_2024.study, year=2024, decision=REPORTABLE, user=manager)
        assert only_2024.study.pk not in {p.study_id for p in selectors.kbs_projects(year=YEAR)}
    else:
        assert only_2024.study in selectors.kbs_candidates(year=2024)
        assert only_2024.study not in selectors.kbs_candidates(year=YEAR)


def test_inspecting_a_project_gives_its_reported_total(project, manager):
    """Scenario: When inspecting KBS Projects for a Reporting Period, Total Recruitment Number
    are returned (if reported)."""
    services.kbs_project_report(
        project=project,
        user=manager,
        recruitment_number=5,
        first_recruitment_on=project.first_recruitment_on,
        last_recruitment_on=None,
        reason="Én inkludert etter registreringsfristen.",
    )
    [shown] = selectors.kbs_projects(year=YEAR)
    assert shown.recruitment_number == 5


# --- anyone else -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("open", "close"),
        ("open", "finalise"),
        ("closed", "open"),
        ("closed", "finalise"),
        ("finalised", "open"),
        ("finalised", "close"),
    ],
)
def test_no_one_else_may_change_a_period(
    period, kbs_admin, manager, local_manager, participant_user, outsider, nortrials, state, action
):
    """Scenario Outline: Cannot edit Reporting Period (a user not logged in as KBS Admin)."""
    if state != "open":
        services.reporting_period_close(period=period, user=kbs_admin)
    if state == "finalised":
        services.reporting_period_finalise(period=period, user=kbs_admin)
    service = getattr(services, f"reporting_period_{action}")
    for user in (manager, local_manager, participant_user, outsider, nortrials):
        with pytest.raises(PermissionDenied):
            service(period=period, user=user)
    assert status(period) == state


@pytest.mark.parametrize(
    "who", ["kbs_admin", "manager", "local_manager", "participant_user", "outsider"]
)
def test_no_one_reports_into_a_closed_period(project, period, kbs_admin, trial, who, request):
    """Scenario Outline: No one can report for a closed Reporting Period."""
    services.reporting_period_close(period=period, user=kbs_admin)
    user = request.getfixturevalue(who)
    unn = KbsSiteNumber.objects.get(project=project, site=trial.unn)
    with pytest.raises(PermissionDenied):
        services.kbs_project_report(
            project=project,
            user=user,
            recruitment_number=4,
            first_recruitment_on=project.first_recruitment_on,
            last_recruitment_on=None,
        )
    with pytest.raises(PermissionDenied):
        services.kbs_site_number_report(site_number=unn, user=user, recruitment_number=1)
    project.refresh_from_db()
    assert project.confirmed_at is None


def test_no_one_else_may_inspect_a_period(client, period, manager, nortrials):
    """Scenario: Cannot inspect a Reporting Period."""
    from django.urls import reverse

    for user in (manager, nortrials):
        client.force_login(user)
        url = reverse("admin:kbs_reportingperiod_change", args=[period.pk])
        assert client.get(url).status_code in (403, 404)
        assert client.get(reverse("admin:kbs_reportingperiod_changelist")).status_code == 403


def test_no_one_else_may_request_a_report(period, manager, local_manager, nortrials, outsider):
    """Scenario: Cannot request a KBS Report."""
    for user in (manager, local_manager, nortrials, outsider):
        with pytest.raises(PermissionDenied):
            services.kbs_report_build(period=period, user=user)


# --- the system --------------------------------------------------------------------------------


def test_marking_the_first_project_of_a_year_creates_its_period(trial, manager):
    """Scenario: Create new Reporting Period when not existing."""
    assert not ReportingPeriod.objects.filter(year=YEAR).exists()
    project = services.kbs_mark(study=trial.study, year=YEAR, decision=REPORTABLE, user=manager)
    assert project.period.year == YEAR
    assert project.period.status == Status.OPEN


def test_marking_in_a_year_with_a_period_uses_it(trial, period, manager, kbs_admin):
    """Scenario: Do not create duplicate Reporting Period if a Reporting Period for a given year
    already exists — and the database refuses a second one."""
    project = services.kbs_mark(study=trial.study, year=YEAR, decision=REPORTABLE, user=manager)
    assert project.period == period
    assert ReportingPeriod.objects.filter(year=YEAR).count() == 1
    with pytest.raises(ValidationError):
        services.reporting_period_create(year=YEAR, user=kbs_admin)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportingPeriod.objects.create(year=YEAR, deadline=dt.date(2026, 3, 31))


def test_a_new_period_is_open(kbs_admin, reference_data):
    """Scenario: Newly created Reporting Periods are be open."""
    period = services.reporting_period_create(year=2024, user=kbs_admin)
    assert period.status == Status.OPEN
    assert period.deadline == dt.date(2025, 3, 31)


def test_the_year_of_a_period_never_changes(period, kbs_admin):
    """Scenario: Reporting Period cannot change Reporting Year — refused by the database."""
    period.year = 2030
    with pytest.raises(IntegrityError), transaction.atomic():
        save_with_history(period, user=kbs_admin, reason="Feil år")
    assert ReportingPeriod.objects.get(pk=period.pk).year == YEAR


def test_finalising_produces_the_report_with_its_checksum(project, period, kbs_admin):
    """Scenario: Produce and upload a KBS Report when Reporting Period is finalized — stored with
    its SHA-256, the same bytes every time it is downloaded."""
    services.reporting_period_close(period=period, user=kbs_admin)
    services.reporting_period_finalise(period=period, user=kbs_admin)
    stored = KbsReportFile.objects.get(period=period)
    assert stored.rows == 1
    assert hashlib.sha256(bytes(stored.csv_content)).hexdigest() == stored.csv_sha256
    assert hashlib.sha256(bytes(stored.xlsx_content)).hexdigest() == stored.xlsx_sha256


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("Prosjektidentifikator", "public_id"),
        ("Prosjektnavn", "scientific_title"),
        ("Rapporteringsperiode", YEAR),
        ("Antall inklusjoner", 4),
    ],
    ids=["Project Identifier", "Project Name", "Reporting Period", "Number of Inclusions"],
)
def test_the_report_has_the_columns_nva_names(project, period, kbs_admin, column, expected):
    """Scenario Outline: Producing KBS Report contains relevant data."""
    services.reporting_period_close(period=period, user=kbs_admin)
    services.reporting_period_finalise(period=period, user=kbs_admin)
    stored = KbsReportFile.objects.get(period=period)
    sheet = load_workbook(io.BytesIO(bytes(stored.xlsx_content))).worksheets[0]
    header = [c.value for c in sheet[1]]
    value = sheet.cell(row=2, column=header.index(column) + 1).value
    wanted = getattr(project.study, expected) if isinstance(expected, str) else expected
    assert value == wanted
