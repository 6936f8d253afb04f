"""Site suggestions against a hand-worked example (see trials/industry/selectors/suggestions.py).

Request: HRCS 02 (cancer), received 2025. max patients in category = 8000, max past enrolments = 20.

Helse Bergen    capacity 2024: 8000 → 8000/8000 × 40 = 40
                20 included → 20/20 × 20 = 20
                closed site 20/20 → 1.0 × 25 = 25
                approval 1 Feb 2023 (later of REK/DMP) → first patient 2 Apr 2023 = 60 days
                → (1 − 60/365) × 15 = 12.53                              total 97.53 → 97.5
Helse Stavanger capacity 2024: 4000 (2022 and 2026 figures ignored) → 20
                10 included → 10;  closed site 10/20 → 0.5 × 25 = 12.5
                approval 1 Jan 2023 → first patient 20 Jul 2023 = 200 days
                → (1 − 200/365) × 15 = 6.78                              total 49.28 → 49.3
Helse Førde     no capacity figures → 0;  5 included → 5/20 × 20 = 5
                open site only: no recruitment track record → 0
                approval 1 Jan 2024 → first patient 31 Jan 2024 = 30 days → 13.77  total 18.8
Helse Fonna     capacity 2000 → 10                                        total 10.0
UNN             capacity 2000 → 10                                        total 10.0 (tie: by name)
OUS             only a cardiovascular study and no capacity in 02: not a candidate.
"""

import datetime as dt

import pytest
from django.utils import timezone

from consents.models import Enrolment, Participant
from tests.factories import StudyFactory, StudySiteFactory, hf
from trials.industry.models import FeasibilityInterestProfile, FeasibilityRequest
from trials.industry.selectors.suggestions import feasibility_site_suggestions
from trials.models import HealthCategory, StudySite

from .factories import CapacityFactory, IndustrySponsorFactory

_n = iter(range(10_000))


def _site(org, *, code, status, target, rek, dmp=None, enrolled=0, first_in=None):
    study = StudyFactory(rek_approved_on=rek, dmp_approved_on=dmp, hrcs=[code])
    site = StudySiteFactory(study=study, organisation=org, status=status, target_enrolment=target)
    Enrolment.objects.bulk_create(
        Enrolment(
            participant=Participant.objects.create(pseudonym=f"test-pseudonym-{next(_n)}"),
            study=study,
            site=site,
            included_on=first_in + dt.timedelta(days=i),
        )
        for i in range(enrolled)
    )
    return site


@pytest.fixture
def example(reference_data):
    bergen, stavanger, forde, fonna, unn, ous = (
        hf(n) for n in ("Bergen", "Stavanger", "Førde", "Fonna", "Nord-Norge", "Oslo univ")
    )
    CapacityFactory(organisation=bergen, year=2024, patients_by_hrcs={"02": 8000, "03": 1})
    CapacityFactory(organisation=stavanger, year=2022, patients_by_hrcs={"02": 9999})
    CapacityFactory(organisation=stavanger, year=2024, patients_by_hrcs={"02": 4000})
    CapacityFactory(organisation=stavanger, year=2026, patients_by_hrcs={"02": 100000})
    CapacityFactory(organisation=fonna, year=2024, patients_by_hrcs={"02": 2000})
    CapacityFactory(organisation=unn, year=2023, patients_by_hrcs={"02": 2000})
    CapacityFactory(organisation=ous, year=2024, patients_by_hrcs={"03": 9000})
    closed, open_ = StudySite.Status.CLOSED, StudySite.Status.OPEN
    _site(bergen, code="02", status=closed, target=20, rek=dt.date(2023, 1, 1),
          dmp=dt.date(2023, 2, 1), enrolled=20, first_in=dt.date(2023, 4, 2))  # fmt: skip
    _site(stavanger, code="02", status=closed, target=20, rek=dt.date(2023, 1, 1),
          enrolled=10, first_in=dt.date(2023, 7, 20))  # fmt: skip
    _site(forde, code="02", status=open_, target=30, rek=dt.date(2024, 1, 1),
          enrolled=5, first_in=dt.date(2024, 1, 31))  # fmt: skip
    _site(ous, code="03", status=closed, target=10, rek=dt.date(2023, 1, 1),
          enrolled=50, first_in=dt.date(2023, 1, 2))  # fmt: skip
    return FeasibilityRequest.objects.create(
        sponsor=IndustrySponsorFactory(),
        contact_name="A",
        contact_email="a@example.com",
        title="T",
        condition="Brystkreft",
        hrcs_category=HealthCategory.objects.get(code="02"),
        phase="3",
        design_summary="D",
        key_inclusion_criteria="K",
        patients_wanted=50,
        received_at=timezone.make_aware(dt.datetime(2025, 3, 3, 10)),
        deadline=dt.date(2025, 3, 10),
    )


@pytest.mark.django_db
def test_the_ranking_matches_the_hand_worked_example(example, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        ranking = feasibility_site_suggestions(request=example)
    assert [(s.organisation.short_name, s.score) for s in ranking] == [
        ("Helse Bergen", 97.5),
        ("Helse Stavanger", 49.3),
        ("Helse Førde", 18.8),
        ("Helse Fonna", 10.0),
        ("UNN", 10.0),
    ]
    bergen, stavanger, forde, fonna, unn = ranking
    assert bergen.points == {
        "patient_base": 40.0,
        "past_enrolments": 20.0,
        "recruitment": 25.0,
        "speed": 12.5,
    }
    assert bergen.figures == {
        "patients_in_category": 8000,
        "capacity_year": 2024,
        "past_enrolments": 20,
        "recruitment_to_target": 1.0,
        "closed_sites_with_target": 1,
        "median_days_to_first_patient": 60,
        "sites_with_first_patient": 1,
    }
    assert stavanger.figures["patients_in_category"] == 4000  # 2024, not 2022 or 2026
    assert stavanger.points == {
        "patient_base": 20.0,
        "past_enrolments": 10.0,
        "recruitment": 12.5,
        "speed": 6.8,
    }
    assert forde.figures["patients_in_category"] is None
    assert forde.figures["recruitment_to_target"] is None
    assert forde.points["speed"] == 13.8
    assert unn.figures["capacity_year"] == 2023
    # The ranking explains itself in words a coordinator reads.
    assert stavanger.explanation == [
        "Pasientgrunnlag: 4\xa0000 pasienter i kategorien (2024) → 20,0 poeng",
        "Tidligere inklusjoner i kategorien: 10 → 10,0 poeng",
        "Rekruttering mot mål: 50 % (1 studiested) → 12,5 poeng",
        "Tid fra godkjenning til første pasient: median 200 dager (1 studiested) → 6,8 poeng",
    ]
    assert stavanger.score_display == "49,3"
    assert "ingen avsluttede studiesteder" in forde.explanation[2]
    # Deterministic: the same answer every time.
    again = feasibility_site_suggestions(request=example)
    assert [(s.organisation.pk, s.score, s.figures) for s in again] == [
        (s.organisation.pk, s.score, s.figures) for s in ranking
    ]


@pytest.mark.django_db
def test_regions_of_interest_limit_the_candidates(example, helse_nord):
    example.regions.set([helse_nord])
    ranking = feasibility_site_suggestions(request=example)
    # Alone in its region, UNN has the largest patient base among the candidates.
    assert [(s.organisation.short_name, s.score) for s in ranking] == [("UNN", 40.0)]


def _org(name: str):
    from sites.models import Organisation

    return Organisation.objects.get(name=name)


@pytest.fixture
def lung_cancer_in_vest(reference_data, helse_vest):
    """A phase 3 lung-cancer drug study wanted in Helse Vest, March 2025. Hand-worked:

    HRCS 02, capacity 2024 per trust: Bergen 6000, Stavanger 4000, Fonna 1500, Førde 1000.
    Helse Bergen   Haukeland: closed 16/20 (0.8), 60 days;  Kysthospitalet i Hagevik: closed 4/5
                   (0.8), 30 days — rolled up: 20 included, recruitment 0.8, median 45 days
                   40 + 20 + 20 + (1 − 45/365) × 15 = 13.15                 total 93.15 → 93.2
    Helse Stavanger Stavanger universitetssjukehus: closed 10/20 (0.5), 200 days
                   26.67 + 10 + 12.5 + 6.78                                 total 55.95 → 55.9
    Helse Fonna    1500/6000 × 40                                           total 10.0
    Helse Førde    1000/6000 × 40                                           total 6.7
    Not candidates: Voss DPS NKS Bjørkeli (a cancer site closed 2/2 in 10 days, but its interest
    profile asks for mental health only) and Universitetet i Bergen (a university is not a
    study site for a phase 3 drug trial), although each would score on its own track record.
    """
    closed = StudySite.Status.CLOSED
    for name, patients in (
        ("Helse Bergen HF", 6000),
        ("Helse Stavanger HF", 4000),
        ("Helse Fonna HF", 1500),
        ("Helse Førde HF", 1000),
    ):
        CapacityFactory(organisation=_org(name), year=2024, patients_by_hrcs={"02": patients})
    rek = dt.date(2023, 1, 1)
    for name, target, enrolled, first_in in (
        ("Haukeland universitetssjukehus", 20, 16, dt.date(2023, 3, 2)),
        ("Kysthospitalet i Hagevik", 5, 4, dt.date(2023, 1, 31)),
        ("Stavanger universitetssjukehus", 20, 10, dt.date(2023, 7, 20)),
        ("Voss DPS NKS Bjørkeli AS", 2, 2, dt.date(2023, 1, 11)),
        ("Universitetet i Bergen", 10, 10, dt.date(2023, 1, 11)),
    ):
        _site(_org(name), code="02", status=closed, target=target, rek=rek, enrolled=enrolled,
              first_in=first_in)  # fmt: skip
    profile = FeasibilityInterestProfile.objects.create(
        organisation=_org("Voss DPS NKS Bjørkeli AS"), contact_email="forskning@bjorkeli.example"
    )
    profile.hrcs_categories.set([HealthCategory.objects.get(code="10")])
    request = FeasibilityRequest.objects.create(
        sponsor=IndustrySponsorFactory(),
        contact_name="A",
        contact_email="a@example.com",
        title="Immunterapi ved ikke-småcellet lungekreft",
        condition="Lungekreft",
        hrcs_category=HealthCategory.objects.get(code="02"),
        phase="3",
        study_category="kbs",
        design_summary="D",
        key_inclusion_criteria="K",
        patients_wanted=60,
        received_at=timezone.make_aware(dt.datetime(2025, 3, 3, 10)),
        deadline=dt.date(2025, 3, 10),
    )
    request.regions.set([helse_vest])
    return request


@pytest.mark.django_db
def test_a_lung_cancer_request_ranks_the_university_hospitals_trusts_first(lung_cancer_in_vest):
    """Hospitals roll up to their trust, and phase, organisation type and interest profiles
    decide who is a candidate at all."""
    ranking = feasibility_site_suggestions(request=lung_cancer_in_vest)
    assert [(s.organisation.name, s.score) for s in ranking] == [
        ("Helse Bergen HF", 93.2),
        ("Helse Stavanger HF", 55.9),
        ("Helse Fonna HF", 10.0),
        ("Helse Førde HF", 6.7),
    ]
    bergen = ranking[0]
    assert bergen.figures["past_enrolments"] == 20  # Haukeland and Hagevik together
    assert bergen.figures["median_days_to_first_patient"] == 45
    assert bergen.explanation[2] == "Rekruttering mot mål: 80 % (2 studiesteder) → 20,0 poeng"
    assert bergen.explanation[3] == (
        "Tid fra godkjenning til første pasient: median 45 dager (2 studiesteder) → 13,2 poeng"
    )
    assert bergen.score_display == "93,2"


@pytest.mark.django_db
def test_a_phase_4_request_may_go_to_a_municipal_service_but_never_to_a_university(
    lung_cancer_in_vest,
):
    from sites.models import Organisation

    bergen_kommune = Organisation.objects.create(
        name="Bergen kommune, legevakt og sykehjem",
        kind=Organisation.Kind.MUNICIPAL_SERVICE,
        region=lung_cancer_in_vest.regions.get(),
    )
    _site(bergen_kommune, code="02", status=StudySite.Status.CLOSED, target=4,
          rek=dt.date(2023, 1, 1), enrolled=4, first_in=dt.date(2023, 2, 1))  # fmt: skip
    lung_cancer_in_vest.phase = "4"
    names = [s.organisation.name for s in feasibility_site_suggestions(request=lung_cancer_in_vest)]
    assert bergen_kommune.name in names
    assert "Universitetet i Bergen" not in names
    lung_cancer_in_vest.phase = "3"
    names = [s.organisation.name for s in feasibility_site_suggestions(request=lung_cancer_in_vest)]
    assert bergen_kommune.name not in names
