"""Imports started from the admin or the drop folder: a row with progress, then the report.

The file or folder lives under ``settings.REGISTRY_IMPORT_DIR``; the Celery task gets only the
run's id. Progress is written every few records so the admin page can show a progress bar.
"""

import datetime as dt
import re
import shutil
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sites.operations.services import task_enqueue

from ...models import ImportRun
from .service import import_paths

INBOX = "innboks"
DONE = "behandlet"
UPLOADS = "opplastet"
TASK = "trials.tasks.registry_import_run"


def import_dir() -> Path:
    return Path(settings.REGISTRY_IMPORT_DIR)


def import_folders() -> list[str]:
    """The folders under the drop directory a person may import (relative names)."""
    root = import_dir()
    if not root.is_dir():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_dir())


def _inside(root: Path, relative: str) -> Path:
    path = (root / relative).resolve()
    if path != root.resolve() and root.resolve() not in path.parents:
        raise ValidationError(_("Mappen må ligge i importmappen."))
    return path


@transaction.atomic
def importrun_start(*, label: str, path: Path, user: User | None) -> ImportRun:
    run = ImportRun.objects.create(label=label[:300], path=str(path), started_by=user)
    task_enqueue(task_name=TASK, kwargs={"run_id": run.pk})
    return run


def importrun_upload(*, upload: UploadedFile, user: User | None) -> ImportRun:
    """Keep an uploaded file in the drop directory and import it."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(upload.name or "fil").name)[-120:] or "fil"
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    target = import_dir() / UPLOADS / f"{stamp}-{name}"
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return importrun_start(label=upload.name or name, path=target, user=user)


def importrun_folder(*, folder: str, user: User | None) -> ImportRun:
    """Import a folder under the drop directory (chosen in the admin)."""
    path = _inside(import_dir(), folder)
    if not path.is_dir():
        raise ValidationError(_("Mappen finnes ikke."))
    return importrun_start(label=f"{folder}/", path=path, user=user)


def importrun_execute(*, run_id: int) -> ImportRun:
    """Run the import, writing progress as it goes; the report is kept on the run."""
    run = ImportRun.objects.get(pk=run_id)
    if run.state not in (ImportRun.State.QUEUED, ImportRun.State.FAILED):
        return run  # a second delivery of the same message does nothing
    ImportRun.objects.filter(pk=run.pk).update(state=ImportRun.State.RUNNING)

    def progress(done: int, total: int) -> None:
        if done == total or done % 10 == 0:
            ImportRun.objects.filter(pk=run.pk).update(done=done, total=total)

    try:
        report = import_paths(paths=[Path(run.path)], progress=progress)
    except (OSError, ValidationError):
        ImportRun.objects.filter(pk=run.pk).update(
            state=ImportRun.State.FAILED,
            report={"lines": ["Importen stoppet: filen eller mappen kunne ikke leses."]},
            finished_at=timezone.now(),
        )
        return ImportRun.objects.get(pk=run.pk)
    ImportRun.objects.filter(pk=run.pk).update(
        state=ImportRun.State.DONE,
        done=report.records,
        total=max(report.records, run.total),
        report={**report.as_dict(), "lines": report.lines(limit=200)},
        finished_at=timezone.now(),
    )
    return ImportRun.objects.get(pk=run.pk)


def importrun_inbox(*, today: dt.date) -> ImportRun | None:
    """The nightly import of the drop folder's inbox; its files move to "behandlet/‹date›"."""
    inbox = import_dir() / INBOX
    files = sorted(p for p in inbox.glob("*") if p.is_file()) if inbox.is_dir() else []
    if not files:
        return None
    target = import_dir() / DONE / today.isoformat()
    target.mkdir(parents=True, exist_ok=True)
    for path in files:
        shutil.move(str(path), target / path.name)
    run = ImportRun.objects.create(label=f"{INBOX}/ ({today:%d.%m.%Y})", path=str(target))
    return importrun_execute(run_id=run.pk)


def importrun_status(*, run: ImportRun) -> dict:
    """What the progress bar polls: state, progress and (when done) the report's lines."""
    finished = run.state in (ImportRun.State.DONE, ImportRun.State.FAILED)
    return {
        "state": run.state,
        "state_label": str(run.get_state_display()),
        "done": run.done,
        "total": run.total,
        "finished": finished,
        "lines": run.report.get("lines", []) if finished else [],
    }
