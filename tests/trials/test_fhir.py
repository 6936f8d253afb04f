"""FHIR R4B ResearchStudy search and read, validated by parsing with fhir.resources."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.researchstudy import ResearchStudy

from sites.api.throttling import PublicAnonThrottle
from tests.factories import SponsorFactory, StudySiteFactory, hf
from trials.models import Study

pytestmark = pytest.mark.django_db


@pytest.fixture
def studies(reference_data):
    open_study = StudySiteFactory(
        study__nct_id="NCT01234567",
        study__eu_ct_number="2023-508143-51-01",
        study__rek_number="123456",
        study__conditions="Hjertesvikt\nDiabetes type 2",
        study__lay_title_nb="Ny behandling av hjertesvikt",
        study__hrcs=["03"],
        study__sponsor=SponsorFactory(name="Pharma AS"),
        contact_phone="55 97 50 00",
    ).study
    StudySiteFactory(study=open_study, organisation=hf("Nord-Norge"))
    closed = StudySiteFactory(
        study__status=Study.Status.CLOSED, study__lay_title_nb="Astma hos barn"
    ).study
    hidden = StudySiteFactory(study__is_published=False).study
    return open_study, closed, hidden


def test_read_returns_a_valid_research_study(studies):
    study = studies[0]
    response = Client().get(f"/fhir/ResearchStudy/{study.public_id}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    resource = ResearchStudy.model_validate_json(response.content)
    assert resource.id == study.public_id and resource.status == "active"
    systems = {i.system: i.value for i in resource.identifier}
    assert systems["https://clinicaltrials.gov"] == "NCT01234567"
    assert systems["https://euclinicaltrials.eu"] == "2023-508143-51-01"
    assert systems["https://rekportalen.no"] == "123456"
    assert resource.phase.coding[0].code == "phase-3"
    assert [c.text for c in resource.condition] == ["Hjertesvikt", "Diabetes type 2"]
    assert any(c.coding[0].code == "03" for c in resource.category)
    assert len(resource.site) == 2
    group = next(r for r in resource.contained if r.get_resource_type() == "Group")
    assert group.quantity == study.target_enrolment
    assert "Ny behandling av hjertesvikt" in resource.description
    assert resource.sponsor.display == "Pharma AS"


def test_search_returns_a_searchset_bundle_with_paging_links(studies):
    open_study, closed, hidden = studies
    response = Client().get("/fhir/ResearchStudy?_count=1")
    bundle = Bundle.model_validate_json(response.content)
    assert bundle.type == "searchset" and bundle.total == 2
    assert {link.relation for link in bundle.link} == {"self", "next"}
    second = Client().get(next(lnk.url for lnk in bundle.link if lnk.relation == "next"))
    page2 = Bundle.model_validate_json(second.content)
    ids = {bundle.entry[0].resource.id, page2.entry[0].resource.id}
    assert ids == {open_study.public_id, closed.public_id}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=active", {"open"}),
        ("status=closed-to-accrual", {"closed"}),
        ("status=active,closed-to-accrual", {"open", "closed"}),
        ("keyword=hjertesvikt", {"open"}),
        ("keyword=astma", {"closed"}),
    ],
)
def test_search_filters(studies, query, expected):
    names = {"open": studies[0].public_id, "closed": studies[1].public_id}
    bundle = Bundle.model_validate_json(Client().get(f"/fhir/ResearchStudy?{query}").content)
    assert {e.resource.id for e in bundle.entry or []} == {names[n] for n in expected}


@pytest.mark.parametrize("query", ["status=bogus", "_count=0", "_count=x", "_sort=colour"])
def test_bad_search_is_a_400_operation_outcome(studies, query):
    response = Client().get(f"/fhir/ResearchStudy?{query}")
    assert response.status_code == 400
    assert response.json()["resourceType"] == "OperationOutcome"


def test_unpublished_study_is_not_found(studies):
    response = Client().get(f"/fhir/ResearchStudy/{studies[2].public_id}")
    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"


@pytest.fixture
def fresh_throttle():
    cache.clear()


def test_search_and_read_answer_conditional_requests_like_the_api(studies, fresh_throttle):
    client = Client()
    for url in ("/fhir/ResearchStudy?status=active", f"/fhir/ResearchStudy/{studies[0].public_id}"):
        first = client.get(url)
        assert first.status_code == 200 and first["Cache-Control"] == "public, max-age=60"
        assert "Accept-Language" in first["Vary"]
        etag, last_modified = first["ETag"], first["Last-Modified"]
        with CaptureQueriesContext(connection) as ctx:
            again = client.get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304 and again["ETag"] == etag and not again.content
        assert len(ctx.captured_queries) == 1  # the change stamp; no search ran
        assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
        assert client.get(url, HTTP_IF_NONE_MATCH='"other"').status_code == 200
        assert client.get(url + ("&" if "?" in url else "?") + "_count=5").status_code == 200
    # Another search is another representation; a change to a study changes them all.
    url = "/fhir/ResearchStudy?status=active"
    etag = client.get(url)["ETag"]
    assert (
        client.get(url.replace("active", "closed-to-accrual"), HTTP_IF_NONE_MATCH=etag).status_code
        == 200
    )
    studies[0].lay_title_nb = "Ny tittel"
    studies[0].save()
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_fhir_is_throttled_with_the_public_api_limit(studies, fresh_throttle, monkeypatch):
    monkeypatch.setattr(PublicAnonThrottle, "THROTTLE_RATES", {"anon": "3/min"})
    client = Client()
    assert client.get("/api/v1/regions/").status_code == 200  # one budget per address
    statuses = [client.get("/fhir/ResearchStudy").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    limited = client.get(f"/fhir/ResearchStudy/{studies[0].public_id}")
    assert limited.status_code == 429 and 0 < int(limited["Retry-After"]) <= 60
    assert limited["Content-Type"].startswith("application/fhir+json")
    outcome = OperationOutcome.model_validate_json(limited.content)
    assert outcome.issue[0].code == "throttled"
