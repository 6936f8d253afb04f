import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from consents.models import ConsentEvent, Enrolment, IdempotentRequest, Participant, Reservation
from consents.services.integration import integration_client_create
from sites.models import Organisation

from .conftest import SYNTHETIC

pytestmark = pytest.mark.django_db

URL = "/api/v1/integration/"


@pytest.fixture
def client_for(site):
    made = []

    def make(org=None, reservations=False):
        made.append(1)
        _c, token = integration_client_create(
            name=f"EPJ {len(made)}",
            organisations=[org or site.organisation],
            may_register_reservations=reservations,
        )
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        return api

    return make


def _consent(site, number, version="1.0"):
    return {
        "national_id": number,
        "birth_year": 1970,
        "sex": "female",
        "home_municipality": "4601",
        "study": site.study.public_id,
        "event": "given",
        "form_version": version,
        "channel": "digital",
        "occurred_at": (timezone.now() - dt.timedelta(days=3)).isoformat(),
    }


def _enrolment(site, number):
    return {
        "national_id": number,
        "study": site.study.public_id,
        "site_orgnr": site.organisation.orgnr,
        "included_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
    }


def test_it_needs_a_token(site):
    response = APIClient().post(URL + "consents/", {}, format="json")
    assert response.status_code in (401, 403)
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Bearer ik_wrong")
    assert bad.post(URL + "consents/", {}, format="json").status_code == 401


def test_consent_then_enrolment_in_a_batch(site, consent_form, client_for):
    api = client_for()
    response = api.post(
        URL + "consents/", [_consent(site, n) for n in SYNTHETIC[:3]], format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["count"] == 3
    response = api.post(
        URL + "enrolments/", [_enrolment(site, n) for n in SYNTHETIC[:3]], format="json"
    )
    assert response.status_code == 201, response.json()
    assert Enrolment.objects.filter(study=site.study).count() == 3
    assert Participant.objects.filter(home_municipality__code="4601").count() == 3


def test_a_batch_is_all_or_nothing_and_says_which_records_failed(site, consent_form, client_for):
    api = client_for()
    records = [
        _consent(site, SYNTHETIC[0]),
        _consent(site, "12345678901"),
        _consent(site, SYNTHETIC[1], "9.9"),
    ]
    response = api.post(URL + "consents/", records, format="json")
    assert response.status_code == 400
    body = response.json()
    assert [e["index"] for e in body["errors"]] == [1, 2]
    assert "Kontrollsifrene" in str(body["errors"][0]["errors"]["national_id"])
    assert "12345678901" not in response.content.decode()
    assert "form_version" in body["errors"][1]["errors"]
    assert not ConsentEvent.objects.exists() and not Participant.objects.exists()
    # A service refusal in the middle also rolls back the records before it.
    response = api.post(
        URL + "enrolments/",
        [_enrolment(site, SYNTHETIC[2]), _enrolment(site, SYNTHETIC[3])],
        format="json",
    )
    assert response.status_code == 400
    assert "samtykke" in str(response.json()["errors"][0]["errors"])
    assert not Enrolment.objects.exists()


def test_the_same_request_again_returns_the_same_result_and_writes_nothing(
    site, consent_form, client_for
):
    api = client_for()
    body = [_consent(site, n) for n in SYNTHETIC[:2]]
    first = api.post(URL + "consents/", body, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == 201
    events = ConsentEvent.objects.count()
    again = api.post(URL + "consents/", body, format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert ConsentEvent.objects.count() == events
    other = api.post(URL + "consents/", body[:1], format="json", HTTP_IDEMPOTENCY_KEY="abc-1")
    assert other.status_code == 422
    # A refused batch is also replayed as refused, without writing.
    bad = [_consent(site, SYNTHETIC[3], "9.9")]
    assert (
        api.post(URL + "consents/", bad, format="json", HTTP_IDEMPOTENCY_KEY="bad-1").status_code
        == 400
    )
    assert (
        api.post(URL + "consents/", bad, format="json", HTTP_IDEMPOTENCY_KEY="bad-1").status_code
        == 400
    )
    assert IdempotentRequest.objects.count() == 2


def test_a_system_only_reaches_its_own_organisations(site, consent_form, client_for):
    other_org = Organisation.objects.get(kind="hf", name__icontains="Nordlandssykehuset")
    api = client_for(org=other_org)
    response = api.post(URL + "consents/", _consent(site, SYNTHETIC[0]), format="json")
    assert response.status_code == 400
    assert "study" in response.json()["errors"][0]["errors"]
    response = api.post(URL + "enrolments/", _enrolment(site, SYNTHETIC[0]), format="json")
    assert "site_orgnr" in response.json()["errors"][0]["errors"]


def test_withdrawal_and_reservations(site, consent_form, client_for):
    api = client_for(reservations=True)
    api.post(URL + "consents/", _consent(site, SYNTHETIC[0]), format="json")
    api.post(URL + "enrolments/", _enrolment(site, SYNTHETIC[0]), format="json")
    withdrawal = {
        "national_id": SYNTHETIC[0],
        "study": site.study.public_id,
        "event": "withdrawn",
        "scope": "stop_participation",
        "occurred_at": timezone.now().isoformat(),
    }
    response = api.post(URL + "consents/", withdrawal, format="json")
    assert response.status_code == 201 and response.json()["results"][0]["kind"] == "withdrawn"
    assert Enrolment.objects.get().status == Enrolment.Status.WITHDRAWN
    reservation = {
        "national_id": SYNTHETIC[1],
        "scope": "all",
        "occurred_at": timezone.now().isoformat(),
    }
    assert api.post(URL + "reservations/", reservation, format="json").status_code == 201
    assert Reservation.objects.filter(lifted_at__isnull=True).count() == 1
    lift = {**reservation, "action": "lift"}
    assert api.post(URL + "reservations/", lift, format="json").status_code == 201
    assert not Reservation.objects.filter(lifted_at__isnull=True).exists()
    assert client_for().post(URL + "reservations/", reservation, format="json").status_code == 403


def test_batches_are_limited_to_1000(site, client_for):
    response = client_for().post(URL + "consents/", [{}] * 1001, format="json")
    assert response.status_code == 400 and "1000" in response.json()["detail"]


def test_the_integration_api_has_its_own_schema():
    public = APIClient().get("/api/v1/schema/?format=json").json()
    assert not any(p.startswith("/api/v1/integration/") for p in public["paths"])
    integration = APIClient().get(URL + "schema/?format=json").json()
    assert set(integration["paths"]) >= {
        "/api/v1/integration/enrolments/",
        "/api/v1/integration/consents/",
        "/api/v1/integration/reservations/",
    }
    assert "integrationToken" in integration["components"]["securitySchemes"]
