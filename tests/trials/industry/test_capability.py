import datetime as dt

import pytest

from consents.models import Enrolment, Participant
from tests.factories import StudyFactory, StudySiteFactory, hf
from trials.industry.api.capability import PublicCapabilityProfileSerializer
from trials.industry.selectors.capability import organisation_capability_profile
from trials.models import StudySite

from .factories import CapacityFactory

_n = iter(range(10_000))


def _site(org, *, status, target, approved, first_in, enrolled, closed_on=None, planned_end=None):
    study = StudyFactory(
        rek_approved_on=approved, opened_on=approved, planned_recruitment_end_on=planned_end
    )
    site = StudySiteFactory(
        study=study,
        organisation=org,
        status=status,
        target_enrolment=target,
        closed_on=closed_on,
        activated_on=approved,
    )
    Enrolment.objects.bulk_create(
        Enrolment(
            participant=Participant.objects.create(pseudonym=f"capability-test-{next(_n)}"),
            study=study,
            site=site,
            included_on=first_in,
        )
        for _ in range(enrolled)
    )


@pytest.mark.django_db
def test_the_capability_profile_combines_capacity_and_portfolio(
    reference_data, django_assert_num_queries
):
    bergen = hf("Bergen")
    CapacityFactory(
        organisation=bergen,
        year=2024,
        gcp_trained_staff=140,
        study_nurses=3,
        research_person_years=312.5,
        phd_by_profession={"lege": 120, "psykolog": 2},
        specialties="Onkologi\nKardiologi\n",
    )
    closed, open_ = StudySite.Status.CLOSED, StudySite.Status.OPEN
    # First patients in 2024 after 30 and 90 days: median 60.
    _site(
        bergen,
        status=closed,
        target=10,
        approved=dt.date(2024, 1, 1),
        first_in=dt.date(2024, 1, 31),
        enrolled=10,
        closed_on=dt.date(2024, 11, 1),
        planned_end=dt.date(2024, 12, 31),
    )  # fmt: skip  -- delivered to time and target
    _site(
        bergen,
        status=closed,
        target=10,
        approved=dt.date(2024, 1, 1),
        first_in=dt.date(2024, 3, 31),
        enrolled=12,
        closed_on=dt.date(2024, 12, 1),
        planned_end=dt.date(2024, 6, 30),
    )  # fmt: skip  -- target met, but late
    _site(
        bergen,
        status=open_,
        target=10,
        approved=dt.date(2023, 1, 1),
        first_in=dt.date(2023, 5, 1),
        enrolled=2,
    )  # fmt: skip  -- first patient in 2023
    with django_assert_num_queries(2):
        profile = organisation_capability_profile(organisation=bergen, year=2024)
    assert profile["median_days_approval_to_first_patient"] == 60
    assert profile["sites_closed_with_target"] == 2
    assert profile["sites_delivered_to_time_and_target"] == 1
    assert profile["share_delivered_to_time_and_target"] == 0.5
    assert profile["open_studies"] == 1
    assert profile["capacity"]["specialties"] == ["Onkologi", "Kardiologi"]

    public = PublicCapabilityProfileSerializer(profile).data
    assert public["capacity"]["gcp_trained_staff"] == 140
    assert public["capacity"]["study_nurses"] is None  # under 5: suppressed
    assert public["capacity"]["phd_by_profession"] == [
        {"profession": "lege", "count": 120},
        {"profession": "psykolog", "count": None},
    ]
    assert public["capacity"]["research_person_years"] == 312.5
    assert "organisation_id" not in public

    empty = organisation_capability_profile(organisation=bergen, year=2019)
    assert empty["capacity"] is None and empty["median_days_approval_to_first_patient"] is None
    assert PublicCapabilityProfileSerializer(empty).data["capacity"] is None
