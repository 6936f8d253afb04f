"""Property: over random populations, reserved persons never appear in an export or a recruitment
list (for the uses their reservation covers)."""

import datetime as dt
import json

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from consents.models import Enrolment, Participant, Reservation
from consents.selectors import participant_recruitment_list
from consents.services import export_pseudonym_for, reservation_lift, reservation_register
from consents.services.export import participation_export
from tests.factories import StudySiteFactory
from trials.models import Study

person = st.fixed_dictionaries(
    {
        "enrolled": st.booleans(),
        "reservations": st.sets(st.sampled_from(Reservation.Scope.values), max_size=3),
        "lifted": st.booleans(),
        "status": st.sampled_from(Enrolment.Status.values),
        "sex": st.sampled_from(Participant.Sex.values),
    }
)


@pytest.mark.django_db
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(population=st.lists(person, min_size=1, max_size=25))
def test_reserved_persons_never_leave_the_system(reference_data, tmp_path_factory, population):
    with transaction.atomic():  # Each example starts from the same empty population.
        _check(population, tmp_path_factory.mktemp("export"))
        transaction.set_rollback(True)


def _check(population, directory):
    site = StudySiteFactory(study__category=Study.Category.REGISTRY)
    other_study = StudySiteFactory(study__category=Study.Category.REGISTRY).study
    now, today = timezone.now(), timezone.localdate()
    reserved_export, reserved_recruitment = set(), set()
    for i, spec in enumerate(population):
        participant = Participant.objects.create(
            pseudonym=f"{site.pk:08d}{i:056d}", birth_year=1980, sex=spec["sex"]
        )
        if spec["enrolled"]:
            ended = None if spec["status"] == Enrolment.Status.INCLUDED else today
            Enrolment.objects.create(
                participant=participant,
                study=site.study,
                site=site,
                included_on=today - dt.timedelta(days=3),
                status=spec["status"],
                ended_on=ended,
            )
        for scope in spec["reservations"]:
            reservation_register(participant=participant, scope=scope, registered_at=now)
            if spec["lifted"]:
                reservation_lift(participant=participant, scope=scope, lifted_at=now)
        if spec["reservations"] and not spec["lifted"]:
            if spec["reservations"] & set(Reservation.EXPORT_SCOPES):
                reserved_export.add(participant.pseudonym)
            if spec["reservations"] & set(Reservation.RECRUITMENT_SCOPES):
                reserved_recruitment.add(participant.pseudonym)

    result = participation_export(period=f"{today:%Y-%m}", directory=directory)
    exported = {
        json.loads(line)["export_pseudonym"]
        for path in result.files
        for line in open(path).read().splitlines()
    }
    assert exported.isdisjoint({export_pseudonym_for(p) for p in reserved_export})
    recruitable = set(
        participant_recruitment_list(study=other_study).values_list("pseudonym", flat=True)
    )
    assert recruitable.isdisjoint(reserved_recruitment)
    # And nobody else is lost: every unreserved, included participant is exported.
    expected = {
        f"{site.pk:08d}{i:056d}"
        for i, spec in enumerate(population)
        if spec["enrolled"] and spec["status"] != Enrolment.Status.WITHDRAWN
    } - reserved_export
    assert exported == {export_pseudonym_for(p) for p in expected}
