"""Every filter of the public study list, checked against the rows it should and should not return."""

import datetime as dt

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from sites.history import update_with_history
from sites.models import Organisation
from tests.factories import SponsorFactory, StudySiteFactory, hf
from trials.models import Study, StudySite

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()


@pytest.fixture
def client() -> APIClient:
    return APIClient()


def org(name: str) -> Organisation:
    return Organisation.objects.filter(name__icontains=name).order_by("id").first()


@pytest.fixture
def studies(reference_data):
    """A small portfolio with one distinguishing trait per study."""
    heart = StudySiteFactory(
        study__lay_title_nb="Ny behandling av hjertesvikt",
        study__conditions="Hjertesvikt",
        study__hrcs=["03"],
        study__min_age=40,
        study__max_age=80,
        study__sponsor=SponsorFactory(name="Pharma AS"),
        study__sponsor_type=Study.SponsorType.INDUSTRY,
        study__phase=Study.Phase.PHASE_2,
        organisation=hf("Bergen"),
    ).study
    children = StudySiteFactory(
        study__lay_title_nb="Astma hos barn",
        study__conditions="Astma",
        study__hrcs=["15"],
        study__min_age=2,
        study__max_age=12,
        study__category=Study.Category.OBSERVATIONAL,
        study__phase=Study.Phase.NOT_APPLICABLE,
        study__responsible_organisation=hf("Nord-Norge"),
    ).study
    women = StudySiteFactory(
        study__lay_title_nb="Brystkreft og trening",
        study__conditions="Brystkreft",
        study__hrcs=["06"],
        study__sex=Study.Sex.FEMALE,
        study__healthy_volunteers=True,
        study__decentralised=True,
        study__responsible_organisation=hf("Oslo universitetssykehus"),
    ).study
    with time_machine.travel(timezone.now() - dt.timedelta(days=30)):  # last changed a month ago
        closed = StudySiteFactory(
            study__lay_title_nb="Avsluttet studie om hjertet",
            study__status=Study.Status.COMPLETED,
            study__hrcs=["03"],
            status=StudySite.Status.CLOSED,
            organisation=hf("Bergen"),
        ).study
    hidden = StudySiteFactory(
        study__lay_title_nb="Hjertesvikt upublisert",
        study__conditions="Hjertesvikt",
        study__is_published=False,
    ).study
    return {
        "heart": heart,
        "children": children,
        "women": women,
        "closed": closed,
        "hidden": hidden,
    }


def ids(client, query: str) -> list[str]:
    response = client.get(f"/api/v1/studies/?{query}")
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def as_ids(studies, *names) -> set[str]:
    return {studies[n].public_id for n in names}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("open=true", {"heart", "children", "women"}),
        ("open=false", {"closed"}),
        ("status=completed", {"closed"}),
        ("region=helse-nord", {"children"}),
        ("municipality=4601", {"heart", "closed"}),  # Bergen
        ("hrcs=03", {"heart", "closed"}),
        ("hrcs=03&open=true", {"heart"}),
        ("category=observational", {"children"}),
        ("phase=2", {"heart"}),
        ("sponsor_type=industry", {"heart"}),
        ("age=10", {"children", "women", "closed"}),
        ("age=50", {"heart", "women", "closed"}),
        ("sex=male", {"heart", "children", "closed"}),
        ("sex=female", {"heart", "children", "women", "closed"}),
        ("healthy_volunteers=true", {"women"}),
        ("decentralised=true", {"women"}),
        ("q=hjertesvikt", {"heart"}),
        ("q=astma barn", {"children"}),
    ],
)
def test_filter_returns_exactly_the_matching_published_studies(client, studies, query, expected):
    assert set(ids(client, query)) == as_ids(studies, *expected)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Norwegian stemming is PostgreSQL text search"
)
def test_full_text_stems_norwegian_and_follows_edits_of_the_texts(client, studies):
    heart = studies["heart"]
    # "hjertesvikten" (definite form) finds the study about "hjertesvikt".
    assert set(ids(client, "q=hjertesvikten")) == as_ids(studies, "heart")
    heart.lay_title_nb = "Ny behandling av nyresvikt"
    heart.conditions = "Nyresvikt"
    heart.save()
    cache.clear()
    # The stored search document is rebuilt by the database when the texts change.
    assert set(ids(client, "q=nyresvikt")) == as_ids(studies, "heart")
    assert ids(client, "q=hjertesvikt") == []


def test_open_with_a_place_means_open_at_a_site_there(client, studies):
    """Open in Oslo, closed in Bergen: not a study a patient in Helse Vest can join now."""
    elsewhere = StudySiteFactory(
        study__lay_title_nb="Åpen i Oslo, avsluttet i Bergen",
        organisation=hf("Oslo universitetssykehus"),
    ).study
    StudySiteFactory(study=elsewhere, organisation=hf("Bergen"), status=StudySite.Status.CLOSED)
    bergen = hf("Bergen")
    assert elsewhere.public_id in ids(client, "region=helse-vest")
    assert set(ids(client, "open=true&region=helse-vest")) == as_ids(studies, "heart")
    assert set(ids(client, f"open=true&organisation={bergen.orgnr}")) == as_ids(studies, "heart")
    assert set(ids(client, "open=true&municipality=4601")) == as_ids(studies, "heart")
    assert elsewhere.public_id in ids(client, "open=true&region=helse-sor-ost")
    # Not open anywhere, with a site in the region: only the completed study.
    assert set(ids(client, "open=false&region=helse-vest")) == as_ids(studies, "closed")


def test_organisation_filter_uses_the_organisation_number(client, studies):
    orgnr = hf("Nord-Norge").orgnr
    assert set(ids(client, f"organisation={orgnr}")) == as_ids(studies, "children")


def test_updated_since_excludes_older_changes(client, studies):
    since = (timezone.now() - dt.timedelta(days=1)).isoformat().replace("+00:00", "Z")
    assert studies["closed"].public_id not in ids(client, f"updated_since={since}")
    assert studies["heart"].public_id in ids(client, f"updated_since={since}")


def test_near_finds_open_sites_within_the_radius_nearest_first(client, studies):
    StudySiteFactory(study=studies["women"], organisation=hf("Stavanger"))
    bergen = "60.39,5.32"
    body = client.get(f"/api/v1/studies/?near={bergen}&radius_km=200").json()
    found = [(row["id"], row["distance_km"]) for row in body["results"]]
    assert [f[0] for f in found] == [studies["heart"].public_id, studies["women"].public_id]
    assert found[0][1] < 10 < found[1][1] < 200  # Bergen, then Stavanger (~160 km)
    assert ids(client, f"near={bergen}&radius_km=5") == [studies["heart"].public_id]


@pytest.mark.parametrize(
    ("ordering", "first"),
    [("-updated", "women"), ("updated", "closed"), ("title", "children"), ("-title", "heart")],
)
def test_ordering(client, studies, ordering, first):
    assert ids(client, f"ordering={ordering}")[0] == studies[first].public_id


@pytest.mark.parametrize(
    "query",
    [
        "open=kanskje",
        "status=draft",
        "region=helse-atlantis",
        "organisation=123",
        "municipality=9999",
        "hrcs=99",
        "category=magic",
        "phase=7",
        "sponsor_type=alien",
        "age=-1",
        "age=abc",
        "sex=other",
        "updated_since=yesterday",
        "near=north",
        "near=95,10",
        "radius_km=10",
        "ordering=distance",
        "ordering=popularity",
        "regon=helse-vest",
        "page_size=101",
        "page=0",
        "lang=de",
        "cursor=%%%",
        "cursor=bm9wZQ",
    ],
)
def test_invalid_parameters_are_a_400_with_a_message(client, studies, query):
    response = client.get(f"/api/v1/studies/?{query}")
    assert response.status_code == 400, (query, response.status_code, response.content)
    assert response.json()


def test_lay_texts_follow_the_requested_language_and_fall_back_to_bokmal(client, studies):
    update_with_history(
        Study.objects.filter(pk=studies["heart"].pk),
        values={
            "lay_title_en": "New treatment for heart failure",
            "lay_summary_en": "We test a new drug.",
        },
        user=None,
        reason="Engelsk tekst",
    )
    url = f"/api/v1/studies/{studies['heart'].public_id}/"
    en = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    assert (en["lay_title"], en["language"]) == ("New treatment for heart failure", "en")
    assert client.get(url + "?lang=en").json()["lay_summary"] == "We test a new drug."
    nn = client.get(url + "?lang=nn").json()
    assert (nn["lay_title"], nn["language"]) == ("Ny behandling av hjertesvikt", "nb")
    assert client.get(url).json()["lay_title"] == "Ny behandling av hjertesvikt"


def test_detail_carries_the_public_contract(client, studies):
    update_with_history(
        StudySite.objects.filter(study=studies["heart"]),
        values={"contact_name": "Studiesykepleier Kari", "contact_email": "studie@helse-bergen.no"},
        user=None,
        reason="Ny kontakt",
    )
    body = client.get(f"/api/v1/studies/{studies['heart'].public_id}/").json()
    assert body["sponsor"] == {"name": "Pharma AS", "type": "industry"}
    assert body["eligibility"]["min_age"] == 40 and body["eligibility"]["max_age"] == 80
    assert body["conditions"] == ["Hjertesvikt"]
    assert body["hrcs_categories"][0]["code"] == "03"
    site = body["sites"][0]
    assert site["region"] == "helse-vest" and site["municipality"] == "4601"
    assert site["latitude"] and site["longitude"]
    assert site["contact"]["email"] == "studie@helse-bergen.no"
