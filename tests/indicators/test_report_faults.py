"""Monthly reports are never silently lost: runs left pending are queued again, and a run that ends
failed is reported once to the national administrators (e-mail and the security log)."""

import datetime as dt
import io
import json
import logging
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command

from config.celery import app
from indicators import services, tasks
from indicators.models import ReportRun
from indicators.periods import Period
from sites.models import PendingTask, UserScope
from sites.security.log_format import JsonFormatter
from tests.broker import queued_messages, run_queued
from tests.indicators.conftest import RecordingHandler

pytestmark = pytest.mark.django_db

OCTOBER = Period.month(2026, 10)
OSLO = zoneinfo.ZoneInfo("Europe/Oslo")


def at(hour: int, minute: int, day: int = 1) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=OSLO)


def _sweep() -> int:
    """The beat entry's task, run as the worker would."""
    return app.tasks[app.conf.beat_schedule["requeue-pending-reports"]["task"]].apply().get()


@pytest.fixture
def national_admins(django_user_model, reference_data):
    users = []
    for name in ("nasjonal-1", "nasjonal-2"):
        user = django_user_model.objects.create_user(
            username=name, email=f"{name}@example.no", password="x-pw-for-tests-1", is_staff=True
        )
        UserScope.objects.create(user=user, role=UserScope.Role.NATIONAL_ADMIN)
        users.append(user)
    return users


@pytest.fixture
def in_process():
    """Tasks run in this process even when the suite has a broker (CELERY_BROKER_URL)."""
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


class _SecurityLines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.events: list[dict] = []

    def emit(self, record):
        self.events.append(json.loads(self.format(record)))


@pytest.fixture
def security_log():
    handler = _SecurityLines()
    logger = logging.getLogger("security")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


class RefusingHandler(RecordingHandler):
    """A mail server whose mailbox for one address is unavailable (the others are accepted)."""

    refused = "koordinator-vest@example.no"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def refusing_smtp(settings):
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = RefusingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield handler
    controller.stop()


def _alerts(handler) -> list:
    return [
        m for m in handler.messages if m["Subject"].strip().startswith("Månedsrapport ikke sendt")
    ]


def test_a_run_whose_message_redis_lost_is_queued_again_by_the_sweep_and_sent_once(
    world,
    coordinator_vest,
    coordinator_nord,
    smtp_server,
    broker_outage,
    django_capture_on_commit_callbacks,
):
    for user in (coordinator_vest, coordinator_nord):
        user.email = f"{user.username}@example.no"
        user.save()
    with time_machine.travel(at(5, 30)):
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.monthly_reports.apply(args=["2026-10"]).get()["queued"] == 2
    # Redis restarts without persistence before a worker took the messages: the queue is empty.
    broker_outage.stop()
    broker_outage.start()
    assert queued_messages(broker_outage.url) == []
    assert set(ReportRun.objects.values_list("status", flat=True)) == {"pending"}

    with time_machine.travel(at(5, 35)), django_capture_on_commit_callbacks(execute=True):
        assert _sweep() == 0  # five minutes old: its message may still be on its way
    with time_machine.travel(at(5, 45)), django_capture_on_commit_callbacks(execute=True):
        assert _sweep() == 2
        assert _sweep() == 2  # a second sweep before a worker ran: two copies of each message
    messages = queued_messages(broker_outage.url)
    assert sorted(run_queued(messages)) == ["sent", "sent", "skipped", "skipped"]
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "koordinator-nord@example.no",
        "koordinator-vest@example.no",
    ]
    with time_machine.travel(at(5, 50)), django_capture_on_commit_callbacks(execute=True):
        assert _sweep() == 0


def test_the_sweep_leaves_runs_kept_as_pending_work_and_runs_days_old(
    world, coordinator_vest, coordinator_nord, django_capture_on_commit_callbacks
):
    for user in (coordinator_vest, coordinator_nord):
        user.email = f"{user.username}@example.no"
        user.save()
    with time_machine.travel(at(5, 30)):
        vest, nord = services.report_runs_prepare(period=OCTOBER)
    # Redis was down when the monthly job ran: the send of one run waits as pending work.
    PendingTask.objects.create(task_name="indicators.tasks.send_report", kwargs={"run_id": vest})
    with time_machine.travel(at(5, 45)), django_capture_on_commit_callbacks() as queued:
        assert services.report_runs_requeue_pending() == [nord]
    assert len(queued) == 1
    # Forgotten for days (no sweep ran): left to an administrator's "send again", not sent late.
    with time_machine.travel(at(6, 0, day=5)), django_capture_on_commit_callbacks() as queued:
        assert services.report_runs_requeue_pending() == []
    assert queued == []


def test_the_sweep_is_in_the_beat_schedule_every_five_minutes():
    entry = app.conf.beat_schedule["requeue-pending-reports"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
    assert entry["schedule"].minute == set(range(0, 60, 5))
    assert entry["schedule"].hour == set(range(24))


def test_a_failed_run_alerts_the_national_administrators_once_by_email_and_in_the_log(
    world,
    coordinator_vest,
    national_admins,
    refusing_smtp,
    security_log,
    in_process,
    django_capture_on_commit_callbacks,
):
    coordinator_vest.email = "koordinator-vest@example.no"
    coordinator_vest.save()
    with time_machine.travel(at(5, 30)), django_capture_on_commit_callbacks(execute=True):
        tasks.monthly_reports.apply(args=["2026-10"]).get()
    failed = ReportRun.objects.get(recipient=coordinator_vest)
    assert failed.status == "failed" and "SMTP" in failed.last_error

    (alert,) = _alerts(refusing_smtp)
    assert {a.addr_spec for a in alert["To"].addresses} == {
        "nasjonal-1@example.no",
        "nasjonal-2@example.no",
    }
    body = alert.get_content()
    assert "koordinator-vest@example.no" in alert["Subject"] and "oktober 2026" in body
    assert "Send på nytt" in body and f"/admin/indicators/reportrun/{failed.pk}/" in body
    assert "Mailbox unavailable" in body
    events = [e for e in security_log.events if e["event"] == "report_run_failed"]
    assert len(events) == 1 and events[0]["level"] == "ERROR"
    assert events[0]["scope"]["report_run"] == failed.pk
    assert events[0]["target_user"] == "koordinator-vest"

    # The same run failing again (a redelivered task, a manual re-run, two workers) is not news.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_report.apply(args=[failed.pk]).get() == "failed"
        with pytest.raises(Exception, match="feilet"):
            call_command("send_monthly_reports", period="2026-10", stdout=io.StringIO())
        assert services.report_run_alert_failed(run_id=failed.pk) is False
    assert len(_alerts(refusing_smtp)) == 1
    assert [e["event"] for e in security_log.events].count("report_run_failed") == 1
    # The national reports went out; a report that was sent is never an alert.
    assert ReportRun.objects.filter(status="sent").count() == 2

    # After an administrator's "send again", a new failure is told again.
    services.report_resend(run_ids=[failed.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_report.apply(args=[failed.pk]).get() == "failed"
    assert len(_alerts(refusing_smtp)) == 2


def test_a_retried_send_alerts_only_when_the_worker_gives_up(
    world, coordinator_vest, national_admins, refusing_smtp, settings, monkeypatch
):
    coordinator_vest.email = "koordinator-vest@example.no"
    coordinator_vest.save()
    vest = next(
        run_id
        for run_id in services.report_runs_prepare(period=OCTOBER)
        if ReportRun.objects.get(pk=run_id).recipient == coordinator_vest
    )
    alerted = []
    monkeypatch.setattr(
        services.reports, "report_run_alert_failed", lambda *, run_id: alerted.append(run_id)
    )
    with pytest.raises(services.ReportDeliveryError):
        services.report_send(run_id=vest, alert_on_failure=False)  # the worker will try again
    assert alerted == []
    with pytest.raises(services.ReportDeliveryError):
        services.report_send(run_id=vest)  # the last attempt
    assert alerted == [vest]
