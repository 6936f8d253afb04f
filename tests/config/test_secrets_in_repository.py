"""No secret written in this repository starts production.

The repository's tracked files are scanned for every value given to a secret setting (Makefile,
bench/, .ci/, README, tests, settings): each must be refused by the production checks, which the
web process and the worker run at start (sites/operations/checks.py). A new value that is neither
in ``NON_PRODUCTION_SECRETS`` nor carries a marker such as ``test`` fails this test.
"""

import re
import secrets
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from sites.operations.checks import (
    NON_PRODUCTION_MARKERS,
    SECRETS,
    check_production_secrets,
    secret_refusal_reason,
)
from tests.sites.operations.test_production_settings import PRODUCTION_ENV, _run

ROOT = Path(__file__).resolve().parents[2]

KEY_SETTINGS = {  # environment variable -> Django setting
    "DJANGO_SECRET_KEY": "SECRET_KEY",
    "PSEUDONYM_KEY": "PSEUDONYM_KEY",
    "EXPORT_PSEUDONYM_KEY": "EXPORT_PSEUDONYM_KEY",
}
PASSWORD_NAMES = ("EMAIL_HOST_PASSWORD",)
# An assignment to a key or password, under its environment or settings name (a prefix such as
# ``_DEV_`` counts): ``NAME=value``, ``NAME = "value"``, ``"NAME": "value"``, ``("NAME", "value")``.
_NAMES = "|".join(sorted({*KEY_SETTINGS, *KEY_SETTINGS.values(), *PASSWORD_NAMES}, key=len)[::-1])
_ASSIGNMENT = re.compile(
    r"(?<![A-Za-z0-9])[A-Z0-9_]*?(?P<name>" + _NAMES + r")(?![A-Za-z0-9_])"
    r"(?P<op>[\"']?[ \t]*(?<![=!<>])=(?!=)|[\"'][ \t]*[:,])[ \t]*(?P<rest>[^\n]*)"
)
# A password inside a service URL: scheme://user:password@host.
_URL_PASSWORD = re.compile(
    r"\b(?:postgres(?:ql)?|redis|rediss|amqp|smtp)://[^:/@\s'\"]*:(?P<password>[^@\s/'\"]+)@"
)
_SHELL_EXPANSION = re.compile(r"\$\([^)]*\)|\$\{[^}]*\}|\$\w+")
_SKIPPED_SUFFIXES = {".lock", ".png", ".jpg", ".ico", ".gz", ".zip", ".sqlite3", ".dump", ".woff2"}


@dataclass(frozen=True)
class Found:
    where: str
    name: str
    value: str
    is_key: bool


def _random_part() -> str:
    return secrets.token_hex(20)


def _quoted_value(rest: str) -> str | None:
    """The value of a quoted literal, as the code builds it (``"x" * 40``, ``"abc-" + …``)."""
    prefix = ""
    if rest[:1] in "fFrRbB" and rest[1:2] in "\"'":
        prefix, rest = rest[0].lower(), rest[1:]
    quote = rest[0]
    end = rest.find(quote, 1)
    if end < 0:
        return None
    value, after = rest[1:end], rest[end + 1 :].lstrip()
    if prefix == "f":
        value = re.sub(r"\{[^}]*\}", _random_part(), value)
    repeat = re.match(r"\*\s*(\d+)", after)
    if repeat:
        return value * int(repeat.group(1))
    if after.startswith("+"):
        return value + _random_part()  # the rest is computed: the worst case is random
    return value


def _unquoted_value(rest: str) -> str | None:
    """A shell or Makefile value; ``$(…)`` and ``${…}`` are random at run time."""
    rest = _SHELL_EXPANSION.sub(_random_part(), rest)
    token = re.match(r"[^\s\\,;|`'\"()\[\]{}]+", rest)
    if token is None:
        return None
    value = token.group(0)
    following = rest[len(value) : len(value) + 1]
    if following in ("(", "[", ".") or re.fullmatch(r"[A-Za-z_][\w.]*\.[\w.]+", value):
        return None  # Python code (a call, an attribute): not a written value
    return value


def _tracked_text_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split("\0")
    files = []
    for name in filter(None, listed):
        path = ROOT / name
        if path.suffix in _SKIPPED_SUFFIXES or "/migrations/" in name or not path.is_file():
            continue
        if path == Path(__file__).resolve():
            continue  # this scan names the settings, it gives them no value
        files.append(path)
    return files


def repository_secret_values() -> list[Found]:
    """Every value the repository's tracked files give to a key or password."""
    found: list[Found] = []
    for path in _tracked_text_files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        where = str(path.relative_to(ROOT))
        for line_number, line in enumerate(text.splitlines(), 1):
            at = f"{where}:{line_number}"
            position = 0
            while match := _ASSIGNMENT.search(line, position):
                position = match.end("op")  # the value may hold the next assignment
                rest = match.group("rest").strip()
                if not rest:
                    continue
                quoted = rest[:1] in "\"'" or (rest[:1] in "fFrRbB" and rest[1:2] in "\"'")
                if quoted:
                    value = _quoted_value(rest)
                elif path.suffix == ".py" and match.group("op") != "=":
                    continue  # Python code naming a variable; only NAME=value is written text
                else:
                    value = _unquoted_value(rest)
                if value is None:
                    continue
                name = match.group("name")
                found.append(Found(at, name, value, is_key=name not in PASSWORD_NAMES))
            for match in _URL_PASSWORD.finditer(line):
                password = match.group("password")
                if "{" in password or "$" in password:
                    continue  # filled in at run time
                found.append(Found(at, "URL password", password, is_key=False))
    return found


FOUND = repository_secret_values()
KEY_VALUES = sorted({f.value for f in FOUND if f.is_key})
# An empty password is no password (SMTP without sign-in), not a secret.
PASSWORD_VALUES = sorted({f.value for f in FOUND if not f.is_key and f.value})


def test_the_scan_finds_the_values_written_in_the_makefile_bench_and_tests():
    wheres = {f.where.split(":")[0] for f in FOUND}
    assert "Makefile" in wheres and "README.md" in wheres
    assert any(w.startswith("bench/") for w in wheres)
    assert any(w.startswith("tests/") for w in wheres)
    assert "test-only-export-pseudonym-key-0123456789abcdef" in KEY_VALUES
    assert "bench-export-key-0123456789abcdef0123" in KEY_VALUES
    assert "bench-password" in PASSWORD_VALUES
    assert len(KEY_VALUES) >= 10, KEY_VALUES


@pytest.mark.parametrize("found", FOUND, ids=lambda f: f"{f.where}:{f.name}")
def test_every_secret_value_written_in_the_repository_is_refused(found):
    assert secret_refusal_reason(value=found.value, is_key=found.is_key), (
        f"{found.where}: the value given to {found.name} would be accepted in production. Add it "
        "to NON_PRODUCTION_SECRETS in sites/operations/checks.py, or make it contain one of "
        f"{NON_PRODUCTION_MARKERS}."
    )


@pytest.fixture
def production_secrets(settings):
    """Production (DEBUG off) with proper random secrets; each test spoils one."""
    settings.DEBUG = False
    settings.SECRET_KEY = secrets.token_hex(32)
    settings.PSEUDONYM_KEY = secrets.token_hex(32)
    settings.EXPORT_PSEUDONYM_KEY = secrets.token_hex(32)
    settings.EMAIL_HOST_PASSWORD = ""
    settings.CACHE_URL = None
    return settings


def _secret_errors() -> set[str]:
    ids = {secret.check_id for secret in SECRETS}
    return {m.id for m in check_production_secrets(None) if m.is_serious() and m.id in ids}


def test_proper_random_secrets_pass_the_production_checks(production_secrets):
    assert _secret_errors() == set()


@pytest.mark.parametrize("setting", sorted(KEY_SETTINGS.values()))
def test_every_key_written_in_the_repository_is_refused_for_every_key_setting(
    production_secrets, setting
):
    check_id = next(s.check_id for s in SECRETS if KEY_SETTINGS.get(s.name) == setting)
    accepted = []
    for value in KEY_VALUES:
        if setting == "SECRET_KEY" and not value:
            continue  # config.settings (and Django) refuse an empty SECRET_KEY before any check
        setattr(production_secrets, setting, value)
        if check_id not in _secret_errors():
            accepted.append(value)
    assert accepted == []


def test_every_password_written_in_the_repository_is_refused_for_smtp_and_redis(
    production_secrets,
):
    accepted = []
    for value in PASSWORD_VALUES:
        production_secrets.EMAIL_HOST_PASSWORD = value
        production_secrets.CACHE_URL = f"redis://default:{value}@redis.internal:6379/2"
        errors = _secret_errors()
        if not {"ops.E005", "ops.E006"} <= errors:
            accepted.append(value)
    assert accepted == []


@pytest.mark.parametrize(
    "value",
    [
        "my-TEST-key-0123456789abcdef0123456789",
        "BenchKey-0123456789abcdef0123456789abcdef",
        "our-development-key-0123456789abcdef0123",
        "dev-0123456789abcdef0123456789abcdef0123",
        "example-0123456789abcdef0123456789abcdef",
        "demo-0123456789abcdef0123456789abcdef0123",
        "ChangeMe-0123456789abcdef0123456789abcdef",
    ],
)
def test_a_key_with_a_non_production_word_is_refused_whatever_its_case(production_secrets, value):
    production_secrets.EXPORT_PSEUDONYM_KEY = value
    assert "ops.E004" in _secret_errors()


def test_the_settings_read_no_secret_the_checks_leave_out():
    """Every key, secret, password or token the settings read from the environment is checked."""
    source = (ROOT / "config" / "settings.py").read_text(encoding="utf-8")
    read = set(re.findall(r"env_str\(\s*\"([A-Z0-9_]+)\"", source))
    secret_like = {n for n in read if re.search(r"KEY|SECRET|PASSWORD|TOKEN", n)}
    checked = {secret.name for secret in SECRETS}
    assert secret_like and secret_like <= checked, secret_like - checked
    service_urls = {n for n in read if n.endswith("_URL") or n == "CELERY_RESULT_BACKEND"}
    assert service_urls - {"PUBLIC_BASE_URL", "DATABASE_URL"} <= checked  # DATABASE_URL: ops.E003


# The web process itself: a fresh interpreter per value, as gunicorn would start it.
_START_CASES = sorted(
    {(f.name, f.value) for f in FOUND if f.name == "EXPORT_PSEUDONYM_KEY"}
    | {(f.name, f.value) for f in FOUND if f.where.startswith("bench/") and f.is_key}
)
_ENV_NAME = {"SECRET_KEY": "DJANGO_SECRET_KEY"}


@pytest.mark.parametrize(("name", "value"), _START_CASES)
def test_the_web_process_refuses_to_start_with_a_key_from_the_repository(name, value):
    env_name = _ENV_NAME.get(name, name)
    result = _run(["-c", "import config.wsgi"], {**PRODUCTION_ENV, env_name: value})
    assert result.returncode != 0
    assert env_name in result.stderr
    assert "Refusing to start in production" in result.stderr or "ImproperlyConfigured" in (
        result.stderr
    )
    if len(value) >= 8:
        assert value not in result.stderr  # the secret is never echoed


def test_the_deployment_check_fails_with_the_test_export_key_of_the_makefile():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    value = re.search(r"EXPORT_PSEUDONYM_KEY=(\S+)", makefile).group(1)
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {**PRODUCTION_ENV, "EXPORT_PSEUDONYM_KEY": value},
    )
    assert result.returncode != 0
    assert "ops.E004" in result.stdout + result.stderr
