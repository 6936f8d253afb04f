"""The Celery app. Tasks live in each app's ``tasks`` module; the beat schedule is versioned here."""

import os

from celery import Celery, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("portefolje")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Times are Europe/Oslo (CELERY_TIMEZONE); crontab follows the wall clock across DST changes.
app.conf.beat_schedule = {
    # 01:15 every night: close studies and sites whose planned recruitment end has passed.
    "close-expired-recruitment": {
        "task": "trials.tasks.close_expired_recruitment",
        "schedule": crontab(hour=1, minute=15),
    },
    # 02:30 every night: import the registry files dropped in the import folder's inbox.
    "registry-import-inbox": {
        "task": "trials.tasks.registry_import_inbox",
        "schedule": crontab(hour=2, minute=30),
    },
    # 01:45 every night: keep the public change log to 90 days (the change stamp stays as it was).
    "prune-public-changes": {
        "task": "trials.tasks.prune_public_changes",
        "schedule": crontab(hour=1, minute=45),
    },
    # 07:30 every day: remind agreement contacts of milestones past their planned date.
    "milestone-overdue-reminders": {
        "task": "trials.tasks.milestone_send_overdue_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    # 08:00 every day: remind organisations that have not answered a feasibility request due
    # within two working days.
    "feasibility-reminders": {
        "task": "trials.tasks.feasibility_send_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    # 16:00 every day: send the compiled answer for feasibility requests whose deadline is today
    # (or has passed), whether or not everyone answered.
    "feasibility-compile-due": {
        "task": "trials.tasks.feasibility_compile_due",
        "schedule": crontab(hour=16, minute=0),
    },
    # Every minute: send work that was kept in the database while Redis was down.
    "flush-pending-tasks": {
        "task": "sites.tasks.flush_pending_tasks",
        "schedule": 60.0,
    },
    # Every five minutes (:00, :05, …): queue again the monthly report runs still pending ten
    # minutes after they were made, whose message Redis lost or the monthly job never queued. A
    # second copy is harmless: only one delivery can claim the run.
    "requeue-pending-reports": {
        "task": "indicators.tasks.requeue_pending_reports",
        "schedule": crontab(minute="*/5"),
    },
    # 03:30 on the 5th of every month: last month's participation export to NPR, per organisation.
    "export-participation-monthly": {
        "task": "consents.tasks.export_participation_monthly",
        "schedule": crontab(day_of_month=5, hour=3, minute=30),
    },
    # 02:45 every night: erase participants whose deletion deadline has come.
    "erase-due-participants": {
        "task": "consents.tasks.erase_due_participants",
        "schedule": crontab(hour=2, minute=45),
    },
    # 01:30 every night: KBS projects whose study stopped qualifying (type or approval changed)
    # stop being KBS projects in the open reporting period; their project managers are told.
    "revoke-ineligible-kbs-projects": {
        "task": "kbs.tasks.revoke_ineligible_kbs_projects",
        "schedule": crontab(hour=1, minute=30),
    },
    # 05:30 on the 1st of every month: last month's indicators, then the monthly reports. DST changes
    # happen at 02:00/03:00 on Sundays at the end of March and October, so 05:30 always exists once.
    "monthly-indicator-reports": {
        "task": "indicators.tasks.monthly_reports",
        "schedule": crontab(day_of_month=1, hour=5, minute=30),
    },
}


@signals.worker_init.connect
def _refuse_unsafe_production(**kwargs) -> None:
    from sites.operations.checks import refuse_unsafe_production

    refuse_unsafe_production()


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def _scrub_worker_logs(**kwargs) -> None:
    """A worker replaces the root logger's handlers: no query string or identity number in its
    log either (sites/operations/log_scrub.py)."""
    from sites.operations.log_scrub import handlers_scrub_all

    handlers_scrub_all()
