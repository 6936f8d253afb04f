"""Rates per 100 000 inhabitants: population per municipality with its source, added up to
health-trust catchment areas (SKDE's municipality → catchment table) and regions; a warning when
municipalities lack a figure; the health-trust league table ranked by the rate."""

from __future__ import annotations

import datetime as dt

import pytest

from indicators import services
from indicators.models import IndicatorSnapshot, ReportedDenominator, ReportedFigure
from indicators.periods import Period
from sites.models import Municipality
from tests.factories import hf
from tests.indicators.test_disclosure import Portfolio

D = dt.date
Y2025 = Period.year(2025)
SOURCE = "SSB tabell 07459, 1.1.2025"
CODES = ["participants-included", "participants-per-100k"]


def _population(municipality: Municipality, people: int) -> None:
    services.reported_denominator_record(
        kind=ReportedDenominator.Kind.POPULATION,
        year=2025,
        value=people,
        municipality=municipality,
        source=SOURCE,
    )


def _rate(scope_key: str) -> IndicatorSnapshot:
    return IndicatorSnapshot.objects.get(
        indicator__code="participants-per-100k", period_kind="year", scope_key=scope_key
    )


@pytest.fixture
def rates(reference_data):
    """Helse Bergen: 6 new participants, two of its catchment's municipalities reported (50 000 +
    150 000 = 200 000 inhabitants) → 3 per 100 000. UNN: 10 new participants, every municipality of
    its catchment reported, 1 000 000 in all → 1 per 100 000."""
    bergen, unn = hf("Bergen"), hf("Nord-Norge")
    portfolio = Portfolio()
    portfolio.enrol(bergen, 6, included=D(2025, 3, 1))
    portfolio.enrol(unn, 10, included=D(2025, 4, 1))
    reported = Municipality.objects.filter(catchment_organisation=bergen).order_by("code")[:2]
    for municipality, people in zip(reported, [50_000, 150_000], strict=True):
        _population(municipality, people)
    north = list(Municipality.objects.filter(catchment_organisation=unn).order_by("code"))
    for index, municipality in enumerate(north):
        share = 1_000_000 // len(north)
        _population(municipality, share + (1_000_000 - share * len(north) if index == 0 else 0))
    services.snapshots_compute(period=Y2025, codes=CODES)
    return {"bergen": bergen, "unn": unn}


@pytest.mark.django_db
def test_catchment_population_gives_the_rate_and_warns_about_municipalities_without_a_figure(
    rates,
):
    bergen = rates["bergen"]
    catchment = Municipality.objects.filter(catchment_organisation=bergen).count()
    assert catchment > 2
    snap = _rate(f"hf:{bergen.pk}")
    assert (snap.numerator, snap.denominator, snap.value) == (6, 200_000, 3)
    assert snap.coverage["municipalities"] == 2
    assert snap.coverage["municipalities_missing"] == catchment - 2
    assert (
        f"{catchment - 2} av {catchment} kommuner mangler folketall for 2025: folketallet er for "
        "lavt og raten for høy." in snap.warnings
    )
    unn = _rate(f"hf:{rates['unn'].pk}")
    assert (unn.numerator, unn.denominator, unn.value) == (10, 1_000_000, 1)
    assert "municipalities_missing" not in unn.coverage
    assert not [w for w in unn.warnings if "mangler folketall" in w]


@pytest.mark.django_db
def test_a_region_adds_up_its_municipalities(rates):
    vest, nord = rates["bergen"].region, rates["unn"].region
    assert _rate(f"region:{vest.pk}").denominator == 200_000
    in_nord = Municipality.objects.filter(region=nord)
    reported_nord = in_nord.filter(catchment_organisation=rates["unn"]).count()
    snap = _rate(f"region:{nord.pk}")
    assert snap.denominator == 1_000_000 and snap.numerator == 10
    assert snap.coverage.get("municipalities_missing", 0) == in_nord.count() - reported_nord


@pytest.mark.django_db
def test_the_documented_national_figure_wins_over_a_sum_of_some_municipalities(rates):
    indicators = services.indicator_catalogue_sync()
    ReportedFigure.objects.create(
        indicator=indicators["population"],
        period_start=D(2025, 1, 1),
        value=5_600_000,
        source="SSB tabell 07459",
    )
    services.snapshots_compute(period=Y2025, codes=CODES)
    national = _rate("national")
    # 16 new participants over 5 600 000 inhabitants = 0.2857 per 100 000
    assert (national.numerator, national.denominator) == (16, 5_600_000)
    assert float(national.value) == pytest.approx(0.2857, abs=1e-4)
    assert "municipalities_missing" not in national.coverage


@pytest.mark.django_db
def test_the_health_trust_league_is_ranked_by_the_rate_and_shows_its_warning(rates, admin_client):
    html = admin_client.get(
        "/admin/indicators/indicator/liga/?period=2025&niva=hf"
    ).content.decode()
    table = html.split('id="league"', 1)[1]
    # UNN has more participants (10 against 6) but Helse Bergen the higher rate (3 against 1).
    assert table.index("Helse Bergen HF") < table.index("Universitetssykehuset Nord-Norge HF")
    assert "kommuner mangler folketall for 2025" in table
