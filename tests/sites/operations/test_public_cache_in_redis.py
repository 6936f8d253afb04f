"""The public response cache in Redis, as in production: a cached answer costs one round trip (the
entry, the kept change stamp and the client's rate-limit counter together), a coordinator's save
shows at once, and every answer counts once against the limit."""

import datetime as dt

import pytest
import time_machine
from django.test import Client
from redis.connection import AbstractConnection

from sites.api.throttling import PublicAnonThrottle
from sites.operations.response_cache import NEAR
from tests.factories import StudySiteFactory, retitle

pytestmark = pytest.mark.django_db

URL = "/api/v1/studies/?open=true&region=helse-vest"
AT = dt.datetime(2026, 3, 2, 10, 15, 5, tzinfo=dt.UTC)


@pytest.fixture
def redis_cache(settings, throwaway_redis):
    settings.CACHES = {
        "default": {
            "BACKEND": "sites.operations.cache.TolerantRedisCache",
            "LOCATION": throwaway_redis.url,
        }
    }
    settings.PUBLIC_CACHE_STAMP_SECONDS = 60
    return throwaway_redis


@pytest.fixture
def round_trips(monkeypatch):
    """The number of times the web process wrote to Redis and waited for its answer."""
    sent = []
    send = AbstractConnection.send_packed_command

    def counted(self, command, check_health=True):
        sent.append(command)
        return send(self, command, check_health)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", counted)
    return sent


@pytest.fixture
def study(reference_data):
    return StudySiteFactory(study__lay_title_nb="Ny behandling av hjertesvikt").study


def _titles(response) -> list[str]:
    return [row["lay_title"] for row in response.json()["results"]]


def test_a_cached_answer_costs_one_round_trip_and_a_save_shows_at_once(
    redis_cache, study, round_trips, django_assert_num_queries
):
    client = Client()
    with time_machine.travel(AT, tick=False):
        first = client.get(URL)
        assert _titles(first) == ["Ny behandling av hjertesvikt"]
        round_trips.clear()
        with django_assert_num_queries(0):
            again = client.get(URL)
        assert again.content == first.content
        assert len(round_trips) == 1

        retitle(study, "Hjertesvikt: ny behandling hjemme")
        assert _titles(client.get(URL)) == ["Hjertesvikt: ny behandling hjemme"]


def test_every_answer_counts_once_against_the_limit_whether_cached_or_not(
    redis_cache, study, monkeypatch
):
    monkeypatch.setattr(PublicAnonThrottle, "THROTTLE_RATES", {"anon": "3/min"})
    client = Client()
    with time_machine.travel(AT, tick=False):
        statuses = [client.get(URL).status_code for _ in range(4)]  # computed, then cached
        limited = client.get(URL)
    assert statuses == [200, 200, 200, 429]
    assert limited.status_code == 429 and limited["Retry-After"] == "55"
    with time_machine.travel(AT + dt.timedelta(minutes=1), tick=False):
        assert client.get(URL).status_code == 200


def test_a_computed_list_reads_the_stamp_and_counts_the_client_in_one_round_trip(
    redis_cache, study, round_trips, settings
):
    """Without the response cache (or on a miss), the list still reads the kept stamp and counts
    the client together; then only the reference rows and the search's count are read."""
    settings.PUBLIC_RESPONSE_CACHE_SECONDS = 0
    client = Client()
    with time_machine.travel(AT, tick=False):
        first = client.get(URL)
        round_trips.clear()
        again = client.get(URL)
    assert again.status_code == 200 and again.json() == first.json()
    assert len(round_trips) == 3


def test_a_computed_finder_page_reads_each_reference_table_once(
    redis_cache, study, round_trips, settings
):
    """The select lists and the region filter read the same region rows: one read per request,
    then the kept stamp and the search's count."""
    settings.PUBLIC_RESPONSE_CACHE_SECONDS = 0
    client = Client()
    with time_machine.travel(AT, tick=False):
        first = client.get("/?open=on&region=helse-vest")
        round_trips.clear()
        again = client.get("/?open=on&region=helse-vest")
    assert again.status_code == 200 and again.content == first.content
    assert b"Ny behandling av hjertesvikt" in again.content
    assert len(round_trips) == 3


def test_a_process_serves_its_own_copy_and_reads_only_the_stamp_and_the_counter(
    redis_cache, study, round_trips
):
    """The list page is not carried from Redis on every request: the process that served it
    keeps a copy, and asks Redis only for the stamp and the client's count. Another process
    (no copy of its own) reads the shared entry; a save shows at once in both."""
    client = Client()
    with time_machine.travel(AT, tick=False):
        first = client.get(URL)
        round_trips.clear()
        again = client.get(URL)
        assert again.content == first.content
        assert len(round_trips) == 1
        assert not any(b"public-response:" in part for part in _sent(round_trips))

        NEAR.clear()  # another web process
        round_trips.clear()
        assert client.get(URL).content == first.content
        assert any(b"public-response:" in part for part in _sent(round_trips))

        retitle(study, "Hjertesvikt: ny behandling hjemme")
        assert _titles(client.get(URL)) == ["Hjertesvikt: ny behandling hjemme"]


def _sent(commands) -> list[bytes]:
    """What was written to Redis, as bytes (a packed command is a list of chunks)."""
    return [
        chunk if isinstance(chunk, bytes) else bytes(chunk)
        for command in commands
        for chunk in (command if isinstance(command, list | tuple) else [command])
    ]
