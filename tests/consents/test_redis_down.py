"""Redis down: the site's notice of a withdrawal is kept as pending work and sent once it returns."""

import datetime as dt

import pytest
from django.utils import timezone

from consents import services
from consents.models import ConsentEvent, Enrolment
from sites.models import PendingTask
from sites.operations.services import pending_tasks_flush
from tests.broker import queued_messages, run_queued

from .conftest import SYNTHETIC

pytestmark = pytest.mark.django_db


def test_withdrawal_notice_is_kept_while_redis_is_down_and_sent_when_it_returns(
    site, consent_form, mailoutbox, broker_outage, django_capture_on_commit_callbacks
):
    participant = services.participant_register(
        national_id=SYNTHETIC[0], birth_year=1970, sex="female"
    )
    services.consent_give(
        participant=participant,
        form=consent_form,
        channel="digital",
        occurred_at=timezone.now() - dt.timedelta(days=10),
    )
    enrolment = services.enrolment_create(
        participant=participant,
        site=site,
        included_on=timezone.localdate() - dt.timedelta(days=5),
    )
    broker_outage.stop()

    with django_capture_on_commit_callbacks(execute=True):
        event = services.consent_withdraw(
            participant=participant,
            study=site.study,
            scope=ConsentEvent.Scope.STOP_DATA_COLLECTION,
            reason="burden",
            occurred_at=timezone.now(),
        )

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.WITHDRAWN  # the withdrawal itself took effect
    pending = PendingTask.objects.get()
    assert (pending.task_name, pending.kwargs) == (
        "consents.tasks.notify_site_of_withdrawal",
        {"event_id": event.pk},
    )
    assert mailoutbox == []

    broker_outage.start()
    assert pending_tasks_flush() == 1
    [message] = queued_messages(broker_outage.url)
    assert (message["task"], message["args"], message["kwargs"]) == (
        pending.task_name,
        [],
        {"event_id": event.pk},
    )
    for secret in (SYNTHETIC[0], participant.pseudonym):  # no personal data through Redis
        assert secret.encode() not in message["raw"]

    assert run_queued([message]) == [1]
    [notice] = mailoutbox
    assert notice.to == ["studie@example.no"]
    assert site.study.public_id in notice.subject
    assert SYNTHETIC[0] not in notice.body and participant.pseudonym not in notice.body
