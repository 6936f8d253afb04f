"""The canary: a known synthetic number goes in through every entry point, and then the whole
database, the captured logs, the sent e-mails, the task payloads, the answers and the exported files
are searched for it. Zero hits."""

import datetime as dt
import logging
import socket
import subprocess

import pytest
from aiosmtpd.controller import Controller
from celery.signals import before_task_publish, task_prerun
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from consents.models import Enrolment
from consents.services.export import participation_export
from consents.services.integration import integration_client_create

CANARY = "24886897487"  # Skatteetaten synthetic test person (Tenor, month + 80).
CANARY_2 = "28886398141"
CANARY_3 = "30862447340"
CANARIES = (CANARY, CANARY_2, CANARY_3)


class _Inbox:
    def __init__(self):
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_inbox(settings):
    inbox, port = _Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    yield inbox
    controller.stop()


@pytest.fixture
def task_payloads():
    seen: list[str] = []

    def on_publish(body=None, **kwargs):
        seen.append(repr(body))

    def on_prerun(args=None, kwargs=None, **extra):
        seen.append(repr(args) + repr(kwargs))

    before_task_publish.connect(on_publish, weak=False)
    task_prerun.connect(on_prerun, weak=False)
    yield seen
    before_task_publish.disconnect(on_publish)
    task_prerun.disconnect(on_prerun)


def _database_dump() -> str:
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        return subprocess.run(
            [
                "pg_dump",
                "--data-only",
                "-h",
                db["HOST"] or "127.0.0.1",
                "-p",
                str(db["PORT"] or 5432),
                "-U",
                db["USER"] or "postgres",
                db["NAME"],
            ],
            capture_output=True,
            text=True,
            check=True,
            env={"PGPASSWORD": db.get("PASSWORD") or "", "PATH": "/usr/bin:/bin"},
        ).stdout
    return "\n".join(connection.connection.iterdump())


@pytest.fixture
def worker(broker_configured):
    """A real Celery worker on the Redis broker when one is configured; in-process otherwise."""
    if not broker_configured:
        yield
        return
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
        yield


def _wait_for(predicate, seconds=30.0):
    import time

    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.1)
    return predicate()


@pytest.mark.django_db(transaction=True)
def test_the_number_in_clear_reaches_nothing(
    frozen_now, reference_data, smtp_inbox, task_payloads, caplog, tmp_path, settings, worker
):
    from consents.models import ConsentForm
    from tests.factories import StudySiteFactory

    caplog.set_level(logging.DEBUG)
    settings.PARTICIPATION_EXPORT_DIR = tmp_path
    answers: list[str] = []
    site = StudySiteFactory(contact_email="studie@example.no")
    today = timezone.localdate()
    form = ConsentForm.objects.create(
        study=site.study,
        version_label="1.0",
        language="nb",
        approved_on=today - dt.timedelta(days=100),
        effective_from=today - dt.timedelta(days=100),
    )

    # 1. The integration API: consent, enrolment, reservation, withdrawal — and a refused batch.
    _c, token = integration_client_create(
        name="EPJ", organisations=[site.organisation], may_register_reservations=True
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    base = "/api/v1/integration/"
    when = (timezone.now() - dt.timedelta(days=2)).isoformat()
    calls = [
        (
            "consents/",
            {
                "national_id": CANARY,
                "study": site.study.public_id,
                "event": "given",
                "form_version": "1.0",
                "occurred_at": when,
                "birth_year": 1968,
            },
        ),
        (
            "enrolments/",
            {
                "national_id": CANARY,
                "study": site.study.public_id,
                "site_orgnr": site.organisation.orgnr,
                "included_on": str(today),
            },
        ),
        (
            "enrolments/",
            {
                "national_id": CANARY,
                "study": site.study.public_id,
                "site_orgnr": site.organisation.orgnr,
                "included_on": str(today),
            },
        ),
        ("reservations/", {"national_id": CANARY, "scope": "recruitment", "occurred_at": when}),
        (
            "consents/",
            [
                {
                    "national_id": CANARY,
                    "study": site.study.public_id,
                    "event": "given",
                    "form_version": "nope",
                    "occurred_at": when,
                }
            ],
        ),
        (
            "consents/",
            {
                "national_id": CANARY,
                "study": site.study.public_id,
                "event": "withdrawn",
                "scope": "delete_data",
                "occurred_at": timezone.now().isoformat(),
            },
        ),
    ]
    # The number where it does not belong: in each wrong field, as a field name, and as the key.
    given = calls[0][1]
    reservation = {"national_id": CANARY, "scope": "all", "occurred_at": when}
    misplaced = [
        ("consents/", {**given, field: CANARY})
        for field in ("sex", "event", "channel", "reason", "language", "scope", "home_municipality")
    ] + [
        ("reservations/", {**reservation, "scope": CANARY}),
        ("reservations/", {**reservation, "action": CANARY}),
        ("enrolments/", {**calls[1][1], "sex": CANARY}),
        ("consents/", {**given, CANARY: "x"}),
    ]
    calls[1:1] = misplaced
    for path, body in calls:
        response = api.post(
            base + path, body, format="json", HTTP_IDEMPOTENCY_KEY=f"k-{len(answers)}"
        )
        answers.append(response.content.decode())
    for index in range(1, len(misplaced) + 1):
        assert '"errors"' in answers[index], answers[index]  # each refused, and said why
    for key in (CANARY, f"k-{CANARY}"):
        response = api.post(base + "consents/", given, format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert response.status_code == 400
        answers.append(response.content.decode())
    assert Enrolment.objects.get().status == Enrolment.Status.WITHDRAWN
    assert _wait_for(lambda: smtp_inbox.messages), "the withdrawal e-mail went out over SMTP"

    # 2. The admin: enrolment, consent given and withdrawn, reservation — and a refused form.
    admin_user = get_user_model().objects.create_superuser(
        "canary-admin", "a@example.no", "pw-canary-1234"
    )
    browser = api.__class__()
    browser.force_login(admin_user)
    split = {"occurred_at_0": str(today), "occurred_at_1": "10:00:00"}
    posts = [
        (
            "admin:consents_consentevent_add",
            {
                "national_id": CANARY_2,
                "study": site.study.pk,
                "kind": "given",
                "form": form.pk,
                "channel": "paper",
                **split,
            },
        ),
        (
            "admin:consents_enrolment_add",
            {
                "national_id": CANARY_2,
                "birth_year": 1963,
                "sex": "male",
                "site": site.pk,
                "included_on": str(today),
            },
        ),
        (
            "admin:consents_enrolment_add",
            {
                "national_id": CANARY_3,
                "birth_year": 1924,
                "sex": "female",
                "site": site.pk,
                "included_on": str(today),
            },
        ),  # refused
        (
            "admin:consents_consentevent_add",
            {
                "national_id": CANARY_2,
                "study": site.study.pk,
                "kind": "withdrawn",
                "scope": "stop_participation",
                "reason": "burden",
                **split,
            },
        ),
        (
            "admin:consents_consentevent_add",
            {
                "national_id": CANARY_3,
                "study": site.study.pk,
                "kind": "given",
                "form": form.pk,
                "channel": "digital",
                **split,
            },
        ),
        (
            "admin:consents_enrolment_add",
            {
                "national_id": CANARY_3,
                "birth_year": 1924,
                "sex": "female",
                "site": site.pk,
                "included_on": str(today),
            },
        ),
        (
            "admin:consents_reservation_add",
            {
                "national_id": CANARY_3,
                "scope": "recruitment",
                "registered_at_0": str(today),
                "registered_at_1": "09:00:00",
            },
        ),
    ]
    for name, data in posts:
        response = browser.post(reverse(name), data, follow=True)
        assert response.status_code == 200
        answers.append(response.content.decode())
    assert Enrolment.objects.filter(status=Enrolment.Status.WITHDRAWN).count() == 2
    assert _wait_for(lambda: len(smtp_inbox.messages) == 2)

    # 3. The export, and erasure of the participant who asked for deletion.
    from consents.services import participant_erase_due

    participation_export(period=f"{today:%Y-%m}")
    participant_erase_due(today=today + dt.timedelta(days=settings.CONSENT_ERASURE_DAYS))

    haystacks = {
        "database": _database_dump(),
        "logs": caplog.text,
        "e-mails": b"\n".join(smtp_inbox.messages).decode("utf-8", "replace"),
        "task payloads": "\n".join(task_payloads),
        "answers and pages": "\n".join(answers),
        "exported files": "\n".join(p.read_text() for p in tmp_path.rglob("*") if p.is_file()),
    }
    assert haystacks["database"] and haystacks["exported files"] and haystacks["task payloads"]
    for where, text in haystacks.items():
        for number in CANARIES:
            assert number not in text, f"{number} found in {where}"
