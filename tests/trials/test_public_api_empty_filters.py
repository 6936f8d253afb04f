"""Empty and out-of-range values on the public study list.

A value to compare with (a time, a number, a point) given empty is a 400 that names the parameter;
an empty choice or free text is "any", as in django-filter. A time the database cannot hold is a
400, not a 500."""

import pytest

from tests.factories import StudySiteFactory


@pytest.fixture
def study(reference_data):
    return StudySiteFactory(study__hrcs=["03"], study__conditions="Hjertesvikt").study


def _get(client, query: str):
    return client.get(f"/api/v1/studies/?{query}")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["updated_since", "age", "radius_km", "near"])
@pytest.mark.parametrize("empty", ["", "%20", "%20%20"])
def test_an_empty_value_to_compare_with_is_a_400_naming_it(client, study, name, empty):
    response = _get(client, f"{name}={empty}")
    assert response.status_code == 400, (name, response.content)
    [message] = response.json()[name]
    assert "Tom verdi" in message or "gyldig" in message


@pytest.mark.django_db
def test_updated_since_empty_is_refused_and_not_the_whole_list(client, study):
    response = _get(client, "updated_since=")
    assert response.status_code == 400
    assert response.json() == {
        "updated_since": ["Tom verdi: oppgi en verdi, eller utelat parameteren."]
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "2025-13-01T00:00:00Z",
        "2025-02-30",
        "0001-01-01T00:00:00%2B01:00",  # overflowed when turned into UTC: a 500
        "9999-12-31T23:59:59-01:00",  # the same at the other end
        "1899-12-31T23:59:59Z",
        "2100-01-01T00:00:00Z",
        "2025-01-01T00:00:00%2B25:00",
    ],
)
def test_a_malformed_or_implausible_time_is_a_400(client, study, value):
    response = _get(client, f"updated_since={value}")
    assert response.status_code == 400, (value, response.status_code, response.content)
    assert list(response.json()) == ["updated_since"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value", ["2020-01-01T00:00:00Z", "2020-01-01T01:00:00%2B01:00", "2020-01-01", "1901-01-01"]
)
def test_a_plausible_time_still_filters(client, study, value):
    response = _get(client, f"updated_since={value}")
    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["results"]] == [study.public_id]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "status",
        "category",
        "phase",
        "sponsor_type",
        "sex",
        "open",
        "healthy_volunteers",
        "decentralised",
        "region",
        "organisation",
        "municipality",
        "hrcs",
        "ordering",
        "q",
    ],
)
def test_an_empty_choice_or_text_means_any(client, study, name):
    response = _get(client, f"{name}=")
    assert response.status_code == 200, (name, response.content)
    assert [row["id"] for row in response.json()["results"]] == [study.public_id]
