import datetime as dt
import os
import zoneinfo

import pytest
import time_machine
from django.contrib.auth import get_user_model

from sites.models import Organisation, Region, UserScope
from sites.operations.response_cache import NEAR
from sites.roles import roles_sync, user_scope_assign
from sites.services import reference_data_load_sites
from trials.services import hrcs_load

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
# A working Monday at noon, Oslo time: far from midnight, month ends and daylight-saving changes.
FROZEN_NOW = dt.datetime(2026, 11, 16, 12, 0, tzinfo=OSLO)


def pytest_configure(config) -> None:
    """`TEST_WALL_CLOCK=2026-12-01T00:30+01:00 make test` runs the suite as if the machine's clock
    said so (ticking from there), to show that no test depends on the hour it is run at."""
    wall_clock = os.environ.get("TEST_WALL_CLOCK")
    if wall_clock:
        time_machine.travel(dt.datetime.fromisoformat(wall_clock), tick=True).start()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rate-limit counters, public responses and cached
    reference rows of an earlier test (whose rows were rolled back) do not carry over."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def frozen_now():
    """For tests whose data names a date or an hour: the clock stands at FROZEN_NOW, then ticks."""
    with time_machine.travel(FROZEN_NOW, tick=True):
        yield FROZEN_NOW


def _ensure_reference_data() -> None:
    if (
        not Region.objects.exists()
        or not Organisation.objects.filter(kind=Organisation.Kind.HF).exists()
    ):
        result = reference_data_load_sites()
        hrcs_load(result=result)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Reference data and the role groups are loaded once per session; tests roll back around them."""
    with django_db_blocker.unblock():
        _ensure_reference_data()
        roles_sync()


@pytest.fixture
def reference_data(db) -> None:
    """Reference data present (again) even after a transactional test has flushed the tables."""
    _ensure_reference_data()


@pytest.fixture
def helse_vest(reference_data) -> Region:
    return Region.objects.get(code="helse-vest")


@pytest.fixture
def helse_nord(reference_data) -> Region:
    return Region.objects.get(code="helse-nord")


def _coordinator(username: str, region: Region):
    user = get_user_model().objects.create_user(
        username=username, password="pw-for-tests-only-1", is_staff=True
    )
    user_scope_assign(user=user, role=UserScope.Role.REGIONAL_COORDINATOR, region=region)
    return user


@pytest.fixture
def coordinator_vest(helse_vest):
    """A coordinator of Helse Vest."""
    return _coordinator("koordinator-vest", helse_vest)


@pytest.fixture
def coordinator_nord(helse_nord):
    """A coordinator of Helse Nord, who must not see Helse Vest's studies."""
    return _coordinator("koordinator-nord", helse_nord)


@pytest.fixture
def broker_configured() -> bool:
    return bool(os.environ.get("CELERY_BROKER_URL"))


@pytest.fixture
def tasks_in_process():
    """Tasks run in this process even when the suite has a broker (CELERY_BROKER_URL): for tests
    of what a task does, not of handing it to a worker (tests/sites/operations, ``broker``)."""
    from config.celery import app

    saved, app.conf.task_always_eager = app.conf.task_always_eager, True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture(autouse=True)
def _plain_http_test_client(settings):
    """Tests run with production settings, but the test client speaks plain HTTP, serves static
    files without a collected manifest, and signs in without a second factor. Tests of those
    features (tests/sites/security, tests/sites/operations) switch them back on. Each test starts
    with no public responses kept in the process, as a new web process."""
    settings.SECURE_SSL_REDIRECT = False
    settings.REQUIRE_2FA = False
    NEAR.clear()
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def broker_outage():
    """A Redis of our own as the Celery broker (not in-process), which the test may stop and start
    to show that work is kept as PendingTask and sent when it returns (sites.operations)."""
    import shutil

    from tests.broker import ThrowawayRedis, celery_broker, free_port

    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    server = ThrowawayRedis(free_port())
    server.start()
    try:
        with celery_broker(server.url):
            yield server
    finally:
        server.stop()
