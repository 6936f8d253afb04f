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
}
