"""System checks for what must hold in production (``manage.py check --deploy``).

The web process (config/wsgi.py) and the Celery worker run them at start and refuse to start on an
error, so a missing, short or non-production secret can never reach a running production system.

Every secret the settings read is checked the same way (``SECRETS`` below): a value written
anywhere in this repository (``NON_PRODUCTION_SECRETS``), or one containing a word that only test,
bench, development or example values contain (``NON_PRODUCTION_MARKERS``), is refused. Keys must
also be long and varied. tests/config/test_secrets_in_repository.py scans the repository's tracked
files and proves that every value written there is refused.
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

# Every secret value written in this repository, its docs, its benchmarks or its tests (the one
# place to add one; the repository scan fails until it is here or carries a marker below).
NON_PRODUCTION_SECRETS = frozenset(
    {
        "",
        "test",
        "changeme",
        "change-me",
        "secret",
        "password",
        "pass",
        "postgres",
        "admin",
        "root",
        "portefolje",
        "demo",
        "bench",
        "…",
        "test-only-secret-key-not-for-production",
        "test-only-pseudonym-key-0123456789abcdef",
        "test-only-export-pseudonym-key-0123456789abcdef",
        "django-insecure-development-key-only-used-when-DJANGO_DEBUG-is-on",
        "development-pseudonym-key-only-used-when-DJANGO_DEBUG-is-on",
        "development-export-pseudonym-key-only-used-when-DJANGO_DEBUG-is-on",
        "bench-pseudonym-key-0123456789abcdef0123",
        "bench-export-key-0123456789abcdef0123",
        "bench-only-pseudonym-key-not-a-secret-0123",
        "bench-only-export-pseudonym-key-not-a-secret",
        "bench-password",
        "a-production-like-secret-key-for-this-test",
        "another-key-another-key-another-key-!",
        "unused-with-trust-auth",
    }
)

# Words that only test, bench, development or example values contain (compared in lower case).
NON_PRODUCTION_MARKERS = (
    "test",
    "bench",
    "development",
    "dev-",
    "example",
    "demo",
    "changeme",
    "change-me",
    "insecure",
    "not-a-secret",
    "not-for-production",
)

KEY_MIN_LENGTH = 32
KEY_MIN_DISTINCT_CHARACTERS = 8


@dataclass(frozen=True, kw_only=True)
class Secret:
    """One secret setting: the environment variable that sets it and how to read it."""

    name: str
    check_id: str
    read: Callable[[], str | None]
    is_key: bool  # a key we generate (long and random), not a password given by another system
    hint: str
    optional: bool = False  # checked only when set (a password inside a URL, an SMTP password)


def secret_refusal_reason(*, value: str | None, is_key: bool) -> str | None:
    """Why ``value`` may not be a production secret, or None if it may. Never echoes the value."""
    if value is None or value.strip().lower() in _NON_PRODUCTION_LOWER:
        return "is missing or a value written in this repository"
    lowered = value.lower()
    if any(marker in lowered for marker in NON_PRODUCTION_MARKERS):
        return "contains a word that only test, bench, development or example values contain"
    if is_key and len(value) < KEY_MIN_LENGTH:
        return f"is shorter than {KEY_MIN_LENGTH} characters"
    if is_key and len(set(value)) < KEY_MIN_DISTINCT_CHARACTERS:
        return f"has fewer than {KEY_MIN_DISTINCT_CHARACTERS} different characters"
    return None


_NON_PRODUCTION_LOWER = frozenset(v.lower() for v in NON_PRODUCTION_SECRETS)


def _url_password(url: str | None) -> str | None:
    """The password inside a service URL (``scheme://user:password@host``), None if it has none."""
    if not url:
        return None
    try:
        return urlsplit(url).password or None
    except ValueError:
        return None


def _database_password() -> str | None:
    return settings.DATABASES["default"].get("PASSWORD") or None


_KEY_HINT = "Generate one with: python -c 'import secrets; print(secrets.token_hex(32))'."
SECRETS: tuple[Secret, ...] = (
    Secret(
        name="DJANGO_SECRET_KEY",
        check_id="ops.E001",
        read=lambda: settings.SECRET_KEY,
        is_key=True,
        hint="Set DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) to a long random value. "
        + _KEY_HINT,
    ),
    Secret(
        name="PSEUDONYM_KEY",
        check_id="ops.E002",
        read=lambda: settings.PSEUDONYM_KEY,
        is_key=True,
        hint="Set PSEUDONYM_KEY (or PSEUDONYM_KEY_FILE) to a long random value, kept apart from "
        "backups. " + _KEY_HINT,
    ),
    Secret(
        name="EXPORT_PSEUDONYM_KEY",
        check_id="ops.E004",
        read=lambda: settings.EXPORT_PSEUDONYM_KEY,
        is_key=True,
        hint="Set EXPORT_PSEUDONYM_KEY (or EXPORT_PSEUDONYM_KEY_FILE) to a long random value, "
        "different from PSEUDONYM_KEY. " + _KEY_HINT,
    ),
    Secret(
        name="EMAIL_HOST_PASSWORD",
        optional=True,
        check_id="ops.E005",
        read=lambda: settings.EMAIL_HOST_PASSWORD or None,
        is_key=False,
        hint="Use the SMTP password from the vault (or EMAIL_HOST_PASSWORD_FILE), or leave it unset.",
    ),
    Secret(
        name="CACHE_URL",
        optional=True,
        check_id="ops.E006",
        read=lambda: _url_password(settings.CACHE_URL),
        is_key=False,
        hint="Use the Redis password from the vault in CACHE_URL (or CACHE_URL_FILE).",
    ),
    Secret(
        name="CELERY_BROKER_URL",
        optional=True,
        check_id="ops.E007",
        read=lambda: _url_password(settings.CELERY_BROKER_URL),
        is_key=False,
        hint="Use the Redis password from the vault in CELERY_BROKER_URL (or CELERY_BROKER_URL_FILE).",
    ),
    Secret(
        name="DATABASE_REPLICA_URL",
        optional=True,
        check_id="ops.E010",
        read=lambda: _url_password(settings.DATABASE_REPLICA_URL or None),
        is_key=False,
        hint="Use the replica's PostgreSQL password from the vault in DATABASE_REPLICA_URL "
        "(or DATABASE_REPLICA_URL_FILE).",
    ),
    Secret(
        name="CELERY_RESULT_BACKEND",
        optional=True,
        check_id="ops.E008",
        read=lambda: _url_password(settings.CELERY_RESULT_BACKEND),
        is_key=False,
        hint="Use the Redis password from the vault in CELERY_RESULT_BACKEND.",
    ),
)


@checks.register(checks.Tags.security, deploy=True)
def check_production_secrets(app_configs, **kwargs) -> list[checks.CheckMessage]:
    if settings.DEBUG:
        return []
    errors: list[checks.CheckMessage] = []
    for secret in SECRETS:
        value = secret.read()
        if value is None and secret.optional:
            continue
        reason = secret_refusal_reason(value=value, is_key=secret.is_key)
        if reason:
            errors.append(
                checks.Error(
                    f"{secret.name} {reason}; it may not be used in production.",
                    hint=secret.hint,
                    id=secret.check_id,
                )
            )
    database = settings.DATABASES["default"]
    if "postgresql" in database["ENGINE"]:
        reason = secret_refusal_reason(value=_database_password(), is_key=False)
        if reason:
            errors.append(
                checks.Error(
                    f"The PostgreSQL password in DATABASE_URL {reason}.",
                    hint="Use postgres://user:password@host:5432/name (or DATABASE_URL_FILE) "
                    "with the password from the vault.",
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
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None) and not settings.TRUSTED_PROXY_COUNT:
        errors.append(
            checks.Warning(
                "DJANGO_BEHIND_TLS_PROXY is on but TRUSTED_PROXY_COUNT is 0: rate limits, "
                "lockouts and the security log see every client as the proxy's address.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front (usually 1).",
                id="ops.W003",
            )
        )
    return errors


_LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "testserver"}  # noqa: S104 (a name, not a bind)


@checks.register(checks.Tags.security, deploy=True)
def check_public_base_url(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Links in e-mails to sponsors, sites and coordinators are built on PUBLIC_BASE_URL: in
    production it must be the public https address, never a local one."""
    if settings.DEBUG:
        return []
    url = urlsplit(settings.PUBLIC_BASE_URL)
    if url.scheme == "https" and url.hostname and url.hostname not in _LOCAL_HOSTS:
        return []
    return [
        checks.Error(
            f"PUBLIC_BASE_URL is {settings.PUBLIC_BASE_URL or 'not set'}; e-mails would carry "
            "links nobody outside this machine can open.",
            hint="Set PUBLIC_BASE_URL to the public https address, e.g. https://kliniskestudier.no",
            id="ops.E009",
        )
    ]


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
