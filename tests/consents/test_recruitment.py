"""The recruitment list for coordinators (pseudonym, birth year, sex, municipality only): reserved
persons never appear and a foreign region's study is a 404. Also the admin forms: a consent the
rules refuse comes back with what was typed, and the enrolment form picks its site by autocomplete."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consents import services
from consents.models import ConsentEvent, ConsentForm, Participant, Reservation
from sites.models import Municipality
from tests.factories import StudyFactory, StudySiteFactory, hf

from .conftest import SYNTHETIC
from .test_admin import _grant

pytestmark = pytest.mark.django_db
URL = "/admin/consents/participant/rekruttering/"


def _person(n, site, consent_form, *, sex="female", municipality="4601"):
    """A person known in Helse Vest: enrolled in the other Vest study ``site``."""
    participant = services.participant_register(
        national_id=SYNTHETIC[n],
        birth_year=1970 + n,
        sex=sex,
        home_municipality=Municipality.objects.get(code=municipality),
    )
    services.consent_give(
        participant=participant,
        form=consent_form,
        channel="digital",
        occurred_at=timezone.now() - dt.timedelta(days=3),
    )
    services.enrolment_create(
        participant=participant, site=site, included_on=timezone.localdate() - dt.timedelta(days=1)
    )
    return participant


def _reserve(participant, scope):
    services.reservation_register(
        participant=participant, scope=scope, registered_at=timezone.now()
    )


@pytest.fixture
def target(reference_data):
    """An open Helse Vest study to recruit to (adults 18–80, any sex)."""
    return StudySiteFactory(study=StudyFactory(min_age=18, max_age=80)).study


@pytest.fixture
def people(site, consent_form):
    free = _person(0, site, consent_form)
    reserved = _person(1, site, consent_form, sex="male")
    _reserve(reserved, Reservation.Scope.RECRUITMENT)
    reserved_all = _person(2, site, consent_form)
    _reserve(reserved_all, Reservation.Scope.ALL)
    export_only = _person(3, site, consent_form, municipality="0301")
    _reserve(export_only, Reservation.Scope.REGISTER)  # may still be asked
    return {"free": free, "reserved": reserved, "all": reserved_all, "export": export_only}


def _csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body), delimiter=";"))


def test_the_list_and_csv_leave_out_reserved_persons(client, coordinator_vest, target, people):
    client.force_login(_grant(coordinator_vest))
    page = client.get(URL, {"study": target.pk})
    assert page.status_code == 200
    html = page.content.decode()
    for key in ("free", "export"):
        assert people[key].pseudonym[:12] in html
    for key in ("reserved", "all"):
        assert people[key].pseudonym[:12] not in html
    assert "Bergen (4601)" in html and "2 personer" in html

    rows = _csv_rows(client.get(URL, {"study": target.pk, "format": "csv"}))
    assert rows[0] == ["pseudonym", "fodselsar", "kjonn", "kommunenummer", "kommune"]
    assert sorted(rows[1:]) == sorted(
        [
            [people["free"].pseudonym, "1970", "female", "4601", "Bergen"],
            [people["export"].pseudonym, "1973", "female", "0301", "Oslo"],
        ]
    )
    # Only these four columns: no national id, no name, nothing else.
    assert all(len(row) == 5 for row in rows)


def test_a_reservation_registered_later_takes_effect_at_once(
    client, coordinator_vest, target, people
):
    client.force_login(_grant(coordinator_vest))
    _reserve(people["free"], Reservation.Scope.RECRUITMENT)
    rows = _csv_rows(client.get(URL, {"study": target.pk, "format": "csv"}))
    assert [r[0] for r in rows[1:]] == [people["export"].pseudonym]


def test_a_coordinator_of_another_region_gets_404_and_nothing(
    client, coordinator_nord, target, people
):
    client.force_login(_grant(coordinator_nord))
    assert client.get(URL, {"study": target.pk}).status_code == 404
    assert client.get(URL, {"study": target.pk, "format": "csv"}).status_code == 404
    assert client.get(URL, {"study": "x"}).status_code == 404
    search = client.get(URL, {"q": ""}).content.decode()
    assert target.lay_title_nb not in search
    # Their own study's list holds none of Helse Vest's people.
    nord = StudySiteFactory(study=StudyFactory(responsible_organisation=hf("Nord-Norge"))).study
    rows = _csv_rows(client.get(URL, {"study": nord.pk, "format": "csv"}))
    assert rows[1:] == []


def test_the_list_runs_a_constant_number_of_queries(
    client, coordinator_vest, target, site, consent_form
):
    client.force_login(_grant(coordinator_vest))
    form = consent_form
    _person(0, site, form)
    with CaptureQueriesContext(connection) as one:
        client.get(URL, {"study": target.pk})
    for n in (1, 2, 3, 4):
        _person(n, site, form)
    with CaptureQueriesContext(connection) as five:
        assert "5 personer" in client.get(URL, {"study": target.pk}).content.decode()
    assert len(five) == len(one)


def test_the_study_search_offers_own_open_studies(client, coordinator_vest, target):
    client.force_login(_grant(coordinator_vest))
    page = client.get(URL, {"q": target.lay_title_nb}).content.decode()
    assert f'href="?study={target.pk}"' in page
    assert (
        "Rekrutteringsliste"
        in client.get(reverse("admin:consents_participant_changelist")).content.decode()
    )


# --- the consent and enrolment forms --------------------------------------------------------


def test_a_refused_consent_is_shown_again_with_what_was_typed(
    frozen_now, client, site, consent_form, coordinator_vest
):
    client.force_login(_grant(coordinator_vest))
    newer = ConsentForm.objects.create(
        study=site.study,
        version_label="2.0",
        language="nb",
        approved_on=timezone.localdate() - dt.timedelta(days=20),
        effective_from=timezone.localdate() - dt.timedelta(days=10),
        text="Ny versjon.",
    )
    url = reverse("admin:consents_consentevent_add")
    day = str(timezone.localdate())
    response = client.post(
        url,
        {
            "national_id": SYNTHETIC[0],
            "study": site.study.pk,
            "kind": "given",
            "form": consent_form.pk,
            "channel": "paper",
            "occurred_at_0": day,
            "occurred_at_1": "08:15:00",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Skjemaversjon 1.0 er erstattet av 2.0." in html
    assert f'<option value="{consent_form.pk}" selected>' in html
    assert '<option value="paper" selected>' in html
    assert 'value="08:15:00"' in html
    assert SYNTHETIC[0] not in html  # the number itself is never written back into a page
    assert not ConsentEvent.objects.exists() and not Participant.objects.exists()

    # Withdrawing when there is nothing to withdraw: the message, the choices kept.
    response = client.post(
        url,
        {
            "national_id": SYNTHETIC[0],
            "study": site.study.pk,
            "kind": "withdrawn",
            "scope": "delete_data",
            "reason": "burden",
            "occurred_at_0": day,
            "occurred_at_1": "08:15:00",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "ikke noe gjeldende samtykke" in html
    assert '<option value="delete_data" selected>' in html
    assert not ConsentEvent.objects.exists()
    assert newer.pk  # the newer version is what the coordinator should pick


def test_the_enrolment_form_picks_the_site_by_autocomplete(
    client, site, coordinator_vest, coordinator_nord
):
    closed = StudySiteFactory(study=site.study, organisation=hf("Stavanger"), status="closed")
    nord = StudySiteFactory(study=StudyFactory(responsible_organisation=hf("Nord-Norge")))
    client.force_login(_grant(coordinator_vest))
    form = client.get(reverse("admin:consents_enrolment_add")).content.decode()
    assert 'class="admin-autocomplete' in form and 'data-field-name="site"' in form

    def search(term=""):
        response = client.get(
            "/admin/autocomplete/",
            {
                "app_label": "consents",
                "model_name": "enrolment",
                "field_name": "site",
                "term": term,
            },
        )
        assert response.status_code == 200
        return response.json()["results"]

    results = search()
    assert [r["id"] for r in results] == [str(site.pk)]  # not the closed site, not Nord's
    assert results[0]["text"] == (
        f"{site.study.lay_title_nb} – Helse Bergen HF ({site.study.public_id})"
    )
    assert search("Bergen") and not search("Stavanger")

    client.force_login(_grant(coordinator_nord))
    assert [r["id"] for r in search()] == [str(nord.pk)]
    assert closed.pk != nord.pk
