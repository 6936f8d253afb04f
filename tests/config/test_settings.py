"""Settings fail loudly: each case starts a fresh interpreter with a hostile environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _setup(env_overrides: dict[str, str | None]) -> subprocess.CompletedProcess:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "CELERY_"))
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update({k: v for k, v in env_overrides.items() if v is not None})
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _setup({"DJANGO_DEBUG": "0"})
    assert result.returncode != 0
    assert (
        "ImproperlyConfigured" in result.stderr and "DJANGO_SECRET_KEY is not set" in result.stderr
    )


def test_debug_gets_a_development_key_and_sqlite_and_in_process_tasks():
    result = _setup({"DJANGO_DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_a_secret_key_can_come_from_a_file(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text("a-long-secret-from-a-mounted-file\n")
    result = _setup({"DJANGO_SECRET_KEY_FILE": str(key_file)})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG='maybe' is not a boolean"),
        (
            {"DJANGO_DEBUG": "1", "EMAIL_PORT": "twenty-five"},
            "EMAIL_PORT='twenty-five' is not a whole number",
        ),
        (
            {"DJANGO_DEBUG": "1", "DATABASE_URL": "nosuchdb://x"},
            "DATABASE_URL is not a valid database URL",
        ),
        ({"DJANGO_DEBUG": "1", "CACHE_URL": "memcached://x"}, "must be a redis:// URL"),
        ({"DJANGO_SECRET_KEY_FILE": "/nonexistent/key"}, "cannot be read"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(env, message):
    result = _setup(env)
    assert result.returncode != 0
    assert message in result.stderr


def test_a_broker_url_switches_to_a_real_worker():
    result = _setup({"DJANGO_DEBUG": "1", "CELERY_BROKER_URL": "redis://127.0.0.1:6379/9"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "False"


def test_manage_py_says_which_setting_is_wrong():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr
