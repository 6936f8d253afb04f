"""Factories for sponsors, feasibility requests, agreements and capacity figures."""

import datetime as dt

import factory
from django.utils import timezone

from sites.models import OrganisationCapacity
from tests.factories import SponsorFactory, StudyFactory, hf
from trials.models import (
    Agreement,
    FeasibilityInterestProfile,
    HealthCategory,
    Milestone,
    Sponsor,
)


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
