import os
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest
from celery import current_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ThrowawayRedis:
    """A redis-server of our own on a spare port, so the shared one is never stopped."""

    def __init__(self, port: int):
        self.port = port
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process:
            self.process.kill()
            self.process.wait(10)
            self.process = None


@pytest.fixture
def throwaway_redis():
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    redis = ThrowawayRedis(free_port())
    redis.start()
    yield redis
    redis.stop()


@contextmanager
def celery_broker(url: str):
    """Point the Celery app at ``url`` with a real (not in-process) broker for the duration."""
    conf = current_app.conf
    saved = {k: conf[k] for k in ("broker_url", "task_always_eager", "result_backend")}
    conf.broker_url, conf.task_always_eager, conf.result_backend = url, False, None
    saved_env = os.environ.get("CELERY_BROKER_URL")
    os.environ["CELERY_BROKER_URL"] = url  # Celery reads this before its own configuration
    current_app._pool = current_app.amqp._producer_pool = None
    # The result backend made for "none" here must not outlive the block (worker tests need results).
    saved_backend = current_app._backend_cache, getattr(current_app._local, "backend", None)
    current_app._backend_cache = current_app._local.backend = None
    try:
        yield
    finally:
        if current_app._pool is not None:
            current_app._pool.force_close_all()
        current_app._pool = current_app.amqp._producer_pool = None
        current_app._backend_cache, current_app._local.backend = saved_backend
        for key, value in saved.items():
            conf[key] = value
        if saved_env is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = saved_env
