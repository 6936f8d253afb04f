"""The helsenorge feed: the public portfolio in the shape of helsenorge's study listing, held
against helsenorge's own 47 sample listings (../shared/data/clinical_trials/helsenorge/)."""

import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from sites.models import Organisation
from tests.factories import StudyFactory, StudySiteFactory, hf
from trials.helsenorge import (
    HELSENORGE_CATEGORY_BY_HRCS,
    STATUS_ONGOING,
    STATUS_OPEN,
    hrcs_code_for_helsenorge_category,
)
from trials.models import HealthCategory, Study, StudySite
from trials.services.diagnoses import study_diagnoses_set

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "clinical_trials"
if not DATA.exists():
    DATA = Path("/work/shared/data/clinical_trials")
LISTINGS = DATA / "helsenorge" / "helsenorge_kliniske_studier_FNSP.json"
URL = "/api/v1/helsenorge/studies/"

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not LISTINGS.exists(), reason="shared reference data not present"),
]


@pytest.fixture
def client() -> APIClient:
    return APIClient()


@pytest.fixture(scope="module")
def listings() -> list[dict]:
    return json.loads(LISTINGS.read_text(encoding="utf-8"))


def _trust(name: str) -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.HF, name=f"{name} HF")


def _study_from(listing: dict) -> Study:
    """A study as a coordinator (or an import) would register the listing, with the factories."""
    is_open = listing["status"] == STATUS_OPEN
    study = StudyFactory(
        lay_title_nb=listing["tittel"],
        lay_summary_nb=listing["sammendrag"] or "",
        status=Study.Status.OPEN if is_open else Study.Status.CLOSED,
        responsible_organisation=_trust(listing["utfort_av"]),
        hrcs=[hrcs_code_for_helsenorge_category(name) for name in listing["kategorier"]],
    )
    for name in listing["deltakende_foretak"] or []:
        StudySiteFactory(
            study=study,
            organisation=_trust(name),
            status=StudySite.Status.OPEN if is_open else StudySite.Status.CLOSED,
            closed_on=None if is_open else timezone.localdate(),
        )
    study_diagnoses_set(study=study, codes=listing["relaterte_diagnoser"] or [])
    return study


def _main_names(names: list[str]) -> set[str]:
    return {HELSENORGE_CATEGORY_BY_HRCS[hrcs_code_for_helsenorge_category(n)] for n in names}


def _shape(value):
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


def test_every_category_in_helsenorges_listings_has_an_hrcs_code(listings):
    names = {name for listing in listings for name in listing["kategorier"]}
    assert len(names) == 19
    assert all(hrcs_code_for_helsenorge_category(name) for name in names)
    assert set(HELSENORGE_CATEGORY_BY_HRCS) == set(
        HealthCategory.objects.values_list("code", flat=True)
    )


def test_each_of_the_47_listings_comes_back_from_a_study_with_the_same_fields(
    client, listings, frozen_now, reference_data
):
    studies = {_study_from(listing).public_id: listing for listing in listings}
    feed = client.get(URL).json()
    assert len(feed) == 47
    for ours in feed:
        theirs = studies[ours["id"]]
        for key in ("tittel", "sammendrag", "status", "utfort_av", "deltakende_foretak"):
            assert ours[key] == theirs[key], (theirs["id"], key)
        assert ours["relaterte_diagnoser"] == theirs["relaterte_diagnoser"], theirs["id"]
        # One HRCS category each; helsenorge's second name for Neurological comes back as the
        # main one, and categories come in HRCS order.
        assert set(ours["kategorier"]) == _main_names(theirs["kategorier"]), theirs["id"]
        assert ours["lenke"] == f"http://testserver/studier/{ours['id']}/"


def test_a_listing_has_the_keys_and_value_types_of_helsenorges(client, listings, reference_data):
    with_everything = StudyFactory(hrcs=["10"], responsible_organisation=hf("St. Olavs"))
    StudySiteFactory(study=with_everything, organisation=hf("Nord-Trøndelag"))
    study_diagnoses_set(study=with_everything, codes=["406506008"])
    StudyFactory(lay_summary_nb="", hrcs=["02"], status=Study.Status.CLOSED)
    feed = client.get(URL).json()
    seen_shapes = {key: {json.dumps(_shape(x[key])) for x in listings} for key in listings[0]}
    assert len(feed) == 2
    for ours in feed:
        assert list(ours) == list(listings[0])
        for key, value in ours.items():
            if key != "relaterte_behandlinger":
                assert json.dumps(_shape(value)) in seen_shapes[key], key
    assert {x["status"] for x in feed} == {STATUS_OPEN, STATUS_ONGOING}


def test_only_published_studies_open_or_ongoing_are_listed(client, reference_data):
    shown = StudyFactory(status=Study.Status.OPEN)
    StudyFactory(status=Study.Status.OPEN, is_published=False)
    StudyFactory(status=Study.Status.COMPLETED, completed_on=timezone.localdate())
    StudyFactory(status=Study.Status.DRAFT)
    assert [x["id"] for x in client.get(URL).json()] == [shown.public_id]


def test_the_feed_is_conditional_and_moves_with_a_diagnosis(client, reference_data):
    study = StudyFactory(hrcs=["13"])
    first = client.get(URL)
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    study_diagnoses_set(study=study, codes=["230690007"])
    changed = client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert changed.json()[0]["relaterte_diagnoser"] == ["230690007"]


def test_the_feed_reads_a_fixed_number_of_queries(client, reference_data):
    def queries(n: int) -> int:
        for _ in range(n):
            study = StudyFactory(hrcs=["02", "03"])
            StudySiteFactory(study=study, organisation=hf("Nord-Norge"))
            study_diagnoses_set(study=study, codes=["406506008"])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    assert queries(2) == queries(20)


def test_a_wrong_snomed_code_is_refused_in_norwegian_and_nothing_is_written(reference_data):
    study = StudyFactory()
    with pytest.raises(ValidationError) as caught:
        study_diagnoses_set(study=study, codes=["406506008", "406506009"])
    assert "406506009" in " ".join(caught.value.message_dict["diagnoses"])
    assert not study.diagnoses.exists()


def test_it_is_in_the_openapi_schema(client):
    assert URL in client.get("/api/v1/schema/?format=json").json()["paths"]


def test_the_47_listings_round_trip_through_the_import_and_the_feed(
    client, listings, frozen_now, reference_data, django_user_model
):
    """helsenorge's own listings, imported as the import page would (one report, no raw error)
    and published by a coordinator, come back in the feed with the same title, summary, status,
    health trusts, categories and diagnoses. The 18 listings without a summary are imported but
    not published: the portfolio publishes no study without a Bokmål lay summary."""
    from trials.models import RegistryRecord
    from trials.services import study_publish
    from trials.services.imports.service import import_paths

    report = import_paths(paths=[LISTINGS])
    assert report.created == 47 and not report.errors
    publisher = django_user_model.objects.create_superuser("riksadmin", password="x-12345678pw")
    theirs_by_study, refused = {}, 0
    for record in RegistryRecord.objects.filter(registry="helsenorge").select_related("study"):
        listing = next(x for x in listings if str(x["id"]) == record.registry_id)
        if not listing["sammendrag"]:
            with pytest.raises(ValidationError, match="sammendrag på bokmål"):
                study_publish(study=record.study, user=publisher)
            refused += 1
            continue
        study_publish(study=record.study, user=publisher)
        theirs_by_study[record.study.public_id] = listing
    assert refused == 18
    feed = client.get(URL).json()
    assert len(feed) == 29
    for ours in feed:
        theirs = theirs_by_study[ours["id"]]
        for key in ("tittel", "status", "utfort_av"):
            assert ours[key] == theirs[key], (theirs["id"], key)
        assert ours["sammendrag"] == theirs["sammendrag"].strip()  # the import trims the ends
        assert set(ours["deltakende_foretak"] or []) == set(theirs["deltakende_foretak"] or [])
        assert ours["relaterte_diagnoser"] == theirs["relaterte_diagnoser"], theirs["id"]
        assert set(ours["kategorier"]) == _main_names(theirs["kategorier"]), theirs["id"]
