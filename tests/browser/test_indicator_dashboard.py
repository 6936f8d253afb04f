"""The indicator dashboard in a real browser for a regional coordinator: every indicator with its
SVG trend chart, readable at a laptop width; a screenshot is kept for a person to look at.

Set ``SCREENSHOT_DIR`` to keep the PNG (the test always takes it and checks it is not blank)."""

import os
import shutil
from pathlib import Path

import pytest
from django.test import Client

from indicators import services
from indicators.catalogue import CATALOGUE
from indicators.periods import Period
from tests.indicators.conftest import world  # noqa: F401 - the hand-made portfolio

from .test_finder_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OCTOBER = Period.month(2026, 10)
MONTHS = 12


@pytest.fixture
def computed(world):  # noqa: F811
    period = OCTOBER
    for _ in range(MONTHS):
        services.snapshots_compute(period=period)
        period = period.previous()
    return world


def _signed_in(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def test_the_coordinator_dashboard_renders_trend_charts_readably(
    browser, axe_source, live_server, computed, coordinator_vest, tmp_path
):
    context = _signed_in(browser, live_server, coordinator_vest)
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/indicators/indicator/oversikt/?period=2026-10")
    assert page.get_by_role("heading", name="Indikatoroversikt").is_visible()
    assert "Helse Vest" in page.inner_text("#content")
    charts = page.locator("svg.sparkline")
    # The monthly computed ones; manual ones say "ingen data", annual ones are charted by year.
    monthly = [d for d in CATALOGUE.values() if d.compute and not d.annual_only]
    assert charts.count() >= len(monthly) // 2
    # Every chart is drawn (has a size on screen) and names itself for screen readers.
    box = charts.first.bounding_box()
    assert box["width"] >= 200 and box["height"] >= 40
    assert charts.first.get_attribute("aria-label").startswith("Utvikling")
    # Nothing runs off the right edge of the page at laptop width.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    png = tmp_path / "indicator-dashboard.png"
    page.screenshot(path=str(png), full_page=True)
    assert png.stat().st_size > 50_000  # a blank page compresses to a few kB
    if os.environ.get("SCREENSHOT_DIR"):
        shutil.copy(png, Path(os.environ["SCREENSHOT_DIR"]) / png.name)
        page.screenshot(
            path=str(Path(os.environ["SCREENSHOT_DIR"]) / "indicator-dashboard-top.png")
        )
    assert axe_violations(page, axe_source) == []

    context.close()
