"""One way to hand work to Celery: ``sites.operations.services.task_enqueue``."""

import datetime as dt
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from sites.models import PendingTask
from sites.operations.services import pending_tasks_flush, task_enqueue

ROOT = Path(__file__).resolve().parents[3]
APPS = ("sites", "trials", "consents", "indicators")


def test_no_app_code_sends_a_task_around_task_enqueue():
    """``.delay()``/``.apply_async()`` would lose the work while Redis is down."""
    direct = re.compile(r"\w\.(delay|apply_async|send_task)\(")
    the_helper = ROOT / "sites" / "operations" / "services.py"
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if path != the_helper
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if direct.search(line)
    ]
    assert offenders == []


def test_without_a_broker_a_task_runs_in_process_even_if_its_module_was_never_imported():
    """A web process has not imported ``consents.tasks``; the in-process run must still find it."""
    script = (
        "import sys, django; django.setup()\n"
        "from django.core.management import call_command; call_command('migrate', verbosity=0)\n"
        "from django.db import transaction\n"
        "from sites.operations.services import task_enqueue\n"
        "assert 'consents.tasks' not in sys.modules\n"
        "with transaction.atomic():\n"
        "    task_enqueue(task_name='consents.tasks.erase_due_participants')\n"
        "print('ran')\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": "sqlite://:memory:",
    }
    env.pop("CELERY_BROKER_URL", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "ran" in result.stdout
    assert "NotRegistered" not in result.stderr


@pytest.mark.django_db
def test_without_a_broker_mail_sent_while_smtp_is_away_is_kept_shown_and_sent_later(
    settings, tasks_in_process, django_capture_on_commit_callbacks, reference_data
):
    """The demo has no broker: a confirmation e-mail that cannot be delivered is not lost. It
    waits as pending work (with the reason, in the admin) and goes out once SMTP answers."""
    from aiosmtpd.controller import Controller

    from tests.indicators.conftest import RecordingHandler
    from tests.trials.industry.factories import IndustrySponsorFactory
    from trials.industry.models import FeasibilityRequest
    from trials.models import HealthCategory

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here yet
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    request = FeasibilityRequest.objects.create(
        sponsor=IndustrySponsorFactory(),
        contact_name="A",
        contact_email="sponsor@example.com",
        title="T",
        condition="Lungekreft",
        hrcs_category=HealthCategory.objects.get(code="02"),
        phase="3",
        design_summary="D",
        key_inclusion_criteria="K",
        patients_wanted=10,
        received_at=dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC),
        deadline=dt.date(2026, 11, 9),
    )
    with django_capture_on_commit_callbacks(execute=True):
        task_enqueue(
            task_name="trials.tasks.feasibility_confirm", kwargs={"request_id": request.pk}
        )
    pending = PendingTask.objects.get()
    assert pending.task_name == "trials.tasks.feasibility_confirm"
    assert pending.kwargs == {"request_id": request.pk}
    assert pending.last_error  # the admin's list shows why

    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert pending_tasks_flush() == 1
    finally:
        controller.stop()
    assert not PendingTask.objects.exists()
    assert [m["To"] for m in handler.messages] == ["sponsor@example.com"]
    assert request.public_id in handler.messages[0]["Subject"]
