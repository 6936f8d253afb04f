"""Handing work to Celery without losing it when the broker (Redis) is down.

``task_enqueue`` sends after the transaction commits; if the broker cannot be reached the task is
stored as a ``PendingTask`` row and ``pending_tasks_flush`` (every minute from beat, and by hand
with ``manage.py flush_pending_tasks`` or the admin's "Prøv igjen nå") sends it once the broker
answers again. Without a broker (the demo) tasks run in-process; one that still fails after its own
retries (an e-mail while the SMTP server is away) is kept the same way, shown in the admin and run
again by the flush, instead of being lost.
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
            error = _run_in_process(task_name=task_name, kwargs=kwargs)
            if error:
                PendingTask.objects.create(
                    task_name=task_name, kwargs=kwargs, attempts=1, last_error=error
                )
            return
        try:
            _send(task_name=task_name, kwargs=kwargs)
        except Exception as exc:  # noqa: BLE001 - any broker failure means "keep it for later"
            logger.warning("broker unreachable, task %s kept as pending: %s", task_name, exc)
            PendingTask.objects.create(
                task_name=task_name, kwargs=kwargs, attempts=1, last_error=str(exc)[:500]
            )

    transaction.on_commit(send, robust=True)


def _run_in_process(*, task_name: str, kwargs: dict) -> str:
    """Run a task here (no broker); the error that stopped it after its retries, or ""."""
    try:
        result = _registered_task(task_name).apply(kwargs=kwargs)
        if result.failed():
            raise result.result
    except Exception as exc:  # noqa: BLE001 - whatever stopped it, keep the work for later
        logger.warning("task %s failed in-process, kept as pending: %s", task_name, exc)
        return (str(exc) or type(exc).__name__)[:500]
    return ""


def _hand_over(pending: PendingTask) -> str:
    """Send one pending task to the broker, or run it here without one; the error, or ""."""
    if current_app.conf.task_always_eager:
        return _run_in_process(task_name=pending.task_name, kwargs=pending.kwargs)
    try:
        _send(task_name=pending.task_name, kwargs=pending.kwargs)
    except Exception as exc:  # noqa: BLE001
        return str(exc)[:500]
    return ""


def pending_tasks_flush(*, batch_size: int = 500) -> int:
    """Send pending tasks to the broker (or run them here without one), oldest first; stops at
    the first failure. Returns how many went."""
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                PendingTask.objects.select_for_update(skip_locked=True).order_by("pk")[:batch_size]
            )
            if not batch:
                return sent
            for pending in batch:
                error = _hand_over(pending)
                if error:
                    PendingTask.objects.filter(pk=pending.pk).update(
                        attempts=pending.attempts + 1, last_error=error
                    )
                    return sent
                pending.delete()
                sent += 1
