"""Completeness of an indicator value: what its coverage says, and warnings a reader must see.

A value carries its coverage (``Row.coverage``, stored on the snapshot): how many organisations
reported the inputs, the share of people with unknown sex or age, the year and source of a reported
denominator. ``coverage_warnings`` turns that — and a change from the period compared with — into
plain Norwegian warnings, shown in the admin and the reports beside the value.
"""

from __future__ import annotations

from decimal import Decimal

from .periods import Period
from .warnings import (
    BELOW_MIN_N,
    DENOMINATOR_MISSING,
    DENOMINATOR_YEAR_CHANGED,
    MUNICIPALITIES_MISSING,
    REFERENCE_YEAR,
    REPORTING_CHANGED,
    UNKNOWN_SHARE,
    UNKNOWN_SHARE_CHANGED,
    VALUE_JUMP,
)

UNKNOWN_SHARE_LIMIT = 10  # percent of people with unknown sex or age worth a warning
UNKNOWN_SHARE_CHANGE = 5  # percentage points between periods
REPORTING_CHANGE = Decimal("0.1")  # a tenth more or fewer organisations reporting
JUMP = 50  # percent change in a count or sum against the period compared with, worth checking


def percent(part, whole) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _nb(number: float) -> str:
    """One decimal with a decimal comma, as Norwegian readers write it."""
    return f"{number:.1f}".replace(".", ",")


def _within_period(coverage: dict, period: Period) -> list[str]:
    warnings = []
    reference = coverage.get("reference_year")
    if reference and reference != period.start.year:
        warnings.append(REFERENCE_YEAR % {"reference": reference, "year": period.start.year})
    for key, template in UNKNOWN_SHARE.items():
        share = coverage.get(key)
        if share is not None and share >= UNKNOWN_SHARE_LIMIT:
            warnings.append(template % {"share": _nb(share)})
    if coverage.get("municipalities_missing"):
        missing, held = coverage["municipalities_missing"], coverage.get("municipalities", 0)
        warnings.append(
            MUNICIPALITIES_MISSING
            % {"missing": missing, "total": missing + held, "year": coverage.get("reference_year")}
        )
    if coverage.get("denominator_missing"):
        warnings.append(DENOMINATOR_MISSING)
    if coverage.get("below_min_n"):
        warnings.append(BELOW_MIN_N % {"n": coverage["n"], "min_n": coverage["min_n"]})
    return warnings


def _against_previous(coverage: dict, previous: dict, label: str) -> list[str]:
    warnings = []
    now, before = coverage.get("reporting"), previous.get("reporting")
    if now is not None and before and abs(now - before) >= max(1, REPORTING_CHANGE * before):
        warnings.append(REPORTING_CHANGED % {"now": now, "before": before, "label": label})
    for key, template in UNKNOWN_SHARE_CHANGED.items():
        a, b = coverage.get(key), previous.get(key)
        if a is not None and b is not None and abs(a - b) >= UNKNOWN_SHARE_CHANGE:
            warnings.append(template % {"before": _nb(b), "now": _nb(a), "label": label})
    if previous.get("reference_year") and coverage.get("reference_year") != previous.get(
        "reference_year"
    ):
        warnings.append(
            DENOMINATOR_YEAR_CHANGED
            % {
                "before": previous["reference_year"],
                "now": coverage.get("reference_year"),
                "label": label,
            }
        )
    return warnings


def jump_warning(value, previous_value, period: Period) -> list[str]:
    """A count or sum that moved by half or more against the period compared with."""
    if value is None or not previous_value:
        return []
    change = 100 * (Decimal(value) - Decimal(previous_value)) / Decimal(previous_value)
    if abs(change) < JUMP:
        return []
    return [VALUE_JUMP % {"change": f"{change:+.0f}", "label": period.previous()}]


def coverage_warnings(coverage: dict | None, previous: dict | None, period: Period) -> list[str]:
    """Warnings for one value of ``period``; ``previous`` is the coverage of the period it is
    compared with (``period.previous()``) for the same indicator, scope and breakdown."""
    coverage = coverage or {}
    warnings = _within_period(coverage, period)
    if previous:
        warnings += _against_previous(coverage, previous, str(period.previous()))
    return warnings
