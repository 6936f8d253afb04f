"""The published contract: a walk over every public endpoint fails on any field not in it."""

import csv
import io
import json

import pytest
from django.core.cache import cache
from django.utils import timezone
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from consents.models import Enrolment, Participant
from sites.history import bulk_update_with_history
from sites.models import OrganisationCapacity
from tests.factories import StudySiteFactory, hf
from trials.api.views import CSV_COLUMNS
from trials.models import Study

pytestmark = pytest.mark.django_db

SITE = {
    "organisation", "organisation_id", "organisation_orgnr", "region", "region_name", "municipality",
    "municipality_name", "latitude", "longitude", "status", "is_open", "is_decentralised",
    "target_enrolment", "local_investigator", "contact", "contact.name", "contact.email",
    "contact.phone",
}  # fmt: skip
STUDY = {
    "id", "url", "identifiers", "identifiers.rek", "identifiers.eu_ct", "identifiers.eudract",
    "identifiers.nct", "identifiers.isrctn", "scientific_title", "lay_title", "lay_summary",
    "language", "status", "is_open", "category", "phase", "hrcs_categories",
    "hrcs_categories[].code", "hrcs_categories[].label", "conditions", "eligibility",
    "eligibility.min_age", "eligibility.max_age", "eligibility.sex",
    "eligibility.healthy_volunteers", "eligibility.criteria", "sponsor", "sponsor.name",
    "sponsor.type", "decentralised", "target_enrolment", "enrolled", "opened_on",
    "planned_recruitment_end_on", "sites", "updated_at", "distance_km",
    *(f"sites[].{f}" for f in SITE),
}  # fmt: skip
PAGE = {"count", "count_exact", "next", "previous", "results"}
ORGANISATION = {
    "id", "orgnr", "name", "short_name", "kind", "region", "municipality", "municipality_name",
    "latitude", "longitude", "nortrials_centre", "open_studies",
}  # fmt: skip
CAPABILITY = {
    "year", "capacity", "capacity.has_research_support_unit", "capacity.gcp_trained_staff",
    "capacity.study_nurses", "capacity.research_person_years", "capacity.phd_by_profession",
    "capacity.phd_by_profession[].profession", "capacity.phd_by_profession[].count",
    "capacity.shared_research_clinic_positions", "capacity.shared_university_positions",
    "capacity.patients_treated", "capacity.specialties", "median_days_approval_to_first_patient",
    "share_delivered_to_time_and_target", "sites_closed_with_target", "open_studies",
}  # fmt: skip
ORGANISATION_DETAIL = ORGANISATION | {"capability", *(f"capability.{f}" for f in CAPABILITY)}
REGION = {"code", "name", "orgnr", "open_studies"}
HRCS = {"code", "label", "label_en", "open_studies"}
STATISTICS = {
    "open_studies", "suppression_threshold", "by_region", "by_region[].region",
    "by_region[].name", "by_region[].open_studies", "by_region[].participants",
    "by_hrcs_category", "by_hrcs_category[].code", "by_hrcs_category[].label",
    "by_hrcs_category[].open_studies", "by_category", "by_category[].category",
    "by_category[].label", "by_category[].open_studies",
}  # fmt: skip


def paths(value, prefix: str = "") -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key, child in value.items():
            path = f"{prefix}.{key}" if prefix else key
            found.add(path)
            found |= paths(child, path)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                found |= paths(item, f"{prefix}[]")
    return found


@pytest.fixture
def client() -> APIClient:
    cache.clear()
    return APIClient()


@pytest.fixture
def portfolio(reference_data):
    shown = StudySiteFactory(
        study__hrcs=["03"],
        study__conditions="Hjertesvikt",
        contact_name="Kari",
        contact_email="kari@example.org",
    ).study
    StudySiteFactory(study=shown, organisation=hf("Nord-Norge"))
    hidden = StudySiteFactory(study__is_published=False, study__lay_title_nb="HEMMELIG").study
    OrganisationCapacity.objects.create(  # every field of the capability profile filled in
        organisation=hf("Bergen"),
        year=timezone.localdate().year - 1,
        has_research_support_unit=True,
        gcp_trained_staff=140,
        study_nurses=25,
        research_person_years=312.5,
        phd_by_profession={"lege": 120, "psykolog": 9},
        shared_research_clinic_positions=12,
        shared_university_positions=7,
        patients_treated=250_000,
        patients_by_hrcs={"03": 8100},
        specialties="Onkologi",
    )
    return shown, hidden


def test_every_public_endpoint_returns_only_contract_fields(client, portfolio):
    shown, hidden = portfolio
    orgnr = hf("Bergen").orgnr
    walk = {
        "/api/v1/studies/": lambda b: PAGE | {f"results[].{f}" for f in STUDY},
        "/api/v1/studies/?cursor=": lambda b: PAGE | {f"results[].{f}" for f in STUDY},
        "/api/v1/studies/?near=60.39,5.32": lambda b: PAGE | {f"results[].{f}" for f in STUDY},
        f"/api/v1/studies/{shown.public_id}/": lambda b: STUDY,
        "/api/v1/organisations/": lambda b: PAGE | {f"results[].{f}" for f in ORGANISATION},
        f"/api/v1/organisations/{orgnr}/": lambda b: ORGANISATION_DETAIL,
        "/api/v1/regions/": lambda b: {f"[].{f}" for f in REGION},
        "/api/v1/regions/helse-vest/": lambda b: REGION,
        "/api/v1/hrcs-categories/": lambda b: {f"[].{f}" for f in HRCS},
        "/api/v1/hrcs-categories/03/": lambda b: HRCS,
        "/api/v1/statistics/": lambda b: STATISTICS,
    }
    for url, allowed in walk.items():
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.json()
        found = paths(body) if isinstance(body, dict) else paths(body, "")
        assert found - allowed(body) == set(), url
        assert "HEMMELIG" not in response.content.decode()
        assert hidden.public_id not in response.content.decode()
        assert "8100" not in response.content.decode()  # patients per HRCS category: not public

    for line in b"".join(client.get("/api/v1/studies/export.jsonl").streaming_content).splitlines():
        assert paths(json.loads(line)) - STUDY == set()
    export = b"".join(client.get("/api/v1/studies/export.csv").streaming_content).decode()
    assert next(csv.reader(io.StringIO(export))) == CSV_COLUMNS
    assert hidden.public_id not in export and "HEMMELIG" not in export


def test_regions_organisations_and_hrcs_count_open_published_studies(client, portfolio):
    regions = {r["code"]: r["open_studies"] for r in client.get("/api/v1/regions/").json()}
    assert regions == {"helse-vest": 1, "helse-nord": 1, "helse-sor-ost": 0, "helse-midt-norge": 0}
    hrcs = {c["code"]: c["open_studies"] for c in client.get("/api/v1/hrcs-categories/").json()}
    assert hrcs["03"] == 1 and sum(hrcs.values()) == 1
    orgs = client.get("/api/v1/organisations/?region=helse-vest&kind=hf&page_size=100").json()
    counts = {o["name"]: o["open_studies"] for o in orgs["results"]}
    assert counts[hf("Bergen").name] == 1 and sum(counts.values()) == 1
    assert client.get("/api/v1/organisations/?kind=castle").status_code == 400


def _enrol(study: Study, n: int) -> None:
    site = study.sites.first()
    for i in range(n):
        participant = Participant.objects.create(pseudonym=f"{study.public_id}-{i:04d}")
        Enrolment.objects.create(
            participant=participant, study=study, site=site, included_on=study.opened_on
        )


def test_enrolled_counts_included_and_completed_and_hides_one_to_four(client, reference_data):
    many = StudySiteFactory(study__lay_title_nb="Mange").study
    few = StudySiteFactory(study__lay_title_nb="Få").study
    none = StudySiteFactory(study__lay_title_nb="Ingen").study
    _enrol(many, 7)
    first, second = many.enrolments.order_by("pk")[:2]
    first.status, second.status = Enrolment.Status.WITHDRAWN, Enrolment.Status.COMPLETED
    first.ended_on = second.ended_on = first.included_on
    bulk_update_with_history([first, second], ["status", "ended_on"], user=None, reason="Avsluttet")
    _enrol(few, 3)
    rows = {r["id"]: r for r in client.get("/api/v1/studies/").json()["results"]}
    assert rows[many.public_id]["enrolled"] == 6  # five included, one completed, one withdrawn
    assert rows[few.public_id]["enrolled"] is None  # 3 people: not shown
    assert rows[none.public_id]["enrolled"] == 0
    assert client.get(f"/api/v1/studies/{many.public_id}/").json()["enrolled"] == 6


def test_statistics_suppress_counts_of_people_under_five(client, reference_data):
    vest = StudySiteFactory(study__category=Study.Category.KBS).study
    nord = StudySiteFactory(
        study__responsible_organisation=hf("Nord-Norge"),
        study__category=Study.Category.REGISTRY,
        study__hrcs=["15"],
    ).study
    _enrol(vest, 6)
    _enrol(nord, 3)
    body = client.get("/api/v1/statistics/").json()
    by_region = {r["region"]: r for r in body["by_region"]}
    assert by_region["helse-vest"]["participants"] == 6
    assert by_region["helse-nord"]["participants"] is None  # 3 < 5: suppressed
    assert by_region["helse-midt-norge"]["participants"] is None
    assert by_region["helse-nord"]["open_studies"] == 1
    assert body["open_studies"] == 2
    categories = {c["category"]: c["open_studies"] for c in body["by_category"]}
    assert categories["kbs"] == 1 and categories["registry"] == 1
    assert {c["code"]: c["open_studies"] for c in body["by_hrcs_category"]}["15"] == 1


def test_openapi_schema_validates_and_documents_every_endpoint(client):
    schema = client.get("/api/v1/schema/?format=json").json()
    validate_schema(schema)
    for path in (
        "/api/v1/studies/",
        "/api/v1/studies/{public_id}/",
        "/api/v1/studies/export.csv",
        "/api/v1/studies/export.jsonl",
        "/api/v1/organisations/",
        "/api/v1/regions/",
        "/api/v1/hrcs-categories/",
        "/api/v1/statistics/",
    ):
        assert path in schema["paths"], path
    names = {p["name"] for p in schema["paths"]["/api/v1/studies/"]["get"]["parameters"]}
    assert {"q", "near", "radius_km", "age", "hrcs", "cursor", "page", "lang"} <= names
    detail = schema["paths"]["/api/v1/organisations/{id}/"]["get"]
    assert "year" in {p["name"] for p in detail["parameters"]}
    components = schema["components"]["schemas"]
    capability = components["PublicCapabilityProfile"]["properties"]
    assert set(capability) == {f for f in CAPABILITY if "." not in f}
    assert "capability" in components["PublicOrganisationDetail"]["properties"]
    assert "capability" not in components["PublicOrganisation"]["properties"]


def test_interactive_docs_are_served_from_the_project(client):
    page = client.get("/api/v1/docs/").content.decode()
    assert "swagger-ui" in page and "cdn" not in page.lower()


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_fast_output_equals_the_documented_serializer(portfolio, lang):
    from trials.api.serializers import PublicStudySerializer, public_study_dict
    from trials.selectors import study_attach_public, study_public_list

    for study in study_attach_public(study_public_list()):
        documented = json.loads(
            json.dumps(PublicStudySerializer(study, context={"lang": lang}).data, default=str)
        )
        assert public_study_dict(study, lang=lang) == documented
