"""ClinicalTrials.gov API v2 JSON through the one registry import (``trials.services.imports``).

Kept for the callers that hand over v2 records already read (``ctgov_read``); everything else —
which study a record is, dates by meaning, sites, lifecycle, the report — is the import service's.
"""

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sites.models import Organisation

from .imports import ImportContext, ImportReport, import_records
from .imports.formats import _parse_all, ctgov_v2
from .imports.sitematch import OrganisationMatcher, normalise_name

__all__ = ["ImportReport", "OrganisationMatcher", "ctgov_import", "ctgov_read", "normalise_name"]


def ctgov_read(path: Path) -> list[dict[str, Any]]:
    """The records in a file: a single study, an API page, or a ``ctg-studies.json`` array."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"Filen er ikke gyldig JSON (feil på linje {exc.lineno}, kolonne {exc.colno})."
        ) from None
    if not ctgov_v2.looks_like(data):
        raise ValueError("Filen er ikke en ClinicalTrials.gov-fil (API v2 JSON).")
    return list(ctgov_v2.records(data))


def ctgov_import(
    *,
    records: Iterable[dict],
    default_organisation: Organisation | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import v2 records one by one; a bad record is reported with its NCT id, the rest go in."""
    items = list(_parse_all(ctgov_v2, list(records), "ClinicalTrials.gov"))
    ctx = ImportContext(default_organisation=default_organisation)
    return import_records(items=items, ctx=ctx, progress=progress)
