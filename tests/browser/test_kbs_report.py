"""The yearly KBS report in a real browser: the coordinator of Helse Vest decides on a candidate and
confirms the figures prefilled from the enrolments; the national administrator closes and finalises
the year and downloads the final report."""

import datetime as dt

import pytest

from indicators.kbs import services
from tests.indicators.kbs.conftest import enrol, kbs_study, make_user

from .test_admin_workflow import PASSWORD, axe_violations, coordinator_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url: str, username: str, next_url: str) -> None:
    page.goto(f"{base_url}/admin/login/?next={next_url}")
    page.get_by_label("Brukernavn").fill(username)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_load_state()


def run_action(page, label: str) -> None:
    page.locator("input.action-select").first.check()
    page.locator("select[name=action]").select_option(label=label)
    page.locator("button[name=index]").click()
    page.wait_for_load_state()


def test_coordinator_reports_and_administrator_finalises_and_downloads(
    browser, axe_source, live_server, frozen_now, reference_data, coordinator_vest
):
    from sites.models import UserScope

    admin_user = make_user("kbs-admin", UserScope.Role.NATIONAL_ADMIN)
    made = kbs_study(lay_title_nb="Blodpropp i Vest", rek_number="2024/54321")
    enrol(made.bergen, dt.date(2025, 2, 3), dt.date(2025, 6, 9))
    enrol(made.unn, dt.date(2025, 4, 1))
    services.reporting_period_create(year=2025, user=admin_user)

    page = coordinator_page(browser)
    sign_in(page, live_server.url, "koordinator-vest", "/admin/kbs/kbsproject/kandidater/")
    assert "KBS-kandidater for 2025" in page.content()
    assert axe_violations(page, axe_source) == []
    row = page.locator("#kbs-candidates tr", has_text="Blodpropp i Vest")
    row.get_by_role("button", name="Skal rapporteres (KBS-prosjekt)").click()
    page.wait_for_load_state()
    assert page.locator("#id_recruitment_number").input_value() == "3"  # prefilled: 2 + 1
    assert axe_violations(page, axe_source) == []
    page.get_by_role("button", name="Lagre", exact=True).click()
    page.wait_for_load_state()
    assert "ble endret" in page.locator(".messagelist").inner_text()
    page.context.close()

    page = coordinator_page(browser)
    sign_in(page, live_server.url, "kbs-admin", "/admin/kbs/reportingperiod/")
    run_action(page, "Stenge for rapportering")
    assert "1 periode stengt." in page.locator(".messagelist").inner_text()
    run_action(page, "Ferdigstille og lage sluttrapporten")
    assert "ferdigstilt" in page.locator(".messagelist").inner_text()
    page.get_by_role("link", name="2025").click()
    page.wait_for_load_state()
    with page.expect_download() as download_info:
        page.locator("#kbs-report-csv").click()
    content = open(download_info.value.path(), encoding="utf-8-sig").read()
    assert made.study.public_id in content and ";2025;3;" in content
    page.context.close()
