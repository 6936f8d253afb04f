"""Recognising a registry file by its content and reading it into ``StudyRecord``s.

Each format is one small module with ``parse(raw) -> StudyRecord`` and ``registry_id(raw)``. A
file or record that cannot be read becomes a ``RecordError`` with a Norwegian message, never the
parser's own text.
"""

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from ..records import RecordError, RecordProblem, StudyRecord
from . import aact, ctgov_classic, ctgov_csv, ctgov_v1, ctgov_v2, ctis_csv, ctis_json, helsenorge

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


def read_paths(paths: Iterable[Path], *, root: Path | None = None) -> Iterator[ParsedFile]:
    """Every file under the given files and folders (sorted), read."""
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                yield read_file(child, name=_name(child, root or path))
        else:
            yield read_file(path, name=_name(path, root or path.parent))


def _name(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return path.name


def read_file(path: Path, *, name: str | None = None) -> ParsedFile:
    name = name or path.name
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
    return ParsedFile(name, module.LABEL, list(_parse_all(module, raws, name)))


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
    for module in CSV_FORMATS:
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
