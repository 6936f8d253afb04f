"""The client's address behind proxies (TRUSTED_PROXY_COUNT), and lockout per account.

A made-up ``X-Forwarded-For`` starts no new rate-limit budget; behind a proxy each client has its
own budget; failed sign-ins add up per account from every address and lift after the cool-off.
"""

import datetime as dt
import secrets

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from sites.api.throttling import PublicAnonThrottle
from sites.security.addresses import client_address
from sites.security.security_log import client_address as security_log_address

from .conftest import PASSWORD

PROXY = "10.0.0.1"


def _random_address() -> str:
    return ".".join(str(b) for b in secrets.token_bytes(4))


@pytest.fixture
def fresh_budgets():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def three_per_minute(monkeypatch, fresh_budgets):
    monkeypatch.setattr(PublicAnonThrottle, "THROTTLE_RATES", {"anon": "3/min"})


# --- one function for the address ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, None, PROXY),
        (0, "203.0.113.9", PROXY),  # nothing in front: the header is the client's own words
        (1, None, PROXY),  # a probe from inside, without the header
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the right-most, by our proxy
        (1, "not-an-address, 203.0.113.9", "203.0.113.9"),
        (2, "198.51.100.1, 203.0.113.9, 10.0.0.2", "203.0.113.9"),
        (1, "198.51.100.1, 2001:db8::7", "2001:db8::7"),
    ],
)
def test_the_client_address_honours_the_number_of_trusted_proxies(
    settings, proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"REMOTE_ADDR": PROXY}
    if forwarded_for:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    request = RequestFactory().get("/", **headers)
    assert client_address(request=request) == expected
    assert security_log_address(request) == expected


def test_the_security_log_names_the_client_behind_the_proxy(client, staff, settings, security_log):
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(
        "/admin/login/?next=/admin/",
        {"username": "forsker", "password": "not-the-password"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9",
    )
    failed = next(e for e in security_log.events() if e["event"] == "login_failed")
    assert failed["address"] == "203.0.113.9"


def test_a_wrong_number_of_trusted_proxies_stops_the_start():
    from tests.config.test_settings import _setup

    result = _setup({"DJANGO_DEBUG": "1", "TRUSTED_PROXY_COUNT": "-1"})
    assert result.returncode != 0 and "TRUSTED_PROXY_COUNT=-1" in result.stderr
    result = _setup({"DJANGO_DEBUG": "1", "TRUSTED_PROXY_COUNT": "one"})
    assert result.returncode != 0 and "TRUSTED_PROXY_COUNT='one' is not a whole number" in (
        result.stderr
    )


# --- rate limits: a made-up X-Forwarded-For is no new budget ----------------------------------------


def test_a_random_forwarded_for_does_not_reset_the_public_api_limit(
    reference_data, three_per_minute
):
    api = APIClient(REMOTE_ADDR="198.51.100.7")
    statuses = [
        api.get("/api/v1/regions/", HTTP_X_FORWARDED_FOR=_random_address()).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_a_random_forwarded_for_does_not_reset_the_fhir_limit(db, three_per_minute):
    fhir = Client(REMOTE_ADDR="198.51.100.7")
    statuses = [
        fhir.get("/fhir/ResearchStudy", HTTP_X_FORWARDED_FOR=_random_address()).status_code
        for _ in range(4)
    ]
    assert statuses == [200, 200, 200, 429]


def test_a_random_forwarded_for_does_not_reset_the_feasibility_intake_limit(
    db, settings, fresh_budgets
):
    settings.FEASIBILITY_INTAKE_RATE = "2/hour"
    api = APIClient(REMOTE_ADDR="198.51.100.7")
    statuses = [
        api.post(
            "/api/v1/feasibility-requests/",
            {},
            format="json",
            HTTP_X_FORWARDED_FOR=_random_address(),
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [400, 400, 429]  # counted before the body is read: no e-mail is sent


def test_behind_one_proxy_each_client_has_its_own_public_api_budget(
    reference_data, settings, three_per_minute
):
    settings.TRUSTED_PROXY_COUNT = 1
    api = APIClient(REMOTE_ADDR=PROXY)  # every request arrives from the load balancer

    def get(chain: str) -> int:
        return api.get("/api/v1/regions/", HTTP_X_FORWARDED_FOR=chain).status_code

    assert [get("203.0.113.9") for _ in range(3)] == [200, 200, 200]
    assert get("203.0.113.9") == 429
    # What the client writes before the proxy's entry does not make it someone else.
    assert get(f"{_random_address()}, 203.0.113.9") == 429
    assert [get("203.0.113.10") for _ in range(3)] == [200, 200, 200]


def test_behind_one_proxy_each_client_has_its_own_fhir_and_intake_budget(
    db, settings, three_per_minute
):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.FEASIBILITY_INTAKE_RATE = "1/hour"
    fhir = Client(REMOTE_ADDR=PROXY)
    api = APIClient(REMOTE_ADDR=PROXY)
    for client_ip in ("203.0.113.9", "203.0.113.10"):
        fhir_statuses = [
            fhir.get("/fhir/ResearchStudy", HTTP_X_FORWARDED_FOR=client_ip).status_code
            for _ in range(4)
        ]
        assert fhir_statuses == [200, 200, 200, 429]
        intake_statuses = [
            api.post(
                "/api/v1/feasibility-requests/", {}, format="json", HTTP_X_FORWARDED_FOR=client_ip
            ).status_code
            for _ in range(2)
        ]
        assert intake_statuses == [400, 429]


# --- lockout per account, from every address, for the cool-off ------------------------------------


def _sign_in(client, password: str, *, address: str, forwarded_for: str | None = None):
    headers = {"REMOTE_ADDR": address}
    if forwarded_for:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return client.post(
        "/admin/login/?next=/admin/", {"username": "forsker", "password": password}, **headers
    )


START = dt.datetime(2026, 11, 16, 9, 0, tzinfo=dt.UTC)


def test_failures_from_many_addresses_lock_the_account_until_the_cool_off_ends(
    client, staff, settings, security_log
):
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    settings.LOGIN_COOLOFF_MINUTES = 15
    with time_machine.travel(START, tick=False) as clock:
        for n in range(4):
            assert _sign_in(client, "wrong", address=f"198.51.100.{n + 1}").status_code == 200
            clock.shift(dt.timedelta(seconds=30))
        locked = _sign_in(client, "wrong", address="198.51.100.5")
        assert locked.status_code == 429
        assert "sperret i 15 minutter" in locked.content.decode()
        assert locked["Retry-After"] == "900"
        # The right password from an address never seen before: still locked.
        assert _sign_in(client, PASSWORD, address="203.0.113.50").status_code == 429
        clock.shift(dt.timedelta(minutes=10))
        assert _sign_in(client, PASSWORD, address="203.0.113.51").status_code == 429
        # Trying while locked does not stretch the lock: it lifts 15 minutes after the failures.
        clock.shift(dt.timedelta(minutes=5, seconds=1))
        assert _sign_in(client, PASSWORD, address="203.0.113.52").status_code == 302
    lockouts = [e for e in security_log.events() if e["event"] == "lockout"]
    assert lockouts and lockouts[0]["user"] == "forsker"


def test_behind_a_proxy_failures_count_per_account_and_other_accounts_sign_in(
    client, staff, settings, django_user_model
):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 5
    other = django_user_model.objects.create_user(
        username="kollega", password=PASSWORD, is_staff=True, is_superuser=True
    )
    with time_machine.travel(START, tick=False):
        for n in range(5):
            _sign_in(client, "wrong", address=PROXY, forwarded_for=f"203.0.113.{n + 1}")
        assert _sign_in(
            client, PASSWORD, address=PROXY, forwarded_for="203.0.113.99"
        ).status_code == (429)
        # The proxy's address is not what is locked: a colleague behind it signs in.
        response = Client().post(
            "/admin/login/?next=/admin/",
            {"username": other.username, "password": PASSWORD},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR="203.0.113.1",
        )
        assert response.status_code == 302


def test_the_lockout_keys_the_attempts_by_the_client_behind_the_proxy(client, staff, settings):
    from axes.models import AccessAttempt

    settings.TRUSTED_PROXY_COUNT = 1
    _sign_in(client, "wrong", address=PROXY, forwarded_for="198.51.100.1, 203.0.113.9")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]
