"""The sponsor's tokenised outcome page in a real browser: filled in, sent, confirmed; WCAG 2.1 AA
by axe-core before and after, and on the page with an error."""

import pytest

from config.celery import app
from tests.trials.industry.factories import compiled_feasibility_request
from trials.industry.models import FeasibilityRequest

from .test_finder_accessibility import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def compiled(reference_data, settings):
    """A request compiled and sent to the sponsor: Bergen yes, Stavanger maybe, UNN no."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    eager, app.conf.task_always_eager = app.conf.task_always_eager, True  # no stray queued mail
    request = compiled_feasibility_request()
    yield request
    app.conf.task_always_eager = eager


def test_the_sponsor_reports_the_outcome_and_sees_the_confirmation(
    browser, axe_source, live_server, compiled
):
    page = browser.new_page()
    page.goto(f"{live_server.url}/feasibility/outcome/{compiled.outcome_token}/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        f"Feasibility request {compiled.public_id}"
    )
    assert axe_violations(page, axe_source) == []
    # Only the sites that answered yes or maybe can be chosen.
    assert page.get_by_role("checkbox").count() == 2
    assert page.get_by_label("Universitetssykehuset Nord-Norge", exact=False).count() == 0

    # Sent without a rating: the browser asks for one first (the radios are required) ...
    page.get_by_label("Helse Bergen HF (yes, 25 eligible patients a year)").check()
    page.get_by_role("button", name="Send outcome").click()
    assert page.locator("input[name=satisfaction]:invalid").count() == 5
    # ... and a browser that does not check gets the server's error, with what was ticked kept.
    page.evaluate("document.querySelector('main form').noValidate = true")
    page.get_by_role("button", name="Send outcome").click()
    page.wait_for_load_state()
    assert page.get_by_text("Please rate the process from 1 to 5.").is_visible()
    assert page.get_by_label("Helse Bergen HF (yes, 25 eligible patients a year)").is_checked()
    assert axe_violations(page, axe_source) == []

    page.get_by_label("4", exact=True).check()
    page.get_by_label("Comment (optional)").fill("Quick and clear answers.")
    page.get_by_role("button", name="Send outcome").click()
    page.wait_for_load_state()
    status = page.get_by_role("status")
    assert "Your outcome was recorded" in status.inner_text()
    assert "rating 4 of 5" in status.inner_text()
    assert axe_violations(page, axe_source) == []
    page.close()

    compiled.refresh_from_db()
    assert compiled.outcome == FeasibilityRequest.Outcome.SELECTED
    assert (compiled.satisfaction, compiled.satisfaction_comment) == (4, "Quick and clear answers.")
    chosen = dict(compiled.responses.values_list("organisation__name", "selected"))
    assert chosen["Helse Bergen HF"] is True and chosen["Helse Stavanger HF"] is False


def test_a_wrong_token_is_not_found(browser, live_server, compiled):
    page = browser.new_page()
    response = page.goto(f"{live_server.url}/feasibility/outcome/not-a-token/")
    assert response.status == 404
    page.close()


PAGE_TEXTS = {
    "en": ("Send outcome", "Please rate the process from 1 to 5.", "Your outcome was recorded"),
    "nb": ("Send utfall", "Vurder prosessen fra 1 til 5.", "Utfallet ble registrert"),
}


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("lang", ["en", "nb"])
def test_the_outcome_page_in_the_sites_design_passes_axe_in_both_languages(
    browser, axe_source, live_server, compiled, lang, width
):
    send, error, recorded = PAGE_TEXTS[lang]
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()

    def looks_right() -> None:
        assert page.evaluate("document.documentElement.lang") == lang
        # The public site's header with its language switch, and the main landmark.
        switch = page.get_by_role("banner").get_by_role("navigation")
        assert switch.locator("[aria-current=true]").get_attribute("lang") == lang
        assert page.get_by_role("main").count() == 1
        assert axe_violations(page, axe_source) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.goto(f"{live_server.url}/feasibility/outcome/{compiled.outcome_token}/?lang={lang}")
    looks_right()
    # A browser that does not check the required radios gets the server's error, read out with
    # the radios it belongs to.
    page.evaluate("document.querySelector('main form').noValidate = true")
    page.get_by_role("button", name=send).click()
    page.wait_for_load_state()
    radio = page.get_by_role("radio", name="1", exact=True)
    described_by = radio.get_attribute("aria-describedby")
    assert page.locator(f"#{described_by}").inner_text() == error
    looks_right()

    page.get_by_label("4", exact=True).check()
    page.get_by_role("button", name=send).click()
    page.wait_for_load_state()
    assert recorded in page.get_by_role("status").inner_text()
    looks_right()
    context.close()
