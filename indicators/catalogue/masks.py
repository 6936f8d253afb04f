"""The values of the enrolment breakdowns a person's running enrolments in a scope have, as bits of
one integer (a mask): the care levels, the sponsor types and the HRCS categories.

A person taking part in several studies, or at several sites, can have several values of what the
enrolment is in one scope; the running enrolments hold, per scope level, the OR of the bits of the
person's rows there (``running``), so that they are counted once in each value without counting
distinct people (``people``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BigIntegerField, Case, Expression, F, Max, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Coalesce

from trials.models import HealthCategory, Study

from .scopes import CARE_LEVELS, ENROLMENT_FIELDS, care_level


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
    values = {
        "care_level": MaskValues({level: next(bits) for level in CARE_LEVELS}),
        "sponsor_type": MaskValues(
            {value: next(bits) for value in Study.SponsorType.values}, other=next(bits)
        ),
    }
    codes = list(HealthCategory.objects.order_by("code").values_list("code", flat=True))
    if len(codes) + 2 <= MASK_BITS - sum(len(v.bits) + bool(v.other) for v in values.values()):
        hrcs = {None: next(bits), **{code: next(bits) for code in codes}}
        values["hrcs"] = MaskValues(hrcs, other=next(bits))
    return values


def row_mask(values: dict[str, MaskValues]) -> Expression:
    """The bits of one running enrolment's values (seen from ``Enrolment``)."""
    care, sponsor = values["care_level"], values["sponsor_type"]
    mask: Expression = care_level(
        ENROLMENT_FIELDS["organisation_kind"],
        lambda level: Value(care.bits[level]),
        output_field=BigIntegerField(),
    ) + Case(
        *(
            When(**{ENROLMENT_FIELDS["sponsor_type"]: value, "then": Value(bit)})
            for value, bit in sponsor.bits.items()
        ),
        default=Value(sponsor.other),
        output_field=BigIntegerField(),
    )
    if "hrcs" in values:
        none = values["hrcs"].bits[None]
        mask = mask + Coalesce(F("study__running_categories__mask"), Value(none))
    return mask


def study_categories(values: MaskValues) -> QuerySet[Study.hrcs_categories.through]:
    """Each study's HRCS categories as the sum of their bits (a study has each category once), with
    the bit of any other category."""
    known = {code: bit for code, bit in values.bits.items() if code is not None}
    bits = Sum(
        Case(
            *(When(healthcategory__code=code, then=Value(bit)) for code, bit in known.items()),
            default=Value(0),
            output_field=BigIntegerField(),
        )
    )
    other = Max(
        Case(
            When(healthcategory__code__in=list(known), then=Value(0)),
            default=Value(values.other),
            output_field=BigIntegerField(),
        )
    )
    through = Study.hrcs_categories.through.objects.order_by()
    return through.values("study_id").annotate(mask=Cast(bits + other, BigIntegerField()))
