"""The admin dashboards for a coordinator's scope, and the public indicator API."""

from decimal import Decimal

import pytest
from django.test.utils import CaptureQueriesContext

from indicators import services
from indicators.catalogue import CATALOGUE
from indicators.models import IndicatorSnapshot
from indicators.periods import Period

OCTOBER = Period.month(2026, 10)


@pytest.fixture
def computed(world):
    services.snapshots_compute(period=OCTOBER.previous())
    services.snapshots_compute(period=OCTOBER)
    return world


@pytest.mark.django_db
def test_a_coordinator_sees_every_indicator_for_their_region_with_trend_charts(
    computed, coordinator_vest, client
):
    client.force_login(coordinator_vest)
    response = client.get("/admin/indicators/indicator/oversikt/?period=2026-10")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Helse Vest" in html
    for definition in CATALOGUE.values():
        assert definition.name_nb in html
    assert "<svg" in html and "cdn" not in html.lower()


@pytest.mark.django_db
def test_a_coordinator_cannot_look_at_another_regions_organisation(
    computed, coordinator_vest, client
):
    client.force_login(coordinator_vest)
    unn = computed["unn"]
    response = client.get(
        f"/admin/indicators/indicator/oversikt/?period=2026-10&scope=org:{unn.pk}"
    )
    assert response.status_code == 403
    own = computed["bergen"]
    response = client.get(
        f"/admin/indicators/indicator/oversikt/?period=2026-10&scope=org:{own.pk}"
    )
    assert response.status_code == 200


@pytest.mark.django_db
def test_league_table_and_drill_down_to_the_studies_behind_a_number(
    computed, coordinator_vest, client
):
    client.force_login(coordinator_vest)
    league = client.get("/admin/indicators/indicator/liga/?period=2026-10").content.decode()
    assert "Helse Bergen HF" in league and "Universitetssykehuset Nord-Norge" not in league
    drill = client.get(
        "/admin/indicators/indicator/studier/participants-active/?period=2026-10"
    ).content.decode()
    assert ">A<" in drill and ">C<" not in drill  # C is in Helse Nord


@pytest.mark.django_db
def test_public_api_lists_indicators_and_values_and_suppresses_small_counts(computed, client):
    listing = client.get("/api/v1/indicators/?page_size=100").json()
    assert {i["code"] for i in listing["results"]} == set(CATALOGUE)
    values = client.get("/api/v1/indicators/participants-active/values/?period=2026-10").json()[
        "results"
    ]
    total = next(v for v in values if v["breakdown"] == "")
    assert total["value"] is None and total["suppressed"] is True  # 3 people
    studies = client.get("/api/v1/indicators/kbs-count/values/?period=2026-10&region=helse-vest")
    assert studies.json()["results"][0]["value"] == "1"  # studies are not people
    # Every cell 5 or more: nothing to hide. (A total of 12 whose only sponsor-type cell is
    # hidden would itself be hidden: it would give that cell away.)
    IndicatorSnapshot.objects.filter(indicator__code="participants-active").update(
        value=Decimal(12), numerator=Decimal(12)
    )
    services.snapshots_disclosure_store(years=[2026])  # as a computation of the year would
    values = client.get("/api/v1/indicators/participants-active/values/?period=2026-10").json()
    assert next(v for v in values["results"] if v["breakdown"] == "")["value"] == "12"
    assert client.get("/api/v1/indicators/x/values/?period=13").status_code == 404


@pytest.mark.django_db
def test_the_values_endpoint_uses_a_constant_number_of_queries(computed, client):
    from django.db import connection

    url = "/api/v1/indicators/participants-active/values/?period=2026-10&page_size=100"
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    services.snapshots_compute(period=OCTOBER.previous().previous())
    with CaptureQueriesContext(connection) as more:
        client.get(url.replace("?period=2026-10&", "?"))
    assert len(few.captured_queries) == len(more.captured_queries)


def test_the_trend_chart_breaks_at_missing_months_and_says_what_it_shows():
    from indicators.templatetags.indicator_tags import sparkline

    months = [Period.month(2026, m) for m in range(1, 7)]
    svg = sparkline(list(zip(months, [1.0, 2.0, None, 4.0, 5.0, 6.0], strict=True)), target=5)
    assert svg.count("<polyline") == 2  # Jan–Feb and Apr–Jun, not a line across March
    assert 'aria-label="Utvikling siste 6 måneder: lavest 1, høyest 6, sist 6, mål 5"' in svg
    assert ">jan 26<" in svg and ">jun 26<" in svg and "spark-target" in svg
    flat = sparkline([(months[0], 3.0), (months[1], 3.0)])
    assert flat.count("<text") == 3  # one value label when every value is the same
    assert sparkline([(months[0], None)]) == '<span class="quiet">ingen data</span>'
