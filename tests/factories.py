"""factory_boy factories. Organisations come from the loaded reference data."""

import datetime as dt

import factory
from django.utils import timezone

from sites.models import Organisation
from trials.models import HealthCategory, Sponsor, Study, StudySite


def hf(short_or_name: str) -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.HF, name__icontains=short_or_name)


class SponsorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sponsor
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Sponsor {n}")
    kind = Sponsor.Kind.PUBLIC
    country = "NO"


class StudyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Study
        skip_postgeneration_save = True

    scientific_title = factory.Sequence(lambda n: f"A randomised trial number {n}")
    lay_title_nb = factory.Sequence(lambda n: f"Studie nummer {n}")
    lay_summary_nb = "Vi undersøker om en ny behandling virker bedre enn vanlig behandling."
    category = Study.Category.KBS
    phase = Study.Phase.PHASE_3
    status = Study.Status.OPEN
    is_published = True
    published_at = factory.LazyFunction(timezone.now)
    rek_approved_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=200))
    opened_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=100))
    planned_recruitment_end_on = factory.LazyFunction(
        lambda: timezone.localdate() + dt.timedelta(days=300)
    )
    target_enrolment = 100
    responsible_organisation = factory.LazyFunction(lambda: hf("Bergen"))

    @factory.post_generation
    def hrcs(self, create, extracted, **kwargs):
        if create and extracted:
            self.hrcs_categories.set(HealthCategory.objects.filter(code__in=extracted))


class StudySiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudySite

    study = factory.SubFactory(StudyFactory)
    organisation = factory.LazyAttribute(lambda site: site.study.responsible_organisation)
    status = StudySite.Status.OPEN
    activated_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=90))
    target_enrolment = 50


def retitle(study: Study, title: str) -> None:
    """A coordinator gives the study a new lay title in Bokmål (through the service)."""
    from trials.services.studies import study_update

    study.lay_title_nb = title
    study_update(
        study=study,
        user=None,
        expected_version=study.version,
        loaded_status=study.status,
        reason="Ny tittel",
    )
