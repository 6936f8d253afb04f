"""Hostile and malformed input to the integration API: a clear 4xx with a message, never a 5xx,
never a write, and never the national identity number repeated back."""

import datetime as dt
import json

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from consents.models import ConsentEvent, IdempotentRequest, Participant
from consents.services.integration import integration_client_create

from .conftest import SYNTHETIC

pytestmark = pytest.mark.django_db

URL = "/api/v1/integration/"
ENDPOINTS = ["enrolments/", "consents/", "reservations/"]
INJECTION = [
    "' OR 1=1 --",
    "'; DROP TABLE consents_participant; --",
    "<script>alert(1)</script>",
    "{{7*7}}",
    "${jndi:ldap://x}",
    "../../etc/passwd",
    "\u202e\u0000",
    "9" * 5000,
]


@pytest.fixture
def api(site):
    _client, token = integration_client_create(
        name="EPJ", organisations=[site.organisation], may_register_reservations=True
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def _consent(site, **changes):
    record = {
        "national_id": SYNTHETIC[0],
        "birth_year": 1970,
        "sex": "female",
        "study": site.study.public_id,
        "event": "given",
        "form_version": "1.0",
        "occurred_at": (timezone.now() - dt.timedelta(days=3)).isoformat(),
    }
    record.update(changes)
    return record


def _post(api, endpoint, body, **extra):
    raw = body if isinstance(body, bytes | str) else json.dumps(body)
    return api.generic("POST", URL + endpoint, raw, content_type="application/json", **extra)


def _refused(response, *, status=400) -> dict:
    assert response.status_code == status, response.content[:500]
    body = response.json()
    assert body, "a refusal must say why"
    assert SYNTHETIC[0] not in response.content.decode()
    return body


def _nothing_written():
    assert Participant.objects.count() == 0
    assert ConsentEvent.objects.count() == 0


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_oversized_body_is_refused_with_413_before_it_is_parsed(api, site, endpoint):
    body = json.dumps([_consent(site, form_version="x" * 2000)] * 1500)
    assert len(body) > 2_621_440
    body = _refused(_post(api, endpoint, body), status=413)
    assert "for stor" in body["detail"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_a_batch_over_1000_records_is_refused_and_nothing_is_written(
    api, site, consent_form, endpoint
):
    body = _refused(_post(api, endpoint, [_consent(site)] * 1001))
    assert "1000" in body["detail"]
    _nothing_written()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"[]",
        b"{",
        b"null",
        b"42",
        b'"tekst"',
        b"true",
        b"[1, 2]",
        b'{"a": NaN}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"national_id": "\xff\xfe"}',
    ],
)
def test_bodies_that_are_not_records_are_refused(api, site, endpoint, raw):
    _refused(_post(api, endpoint, raw))
    _nothing_written()


def test_a_body_that_is_not_json_is_refused_with_415(api):
    response = api.generic("POST", URL + "consents/", "a=b", content_type="text/plain")
    _refused(response, status=415)


@pytest.mark.parametrize(
    "field", ["national_id", "birth_year", "sex", "study", "event", "occurred_at", "form_version"]
)
@pytest.mark.parametrize("value", [None, 12, 1.5, True, [], {}, ["a"], {"$gt": ""}, "x" * 10_000])
def test_a_wrong_type_in_any_field_names_the_field(api, site, consent_form, field, value):
    if field in {"national_id", "study", "form_version"} and value in (12, 1.5):
        value = {"nested": value}  # numbers are acceptable text; a nested object is not
    body = _refused(_post(api, "consents/", [_consent(site, **{field: value})]))
    [error] = body["errors"]
    assert error["index"] == 0
    assert field in error["errors"] or "non_field_errors" in error["errors"], error
    _nothing_written()


@pytest.mark.parametrize("value", INJECTION)
@pytest.mark.parametrize(
    "field", ["national_id", "study", "form_version", "sex", "home_municipality"]
)
def test_injection_strings_are_refused_as_ordinary_bad_values(
    api, site, consent_form, field, value
):
    _refused(_post(api, "consents/", [_consent(site, **{field: value})]))
    _nothing_written()


@pytest.mark.parametrize("value", INJECTION)
def test_injection_strings_in_enrolments_are_refused(api, site, value):
    record = {
        "national_id": SYNTHETIC[0],
        "study": value,
        "site_orgnr": value,
        "included_on": value,
    }
    _refused(_post(api, "enrolments/", record))


@pytest.mark.parametrize(
    "number", ["０３８５１５９８７３０", "٠٣٨٥١٥٩٨٧３0", "٠٣٨٥١٥٩٨٧٣٠", "0385159873O"]
)
def test_a_national_id_in_other_digits_is_refused_not_stored_as_another_person(
    api, site, consent_form, number
):
    body = _refused(_post(api, "consents/", [_consent(site, national_id=number)]))
    assert "national_id" in body["errors"][0]["errors"]
    _nothing_written()


@pytest.mark.parametrize("field", ["national_id", "home_municipality", "study", "unknown"])
def test_a_nul_character_anywhere_is_refused_before_it_reaches_the_database(
    api, site, consent_form, field
):
    """PostgreSQL cannot even compare a string with NUL; a lookup with one must not reach it."""
    body = _refused(_post(api, "consents/", [_consent(site, **{field: "4601\u0000"})]))
    assert "NUL" in body["detail"]
    key = _refused(_post(api, "consents/", [{**_consent(site), "x\u0000": 1}]))
    assert "NUL" in key["detail"]
    _nothing_written()


@pytest.mark.parametrize(
    "when",
    [
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "2026-02-30T10:00:00",
        "1e309",
        "2026-10-10T25:00:00Z",
        "-1",
    ],
)
def test_impossible_times_are_refused(api, site, consent_form, when):
    _refused(_post(api, "consents/", [_consent(site, occurred_at=when)]))
    _nothing_written()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2026-13-01", "i går"])
def test_impossible_inclusion_dates_are_refused(api, site, consent_form, day):
    record = {
        "national_id": SYNTHETIC[0],
        "study": site.study.public_id,
        "site_orgnr": site.organisation.orgnr,
        "included_on": day,
    }
    _refused(_post(api, "enrolments/", [record]))


@pytest.mark.parametrize(
    "key",
    ["k" * 201, "nøkkel\u0000", "a\tb", " ", "\x7f"],
    ids=["long", "nul", "tab", "blank", "del"],
)
def test_a_bad_idempotency_key_is_refused_with_a_message(api, site, consent_form, key):
    response = _post(api, "consents/", [_consent(site)], HTTP_IDEMPOTENCY_KEY=key)
    body = _refused(response)
    assert "Idempotency-Key" in body["detail"]
    _nothing_written()
    assert IdempotentRequest.objects.count() == 0


def test_the_same_idempotency_key_with_another_body_is_422(api, site, consent_form):
    first = _post(api, "consents/", [_consent(site)], HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    other = _post(
        api, "consents/", [_consent(site, national_id=SYNTHETIC[1])], HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert "Idempotency-Key" in _refused(other, status=422)["detail"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer a b",
        "Bearer " + "x" * 10_000,
        "Basic dXNlcjpwYXNz",
        "Bearer ik_\u00e6\u00f8",
    ],
)
def test_hostile_authorization_headers_get_401_or_403(site, header):
    response = APIClient().post(URL + "consents/", [], format="json", HTTP_AUTHORIZATION=header)
    assert response.status_code in (401, 403)
    assert response.json()["detail"]


# --- no identity number in an answer or a stored answer --------------------------------------------

NUMBER = SYNTHETIC[1]  # the number sent where it does not belong
APART = f"{NUMBER[:6]} {NUMBER[6:]}"


def _record(site, endpoint: str) -> dict:
    if endpoint == "consents/":
        return _consent(site, scope="stop_participation", language="nb", channel="digital")
    if endpoint == "reservations/":
        return {
            "national_id": SYNTHETIC[0],
            "scope": "all",
            "action": "reserve",
            "occurred_at": timezone.now().isoformat(),
        }
    return {
        "national_id": SYNTHETIC[0],
        "sex": "male",
        "study": site.study.public_id,
        "site_orgnr": site.organisation.orgnr,
        "included_on": str(timezone.localdate()),
    }


WRONG_FIELDS = [
    ("consents/", field)
    for field in ("sex", "event", "channel", "reason", "language", "scope", "home_municipality")
] + [("reservations/", "scope"), ("reservations/", "action"), ("enrolments/", "sex")]


@pytest.mark.parametrize("value", [NUMBER, APART], ids=["digits", "written-apart"])
@pytest.mark.parametrize(("endpoint", "field"), WRONG_FIELDS)
def test_a_number_in_a_wrong_field_is_refused_without_repeating_it_or_storing_it(
    api, site, consent_form, endpoint, field, value
):
    record = {**_record(site, endpoint), field: value}
    response = _post(api, endpoint, [record], HTTP_IDEMPOTENCY_KEY="k-1")
    body = _refused(response)
    assert field in body["errors"][0]["errors"]
    assert NUMBER not in response.content.decode() and APART not in response.content.decode()
    stored = IdempotentRequest.objects.get()
    assert (stored.status_code, stored.response) == (400, body)
    assert NUMBER not in json.dumps(stored.response) and APART not in json.dumps(stored.response)
    replay = _post(api, endpoint, [record], HTTP_IDEMPOTENCY_KEY="k-1")
    assert replay.status_code == 400 and NUMBER not in replay.content.decode()
    _nothing_written()


def test_a_wrong_choice_says_what_is_allowed_instead(api, site, consent_form):
    body = _refused(_post(api, "consents/", [_consent(site, sex="kvinne")]))
    [message] = body["errors"][0]["errors"]["sex"]
    assert message == "Ugyldig verdi. Tillatte verdier: female, male, unknown."


def test_a_field_named_like_a_number_is_refused_without_its_name(api, site, consent_form):
    response = _post(api, "consents/", [{**_consent(site), NUMBER: "x"}], HTTP_IDEMPOTENCY_KEY="k")
    body = _refused(response)
    assert "non_field_errors" in body["errors"][0]["errors"]
    assert NUMBER not in response.content.decode()
    assert NUMBER not in json.dumps(IdempotentRequest.objects.get().response)


@pytest.mark.parametrize(
    "key", [NUMBER, f"k-{NUMBER}", f"{NUMBER[:6]}-{NUMBER[6:]}", f"batch.{NUMBER}.1"]
)
def test_an_idempotency_key_holding_a_national_id_is_refused_and_never_stored(
    api, site, consent_form, key
):
    response = _post(api, "consents/", [_consent(site)], HTTP_IDEMPOTENCY_KEY=key)
    body = _refused(response)
    assert "fødselsnummer" in body["detail"] and NUMBER not in response.content.decode()
    assert not IdempotentRequest.objects.exists()
    _nothing_written()


@pytest.mark.parametrize(
    "key", ["1f0c6a52-8d1e-4e4c-9c63-5f2b0e7a9d11", "2026-11-16-batch-000123", "12345678901"]
)
def test_ordinary_idempotency_keys_are_kept(api, site, consent_form, key):
    response = _post(api, "consents/", [_consent(site)], HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 201, response.content
    assert IdempotentRequest.objects.get().key == key


def test_the_stored_answer_repeats_no_input(api, site, consent_form):
    """What is stored for replay is built from stored values (ids, the study's own id)."""
    record = _consent(site, study=f"  {site.study.public_id}")
    response = _post(api, "consents/", [record], HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 201, response.content
    [result] = IdempotentRequest.objects.get().response["results"]
    assert result == {
        "event_id": ConsentEvent.objects.get().pk,
        "study": site.study.public_id,
        "kind": "given",
    }


# --- plausible values -----------------------------------------------------------------------------


@pytest.mark.parametrize("year", [1899, 2027, 2099, 3000])
def test_a_birth_year_outside_1900_to_this_year_is_refused(
    frozen_now, api, site, consent_form, year
):
    body = _refused(_post(api, "consents/", [_consent(site, birth_year=year)]))
    assert "birth_year" in body["errors"][0]["errors"]
    _nothing_written()


@pytest.mark.parametrize("year", [1900, 2026])
def test_a_birth_year_from_1900_to_this_year_is_taken(frozen_now, api, site, consent_form, year):
    assert _post(api, "consents/", [_consent(site, birth_year=year)]).status_code == 201
    assert Participant.objects.get().birth_year == year


@pytest.mark.parametrize("action", ["reserve", "lift"])
@pytest.mark.parametrize("when", ["2099-01-01T00:00:00Z", "in ten minutes"])
def test_a_reservation_dated_in_the_future_is_refused(frozen_now, api, site, action, when):
    from consents.models import Reservation

    if when == "in ten minutes":
        when = (timezone.now() + dt.timedelta(minutes=10)).isoformat()
    record = {"national_id": SYNTHETIC[0], "scope": "all", "action": action, "occurred_at": when}
    body = _refused(_post(api, "reservations/", [record]))
    assert "fram i tid" in " ".join(body["errors"][0]["errors"]["occurred_at"])
    assert not Reservation.objects.exists()


def test_a_reservation_a_few_minutes_ahead_is_taken_as_clock_skew(frozen_now, api, site):
    when = (timezone.now() + dt.timedelta(minutes=2)).isoformat()
    record = {"national_id": SYNTHETIC[0], "scope": "all", "occurred_at": when}
    assert _post(api, "reservations/", [record]).status_code == 201


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("field", ["admin", "recorded_by", "pseudonym"])
def test_an_unknown_field_is_refused_by_name(api, site, consent_form, endpoint, field):
    record = {**_record(site, endpoint), field: True}
    body = _refused(_post(api, endpoint, [record]))
    assert field in body["errors"][0]["errors"]
    assert "Ukjent felt" in body["errors"][0]["errors"][field][0]
    _nothing_written()


@pytest.mark.parametrize(
    "raw",
    [
        '{"national_id": "%s", "scope": "all", "scope": "register", "occurred_at": "%s"}',
        '[{"national_id": "%s", "national_id": "%s", "occurred_at": "%s"}]',
        '[{"national_id": "%s", "occurred_at": "%s", "x": {"a": 1, "a": 2}}]',
    ],
    ids=["top-level", "in-a-batch", "nested"],
)
def test_the_same_key_twice_in_a_json_object_is_refused(api, site, raw):
    from consents.models import Reservation

    values = [SYNTHETIC[0]] * (raw.count("%s") - 1) + [timezone.now().isoformat()]
    body = _refused(_post(api, "reservations/", raw % tuple(values)))
    assert "samme nøkkel" in body["detail"]
    assert not Reservation.objects.exists() and not Participant.objects.exists()
