import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from sites.models import Organisation
from tests.factories import StudySiteFactory, hf
from trials.models import Study, StudySite

pytestmark = pytest.mark.django_db


@pytest.fixture
def client() -> APIClient:
    return APIClient()


@pytest.fixture
def portfolio(reference_data):
    """Open in Vest, closed in Nord, unpublished draft in Vest, open in Nord with a planned site in Vest."""
    vest_open = StudySiteFactory(study__lay_title_nb="Åpen i Vest").study
    nord_closed = StudySiteFactory(
        study__lay_title_nb="Stengt i Nord",
        study__status=Study.Status.CLOSED,
        study__responsible_organisation=hf("Nord-Norge"),
        status=StudySite.Status.CLOSED,
    ).study
    hidden = StudySiteFactory(
        study__lay_title_nb="Upublisert",
        study__is_published=False,
        study__status=Study.Status.DRAFT,
    ).study
    nord_open = StudySiteFactory(
        study__lay_title_nb="Åpen i Nord", study__responsible_organisation=hf("Nordlandssykehuset")
    ).study
    StudySiteFactory(study=nord_open, organisation=hf("Stavanger"), status=StudySite.Status.PLANNED)
    return {
        "vest_open": vest_open,
        "nord_closed": nord_closed,
        "hidden": hidden,
        "nord_open": nord_open,
    }


def _ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_list_shows_published_studies_only(client, portfolio):
    ids = _ids(client.get("/api/v1/studies/"))
    assert portfolio["hidden"].public_id not in ids
    assert ids == {portfolio[k].public_id for k in ("vest_open", "nord_closed", "nord_open")}


def test_an_unpublished_study_is_not_found_by_its_id(client, portfolio):
    assert client.get(f"/api/v1/studies/{portfolio['hidden'].public_id}/").status_code == 404


def test_detail_uses_the_public_id_and_lists_sites(client, portfolio):
    study = portfolio["nord_open"]
    body = client.get(f"/api/v1/studies/{study.public_id}/").json()
    assert body["id"] == study.public_id and body["lay_title"] == "Åpen i Nord"
    assert body["is_open"] is True
    assert {(s["region"], s["status"]) for s in body["sites"]} == {
        ("helse-nord", "open"),
        ("helse-vest", "planned"),
    }
    assert "pk" not in body and str(study.pk) not in {str(v) for v in body.values()}


def test_open_filter_returns_studies_open_at_one_site_or_more(client, portfolio):
    assert _ids(client.get("/api/v1/studies/?open=true")) == {
        portfolio["vest_open"].public_id,
        portfolio["nord_open"].public_id,
    }
    assert _ids(client.get("/api/v1/studies/?open=false")) == {portfolio["nord_closed"].public_id}


def test_region_filter_matches_any_site_in_the_region(client, portfolio):
    assert _ids(client.get("/api/v1/studies/?region=helse-vest")) == {
        portfolio["vest_open"].public_id,
        portfolio["nord_open"].public_id,
    }
    assert _ids(client.get("/api/v1/studies/?region=helse-nord&open=true")) == {
        portfolio["nord_open"].public_id
    }


@pytest.mark.parametrize("query", ["region=helse-atlantis", "open=kanskje", "page=999"])
def test_invalid_parameters_are_a_400_or_404_with_a_message(client, portfolio, query):
    response = client.get(f"/api/v1/studies/?{query}")
    assert response.status_code in (400, 404)
    assert response.json()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("radius_km=10", "radius_km"),  # a radius needs a point
        ("ordering=distance", "ordering"),  # so does ordering by distance
        ("q=astma&age=-3", "age"),
        ("open=true&region=helse-vest&sex=annet", "sex"),
    ],
)
def test_each_filter_named_alone_or_together_is_checked(client, portfolio, query, field):
    response = client.get(f"/api/v1/studies/?{query}")
    assert response.status_code == 400 and field in response.json()


def test_the_same_filters_give_the_same_rows_in_any_combination(client, portfolio):
    """Only the filters a request names are built; the others must not matter."""
    every = _ids(client.get("/api/v1/studies/?open=true&region=helse-vest&sex=female&age=40"))
    assert every == {portfolio["vest_open"].public_id}
    assert _ids(client.get("/api/v1/studies/?open=true")) == {
        portfolio["vest_open"].public_id,
        portfolio["nord_open"].public_id,
    }
    assert _ids(client.get("/api/v1/studies/?region=helse-vest&open=true")) == every


def test_list_query_count_does_not_grow_with_rows_or_page_size(client, reference_data):
    def count(n_rows: int) -> int:
        for _ in range(n_rows):
            site = StudySiteFactory(study__hrcs=["02"])
            StudySiteFactory(
                study=site.study,
                organisation=Organisation.objects.filter(kind=Organisation.Kind.HOSPITAL)
                .order_by("?")
                .first(),
            )
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/studies/?page_size=100").status_code == 200
        return len(ctx.captured_queries)

    assert count(3) == count(30)


def test_openapi_schema_is_served(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    assert "/api/v1/studies/" in response.json()["paths"]
