"""Writes for indicators: syncing the catalogue, computing snapshots, preparing and sending reports."""

from .reports import (
    ReportDeliveryError,
    report_build,
    report_resend,
    report_runs_prepare,
    report_send,
    reports_send_monthly,
)
from .snapshots import indicator_catalogue_sync, snapshots_compute, snapshots_freeze

__all__ = [
    "ReportDeliveryError",
    "indicator_catalogue_sync",
    "report_build",
    "report_resend",
    "report_runs_prepare",
    "report_send",
    "reports_send_monthly",
    "snapshots_compute",
    "snapshots_freeze",
]
