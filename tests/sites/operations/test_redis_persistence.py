"""The broker's Redis as README's Production section requires it: queued work survives a restart,
and a full Redis refuses new work (kept as pending work) instead of dropping what is queued."""

import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis

from sites.models import PendingTask
from sites.operations.services import task_enqueue

from .conftest import celery_broker, free_port

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed"),
]

README = Path(__file__).resolve().parents[3] / "README.md"
TASK = "trials.tasks.close_expired_recruitment"


def _production_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Production\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else None]


def _required_broker_config() -> list[str]:
    """The lines of the Production section's code block that configures the broker's Redis."""
    blocks = re.findall(r"```[a-z]*\n(.*?)```", _production_section(), flags=re.S)
    (block,) = [b for b in blocks if "appendonly" in b]
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


class ConfiguredRedis:
    """A redis-server of our own, with the given configuration lines and a data directory."""

    def __init__(self, directory: Path, config: list[str]):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory, self.config = directory, config
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        options = [
            part for line in self.config for part in (f"--{line.split()[0]}", *line.split()[1:])
        ]
        self.process = subprocess.Popen(  # noqa: S603
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--dir", str(self.directory), *options],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                redis.Redis.from_url(self.url).ping()
                return
            except (OSError, redis.exceptions.RedisError):
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def restart(self) -> None:
        """An orderly restart, as in an upgrade or when a container is moved."""
        assert self.process is not None
        self.process.terminate()
        self.process.wait(10)
        self.start()

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None

    def queued(self) -> int:
        return redis.Redis.from_url(self.url).llen("celery")


@pytest.fixture
def broker_redis(tmp_path):
    servers: list[ConfiguredRedis] = []

    def start(config: list[str]) -> ConfiguredRedis:
        server = ConfiguredRedis(tmp_path / str(len(servers)), config)
        server.directory.mkdir()
        servers.append(server)
        server.start()
        return server

    yield start
    for server in servers:
        server.stop()


def _enqueue(capture) -> None:
    with capture(execute=True):
        task_enqueue(task_name=TASK)


def test_the_production_section_requires_aof_persistence_and_noeviction_for_the_broker():
    section = _production_section()
    assert set(_required_broker_config()) >= {"appendonly yes", "maxmemory-policy noeviction"}
    for why in ("restart", "lost", "evict", "PendingTask"):
        assert why in section


def test_with_the_required_configuration_queued_work_survives_a_restart(
    broker_redis, django_capture_on_commit_callbacks
):
    server = broker_redis(_required_broker_config())
    with celery_broker(server.url):
        _enqueue(django_capture_on_commit_callbacks)
        assert server.queued() == 1
        server.restart()
        assert server.queued() == 1
    assert not PendingTask.objects.exists()


def test_without_persistence_a_restart_loses_what_was_queued(
    broker_redis, django_capture_on_commit_callbacks
):
    server = broker_redis(["appendonly no"])
    with celery_broker(server.url):
        _enqueue(django_capture_on_commit_callbacks)
        server.restart()
        assert server.queued() == 0  # gone, and nothing anywhere says it was queued
    assert not PendingTask.objects.exists()


def test_a_full_redis_without_eviction_keeps_the_queue_and_new_work_waits_as_pending(
    broker_redis, django_capture_on_commit_callbacks
):
    server = broker_redis(_required_broker_config())
    with celery_broker(server.url):
        _enqueue(django_capture_on_commit_callbacks)
        redis.Redis.from_url(server.url).config_set("maxmemory", "1")  # at its limit
        _enqueue(django_capture_on_commit_callbacks)
        assert server.queued() == 1  # what was queued is still there
    pending = PendingTask.objects.get()
    assert pending.task_name == TASK and "maxmemory" in pending.last_error


def test_a_full_redis_that_evicts_drops_queued_work_silently(
    broker_redis, django_capture_on_commit_callbacks
):
    server = broker_redis(["appendonly yes", "maxmemory-policy allkeys-lru"])
    with celery_broker(server.url):
        _enqueue(django_capture_on_commit_callbacks)
        assert server.queued() == 1
        client = redis.Redis.from_url(server.url)
        client.config_set("maxmemory", "1")
        with pytest.raises(redis.exceptions.ResponseError):
            client.set("cache:any", "x")  # any write makes it evict
        assert server.queued() == 0  # the queued task was deleted to make room


@pytest.mark.parametrize(
    ("config", "durability"),
    [
        (None, "ok"),
        (["appendonly no"], "appendonly no"),
        (["appendonly yes", "maxmemory-policy allkeys-lru"], "maxmemory-policy allkeys-lru"),
    ],
)
def test_readyz_says_whether_the_broker_keeps_its_queue(client, broker_redis, config, durability):
    server = broker_redis(_required_broker_config() if config is None else config)
    with celery_broker(server.url):
        body = client.get("/readyz").json()
    assert body["status"] == "ok"  # the site serves either way: an operator's task, not the LB's
    assert body["checks"]["broker"] == "ok"
    assert body["checks"]["broker_durability"] == durability
