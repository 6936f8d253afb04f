import datetime as dt

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone
from rest_framework.test import APIClient

from config.celery import app
from tests.factories import StudySiteFactory
from trials import tasks
from trials.models import Study, StudySite
from trials.services import study_close_expired_recruitment


def _expired_and_current():
    today = timezone.localdate()
    expired = StudySiteFactory(study__planned_recruitment_end_on=today - dt.timedelta(days=1)).study
    current = StudySiteFactory(
        study__planned_recruitment_end_on=today + dt.timedelta(days=10)
    ).study
    return expired, current


@pytest.mark.django_db
def test_it_closes_studies_and_sites_whose_recruitment_end_has_passed(reference_data):
    expired, current = _expired_and_current()
    assert study_close_expired_recruitment(today=timezone.localdate()) == 1
    expired.refresh_from_db()
    current.refresh_from_db()
    assert expired.status == Study.Status.CLOSED
    assert expired.actual_recruitment_end_on == expired.planned_recruitment_end_on
    assert set(expired.sites.values_list("status", flat=True)) == {StudySite.Status.CLOSED}
    assert current.status == Study.Status.OPEN
    latest = expired.history.latest()
    assert latest.status == Study.Status.CLOSED and "nattlig jobb" in latest.history_change_reason
    # Running it again is harmless.
    assert study_close_expired_recruitment(today=timezone.localdate()) == 0


@pytest.mark.django_db(transaction=True)
def test_the_nightly_task_runs_on_a_worker(reference_data, broker_configured):
    """With CELERY_BROKER_URL set this goes through Redis to a real worker; otherwise it runs in-process."""
    expired, current = _expired_and_current()
    if broker_configured:
        with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
            closed = tasks.close_expired_recruitment.delay().get(timeout=60)
    else:
        closed = tasks.close_expired_recruitment.delay().get()
    assert closed == 1
    assert Study.objects.get(pk=expired.pk).status == Study.Status.CLOSED
    assert Study.objects.get(pk=current.pk).status == Study.Status.OPEN


def test_the_nightly_task_is_in_the_beat_schedule():
    entry = app.conf.beat_schedule["close-expired-recruitment"]
    assert entry["task"] == tasks.close_expired_recruitment.name
    assert entry["schedule"].hour == {1} and entry["schedule"].minute == {15}


@pytest.mark.django_db
def test_the_nightly_close_moves_updated_at_and_so_the_public_etag(reference_data):
    """Cached clients must not keep seeing closed studies as open after a 304."""
    expired, _current = _expired_and_current()
    site = expired.sites.get()
    before = (expired.updated_at, site.updated_at, expired.version)
    client = APIClient()
    url = f"/api/v1/studies/{expired.public_id}/"
    first = client.get(url)
    assert first.status_code == 200

    study_close_expired_recruitment(today=timezone.localdate())

    expired.refresh_from_db()
    site.refresh_from_db()
    assert expired.updated_at > before[0] and site.updated_at > before[1]
    assert expired.version == before[2] + 1
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and again["ETag"] != first["ETag"]
    assert again.json()["status"] == Study.Status.CLOSED
