"""Thin Celery tasks: each one calls a service."""

from celery import shared_task
from django.utils import timezone

from . import services
from .services import public


@shared_task(name="trials.tasks.close_expired_recruitment", acks_late=True)
def close_expired_recruitment() -> int:
    """Nightly: close studies whose planned recruitment end has passed (idempotent)."""
    return services.study_close_expired_recruitment(today=timezone.localdate())


@shared_task(name="trials.tasks.prune_public_changes", acks_late=True)
def prune_public_changes() -> int:
    """Nightly: keep the public change log short; the change stamp stays as it was."""
    return public.public_change_prune(now=timezone.now())


# Registry imports: a run started in the admin, and the nightly drop-folder inbox.
@shared_task(name="trials.tasks.registry_import_run", acks_late=True)
def registry_import_run(run_id: int) -> str:
    """Run one import started in the admin (idempotent: a run already done is left alone)."""
    from .services.imports.runs import importrun_execute

    return importrun_execute(run_id=run_id).state


@shared_task(name="trials.tasks.registry_import_inbox", acks_late=True)
def registry_import_inbox() -> int:
    """Nightly: import what was dropped in the import folder's inbox."""
    from .services.imports.runs import importrun_inbox

    run = importrun_inbox(today=timezone.localdate())
    return run.pk if run else 0
