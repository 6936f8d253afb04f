"""One definition of data quality: the study list's flags, the monthly report and the public API
count the same things for a scope."""

import datetime as dt

import pytest
from django.utils import timezone

from indicators import selectors, services
from indicators.periods import Period
from sites.models import Region
from tests.factories import StudyFactory, StudySiteFactory, hf
from trials.selectors import QualityFlag

OCTOBER = Period.month(2026, 10)


@pytest.fixture
def flagged(frozen_now, reference_data):
    bergen, stavanger, unn = hf("Bergen"), hf("Stavanger"), hf("Nord-Norge")
    StudyFactory(responsible_organisation=bergen, hrcs=["01"])  # open, no open site
    late = StudyFactory(
        responsible_organisation=stavanger,
        hrcs=["01"],
        planned_recruitment_end_on=dt.date(2026, 10, 1),
    )
    StudySiteFactory(study=late)
    no_eu_ct = StudyFactory(
        responsible_organisation=bergen,
        hrcs=["02"],
        lay_nb_reviewed_at=timezone.now(),
        dmp_approved_on=dt.date(2024, 3, 1),
        eu_ct_number="",
    )
    StudySiteFactory(study=no_eu_ct)
    StudyFactory(responsible_organisation=unn, hrcs=["01"])  # Helse Nord: not Vest's to fix
    return Region.objects.get(code="helse-vest")


def _admin_counts(client, user) -> dict[str, int]:
    client.force_login(user)
    counts = {}
    for flag in QualityFlag.values:
        response = client.get(f"/admin/trials/study/?flag={flag}")
        assert response.status_code == 200
        counts[flag] = response.context["cl"].result_count
    return {flag: n for flag, n in counts.items() if n}


@pytest.mark.django_db
def test_the_report_and_the_study_list_flag_the_same_studies_for_a_region(
    flagged, coordinator_vest, client
):
    admin = _admin_counts(client, coordinator_vest)
    assert admin == {
        "open_without_site": 1,
        "recruiting_past_end": 1,
        "unreviewed_summary": 2,
        "missing_eu_ct": 1,
    }
    scope = selectors.scope_for_region(flagged)
    report = {f.code: f.count for f in selectors.data_quality_flags(period=OCTOBER, scope=scope)}
    assert report == admin
    text = services.report_build(period=OCTOBER, scope=scope).text
    assert "Ingen avvik funnet" not in text
    for flag in QualityFlag:
        if flag.value in admin:
            assert f"- {flag.label}: {admin[flag.value]} (" in text


@pytest.mark.django_db
def test_the_public_api_counts_the_same_flags_without_naming_studies(flagged, client):
    body = client.get("/api/v1/indicators/data-quality/?region=helse-vest").json()
    assert body["scope"] == "region:helse-vest"
    assert {f["code"]: f["count"] for f in body["flags"]} == {
        "open_without_site": 1,
        "recruiting_past_end": 1,
        "unreviewed_summary": 2,
        "missing_eu_ct": 1,
    }
    assert all(set(f) == {"code", "label", "count"} for f in body["flags"])
    national = client.get("/api/v1/indicators/data-quality/").json()
    assert {f["code"]: f["count"] for f in national["flags"]}["open_without_site"] == 2
    assert client.get("/api/v1/indicators/data-quality/?region=4").status_code == 400
