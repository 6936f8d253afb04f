"""What a FHIR R4B client expects (issue 18): a CapabilityStatement, the common search parameters
and result parameters, unknown parameters ignored unless strict, JSON only, CORS, eligibility,
sites with organisation identifiers, an honest status and Accept-Language. Every response is
validated with fhir.resources."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.researchstudy import ResearchStudy

from sites.models import Organisation
from tests.factories import StudySiteFactory, hf
from trials.models import Study, StudySite

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


@pytest.fixture
def studies(reference_data, frozen_now):
    heart = StudySiteFactory(
        study__nct_id="NCT01234567",
        study__scientific_title="Randomised trial of a heart failure drug",
        study__conditions="Hjertesvikt\nDiabetes type 2",
        study__min_age=18,
        study__max_age=80,
        study__sex=Study.Sex.FEMALE,
        study__eligibility_criteria="Hjertesvikt NYHA II–III",
        study__lay_title_nb="Ny behandling av hjertesvikt",
        study__lay_title_en="New treatment for heart failure",
        study__lay_summary_en="We test a new drug.",
        organisation=hf("Bergen"),
    ).study
    with time_machine.travel(frozen_now - dt.timedelta(days=400), tick=False):
        asthma = StudySiteFactory(
            study__status=Study.Status.CLOSED,
            study__scientific_title="Asthma in children: an observational study",
            study__conditions="Astma",
        ).study
    return {"heart": heart, "asthma": asthma}


def _bundle(query: str, **headers) -> Bundle:
    response = Client().get(f"/fhir/ResearchStudy?{query}", **headers)
    assert response.status_code == 200, response.content
    return Bundle.model_validate_json(response.content)


def _ids(bundle: Bundle) -> set[str]:
    return {
        e.resource.id
        for e in bundle.entry or []
        if e.resource.get_resource_type() == "ResearchStudy"
    }


def test_the_capability_statement_says_what_the_server_does(reference_data):
    response = Client().get("/fhir/metadata")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    statement = CapabilityStatement.model_validate_json(response.content)
    assert statement.fhirVersion == "4.3.0" and statement.format == ["json"]
    [resource] = statement.rest[0].resource
    assert resource.type == "ResearchStudy"
    names = {p.name for p in resource.searchParam}
    assert {"_id", "identifier", "title", "status", "condition", "_lastUpdated"} <= names


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("_id={heart}", {"heart"}),
        ("_id={heart},{asthma}", {"heart", "asthma"}),
        ("identifier=NCT01234567", {"heart"}),
        ("identifier=https://clinicaltrials.gov|NCT01234567", {"heart"}),
        ("identifier=https://www.isrctn.com|NCT01234567", set()),
        ("title=randomised", {"heart"}),
        ("title:contains=children", {"asthma"}),
        ("title=children", set()),
        ("condition=hjertesvikt", {"heart"}),
        ("condition=Astma", {"asthma"}),
        ("condition=hjerte", set()),
        ("condition:text=hjerte", {"heart"}),
        ("condition=http://hl7.org/fhir/sid/icd-10|I50", {"heart"}),
        ("condition=J45", {"asthma"}),
        ("condition=http://snomed.info/sct|84114007", set()),
        ("status=active", {"heart"}),
        ("_lastUpdated=ge2026-01-01", {"heart"}),
        ("_lastUpdated=lt2026-01-01", {"asthma"}),
        ("_lastUpdated=ge2020-01-01&_lastUpdated=lt2026-01-01", {"asthma"}),
    ],
)
def test_search_parameters(studies, query, expected):
    query = query.format(**{name: s.public_id for name, s in studies.items()})
    assert _ids(_bundle(query)) == {studies[name].public_id for name in expected}


def test_sort_and_an_exact_total(studies):
    newest_first = _bundle("_sort=-_lastUpdated")
    assert [e.resource.id for e in newest_first.entry] == [
        studies["heart"].public_id,
        studies["asthma"].public_id,
    ]
    by_title = _bundle("_sort=title")
    assert by_title.entry[0].resource.id == studies["asthma"].public_id
    assert by_title.total == 2


def test_the_total_is_exact_beyond_the_old_cap(reference_data, monkeypatch):
    from sites.pagination import BoundedCountPaginator

    monkeypatch.setattr(BoundedCountPaginator, "count_limit", 3)
    for _ in range(5):
        StudySiteFactory()
    assert _bundle("_count=2").total == 5


def test_summary_count_gives_the_total_only(studies):
    bundle = _bundle("_summary=count")
    assert bundle.total == 2 and not bundle.entry


def test_elements_returns_a_marked_subset(studies):
    bundle = _bundle(f"_id={studies['heart'].public_id}&_elements=title")
    resource = bundle.entry[0].resource
    assert resource.title == "Randomised trial of a heart failure drug"
    assert resource.condition is None and resource.contained is None
    assert resource.meta.tag[0].code == "SUBSETTED"


def test_unknown_parameters_are_ignored_unless_strict(studies):
    lenient = _bundle("colour=red&_include=ResearchStudy:site")
    assert _ids(lenient) == {s.public_id for s in studies.values()}
    outcome = next(e for e in lenient.entry if e.search.mode == "outcome")
    assert "colour" in outcome.resource.issue[0].diagnostics
    self_link = next(link.url for link in lenient.link if link.relation == "self")
    assert "colour" not in self_link
    strict = Client().get("/fhir/ResearchStudy?colour=red", HTTP_PREFER="handling=strict")
    assert strict.status_code == 400
    assert OperationOutcome.model_validate_json(strict.content).issue[0].code == "not-supported"


@pytest.mark.parametrize(
    ("query", "headers"),
    [
        ("_format=xml", {}),
        ("_format=application/fhir%2Bxml", {}),
        ("", {"HTTP_ACCEPT": "application/fhir+xml"}),
    ],
)
def test_xml_is_refused_with_406(studies, query, headers):
    response = Client().get(f"/fhir/ResearchStudy?{query}", **headers)
    assert response.status_code == 406
    OperationOutcome.model_validate_json(response.content)
    assert Client().get("/fhir/ResearchStudy?_format=json").status_code == 200


def test_cors_lets_a_browser_client_read_fhir(studies):
    response = Client().get("/fhir/metadata", HTTP_ORIGIN="https://app.example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "etag" in response["Access-Control-Expose-Headers"].lower()


def test_eligibility_and_organisation_identifiers(studies):
    response = Client().get(f"/fhir/ResearchStudy/{studies['heart'].public_id}")
    resource = ResearchStudy.model_validate_json(response.content)
    contained = {r.id: r for r in resource.contained}
    assert resource.enrollment[0].reference == "#eligibility"
    group = contained["eligibility"]
    age = next(c for c in group.characteristic if c.valueRange)
    assert (age.valueRange.low.value, age.valueRange.high.value) == (18, 80)
    sex = next(
        c for c in group.characteristic if c.valueCodeableConcept and c.valueCodeableConcept.coding
    )
    assert sex.valueCodeableConcept.coding[0].code == "female"
    assert any(
        c.valueCodeableConcept and c.valueCodeableConcept.text == "Hjertesvikt NYHA II–III"
        for c in group.characteristic
    )
    site = contained["site-1"]
    assert site.managingOrganization.identifier.system == "urn:oid:2.16.578.1.12.4.1.4.101"
    assert site.managingOrganization.identifier.value == hf("Bergen").orgnr


def test_a_site_without_organisation_number_has_the_stable_id(reference_data):
    clinic = Organisation.objects.create(
        name="Helsestasjonen", kind=Organisation.Kind.MUNICIPAL_SERVICE
    )
    study = StudySiteFactory(organisation=clinic).study
    resource = ResearchStudy.model_validate_json(
        Client().get(f"/fhir/ResearchStudy/{study.public_id}").content
    )
    identifier = resource.contained[0].managingOrganization.identifier
    assert identifier.value == f"org-{clinic.pk}"


def test_a_study_whose_only_site_closed_is_not_active(reference_data):
    study = StudySiteFactory(status=StudySite.Status.CLOSED).study
    assert study.status == Study.Status.OPEN
    resource = ResearchStudy.model_validate_json(
        Client().get(f"/fhir/ResearchStudy/{study.public_id}").content
    )
    assert resource.status == "closed-to-accrual"
    assert study.public_id not in _ids(_bundle("status=active"))
    assert study.public_id in _ids(_bundle("status=closed-to-accrual"))


def test_accept_language_is_honoured(studies):
    url = f"/fhir/ResearchStudy/{studies['heart'].public_id}"
    english = Client().get(url, HTTP_ACCEPT_LANGUAGE="en")
    resource = ResearchStudy.model_validate_json(english.content)
    assert english["Content-Language"] == "en" and resource.language == "en"
    assert "New treatment for heart failure" in resource.description
    norwegian = ResearchStudy.model_validate_json(Client().get(url).content)
    assert "Ny behandling av hjertesvikt" in norwegian.description
    missing = Client().get("/fhir/ResearchStudy/KS00000000", HTTP_ACCEPT_LANGUAGE="en")
    assert OperationOutcome.model_validate_json(missing.content).issue[0].diagnostics == (
        "ResearchStudy/KS00000000 does not exist."
    )
    bad = Client().get("/fhir/ResearchStudy?_sort=colour", HTTP_ACCEPT_LANGUAGE="en")
    assert (
        OperationOutcome.model_validate_json(bad.content)
        .issue[0]
        .diagnostics.startswith("Cannot sort by")
    )


def test_a_search_costs_the_same_number_of_queries_for_more_studies(reference_data):
    def count() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            _bundle("_count=50&status=active,closed-to-accrual&_sort=title")
        return len(ctx.captured_queries)

    StudySiteFactory()
    few = count()
    for _ in range(6):
        study = StudySiteFactory(organisation=hf("Bergen")).study
        StudySiteFactory(study=study, organisation=hf("Nord-Norge"))
    assert count() == few


@pytest.mark.parametrize("path", ["/fhir/Patient", "/fhir/ResearchStudy/KS1/_history", "/fhir/"])
def test_an_unknown_fhir_path_is_an_operation_outcome_not_html(reference_data, path):
    response = Client().get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/fhir+json")
    outcome = OperationOutcome.model_validate_json(response.content)
    assert outcome.issue[0].diagnostics.startswith("Not found")


def test_conditions_are_coded_where_the_name_is_known(studies):
    resource = ResearchStudy.model_validate_json(
        Client().get(f"/fhir/ResearchStudy/{studies['heart'].public_id}").content
    )
    heart_failure, diabetes = resource.condition
    assert heart_failure.text == "Hjertesvikt"
    assert (heart_failure.coding[0].system, heart_failure.coding[0].code) == (
        "http://hl7.org/fhir/sid/icd-10",
        "I50",
    )
    assert diabetes.coding[0].code == "E11"
    unknown = StudySiteFactory(study__conditions="Sjelden arvelig tilstand").study
    plain = ResearchStudy.model_validate_json(
        Client().get(f"/fhir/ResearchStudy/{unknown.public_id}").content
    )
    assert (
        plain.condition[0].coding is None and plain.condition[0].text == "Sjelden arvelig tilstand"
    )


def test_total_none_skips_the_count_and_paging_still_works(reference_data):
    for _ in range(3):
        StudySiteFactory()
    first = _bundle("_total=none&_count=2")
    assert first.total is None and len(first.entry) == 2
    following = next(link.url for link in first.link if link.relation == "next")
    second = Bundle.model_validate_json(Client().get(following).content)
    assert len(second.entry) == 1 and not any(link.relation == "next" for link in second.link)
    assert Client().get("/fhir/ResearchStudy?_count=2&_page=9").status_code == 404


def test_fhir_429_is_in_the_language_asked_for(reference_data, monkeypatch):
    from sites.api.throttling import PublicAnonThrottle

    monkeypatch.setattr(PublicAnonThrottle, "THROTTLE_RATES", {"anon": "1/min"})
    Client().get("/fhir/metadata")
    limited = Client().get("/fhir/metadata", HTTP_ACCEPT_LANGUAGE="en")
    assert limited.status_code == 429 and limited["Content-Language"] == "en"
    outcome = OperationOutcome.model_validate_json(limited.content)
    assert outcome.issue[0].diagnostics.startswith("Too many requests. Try again in")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigram index is PostgreSQL's")
@pytest.mark.parametrize("query", ["condition=hjertesvikt", "condition=I50"])
def test_condition_search_is_served_by_the_finder_s_search_index(studies, query):
    """A condition (a name or an ICD-10 code) reads the studies the trigram index names, not
    every study."""
    from django.http import QueryDict

    from trials.fhir.search import read_search

    # Every study, so that no partial index of the published ones competes with the one asked.
    found = read_search(QueryDict(query), queryset=Study.objects.all())
    sql, params = found.queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "study_search_text_idx" in plan, plan
    assert _ids(_bundle(query)) == {studies["heart"].public_id}


def test_the_last_page_knows_its_total_without_counting(reference_data):
    """The exact total costs a count only while more pages follow: a search whose matches fit
    on the page (most searches a client makes) is answered by the page query alone."""
    for _ in range(5):
        StudySiteFactory()
    with CaptureQueriesContext(connection) as counted:
        first = _bundle("_count=2")
    with CaptureQueriesContext(connection) as last:
        final = _bundle("_count=2&_page=3")
    with CaptureQueriesContext(connection) as whole:
        everything = _bundle("_count=20")
    assert first.total == final.total == everything.total == 5
    assert len(final.entry) == 1 and len(everything.entry) == 5
    counts = [
        sum('"__count"' in q["sql"] for q in ctx.captured_queries)  # Django's count()
        for ctx in (counted, last, whole)
    ]
    assert counts == [1, 0, 0]


def test_the_pages_of_a_search_share_one_exact_count_until_something_changes(reference_data):
    """Counting every match of a search over half a million studies takes a third of a second:
    the first page counts, the next pages (and every other client asking the same) reuse that
    count, and a study published in between is counted afresh."""
    for _ in range(5):
        StudySiteFactory()

    def counted(query: str) -> tuple[int | None, int]:
        with CaptureQueriesContext(connection) as ctx:
            total = _bundle(query).total
        return total, sum('"__count"' in q["sql"] for q in ctx.captured_queries)

    assert counted("_count=2") == (5, 1)
    assert counted("_count=2&_page=2") == (5, 0)
    assert counted("_count=2&_format=json") == (5, 0)  # the same search: the same count
    StudySiteFactory()
    assert counted("_count=2&_page=2") == (6, 1)
