"""Monthly reports: one ReportRun row per (kind, period, scope, recipient), claimed before sending.

Exactly once: a run is claimed by a conditional UPDATE (pending/failed → sending). Whoever wins the
claim sends; a second delivery of the same task, a second beat process or a manual re-run finds the
row already sending or sent and does nothing. A run stuck in "sending" (worker killed mid-send) is
never resent automatically: the message may already have been accepted by the SMTP server. An
administrator decides with the "send again" action.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from sites.models import UserScope

from .. import selectors
from ..models import Indicator, ReportRun
from ..periods import Period
from ..xlsx import report_workbook
from .snapshots import snapshots_freeze

logger = logging.getLogger(__name__)

MONTHS_NB = [
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
]


class ReportDeliveryError(Exception):
    """The SMTP server could not be reached or refused the message; the run is marked failed."""


def period_label(period: Period) -> str:
    return f"{MONTHS_NB[period.start.month - 1]} {period.start.year}"


def report_runs_prepare(*, period: Period) -> list[int]:
    """Create the runs of a period for every recipient (idempotent); returns those still to send."""
    scopes = (
        UserScope.objects.filter(
            user__is_active=True,
            role__in=[UserScope.Role.REGIONAL_COORDINATOR, UserScope.Role.NATIONAL_ADMIN],
        )
        .exclude(user__email="")
        .select_related("user")
    )
    runs = []
    for scope in scopes:
        if scope.role == UserScope.Role.NATIONAL_ADMIN:
            kind, key, region_id = ReportRun.Kind.MONTHLY_NATIONAL, "national", None
        elif scope.region_id:
            kind, key = ReportRun.Kind.MONTHLY_REGION, f"region:{scope.region_id}"
            region_id = scope.region_id
        else:
            continue
        runs.append(
            ReportRun(
                kind=kind,
                period_start=period.start,
                scope_key=key,
                region_id=region_id,
                recipient=scope.user,
                email=scope.user.email,
            )
        )
    ReportRun.objects.bulk_create(runs, ignore_conflicts=True)
    return list(
        ReportRun.objects.filter(
            period_start=period.start,
            status__in=[ReportRun.Status.PENDING, ReportRun.Status.FAILED],
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def report_context(*, period: Period, scope: selectors.Scope) -> dict:
    lines = selectors.indicator_lines(period=period, scope_key=scope.key)
    league, league_indicators = selectors.league_table(
        period=period, region=None if scope.is_national else scope.region
    )
    areas = []
    for value, label in Indicator.FocusArea.choices:
        area_lines = [line for line in lines if line.indicator.focus_area == value]
        if area_lines:
            areas.append({"label": label, "lines": area_lines})
    return {
        "period": period,
        "period_label": period_label(period),
        "scope": scope,
        "lines": lines,
        "areas": areas,
        "changes": [line for line in lines if line.change],
        "league": league,
        "league_indicators": league_indicators,
        "studies": list(selectors.report_studies(period=period, scope=scope)),
        "flags": selectors.data_quality_flags(period=period, scope=scope),
    }


@dataclass
class BuiltReport:
    subject: str
    text: str
    html: str
    attachment: bytes
    snapshot_ids: list[int]


def report_build(*, period: Period, scope: selectors.Scope) -> BuiltReport:
    context = report_context(period=period, scope=scope)
    subject = f"Månedsrapport kliniske studier – {scope.label} – {context['period_label']}"
    context["subject"] = subject
    return BuiltReport(
        subject=subject,
        text=render_to_string("indicators/email/monthly_report.txt", context),
        html=render_to_string("indicators/email/monthly_report.html", context),
        attachment=report_workbook(context),
        snapshot_ids=[line.snapshot.pk for line in context["lines"] if line.snapshot],
    )


def _claim(run_id: int) -> bool:
    return bool(
        ReportRun.objects.filter(
            pk=run_id, status__in=[ReportRun.Status.PENDING, ReportRun.Status.FAILED]
        ).update(
            status=ReportRun.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
        )
    )


def _fail(run_id: int, error: str) -> None:
    ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.SENDING).update(
        status=ReportRun.Status.FAILED, last_error=error[:2000]
    )


def report_send(*, run_id: int) -> str:
    """Claim and send one run. Returns "sent" or "skipped"; raises ReportDeliveryError on SMTP failure."""
    if not _claim(run_id):
        return "skipped"
    run = ReportRun.objects.select_related("region", "recipient").get(pk=run_id)
    period = Period.month(run.period_start.year, run.period_start.month)
    scope = (
        selectors.NATIONAL_SCOPE
        if run.scope_key == "national"
        else selectors.scope_for_region(run.region)
    )
    try:
        with transaction.atomic():
            # The snapshots a report shows are frozen before it leaves, so they never change.
            list(Indicator.objects.select_for_update().order_by("pk").values("pk"))
            built = report_build(period=period, scope=scope)
            snapshots_freeze(snapshot_ids=built.snapshot_ids)
            run.snapshots.set(built.snapshot_ids)
            ReportRun.objects.filter(pk=run_id).update(
                subject=built.subject, attachment=built.attachment
            )
    except Exception as exc:
        _fail(run_id, f"Kunne ikke lage rapporten: {exc!r}")
        raise
    message = EmailMultiAlternatives(
        subject=built.subject,
        body=built.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[run.email],
        headers={"X-Report-Run": str(run.pk)},
    )
    message.attach_alternative(built.html, "text/html")
    message.attach(
        f"manedsrapport-{period}-{run.scope_key.replace(':', '-')}.xlsx",
        built.attachment,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        _fail(run_id, f"SMTP: {exc!r}")
        raise ReportDeliveryError(str(exc)) from exc
    ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.SENDING).update(
        status=ReportRun.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    logger.info("Report run %s sent", run_id)
    return "sent"


def report_resend(*, run_ids: list[int]) -> list[int]:
    """An administrator's explicit "send again": make the runs claimable whatever their status."""
    ReportRun.objects.filter(pk__in=run_ids).update(
        status=ReportRun.Status.PENDING, claimed_at=None
    )
    return list(run_ids)


@dataclass
class MonthlyResult:
    period: Period
    sent: int
    skipped: int
    failed: int
    planned: list[tuple[str, str, str]]


def reports_send_monthly(*, period: Period, dry_run: bool = False) -> MonthlyResult:
    """Send the period's reports in this process (the management command); failures stay visible."""
    if dry_run:
        user_model = get_user_model()
        users = user_model.objects.filter(
            scope__role__in=[UserScope.Role.REGIONAL_COORDINATOR, UserScope.Role.NATIONAL_ADMIN],
            is_active=True,
        ).exclude(email="")
        existing = dict(
            ReportRun.objects.filter(period_start=period.start).values_list(
                "recipient_id", "status"
            )
        )
        planned = [
            (u.email, u.scope.get_role_display(), existing.get(u.pk, "ny"))
            for u in users.select_related("scope").order_by("email")
        ]
        return MonthlyResult(period, 0, 0, 0, planned)
    sent = skipped = failed = 0
    for run_id in report_runs_prepare(period=period):
        try:
            outcome = report_send(run_id=run_id)
        except ReportDeliveryError:
            failed += 1
            continue
        sent += outcome == "sent"
        skipped += outcome == "skipped"
    return MonthlyResult(period, sent, skipped, failed, [])
