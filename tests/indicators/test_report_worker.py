"""Exactly-once monthly reports through a real Celery worker (Redis) and a real SMTP server.

Without CELERY_BROKER_URL the tasks run in-process; the kill test needs PostgreSQL and Redis.
"""

import os
import signal
import subprocess
import sys
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.db import connection

from config.celery import app
from indicators import services, tasks
from indicators.models import ReportRun
from indicators.periods import Period

OCTOBER = Period.month(2026, 10)


def wait_for(predicate, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _with_emails(*users):
    for user in users:
        user.email = f"{user.username}@example.no"
        user.save()


@pytest.mark.django_db(transaction=True)
def test_beat_task_twice_and_each_send_delivered_twice_gives_one_copy_each(
    world, coordinator_vest, coordinator_nord, smtp_server, broker_configured
):
    _with_emails(coordinator_vest, coordinator_nord)
    if broker_configured:
        app.control.purge()
        with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
            # Two beat processes firing the same schedule.
            first = tasks.monthly_reports.delay("2026-10")
            second = tasks.monthly_reports.delay("2026-10")
            first.get(timeout=120), second.get(timeout=120)
            assert wait_for(lambda: ReportRun.objects.filter(status="sent").count() == 2)
            # Every send task delivered (again) twice after the fact.
            results = [tasks.send_report.delay(r.pk) for r in ReportRun.objects.all()] * 2
            assert {r.get(timeout=60) for r in results} == {"skipped"}
    else:
        tasks.monthly_reports.delay("2026-10")
        tasks.monthly_reports.delay("2026-10")
        assert {tasks.send_report.delay(r.pk).get() for r in ReportRun.objects.all()} == {"skipped"}
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "koordinator-nord@example.no",
        "koordinator-vest@example.no",
    ]


@pytest.mark.django_db(transaction=True)
def test_smtp_down_is_retried_with_backoff_by_the_worker_then_marked_failed(
    world, coordinator_vest, settings, broker_configured
):
    if not broker_configured:
        pytest.skip("Retries with backoff need a real worker (set CELERY_BROKER_URL).")
    import socket

    _with_emails(coordinator_vest)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = sock.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.INDICATORS_REPORT_RETRY_SECONDS = 0.2
    settings.INDICATORS_REPORT_MAX_RETRIES = 2
    (run_id,) = services.report_runs_prepare(period=OCTOBER)
    app.control.purge()
    with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
        assert tasks.send_report.delay(run_id).get(timeout=60) == "failed"
    run = ReportRun.objects.get(pk=run_id)
    assert run.status == "failed" and run.attempts == 3 and "SMTP" in run.last_error


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_never_causes_a_second_copy(
    world, coordinator_vest, smtp_server, broker_configured
):
    if not broker_configured or connection.vendor != "postgresql":
        pytest.skip("Killing a worker process needs PostgreSQL and a Redis broker.")
    _with_emails(coordinator_vest)
    (run_id,) = services.report_runs_prepare(period=OCTOBER)
    app.control.purge()
    smtp_server.hold.clear()  # the server accepts the message but does not answer yet
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_server.port),
        "CELERY_BROKER_URL": django_settings.CELERY_BROKER_URL,
    }
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-l", "WARNING"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        tasks.send_report.delay(run_id)
        assert wait_for(lambda: len(smtp_server.messages) == 1, timeout=90)
        worker.send_signal(signal.SIGKILL)  # killed after the server has the message
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    smtp_server.hold.set()
    assert ReportRun.objects.get(pk=run_id).status == "sending"
    # The broker redelivers the task, and the monthly run is started again: both see the claim.
    with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
        assert tasks.send_report.delay(run_id).get(timeout=60) == "skipped"
    assert services.reports_send_monthly(period=OCTOBER).sent == 0
    assert len(smtp_server.messages) == 1
