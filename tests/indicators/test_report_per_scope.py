"""Each scope's monthly report is built once and sent to every recipient of that scope."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators import services
from indicators.models import ReportRun
from indicators.periods import Period
from sites.models import UserScope
from sites.roles import user_scope_assign

OCTOBER = Period.month(2026, 10)


@pytest.fixture
def vest_team(django_user_model, helse_vest):
    users = []
    for n in range(3):
        user = django_user_model.objects.create_user(
            username=f"vest-{n}",
            email=f"vest-{n}@example.no",
            password="pw-for-tests-only-1",
            is_staff=True,
        )
        user_scope_assign(user=user, role=UserScope.Role.REGIONAL_COORDINATOR, region=helse_vest)
        users.append(user)
    return users


@pytest.mark.django_db
def test_every_recipient_of_a_scope_gets_the_one_report_built_for_it(world, vest_team, smtp_server):
    services.snapshots_compute(period=OCTOBER)
    run_ids = services.report_runs_prepare(period=OCTOBER)
    assert len(run_ids) == 3
    costs = []
    for run_id in run_ids:
        with CaptureQueriesContext(connection) as ctx:
            assert services.report_send(run_id=run_id) == "sent"
        costs.append(len(ctx.captured_queries))
    # The first send builds the region's report; the others send that same report.
    assert costs[1] == costs[2] < costs[0] - 5
    attachments = {next(m.iter_attachments()).get_content() for m in smtp_server.messages}
    assert len(smtp_server.messages) == 3 and len(attachments) == 1
    runs = ReportRun.objects.order_by("pk")
    assert len({bytes(r.attachment) for r in runs}) == 1
    snapshots = [set(r.snapshots.values_list("pk", flat=True)) for r in runs]
    assert snapshots[0] and snapshots[0] == snapshots[1] == snapshots[2]
    # Idempotent per recipient, as before: a second run sends nobody a second copy.
    assert all(services.report_send(run_id=run_id) == "skipped" for run_id in run_ids)
    assert len(smtp_server.messages) == 3
