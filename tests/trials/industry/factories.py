"""Factories for sponsors, feasibility requests, agreements and capacity figures."""

import datetime as dt

import factory
from django.utils import timezone

from sites.models import OrganisationCapacity
from tests.factories import SponsorFactory, StudyFactory, hf
from trials.industry.models import (
    Agreement,
    FeasibilityInterestProfile,
    FeasibilityRequest,
    FeasibilityResponse,
    Milestone,
)
from trials.models import HealthCategory, Sponsor


def interest_profile(org, *, codes=("02",), phases=(), categories=(), email=None):
    profile = FeasibilityInterestProfile.objects.create(
        organisation=org,
        phases=list(phases),
        study_categories=list(categories),
        contact_email=email or f"forskning@{org.pk}.example.no",
    )
    profile.hrcs_categories.set(HealthCategory.objects.filter(code__in=codes))
    return profile


class IndustrySponsorFactory(SponsorFactory):
    name = factory.Sequence(lambda n: f"Pharma {n} AG")
    kind = Sponsor.Kind.INDUSTRY
    country = "CH"


def compiled_feasibility_request() -> FeasibilityRequest:
    """A request compiled and sent to the sponsor: Bergen yes, Stavanger maybe, UNN no."""
    now = timezone.now()
    request = FeasibilityRequest.objects.create(
        sponsor=IndustrySponsorFactory(name="Nordic Oncology AB"),
        contact_name="Anna Lind",
        contact_email="anna.lind@nordiconc.example.com",
        title="Adjuvant XY-101 in HER2-low early breast cancer",
        condition="Brystkreft",
        hrcs_category=HealthCategory.objects.get(code="02"),
        phase="3",
        design_summary="Randomised, double-blind.",
        key_inclusion_criteria="Women 18+.",
        patients_wanted=60,
        received_at=now - dt.timedelta(days=8),
        deadline=timezone.localdate() - dt.timedelta(days=1),
        status=FeasibilityRequest.Status.COMPILED,
        compiled_sent_at=now - dt.timedelta(days=1),
    )
    answers = [
        ("Bergen", FeasibilityResponse.Answer.YES, 25),
        ("Stavanger", FeasibilityResponse.Answer.MAYBE, 10),
        ("Nord-Norge", FeasibilityResponse.Answer.NO, None),
    ]
    for name, answer, patients in answers:
        FeasibilityResponse.objects.create(
            request=request,
            organisation=hf(name),
            routed_at=now - dt.timedelta(days=8),
            answered_at=now - dt.timedelta(days=3),
            answer=answer,
            eligible_patients_per_year=patients,
            reason_no="Konkurrerende studie" if patients is None else "",
        )
    return request


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    study = factory.SubFactory(StudyFactory, sponsor_type="industry")
    sponsor = factory.SubFactory(IndustrySponsorFactory)
    organisation = factory.LazyFunction(lambda: hf("Bergen"))
    kind = Agreement.Kind.CTA
    status = Agreement.Status.SIGNED
    received_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=200))
    signed_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=150))
    recruitment_commitment = 10


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    agreement = factory.SubFactory(AgreementFactory)
    kind = Milestone.Kind.SITE_ACTIVATION
    planned_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=100))


class CapacityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationCapacity

    organisation = factory.LazyFunction(lambda: hf("Bergen"))
    year = 2024
    has_research_support_unit = True
    gcp_trained_staff = 120
    study_nurses = 25
    research_person_years = 310
    patients_treated = 250000
