"""The values of the enrolment breakdowns a person's running enrolments in a scope have, as bits of
one integer (a mask): the care levels, the sponsor types and the HRCS categories.

A person taking part in several studies, or at several sites, can have several values of what the
enrolment is in one scope; the running enrolments hold, per scope level, the OR of the bits of the
person's rows there (``running``), so that they are counted once in each value without counting
distinct people (``people``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BigIntegerField, Case, Expression, Max, Sum, Value, When
from django.db.models.functions import Cast

from trials.models import HealthCategory, Study

from .scopes import CARE_LEVELS, care_level


@dataclass(frozen=True)
class MaskValues:
    """The bits an enrolment breakdown's values have in the masks, and the bit of a value not
    among them (0: there is none)."""

    bits: dict[str | None, int]
    other: int = 0


MASK_BITS = 63
"""The bits of a mask (a signed 64-bit integer, never negative)."""


def mask_values() -> dict[str, MaskValues]:
    """The values of each enrolment breakdown counted from the masks, one bit each: the care levels,
    the sponsor types and the HRCS categories (with "none" for a study without any); the HRCS
    categories are left out (counted distinct, see ``people.people_by_scope``) if they do not fit."""
    bits = iter(1 << bit for bit in range(MASK_BITS))
    values: dict[str, MaskValues] = {
        "care_level": MaskValues({level: next(bits) for level in CARE_LEVELS}),
        "sponsor_type": MaskValues(
            {value: next(bits) for value in Study.SponsorType.values}, other=next(bits)
        ),
    }
    codes = list(HealthCategory.objects.order_by("code").values_list("code", flat=True))
    if len(codes) + 2 <= MASK_BITS - sum(len(v.bits) + bool(v.other) for v in values.values()):
        hrcs: dict[str | None, int] = {None: next(bits), **{code: next(bits) for code in codes}}
        values["hrcs"] = MaskValues(hrcs, other=next(bits))
    return values


def site_mask(values: dict[str, MaskValues]) -> Expression:
    """A study site's values, one bit each (an aggregate seen from ``StudySite``, grouped by site):
    the care level of its organisation, the study's sponsor type and its HRCS categories (a study
    has each category once: the sum of their bits is their OR), or "none"."""
    care, sponsor = values["care_level"], values["sponsor_type"]
    level = care_level(
        "organisation__kind", lambda level: Value(care.bits[level]), output_field=BigIntegerField()
    )
    sponsor_type = Case(
        *(When(study__sponsor_type=value, then=Value(bit)) for value, bit in sponsor.bits.items()),
        default=Value(sponsor.other),
        output_field=BigIntegerField(),
    )
    mask = Max(level) + Max(sponsor_type)
    if "hrcs" in values:
        mask = mask + _categories(values["hrcs"], "study__hrcs_categories__code")
    return Cast(mask, BigIntegerField())


def _categories(values: MaskValues, code: str) -> Expression:
    known = {value: bit for value, bit in values.bits.items() if value is not None}
    bits = Sum(
        Case(
            *(When(**{code: value, "then": Value(bit)}) for value, bit in known.items()),
            default=Value(0),
            output_field=BigIntegerField(),
        )
    )
    none_or_other = Max(
        Case(
            When(**{f"{code}__isnull": True, "then": Value(values.bits[None])}),
            When(**{f"{code}__in": list(known), "then": Value(0)}),
            default=Value(values.other),
            output_field=BigIntegerField(),
        )
    )
    return bits + none_or_other
