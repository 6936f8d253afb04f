"""PostgreSQL down: the web process answers 503 without internals; the worker survives and resumes.

A gunicorn web process and a Celery worker run against the test database through a TCP proxy;
stopping the proxy is the outage (the shared PostgreSQL is never stopped).
"""

import os
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from .conftest import free_port
from .tcp_proxy import TcpProxy

ROOT = Path(__file__).resolve().parents[3]
pytestmark = [pytest.mark.django_db]


def _get(url: str, cookie: str = "") -> tuple[int, str, dict]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310 - loopback test server
            return r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), dict(e.headers)


@pytest.fixture
def postgres_via_proxy():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    s = connection.settings_dict
    proxy = TcpProxy((s["HOST"] or "127.0.0.1", int(s["PORT"] or 5432)), free_port())
    proxy.start()
    user = s["USER"] or "postgres"
    password = s["PASSWORD"] or secrets.token_hex(16)  # any password passes trust auth
    url = f"postgres://{user}:{password}@127.0.0.1:{proxy.port}/{s['NAME']}"
    yield proxy, url
    proxy.stop()


def _env(database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        # Production refuses keys that look like test values: fresh random ones.
        DJANGO_SECRET_KEY=secrets.token_hex(32),
        PSEUDONYM_KEY=secrets.token_hex(32),
        EXPORT_PSEUDONYM_KEY=secrets.token_hex(32),
        DATABASE_URL=database_url,
        DJANGO_SECURE_SSL_REDIRECT="0",
    )
    return env


def test_web_and_api_answer_503_without_internals_and_recover(postgres_via_proxy, reference_data):
    proxy, url = postgres_via_proxy
    port = free_port()
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=_env(url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if _get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        assert _get(f"{base}/api/v1/studies/")[0] == 200

        proxy.stop()

        status, body, headers = _get(f"{base}/api/v1/studies/")
        assert status == 503
        assert "midlertidig utilgjengelig" in body
        for leak in ("Traceback", "OperationalError", "psycopg", "DATABASE", str(proxy.port)):
            assert leak not in body
        assert headers.get("Retry-After") == "30"
        status, body, _ = _get(f"{base}/admin/", cookie="sessionid=a-signed-in-user")
        assert status == 503 and "Traceback" not in body and "<h1>503</h1>" in body
        assert _get(f"{base}/healthz")[0] == 200  # the process is alive ...
        status, body, _ = _get(f"{base}/readyz")  # ... but not ready
        assert status == 503 and '"database": "unreachable"' in body

        proxy.start()

        assert _get(f"{base}/api/v1/studies/")[0] == 200
        assert _get(f"{base}/readyz")[0] == 200
    finally:
        web.terminate()
        web.wait(20)


@pytest.mark.broker
def test_the_worker_survives_an_outage_and_resumes(
    postgres_via_proxy, reference_data, broker_configured
):
    if not broker_configured:
        pytest.skip("needs CELERY_BROKER_URL (a real worker)")
    from config.celery import app

    proxy, url = postgres_via_proxy
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-P",
            "solo",
            "-c",
            "1",
            "-Q",
            "outage-test",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=_env(url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    task = "trials.tasks.close_expired_recruitment"
    try:
        assert app.send_task(task, queue="outage-test").get(timeout=60) == 0
        proxy.stop()
        with pytest.raises(Exception):  # noqa: B017 - the task fails on the database error
            app.send_task(task, queue="outage-test").get(timeout=60)
        assert worker.poll() is None, "the worker died with the database"
        proxy.start()
        assert app.send_task(task, queue="outage-test").get(timeout=60) == 0
        assert worker.poll() is None
    finally:
        worker.terminate()
        worker.wait(30)
