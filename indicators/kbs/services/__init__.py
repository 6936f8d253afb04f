"""Every write of the KBS report (admin, commands and tasks call these, nothing else)."""

from .decisions import kbs_decision_undo, kbs_mark, kbs_projects_revoke_ineligible
from .figures import kbs_project_report, kbs_site_number_report
from .notices import kbs_reminder_send, kbs_reminders_queue
from .periods import (
    reporting_period_close,
    reporting_period_create,
    reporting_period_finalise,
    reporting_period_get_or_create,
    reporting_period_open,
)
from .report import kbs_report_build

__all__ = [
    "kbs_decision_undo",
    "kbs_mark",
    "kbs_project_report",
    "kbs_projects_revoke_ineligible",
    "kbs_reminder_send",
    "kbs_reminders_queue",
    "kbs_report_build",
    "kbs_site_number_report",
    "reporting_period_close",
    "reporting_period_create",
    "reporting_period_finalise",
    "reporting_period_get_or_create",
    "reporting_period_open",
]
