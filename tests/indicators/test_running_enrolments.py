"""The people and enrolment counts read from the period's running enrolments, joined once into a
temporary table, are exactly those counted straight from the enrolments (on SQLite and PostgreSQL);
the table is built once for a period's computation and dropped after it, and the other indicators
are counted meanwhile in a second session on PostgreSQL."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from consents.models import Enrolment, Participant
from indicators import services
from indicators.aggregates import aggregation_session
from indicators.catalogue import CATALOGUE
from indicators.catalogue.base import SPECIALIST_KINDS, count
from indicators.catalogue.running import running_enrolments_elsewhere
from indicators.catalogue.scopes import (
    ENROLMENT_SCOPE,
    by_scope,
    care_level,
    enrolment_active,
    enrolment_breakdowns,
    people_count,
    within,
)
from indicators.models import IndicatorSnapshot
from indicators.periods import Period
from sites.models import Organisation
from tests.factories import StudyFactory, StudySiteFactory, hf
from trials.models import HealthCategory

OCTOBER = Period.month(2026, 10)

PEOPLE = {
    "n": Count("participant", distinct=True),
    "unknown_sex": Count(
        "participant", distinct=True, filter=Q(participant__sex__in=["unknown", ""])
    ),
    "unknown_age": Count("participant", distinct=True, filter=Q(participant__birth_year=None)),
}
"""People counted straight from the enrolments, as the indicators counted them before."""


def _straight(code: str, period: Period) -> list:
    breakdowns = enrolment_breakdowns(period)
    if code == "participants-active":
        qs, aggregates, to_value = (
            Enrolment.objects.filter(enrolment_active(period)),
            PEOPLE,
            people_count,
        )
    elif code == "participants-included":
        qs, aggregates, to_value = (
            Enrolment.objects.filter(within("included_on", period)),
            PEOPLE,
            people_count,
        )
        breakdowns.pop("municipality")
    else:  # enrolment-activity
        qs = Enrolment.objects.filter(enrolment_active(period))
        aggregates, to_value = {"n": Count("pk")}, lambda r: count(r["n"])
        breakdowns = {"care_level": care_level("site__organisation__kind")}
    return by_scope(
        qs, **ENROLMENT_SCOPE, aggregates=aggregates, to_value=to_value, breakdowns=breakdowns
    )


@pytest.fixture
def people_at_several_sites(world):
    """One person at two hospitals of one trust, one twice at the same hospital in two studies, one
    of unknown sex and age at a hospital and outside specialist care: the cases a person is counted once
    in. The first study is industry-sponsored, in two HRCS categories; the second is public, in
    none."""
    bergen = hf("Bergen")
    haukeland = Organisation.objects.get(name="Haukeland universitetssjukehus")
    voss = Organisation.objects.get(name="Voss sjukehus")
    municipal = Organisation.objects.exclude(kind__in=SPECIALIST_KINDS).order_by("pk").first()
    studies = [
        StudyFactory(
            responsible_organisation=bergen,
            rek_approved_on=dt.date(2026, 1, 5),
            sponsor_type=sponsor_type,
            hrcs=hrcs,
        )
        for sponsor_type, hrcs in [("industry", ["01", "02"]), ("public", [])]
    ]
    sites = {
        (study.pk, organisation.pk): StudySiteFactory(
            study=study, organisation=organisation, activated_on=dt.date(2026, 1, 10)
        )
        for study in studies
        for organisation in (haukeland, voss, municipal)
    }
    two_hospitals = Participant.objects.create(pseudonym="r1", sex="female", birth_year=1950)
    twice_here = Participant.objects.create(pseudonym="r2", sex="male", birth_year=1980)
    unknown = Participant.objects.create(pseudonym="r3", sex="unknown", birth_year=None)
    for person, study, organisation, included in [
        (two_hospitals, studies[0], haukeland, dt.date(2026, 10, 5)),
        (two_hospitals, studies[0], voss, dt.date(2026, 9, 5)),
        (twice_here, studies[0], haukeland, dt.date(2026, 10, 6)),
        (twice_here, studies[1], haukeland, dt.date(2026, 8, 6)),
        (unknown, studies[1], voss, dt.date(2026, 10, 7)),
        (unknown, studies[1], municipal, dt.date(2026, 10, 8)),
    ]:
        Enrolment.objects.create(
            participant=person,
            study=study,
            site=sites[study.pk, organisation.pk],
            included_on=included,
            status="completed",
            ended_on=dt.date(2026, 10, 20),
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code", ["participants-active", "participants-included", "enrolment-activity"]
)
@pytest.mark.parametrize("period", [OCTOBER, Period.year(2026)], ids=str)
def test_counts_from_the_running_enrolments_are_those_counted_straight(
    people_at_several_sites, code, period
):
    rows = CATALOGUE[code].compute(period)
    assert sorted(map(repr, rows)) == sorted(map(repr, _straight(code, period)))
    assert any(row.breakdown == "sex" for row in rows) or code == "enrolment-activity"


def _values(rows: list, scope: str, breakdown: str) -> dict[str, int]:
    return {
        r.breakdown_value: int(r.value)
        for r in rows
        if r.scope_key == scope and r.breakdown == breakdown
    }


@pytest.mark.django_db
def test_a_person_is_counted_once_in_each_value_of_what_their_enrolments_are(
    people_at_several_sites,
):
    """r2 takes part at Haukeland in an industry study in HRCS 01 and 02 and a public study in no
    category; r1 in the industry study at Haukeland and Voss; r3 in the public study at Voss and
    outside specialist care. Besides them, p1 takes part in an industry study in 01 at Helse Bergen
    and a public study in 02 at UNN, p2 in the industry study at Stavanger, p4 in the public one at
    UNN."""
    rows = CATALOGUE["participants-active"].compute(OCTOBER)
    assert _values(rows, "national", "") == {"": 6}
    assert _values(rows, "national", "hrcs") == {"01": 4, "02": 4, "": 2}
    assert _values(rows, "national", "sponsor_type") == {"industry": 4, "public": 4}
    care = _values(rows, "national", "care_level")
    assert care.pop("specialist") == 6 and list(care.values()) == [1]  # r3 outside
    trust = f"hf:{hf('Bergen').pk}"
    assert _values(rows, trust, "hrcs") == {"01": 3, "02": 2, "": 2}
    assert _values(rows, trust, "care_level") == {"specialist": 4}
    haukeland = Organisation.objects.get(name="Haukeland universitetssjukehus")
    assert _values(rows, f"org:{haukeland.pk}", "sponsor_type") == {"industry": 2, "public": 1}
    assert _values(rows, f"org:{haukeland.pk}", "hrcs") == {"01": 2, "02": 2, "": 1}


@pytest.mark.django_db
@pytest.mark.parametrize("more_categories", [30, 40], ids=["as-many-as-fit", "too-many"])
def test_people_are_counted_the_same_with_any_number_of_categories_and_an_unknown_sponsor_type(
    people_at_several_sites, more_categories
):
    """Categories beyond the 21 of HRCS (their bits reach the top of the masks, or do not fit and
    are counted distinct) and a sponsor type outside the choices (counted distinct) give the same
    counts as counting straight."""
    for number in range(more_categories):
        HealthCategory.objects.create(
            code=f"{30 + number}", identifier=f"extra-{number}", label_nb="-", label_en="-"
        )
    last = HealthCategory.objects.order_by("-code").values_list("code", flat=True).first()
    study = StudyFactory(sponsor_type="charity", hrcs=["02", last])
    site = StudySiteFactory(study=study, activated_on=dt.date(2026, 1, 10))
    person = Participant.objects.get(pseudonym="r1")
    Enrolment.objects.create(
        participant=person, study=study, site=site, included_on=dt.date(2026, 10, 9)
    )
    rows = CATALOGUE["participants-active"].compute(OCTOBER)
    assert sorted(map(repr, rows)) == sorted(map(repr, _straight("participants-active", OCTOBER)))
    assert _values(rows, "national", "sponsor_type") == {"industry": 4, "public": 4, "charity": 1}
    assert _values(rows, "national", "hrcs")[last] == 1


@pytest.mark.django_db
def test_a_periods_computation_builds_the_running_enrolments_once_and_drops_them(world):
    with CaptureQueriesContext(connection) as ctx:
        services.snapshots_compute(period=OCTOBER)
    sql = [q["sql"] for q in ctx.captured_queries]
    table = '"indicators_running_enrolment"'
    created = [i for i, s in enumerate(sql) if s.startswith(f"CREATE TEMPORARY TABLE {table}")]
    dropped = [i for i, s in enumerate(sql) if s.startswith(f"DROP TABLE {table}")]
    reading = [i for i, s in enumerate(sql) if table in s]
    assert len(created) == 1 and len(dropped) == 1
    assert created[0] < min(set(reading) - set(created)) and max(reading) == dropped[0]
    temporary = [s.split()[3] for s in sql if s.startswith("CREATE TEMPORARY TABLE")]
    assert sorted(temporary) == sorted(s.split()[2] for s in sql if s.startswith("DROP TABLE"))


@pytest.mark.django_db
def test_a_computation_of_indicators_that_do_not_read_them_builds_no_table(world):
    with CaptureQueriesContext(connection) as ctx:
        services.snapshots_compute(
            period=OCTOBER, codes=["consents-digital", "studies-open-public"]
        )
    assert not any(q["sql"].startswith("CREATE TEMPORARY TABLE") for q in ctx.captured_queries)


def _stored(period: Period) -> list[tuple]:
    return sorted(
        IndicatorSnapshot.objects.filter(period_start=period.start, period_kind=period.kind)
        .values_list(
            "indicator__code", "scope_key", "breakdown", "breakdown_value", "value",
            "numerator", "denominator", "coverage", "warnings",
        )
    )  # fmt: skip


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a second session on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_month_computed_in_two_sessions_stores_what_one_session_stores(
    people_at_several_sites, frozen_now
):
    """A task's computation (its transaction the outermost) counts the indicators that do not read
    the running enrolments in a second session: none of their statements runs on the first. Inside
    another transaction everything runs in one session, and stores the same."""
    with CaptureQueriesContext(connection) as ctx:
        services.snapshots_compute(period=OCTOBER)
    first_session = " ".join(q["sql"] for q in ctx.captured_queries)
    assert '"indicators_running_enrolment"' in first_session
    assert '"consents_consentevent"' not in first_session  # consents-digital, elsewhere
    in_two = _stored(OCTOBER)

    with CaptureQueriesContext(connection) as ctx, transaction.atomic():
        services.snapshots_compute(period=OCTOBER)
    assert '"consents_consentevent"' in " ".join(q["sql"] for q in ctx.captured_queries)
    assert _stored(OCTOBER) == in_two
    assert {row[0] for row in in_two} >= {"participants-active", "studies-open-public"}


@pytest.mark.django_db
def test_every_indicator_that_reads_the_running_enrolments_says_so(
    people_at_several_sites, frozen_now
):
    """Computed where another session holds the running enrolments, every indicator that does
    not say ``reads_running`` gives its rows; one that reads them without saying so is stopped."""
    for definition in CATALOGUE.values():
        if definition.compute is None or definition.reads_running:
            continue
        with aggregation_session(), running_enrolments_elsewhere():
            definition.compute(Period.year(2026))
    with pytest.raises(RuntimeError, match="reads_running"), running_enrolments_elsewhere():
        CATALOGUE["participants-active"].compute(OCTOBER)
