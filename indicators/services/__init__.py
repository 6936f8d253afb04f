"""Writes for indicators: syncing the catalogue, computing snapshots, preparing and sending reports."""

from .denominators import reported_denominator_check, reported_denominator_record
from .disclosure import snapshots_disclosure_store
from .reports import (
    ReportDeliveryError,
    report_build,
    report_resend,
    report_run_alert_failed,
    report_run_failure_mail,
    report_runs_prepare,
    report_runs_requeue_pending,
    report_send,
    reports_send_monthly,
)
from .snapshots import (
    indicator_catalogue_sync,
    snapshots_compute,
    snapshots_compute_annual,
    snapshots_freeze,
)

__all__ = [
    "ReportDeliveryError",
    "indicator_catalogue_sync",
    "report_build",
    "report_resend",
    "report_run_alert_failed",
    "report_run_failure_mail",
    "report_runs_prepare",
    "report_runs_requeue_pending",
    "report_send",
    "reports_send_monthly",
    "reported_denominator_check",
    "reported_denominator_record",
    "snapshots_compute",
    "snapshots_compute_annual",
    "snapshots_disclosure_store",
    "snapshots_freeze",
]
