"""The Celery app. Tasks live in each app's ``tasks`` module; the beat schedule is versioned here."""

import os

from celery import Celery
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
    # 05:30 on the 1st of every month: last month's indicators, then the monthly reports. DST changes
    # happen at 02:00/03:00 on Sundays at the end of March and October, so 05:30 always exists once.
    "monthly-indicator-reports": {
        "task": "indicators.tasks.monthly_reports",
        "schedule": crontab(day_of_month=1, hour=5, minute=30),
    },
}
