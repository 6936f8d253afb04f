"""Handing work to Celery without losing it when the broker (Redis) is down.

``task_enqueue`` sends after the transaction commits; if the broker cannot be reached the task is
stored as a ``PendingTask`` row and ``pending_tasks_flush`` (every minute from beat, and by hand
with ``manage.py flush_pending_tasks``) sends it once the broker answers again.
"""

import logging

from celery import current_app
from django.db import transaction

from ..models import PendingTask

logger = logging.getLogger(__name__)

# Fail fast when Redis is down instead of holding a web request for Celery's default retries.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}


def _send(*, task_name: str, kwargs: dict) -> None:
    current_app.send_task(
        task_name, kwargs=kwargs, retry=True, retry_policy=PUBLISH_RETRY_POLICY, ignore_result=True
    )


def _registered_task(task_name: str):
    """The task object; a web process has not imported the apps' ``tasks`` modules by itself."""
    if task_name not in current_app.tasks:
        current_app.loader.import_default_modules()  # runs autodiscover_tasks()
    return current_app.tasks[task_name]


def task_enqueue(*, task_name: str, kwargs: dict | None = None) -> None:
    """Queue ``task_name`` after commit; keep it as pending work if the broker is unreachable.

    The one way the apps hand work to Celery (no ``.delay()``): ``kwargs`` are ids and periods,
    never personal data, because they travel through Redis and may sit in ``PendingTask``. Without
    ``CELERY_BROKER_URL`` the task runs in-process after commit. The callback is robust: what was
    saved stays saved even if the follow-up (e-mail, notice) fails, as the tasks retry themselves.
    """
    kwargs = kwargs or {}

    def send() -> None:
        if current_app.conf.task_always_eager:
            _registered_task(task_name).apply(kwargs=kwargs)
            return
        try:
            _send(task_name=task_name, kwargs=kwargs)
        except Exception as exc:  # noqa: BLE001 - any broker failure means "keep it for later"
            logger.warning("broker unreachable, task %s kept as pending: %s", task_name, exc)
            PendingTask.objects.create(
                task_name=task_name, kwargs=kwargs, attempts=1, last_error=str(exc)[:500]
            )

    transaction.on_commit(send, robust=True)


def pending_tasks_flush(*, batch_size: int = 500) -> int:
    """Send pending tasks to the broker, oldest first; stops at the first failure. Returns sent."""
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                PendingTask.objects.select_for_update(skip_locked=True).order_by("pk")[:batch_size]
            )
            if not batch:
                return sent
            for pending in batch:
                try:
                    _send(task_name=pending.task_name, kwargs=pending.kwargs)
                except Exception as exc:  # noqa: BLE001
                    PendingTask.objects.filter(pk=pending.pk).update(
                        attempts=pending.attempts + 1, last_error=str(exc)[:500]
                    )
                    return sent
                pending.delete()
                sent += 1
