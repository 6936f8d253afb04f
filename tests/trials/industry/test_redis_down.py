"""Redis down: feasibility e-mails are kept as pending work and go out once the broker is back."""

import pytest

from sites.models import PendingTask
from sites.operations.services import pending_tasks_flush
from tests.broker import queued_messages, run_queued
from tests.factories import hf
from trials.industry.models import FeasibilityRequest
from trials.industry.services import feasibility as services
from trials.models import HealthCategory

from .factories import interest_profile

pytestmark = pytest.mark.django_db

SPONSOR_EMAIL = "ole.hansen@redispharma.example.com"


def _pending() -> list[tuple[str, dict]]:
    return list(PendingTask.objects.order_by("pk").values_list("task_name", "kwargs"))


def test_feasibility_mail_is_kept_while_redis_is_down_and_sent_when_it_returns(
    reference_data, smtp, broker_outage, django_capture_on_commit_callbacks
):
    bergen = interest_profile(hf("Bergen"), codes=["02"], email="fou@bergen.example.no")
    broker_outage.stop()

    with django_capture_on_commit_callbacks(execute=True):
        request = services.feasibility_request_create(
            sponsor_name="Redis Pharma",
            sponsor_country="DK",
            contact_name="Ole Hansen",
            contact_email=SPONSOR_EMAIL,
            title="Ny astmabehandling",
            condition="Astma",
            hrcs_category=HealthCategory.objects.get(code="02"),
            phase="2",
            study_category="kbs",
            design_summary="RCT",
            key_inclusion_criteria="Voksne",
            patients_wanted=20,
        )
    response = request.responses.get(organisation=bergen.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        services.feasibility_response_answer(
            response=response, answer="yes", eligible_patients_per_year=12
        )

    # The request and the answer are saved; the e-mails wait as pending work, with ids only.
    expected = [
        (
            "trials.tasks.feasibility_notify_routed",
            {"request_id": request.pk, "response_ids": [response.pk]},
        ),
        ("trials.tasks.feasibility_confirm", {"request_id": request.pk}),
        ("trials.tasks.feasibility_compile", {"request_id": request.pk}),
    ]
    assert _pending() == expected
    assert smtp.messages == []

    broker_outage.start()
    assert pending_tasks_flush() == 3
    assert PendingTask.objects.count() == 0
    messages = queued_messages(broker_outage.url)
    assert [(m["task"], m["kwargs"]) for m in messages] == expected
    for message in messages:  # nothing about the sponsor's people travels through Redis
        assert b"Ole" not in message["raw"] and b"redispharma" not in message["raw"]

    run_queued(messages)
    assert len(smtp.to("fou@bergen.example.no")) == 1
    assert len(smtp.to(SPONSOR_EMAIL)) == 2  # confirmation, then the compiled answer
    request.refresh_from_db()
    assert request.status == FeasibilityRequest.Status.COMPILED
