"""No identity number and no query string in the logs, whatever way a number comes in.

Every logger at DEBUG (SQL with its parameters included), every handler's output and every record
are searched for the synthetic numbers of the canary test after: an admin changelist search, a
failed sign-in with a number as username, public API requests with the number in the query string
and in the path, and the access lines of the development server (``django.server``), of a real
``runserver`` and of a real gunicorn (access and error log). The number must not be there, and
``[fjernet]`` must be: the logs did see it and scrubbed it.
"""

import io
import logging
import os
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.servers.basehttp import WSGIRequestHandler
from django.db import connection

from tests.consents.test_canary import CANARIES, CANARY, CANARY_2, CANARY_3
from tests.factories import StudySiteFactory

from .conftest import free_port

ROOT = Path(__file__).resolve().parents[3]
# A query parameter the requests below send; none may be in any log.
QUERY = re.compile(r"[?&](q|updated_since|near|region|next)=")
_RECORD_ATTRIBUTES = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__)


class AllLogs:
    """What every handler wrote (through its own filters and formatter) and every record."""

    def __init__(self, caplog, streams: dict[logging.Handler, io.StringIO]):
        self.caplog = caplog
        self.streams = streams

    def text(self) -> str:
        parts = [stream.getvalue() for stream in self.streams.values()]
        for record in self.caplog.records:
            parts.append(record.getMessage())
            parts.append(record.exc_text or "")
            parts.append(record.stack_info or "")
            parts.extend(
                repr(value)
                for key, value in record.__dict__.items()
                if key not in _RECORD_ATTRIBUTES and isinstance(value, str | dict | list | tuple)
            )
        return "\n".join(parts)

    def assert_clean(self, *, expect_scrubbed: bool = True) -> None:
        text = self.text()
        for number in CANARIES:
            assert number not in text, _around(text, number)
            assert f"{number[:6]} {number[6:]}" not in text
        assert not QUERY.search(text), _around(text, QUERY.search(text).group())
        if expect_scrubbed:
            assert "[fjernet]" in text, "the number never reached the logs: nothing was tested"


def _around(text: str, needle: str) -> str:
    at = text.find(needle)
    return text[max(0, at - 300) : at + 100]


def _all_loggers() -> list[logging.Logger]:
    return [logging.getLogger()] + [
        logger
        for logger in list(logging.Logger.manager.loggerDict.values())
        if isinstance(logger, logging.Logger)
    ]


@pytest.fixture
def all_logs(caplog):
    """Every logger at DEBUG, SQL logged with its parameters, every plain stream handler writing
    into a buffer, and caplog's handler on every logger that does not propagate."""
    loggers = _all_loggers()
    levels = {logger: logger.level for logger in loggers}
    streams: dict[logging.Handler, io.StringIO] = {}
    old_streams = {}
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        for handler in logger.handlers:
            if type(handler) is logging.StreamHandler and handler not in streams:
                streams[handler] = io.StringIO()
                old_streams[handler] = handler.setStream(streams[handler])
    # pytest attaches caplog to the loggers that do not propagate when the test starts; these may
    # have been made since.
    quiet = [
        logger
        for logger in loggers
        if not logger.propagate and caplog.handler not in logger.handlers
    ]
    for logger in quiet:
        logger.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)
    connection.force_debug_cursor = True
    try:
        yield AllLogs(caplog, streams)
    finally:
        connection.force_debug_cursor = False
        for logger in quiet:
            logger.removeHandler(caplog.handler)
        for handler, stream in old_streams.items():
            handler.setStream(stream)
        for logger, level in levels.items():
            logger.setLevel(level)


def _access_line(path: str, status: int = 200) -> None:
    """The line ``runserver`` writes for a request, by Django's own handler."""
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request = None
    handler.client_address = ("127.0.0.1", 50000)
    handler.requestline = f"GET {path} HTTP/1.1"
    handler.log_request(status, 1234)


@pytest.mark.django_db
def test_an_admin_changelist_search_for_a_number_leaves_no_trace(client, all_logs):
    StudySiteFactory()
    admin = get_user_model().objects.create_superuser("admin-logg", password="pw-for-tests-only-1")
    client.force_login(admin)
    for path in (
        f"/admin/trials/study/?q={CANARY}",
        f"/admin/consents/participant/?q={CANARY_2}",
        f"/admin/consents/enrolment/?q={CANARY_3[:6]}+{CANARY_3[6:]}",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        _access_line(path)
    all_logs.assert_clean()


@pytest.mark.django_db
def test_a_failed_sign_in_with_a_number_as_username_leaves_no_trace(client, all_logs):
    cache.clear()
    response = client.post("/admin/login/", {"username": CANARY, "password": "feil-passord"})
    assert response.status_code in (200, 429)
    all_logs.assert_clean()


@pytest.mark.django_db
def test_a_public_api_request_with_a_number_leaves_no_trace(client, all_logs):
    cache.clear()
    StudySiteFactory(study__conditions="Hjertesvikt")
    for path, status in (
        (f"/api/v1/studies/?q={CANARY}", 200),
        (f"/api/v1/studies/?updated_since={CANARY_2}", 400),
        (f"/api/v1/studies/?near={CANARY_3}", 400),
        (f"/api/v1/studies/KS{CANARY}/", 404),
        (f"/api/v1/organisations/?region={CANARY}", 400),
    ):
        response = client.get(path)
        assert response.status_code == status, (path, response.status_code)
        _access_line(path, status)
    all_logs.assert_clean()


# --- Real servers: runserver (django.server) and gunicorn (access and error log) ---------------


def _server_env(tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        # Production refuses keys that look like test values: fresh random ones.
        DJANGO_SECRET_KEY=secrets.token_hex(32),
        PSEUDONYM_KEY=secrets.token_hex(32),
        EXPORT_PSEUDONYM_KEY=secrets.token_hex(32),
        DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        DJANGO_SECURE_SSL_REDIRECT="0",
        PYTHONUNBUFFERED="1",
    )
    env.pop("CELERY_BROKER_URL", None)
    return env


def _get(url: str, **headers) -> int:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as r:  # noqa: S310 - loopback test server
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def _wait_until_up(base: str, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError("the server stopped")
        try:
            if _get(f"{base}/healthz") == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def _requests_with_numbers(base: str) -> None:
    referrer = f"{base}/admin/consents/participant/?q={CANARY_2}"
    _get(f"{base}/healthz?q={CANARY}", Referer=referrer)
    _get(f"{base}/admin/trials/study/?q={CANARY}")  # not signed in: a redirect with ?next=…
    _get(f"{base}/finnes-ikke/{CANARY_3}/?updated_since={CANARY_3}")


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(10)


def _assert_clean(text: str) -> None:
    assert "healthz" in text, text[-2000:]  # the requests were logged at all
    for number in CANARIES:
        assert number not in text, _around(text, number)
    assert not QUERY.search(text), _around(text, QUERY.search(text).group())
    assert "?[fjernet]" in text


def test_runserver_access_lines_leave_no_trace(tmp_path):
    port = free_port()
    log = tmp_path / "runserver.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=_server_env(tmp_path),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, server)
            _requests_with_numbers(base)
        finally:
            _stop(server)
    _assert_clean(log.read_text())


def test_gunicorn_access_and_error_logs_leave_no_trace(tmp_path):
    """As README starts it (gunicorn.conf.py is read from the working directory), with an access
    log whose format names every place a query can show: request line, query, referrer, environ."""
    port = free_port()
    access, errors = tmp_path / "access.log", tmp_path / "error.log"
    log_format = (
        '%(h)s "%(r)s" %(s)s "%(f)s" "%(a)s" query:%(q)s path:%(U)s '
        "env:%({query_string}e)s raw:%({raw_uri}e)s referrer:%({referer}i)s"
    )
    with errors.open("w") as err:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                "1",
                "--access-logfile",
                str(access),
                "--access-logformat",
                log_format,
            ],
            cwd=ROOT,
            env=_server_env(tmp_path),
            stdout=err,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_up(base, server)
            _requests_with_numbers(base)
        finally:
            _stop(server)
    _assert_clean(access.read_text())
    text = errors.read_text()
    for number in CANARIES:
        assert number not in text, _around(text, number)
