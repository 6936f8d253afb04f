"""The building blocks of every indicator: the scope levels, the focus areas, ``Row`` and
``Definition``, and the small sums a value is made of."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NotRequired, TypedDict

from django.db.models import Q

from sites.models import Organisation

from .. import denominators
from ..periods import Period

NATIONAL, REGION, TRUST, ORGANISATION = "national", "region", "trust", "organisation"
ALL_LEVELS = (NATIONAL, REGION, TRUST, ORGANISATION)
"""``TRUST`` rolls hospitals up to their health trust (HF): see ``organisation_health_trust``."""

FOCUS_OVERALL = "overall"
FOCUS_PATIENTS = "patients"
FOCUS_INTEGRATED = "integrated"
FOCUS_INDUSTRY = "industry"
FOCUS_CONDUCT = "conduct"
FOCUS_INTERNATIONAL = "international"


SPECIALIST_KINDS = [
    Organisation.Kind.RHF,
    Organisation.Kind.HF,
    Organisation.Kind.HOSPITAL,
    Organisation.Kind.PRIVATE_NONPROFIT,
    Organisation.Kind.SUPPORT,
]


def scope_key(level: str, region_id: int | None = None, organisation_id: int | None = None) -> str:
    if level == REGION:
        return f"region:{region_id}"
    if level == ORGANISATION:
        return f"org:{organisation_id}"
    if level == TRUST:
        return f"hf:{organisation_id}"
    return NATIONAL


Number = int | float | Decimal
"""What the database aggregates to: a count, a sum, a mean or a median."""

Quantity = int | Decimal
"""A count or a sum: what a share or a growth is worked out from."""

Figures = tuple[Decimal | None, Decimal | None, Decimal | None]
"""A value with its numerator and denominator."""

Coverage = dict[str, Any]
"""How complete the inputs are, stored as JSON on the snapshot: organisations reporting, the shares
with unknown sex or age, the reference year and source of a reported denominator, the n behind a
median (see ``indicators.coverage``)."""


class ScopePaths(TypedDict):
    """The paths from the aggregated rows to the scope's region and organisation, and to its health
    trust where the rows hold it (else it is worked out from the organisation)."""

    region: str
    organisation: str
    trust: NotRequired[str]


@dataclass(frozen=True)
class Row:
    scope_kind: str
    scope_key: str
    region_id: int | None
    organisation_id: int | None
    breakdown: str
    breakdown_value: str
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    # How complete the inputs are: organisations reporting, unknown sex/age, the source's year.
    coverage: Coverage | None = None


@dataclass(frozen=True)
class Definition:
    code: str
    name_nb: str
    name_en: str
    focus_area: str
    unit: str
    direction: str = "higher"
    target_value: Decimal | None = None
    target_year: int | None = None
    breakdowns: tuple[str, ...] = ()
    method: str = "computed"  # "computed" from the portfolio or "manual" (reported by hand)
    source: str = ""
    method_version: int = 1
    counts_people: bool = False
    description: str = ""  # the method text: how the value is worked out
    numerator: str = ""  # what is counted above the line
    denominator: str = ""  # what it is divided by (empty for counts)
    baseline_year: int | None = None  # the year the plan's target is measured from
    target_factor: Decimal | None = None  # target = baseline-year value × factor ("doubled")
    target_note: str = ""  # the target in the plan's words
    annual_only: bool = False  # computed for years and the year to date, never for a month
    compute: Callable[[Period], list[Row]] | None = None
    # Drill-down: the studies behind a value, and the path from Study to the scope's organisation.
    studies: Callable[[Period], Q] | None = None
    study_scope: str = "sites__organisation"
    key: bool = False  # shown in the league table
    national_only: bool = False  # computed or reported for the whole country only
    needs: tuple[str, ...] = field(default=())
    # Reads the period's running enrolments (``running.running_enrolments``): computed in the
    # session that holds them (``indicators.services.sessions``).
    reads_running: bool = False

    def __post_init__(self) -> None:
        if self.method == "manual":
            object.__setattr__(self, "national_only", True)


def manual(
    code: str,
    name_nb: str,
    name_en: str,
    focus: str,
    unit: str,
    source: str,
    direction: str = "higher",
    **kw: Any,
) -> Definition:
    """An indicator reported by hand (nationally), not computed from the portfolio."""
    return Definition(
        code=code,
        name_nb=name_nb,
        name_en=name_en,
        focus_area=focus,
        unit=unit,
        direction=direction,
        method="manual",
        source=source,
        **kw,
    )


def to_decimal(value: Number | None) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(round(float(value), 4)))


def share(numerator: Quantity | None, denominator: Quantity | None) -> Figures:
    """Percent, numerator, denominator; no value when there is nothing to divide by."""
    if not denominator:
        return None, to_decimal(numerator or 0), to_decimal(denominator or 0)
    numerator = numerator or 0
    return to_decimal(100 * numerator / denominator), to_decimal(numerator), to_decimal(denominator)


def growth(current: Quantity | None, previous: Quantity | None) -> Figures:
    """Percent change from ``previous`` to ``current``."""
    if not previous:
        return None, to_decimal(current or 0), to_decimal(previous or 0)
    current = current or 0
    return (
        to_decimal(100 * (current - previous) / previous),
        to_decimal(current),
        to_decimal(previous),
    )


def count(n: Number | None) -> Figures:
    return to_decimal(n or 0), to_decimal(n or 0), None


def per_inhabitants(row: Row, figure: denominators.Figure, per: int) -> Row:
    """``row``'s count per ``per`` inhabitants of the scope's population ``figure``."""
    numerator = row.numerator or 0
    value = to_decimal(numerator * per / figure.value) if figure.value else None
    coverage: Coverage = figure.coverage()  # with the municipalities it holds and lacks
    return Row(
        row.scope_kind,
        row.scope_key,
        row.region_id,
        row.organisation_id,
        "",
        "",
        value,
        row.numerator,
        to_decimal(figure.value),
        coverage,
    )
