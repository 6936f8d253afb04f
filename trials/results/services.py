"""Writes: results reporting rows, one at a time or loaded from the Nordic trial-reporting data."""

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

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


DATED = (
    ("has_summary_results", "summary_results_date", _lazy("Dato for resultater uten resultater.")),
    ("has_publication", "publication_date", _lazy("Publiseringsdato uten publikasjon.")),
)


@dataclass
class ResultsLoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    linked: int = 0
    errors: list[str] = field(default_factory=list)


def _identifiers(report: ResultsReport) -> list[str]:
    return [i for i in (report.nct_id, report.eudract_number, *report.other_identifiers) if i]


def _study_for(identifiers: list[str]) -> Study | None:
    """The portfolio's study carrying one of the trial's identifiers, when exactly one does."""
    nct = [i for i in identifiers if i.startswith("NCT")]
    eudract = [i for i in identifiers if not i.startswith("NCT")]
    if not identifiers:
        return None
    found = list(
        Study.objects.filter(Q(nct_id__in=nct) | Q(eudract_number__in=eudract)).only("pk")[:2]
    )
    return found[0] if len(found) == 1 else None


def _validate_identifier(value: str) -> None:
    (validate_nct if value.startswith("NCT") else validate_eudract)(value)


def _check_values(values: dict) -> None:
    """The identifiers' formats, and dates only where there is something to date."""
    errors: dict[str, list[str]] = {}
    for name, validate in (("nct_id", validate_nct), ("eudract_number", validate_eudract)):
        if values.get(name):
            try:
                validate(values[name])
            except ValidationError as exc:
                errors[name] = exc.messages
    for value in values.get("other_identifiers") or []:
        try:
            _validate_identifier(value)
        except ValidationError as exc:
            errors.setdefault("other_identifiers", []).extend(exc.messages)
    for flag, date, message in DATED:
        if values.get(date) and not values.get(flag):
            errors[date] = [str(message)]
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
    _check_values(values)
    report = ResultsReport.objects.select_for_update().filter(registry_id=registry_id).first()
    outcome = "updated"
    if report is None:
        report, outcome = ResultsReport(registry_id=registry_id), "created"
    changed = [name for name, value in values.items() if getattr(report, name, None) != value]
    for name in changed:
        setattr(report, name, values[name])
    study = _study_for(_identifiers(report))
    if study is not None and report.study_id != study.pk:
        report.study = study
        changed.append("study")
    if outcome == "updated" and not changed:
        return report, "unchanged"
    # The key is unique by the locked lookup above and the constraints are checked in
    # ``_check_values``: no query per constraint for each of thousands of rows.
    report.full_clean(validate_unique=False, validate_constraints=False)
    report.save()
    return report, outcome


def _date(text: str) -> dt.date | None:
    return None if text in ("", "NA") else dt.date.fromisoformat(text)


def _text(text: str | None) -> str:
    return "" if text is None or text == "NA" else text.strip()


DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"})


def _ids(text: str) -> list[str]:
    """Registry ids of one column: the source lists several with ";" and sometimes writes
    typographic hyphens (2013‐004460‐66)."""
    parts = _text(text).translate(DASHES).replace(",", ";").split(";")
    return list(dict.fromkeys(p.strip().upper() for p in parts if p.strip()))


def _url(text: str) -> str:
    """The source writes some links without a scheme ("doi.org/10.1111/…")."""
    return f"https://{text}" if text and "://" not in text else text


def nordic_row_values(row: dict[str, str]) -> dict:
    """One row of ``analysis-2023-11-28*.csv`` as the values of a results report."""
    nct, eudract = _ids(row["nct_id"]), _ids(row["eudract_id"])
    return {
        "registry": row["registry"],
        "nct_id": nct[0] if nct else "",
        "eudract_number": eudract[0] if eudract else "",
        "other_identifiers": nct[1:] + eudract[1:],
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


@transaction.atomic
def results_load_nordic(*, path: Path) -> ResultsLoadResult:
    """Load the verified sample of the Nordic trial-reporting study (``analysis-2023-11-28.csv``
    or its Norway-only part). One transaction, each row in a savepoint of its own: a bad row is
    reported by its registry id and the rest still load; a second load changes nothing."""
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
