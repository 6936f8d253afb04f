"""The public indicator API as a user of the figures meets it: numbers, pages, scope names, method
texts, the CSV download and the OpenAPI description."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone

from indicators.catalogue import CATALOGUE
from indicators.models import IndicatorSnapshot
from indicators.periods import Period
from indicators.services import indicator_catalogue_sync
from sites.models import Region
from tests.factories import hf

YEAR = dt.date(2025, 1, 1)


@pytest.fixture
def catalogue(reference_data):
    return indicator_catalogue_sync()


def _snapshot(indicator, value, *, scope="national", kind="national", **kw) -> IndicatorSnapshot:
    return IndicatorSnapshot.objects.create(
        indicator=indicator,
        period_kind=kw.pop("period_kind", "year"),
        period_start=kw.pop("period_start", YEAR),
        scope_kind=kind,
        scope_key=scope,
        value=Decimal(value),
        numerator=kw.pop("numerator", Decimal(value)),
        method_version=1,
        computed_at=timezone.now(),
        **kw,
    )


@pytest.mark.django_db
def test_values_are_plain_decimal_numbers_never_exponents(catalogue, client):
    years = catalogue["research-person-years"]
    _snapshot(years, "9090.0000")
    _snapshot(years, "12.3456", breakdown="x", breakdown_value="a")
    _snapshot(years, "0.5000", breakdown="x", breakdown_value="b")
    rows = client.get("/api/v1/indicators/research-person-years/values/?period=2025").json()
    assert [r["value"] for r in rows["results"]] == ["9090", "12.35", "0.5"]


@pytest.mark.django_db
def test_every_municipality_row_can_be_fetched_by_following_next(catalogue, client):
    studies = catalogue["kbs-count"]
    for n in range(45):
        _snapshot(studies, n + 5, breakdown="municipality", breakdown_value=f"{4600 + n}")
    url, rows = "/api/v1/indicators/kbs-count/values/?period=2025&breakdown=municipality", []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        rows += response.json()["results"]
        url = response.json()["next"]
    assert len(rows) == 45
    assert len({r["breakdown_value"] for r in rows}) == 45


@pytest.mark.django_db
def test_scopes_are_named_by_region_code_and_organisation_number(catalogue, client):
    studies = catalogue["kbs-count"]
    vest, bergen = Region.objects.get(code="helse-vest"), hf("Bergen")
    _snapshot(studies, 7)
    _snapshot(studies, 6, scope=f"region:{vest.pk}", kind="region", region=vest)
    _snapshot(studies, 5, scope=f"hf:{bergen.pk}", kind="trust", organisation=bergen)
    _snapshot(studies, 4, scope=f"org:{bergen.pk}", kind="organisation", organisation=bergen)
    base = "/api/v1/indicators/kbs-count/values/?period=2025"
    every = client.get(f"{base}&level=all").json()["results"]
    assert {r["scope"]: r["value"] for r in every} == {
        "national": "7",
        "region:helse-vest": "6",
        f"hf:{bergen.orgnr}": "5",
        f"org:{bergen.orgnr}": "4",
    }
    assert client.get(f"{base}&region=helse-vest").json()["results"][0]["value"] == "6"
    trust = client.get(f"{base}&health_trust={bergen.orgnr}").json()["results"]
    assert [r["scope"] for r in trust] == [f"hf:{bergen.orgnr}"]
    organisation = client.get(f"{base}&organisation={bergen.orgnr}").json()["results"]
    assert [r["value"] for r in organisation] == ["4"]


@pytest.mark.django_db
def test_internal_ids_and_unknown_names_are_refused_with_a_400_that_says_why(catalogue, client):
    vest, bergen = Region.objects.get(code="helse-vest"), hf("Bergen")
    base = "/api/v1/indicators/kbs-count/values/?period=2025"
    for param, value in [
        ("region", vest.pk),
        ("organisation", bergen.pk),
        ("health_trust", bergen.pk),
        ("organisation", "98397490X"),
        ("level", "fylke"),
    ]:
        response = client.get(f"{base}&{param}={value}")
        assert response.status_code == 400, (param, value)
        assert param in response.json()
    assert "helse-vest" in client.get(f"{base}&region=4").json()["region"][0]


@pytest.mark.django_db
def test_each_indicator_carries_its_method_text_numerator_denominator_and_source(catalogue, client):
    listing = client.get("/api/v1/indicators/?page_size=100").json()["results"]
    by_code = {i["code"]: i for i in listing}
    active = by_code["participants-active"]
    assert active["method_text"] == CATALOGUE["participants-active"].description != ""
    for indicator in listing:
        definition = CATALOGUE[indicator["code"]]
        assert indicator["numerator_definition"] == definition.numerator
        assert indicator["denominator_definition"] == definition.denominator
        assert indicator["source"] == definition.source
        assert indicator["method_version"] == definition.method_version


@pytest.mark.django_db
def test_the_csv_download_is_utf8_numbers_and_never_a_formula(catalogue, client):
    studies, people = catalogue["kbs-count"], catalogue["participants-active"]
    _snapshot(studies, 12, breakdown="reason", breakdown_value='=HYPERLINK("http://x")')
    _snapshot(studies, 7, breakdown="reason", breakdown_value="Tromsø")
    _snapshot(people, 3)
    response = client.get("/api/v1/indicators/kbs-count/csv/?period=2025")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "indikator-kbs-count.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert {r["breakdown_value"]: r["value"] for r in rows} == {
        '\'=HYPERLINK("http://x")': "12",
        "Tromsø": "7",
    }
    hidden = client.get("/api/v1/indicators/participants-active/csv/?period=2025").content
    row = next(csv.DictReader(io.StringIO(hidden.decode("utf-8"))))
    assert (row["value"], row["numerator"], row["suppressed"]) == ("", "", "True")
    assert client.get("/api/v1/indicators/kbs-count/csv/?region=4").status_code == 400


@pytest.mark.django_db
def test_the_openapi_schema_documents_the_values_and_the_csv(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    values = schema["paths"]["/api/v1/indicators/{code}/values/"]["get"]
    names = {p["name"] for p in values["parameters"]}
    assert {"period", "region", "organisation", "health_trust", "level", "page"} <= names
    page = values["responses"]["200"]["content"]["application/json"]["schema"]
    assert "$ref" in page or "properties" in page
    download = schema["paths"]["/api/v1/indicators/{code}/csv/"]["get"]
    assert "text/csv" in download["responses"]["200"]["content"]


@pytest.mark.django_db
def test_a_year_to_date_value_is_named_as_the_period_parameter_takes_it_and_marked_provisional(
    client, reference_data, frozen_now
):
    """January–October 2026 is "2026-01..10" and provisional, never printed as the year "2026"."""
    from indicators import services as indicator_services

    indicator_services.indicator_catalogue_sync()
    indicator_services.snapshots_compute(period=Period.year_to_date(2026, 10), codes=["kbs-count"])
    response = client.get(
        "/api/v1/indicators/kbs-count/values/", {"period": "2026-01..10", "level": "national"}
    )
    assert response.status_code == 200, response.content
    [row] = [r for r in response.json()["results"] if r["breakdown"] == ""]
    assert row["period"] == "2026-01..10"
    assert row["provisional"] is True
