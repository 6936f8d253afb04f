"""System checks for what must hold in production (``manage.py check --deploy``).

The web process (config/wsgi.py) and the Celery worker run them at start and refuse to start on an
error, so a missing or default secret can never reach a running production system.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

# Values that appear in this repository, its docs or its tests: never accepted in production.
KNOWN_DEFAULTS = {
    "",
    "test",
    "changeme",
    "change-me",
    "secret",
    "test-only-secret-key-not-for-production",
    "demo",
}


def _is_default(value: str | None) -> bool:
    if value is None or value.strip().lower() in KNOWN_DEFAULTS:
        return True
    lowered = value.lower()
    return any(marker in lowered for marker in _DEFAULT_MARKERS)


# Words that only example, test or development secrets contain.
_DEFAULT_MARKERS = ("insecure", "changeme", "change-me", "example", "test-only", "development-")


@checks.register(checks.Tags.security, deploy=True)
def check_production_secrets(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if settings.DEBUG:
        return []
    errors = []
    if _is_default(settings.SECRET_KEY):
        errors.append(
            checks.Error(
                "DJANGO_SECRET_KEY is a default or example value.",
                hint="Set a long random value (python -c 'import secrets; print(secrets.token_urlsafe(50))').",
                id="ops.E001",
            )
        )
    # Missing or short keys already stop config.settings; this catches example values.
    pseudonym_key = settings.PSEUDONYM_KEY
    if _is_default(pseudonym_key) or (pseudonym_key and len(pseudonym_key) < 32):
        errors.append(
            checks.Error(
                "PSEUDONYM_KEY is missing, too short (under 32 characters) or a default value.",
                hint="Set PSEUDONYM_KEY (or PSEUDONYM_KEY_FILE) to a long random value, kept apart from backups.",
                id="ops.E002",
            )
        )
    database = settings.DATABASES["default"]
    if "postgresql" in database["ENGINE"] and _is_default(database.get("PASSWORD") or None):
        errors.append(
            checks.Error(
                "The PostgreSQL password in DATABASE_URL is missing or a default value.",
                hint="Use postgres://user:password@host:5432/name (or DATABASE_URL_FILE).",
                id="ops.E003",
            )
        )
    if database["ENGINE"].endswith("sqlite3"):
        errors.append(
            checks.Warning(
                "DATABASE_URL is SQLite; production uses PostgreSQL.",
                id="ops.W001",
            )
        )
    if not settings.REQUIRE_2FA:
        errors.append(
            checks.Warning(
                "Two-factor sign-in is switched off (DEMO_WITHOUT_2FA).",
                id="ops.W002",
            )
        )
    return errors


def refuse_unsafe_production() -> None:
    """Run the deployment checks and stop the process on any error (production only)."""
    if settings.DEBUG:
        return
    errors = [
        m
        for m in checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
        if m.is_serious() and not m.is_silenced()
    ]
    if errors:
        raise ImproperlyConfigured(
            "Refusing to start in production:\n" + "\n".join(str(e) for e in errors)
        )
