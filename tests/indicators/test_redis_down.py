"""Redis down: the monthly reports are kept as pending work and sent once the broker is back."""

import pytest

from indicators import tasks
from indicators.models import ReportRun
from sites.models import PendingTask
from sites.operations.services import pending_tasks_flush
from tests.broker import queued_messages, run_queued
from tests.indicators.conftest import recipients

pytestmark = pytest.mark.django_db


def test_monthly_reports_are_kept_while_redis_is_down_and_sent_when_it_returns(
    world,
    coordinator_vest,
    coordinator_nord,
    smtp_server,
    broker_outage,
    django_capture_on_commit_callbacks,
):
    for user in (coordinator_vest, coordinator_nord):
        user.email = f"{user.username}@example.no"
        user.save()
    broker_outage.stop()

    # The beat job runs on a worker that can no longer reach Redis to queue the sends.
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.monthly_reports.apply(args=["2026-10"]).get()

    assert result["queued"] == 2
    run_ids = sorted(ReportRun.objects.values_list("pk", flat=True))
    pending = list(PendingTask.objects.order_by("pk").values_list("task_name", "kwargs"))
    assert sorted(pending, key=lambda p: p[1]["run_id"]) == [
        ("indicators.tasks.send_report", {"run_id": run_id}) for run_id in run_ids
    ]
    assert smtp_server.messages == []
    assert set(ReportRun.objects.values_list("status", flat=True)) == {"pending"}

    broker_outage.start()
    assert pending_tasks_flush() == 2
    messages = queued_messages(broker_outage.url)
    assert sorted(m["kwargs"]["run_id"] for m in messages) == run_ids
    assert run_queued(messages) == ["sent", "sent"]
    assert recipients(smtp_server) == ["koordinator-nord@example.no", "koordinator-vest@example.no"]
    assert set(ReportRun.objects.values_list("status", flat=True)) == {"sent"}


def test_send_again_from_the_admin_is_kept_while_redis_is_down(
    world, coordinator_vest, admin_client, broker_outage, django_capture_on_commit_callbacks
):
    from indicators import services
    from indicators.periods import Period

    coordinator_vest.email = "koordinator-vest@example.no"
    coordinator_vest.save()
    (run_id,) = services.report_runs_prepare(period=Period.month(2026, 10))
    ReportRun.objects.filter(pk=run_id).update(status="failed")
    broker_outage.stop()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/indicators/reportrun/",
            {"action": "send_again", "_selected_action": [run_id]},
        )
    assert response.status_code == 302
    pending = PendingTask.objects.get()
    assert (pending.task_name, pending.kwargs) == (
        "indicators.tasks.send_report",
        {"run_id": run_id},
    )
