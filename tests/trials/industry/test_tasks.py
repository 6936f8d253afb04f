"""The feasibility and milestone tasks on a real worker (Redis) when CELERY_BROKER_URL is set,
and the beat schedule."""

import contextlib
import time

import pytest
from celery.contrib.testing.worker import start_worker

from config.celery import app
from tests.factories import hf
from trials import tasks as trials_tasks
from trials.industry import tasks
from trials.industry.models import FeasibilityRequest
from trials.industry.services import feasibility as services
from trials.models import HealthCategory

from .factories import interest_profile


def _wait_for(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


@pytest.mark.django_db(transaction=True)
def test_routing_and_compiling_run_on_a_worker_and_send_over_smtp(
    reference_data, smtp, broker_configured
):
    interest_profile(hf("Bergen"), codes=["02"], email="fou@bergen.example.no")
    worker = (
        start_worker(app, perform_ping_check=False, shutdown_timeout=30)
        if broker_configured
        else contextlib.nullcontext()
    )
    with worker:
        request = services.feasibility_request_create(
            sponsor_name="Worker Pharma",
            sponsor_country="DK",
            contact_name="Ole",
            contact_email="ole@workerpharma.example.com",
            title="T",
            condition="C",
            hrcs_category=HealthCategory.objects.get(code="02"),
            phase="2",
            study_category="kbs",
            design_summary="D",
            key_inclusion_criteria="K",
            patients_wanted=20,
        )
        _wait_for(lambda: len(smtp.messages) == 2)  # confirmation + Bergen
        assert smtp.to("fou@bergen.example.no")
        services.feasibility_response_answer(
            response=request.responses.get(), answer="yes", eligible_patients_per_year=12
        )
        _wait_for(lambda: len(smtp.messages) == 3)
    request.refresh_from_db()
    assert request.status == FeasibilityRequest.Status.COMPILED
    assert "national feasibility answer" in smtp.messages[-1]["Subject"]


@pytest.mark.parametrize(
    ("entry", "task", "hour", "minute"),
    [
        ("feasibility-reminders", tasks.feasibility_send_reminders, 8, 0),
        ("feasibility-compile-due", tasks.feasibility_compile_due, 16, 0),
        ("milestone-overdue-reminders", tasks.milestone_send_overdue_reminders, 7, 30),
        ("prune-public-changes", trials_tasks.prune_public_changes, 1, 45),
    ],
)
def test_the_daily_tasks_are_in_the_beat_schedule(entry, task, hour, minute):
    schedule = app.conf.beat_schedule[entry]
    assert schedule["task"] == task.name
    assert schedule["schedule"].hour == {hour} and schedule["schedule"].minute == {minute}
