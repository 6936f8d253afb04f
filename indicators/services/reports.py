"""Monthly reports: one ReportRun row per (kind, period, scope, recipient), claimed before sending.

Exactly once: a run is claimed by a conditional UPDATE (pending/failed → sending). Whoever wins the
claim sends; a second delivery of the same task, a second beat process or a manual re-run finds the
row already sending or sent and does nothing. A run stuck in "sending" (worker killed mid-send) is
never resent automatically: the message may already have been accepted by the SMTP server. An
administrator decides with the "send again" action.

Nothing is left waiting: a run still pending (never claimed) some minutes after it was created — the
monthly job stopped before queueing it, or Redis lost the queue — is queued again by a sweep every
five minutes (``report_runs_requeue_pending``); the claim makes a second copy of the message harmless.
A run that ends failed is reported once to the national administrators, by e-mail and in the
security log (``report_run_alert_failed``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import smtplib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.db.models.functions import Concat, Replace
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from sites.models import PendingTask, UserScope
from sites.operations.services import task_enqueue
from sites.security.security_log import security_event

from .. import selectors
from ..catalogue import CATALOGUE
from ..models import Indicator, ReportRun, ReportWorkbook
from ..periods import Period
from ..publication import counts_hidden, hidden_snapshot_ids, snapshot_masked
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


SEND_TASK = "indicators.tasks.send_report"
ALERT_TASK = "indicators.tasks.send_report_failure_alert"
# Written after the error of a failed run once the national administrators have been told, so they
# are told once per failure; a successful send or an administrator's "send again" clears it.
ALERTED_NOTE = "\n\nNasjonale administratorer er varslet."
# A run pending this long after it was created has lost its message; one older than the window is
# left to an administrator ("send again"), so a forgotten run is never sent months late.
REQUEUE_AFTER = dt.timedelta(minutes=10)
REQUEUE_WITHIN = dt.timedelta(days=3)
# A scope's report is built once and sent to every recipient of that scope (kept in the shared cache
# this long; a run sent later than that, or while the cache is down, builds it again).
REPORT_REUSE_SECONDS = 24 * 60 * 60


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
    # The plan's targets are annual: the year to date beside the month, provisional.
    year_to_date = Period.year_to_date(period.start.year, period.start.month)
    annual_lines = [
        line
        for line in selectors.indicator_lines(period=year_to_date, scope_key=scope.key)
        if line.snapshot is not None and (line.target is not None or line.indicator.target_note)
    ]
    league, league_indicators = selectors.league_table(
        period=period, region=None if scope.is_national else scope.region
    )
    _apply_disclosure_control([*lines, *annual_lines], league)
    areas = []
    for value, label in Indicator.FocusArea.choices:
        area_lines = [
            line
            for line in lines
            if line.indicator.focus_area == value and not CATALOGUE[line.indicator.code].annual_only
        ]  # annual measures (growth, the KBS share) are in the year-to-date section
        if area_lines:
            areas.append({"label": label, "lines": area_lines})
    return {
        "period": period,
        "period_label": period_label(period),
        "scope": scope,
        "lines": lines,
        "areas": areas,
        "year_to_date": year_to_date,
        "annual_lines": annual_lines,
        "changes": [line for line in lines if line.change],
        "league": league,
        "league_indicators": league_indicators,
        "studies": _hide_study_counts(
            list(selectors.report_studies(period=period, scope=scope)), lines
        ),
        "flags": selectors.data_quality_flags(period=period, scope=scope),
    }


def _apply_disclosure_control(
    lines: list[selectors.IndicatorLine], league: list[selectors.LeagueRow]
) -> None:
    """A report leaves the back office: it shows no value the public API would hide."""
    shown = [line.snapshot for line in lines] + [line.previous for line in lines]
    hidden = hidden_snapshot_ids([*shown, *(cell for row in league for cell in row["cells"])])
    for line in lines:
        line.snapshot = snapshot_masked(line.snapshot, hidden)
        line.previous = snapshot_masked(line.previous, hidden)
    for row in league:
        row["cells"] = [snapshot_masked(cell, hidden) for cell in row["cells"]]


def _hide_study_counts(studies: list[Any], lines: list[selectors.IndicatorLine]) -> list[Any]:
    """The studies' participants add up to the scope's «participants active»: a count that would
    single people out, or give a hidden one away by subtraction, is left out (``None``)."""
    total = next((ln.snapshot for ln in lines if ln.indicator.code == "participants-active"), None)
    hidden = counts_hidden(total, {s.public_id: s.participants for s in studies})
    for study in studies:
        if study.public_id in hidden:
            study.participants = None
    return studies


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
        snapshot_ids=[
            line.snapshot.pk
            for line in [*context["lines"], *context["annual_lines"]]
            if line.snapshot
        ],
    )


def _batch_key(run: ReportRun) -> str:
    """The same for every run of one scope's monthly batch: the first run of that scope and
    period names it (its id and creation time, so a batch made again later is another batch)."""
    first = (
        ReportRun.objects.filter(
            kind=run.kind, period_start=run.period_start, scope_key=run.scope_key
        )
        .order_by("pk")
        .values_list("pk", "created_at")
        .first()
    )
    first_pk, created_at = first or (run.pk, run.created_at)  # the run is one of its batch
    return f"monthly-report:{run.scope_key}:{run.period_start}:{first_pk}:{created_at.isoformat()}"


def report_build_shared(*, run: ReportRun, period: Period, scope: selectors.Scope) -> BuiltReport:
    """The report of ``run``'s scope, built by the first run of the batch and reused by the rest:
    every recipient of a scope gets the same report, and a scope costs one build, not one per
    recipient."""
    key = _batch_key(run)
    built = cache.get(key)
    if built is None:
        built = report_build(period=period, scope=scope)
        cache.set(key, built, REPORT_REUSE_SECONDS)
    return built


def report_workbook_keep(content: bytes) -> ReportWorkbook:
    """The stored workbook with ``content``: stored the first time, the same row after that (a
    scope's recipients share one; two workers storing it at once end with one row)."""
    workbook, _created = ReportWorkbook.objects.get_or_create(
        digest=hashlib.sha256(content).hexdigest(), defaults={"content": content}
    )
    return workbook


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
        status=ReportRun.Status.FAILED,
        last_error=Concat(
            Value(error[:2000]),
            # A redelivered send that fails again is the same failure: nobody is told twice.
            Case(
                When(last_error__endswith=ALERTED_NOTE, then=Value(ALERTED_NOTE)), default=Value("")
            ),
        ),
    )


def _period_and_scope(run: ReportRun) -> tuple[Period, selectors.Scope]:
    period = Period.month(run.period_start.year, run.period_start.month)
    if run.scope_key == "national":
        return period, selectors.NATIONAL_SCOPE
    if run.region is None:
        raise ValueError(f"The report run {run.pk} for {run.scope_key} names no region.")
    return period, selectors.scope_for_region(run.region)


def report_send(*, run_id: int, alert_on_failure: bool = True) -> str:
    """Claim and send one run. Returns "sent" or "skipped"; raises ReportDeliveryError on SMTP failure.

    A failure ends the run as failed and alerts the national administrators, except an SMTP failure
    with ``alert_on_failure=False`` (the worker will try again).
    """
    if not _claim(run_id):
        return "skipped"
    run = ReportRun.objects.select_related("region", "recipient").get(pk=run_id)
    period, scope = _period_and_scope(run)
    try:
        with transaction.atomic():
            # The snapshots a report shows are frozen before it leaves, so they never change.
            list(Indicator.objects.select_for_update().order_by("pk").values("pk"))
            built = report_build_shared(run=run, period=period, scope=scope)
            snapshots_freeze(snapshot_ids=built.snapshot_ids)
            run.snapshots.set(built.snapshot_ids)
            ReportRun.objects.filter(pk=run_id).update(
                subject=built.subject, workbook=report_workbook_keep(built.attachment)
            )
    except Exception as exc:
        _fail(run_id, f"Kunne ikke lage rapporten: {exc!r}")
        report_run_alert_failed(run_id=run_id)
        raise
    message = _message(run, period, built)
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        _fail(run_id, f"SMTP: {exc!r}")
        if alert_on_failure:
            report_run_alert_failed(run_id=run_id)
        raise ReportDeliveryError(str(exc)) from exc
    ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.SENDING).update(
        status=ReportRun.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    logger.info("Report run %s sent", run_id)
    return "sent"


def _message(run: ReportRun, period: Period, built: BuiltReport) -> EmailMultiAlternatives:
    """The report's mail to ``run``'s recipient: the workbook attached, or, when it is larger than
    ``INDICATORS_REPORT_ATTACH_MAX_BYTES``, a link to its download in the administration."""
    text, html = built.text, built.html
    size = len(built.attachment)
    attached = size <= settings.INDICATORS_REPORT_ATTACH_MAX_BYTES
    if not attached:
        link = settings.PUBLIC_BASE_URL + reverse("admin:indicators_report_xlsx", args=[run.pk])
        note = (
            f"Regnearket er for stort til å sendes som vedlegg ({size / 1_000_000:.1f} MB). "
            "Logg inn og last det ned her:"
        )
        text = f"{text}\n{note}\n{link}\n"
        html = html.replace(
            "</body>", format_html('<p>{} <a href="{}">{}</a></p></body>', note, link, link), 1
        )
    message = EmailMultiAlternatives(
        subject=built.subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[run.email],
        headers={"X-Report-Run": str(run.pk)},
    )
    message.attach_alternative(html, "text/html")
    if attached:
        message.attach(
            f"manedsrapport-{period}-{run.scope_key.replace(':', '-')}.xlsx",
            built.attachment,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    return message


def report_resend(*, run_ids: list[int]) -> list[int]:
    """An administrator's explicit "send again": make the runs claimable whatever their status."""
    ReportRun.objects.filter(pk__in=run_ids).update(
        status=ReportRun.Status.PENDING,
        claimed_at=None,
        last_error=Replace(F("last_error"), Value(ALERTED_NOTE), Value("")),
    )
    return list(run_ids)


def report_runs_requeue_pending(
    *, after: dt.timedelta = REQUEUE_AFTER, within: dt.timedelta = REQUEUE_WITHIN
) -> list[int]:
    """Queue the send of runs left pending again; returns their ids.

    A run pending longer than ``after`` since it was created was never claimed by a worker: its
    message was lost (Redis restarted without persistence, or the monthly job stopped before
    queueing it). A run whose send is kept as pending work (Redis down) is left to the pending-work
    flush. Safe to repeat: the claim lets one delivery send and the others skip.
    """
    now = timezone.now()
    kept = {
        task.kwargs.get("run_id")
        for task in PendingTask.objects.filter(task_name=SEND_TASK).only("kwargs")
    }
    run_ids = [
        run_id
        for run_id in ReportRun.objects.filter(
            status=ReportRun.Status.PENDING,
            claimed_at__isnull=True,
            created_at__lte=now - after,
            created_at__gte=now - within,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
        if run_id not in kept
    ]
    for run_id in run_ids:
        task_enqueue(task_name=SEND_TASK, kwargs={"run_id": run_id})
    if run_ids:
        logger.warning("Report runs left pending queued again: %s", run_ids)
    return run_ids


def report_run_alert_failed(*, run_id: int) -> bool:
    """Tell the national administrators that a run ended failed: once per failure.

    The note written after the error is the guard (a conditional update, as the claim): whoever
    writes it logs the event and queues the e-mail; a second caller finds it written and does
    nothing. Returns whether this call alerted.
    """
    alerted = (
        ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.FAILED)
        .exclude(last_error__endswith=ALERTED_NOTE)
        .update(last_error=Concat(F("last_error"), Value(ALERTED_NOTE)))
    )
    if not alerted:
        return False
    run = ReportRun.objects.select_related("recipient").get(pk=run_id)
    security_event(
        "report_run_failed",
        level=logging.ERROR,
        target_user=run.recipient.username,
        status=run.status,
        scope={
            "report_run": run.pk,
            "kind": run.kind,
            "period": f"{run.period_start:%Y-%m}",
            "scope_key": run.scope_key,
            "attempts": run.attempts,
        },
    )
    task_enqueue(task_name=ALERT_TASK, kwargs={"run_id": run_id})
    return True


def report_run_failure_mail(*, run_id: int) -> int:
    """The alert e-mail about a failed run, to every active national administrator with an
    address. Returns how many it went to; raises ReportDeliveryError if SMTP fails."""
    run = ReportRun.objects.select_related("region").get(pk=run_id)
    to = sorted(
        get_user_model()
        .objects.filter(is_active=True, scope__role=UserScope.Role.NATIONAL_ADMIN)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not to:
        logger.error("Report run %s failed and no national administrator has an address", run_id)
        return 0
    period, scope = _period_and_scope(run)
    link = reverse("admin:indicators_reportrun_change", args=[run.pk])
    error = run.last_error.removesuffix(ALERTED_NOTE)
    message = EmailMessage(
        subject=f"Månedsrapport ikke sendt: {scope.label}, {period_label(period)}, til {run.email}",
        body="\n".join(
            [
                f"Månedsrapporten for {period_label(period)} ({scope.label}) til {run.email} "
                f"ble ikke sendt etter {run.attempts} forsøk.",
                "",
                f"Siste feil: {error}",
                "",
                "Når feilen er rettet: velg utsendingen og «Send på nytt» i administrasjonen.",
                f"{settings.PUBLIC_BASE_URL}{link}",
            ]
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=to,
        headers={"X-Report-Run": str(run.pk)},
    )
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as exc:
        raise ReportDeliveryError(str(exc)) from exc
    return len(to)


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
            outcome = report_send(run_id=run_id)  # a failure here is final: it alerts
        except ReportDeliveryError:
            failed += 1
            continue
        sent += outcome == "sent"
        skipped += outcome == "skipped"
    return MonthlyResult(period, sent, skipped, failed, [])
