"""On PostgreSQL every scope level of a breakdown is aggregated in one query (GROUPING SETS). The
values must be exactly those of one query per level, on the hand-made portfolio and on the
health-trust case where one person takes part at two hospitals of the same trust."""

import datetime as dt

import pytest
from django.db import connection

from consents.models import Enrolment, Participant
from indicators.catalogue import CATALOGUE, scopes
from indicators.periods import Period
from sites.models import Organisation
from tests.factories import StudyFactory, StudySiteFactory, hf

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="GROUPING SETS are PostgreSQL's"
)

OCTOBER = Period.month(2026, 10)


def _every_value(monkeypatch, *, per_level: bool) -> dict[str, list[str]]:
    if per_level:
        monkeypatch.setattr(scopes, "grouping_sets", lambda *args, **kwargs: None)
    values = {}
    for code, definition in CATALOGUE.items():
        if definition.compute is None:
            continue
        for period in (OCTOBER, Period.year(2026)):
            rows = definition.compute(period)
            values[f"{code} {period}"] = sorted(repr(row) for row in rows)
    monkeypatch.undo()
    return values


@pytest.fixture
def two_hospitals_of_one_trust(world):
    bergen = hf("Bergen")
    haukeland = Organisation.objects.get(name="Haukeland universitetssjukehus")
    voss = Organisation.objects.get(name="Voss sjukehus")
    study = StudyFactory(responsible_organisation=bergen, rek_approved_on=dt.date(2026, 1, 5))
    person = Participant.objects.create(pseudonym="two-hospitals", sex="female", birth_year=1950)
    for organisation in (haukeland, voss):
        site = StudySiteFactory(
            study=study, organisation=organisation, activated_on=dt.date(2026, 1, 10)
        )
        Enrolment.objects.create(
            participant=person,
            study=study,
            site=site,
            included_on=dt.date(2026, 10, 5),
            status="completed",
            ended_on=dt.date(2026, 10, 20),
        )
    return bergen


@pytest.mark.django_db
def test_every_indicator_has_the_same_values_level_by_level_and_in_one_query(
    two_hospitals_of_one_trust, monkeypatch
):
    batched = _every_value(monkeypatch, per_level=False)
    per_level = _every_value(monkeypatch, per_level=True)
    assert batched == per_level
    trust = f"hf:{two_hospitals_of_one_trust.pk}"
    included = batched[f"participants-included {OCTOBER}"]
    assert any(f"scope_key='{trust}'" in row for row in included)  # the roll-up was compared
