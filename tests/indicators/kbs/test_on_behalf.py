"""Sikt's kbs_admin_reports_on_behalf_of.feature, in our words: the administrator steps in."""

import datetime as dt

import pytest
from django.urls import reverse

from indicators.kbs import selectors, services
from indicators.kbs.models import KbsChange, KbsProject, KbsSiteNumber

from .conftest import YEAR

pytestmark = pytest.mark.django_db
Decision = KbsProject.Decision
FIGURES = {
    "Recruitment Number": ("recruitment_number", 9),
    "First Recruitment Date": ("first_recruitment_on", dt.date(2024, 8, 1)),
    "Last Recruitment Date": ("last_recruitment_on", dt.date(2025, 12, 20)),
}


def test_the_administrator_marks_a_candidate_reportable(trial, period, kbs_admin):
    """Scenario: KBS Admin can mark that a KBS Candidate should report for KBS."""
    project = services.kbs_mark(
        study=trial.study, year=YEAR, decision=Decision.REPORTABLE, user=kbs_admin
    )
    assert project in selectors.kbs_projects(year=YEAR)
    assert trial.study not in selectors.kbs_candidates(year=YEAR)


def test_the_administrator_marks_a_candidate_not_reportable(trial, period, kbs_admin):
    """Scenario: KBS Admin can mark that a KBS Candidate should not report for KBS."""
    services.kbs_mark(
        study=trial.study, year=YEAR, decision=Decision.NOT_REPORTABLE, user=kbs_admin
    )
    assert not selectors.kbs_projects(year=YEAR).exists()
    assert trial.study not in selectors.kbs_candidates(year=YEAR)


def _report(project, user, **changed):
    values = {
        "recruitment_number": project.recruitment_number,
        "first_recruitment_on": project.first_recruitment_on,
        "last_recruitment_on": project.last_recruitment_on,
        **changed,
    }
    services.kbs_project_report(
        project=project, user=user, reason="Oppgitt av prosjektleder på e-post.", **values
    )


@pytest.mark.parametrize("name", [*FIGURES, "Local Recruitment Number"])
def test_the_administrator_fills_in_missing_kbs_metadata(project, kbs_admin, trial, name):
    """Scenario Outline: KBS Admin can provide missing KBS Metadata."""
    if name == "Local Recruitment Number":
        unn = KbsSiteNumber.objects.get(project=project, site=trial.unn)
        KbsSiteNumber.objects.filter(pk=unn.pk).update(recruitment_number=None)
        services.kbs_site_number_report(
            site_number=unn, user=kbs_admin, recruitment_number=2, reason="Fra UNN."
        )
        unn.refresh_from_db()
        assert (unn.recruitment_number, unn.reported_by) == (2, kbs_admin)
        return
    field, value = FIGURES[name]
    KbsProject.objects.filter(pk=project.pk).update(**{field: None})
    project.refresh_from_db()
    _report(project, kbs_admin, **{field: value})
    project.refresh_from_db()
    assert getattr(project, field) == value
    assert KbsChange.objects.filter(field=field, changed_by=kbs_admin).exists()


@pytest.mark.parametrize("name", [*FIGURES, "Local Recruitment Number"])
def test_the_administrator_overrides_kbs_metadata(project, kbs_admin, manager, trial, name):
    """Scenario Outline: KBS Admin can override KBS Metadata."""
    if name == "Local Recruitment Number":
        bergen = KbsSiteNumber.objects.get(project=project, site=trial.bergen)
        services.kbs_site_number_report(
            site_number=bergen, user=kbs_admin, recruitment_number=5, reason="Rettet."
        )
        bergen.refresh_from_db()
        assert bergen.recruitment_number == 5
        return
    field, value = FIGURES[name]
    _report(project, manager, last_recruitment_on=dt.date(2025, 12, 31))
    project.refresh_from_db()
    _report(project, kbs_admin, **{field: value})
    project.refresh_from_db()
    assert getattr(project, field) == value
    assert project.confirmed_by == kbs_admin


def test_the_administrator_cannot_change_the_study_through_the_kbs_page(client, project, kbs_admin):
    """Scenario: KBS Admin cannot edit non KBS Metadata — the KBS form takes the year's figures
    only; the study's title and type stay as they were."""
    client.force_login(kbs_admin)
    url = reverse("admin:kbs_kbsproject_change", args=[project.pk])
    page = client.get(url)
    assert set(page.context["adminform"].form.fields) == {
        "recruitment_number",
        "first_recruitment_on",
        "last_recruitment_on",
        "reason",
    }
    title = project.study.scientific_title
    client.post(
        url,
        {
            "recruitment_number": 4,
            "first_recruitment_on": "02.09.2024",
            "last_recruitment_on": "",
            "scientific_title": "Endret tittel",
            "category": "observational",
            "site_numbers-TOTAL_FORMS": 0,
            "site_numbers-INITIAL_FORMS": 0,
        },
    )
    project.study.refresh_from_db()
    assert project.study.scientific_title == title
    assert project.study.category == "kbs"
