"""The admin import page in a real browser: NorTrials uploads a ClinicalTrials.gov file, sees
the progress bar and then the report (the run is a Celery task; in-process without a broker)."""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from sites.models import UserScope
from sites.roles import user_scope_assign

NORWAY_V2 = Path(
    "/work/shared/data/clinical_trials/norway_subset/ctgov_v2_studies_with_norway_sites.json"
)

pytestmark = [
    # The page is tested with the task run here; a worker runs it the same way.
    pytest.mark.usefixtures("tasks_in_process"),
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not NORWAY_V2.exists(), reason="shared reference data not present"),
]


def test_nortrials_imports_a_file_and_reads_the_report(
    browser, live_server, reference_data, settings, tmp_path
):
    settings.REGISTRY_IMPORT_DIR = tmp_path / "registry-import"
    user = get_user_model().objects.create_user(username="nortrials-nett", is_staff=True)
    user_scope_assign(user=user, role=UserScope.Role.NORTRIALS)
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/trials/importrun/")
    page.get_by_role("link", name="Importer fra register").click()
    page.set_input_files("input[type=file]", str(NORWAY_V2))
    page.get_by_role("button", name="Start import").click()
    progress = page.locator("progress#import-progress")
    progress.wait_for()
    assert progress.is_visible()
    page.wait_for_function(
        "document.getElementById('import-state').textContent.trim() === 'Ferdig'", timeout=60_000
    )
    assert progress.get_attribute("value") == progress.get_attribute("max")
    report = page.locator("#import-report").inner_text()
    assert "5 nye" in report
    assert "Studiested til vurdering i NCT03798535: Research Site, Arendal" in report
    context.close()
