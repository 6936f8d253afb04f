"""One Idempotency-Key, several requests at once: one does the work, every other answer is the
stored answer (422 for another body) or 409 while the first is still running — never a 500, and
the work is done once."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone
from rest_framework.test import APIClient

from consents.api import views
from consents.models import ConsentEvent, IdempotentRequest, Participant
from consents.services.integration import integration_client_create

from .conftest import SYNTHETIC

URL = "/api/v1/integration/consents/"
KEY = "batch-2026-11-16-0001"


def _api(token: str) -> APIClient:
    api = APIClient(raise_request_exception=False)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def _bodies(site) -> list[list[dict]]:
    """Six different bodies: three consents that can be written, three that are refused."""
    at = (timezone.now() - dt.timedelta(days=1)).isoformat()
    record = {"study": site.study.public_id, "event": "given", "occurred_at": at}
    valid = [[{**record, "national_id": n, "form_version": "1.0"}] for n in SYNTHETIC[:3]]
    refused = [[{**record, "national_id": n, "form_version": "9.9"}] for n in SYNTHETIC[2:5]]
    return [body for pair in zip(valid, refused, strict=True) for body in pair]


def _work_done_once(statuses: list[int]) -> None:
    assert 500 not in statuses, statuses
    first = [s for s in statuses if s in (201, 400)]
    assert len(first) == 1, statuses  # one request did the work (written, or refused)
    assert set(statuses) - {201, 400} <= {409, 422}, statuses
    stored = IdempotentRequest.objects.get()
    assert stored.status_code == first[0]
    assert (
        Participant.objects.count() == ConsentEvent.objects.count() == (1 if first[0] == 201 else 0)
    )


@pytest.mark.django_db(transaction=True)
def test_six_concurrent_posts_with_one_key_and_different_bodies_never_fail(
    reference_data, site, consent_form
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite lets one writer in at a time: requests cannot overlap there")
    _client, token = integration_client_create(name="EPJ", organisations=[site.organisation])
    bodies = _bodies(site)
    start = threading.Barrier(len(bodies))
    statuses: list[int] = [0] * len(bodies)

    def post(index: int) -> None:
        try:
            api = _api(token)
            start.wait()
            statuses[index] = api.post(
                URL, bodies[index], format="json", HTTP_IDEMPOTENCY_KEY=KEY
            ).status_code
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(bodies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    _work_done_once(statuses)


@pytest.mark.django_db(transaction=True)
def test_a_request_while_another_with_its_key_runs_is_409(reference_data, site, consent_form):
    if connection.vendor != "postgresql":
        pytest.skip("the in-flight lock is PostgreSQL's advisory lock")
    client, token = integration_client_create(name="EPJ", organisations=[site.organisation])
    holding, release = threading.Event(), threading.Event()

    def first_request_running() -> None:
        try:
            with transaction.atomic():
                assert views._key_lock_taken(client, "consents", KEY)
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    running = threading.Thread(target=first_request_running)
    running.start()
    try:
        assert holding.wait(timeout=30)
        response = _api(token).post(URL, _bodies(site)[0], format="json", HTTP_IDEMPOTENCY_KEY=KEY)
        assert response.status_code == 409
        assert "behandles nå" in response.json()["detail"]
        assert not IdempotentRequest.objects.exists() and not ConsentEvent.objects.exists()
    finally:
        release.set()
        running.join(timeout=30)
    response = _api(token).post(URL, _bodies(site)[0], format="json", HTTP_IDEMPOTENCY_KEY=KEY)
    assert response.status_code == 201


@pytest.mark.django_db
def test_six_posts_with_one_key_one_after_another(site, consent_form):
    _client, token = integration_client_create(name="EPJ", organisations=[site.organisation])
    api = _api(token)
    statuses = [
        api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=KEY).status_code
        for body in _bodies(site)
    ]
    assert statuses == [201, 422, 422, 422, 422, 422]
    _work_done_once(statuses)


@pytest.mark.django_db
@pytest.mark.parametrize("first", [0, 1], ids=["stored-201", "stored-400"])
def test_a_key_stored_by_another_request_meanwhile_is_answered_not_a_500(
    site, consent_form, monkeypatch, first
):
    """The race, one step at a time: the second request looked before the first had stored its
    answer (its lookup misses), does its work, and finds the key taken when it stores."""
    _client, token = integration_client_create(name="EPJ", organisations=[site.organisation])
    api = _api(token)
    bodies = _bodies(site)
    assert api.post(URL, bodies[first], format="json", HTTP_IDEMPOTENCY_KEY=KEY).status_code in (
        201,
        400,
    )
    real = views.IntegrationBatchView._stored
    missed: list[bool] = []

    def looked_too_early(self, client, key, fingerprint):
        if not missed:
            missed.append(True)
            return None
        return real(self, client, key, fingerprint)

    monkeypatch.setattr(views.IntegrationBatchView, "_stored", looked_too_early)
    statuses = [201 if first == 0 else 400]
    for body in (bodies[2], bodies[3]):  # one that can be written, one that is refused
        missed.clear()
        response = api.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=KEY)
        statuses.append(response.status_code)
        assert response.status_code == 422, response.content[:300]
    _work_done_once(statuses)
