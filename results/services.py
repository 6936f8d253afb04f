"""Writes: results reporting rows, one at a time or loaded from the Nordic trial-reporting data."""

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from trials.models import Study
from trials.validators import validate_eudract, validate_nct

from .models import ResultsReport
from .selectors import SOURCE_NORDIC

# The columns a results report takes its values from (everything but the key and bookkeeping).
REPORT_FIELDS = tuple(
    f.name
    for f in ResultsReport._meta.concrete_fields
    if f.name not in ("id", "registry_id", "study", "created_at", "updated_at")
)


@dataclass
class ResultsLoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0
    errors: list[str] = field(default_factory=list)


def _study_for(*, nct_id: str, eudract_number: str) -> Study | None:
    """The portfolio's study carrying one of the trial's identifiers, when exactly one does."""
    q = Q(pk__in=[])
    if nct_id:
        q |= Q(nct_id=nct_id)
    if eudract_number:
        q |= Q(eudract_number=eudract_number)
    found = list(Study.objects.filter(q).only("pk")[:2])
    return found[0] if len(found) == 1 else None


def _check_identifiers(values: dict) -> None:
    errors = {}
    for name, validate in (("nct_id", validate_nct), ("eudract_number", validate_eudract)):
        if values.get(name):
            try:
                validate(values[name])
            except ValidationError as exc:
                errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def results_report_save(*, registry_id: str, values: dict) -> tuple[ResultsReport, str]:
    """Create or update the report of one registered trial (idempotent); link it to the study of
    the portfolio with the same NCT or EudraCT number. Returns the row and "created", "updated"
    or "unchanged"."""
    unknown = set(values) - set(REPORT_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    _check_identifiers(values)
    report = ResultsReport.objects.select_for_update().filter(registry_id=registry_id).first()
    outcome = "updated"
    if report is None:
        report, outcome = ResultsReport(registry_id=registry_id), "created"
    changed = [name for name, value in values.items() if getattr(report, name, None) != value]
    for name in changed:
        setattr(report, name, values[name])
    study = _study_for(nct_id=report.nct_id, eudract_number=report.eudract_number)
    if study is not None and report.study_id != study.pk:
        report.study = study
        changed.append("study")
    if outcome == "updated" and not changed:
        return report, "unchanged"
    report.full_clean()
    report.save()
    return report, outcome


def _date(text: str) -> dt.date | None:
    return None if text in ("", "NA") else dt.date.fromisoformat(text)


def _text(text: str) -> str:
    return "" if text == "NA" else text.strip()


def _url(text: str) -> str:
    """The source writes some links without a scheme ("doi.org/10.1111/…")."""
    return f"https://{text}" if text and "://" not in text else text


def nordic_row_values(row: dict[str, str]) -> dict:
    """One row of ``analysis-2023-11-28*.csv`` as the values of a results report."""
    return {
        "registry": row["registry"],
        "nct_id": _text(row["nct_id"]),
        "eudract_number": _text(row["eudract_id"]),
        "title": _text(row["trial_title"])[:700],
        "lead_institution": row["lead_institution"],
        "lead_country": row["lead_country"],
        "completion_date": _date(row["completion_date"]),
        "has_summary_results": row["has_summary_results"] == "Yes",
        "summary_results_date": _date(row["summary_results_date"]),
        "has_publication": row["has_publication"] == "Yes",
        "publication_date": _date(row["publication_date"]),
        "publication_doi": _text(row["publication_doi"]),
        "publication_pmid": _text(row["publication_pmid"]),
        "publication_url": _url(_text(row["publication_url"])),
        "source": SOURCE_NORDIC,
    }


def results_load_nordic(*, path: Path) -> ResultsLoadResult:
    """Load the verified sample of the Nordic trial-reporting study (``analysis-2023-11-28.csv``
    or its Norway-only part). Each row is saved on its own, so a bad row is reported by its
    registry id and the rest still load; a second load changes nothing."""
    result = ResultsLoadResult()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            registry_id = (row.get("main_id") or "").strip()
            try:
                if not registry_id:
                    raise ValidationError(_("Mangler registernummer (main_id)."))
                report, outcome = results_report_save(
                    registry_id=registry_id, values=nordic_row_values(row)
                )
            except (KeyError, TypeError, ValueError, ValidationError) as exc:
                result.errors.append(f"{registry_id or '?'}: {_error_text(exc)}")
                continue
            setattr(result, outcome, getattr(result, outcome) + 1)
            result.linked += report.study_id is not None
    return result


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    if isinstance(exc, KeyError):
        return _("Mangler kolonnen %(column)s.") % {"column": exc.args[0]}
    return _("Ugyldig verdi: %(error)s") % {"error": exc}
