"""Sikt's project_manager_reports.feature, in our words: the project manager reports the year."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from indicators.kbs import selectors, services
from indicators.kbs.models import KbsChange, KbsProject, KbsSiteNumber
from trials.models import Study

from .conftest import YEAR, change_study

pytestmark = pytest.mark.django_db


def report(project, user, **figures):
    values = {
        "recruitment_number": project.recruitment_number,
        "first_recruitment_on": project.first_recruitment_on,
        "last_recruitment_on": project.last_recruitment_on,
        **figures,
    }
    return services.kbs_project_report(project=project, user=user, **values)


def test_a_project_manager_with_unconfirmed_figures_is_told(project, manager):
    """Scenario: Notification of KBS reporting — a KBS project whose figures are not yet
    confirmed in an open period."""
    notice = selectors.kbs_notice_for(user=manager, today=dt.date(2026, 11, 16))
    assert (notice.open_reports, notice.candidates, notice.year) == (1, 0, YEAR)
    report(project, manager)
    assert not selectors.kbs_notice_for(user=manager, today=dt.date(2026, 11, 16)).any


def test_the_project_manager_gets_their_kbs_projects(project, manager):
    """Scenario: Requesting KBS Projects (as Project Manager)."""
    assert list(selectors.kbs_projects_for(user=manager)) == [project]


def test_the_figures_are_prefilled_from_the_registered_enrolments(project):
    """The prefill: 2025's inclusions in total and per site; the first inclusion ever; no last
    date while the study still recruits."""
    assert project.recruitment_number == 4
    assert project.first_recruitment_on == dt.date(2024, 9, 2)
    assert project.last_recruitment_on is None
    per_site = dict(
        KbsSiteNumber.objects.values_list("site__organisation__name", "recruitment_number")
    )
    assert per_site == {"Helse Bergen HF": 3, "Universitetssykehuset Nord-Norge HF": 1}


def test_the_project_manager_reports_the_recruitment_number(project, manager):
    """Scenario: Report Recruitment Number for given Reporting Period — a correction is kept with
    the registered figure, who and why."""
    report(project, manager, recruitment_number=6, reason="To inkludert på papir i desember.")
    project.refresh_from_db()
    assert project.recruitment_number == 6
    assert project.confirmed_by == manager
    change = KbsChange.objects.get(field=KbsChange.Field.RECRUITMENT_NUMBER)
    assert (change.registered, change.old, change.new) == ("4", "4", "6")
    assert (change.changed_by, change.reason) == (manager, "To inkludert på papir i desember.")


def test_a_difference_from_the_registered_figure_needs_a_reason(project, manager):
    """Every difference between reported and registered figures says why."""
    with pytest.raises(ValidationError) as refused:
        report(project, manager, recruitment_number=5)
    assert "reason" in refused.value.message_dict


@pytest.mark.parametrize(("value", "accepted"), [(7, True), (0, True), (-1, False)])
def test_the_recruitment_number_is_zero_or_a_positive_whole_number(
    project, manager, value, accepted
):
    """Scenario Outline: Only zero or a positive integer allowed input for Recruitment Number."""
    if accepted:
        report(project, manager, recruitment_number=value, reason="Rettet.")
        project.refresh_from_db()
        assert project.recruitment_number == value
    else:
        with pytest.raises(ValidationError) as refused:
            report(project, manager, recruitment_number=value, reason="Rettet.")
        assert "negativt" in refused.value.message_dict["recruitment_number"][0]


@pytest.mark.parametrize("field", ["first_recruitment_on", "last_recruitment_on"])
def test_the_project_manager_reports_a_recruitment_date(project, manager, field):
    """Scenario Outline: Report Recruitment Date (first and last)."""
    day = dt.date(2025, 11, 30)
    report(project, manager, **{field: day}, reason="Fra protokollen.")
    project.refresh_from_db()
    assert getattr(project, field) == day


def test_the_first_date_cannot_be_after_the_last(project, manager):
    """Scenario: First Recruitment Date cannot be after Last Recruitment Date."""
    report(project, manager, last_recruitment_on=dt.date(2025, 10, 1), reason="Stengt.")
    project.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        report(project, manager, first_recruitment_on=dt.date(2025, 10, 2), reason="x")
    assert "etter siste" in refused.value.message_dict["first_recruitment_on"][0]


def test_the_last_date_cannot_be_before_the_first(project, manager):
    """Scenario: Last Recruitment Date cannot be before First Recruitment Date."""
    with pytest.raises(ValidationError) as refused:
        report(project, manager, last_recruitment_on=dt.date(2024, 9, 1), reason="x")
    assert "før første" in refused.value.message_dict["last_recruitment_on"][0]


def test_the_last_date_cannot_be_in_a_future_year(project, manager):
    """Scenario: Last Recruitment Date cannot be in a future year."""
    with pytest.raises(ValidationError) as refused:
        report(project, manager, last_recruitment_on=dt.date(2027, 1, 5), reason="x")
    assert "kommende år" in refused.value.message_dict["last_recruitment_on"][0]


@pytest.mark.parametrize("field", ["first_recruitment_on", "last_recruitment_on"])
def test_dates_outside_the_approval_period_are_saved(project, manager, field):
    """Scenario Outline: Recruitment date should not be restricted to REK/CTIS Approval period —
    the trial was approved 01.03.2024; a date before it is kept as reported."""
    day = dt.date(2024, 1, 10)
    report(project, manager, **{"first_recruitment_on": day, field: day}, reason="Pilot før REK.")
    project.refresh_from_db()
    assert getattr(project, field) == day


@pytest.mark.parametrize("field", ["first_recruitment_on", "last_recruitment_on"])
def test_dates_outside_the_project_period_are_saved(project, manager, field):
    """Scenario Outline: Recruitment date should not be restricted to Project period — opened
    01.04.2024, planned to end 2027; a date before the opening is kept."""
    day = dt.date(2024, 3, 15)
    report(project, manager, **{"first_recruitment_on": day, field: day}, reason="Før åpning.")
    project.refresh_from_db()
    assert getattr(project, field) == day


def test_the_project_manager_sees_the_local_numbers_and_who_reported_them(
    project, local_manager, manager, trial
):
    """Scenario: See Local Recruitment Numbers from Local Project Managers."""
    unn = KbsSiteNumber.objects.get(project=project, site=trial.unn)
    services.kbs_site_number_report(
        site_number=unn, user=local_manager, recruitment_number=2, reason="Én ikke registrert."
    )
    shown = {
        (n.site.organisation.name, n.recruitment_number, n.reported_by)
        for n in selectors.kbs_site_numbers(project=project)
    }
    assert ("Universitetssykehuset Nord-Norge HF", 2, local_manager) in shown
    assert ("Helse Bergen HF", 3, None) in shown


def test_the_project_manager_cannot_edit_another_sites_local_number(project, manager, trial):
    """Scenario: Should not be able to edit Recruitment Numbers of Local Project Managers — the
    Helse Vest coordinator leads the study but not the UNN site."""
    unn = KbsSiteNumber.objects.get(project=project, site=trial.unn)
    with pytest.raises(PermissionDenied):
        services.kbs_site_number_report(
            site_number=unn, user=manager, recruitment_number=9, reason="x"
        )


@pytest.mark.parametrize(
    "change",
    [{"category": Study.Category.OBSERVATIONAL}, {"rek_approved_on": None, "opened_on": None}],
    ids=["health project type", "approval from REK/CTIS"],
)
def test_a_kbs_project_that_stops_qualifying_loses_its_kbs_data_and_the_manager_is_told(
    project, manager, trial, change, django_capture_on_commit_callbacks
):
    """Scenario Outline: When a Project Manager changes fields such that the Project is no longer
    eligible for KBS reporting, then it is no longer a KBS Project (alerted, metadata deleted)."""
    change_study(trial.study, **change)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.kbs_projects_revoke_ineligible() == [trial.study.pk]
    assert not KbsProject.objects.exists()
    assert not KbsSiteNumber.objects.exists()
    assert not selectors.kbs_projects(year=YEAR).exists()
    [alert] = mail.outbox
    assert alert.to == [manager.email]
    assert "ikke lenger et KBS-prosjekt" in alert.body
