"""Reads of the documented denominators reported by hand: new specialist-care patients and
population, per national, region and health-trust scope (municipalities add up to regions and to the
catchment area of their health trust). A fixed number of queries whatever the number of scopes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Sum

from sites.models import Municipality

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
    municipalities_missing: int = 0  # municipalities of the scope without a figure that year

    def coverage(self) -> dict[str, Any]:
        """What a value worked out with this figure says about it (``IndicatorSnapshot.coverage``):
        the year and source, and for a sum how many municipalities it holds and lacks."""
        coverage: dict[str, Any] = {"reference_year": self.year, "source": self.source}
        if self.municipalities is not None:
            coverage["municipalities"] = self.municipalities
        if self.municipalities_missing:
            coverage["municipalities_missing"] = self.municipalities_missing
        return coverage


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
    for group, key in [("region_id", "region"), ("catchment_organisation_id", "hf")]:
        existing = _municipalities_per(group)
        for r in rows.values(f"municipality__{group}").annotate(total=Sum("value"), n=Count("pk")):
            scope = r[f"municipality__{group}"]
            if scope is None:
                continue
            sums[f"{key}:{scope}"] = Figure(
                r["total"],
                latest,
                source,
                region_id=scope if key == "region" else None,
                organisation_id=scope if key == "hf" else None,
                municipalities=r["n"],
                municipalities_missing=max(existing.get(scope, 0) - r["n"], 0),
            )
    total = rows.aggregate(total=Sum("value"), n=Count("pk"))
    missing = max(Municipality.objects.count() - total["n"], 0)
    sums["national"] = Figure(
        total["total"], latest, source, municipalities=total["n"], municipalities_missing=missing
    )
    return sums


def _municipalities_per(group: str) -> dict[int, int]:
    """How many municipalities each region (``region_id``) or catchment health trust
    (``catchment_organisation_id``) has."""
    counts = Municipality.objects.order_by().values(group).annotate(n=Count("pk"))
    return {r[group]: r["n"] for r in counts if r[group] is not None}


def population(year: int) -> dict[str, Figure]:
    """Population per scope: a figure reported for the scope itself wins over the sum of its
    municipalities (which may lack some); nationally the manually reported «Folketall» indicator
    also wins over that sum."""
    figures = _municipality_sums(year)
    reported_here = reported(Kind.POPULATION, year)
    if "national" not in reported_here:
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
    figures.update(reported_here)
    return figures
