"""Export of participation to the national patient register (NPR), as reconciled batches.

One JSON Lines file per organisation and month, ``<period>/participation-<period>-<orgnr>.jsonl``,
with a ``.sha256`` beside it. One line per enrolment active during the month, sorted by enrolment::

    {"export_pseudonym": "<64 hex>", "study_id": "KS…", "rek": "…", "eu_ct": "…", "nct": "…",
     "category": "kbs", "organisation_orgnr": "…", "included_on": "2026-10-03",
     "ended_on": null, "status": "included"}

``export_pseudonym`` is an HMAC of the internal pseudonym with EXPORT_PSEUDONYM_KEY, so the file
cannot be linked to the internal database without both keys. The same data gives the same bytes:
fixed field order, sorted rows, no timestamps. Who is exported is decided by the consents
selector ``enrolment_exportable`` (the consent ledger, reservations and erasure, never the
enrolment's status alone). Rows are streamed from the database, so memory stays flat whatever
the size.

Each file is an ``ExportBatch`` (batch id, row count, sha256, the rules version, when it was
made and put in place). A run writes every file to a temporary file in the same directory,
fsyncs it and renames it into place; then it supersedes the batches whose bytes changed and
removes every file of the period it no longer produces (an organisation whose only person is now
reserved has no file left, not last month's). ``participation_export_reconcile`` recomputes what
the export would contain now and compares it with the batches and the files on disk.
"""

import datetime as dt
import fcntl
import hashlib
import hmac
import itertools
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sites.periods import Period

from ..models import ExportBatch
from ..selectors import enrolment_exportable

# The version of the rules deciding who is exported (``consents.selectors.enrolment_exportable``
# and this module). Change it when they change: every batch records the version it was made by,
# and reconciliation reports batches made by other rules.
EXPORT_RULES_VERSION = "2026-11"

FIELDS = (
    "export_pseudonym",
    "study_id",
    "rek",
    "eu_ct",
    "nct",
    "category",
    "organisation_orgnr",
    "included_on",
    "ended_on",
    "status",
)
SIDECAR = ".sha256"


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """``"2026-10"`` → (2026-10-01, 2026-10-31); a ``ValueError`` for anything but a month."""
    try:
        month = Period.parse_month(period)
    except ValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from exc
    return month.start, month.last_day


def previous_period(today: dt.date) -> str:
    return str(Period.month_of(today).previous())


def export_file_name(*, period: str, orgnr: str | None, organisation_id: int) -> str:
    return f"participation-{period}-{orgnr or f'org{organisation_id}'}.jsonl"


def _is_export_file(name: str, period: str) -> bool:
    """A file the export of ``period`` writes (data, checksum, or a temporary file of a run)."""
    return name.startswith((f"participation-{period}-", f".participation-{period}-"))


# --- the rows ----------------------------------------------------------------------------------


def _exportable_rows(period: str, *, organisation_id: int | None = None):
    start, end = period_bounds(period)
    rows = enrolment_exportable(period_start=start, period_end=end)
    if organisation_id is not None:
        rows = rows.filter(site__organisation_id=organisation_id)
    return rows.order_by("site__organisation__orgnr", "site__organisation_id", "id").values_list(
        "site__organisation__orgnr",
        "site__organisation_id",
        "participant__pseudonym",
        "study__public_id",
        "study__rek_number",
        "study__eu_ct_number",
        "study__nct_id",
        "study__category",
        "included_on",
        "ended_on",
        "status",
    )


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _line(key: bytes, row: tuple) -> bytes:
    orgnr, _org_id, pseudonym, public_id, rek, eu_ct, nct, category, inc, ended, status = row
    return (
        _dumps(
            {
                "export_pseudonym": hmac.new(key, pseudonym.encode(), hashlib.sha256).hexdigest(),
                "study_id": public_id,
                "rek": rek,
                "eu_ct": eu_ct,
                "nct": nct,
                "category": category,
                "organisation_orgnr": orgnr,
                "included_on": inc.isoformat(),
                "ended_on": ended.isoformat() if ended else None,
                "status": status,
            }
        )
        + "\n"
    ).encode()


@dataclass
class _File:
    """One organisation's file as the export makes it now."""

    organisation_id: int
    orgnr: str | None
    name: str
    sha256: str = ""
    rows: int = 0
    tmp: Path | None = None


def _files(period: str, chunk_size: int) -> Iterator[tuple[_File, Iterator[bytes]]]:
    """The period's files, one organisation at a time, each with its lines (streamed)."""
    key = settings.EXPORT_PSEUDONYM_KEY.encode()
    rows = _exportable_rows(period).iterator(chunk_size=chunk_size)
    for (orgnr, org_id), group in itertools.groupby(rows, key=lambda row: (row[0], row[1])):
        name = export_file_name(period=period, orgnr=orgnr, organisation_id=org_id)
        yield (
            _File(organisation_id=org_id, orgnr=orgnr, name=name),
            (_line(key, row) for row in group),
        )


# --- writing -----------------------------------------------------------------------------------


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _temp_path(directory: Path, name: str) -> Path:
    return directory / f".{name}.{secrets.token_hex(8)}.tmp"


def _write_temp(directory: Path, name: str, chunks) -> tuple[Path, str, int]:
    """Write ``chunks`` to a new temporary file beside ``name``, fsynced; (path, sha256, lines)."""
    tmp = _temp_path(directory, name)
    digest, count = hashlib.sha256(), 0
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
                digest.update(chunk)
                count += 1
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp, digest.hexdigest(), count


def _atomic_write_text(path: Path, text: str) -> None:
    tmp, _sha, _n = _write_temp(path.parent, path.name, [text.encode()])
    os.replace(tmp, path)


@contextmanager
def _period_lock(root: Path, period: str):
    """One run of a period at a time on this host (the beat job and a manual run, say)."""
    with open(root / f".participation-{period}.lock", "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


@dataclass
class ExportResult:
    period: str
    files: dict[str, str] = field(default_factory=dict)  # path → sha256 of every file on disk
    rows: int = 0
    batches: list[ExportBatch] = field(default_factory=list)  # the current batches, by file
    new_batches: list[str] = field(default_factory=list)  # ids of the batches made by this run
    superseded: list[str] = field(default_factory=list)  # ids of the batches this run replaced
    removed: list[str] = field(default_factory=list)  # paths of files no longer produced


def participation_export(
    *, period: str, directory: Path | str | None = None, chunk_size: int = 5000
) -> ExportResult:
    """Write the period's files and batches, replacing and removing the earlier ones.

    Every file is written to a temporary file in the same directory, fsynced and renamed into
    place, so a reader never sees half a file. A batch whose bytes (and rules version) are the
    same as the current one's is kept with its id; any other change makes a new batch and
    supersedes the old one. Files of the period the run no longer produces are removed, so what
    the run reports is what is on disk.
    """
    period_bounds(period)
    root = Path(directory or settings.PARTICIPATION_EXPORT_DIR)
    out_dir = root / period
    out_dir.mkdir(parents=True, exist_ok=True)
    with _period_lock(root, period):
        made: list[_File] = []
        try:
            for file, lines in _files(period, chunk_size):
                file.tmp, file.sha256, file.rows = _write_temp(out_dir, file.name, lines)
                made.append(file)
            return _publish(period=period, out_dir=out_dir, made=made)
        finally:
            for file in made:
                if file.tmp is not None:
                    file.tmp.unlink(missing_ok=True)


def _same(batch: ExportBatch, file: _File) -> bool:
    return (
        batch.sha256 == file.sha256
        and batch.file_name == file.name
        and batch.row_count == file.rows
        and batch.rules_version == EXPORT_RULES_VERSION
    )


@transaction.atomic
def _publish(*, period: str, out_dir: Path, made: list[_File]) -> ExportResult:
    """Put the written files in place and record them; a failure leaves the batches as they were
    (and reconciliation shows any file already replaced until the next run)."""
    started = timezone.now()
    current = {
        batch.organisation_id: batch
        for batch in ExportBatch.objects.select_for_update().filter(
            period=period, status=ExportBatch.Status.CURRENT
        )
    }
    result = ExportResult(period=period)
    for file in made:
        final = out_dir / file.name
        assert file.tmp is not None  # every file in ``made`` has been written
        os.replace(file.tmp, final)
        file.tmp = None
        _atomic_write_text(final.with_name(final.name + SIDECAR), f"{file.sha256}  {file.name}\n")
        result.files[str(final)] = file.sha256
        result.rows += file.rows
    _fsync_directory(out_dir)
    sent = timezone.now()

    for file in made:
        old = current.pop(file.organisation_id, None)
        if old is not None and _same(old, file):
            result.batches.append(old)
            continue
        if old is not None:
            _supersede(old, at=sent)
            result.superseded.append(str(old.batch_id))
        batch = ExportBatch.objects.create(
            period=period,
            organisation_id=file.organisation_id,
            file_name=file.name,
            row_count=file.rows,
            sha256=file.sha256,
            rules_version=EXPORT_RULES_VERSION,
            created_at=started,
            sent_at=sent,
        )
        if old is not None:
            old.superseded_by = batch
            old.save(update_fields=["superseded_by"])
        result.batches.append(batch)
        result.new_batches.append(str(batch.batch_id))
    for old in current.values():  # the organisation has no file any more
        _supersede(old, at=sent)
        result.superseded.append(str(old.batch_id))

    produced = {name for file in made for name in (file.name, file.name + SIDECAR)}
    for path in sorted(out_dir.iterdir()):
        if path.is_file() and _is_export_file(path.name, period) and path.name not in produced:
            path.unlink()
            result.removed.append(str(path))
    if result.removed:
        _fsync_directory(out_dir)
    return result


def _supersede(batch: ExportBatch, *, at: dt.datetime) -> None:
    batch.status = ExportBatch.Status.SUPERSEDED
    batch.superseded_at = at
    batch.save(update_fields=["status", "superseded_at"])


# --- reconciliation ----------------------------------------------------------------------------


class DifferenceKind:
    MISSING_FILE = "missing_file"
    CHECKSUM_MISMATCH = "checksum_mismatch"
    ROW_COUNT_MISMATCH = "row_count_mismatch"
    PERSON_NOT_EXPORTABLE = "person_not_exportable"
    STRAY_FILE = "stray_file"
    STALE_BATCH = "stale_batch"
    BATCH_MISSING = "batch_missing"
    RULES_VERSION = "rules_version"


@dataclass(frozen=True)
class Difference:
    kind: str
    file_name: str
    nb: str  # what differs, in Norwegian
    en: str  # and in English

    def __str__(self) -> str:
        return f"[{self.kind}] {self.file_name}: {self.nb} / {self.en}"


@dataclass
class ReconcileReport:
    period: str
    directory: Path
    batches: int = 0
    files_on_disk: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences

    def kinds(self) -> set[str]:
        return {d.kind for d in self.differences}

    def lines(self) -> list[str]:
        head = (
            f"Avstemming av NPR-eksporten for {self.period} / reconciliation of the NPR export for "
            f"{self.period} ({self.directory}): {self.batches} gjeldende batcher / current batches, "
            f"{self.files_on_disk} filer på disk / files on disk."
        )
        if self.ok:
            return [head, "Ingen avvik / no differences."]
        return [
            head,
            *(str(d) for d in self.differences),
            f"{len(self.differences)} avvik / differences. Kjør eksporten på nytt for perioden "
            f"og undersøk filene som er endret eller lagt til for hånd / re-run the export for the "
            f"period and look into files changed or added by hand.",
        ]


def _digest_file(path: Path) -> tuple[str, int]:
    digest, lines = hashlib.sha256(), 0
    with path.open("rb") as handle:
        for line in handle:
            digest.update(line)
            lines += 1
    return digest.hexdigest(), lines


def _export_pseudonyms_now(period: str, organisation_id: int) -> set[str]:
    """The export pseudonyms the export would now write in one organisation's file."""
    key = settings.EXPORT_PSEUDONYM_KEY.encode()
    pseudonyms = _exportable_rows(period, organisation_id=organisation_id).values_list(
        "participant__pseudonym", flat=True
    )
    return {
        hmac.new(key, p.encode(), hashlib.sha256).hexdigest()
        for p in pseudonyms.iterator(chunk_size=5000)
    }


def _lines_not_allowed(path: Path, allowed: set[str]) -> list[int]:
    """Line numbers of ``path`` naming a person who is not in ``allowed``."""
    found = []
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                pseudonym = json.loads(line).get("export_pseudonym")
            except (ValueError, AttributeError):
                continue
            if pseudonym is not None and pseudonym not in allowed:
                found.append(number)
    return found


def _line_numbers(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10])
    return shown + (" …" if len(numbers) > 10 else "")


def participation_export_reconcile(
    *, period: str, directory: Path | str | None = None, chunk_size: int = 5000
) -> ReconcileReport:
    """Recompute the period's export and compare it with the current batches and the files on
    disk. Reports (never repairs) every difference: a batch's file missing, its checksum or row
    count not the batch's, a file on disk that belongs to no current batch, a person in a file
    whom the export would now leave out, a batch the export would now write differently or not
    at all, a file it would write that has no batch, and batches made by other rules."""
    period_bounds(period)
    out_dir = Path(directory or settings.PARTICIPATION_EXPORT_DIR) / period
    batches = {
        batch.file_name: batch
        for batch in ExportBatch.objects.filter(period=period, status=ExportBatch.Status.CURRENT)
    }
    expected = _expected_files(period, chunk_size)
    on_disk = sorted(p.name for p in out_dir.iterdir() if p.is_file()) if out_dir.is_dir() else []
    report = ReconcileReport(
        period=period, directory=out_dir, batches=len(batches), files_on_disk=len(on_disk)
    )
    digests: dict[str, tuple[str, int]] = {}
    for name, batch in sorted(batches.items()):
        report.differences += _batch_file_differences(name, batch, out_dir / name, digests)
        report.differences += _sidecar_differences(name, batch, out_dir)
        report.differences += _batch_rule_differences(name, batch, expected.get(name))
    report.differences += _unbatched_differences(expected, batches)
    report.differences += _stray_differences(on_disk, batches)
    report.differences += _person_differences(period, out_dir, on_disk, expected, digests)
    return report


def _expected_files(period: str, chunk_size: int) -> dict[str, _File]:
    """The files the export would write now, each with its checksum and row count."""
    expected: dict[str, _File] = {}
    for file, lines in _files(period, chunk_size):
        digest = hashlib.sha256()
        for line in lines:
            digest.update(line)
            file.rows += 1
        file.sha256 = digest.hexdigest()
        expected[file.name] = file
    return expected


def _batch_file_differences(
    name: str, batch: ExportBatch, path: Path, digests: dict[str, tuple[str, int]]
) -> list[Difference]:
    differences: list[Difference] = []
    add = differences.append
    if not path.is_file():
        add(
            Difference(
                DifferenceKind.MISSING_FILE,
                name,
                f"filen til batch {batch.batch_id} mangler på disk",
                f"the file of batch {batch.batch_id} is missing on disk",
            )
        )
    else:
        sha, rows = digests[name] = _digest_file(path)
        if sha != batch.sha256:
            add(
                Difference(
                    DifferenceKind.CHECKSUM_MISMATCH,
                    name,
                    f"sjekksummen på disk er {sha}, batchen har {batch.sha256}",
                    f"the checksum on disk is {sha}, the batch has {batch.sha256}",
                )
            )
        if rows != batch.row_count:
            add(
                Difference(
                    DifferenceKind.ROW_COUNT_MISMATCH,
                    name,
                    f"{rows} rader på disk, batchen har {batch.row_count}",
                    f"{rows} rows on disk, the batch has {batch.row_count}",
                )
            )
    return differences


def _sidecar_differences(name: str, batch: ExportBatch, out_dir: Path) -> list[Difference]:
    differences: list[Difference] = []
    add = differences.append
    sidecar = out_dir / (name + SIDECAR)
    if not sidecar.is_file():
        add(
            Difference(
                DifferenceKind.MISSING_FILE,
                sidecar.name,
                "sjekksumfilen mangler på disk",
                "the checksum file is missing on disk",
            )
        )
    elif sidecar.read_text(errors="replace").split()[:1] != [batch.sha256]:
        add(
            Difference(
                DifferenceKind.CHECKSUM_MISMATCH,
                sidecar.name,
                "sjekksumfilen stemmer ikke med batchen",
                "the checksum file does not match the batch",
            )
        )
    return differences


def _batch_rule_differences(name: str, batch: ExportBatch, now: _File | None) -> list[Difference]:
    differences: list[Difference] = []
    add = differences.append
    if batch.rules_version != EXPORT_RULES_VERSION:
        add(
            Difference(
                DifferenceKind.RULES_VERSION,
                name,
                f"batchen er laget etter reglene {batch.rules_version}, gjeldende er "
                f"{EXPORT_RULES_VERSION}",
                f"the batch was made by rules {batch.rules_version}, the current ones are "
                f"{EXPORT_RULES_VERSION}",
            )
        )
    if now is None:
        add(
            Difference(
                DifferenceKind.STALE_BATCH,
                name,
                f"eksporten ville nå ikke laget denne filen (batchen har {batch.row_count} rader)",
                f"the export would now not write this file (the batch has {batch.row_count} rows)",
            )
        )
    elif now.sha256 != batch.sha256:
        add(
            Difference(
                DifferenceKind.STALE_BATCH,
                name,
                f"eksporten ville nå skrevet den annerledes: {now.rows} rader, batchen har "
                f"{batch.row_count}",
                f"the export would now write it differently: {now.rows} rows, the batch has "
                f"{batch.row_count}",
            )
        )
    return differences


def _unbatched_differences(expected: dict[str, _File], batches: dict) -> list[Difference]:
    differences: list[Difference] = []
    add = differences.append
    for name, file in sorted(expected.items()):
        if name not in batches:
            add(
                Difference(
                    DifferenceKind.BATCH_MISSING,
                    name,
                    f"eksporten ville nå skrevet {file.rows} rader, men det finnes ingen batch",
                    f"the export would now write {file.rows} rows, but there is no batch",
                )
            )

    return differences


def _stray_differences(on_disk: list[str], batches: dict) -> list[Difference]:
    differences: list[Difference] = []
    add = differences.append
    belongs = {n for name in batches for n in (name, name + SIDECAR)}
    for name in on_disk:
        if name not in belongs:
            add(
                Difference(
                    DifferenceKind.STRAY_FILE,
                    name,
                    "filen hører ikke til noen gjeldende batch",
                    "the file belongs to no current batch",
                )
            )
    return differences


def _person_differences(
    period: str,
    out_dir: Path,
    on_disk: list[str],
    expected: dict[str, _File],
    digests: dict[str, tuple[str, int]],
) -> list[Difference]:
    """Persons in a file on disk whom the export would now leave out."""
    differences: list[Difference] = []
    add = differences.append
    for name in on_disk:
        if name.endswith(SIDECAR):
            continue
        path, now = out_dir / name, expected.get(name)
        if now is not None:
            sha, _rows = digests.get(name) or _digest_file(path)
            if sha == now.sha256:
                continue  # exactly what the export would write now
        allowed = _export_pseudonyms_now(period, now.organisation_id) if now else set()
        numbers = _lines_not_allowed(path, allowed)
        if numbers:
            add(
                Difference(
                    DifferenceKind.PERSON_NOT_EXPORTABLE,
                    name,
                    f"{len(numbers)} personer som ikke lenger skal eksporteres (linje "
                    f"{_line_numbers(numbers)})",
                    f"{len(numbers)} persons who may no longer be exported (line "
                    f"{_line_numbers(numbers)})",
                )
            )
    return differences
