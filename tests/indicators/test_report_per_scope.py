"""Each scope's monthly report is built once and sent to every recipient of that scope."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from indicators import services
from indicators.models import ReportRun, ReportWorkbook
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
    # The workbook is stored once for the scope, not once per recipient.
    assert ReportWorkbook.objects.count() == 1
    assert {r.workbook_id for r in runs} == {ReportWorkbook.objects.get().pk}
    assert bytes(ReportWorkbook.objects.get().content) in attachments
    snapshots = [set(r.snapshots.values_list("pk", flat=True)) for r in runs]
    assert snapshots[0] and snapshots[0] == snapshots[1] == snapshots[2]
    # Idempotent per recipient, as before: a second run sends nobody a second copy.
    assert all(services.report_send(run_id=run_id) == "skipped" for run_id in run_ids)
    assert len(smtp_server.messages) == 3


@pytest.mark.django_db
def test_a_report_downloads_from_the_admin_whether_stored_once_or_sent_before(
    frozen_now, world, vest_team, smtp_server, admin_client
):
    services.snapshots_compute(period=OCTOBER)
    run_ids = services.report_runs_prepare(period=OCTOBER)
    for run_id in run_ids:
        services.report_send(run_id=run_id)
    sent = next(smtp_server.messages[0].iter_attachments()).get_content()
    for run_id in run_ids:
        response = admin_client.get(f"/admin/indicators/reportrun/{run_id}/vedlegg/")
        assert response.status_code == 200 and response.content == sent
    # A run sent before workbooks were stored once holds its own copy, and still downloads.
    earlier = ReportRun.objects.create(
        kind=ReportRun.Kind.MONTHLY_REGION,
        period_start=Period.month(2026, 9).start,
        scope_key="region:old",
        recipient=vest_team[0],
        email=vest_team[0].email,
        status=ReportRun.Status.SENT,
        attachment=b"PK\x03\x04 september",
    )
    response = admin_client.get(f"/admin/indicators/reportrun/{earlier.pk}/vedlegg/")
    assert response.status_code == 200 and response.content == b"PK\x03\x04 september"
    ReportRun.objects.filter(pk=earlier.pk).update(attachment=None)
    assert admin_client.get(f"/admin/indicators/reportrun/{earlier.pk}/vedlegg/").status_code == 404


@pytest.mark.django_db
def test_a_workbook_too_large_to_attach_is_linked_and_downloads_for_its_recipient(
    frozen_now, world, vest_team, smtp_server, settings
):
    """A national workbook at ten million enrolments is larger than many mail servers take: above
    the limit the mail links to the download in the administration instead of attaching it."""
    settings.INDICATORS_REPORT_ATTACH_MAX_BYTES = 1000
    services.snapshots_compute(period=OCTOBER)
    run_id = services.report_runs_prepare(period=OCTOBER)[0]
    assert services.report_send(run_id=run_id) == "sent"
    (message,) = smtp_server.messages
    assert list(message.iter_attachments()) == []
    link = f"https://kliniskestudier.test/admin/indicators/reportrun/{run_id}/vedlegg/"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "for stort til å sendes som vedlegg" in text and link in text
    assert f'<a href="{link}">' in html

    run = ReportRun.objects.select_related("recipient").get(pk=run_id)
    client = Client()
    client.force_login(run.recipient)
    response = client.get(link.removeprefix("https://kliniskestudier.test"))
    assert response.status_code == 200
    assert response.content == bytes(ReportWorkbook.objects.get().content)
