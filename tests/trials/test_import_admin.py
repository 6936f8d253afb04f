"""The admin import page (national administrator, NorTrials), its progress view and the nightly
import of the drop folder, with a real ClinicalTrials.gov file."""

import shutil
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sites.models import UserScope
from sites.roles import user_scope_assign
from trials.models import ImportRun, SiteMatch, Study
from trials.services.ctgov import ctgov_import, ctgov_read
from trials.tasks import registry_import_inbox

NORWAY_V2 = Path(
    "/work/shared/data/clinical_trials/norway_subset/ctgov_v2_studies_with_norway_sites.json"
)

pytestmark = [
    # The page is tested with the task run here; a worker runs it the same way.
    pytest.mark.usefixtures("tasks_in_process"),
    pytest.mark.django_db,
    pytest.mark.skipif(not NORWAY_V2.exists(), reason="shared reference data not present"),
]


@pytest.fixture
def import_dir(settings, tmp_path):
    settings.REGISTRY_IMPORT_DIR = tmp_path / "registry-import"
    (settings.REGISTRY_IMPORT_DIR / "innboks").mkdir(parents=True)
    return settings.REGISTRY_IMPORT_DIR


@pytest.fixture
def nortrials(reference_data):
    user = get_user_model().objects.create_user(username="nortrials", is_staff=True)
    user_scope_assign(user=user, role=UserScope.Role.NORTRIALS)
    return user


def test_nortrials_uploads_a_file_and_reads_the_report(
    client, nortrials, import_dir, django_capture_on_commit_callbacks
):
    client.force_login(nortrials)
    upload = SimpleUploadedFile("norge.json", NORWAY_V2.read_bytes(), "application/json")
    with django_capture_on_commit_callbacks(execute=True):  # the task runs after the commit
        response = client.post(reverse("admin:trials_importrun_start"), {"file": upload})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/{run.pk}/rapport/")
    page = client.get(response.url)
    assert 'id="import-progress"' in page.text and "5 nye" in page.text
    status = client.get(reverse("admin:trials_importrun_status", args=[run.pk])).json()
    assert status["finished"] and status["state"] == "done"
    assert status["done"] == status["total"] == 5
    assert any("Research Site, Arendal" in line for line in status["lines"])
    assert Study.objects.filter(nct_id="NCT06113666").exists()


def test_a_coordinator_cannot_start_or_read_imports(client, coordinator_vest, import_dir):
    run = ImportRun.objects.create(label="x.json", path=str(NORWAY_V2))
    client.force_login(coordinator_vest)
    assert client.get(reverse("admin:trials_importrun_start")).status_code == 403
    assert client.get(reverse("admin:trials_importrun_status", args=[run.pk])).status_code in (
        403,
        404,
    )


def test_a_folder_outside_the_import_folder_is_refused(client, nortrials, import_dir):
    client.force_login(nortrials)
    response = client.post(reverse("admin:trials_importrun_start"), {"folder": "../../etc"})
    assert response.status_code == 200 and not ImportRun.objects.exists()
    assert "Velg et gyldig valg" in response.text or "importmappen" in response.text


def test_the_nightly_job_imports_the_inbox_and_moves_the_files(nortrials, import_dir, frozen_now):
    shutil.copy(NORWAY_V2, import_dir / "innboks" / "norge.json")
    run = ImportRun.objects.get(pk=registry_import_inbox())
    assert run.state == ImportRun.State.DONE and run.report["created"] == 5
    assert not list((import_dir / "innboks").iterdir())
    assert list((import_dir / "behandlet").rglob("norge.json"))
    assert registry_import_inbox() == 0  # nothing new: nothing to do


def test_choosing_a_sites_organisation_in_the_admin_confirms_and_remembers_it(
    client, coordinator_vest
):
    ctgov_import(records=ctgov_read(NORWAY_V2))
    match = SiteMatch.objects.get(registry_text="Research Site, Arendal")
    sorlandet = match.candidates.get()
    admin = get_user_model().objects.create_superuser(username="admin", password="x-123456789")
    client.force_login(admin)
    url = reverse("admin:trials_sitematch_change", args=[match.pk])
    response = client.post(url, {"organisation": sorlandet.pk})
    assert response.status_code == 302
    match.refresh_from_db()
    assert match.outcome == SiteMatch.Outcome.CONFIRMED
    assert match.study.sites.filter(organisation=sorlandet).exists()
    site = match.study.sites.get(organisation=sorlandet)
    assert site.history.latest().history_change_reason.startswith("Studiested bekreftet")
    assert ctgov_import(records=ctgov_read(NORWAY_V2)).unchanged == 5
