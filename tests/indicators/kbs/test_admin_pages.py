"""The KBS pages of the back office, as each role meets them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.kbs.models import KbsChange, KbsProject, KbsSiteNumber, ReportingPeriod

from .conftest import YEAR, kbs_study

pytestmark = pytest.mark.django_db
CANDIDATES = "admin:kbs_kbsproject_candidates"


def test_the_project_manager_marks_a_candidate_on_the_candidates_page(
    client, trial, period, manager
):
    client.force_login(manager)
    page = client.get(reverse(CANDIDATES))
    assert trial.study.public_id in page.content.decode()
    response = client.post(reverse(CANDIDATES), {"study": trial.study.pk, "decision": "reportable"})
    project = KbsProject.objects.get(study=trial.study, period__year=YEAR)
    assert response["Location"] == reverse("admin:kbs_kbsproject_change", args=[project.pk])


def test_a_participant_sees_no_candidates_and_cannot_mark(client, trial, period, participant_user):
    client.force_login(participant_user)
    page = client.get(reverse(CANDIDATES))
    assert trial.study.public_id not in page.content.decode()
    response = client.post(
        reverse(CANDIDATES), {"study": trial.study.pk, "decision": "reportable"}, follow=True
    )
    assert "Bare prosjektlederen" in response.content.decode()
    assert not KbsProject.objects.exists()


def test_the_manager_corrects_figures_with_a_field_error_in_norwegian(client, project, manager):
    client.force_login(manager)
    url = reverse("admin:kbs_kbsproject_change", args=[project.pk])
    form = {
        "recruitment_number": 6,
        "first_recruitment_on": "02.09.2024",
        "last_recruitment_on": "",
        "reason": "",
        "site_numbers-TOTAL_FORMS": 2,
        "site_numbers-INITIAL_FORMS": 2,
    }
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "avviker fra det som er registrert" in refused.content.decode()
    saved = client.post(url, {**form, "reason": "To inkludert på papir."})
    assert saved.status_code == 302
    page = client.get(url).content.decode()
    assert "To inkludert på papir." in page and "kbs-differs" in page


def test_the_local_manager_changes_only_their_sites_number(client, project, trial, local_manager):
    client.force_login(local_manager)
    unn = KbsSiteNumber.objects.get(project=project, site=trial.unn)
    bergen = KbsSiteNumber.objects.get(project=project, site=trial.bergen)
    ok = client.post(
        reverse("admin:kbs_kbssitenumber_change", args=[unn.pk]),
        {"recruitment_number": 1, "reason": ""},
    )
    assert ok.status_code == 302
    assert KbsChange.objects.filter(site=trial.unn, changed_by=local_manager).exists()
    other = client.post(
        reverse("admin:kbs_kbssitenumber_change", args=[bergen.pk]),
        {"recruitment_number": 7, "reason": "x"},
    )
    bergen.refresh_from_db()
    assert other.status_code in (200, 403, 302) and bergen.recruitment_number == 3


def test_periods_are_the_administrators_and_never_deleted(client, period, kbs_admin, manager):
    client.force_login(kbs_admin)
    page = client.get(reverse("admin:kbs_reportingperiod_change", args=[period.pk]))
    assert page.status_code == 200 and "kbs-period-candidates" in page.content.decode()
    deleted = client.post(
        reverse("admin:kbs_reportingperiod_delete", args=[period.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 403
    assert ReportingPeriod.objects.filter(pk=period.pk).exists()


def test_the_kbs_list_has_a_constant_number_of_queries(
    client, frozen_now, reference_data, manager, kbs_admin, django_assert_max_num_queries
):
    from indicators.kbs import services

    client.force_login(manager)
    url = reverse("admin:kbs_kbsproject_changelist")

    def mark(n):
        for _ in range(n):
            made = kbs_study()
            services.kbs_mark(study=made.study, year=YEAR, decision="reportable", user=manager)

    mark(1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    mark(4)
    with django_assert_max_num_queries(len(one)):
        client.get(url)


def test_the_candidates_page_has_a_constant_number_of_queries(
    client, frozen_now, reference_data, manager, django_assert_max_num_queries
):
    client.force_login(manager)
    url = reverse(CANDIDATES)
    kbs_study()
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(4):
        kbs_study()
    with django_assert_max_num_queries(len(one)):
        page = client.get(url)
    assert page.content.decode().count('name="decision" value="reportable"') == 5
