"""The capability profile in the public organisation detail: its figures, what is suppressed, and
that nothing unpublished or personal shows."""

import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from tests.factories import StudySiteFactory, hf
from trials.models import StudySite

from .factories import CapacityFactory
from .test_capability import _site

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> APIClient:
    return APIClient()


@pytest.fixture
def bergen(reference_data):
    bergen = hf("Bergen")
    CapacityFactory(
        organisation=bergen,
        year=2025,
        gcp_trained_staff=140,
        study_nurses=3,
        research_person_years=312.5,
        phd_by_profession={"lege": 120, "psykolog": 2},
        patients_treated=4,
        shared_research_clinic_positions=12,
        shared_university_positions=4,
        specialties="Onkologi\nKardiologi\n",
        patients_by_hrcs={"03": 8100},
    )
    closed = StudySite.Status.CLOSED
    _site(
        bergen,
        status=closed,
        target=10,
        approved=dt.date(2025, 1, 1),
        first_in=dt.date(2025, 1, 31),
        enrolled=10,
        closed_on=dt.date(2025, 11, 1),
        planned_end=dt.date(2025, 12, 31),
    )  # fmt: skip  -- delivered to time and target, first patient after 30 days
    _site(
        bergen,
        status=closed,
        target=10,
        approved=dt.date(2025, 1, 1),
        first_in=dt.date(2025, 4, 1),
        enrolled=12,
        closed_on=dt.date(2025, 12, 1),
        planned_end=dt.date(2025, 6, 30),
    )  # fmt: skip  -- late; first patient after 90 days
    StudySiteFactory(organisation=bergen)  # open, published
    StudySiteFactory(organisation=bergen, study__is_published=False)  # open, not public
    return bergen


@time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False)
def test_the_detail_shows_last_years_profile_with_small_counts_suppressed(client, bergen):
    body = client.get(f"/api/v1/organisations/{bergen.orgnr}/").json()
    assert body["orgnr"] == bergen.orgnr and body["open_studies"] == 1
    assert body["capability"] == {
        "year": 2025,
        "capacity": {
            "has_research_support_unit": True,
            "gcp_trained_staff": 140,
            "study_nurses": None,  # 3: suppressed
            "research_person_years": 312.5,
            "phd_by_profession": [
                {"profession": "lege", "count": 120},
                {"profession": "psykolog", "count": None},  # 2: suppressed
            ],
            "shared_research_clinic_positions": 12,
            "shared_university_positions": None,  # 4: suppressed
            "patients_treated": None,  # 4 people: suppressed
            "specialties": ["Onkologi", "Kardiologi"],
        },
        "median_days_approval_to_first_patient": 60,
        "share_delivered_to_time_and_target": 0.5,
        "sites_closed_with_target": 2,
        "open_studies": 1,  # the unpublished study open here is not counted
    }
    assert "8100" not in str(body) and "organisation_id" not in body["capability"]


@time_machine.travel(dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC), tick=False)
def test_another_year_and_bad_years(client, bergen):
    url = f"/api/v1/organisations/{bergen.orgnr}/"
    empty = client.get(f"{url}?year=2024").json()["capability"]
    assert empty["year"] == 2024 and empty["capacity"] is None
    assert empty["median_days_approval_to_first_patient"] is None
    for bad in ("1999", "2027", "tjue", ""):
        response = client.get(f"{url}?year={bad}")
        assert response.status_code == 400 and "year" in response.json()
    # The list has no profile and takes no year.
    listing = client.get("/api/v1/organisations/?region=helse-vest").json()["results"]
    assert all("capability" not in row for row in listing)
    assert client.get("/api/v1/organisations/?year=2025").status_code == 400


def test_new_capacity_figures_change_the_etag(client, bergen, django_assert_max_num_queries):
    url = f"/api/v1/organisations/{bergen.orgnr}/"
    with django_assert_max_num_queries(10):
        first = client.get(url)
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    capacity = bergen.capacity.get(year=2025)
    capacity.study_nurses = 30
    capacity.save()
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]
