"""The disclosure pattern is worked out when a period is computed and stored with the snapshots; the
public API and the reports read it. It must always be the pattern of the whole year as it stands."""

from __future__ import annotations

import datetime as dt

import pytest

from indicators import services
from indicators.models import Indicator, IndicatorSnapshot
from indicators.periods import Period
from indicators.publication import disclosure_decisions, hidden_cells
from tests.factories import hf
from tests.indicators.test_disclosure import PEOPLE, Portfolio, _values

D = dt.date
CODE = "participants-included"


def _bergen(client, period: str) -> dict:
    rows = _values(client, CODE, period=period, organisation=hf("Bergen").orgnr)
    return next(r for r in rows if r["breakdown"] == "")


def _months_then_year(*, year_disclosure: bool = True) -> None:
    """Bergen: 3 people in October (hidden), 10 in November; the year (13) gives October away
    unless November is hidden with it."""
    portfolio = Portfolio()
    portfolio.enrol(hf("Bergen"), 3, included=D(2025, 10, 2))
    portfolio.enrol(hf("Bergen"), 10, included=D(2025, 11, 2))
    for month in (10, 11):
        services.snapshots_compute(period=Period.month(2025, month), codes=[CODE])
    services.snapshots_compute(period=Period.year(2025), codes=[CODE], disclosure=year_disclosure)


@pytest.mark.django_db
def test_computing_the_year_hides_a_month_published_before_and_the_api_shows_it_at_once(client):
    portfolio = Portfolio()
    portfolio.enrol(hf("Bergen"), 3, included=D(2025, 10, 2))
    portfolio.enrol(hf("Bergen"), 10, included=D(2025, 11, 2))
    for month in (10, 11):
        services.snapshots_compute(period=Period.month(2025, month), codes=[CODE])
    assert _bergen(client, "2025-11")["numerator"] == "10"  # no year yet: nothing to subtract

    services.snapshots_compute(period=Period.year(2025), codes=[CODE])

    assert _bergen(client, "2025")["numerator"] == "13"
    assert _bergen(client, "2025-10")["suppressed"]
    assert _bergen(client, "2025-11")["suppressed"]  # else 13 − 10 gives October's 3 away


@pytest.mark.django_db
def test_values_computed_without_the_pattern_are_controlled_on_request_until_it_is_stored(client):
    _months_then_year(year_disclosure=False)
    assert _bergen(client, "2025-11")["suppressed"]  # no stale "published" decision is read
    assert IndicatorSnapshot.objects.filter(suppressed__isnull=True).exists()

    services.snapshots_disclosure_store(years=[2025])

    assert not IndicatorSnapshot.objects.filter(indicator__counts_people=True, suppressed=None)
    assert _bergen(client, "2025-11")["suppressed"]
    assert _bergen(client, "2025")["numerator"] == "13"


@pytest.mark.django_db
def test_every_stored_decision_is_the_pattern_worked_out_from_the_whole_year():
    _months_then_year()
    indicator = Indicator.objects.get(code=CODE)
    hidden = {key for _id, key in hidden_cells(indicator=indicator, years=[2025])}
    stored = IndicatorSnapshot.objects.filter(indicator=indicator)
    assert hidden and stored.filter(suppressed=False).exists()
    for snap in stored:
        key = (snap.period_kind, snap.period_start, snap.scope_key, snap.breakdown)
        assert snap.suppressed == ((*key, snap.breakdown_value) in hidden), key
    assert disclosure_decisions(indicator=indicator, year=2025) == {
        s.pk: s.suppressed for s in stored
    }


@pytest.mark.django_db
def test_a_growth_value_is_decided_again_when_last_years_counts_change(client):
    portfolio = Portfolio()
    for name, last_year, this_year in [
        ("Bergen", 6, 30),
        ("Nord-Norge", 3, 5),
        ("St. Olavs", 20, 8),
    ]:
        portfolio.enrol(hf(name), last_year, included=D(2025, 10, 2))
        portfolio.enrol(hf(name), this_year, included=D(2026, 10, 2))
    codes = [CODE, "participants-growth"]
    services.snapshots_compute(period=Period.year(2026), codes=codes)
    services.snapshots_compute(period=Period.year(2025), codes=[CODE])  # last year, afterwards

    rows = _values(client, "participants-growth", period="2026", region="helse-vest")
    assert next(r for r in rows if r["breakdown"] == "")["suppressed"]  # its denominator is 6


@pytest.mark.django_db
def test_the_public_csv_of_a_computed_year_does_not_work_the_pattern_out_again(
    client, django_assert_max_num_queries
):
    _months_then_year()
    for code in PEOPLE:
        # The catalogue, the indicator and one page of values: the organisations and every version
        # of the year's values (what the pattern needs) are not read.
        with django_assert_max_num_queries(3):
            assert client.get(f"/api/v1/indicators/{code}/csv/?level=all").status_code == 200


@pytest.mark.django_db
def test_a_report_reads_the_stored_decisions_with_its_values_not_one_by_one(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from indicators import selectors

    october = Period.month(2026, 10)
    services.snapshots_compute(period=october.previous())
    services.snapshots_compute(period=october)
    with CaptureQueriesContext(connection) as queries:
        report = services.report_build(period=october, scope=selectors.NATIONAL_SCOPE)
    assert "skjult (personvern)" in report.text
    one_by_one = [
        q["sql"]
        for q in queries.captured_queries
        if '"indicators_indicatorsnapshot"."suppressed" FROM' in q["sql"]
    ]
    assert one_by_one == []
