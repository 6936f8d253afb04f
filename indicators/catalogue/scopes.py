"""Aggregation per scope (national, region, health trust, organisation) with breakdowns, and the
period filters the compute functions share."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import (
    Aggregate,
    Case,
    CharField,
    Count,
    Expression,
    F,
    Field,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from consents.models import Enrolment
from sites.models import Organisation
from sites.selectors import organisation_health_trust
from trials.models import StudySite

from ..coverage import percent
from ..periods import Period
from .base import (
    ALL_LEVELS,
    NATIONAL,
    ORGANISATION,
    REGION,
    SPECIALIST_KINDS,
    TRUST,
    Coverage,
    Figures,
    Row,
    ScopePaths,
    count,
    growth,
    scope_key,
)


def age_band(birth_year: str, year: int) -> Case:
    """Age reached in the period's year, in the bands the plan reports."""
    return Case(
        When(**{f"{birth_year}__isnull": True}, then=Value("ukjent")),
        When(**{f"{birth_year}__gt": year - 18}, then=Value("0-17")),
        When(**{f"{birth_year}__gt": year - 40}, then=Value("18-39")),
        When(**{f"{birth_year}__gt": year - 67}, then=Value("40-66")),
        When(**{f"{birth_year}__gt": year - 80}, then=Value("67-79")),
        default=Value("80+"),
        output_field=CharField(),
    )


CARE_LEVELS = ("specialist", "municipal", "dental", "other")


def care_level(
    kind: str,
    value: Callable[[str], Expression] = Value,
    output_field: Field[Any, Any] | None = None,
) -> Case:
    """The care level of an organisation of ``kind`` (one of ``CARE_LEVELS``), or what ``value``
    makes of it."""
    specialist, municipal, dental, other = CARE_LEVELS
    return Case(
        When(**{f"{kind}__in": SPECIALIST_KINDS}, then=value(specialist)),
        When(**{kind: Organisation.Kind.MUNICIPAL_SERVICE}, then=value(municipal)),
        When(**{kind: Organisation.Kind.DENTAL_SERVICE}, then=value(dental)),
        default=value(other),
        output_field=output_field or CharField(),
    )


ENROLMENT_FIELDS = {
    "hrcs": "study__hrcs_categories__code",
    "sex": "participant__sex",
    "birth_year": "participant__birth_year",
    "organisation_kind": "site__organisation__kind",
    "sponsor_type": "study__sponsor_type",
    "municipality": "participant__home_municipality__code",
}
"""The paths the breakdowns of enrolments are read from (see ``running.RUNNING_FIELDS``)."""


def enrolment_breakdowns(
    period: Period, fields: Mapping[str, str] = ENROLMENT_FIELDS
) -> dict[str, Expression | F]:
    return {
        "hrcs": F(fields["hrcs"]),
        "sex": F(fields["sex"]),
        "age_band": age_band(fields["birth_year"], period.start.year),
        "care_level": care_level(fields["organisation_kind"]),
        "sponsor_type": F(fields["sponsor_type"]),
        "municipality": F(fields["municipality"]),
    }


BREAKDOWN_LEVELS = {"municipality": (NATIONAL, REGION)}


@dataclass(frozen=True)
class Scope:
    kind: str
    key: str
    region_id: int | None
    organisation_id: int | None


ToValue = Callable[
    [dict[str, Any]], Figures | tuple[Decimal | None, Decimal | None, Decimal | None, Coverage]
]
"""From one aggregated result to value, numerator and denominator (and the value's coverage)."""


def _scope_of(level: str, result: dict[str, Any], paths: ScopePaths) -> Scope | None:
    region_id = result.get(paths["region"]) if level == REGION else None
    organisation_id = {
        ORGANISATION: result.get(paths["organisation"]),
        TRUST: result.get("_trust"),
    }.get(level)
    if level != NATIONAL and region_id is None and organisation_id is None:
        return None
    return Scope(level, scope_key(level, region_id, organisation_id), region_id, organisation_id)


def scope_results(
    qs: QuerySet[Any],
    *,
    region: str,
    organisation: str,
    trust: str | None = None,
    aggregates: Mapping[str, Aggregate],
    breakdowns: Mapping[str, Expression | F] | None = None,
    levels: Iterable[str] = ALL_LEVELS,
    totals: bool = True,
) -> Iterator[tuple[Scope, str, str, dict[str, Any]]]:
    """The aggregates of ``qs`` per scope and breakdown: (scope, breakdown, its value, aggregates).

    The loop runs over aggregated rows, never source rows. The trust level is aggregated in the
    database, not summed from organisations, so a person at two hospitals of one HF counts once
    there. On PostgreSQL every level of one breakdown is one query (``GROUPING SETS``: the rows are
    read and joined once); elsewhere it is one query per (level × breakdown). ``totals=False``
    leaves out the rows without a breakdown.
    """
    paths: ScopePaths = {"region": region, "organisation": organisation}
    if trust is not None:
        paths["trust"] = trust
    levels = tuple(levels)
    results: list[tuple[int, int, Scope, str, str, dict[str, Any]]] = []
    for index, (name, expression) in enumerate([("", None), *(breakdowns or {}).items()]):
        if not (name or totals):
            continue
        wanted = [
            level for level in levels if not name or level in BREAKDOWN_LEVELS.get(name, ALL_LEVELS)
        ]
        grouped = None
        if len(wanted) > 1 and connections[qs.db].vendor == "postgresql":
            grouped = grouping_sets(qs, paths, wanted, expression, aggregates)
        if grouped is None:
            grouped = [
                (scope, result)
                for level in wanted
                for scope, result in _level_results(qs, paths, level, expression, aggregates)
            ]
        for scope, result in grouped:
            breakdown_value = result.get("_breakdown") if name else ""
            value = "" if breakdown_value is None else str(breakdown_value)
            results.append((levels.index(scope.kind), index, scope, name, value, result))
    results.sort(key=lambda item: item[:2])  # level by level, as the snapshots are listed
    for _level, _index, scope, name, value, result in results:
        yield scope, name, value, result


def _level_results(
    qs: QuerySet[Any],
    paths: ScopePaths,
    level: str,
    expression: Expression | F | None,
    aggregates: Mapping[str, Aggregate],
) -> Iterator[tuple[Scope, dict[str, Any]]]:
    """One level of one breakdown: one query."""
    region, organisation = paths["region"], paths["organisation"]
    keys = {NATIONAL: [], REGION: [region], TRUST: ["_trust"], ORGANISATION: [organisation]}[level]
    query = qs.order_by()
    if level == TRUST:
        query = query.annotate(_trust=_trust_of(paths))
    fields = list(keys)
    if expression is not None:
        query = query.annotate(_breakdown=expression)
        fields.append("_breakdown")
    if fields:
        results = list(query.values(*fields).annotate(**aggregates))
    else:
        results = [query.aggregate(**aggregates)]
    for result in results:
        scope = _scope_of(level, result, paths)
        if scope is not None:
            yield scope, result


def _trust_of(paths: ScopePaths) -> Expression | F:
    if "trust" in paths:
        return F(paths["trust"])
    # "site__organisation_id" → the organisation at "site__organisation__".
    return organisation_health_trust(paths["organisation"].removesuffix("_id") + "__")


NO_SCOPE = -1
"""Stands for "no region/trust/organisation" in a grouped key, so that NULL means "not grouped"."""

LEVEL_KEYS = {REGION: "_region", TRUST: "_trust", ORGANISATION: "_organisation"}


def grouping_sets(
    qs: QuerySet[Any],
    paths: ScopePaths,
    levels: list[str],
    expression: Expression | F | None,
    aggregates: Mapping[str, Aggregate],
) -> list[tuple[Scope, dict[str, Any]]] | None:
    """Every level of one breakdown in one PostgreSQL query with ``GROUPING SETS``: the same
    aggregates, per scope, as one query per level. None when the query is not of the expected
    shape (the caller then asks level by level)."""
    keys = [LEVEL_KEYS[level] for level in levels if level != NATIONAL]
    query = qs.order_by().annotate(**_level_keys(paths, levels))
    common = []
    if expression is not None:
        query = query.annotate(_breakdown=expression)
        common.append("_breakdown")
    sets = [[*([] if level == NATIONAL else [LEVEL_KEYS[level]]), *common] for level in levels]
    grouped = _grouping_sets_rows(query, [*keys, *common], sets, aggregates)
    if grouped is None:
        return None
    results = []
    for result in grouped:
        scope = _grouped_scope(result, keys)
        if scope is not None:
            results.append((scope, result))
    return results


def _level_keys(paths: ScopePaths, levels: Iterable[str]) -> dict[str, Expression]:
    """The grouped key of each level but the national one: its region or organisation, or
    ``NO_SCOPE`` for none."""
    expressions: dict[str, Expression | F] = {
        REGION: F(paths["region"]),
        TRUST: _trust_of(paths),
        ORGANISATION: F(paths["organisation"]),
    }
    return {
        LEVEL_KEYS[level]: Coalesce(expressions[level], Value(NO_SCOPE))
        for level in levels
        if level != NATIONAL
    }


def _grouping_sets_rows(
    query: QuerySet[Any],
    fields: list[str],
    sets: list[list[str]],
    aggregates: Mapping[str, Aggregate],
) -> list[dict[str, Any]] | None:
    """The aggregates of ``query`` grouped by each set of the annotated ``fields`` in one query
    (a field a row is not grouped by is None in it); None when the query is not of the expected
    shape."""
    compiler = query.values(*fields).annotate(**aggregates).query.get_compiler(using=query.db)
    sql, params = compiler.as_sql()
    aliases = [alias for _expression, _sql, alias in compiler.select]
    position = {alias: str(i) for i, alias in enumerate(aliases, start=1)}
    group_by = f" GROUP BY {', '.join(position[f] for f in fields)}"
    if not sql.endswith(group_by):
        return None
    grouped = ", ".join(f"({', '.join(position[f] for f in fields_)})" for fields_ in sets)
    with connections[query.db].cursor() as cursor:
        cursor.execute(f"{sql.removesuffix(group_by)} GROUP BY GROUPING SETS ({grouped})", params)
        rows = cursor.fetchall()
    converters = compiler.get_converters([e for e, _sql, _alias in compiler.select])
    if converters:
        rows = list(compiler.apply_converters(rows, converters))
    return [dict(zip(aliases, row, strict=True)) for row in rows]


def level_results(
    qs: QuerySet[Any],
    paths: ScopePaths,
    level: str,
    breakdowns: Mapping[str, Expression | F],
    groups: Sequence[Sequence[str]],
    aggregates: Mapping[str, Aggregate],
) -> Iterator[tuple[Scope, int, dict[str, Any], dict[str, Any]]]:
    """The aggregates of ``qs`` per scope of one level and values of each group of breakdowns
    (an empty group: in total): (scope, the group's index, its breakdowns' values, aggregates). On
    PostgreSQL one query (``GROUPING SETS``), where a breakdown's expression must never be NULL
    (NULL stands for the breakdowns a row is not grouped by); elsewhere one query per group."""
    keys = [LEVEL_KEYS[level]] if level != NATIONAL else []
    fields = {name: f"_b{i}" for i, name in enumerate(breakdowns)}
    query = qs.order_by().annotate(
        **_level_keys(paths, [level]),
        **{fields[name]: expression for name, expression in breakdowns.items()},
    )
    sets = [[*keys, *(fields[name] for name in group)] for group in groups]
    grouped = None
    if connections[qs.db].vendor == "postgresql":
        grouped = _grouping_sets_rows(query, [*keys, *fields.values()], sets, aggregates)
    if grouped is None:
        grouped = [
            result
            for fields_ in sets
            for result in (
                query.values(*fields_).annotate(**aggregates)
                if fields_
                else [query.aggregate(**aggregates)]
            )
        ]
    for result in grouped:
        scope = _grouped_scope(result, keys)
        index = next(
            i
            for i, group in enumerate(groups)
            if all(result.get(fields[name]) is not None for name in group)
            and not any(
                result.get(fields[name]) is not None for name in breakdowns if name not in group
            )
        )
        if scope is not None:
            yield scope, index, {name: result[fields[name]] for name in groups[index]}, result


def _grouped_scope(result: dict[str, Any], keys: list[str]) -> Scope | None:
    """The scope of one row of ``grouping_sets``: the one level key it was grouped by, if any."""
    level, value = NATIONAL, None
    for candidate, key in LEVEL_KEYS.items():
        if key in keys and result[key] is not None:
            level, value = candidate, result[key]
    if level == NATIONAL:
        return Scope(NATIONAL, scope_key(NATIONAL), None, None)
    if value == NO_SCOPE:
        return None
    region_id = value if level == REGION else None
    organisation_id = None if level == REGION else value
    return Scope(level, scope_key(level, region_id, organisation_id), region_id, organisation_id)


def organisation_scopes(
    region_id: int | None, trust_id: int | None, organisation_id: int | None
) -> list[Scope]:
    """The scopes a row of an organisation counts in: the country, its region, its health trust and
    the organisation itself (those it has)."""
    scopes = [Scope(NATIONAL, scope_key(NATIONAL), None, None)]
    if region_id is not None:
        scopes.append(Scope(REGION, scope_key(REGION, region_id), region_id, None))
    for level, value in ((TRUST, trust_id), (ORGANISATION, organisation_id)):
        if value is not None:
            scopes.append(Scope(level, scope_key(level, None, value), None, value))
    return scopes


def by_scope(
    qs: QuerySet[Any],
    *,
    region: str,
    organisation: str,
    trust: str | None = None,
    aggregates: Mapping[str, Aggregate],
    to_value: ToValue,
    breakdowns: Mapping[str, Expression | F] | None = None,
    levels: Iterable[str] = ALL_LEVELS,
    totals: bool = True,
) -> list[Row]:
    """Aggregate ``qs`` for the national scope, per region, per health trust (hospitals rolled up to
    their HF) and per organisation, with breakdowns: one ``Row`` per scope and breakdown value."""
    rows: list[Row] = []
    for scope, name, breakdown_value, result in scope_results(
        qs,
        region=region,
        organisation=organisation,
        trust=trust,
        aggregates=aggregates,
        breakdowns=breakdowns,
        levels=levels,
        totals=totals,
    ):
        value, numerator, denominator, *coverage = to_value(result)
        figures = (value, numerator, denominator)
        rows.append(
            scope_row(scope, name, breakdown_value, figures, coverage[0] if coverage else None)
        )
    return rows


def scope_row(
    scope: Scope,
    breakdown: str,
    breakdown_value: str,
    figures: Figures,
    coverage: Coverage | None = None,
) -> Row:
    value, numerator, denominator = figures
    return Row(
        scope_kind=scope.kind,
        scope_key=scope.key,
        region_id=scope.region_id,
        organisation_id=scope.organisation_id,
        breakdown=breakdown,
        breakdown_value=breakdown_value,
        value=value,
        numerator=numerator,
        denominator=denominator,
        coverage=coverage,
    )


def enrolment_active(period: Period, prefix: str = "") -> Q:
    """An enrolment that was running at some time in the period."""
    return Q(**{f"{prefix}included_on__lt": period.end}) & (
        Q(**{f"{prefix}ended_on__isnull": True}) | Q(**{f"{prefix}ended_on__gte": period.start})
    )


def site_active(period: Period, prefix: str = "") -> Q:
    """A study site that was open for inclusion at some time in the period."""
    return Q(**{f"{prefix}activated_on__lt": period.end}) & (
        Q(**{f"{prefix}closed_on__isnull": True}) | Q(**{f"{prefix}closed_on__gte": period.start})
    )


def within(field_name: str, period: Period) -> Q:
    return Q(**{f"{field_name}__gte": period.start, f"{field_name}__lt": period.end})


ENROLMENT_SCOPE: ScopePaths = {
    "region": "site__organisation__region_id",
    "organisation": "site__organisation_id",
}
SITE_SCOPE: ScopePaths = {"region": "organisation__region_id", "organisation": "organisation_id"}
STUDY_SCOPE: ScopePaths = {
    "region": "responsible_organisation__region_id",
    "organisation": "responsible_organisation_id",
}
AGREEMENT_SCOPE: ScopePaths = {
    "region": "organisation__region_id",
    "organisation": "organisation_id",
}


PER_100K_LEVELS = (NATIONAL, REGION, TRUST)


def people_count(
    r: dict[str, Any],
) -> tuple[Decimal | None, Decimal | None, Decimal | None, Coverage]:
    """A count of people with its coverage: the shares with unknown sex and unknown age."""
    coverage: Coverage = {
        "unknown_sex_share": percent(r["unknown_sex"], r["n"]),
        "unknown_age_share": percent(r["unknown_age"], r["n"]),
    }
    return (*count(r["n"]), coverage)


PEOPLE_BREAKDOWNS = ("hrcs", "sex", "age_band", "care_level", "sponsor_type", "municipality")


def active_study_sites(period: Period, **filters: Any) -> QuerySet[StudySite]:
    return StudySite.objects.filter(site_active(period), **filters)


def site_growth(period: Period, **filters: Any) -> list[Row]:
    last_year = period.same_period_last_year()
    return by_scope(
        StudySite.objects.filter(site_active(period) | site_active(last_year), **filters),
        **SITE_SCOPE,
        aggregates={
            "now": Count("study", distinct=True, filter=site_active(period)),
            "before": Count("study", distinct=True, filter=site_active(last_year)),
        },
        to_value=lambda r: growth(r["now"], r["before"]),
    )


def studies_with_active_enrolments(period: Period) -> Q:
    return Q(pk__in=Enrolment.objects.filter(enrolment_active(period)).values("study_id"))


def studies_with_active_sites(period: Period, **filters: Any) -> Q:
    return Q(pk__in=StudySite.objects.filter(site_active(period), **filters).values("study_id"))
