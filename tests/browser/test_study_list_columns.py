"""The study list on a 1366 × 768 laptop: every column on screen, identifiers, category and phase
visible, studies with the same lay title told apart, and «Vis alle» showing the whole scope."""

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from tests.browser.test_admin_workflow import sign_in
from tests.factories import StudyFactory, StudySiteFactory, hf
from trials.models import Study

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SAME_TITLE = "Behandling av hjertesvikt hos eldre"


@pytest.fixture
def laptop_portfolio(reference_data):
    today = timezone.localdate()
    bergen, stavanger = hf("Bergen"), hf("Stavanger")
    twins = [
        StudyFactory(
            lay_title_nb=SAME_TITLE,
            rek_number="2023/4411",
            nct_id="NCT05123456",
            eu_ct_number="2023-504411-22-00",
            responsible_organisation=bergen,
        ),
        StudyFactory(
            lay_title_nb=SAME_TITLE,
            rek_number="654321",
            nct_id="NCT04999888",
            category=Study.Category.OBSERVATIONAL,
            phase=Study.Phase.NOT_APPLICABLE,
            responsible_organisation=stavanger,
            planned_recruitment_end_on=today - dt.timedelta(days=5),  # a flag
        ),
    ]
    for study in twins:
        StudySiteFactory(study=study)
    for n in range(14):
        study = StudyFactory(
            lay_title_nb=f"Tidlig behandling av sykdom nummer {n} i Helse Vest, en lengre tittel",
            rek_number=f"2024/{1000 + n}",
            nct_id=f"NCT0{6000000 + n}",
            phase=Study.Phase.PHASE_2,
            lay_nb_reviewed_at=timezone.now(),  # no flag: most studies have none
        )
        StudySiteFactory(study=study)
    return twins


def _laptop_page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="nb-NO")
    return context.new_page()


def _column_boxes(page) -> dict:
    return page.evaluate(
        """() => {
            const boxes = {};
            for (const th of document.querySelectorAll('#result_list thead th')) {
                const r = th.getBoundingClientRect();
                boxes[th.innerText.trim().toLowerCase()] = [r.left, r.right];
            }
            const results = document.querySelector('#changelist-form .results');
            return {
                boxes,
                tableOverflow: results.scrollWidth - results.clientWidth,
                visibleRight: results.getBoundingClientRect().right,
                scrollWidth: document.documentElement.scrollWidth,
                width: window.innerWidth,
                height: window.innerHeight,
                rowsInView: [...document.querySelectorAll('#result_list tbody tr')]
                    .filter(tr => tr.getBoundingClientRect().bottom <= window.innerHeight).length,
            };
        }"""
    )


def test_list_columns_fit_a_laptop_screen_with_identifiers_category_and_phase(
    browser, live_server, laptop_portfolio, coordinator_vest
):
    page = _laptop_page(browser)
    sign_in(page, live_server.url, "koordinator-vest")
    shots = os.environ.get("ADMIN_SCREENSHOT_DIR")
    if shots:
        page.screenshot(path=str(Path(shots) / "changelist_1366.png"))
    seen = _column_boxes(page)
    # No sideways scrolling, of the page or of the table inside it: every column is on screen.
    assert seen["scrollWidth"] <= seen["width"], seen
    assert seen["tableOverflow"] <= 0, seen
    for heading in ("identifikatorer", "kategori og fase", "status", "region"):
        left, right = seen["boxes"][heading]
        assert 0 <= left and right <= min(seen["width"], seen["visibleRight"]), (heading, seen)
    assert seen["rowsInView"] >= 9, seen

    rows = page.locator("#result_list tbody tr").filter(has_text=SAME_TITLE)
    texts = sorted(rows.all_inner_texts())
    assert len(texts) == 2
    assert "NCT05123456" in texts[0] + texts[1] and "NCT04999888" in texts[0] + texts[1]
    assert texts[0] != texts[1]
    body = page.locator("#result_list").inner_text()
    assert "Observasjonsstudie" in body and "Fase 3" in body and "Fase 2" in body
    page.context.close()


def test_show_all_lists_every_study_of_the_coordinators_scope(
    browser, live_server, reference_data, coordinator_vest
):
    # 96 studies: led in Helse Vest, or led elsewhere with a site in Helse Vest.
    StudyFactory.create_batch(80, responsible_organisation=hf("Bergen"))
    for study in StudyFactory.create_batch(16, responsible_organisation=hf("Nord-Norge")):
        StudySiteFactory(study=study, organisation=hf("Stavanger"))
    StudyFactory(lay_title_nb="Bare i nord", responsible_organisation=hf("Nord-Norge"))

    page = _laptop_page(browser)
    sign_in(page, live_server.url, "koordinator-vest")
    assert page.locator("#result_list tbody tr").count() == 50
    page.get_by_role("link", name="Vis alle").click()
    page.wait_for_load_state()
    assert page.locator("#result_list tbody tr").count() == 96
    assert "96 studier" in page.locator(".paginator").inner_text()
    assert "Bare i nord" not in page.content()
    page.context.close()
