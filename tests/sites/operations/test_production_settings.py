"""Production settings: Django's deployment checklist, refusal of default secrets, headers."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]

# Fresh random secrets (hex never spells a word that marks a test value, such as "test").
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_hex(32),
    "PSEUDONYM_KEY": secrets.token_hex(32),
    "EXPORT_PSEUDONYM_KEY": secrets.token_hex(32),
    "DATABASE_URL": f"postgres://portefolje:{secrets.token_hex(16)}@db.internal:5432/portefolje",
    "CELERY_BROKER_URL": "redis://redis.internal:6379/0",
    "DJANGO_ALLOWED_HOSTS": "kliniskestudier.example.no",
    "DJANGO_BEHIND_TLS_PROXY": "1",
    "TRUSTED_PROXY_COUNT": "1",
    "PUBLIC_BASE_URL": "https://kliniskestudier.example.no",
}
# Variables of the test run that must not leak into the production-like process.
_NOT_INHERITED = (
    "DJANGO_",
    "DATABASE_",
    "CELERY_",
    "PSEUDONYM",
    "EXPORT_PSEUDONYM",
    "DEMO_",
    "TRUSTED_PROXY",
    "EMAIL_HOST_PASSWORD",
    "CACHE_URL",
    "PUBLIC_BASE_URL",
)


def _run(code_or_args, env_overrides):
    env = {k: v for k, v in os.environ.items() if not k.startswith(_NOT_INHERITED)}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, *code_or_args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_deployment_checklist_passes_with_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"DJANGO_SECRET_KEY": "test-only-secret-key-not-for-production"}, "ops.E001"),
        ({"DJANGO_SECRET_KEY": "django-insecure-abc"}, "ops.E001"),
        ({"PSEUDONYM_KEY": ""}, "PSEUDONYM_KEY must be set"),
        ({"PSEUDONYM_KEY": "changeme"}, "PSEUDONYM_KEY must be set"),
        ({"PSEUDONYM_KEY": "changeme-changeme-changeme-changeme-42"}, "ops.E002"),
        ({"DATABASE_URL": "postgres://portefolje@db.internal:5432/portefolje"}, "ops.E003"),
    ],
)
def test_the_web_process_refuses_to_start_with_a_missing_or_default_secret(override, message):
    env = {**PRODUCTION_ENV, **override}
    if override.get("PSEUDONYM_KEY") == "":
        del env["PSEUDONYM_KEY"]
    result = _run(["-c", "import config.wsgi"], env)
    assert result.returncode != 0
    assert message in result.stderr
    assert (
        "Refusing to start in production" in result.stderr
        or "ImproperlyConfigured" in result.stderr
    )
    assert env.get("DJANGO_SECRET_KEY") not in result.stderr  # the secret is never echoed


@pytest.mark.parametrize(
    "base_url", [None, "http://127.0.0.1:8000", "https://localhost", "http://kliniskestudier.no"]
)
def test_the_web_process_refuses_to_start_without_a_public_https_address_for_links(base_url):
    """A production install must not send sponsors links to the machine it runs on."""
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "PUBLIC_BASE_URL"}
    if base_url:
        env["PUBLIC_BASE_URL"] = base_url
    result = _run(["-c", "import config.wsgi"], env)
    assert result.returncode != 0
    assert "ops.E009" in result.stderr and "PUBLIC_BASE_URL" in result.stderr


def test_the_web_process_starts_with_proper_secrets():
    result = _run(["-c", "import config.wsgi"], PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr


def test_the_demo_may_run_without_two_factor_only_by_a_named_switch():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {**PRODUCTION_ENV, "DEMO_WITHOUT_2FA": "1"},
    )
    assert result.returncode != 0 and "DEMO_WITHOUT_2FA" in result.stderr + result.stdout
