"""Recognising a registry file by its content and reading it into ``StudyRecord``s.

Each format is one small module with ``parse(raw) -> StudyRecord`` and ``registry_id(raw)``. A
file or record that cannot be read becomes a ``RecordError`` with a Norwegian message, never the
parser's own text.
"""

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from ..records import RecordError, RecordProblem, StudyRecord
from . import (
    aact,
    aact_crossreg,
    ctgov_classic,
    ctgov_csv,
    ctgov_v1,
    ctgov_v2,
    ctis_csv,
    ctis_json,
    helsenorge,
)

JSON_FORMATS: tuple[ModuleType, ...] = (ctgov_v2, ctgov_v1, ctgov_classic, ctis_json, helsenorge)
CSV_FORMATS: tuple[ModuleType, ...] = (ctgov_csv, ctis_csv, aact)
SUPPORTED = ", ".join(
    m.LABEL
    for m in (ctgov_v2, ctgov_v1, ctgov_classic, ctgov_csv, ctis_csv, ctis_json, helsenorge, aact)
)


class UnreadableFile(RecordProblem):
    """A file that is broken (empty, invalid JSON or XML), not merely of another kind."""


@dataclass
class ParsedFile:
    """What one file held: its format, its records, and a problem if it could not be read."""

    name: str
    label: str = ""
    items: list[StudyRecord | RecordError] = field(default_factory=list)
    problem: str = ""
    unreadable: bool = False  # broken (an error), rather than a file of another kind
    rows: list[dict] | None = None  # an AACT table's rows, parsed once the tables are joined


def read_paths(paths: Iterable[Path], *, root: Path | None = None) -> Iterator[ParsedFile]:
    """Every file under the given files and folders (sorted), read. The AACT tables among them
    (an extract's studies table, its subsets and its cross-registration table) are joined on the
    NCT number first, so each trial is read once with everything the tables hold about it."""
    tables: list[ParsedFile] = []
    for path in paths:
        children = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        base = root or (path if path.is_dir() else path.parent)
        for child in children:
            parsed = _read_path(child, _name(child, base))
            if parsed.rows is None:
                yield parsed
            else:
                tables.append(parsed)
    yield from _joined(tables)


def _name(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return path.name


def read_file(path: Path, *, name: str | None = None) -> ParsedFile:
    """One file, read (an AACT table on its own)."""
    parsed = _read_path(path, name or path.name)
    return parsed if parsed.rows is None else next(iter(_joined([parsed])))


def _read_path(path: Path, name: str) -> ParsedFile:
    try:
        content = path.read_bytes()
    except OSError:
        return ParsedFile(name, problem="Filen kunne ikke leses.", unreadable=True)
    try:
        return _read(content, name)
    except (UnreadableFile, ctgov_classic.UnreadableXml) as exc:
        return ParsedFile(name, problem=str(exc), unreadable=True)
    except RecordProblem as exc:
        return ParsedFile(name, problem=str(exc))


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")  # a byte-order mark is allowed, not an error
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _read(content: bytes, name: str) -> ParsedFile:
    text = _decode(content).strip()
    if not text:
        raise UnreadableFile("Filen er tom.")
    if text.startswith("<"):
        module, raws = ctgov_classic, list(ctgov_classic.xml_records(text.encode()))
    elif text[0] in "[{":
        module, raws = _json(text)
    else:
        module, raws = _table(text)
        if module in (aact, aact_crossreg):
            return ParsedFile(name, module.LABEL, rows=raws)
    return ParsedFile(name, module.LABEL, list(_parse_all(module, raws, name)))


def _joined(tables: list[ParsedFile]) -> list[ParsedFile]:
    """The AACT tables as one: the trials of the studies tables (the widest table first), each
    completed from the other tables' rows with the same NCT number. The other tables are listed
    with what they were joined to."""
    if not tables:
        return []
    studies = sorted(
        (t for t in tables if t.label == aact.LABEL), key=lambda t: -len((t.rows or [{}])[0])
    )
    others = [t for t in tables if t.label != aact.LABEL]
    if not studies:
        return [replace(t, rows=None, problem=aact.NO_STUDIES) for t in tables]
    main = studies[0]
    rows = aact.join([t.rows or [] for t in studies], [t.rows or [] for t in others])
    joined = [replace(main, rows=None, items=list(_parse_all(aact, rows, main.name)))]
    note = aact.JOINED.format(name=main.name)
    joined += [replace(t, rows=None, label=f"{t.label} {note}") for t in [*studies[1:], *others]]
    return joined


def _json(text: str) -> tuple[ModuleType, list[Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableFile(
            f"Filen er ikke gyldig JSON (feil på linje {exc.lineno}, kolonne {exc.colno})."
        ) from None
    for module in JSON_FORMATS:
        if module.looks_like(data):
            reader: Callable[[Any], Iterable[Any]] | None = getattr(module, "records", None)
            raws = list(reader(data)) if reader else (data if isinstance(data, list) else [data])
            return module, raws
    raise RecordProblem(
        f"JSON-filen er ikke i et kjent registerformat. Kjente formater: {SUPPORTED}."
    )


def _table(text: str) -> tuple[ModuleType, list[dict]]:
    header = text.splitlines()[0]
    delimiter = max(",|;\t", key=header.count)
    rows = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    columns = set(rows.fieldnames or [])
    for module in (*CSV_FORMATS, aact_crossreg):
        if module.COLUMNS <= columns:
            rows_list = list(rows)
            if module is ctis_csv:
                rows_list = [{**row, "_in_norway": ctis_csv.in_norway(row)} for row in rows_list]
            return module, rows_list
    raise RecordProblem(
        f"Kolonnene i filen gjenkjennes ikke som et registerformat. Kjente formater: {SUPPORTED}."
    )


def _parse_all(
    module: ModuleType, raws: list[Any], name: str
) -> Iterator[StudyRecord | RecordError]:
    for index, raw in enumerate(raws, start=1):
        try:
            ident = module.registry_id(raw)
        except (KeyError, TypeError, AttributeError):
            ident = ""
        label = ident or f"{name}, post {index}"
        try:
            record = module.parse(raw)
        except RecordProblem as exc:
            yield RecordError(label, str(exc))
            continue
        except KeyError as exc:
            yield RecordError(label, f"Posten mangler feltet «{exc.args[0]}».")
            continue
        except (TypeError, ValueError, AttributeError):
            yield RecordError(label, "Posten har et uventet format og ble ikke importert.")
            continue
        if isinstance(raw, dict) and "_in_norway" in raw:
            record.in_norway = bool(raw["_in_norway"])
        yield record
