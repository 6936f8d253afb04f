"""One way to hand work to Celery: ``sites.operations.services.task_enqueue``."""

import os
import re
import subprocess
import sys
from pathlib import Path

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
