"""Export of participation to the national patient register (NPR).

One JSON Lines file per organisation and month, ``<period>/participation-<period>-<orgnr>.jsonl``,
with a ``.sha256`` beside it. One line per enrolment active during the month, sorted by enrolment::

    {"export_pseudonym": "<64 hex>", "study_id": "KS…", "rek": "…", "eu_ct": "…", "nct": "…",
     "category": "kbs", "organisation_orgnr": "…", "included_on": "2026-10-03",
     "ended_on": null, "status": "included"}

``export_pseudonym`` is an HMAC of the internal pseudonym with EXPORT_PSEUDONYM_KEY, so the file
cannot be linked to the internal database without both keys. The same data gives the same bytes:
fixed field order, sorted rows, no timestamps. Withdrawn enrolments, erased participants and
persons reserved against register export are left out. Rows are streamed from the database, so
memory stays flat whatever the size.
"""

import calendar
import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from ..selectors import enrolment_exportable

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


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """``"2026-10"`` → (2026-10-01, 2026-10-31)."""
    try:
        year, month = (int(p) for p in period.split("-"))
        first = dt.date(year, month, 1)
    except ValueError as exc:
        raise ValueError(f"Period must look like 2026-10, not {period!r}.") from exc
    return first, first.replace(day=calendar.monthrange(year, month)[1])


def previous_period(today: dt.date) -> str:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return f"{last:%Y-%m}"


@dataclass
class ExportResult:
    period: str
    files: dict[str, str] = field(default_factory=dict)  # path → sha256
    rows: int = 0


def participation_export(
    *, period: str, directory: Path | None = None, chunk_size: int = 5000
) -> ExportResult:
    """Write the period's files (replacing earlier ones atomically) and return paths and checksums."""
    start, end = period_bounds(period)
    out_dir = Path(directory or settings.PARTICIPATION_EXPORT_DIR) / period
    out_dir.mkdir(parents=True, exist_ok=True)
    key = settings.EXPORT_PSEUDONYM_KEY.encode()
    rows = (
        enrolment_exportable(period_start=start, period_end=end)
        .order_by("site__organisation__orgnr", "site__organisation_id", "id")
        .values_list(
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
    )
    result = ExportResult(period=period)
    handle = digest = tmp = final = None
    current_org = None

    def close() -> None:
        handle.close()
        os.replace(tmp, final)
        checksum = digest.hexdigest()
        final.with_name(final.name + ".sha256").write_text(f"{checksum}  {final.name}\n")
        result.files[str(final)] = checksum

    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for (
        orgnr,
        org_id,
        pseudonym,
        public_id,
        rek,
        eu_ct,
        nct,
        category,
        inc,
        ended,
        status,
    ) in rows.iterator(chunk_size=chunk_size):
        if org_id != current_org:
            if handle is not None:
                close()
            current_org = org_id
            final = out_dir / f"participation-{period}-{orgnr or f'org{org_id}'}.jsonl"
            tmp = final.with_name(final.name + ".tmp")
            handle = tmp.open("wb")
            digest = hashlib.sha256()
        line = (
            dumps(
                {
                    "export_pseudonym": hmac.new(
                        key, pseudonym.encode(), hashlib.sha256
                    ).hexdigest(),
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
        handle.write(line)
        digest.update(line)
        result.rows += 1
    if handle is not None:
        close()
    return result
