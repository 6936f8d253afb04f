"""Headless Chromium (Debian package) driven by Playwright, with axe-core from npm.

Skipped with a reason when Chromium or axe-core is missing locally; in CI (CI=true) that is a
failure instead. `.ci/browsers` installs both.
"""

import os
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # A public-looking host name for the live server (some pages behave differently on localhost).
    "--host-resolver-rules=MAP portefolje.test 127.0.0.1",
]


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium, or run .ci/browsers)"
    if not AXE.exists():
        return "axe-core not installed (cd tests/browser && npm ci, or run .ci/browsers)"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _missing()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"Browser tests must run in CI: {reason}")
        pytest.skip(reason)
    # Playwright's sync API runs an event loop in this thread; the Django ORM calls made by
    # fixtures around it are ordinary synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield NorwegianBrowser(chromium)
        chromium.close()


class NorwegianBrowser:
    """The browser as the coordinators have it: its pages ask for Bokmål (the admin honours the
    browser's language), unless a test names another locale."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def new_context(self, **options: Any) -> Any:
        options.setdefault("locale", "nb-NO")
        return self._browser.new_context(**options)

    def new_page(self, **options: Any) -> Any:
        options.setdefault("locale", "nb-NO")
        return self._browser.new_page(**options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8")
