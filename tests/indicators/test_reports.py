"""Snapshots, freezing and the monthly reports over a real (local) SMTP server."""

import io
import time

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from indicators import services, tasks
from indicators.models import IndicatorSnapshot, ReportRun
from indicators.periods import Period
from sites.models import UserScope
from sites.roles import user_scope_assign
from tests.indicators.conftest import recipients

OCTOBER = Period.month(2026, 10)


@pytest.fixture
def national_admin(django_user_model, reference_data):
    user = django_user_model.objects.create_user(
        username="nasjonal", email="nasjonal@example.no", password="x-pw-for-tests-1", is_staff=True
    )
    user_scope_assign(user=user, role=UserScope.Role.NATIONAL_ADMIN)
    return user


@pytest.fixture
def recipients_set(coordinator_vest, coordinator_nord, national_admin):
    for user in (coordinator_vest, coordinator_nord):
        user.email = f"{user.username}@example.no"
        user.save()
    return coordinator_vest, coordinator_nord, national_admin


def participants(code="participants-active", scope="national"):
    return IndicatorSnapshot.objects.filter(
        indicator__code=code, period_start=OCTOBER.start, scope_key=scope, breakdown=""
    ).order_by("version")


@pytest.mark.django_db
def test_recomputing_replaces_unreported_values_but_never_a_reported_one(world):
    services.snapshots_compute(period=OCTOBER)
    services.snapshots_compute(period=OCTOBER)
    assert [(s.value, s.version) for s in participants()] == [(3, 1)]
    services.snapshots_freeze(snapshot_ids=[participants().get().pk])
    # A late correction: one more participant in October.
    from consents.models import Enrolment, Participant

    enrolment = Enrolment.objects.filter(included_on__month=10).first()
    late = Participant.objects.create(pseudonym="late", birth_year=1980, sex="male")
    Enrolment.objects.create(
        participant=late, study=enrolment.study, site=enrolment.site, included_on=OCTOBER.start
    )
    services.snapshots_compute(period=OCTOBER)
    services.snapshots_compute(period=OCTOBER)
    rows = list(participants())
    assert [(r.value, r.version, r.frozen_at is not None) for r in rows] == [
        (3, 1, True),
        (4, 2, False),
    ]


@pytest.mark.django_db
def test_a_coordinator_gets_their_regions_report_once_with_html_text_and_xlsx(
    world, recipients_set, smtp_server
):
    vest, nord, national = recipients_set
    call_command("send_monthly_reports", period="2026-10", stdout=io.StringIO())
    assert recipients(smtp_server) == sorted(
        ["koordinator-vest@example.no", "koordinator-nord@example.no", "nasjonal@example.no"]
    )
    message = next(m for m in smtp_server.messages if m["To"] == "koordinator-vest@example.no")
    assert message["Subject"].strip() == (
        "Månedsrapport kliniske studier – Helse Vest RHF – oktober 2026"
    )
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    # 2 people: the e-mail leaves the back office, so the count is hidden (still traceable).
    assert (
        "Pasienter som deltar i kliniske studier, hele helsetjenesten: skjult (personvern)" in text
    )
    assert "Datakvalitet" in text and "Datakvalitet" in html
    # National-only figures appear in a regional report, marked as national.
    assert "Tid til ferdig mulighetsvurdering (median): 20 dager (nasjonalt)" in text
    attachment = next(message.iter_attachments())
    workbook = load_workbook(io.BytesIO(attachment.get_content()))
    assert workbook.sheetnames[:6] == [
        "Overordnede mål",
        "1 Pasientenes muligheter",
        "2 Forskning integrert i helsetj",
        "3 Samarbeid med næringslivet",
        "4 Effektiv og sikker gjennomfør",
        "5 Internasjonalt samarbeid",
    ]
    assert {"Studier", "Organisasjoner", "Datakvalitet"} <= set(workbook.sheetnames)
    # Every figure traces to a snapshot, and that snapshot is now frozen.
    sheet = workbook["1 Pasientenes muligheter"]
    row = next(r for r in sheet.iter_rows(values_only=True) if r[9] == "participants-active")
    snapshot = IndicatorSnapshot.objects.get(pk=row[10])
    assert snapshot.value == 2 and snapshot.scope_key == f"region:{vest.scope.region_id}"
    assert snapshot.frozen_at is not None
    assert ReportRun.objects.get(recipient=vest).snapshots.filter(pk=snapshot.pk).exists()
    studies = [r[0] for r in workbook["Studier"].iter_rows(values_only=True)]
    assert "A" in studies and "C" not in studies  # C is in Helse Nord

    # A manual re-run, the beat task and the same task delivered twice: nobody gets a second copy.
    call_command("send_monthly_reports", period="2026-10", stdout=io.StringIO())
    tasks.monthly_reports.apply(args=["2026-10"]).get()
    run = ReportRun.objects.get(recipient=vest)
    assert tasks.send_report.apply(args=[run.pk]).get() == "skipped"
    assert len(smtp_server.messages) == 3
    assert set(ReportRun.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db
def test_smtp_down_marks_runs_failed_and_a_later_run_sends_them(world, recipients_set, settings):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = sock.getsockname()[1]  # nothing listens here
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    with pytest.raises(Exception, match="feilet"):
        call_command("send_monthly_reports", period="2026-10", stdout=io.StringIO())
    runs = ReportRun.objects.all()
    assert {r.status for r in runs} == {"failed"} and all("SMTP" in r.last_error for r in runs)


@pytest.mark.django_db
def test_failed_runs_are_sent_by_the_next_run(world, recipients_set, smtp_server):
    services.report_runs_prepare(period=OCTOBER)
    ReportRun.objects.update(status="failed", last_error="SMTP: down")
    out = io.StringIO()
    call_command("send_monthly_reports", period="2026-10", stdout=out)
    assert "Sendt 3" in out.getvalue()
    assert len(smtp_server.messages) == 3


@pytest.mark.django_db
def test_dry_run_lists_recipients_and_sends_nothing(world, recipients_set, smtp_server):
    out = io.StringIO()
    call_command("send_monthly_reports", period="2026-10", dry_run=True, stdout=out)
    assert "koordinator-vest@example.no" in out.getvalue()
    assert smtp_server.messages == [] and not ReportRun.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_send_again_is_an_explicit_second_copy(
    world, recipients_set, smtp_server, admin_client, broker_configured
):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    call_command("send_monthly_reports", period="2026-10", stdout=io.StringIO())
    run = ReportRun.objects.get(email="koordinator-nord@example.no")
    action = {"action": "send_again", "_selected_action": [run.pk]}
    if broker_configured:
        app.control.purge()
        with start_worker(app, perform_ping_check=False, shutdown_timeout=30):
            response = admin_client.post("/admin/indicators/reportrun/", action)
            deadline = time.monotonic() + 60
            while len(smtp_server.messages) < 4 and time.monotonic() < deadline:
                time.sleep(0.1)
    else:
        response = admin_client.post("/admin/indicators/reportrun/", action)
    assert response.status_code == 302
    assert recipients(smtp_server).count("koordinator-nord@example.no") == 2
    xlsx = admin_client.get(f"/admin/indicators/reportrun/{run.pk}/vedlegg/")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
