"""The public results-reporting aggregates: the published figures, conditional GET, bad input."""

import pytest
from rest_framework.test import APIClient

from trials.results.services import results_load_nordic

from .conftest import NORWAY, needs_data, published_table

pytestmark = [pytest.mark.django_db, needs_data]
URL = "/api/v1/results-reporting/institutions/"


@pytest.fixture
def client() -> APIClient:
    return APIClient()


@pytest.fixture
def loaded():
    results_load_nordic(path=NORWAY)


def test_it_publishes_the_nine_norwegian_institutions(client, loaded, django_assert_num_queries):
    with django_assert_num_queries(3):  # change stamp, countries, the table
        body = client.get(URL).json()
    assert body["country"] == "Norway"
    assert "ikke personer" in body["method"]
    published = published_table("stats-2years")
    rows = {row["institution"]: row for row in body["institutions"]}
    assert len(rows) == 9
    haukeland = rows["Haukeland university hospital"]["reported_within_24_months"]
    expected = published["Haukeland university hospital"]
    assert haukeland == {
        "count": int(expected["publ_within_24m_after_CD"]),
        "percentage": float(expected["percentage"]),
        "ci_low": float(expected["conf_int_ll"]),
        "ci_high": float(expected["conf_int_ul"]),
    }


def test_an_unchanged_table_is_a_304(client, loaded):
    first = client.get(URL)
    assert first["ETag"] and first["Last-Modified"]
    again = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_an_unknown_country_or_parameter_is_a_400(client, loaded):
    response = client.get(URL, {"country": "Atlantis"})
    assert response.status_code == 400 and "country" in response.json()
    assert client.get(URL, {"land": "Norway"}).status_code == 400


def test_it_is_in_the_openapi_schema(client):
    paths = client.get("/api/v1/schema/?format=json").json()["paths"]
    assert URL in paths
