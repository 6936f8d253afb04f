"""Reads of the documented denominators reported by hand: new specialist-care patients and
population, per national, region and health-trust scope (municipalities add up to regions and to the
catchment area of their health trust). A fixed number of queries whatever the number of scopes."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, Sum

from .models import ReportedDenominator, ReportedFigure

Kind = ReportedDenominator.Kind


@dataclass(frozen=True)
class Figure:
    """A reported denominator for one scope; ``year`` is the year it was reported for."""

    value: int
    year: int
    source: str
    region_id: int | None = None
    organisation_id: int | None = None
    municipalities: int | None = None  # how many municipality figures were added up


def scope_key_for(*, region_id=None, organisation_id=None, municipality_code=None) -> str:
    if municipality_code:
        return f"municipality:{municipality_code}"
    if organisation_id:
        return f"hf:{organisation_id}"
    if region_id:
        return f"region:{region_id}"
    return "national"


def reported(kind: str, year: int) -> dict[str, Figure]:
    """The latest figure of ``kind`` up to ``year`` for each national, region and HF scope."""
    rows = (
        ReportedDenominator.objects.filter(kind=kind, year__lte=year, municipality__isnull=True)
        .order_by("scope_key", "year")
        .values("scope_key", "year", "value", "source", "region_id", "organisation_id")
    )
    return {
        r["scope_key"]: Figure(
            r["value"], r["year"], r["source"], r["region_id"], r["organisation_id"]
        )
        for r in rows  # ordered by year: the latest wins
    }


def _municipality_sums(year: int) -> dict[str, Figure]:
    """Population of the latest year with municipality figures, added up per region, per
    catchment health trust and nationally (municipality → catchment table)."""
    base = ReportedDenominator.objects.filter(
        kind=Kind.POPULATION, year__lte=year, municipality__isnull=False
    )
    latest = base.aggregate(y=Max("year"))["y"]
    if latest is None:
        return {}
    rows = base.filter(year=latest).order_by()
    source = rows.values_list("source", flat=True).first() or ""
    sums: dict[str, Figure] = {}
    for group, key in [
        ("municipality__region_id", "region"),
        ("municipality__catchment_organisation_id", "hf"),
    ]:
        for r in rows.values(group).annotate(total=Sum("value"), n=Count("pk")):
            if r[group] is None:
                continue
            region_id = r[group] if key == "region" else None
            organisation_id = r[group] if key == "hf" else None
            sums[f"{key}:{r[group]}"] = Figure(
                r["total"], latest, source, region_id, organisation_id, r["n"]
            )
    total = rows.aggregate(total=Sum("value"), n=Count("pk"))
    sums["national"] = Figure(total["total"], latest, source, municipalities=total["n"])
    return sums


def population(year: int) -> dict[str, Figure]:
    """Population per scope: a figure reported for the scope itself wins over the sum of its
    municipalities; nationally the manually reported «Folketall» indicator is the last resort."""
    figures = _municipality_sums(year)
    figures.update(reported(Kind.POPULATION, year))
    if "national" not in figures:
        national = (
            ReportedFigure.objects.filter(
                indicator__code="population", period_start__year__lte=year
            )
            .order_by("-period_start")
            .values("value", "period_start", "source")
            .first()
        )
        if national:
            figures["national"] = Figure(
                int(national["value"]), national["period_start"].year, national["source"]
            )
    return figures
