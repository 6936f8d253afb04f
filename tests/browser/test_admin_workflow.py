"""The portfolio admin in a real browser: a coordinator's everyday round, and axe-core on it.

A coordinator of Helse Vest signs in (password only: tests switch the second factor off, see
tests/conftest.py), filters the study list by a data-quality flag, opens a study, changes a site in
the inline, saves with a reason, and finds the change and the reason in the history.
"""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from tests.factories import StudyFactory, StudySiteFactory, hf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PASSWORD = "pw-for-tests-only-1"

# Violations in Django admin's own markup, not in our templates or forms, each with why it is left
# to Django: (axe rule, text in the node's CSS selector) → reason.
DJANGO_ADMIN_MARKUP = {
    ("aria-input-field-name", "select2"): (
        "Django's autocomplete widget (vendored Select2) names its combobox by the selected text, "
        "so it has no name while empty; the <select> it replaces is labelled."
    ),
    ("aria-prohibited-attr", "help-tooltip"): (
        "Django's filter_horizontal widget (SelectFilter2.js) puts aria-label on a plain <span> "
        "icon; the filter input next to it is labelled."
    ),
    ("link-in-text-block", ".breadcrumbs"): (
        "Django admin's breadcrumbs are told apart by colour only (admin CSS); they are a "
        "navigation trail in their own bar, not links inside running text."
    ),
}


@pytest.fixture
def portfolio(reference_data):
    today = timezone.localdate()
    late = StudySiteFactory(
        study__lay_title_nb="Hjertesvikt i Vest",
        study__planned_recruitment_end_on=today - dt.timedelta(days=10),
        organisation=hf("Bergen"),
        contact_name="Studiesykepleier Kari",
    ).study
    StudySiteFactory(study__lay_title_nb="Astma i Vest", organisation=hf("Stavanger"))
    StudyFactory(lay_title_nb="Nord-studien", responsible_organisation=hf("Nord-Norge"))
    return late


def axe_violations(page, axe_source: str) -> list[dict]:
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    found = []
    for violation in result["violations"]:
        nodes = [
            node["target"]
            for node in violation["nodes"]
            if not any(
                rule == violation["id"] and text in str(node["target"])
                for rule, text in DJANGO_ADMIN_MARKUP
            )
        ]
        if nodes:
            found.append({"id": violation["id"], "help": violation["help"], "nodes": nodes})
    return found


def coordinator_page(browser):
    """A Norwegian desktop browser; CSP bypassed only so that axe-core can be injected."""
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="nb-NO", bypass_csp=True
    )
    return context.new_page()


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/admin/login/?next=/admin/trials/study/")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


def test_coordinator_edits_a_site_with_a_reason_and_sees_it_in_history(
    browser, axe_source, live_server, portfolio, coordinator_vest
):
    page = coordinator_page(browser)
    sign_in(page, live_server.url, "koordinator-vest")
    assert page.url.endswith("/admin/trials/study/")
    assert "Nord-studien" not in page.content()
    shots = os.environ.get("ADMIN_SCREENSHOT_DIR")
    if shots:
        page.screenshot(path=str(Path(shots) / "changelist.png"), full_page=True)
    assert axe_violations(page, axe_source) == []

    # The flag a coordinator works through comes first in the filter panel.
    page.get_by_role("link", name="Rekrutterer etter planlagt sluttdato").click()
    page.wait_for_load_state()
    assert "flag=recruiting_past_end" in page.url
    assert "Astma i Vest" not in page.content()
    assert axe_violations(page, axe_source) == []

    page.get_by_role("link", name="Hjertesvikt i Vest").click()
    page.wait_for_load_state()
    if shots:
        page.screenshot(path=str(Path(shots) / "change_form.png"), full_page=True)
        page.locator("#sites-group").screenshot(path=str(Path(shots) / "sites_inline.png"))
    assert axe_violations(page, axe_source) == []

    # Edit the site inline, and say why, right above the save buttons.
    contact = page.get_by_role("textbox", name="kontaktperson")
    assert contact.input_value() == "Studiesykepleier Kari"
    contact.fill("Studiesykepleier Ola")
    page.get_by_label("Begrunnelse for endringen").fill("Ny kontaktperson ved Haukeland")
    page.get_by_role("button", name="Lagre", exact=True).click()
    page.wait_for_load_state()
    assert "/admin/trials/study/?" in page.url, page.url
    assert "ble endret" in page.locator(".messagelist").inner_text()

    page.goto(f"{live_server.url}/admin/trials/study/{portfolio.pk}/history/")
    sites = page.get_by_role("region", name="Endringer i studiestedene").inner_text()
    assert "Ny kontaktperson ved Haukeland" in sites
    assert "koordinator-vest" in sites
    assert "Studiesykepleier Kari → Studiesykepleier Ola" in sites
    assert axe_violations(page, axe_source) == []
    page.context.close()
