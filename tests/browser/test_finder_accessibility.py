"""The study finder in a real browser: WCAG 2.1 AA by axe-core, phone width, no JavaScript."""

import pytest

from tests.factories import StudySiteFactory, hf
from trials.models import Study, StudySite

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def studies(reference_data):
    heart = StudySiteFactory(
        study__lay_title_nb="Ny behandling av hjertesvikt",
        study__lay_summary_nb="Vi prøver ut en ny medisin.\nDu får vanlig oppfølging i tillegg.",
        study__conditions="Hjertesvikt",
        study__min_age=40,
        study__max_age=80,
        study__hrcs=["03"],
        contact_name="Studiesykepleier Kari",
        contact_email="studie@example.org",
        contact_phone="55 97 50 00",
    ).study
    StudySiteFactory(study=heart, organisation=hf("Nord-Norge"), status=StudySite.Status.PLANNED)
    StudySiteFactory(
        study__lay_title_nb="Avsluttet studie om astma",
        study__status=Study.Status.CLOSED,
        status=StudySite.Status.CLOSED,
    )
    return heart


def axe_violations(page, axe_source: str) -> list[dict]:
    # The page's CSP forbids inline scripts; axe is evaluated as the test's own code instead
    # (the CSP itself is tested in test_security_headers.py).
    page.evaluate(axe_source)
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]


@pytest.mark.parametrize("width", [1280, 360])
@pytest.mark.parametrize("lang", ["nb", "nn", "en"])
def test_list_and_study_pages_have_no_wcag_violations(
    browser, axe_source, live_server, studies, lang, width
):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    urls = [
        f"/?lang={lang}",
        f"/?lang={lang}&q=hjertesvikt&open=on&age=50&region=helse-vest",
        f"/?lang={lang}&q=sukkersyke&sex=female&phase=3&category=kbs"
        "&healthy_volunteers=on&decentralised=on&municipality=4601",
        f"/?lang={lang}&q=finnesikke",  # no hits: the suggestions
        f"/?lang={lang}&age=-4",  # a field error
        f"/studier/{studies.public_id}/?lang={lang}&sok=q%3Dhjertesvikt",
        f"/studier/KS00000000/?lang={lang}",  # gone: the designed 404
    ]
    for url in urls:
        page.goto(f"{live_server.url}{url}")
        assert axe_violations(page, axe_source) == [], url
        assert page.evaluate("document.documentElement.scrollWidth") <= max(width, 360), url
    context.close()


@pytest.mark.parametrize("lang", ["nn", "en"])
def test_text_shown_in_bokmal_on_other_languages_is_marked_as_bokmal(
    browser, live_server, studies, lang
):
    page = browser.new_page()
    page.goto(f"{live_server.url}/studier/{studies.public_id}/?lang={lang}")
    assert page.evaluate("document.documentElement.lang") == lang
    heading = page.get_by_role("heading", level=1)
    assert heading.get_attribute("lang") == "nb"
    summary = page.get_by_text("Vi prøver ut en ny medisin.")
    assert summary.evaluate("node => node.closest('[lang]').lang") == "nb"
    assert page.locator(".fallback-note").first.is_visible()
    page.close()


def test_search_works_on_a_phone_without_javascript(browser, live_server, studies):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, java_script_enabled=False, is_mobile=True
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    page.get_by_label("Søk etter sykdom, behandling eller stikkord").fill("hjertesvikt")
    page.get_by_label("Bare studier som tar inn deltakere nå").check()
    page.get_by_role("button", name="Søk").click()
    page.wait_for_load_state()
    assert "q=hjertesvikt" in page.url
    page.get_by_role("link", name="Ny behandling av hjertesvikt").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Ny behandling av hjertesvikt"
    assert page.get_by_role("link", name="studie@example.org").is_visible()
    # The sites on a map drawn by the page itself: the outline comes from this server.
    site_map = page.get_by_role("img", name="Kart over Norge med 2 studiesteder")
    assert site_map.is_visible() and site_map.locator("circle").count() == 2
    outline = site_map.locator("image").get_attribute("href")
    assert (
        page.request.get(f"{live_server.url}{outline}").headers["content-type"] == "image/svg+xml"
    )
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


def test_keyboard_users_can_skip_to_the_content(browser, live_server, studies):
    page = browser.new_page()
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Hopp til innholdet"
    page.close()


def test_the_axe_check_does_catch_violations(browser, axe_source):
    page = browser.new_page()
    page.set_content('<html><body><img src="x.png"><input type="text"></body></html>')
    assert {"image-alt", "label"} <= {v["id"] for v in axe_violations(page, axe_source)}
    page.close()
