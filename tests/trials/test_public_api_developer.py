"""What an API developer expects of the public study API (issue 18): several values per filter,
no silently dropped parameter, a root, JSON errors everywhere, weak ETags, CORS a browser can use,
nearest-first exports, a CSV Norwegian Excel opens, an id for every organisation, and a list of
studies that left the public list."""

import csv
import datetime as dt
import io
import json

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from sites.api.throttling import PublicAnonThrottle
from sites.models import Organisation
from tests.factories import StudyFactory, StudySiteFactory, hf
from trials.models import Study, StudySite

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


@pytest.fixture
def client() -> APIClient:
    return APIClient()


@pytest.fixture
def studies(reference_data) -> dict[str, Study]:
    return {
        "open": StudySiteFactory(study__lay_title_nb="Åpen").study,
        "closed": StudySiteFactory(
            study__status=Study.Status.CLOSED, status=StudySite.Status.CLOSED
        ).study,
        "completed": StudySiteFactory(
            study__status=Study.Status.COMPLETED, status=StudySite.Status.CLOSED
        ).study,
    }


def _ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_a_filter_takes_several_values_separated_by_commas(client, studies):
    both = _ids(client.get("/api/v1/studies/?status=open,closed"))
    assert both == {studies["open"].public_id, studies["closed"].public_id}
    assert _ids(client.get("/api/v1/studies/?status=open")) == {studies["open"].public_id}


def test_places_and_categories_take_several_values(client, reference_data):
    bergen = StudySiteFactory(organisation=hf("Bergen"), study__hrcs=["03"]).study
    tromso = StudySiteFactory(organisation=hf("Nord-Norge"), study__hrcs=["06"]).study
    StudySiteFactory(organisation=hf("Oslo universitetssykehus"), study__hrcs=["12"])
    expected = {bergen.public_id, tromso.public_id}
    assert _ids(client.get("/api/v1/studies/?region=helse-vest,helse-nord")) == expected
    assert _ids(client.get("/api/v1/studies/?hrcs=03,06")) == expected
    orgnrs = f"{hf('Bergen').orgnr},{hf('Nord-Norge').orgnr}"
    assert _ids(client.get(f"/api/v1/studies/?organisation={orgnrs}")) == expected


def test_one_unknown_value_among_several_is_a_400_naming_it(client, studies):
    response = client.get("/api/v1/studies/?region=helse-vest,helse-atlantis")
    assert response.status_code == 400
    assert "helse-atlantis" in response.json()["region"][0]
    assert client.get("/api/v1/studies/?status=open,draft").status_code == 400


def test_a_repeated_parameter_is_refused_not_silently_cut_to_its_last_value(client, studies):
    response = client.get("/api/v1/studies/?status=open&status=closed")
    assert response.status_code == 400
    assert "status=a,b" in response.json()["status"][0]


def test_the_api_root_lists_the_endpoints(client, reference_data):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    endpoints = response.json()["endpoints"]
    assert endpoints["studies"].endswith("/api/v1/studies/")
    assert endpoints["fhir"].endswith("/fhir/metadata")
    for name in ("studies", "organisations", "regions", "hrcs_categories", "statistics"):
        assert client.get(endpoints[name]).status_code == 200, name


@pytest.mark.parametrize(
    "path",
    ["/api/v1/studies/not-an-id/", "/api/v1/nothing/", "/api/v2/", "/api/v1/studies/KS123/x/"],
)
def test_an_unknown_path_or_malformed_id_under_api_is_a_json_404(client, reference_data, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_a_path_without_its_slash_is_still_sent_on(client, reference_data):
    response = client.get("/api/v1/regions?lang=en")
    assert response.status_code == 301 and response["Location"] == "/api/v1/regions/?lang=en"


def test_a_weak_etag_from_a_proxy_gives_304(client, studies):
    etag = client.get("/api/v1/studies/")["ETag"]
    weak = f"W/{etag}"
    assert client.get("/api/v1/studies/", HTTP_IF_NONE_MATCH=weak).status_code == 304
    assert client.get("/api/v1/studies/", HTTP_IF_NONE_MATCH='W/"other"').status_code == 200


def test_cors_exposes_validators_and_retry_after_and_allows_revalidation(client, reference_data):
    response = client.get("/api/v1/regions/", HTTP_ORIGIN="https://example.org")
    exposed = {h.strip().lower() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"etag", "last-modified", "retry-after"} <= exposed
    preflight = client.options(
        "/api/v1/studies/",
        HTTP_ORIGIN="https://example.org",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match, accept-language",
    )
    allowed = preflight["Access-Control-Allow-Headers"].lower()
    assert "if-none-match" in allowed and "accept-language" in allowed


def test_the_jsonl_export_near_a_point_is_nearest_first(client, reference_data):
    far = StudySiteFactory(organisation=hf("Nord-Norge")).study  # Tromsø
    near = StudySiteFactory(organisation=hf("Bergen")).study
    middle = StudySiteFactory(organisation=hf("Oslo universitetssykehus")).study
    body = b"".join(
        client.get("/api/v1/studies/export.jsonl?near=60.39,5.32&radius_km=2000").streaming_content
    )
    rows = [json.loads(line) for line in body.decode().splitlines()]
    assert [row["id"] for row in rows] == [near.public_id, middle.public_id, far.public_id]
    assert rows[0]["distance_km"] < rows[1]["distance_km"] < rows[2]["distance_km"]


def test_the_excel_csv_has_a_bom_and_semicolons_for_norwegian_excel(client, reference_data):
    StudySiteFactory(study__lay_title_nb='=HYPERLINK("x"); blåbær, æøå')
    response = client.get("/api/v1/studies/export.csv?dialect=excel")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["id", "rek", "eu_ct"]
    title = rows[1][rows[0].index("lay_title")]
    assert title == '\'=HYPERLINK("x"); blåbær, æøå'  # whole, and never a formula
    assert client.get("/api/v1/studies/export.csv?dialect=ods").status_code == 400


def test_every_organisation_has_a_stable_id_municipal_and_dental_ones_too(client, reference_data):
    clinic = Organisation.objects.create(
        name="Tannklinikken i Bodø",
        kind=Organisation.Kind.DENTAL_SERVICE,
        region=hf("Nord-Norge").region,
    )
    study = StudySiteFactory(organisation=clinic).study
    rows = client.get("/api/v1/organisations/?kind=dental_service").json()["results"]
    [row] = [r for r in rows if r["name"] == clinic.name]
    assert row["orgnr"] is None and row["id"] == f"org-{clinic.pk}"
    assert client.get(f"/api/v1/organisations/{row['id']}/").json()["name"] == clinic.name
    assert _ids(client.get(f"/api/v1/studies/?organisation={row['id']}")) == {study.public_id}
    site = client.get(f"/api/v1/studies/{study.public_id}/").json()["sites"][0]
    assert site["organisation_id"] == row["id"]
    # An organisation with a number is named by it.
    bergen = hf("Bergen")
    assert client.get(f"/api/v1/organisations/{bergen.orgnr}/").json()["id"] == bergen.orgnr


def test_a_harvester_learns_which_studies_left_the_public_list(client, reference_data, frozen_now):
    staying = StudySiteFactory().study
    unpublished = StudySiteFactory().study
    withdrawn = StudySiteFactory().study
    StudySiteFactory(study__is_published=False)  # never public: not the harvester's business
    since = timezone.now().isoformat()
    unpublished.is_published = False
    unpublished.save()
    withdrawn.status = Study.Status.WITHDRAWN
    withdrawn.save()
    response = client.get("/api/v1/studies/withdrawn/", {"since": since})
    assert response.status_code == 200
    left = {row["id"] for row in response.json()["results"]}
    assert left == {unpublished.public_id, withdrawn.public_id}
    assert staying.public_id not in left
    later = (timezone.now() + dt.timedelta(hours=1)).isoformat()
    assert client.get("/api/v1/studies/withdrawn/", {"since": later}).json()["results"] == []
    assert client.get("/api/v1/studies/withdrawn/").status_code == 400


def test_errors_are_in_english_when_english_is_asked_for(client, studies):
    by_lang = client.get("/api/v1/studies/?age=-1&lang=en").json()
    by_header = client.get("/api/v1/studies/?bogus=1", HTTP_ACCEPT_LANGUAGE="en").json()
    repeated = client.get("/api/v1/studies/?q=a&q=b&lang=en").json()
    assert "greater than or equal to 0" in by_lang["age"][0]
    assert by_header["bogus"][0].startswith("Unknown parameter")
    assert repeated["q"][0].startswith("Given 2 times")
    not_found = client.get("/api/v1/studies/KS00000000/?lang=en").json()
    assert not_found["detail"] == "Not found."
    assert (
        client.get("/api/v1/nothing/", HTTP_ACCEPT_LANGUAGE="en")
        .json()["detail"]
        .startswith("Not found")
    )
    norwegian = client.get("/api/v1/studies/?bogus=1").json()
    assert norwegian["bogus"][0].startswith("Ukjent parameter")


def test_429_is_wholly_in_one_language(client, reference_data, monkeypatch):
    monkeypatch.setattr(PublicAnonThrottle, "THROTTLE_RATES", {"anon": "1/min"})
    client.get("/api/v1/regions/")
    norwegian = client.get("/api/v1/regions/")
    english = client.get("/api/v1/regions/?lang=en")
    assert norwegian.status_code == english.status_code == 429
    assert norwegian.json()["detail"].startswith("For mange forespørsler. Prøv igjen om")
    assert english.json()["detail"].startswith("Too many requests. Try again in")
    assert "Expected" not in norwegian.json()["detail"]


def test_the_schema_documents_errors_headers_booleans_and_fhir(client, reference_data):
    schema = client.get("/api/v1/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/studies/"]["get"]
    assert {"200", "304", "400", "404", "429"} <= set(operation["responses"])
    assert "Retry-After" in operation["responses"]["429"]["headers"]
    assert {"ETag", "Last-Modified"} <= set(operation["responses"]["200"]["headers"])
    params = {p["name"]: p for p in operation["parameters"]}
    for name in ("healthy_volunteers", "decentralised", "open"):
        assert params[name]["schema"] == {"type": "boolean"}, name
    assert params["status"]["schema"]["type"] == "array"
    assert "If-None-Match" in params
    assert "/fhir/metadata" in json.dumps(schema["externalDocs"])
    assert "/api/v1/studies/withdrawn/" in schema["paths"]


def test_a_never_published_study_stays_out_of_every_list(client, reference_data):
    hidden = StudyFactory(is_published=False)
    assert hidden.public_id not in _ids(client.get("/api/v1/studies/?status=open,closed"))


def test_more_values_cost_no_more_queries(client, reference_data, django_assert_num_queries):
    for organisation in ("Bergen", "Nord-Norge", "Oslo universitetssykehus", "Stavanger"):
        StudySiteFactory(organisation=hf(organisation), study__hrcs=["03", "06"])
    one = "region=helse-vest&hrcs=03&status=open&phase=3"
    many = "region=helse-vest,helse-nord,helse-sor-ost&hrcs=03,06,12&status=open,closed&phase=2,3"
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/api/v1/studies/?{one}").status_code == 200
    cache.clear()
    with django_assert_num_queries(len(ctx.captured_queries)):
        assert len(client.get(f"/api/v1/studies/?{many}").json()["results"]) == 4


def test_the_withdrawn_list_costs_the_same_queries_for_more_rows(client, reference_data):
    since = timezone.now().isoformat()

    def count() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/studies/withdrawn/", {"since": since}).status_code == 200
        return len(ctx.captured_queries)

    def unpublish_one() -> None:
        study = StudySiteFactory().study
        study.is_published = False
        study.save()

    unpublish_one()
    few = count()
    for _ in range(5):
        unpublish_one()
    assert count() == few
