import datetime as dt
import hashlib
import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from consents import services, tasks
from consents.services.export import participation_export, period_bounds, previous_period
from tests.factories import StudySiteFactory
from trials.models import Study

from .conftest import SYNTHETIC

pytestmark = pytest.mark.django_db


def _period_today() -> str:
    return f"{timezone.localdate():%Y-%m}"


@pytest.fixture
def enrolled(reference_data):
    """Five participants in a registry study (no consent needed) at two organisations."""
    site_a = StudySiteFactory(study__category=Study.Category.REGISTRY)
    site_b = StudySiteFactory(
        study=site_a.study,
        organisation=site_a.organisation.__class__.objects.get(
            kind="hf", name__icontains="Stavanger"
        ),
    )
    people = []
    for i, number in enumerate(SYNTHETIC):
        participant = services.participant_register(national_id=number, birth_year=1960 + i)
        services.enrolment_create(
            participant=participant,
            site=site_a if i % 2 == 0 else site_b,
            included_on=timezone.localdate().replace(day=1),
        )
        people.append(participant)
    return people


def test_month_boundaries():
    assert period_bounds("2026-10") == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert period_bounds("2028-02") == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    assert previous_period(dt.date(2027, 1, 5)) == "2026-12"
    # The same month rules and the same message as the indicators' periods.
    with pytest.raises(ValueError, match="Ugyldig måned «okt-2026»: bruk ÅÅÅÅ-MM"):
        period_bounds("okt-2026")
    with pytest.raises(ValueError, match="Ugyldig måned"):
        period_bounds("2026")


def test_it_writes_one_file_per_organisation_and_the_same_bytes_again(enrolled, tmp_path):
    first = participation_export(period=_period_today(), directory=tmp_path)
    assert first.rows == 5 and len(first.files) == 2
    contents = {p: open(p, "rb").read() for p in first.files}
    second = participation_export(period=_period_today(), directory=tmp_path)
    assert second.files == first.files
    for path, checksum in second.files.items():
        data = open(path, "rb").read()
        assert data == contents[path]
        assert hashlib.sha256(data).hexdigest() == checksum
        assert open(path + ".sha256").read().startswith(checksum)
        line = json.loads(data.splitlines()[0])
        assert list(line) == [
            "export_pseudonym",
            "study_id",
            "rek",
            "eu_ct",
            "nct",
            "category",
            "organisation_orgnr",
            "included_on",
            "ended_on",
            "status",
        ]
        pseudonyms = {p.pseudonym for p in enrolled}
        assert line["export_pseudonym"] not in pseudonyms  # a different key from the internal one


def test_reserved_and_withdrawn_participants_are_absent(enrolled, tmp_path):
    reserved, withdrawn, recruitment_only = enrolled[0], enrolled[1], enrolled[2]
    services.reservation_register(participant=reserved, scope="all", registered_at=timezone.now())
    services.reservation_register(
        participant=recruitment_only, scope="recruitment", registered_at=timezone.now()
    )
    study = withdrawn.enrolments.get().study
    services.consent_withdraw(
        participant=withdrawn, study=study, scope="stop_participation", occurred_at=timezone.now()
    )
    result = participation_export(period=_period_today(), directory=tmp_path)
    assert result.rows == 3
    lines = [json.loads(x) for p in result.files for x in open(p).read().splitlines()]
    exported = {x["export_pseudonym"] for x in lines}
    assert services.export_pseudonym_for(reserved.pseudonym) not in exported
    assert services.export_pseudonym_for(withdrawn.pseudonym) not in exported
    assert services.export_pseudonym_for(recruitment_only.pseudonym) in exported


def test_the_command_and_the_monthly_task(enrolled, tmp_path, settings, capsys):
    settings.PARTICIPATION_EXPORT_DIR = tmp_path
    call_command("export_participation", "--period", _period_today())
    out = capsys.readouterr().out
    assert "5 rader i 2 filer" in out
    # In-process here; test_the_monthly_task_runs_on_a_worker covers the broker.
    result = tasks.export_participation_monthly.apply(args=[_period_today()]).get()
    assert result["rows"] == 5 and sorted(result["files"]) == sorted(
        line.split("  ")[1] for line in out.splitlines() if "  " in line
    )
    from config.celery import app

    assert (
        app.conf.beat_schedule["export-participation-monthly"]["task"]
        == tasks.export_participation_monthly.name
    )


@pytest.mark.django_db(transaction=True)
def test_the_monthly_task_runs_on_a_worker(enrolled, tmp_path, settings, broker_configured):
    """With CELERY_BROKER_URL set this goes through Redis to a real worker."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    settings.PARTICIPATION_EXPORT_DIR = tmp_path
    if broker_configured:
        with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
            result = tasks.export_participation_monthly.delay(_period_today()).get(timeout=60)
    else:
        result = tasks.export_participation_monthly.delay(_period_today()).get()
    assert result["rows"] == 5 and len(result["files"]) == 2


def test_the_public_n_of_n_comes_from_enrolments_with_small_counts_suppressed(enrolled):
    from rest_framework.test import APIClient

    study = enrolled[0].enrolments.get().study
    row = APIClient().get(f"/api/v1/studies/{study.public_id}/").json()
    assert row["enrolled"] == 5 and row["target_enrolment"] == 100
    study.enrolments.filter(participant__in=enrolled[:2]).delete()
    assert APIClient().get(f"/api/v1/studies/{study.public_id}/").json()["enrolled"] is None
