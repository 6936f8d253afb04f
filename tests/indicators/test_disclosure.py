"""Disclosure control: no count of people the public API hides can be worked out by subtraction.

The attacks are played as an outsider: everything is fetched through the public API (JSON and CSV);
only the structure (which organisation belongs to which region and health trust) is read from the
organisation register, as anyone can.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections import defaultdict
from decimal import Decimal

import pytest

from consents.models import Enrolment, Participant
from indicators import services
from indicators.catalogue import CATALOGUE
from indicators.disclosure import Table, suppression_pattern, table_groups
from indicators.periods import Period
from sites.models import Organisation, Region
from tests.factories import StudyFactory, StudySiteFactory, hf

D = dt.date
PEOPLE = sorted(code for code, d in CATALOGUE.items() if d.counts_people and d.compute)
OCTOBER_2025 = Period.month(2025, 10)

# --- the rule itself, on hand-made tables ---------------------------------------------------------


def _table(cells: dict[tuple, int], parents: dict[str, tuple[str, ...]] | None = None) -> Table:
    table = Table(scope_parents=parents or {})
    for (period, scope, breakdown, value), n in cells.items():
        kind = "year" if len(period) == 4 else "month"
        start = D(int(period[:4]), int(period[5:]) if kind == "month" else 1, 1)
        table.add((kind, start, scope, breakdown, value), numerator=Decimal(n), denominator=None)
    return table


def _hidden(table: Table) -> set[tuple]:
    return {(k[2], k[3], k[4]) for k in suppression_pattern(table)}


def test_a_total_with_one_small_sex_cell_hides_a_second_cell():
    table = _table(
        {
            ("2025-10", "org:1", "", ""): 15,
            ("2025-10", "org:1", "sex", "female"): 9,
            ("2025-10", "org:1", "sex", "male"): 4,
            ("2025-10", "org:1", "sex", "unknown"): 2,
        }
    )
    assert _hidden(table) == {("org:1", "sex", "male"), ("org:1", "sex", "unknown")}
    table.primary.discard(("month", D(2025, 10, 1), "org:1", "sex", "unknown"))
    table.counts[("month", D(2025, 10, 1), "org:1", "sex", "unknown")] = Decimal(6)
    # 4 alone would be total − 9 − 6: the smaller other cell (6) goes with it.
    assert _hidden(table) == {("org:1", "sex", "male"), ("org:1", "sex", "unknown")}


def test_a_small_regional_cell_hides_another_region_and_the_hiding_spreads_to_the_breakdown():
    table = _table(
        {
            ("2025-10", "national", "", ""): 30,
            ("2025-10", "region:1", "", ""): 10,
            ("2025-10", "region:2", "", ""): 18,
            ("2025-10", "region:3", "", ""): 2,
            ("2025-10", "region:2", "sex", "female"): 10,
            ("2025-10", "region:2", "sex", "male"): 8,
        },
        {"region:1": ("national",), "region:2": ("national",), "region:3": ("national",)},
    )
    hidden = _hidden(table)
    assert ("region:3", "", "") in hidden and ("region:1", "", "") in hidden
    assert ("region:2", "", "") not in hidden


def test_a_month_that_is_the_year_minus_the_other_months_is_hidden_with_another():
    cells = {(f"2025-{m:02}", "national", "", ""): 10 for m in range(1, 12)}
    cells[("2025-12", "national", "", "")] = 3
    cells[("2025", "national", "", "")] = 113
    hidden = {(k[0], k[1]) for k in suppression_pattern(_table(cells))}
    assert ("month", D(2025, 12, 1)) in hidden and len(hidden) == 2


def test_no_group_is_left_with_exactly_one_hidden_value_in_a_random_linked_table():
    rng = random.Random(16)
    regions = {f"region:{r}": ("national",) for r in range(4)}
    orgs = {f"org:{o}": (f"region:{o % 4}", f"hf:{o % 6}") for o in range(12)}
    cells: dict[tuple, int] = {}
    for period in [f"2025-{m:02}" for m in range(1, 13)] + ["2025"]:
        for scope in ["national", *regions, *orgs, *(f"hf:{h}" for h in range(6))]:
            cells[(period, scope, "", "")] = rng.randint(0, 40)
            for sex in ("female", "male", "unknown"):
                cells[(period, scope, "sex", sex)] = rng.choice([0, 1, 2, 3, 4, 6, 9, 15])
    table = _table(cells, {**regions, **orgs})
    hidden = suppression_pattern(table)
    assert table.primary <= hidden
    for parent, kids in table_groups(table):
        assert sum(1 for member in (parent, *kids) if member in hidden) != 1


# --- a small portfolio and the public API, as an outsider sees it ---------------------------------


class Portfolio:
    """Studies, sites and enrolments made up for the attacks (no person data, pseudonyms only)."""

    def __init__(self) -> None:
        self.people = 0

    def enrol(self, org, n, *, included, hrcs="01", sex="female", birth_year=1970, ended=None):
        study = StudyFactory(
            responsible_organisation=org,
            hrcs=[hrcs],
            rek_approved_on=None,
            opened_on=None,
            planned_recruitment_end_on=None,
        )
        site = StudySiteFactory(study=study, organisation=org, activated_on=D(2024, 1, 1))
        for _ in range(n):
            self.people += 1
            person = Participant.objects.create(
                pseudonym=f"attack-{self.people}", birth_year=birth_year, sex=sex
            )
            Enrolment.objects.create(
                participant=person,
                study=study,
                site=site,
                included_on=included,
                ended_on=ended,
                status="completed" if ended else "included",
            )


def _values(client, code: str, **params) -> list[dict]:
    """Every row of a JSON listing, following its ``next`` links."""
    query = "&".join(f"{k}={v}" for k, v in params.items())
    url, rows = f"/api/v1/indicators/{code}/values/?{query}", []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        rows += response.json()["results"]
        url = response.json()["next"]
    return rows


def _count(row: dict) -> Decimal | None:
    return None if row["suppressed"] else Decimal(row["numerator"] or row["value"])


@pytest.mark.django_db
def test_national_minus_the_regions_does_not_give_away_a_small_regional_hrcs_cell(client):
    portfolio = Portfolio()
    portfolio.enrol(hf("Bergen"), 1, included=D(2025, 10, 2), hrcs="14")
    portfolio.enrol(hf("Nord-Norge"), 6, included=D(2025, 10, 3), hrcs="14")
    portfolio.enrol(hf("St. Olavs"), 7, included=D(2025, 10, 4), hrcs="14")
    services.snapshots_compute(period=OCTOBER_2025, codes=["participants-included"])

    def hrcs_14(**scope):
        rows = _values(client, "participants-included", period="2025-10", breakdown="hrcs", **scope)
        return next((_count(r) for r in rows if r["breakdown_value"] == "14"), Decimal(0))

    national = hrcs_14()
    regions = {r.code: hrcs_14(region=r.code) for r in Region.objects.all()}
    assert regions["helse-vest"] is None  # 1 person
    hidden = [code for code, n in regions.items() if n is None]
    recoverable = national is not None and len(hidden) == 1
    assert not recoverable, f"national {national} − {regions} gives away {hidden}"


@pytest.mark.django_db
def test_the_total_minus_the_other_cells_does_not_give_away_the_last_cell(client):
    portfolio = Portfolio()
    portfolio.enrol(hf("Bergen"), 12, included=D(2025, 10, 2))
    university = Organisation.objects.filter(kind=Organisation.Kind.UNIVERSITY).first()
    portfolio.enrol(university, 4, included=D(2025, 10, 3))
    services.snapshots_compute(period=OCTOBER_2025, codes=["participants-included"])

    rows = _values(client, "participants-included", period="2025-10")
    total = next(_count(r) for r in rows if r["breakdown"] == "")
    care = {r["breakdown_value"]: _count(r) for r in rows if r["breakdown"] == "care_level"}
    assert care["other"] is None  # 4 people at a university
    assert not (total is not None and list(care.values()).count(None) == 1), (total, care)


@pytest.mark.django_db
def test_no_scope_publishes_a_total_with_exactly_one_hidden_sex_cell(client):
    portfolio = Portfolio()
    for name, women, men in [("Bergen", 9, 3), ("Stavanger", 6, 2), ("Nord-Norge", 7, 8)]:
        portfolio.enrol(hf(name), women, included=D(2025, 10, 2), sex="female")
        portfolio.enrol(hf(name), men, included=D(2025, 10, 3), sex="male")
    services.snapshots_compute(period=OCTOBER_2025, codes=["participants-included"])

    rows = [
        row
        for params in ({}, {"region": "helse-vest"}, {"health_trust": hf("Bergen").orgnr})
        for row in _values(client, "participants-included", period="2025-10", **params)
    ]
    by_scope = defaultdict(dict)
    for row in rows:
        if row["breakdown"] in ("", "sex"):
            by_scope[row["scope"]][row["breakdown_value"]] = _count(row)
    assert by_scope, rows
    leaking = [
        scope
        for scope, cells in by_scope.items()
        if cells.get("") is not None and [v for k, v in cells.items() if k].count(None) == 1
    ]
    assert leaking == []


# --- the attacker: everything public for a year, every subtraction --------------------------------


def _structure() -> tuple[dict[str, tuple[str, ...]], set[str]]:
    """From the organisation register: which scopes a scope's values sum into (public names), and
    the scopes with an organisation under them that has no public name (their sums hold an unknown)."""
    parents: dict[str, tuple[str, ...]] = {
        f"region:{r.code}": ("national",) for r in Region.objects.all()
    }
    opaque: set[str] = set()
    for org in Organisation.objects.select_related("region", "parent__parent"):
        trust = None
        if org.kind in (Organisation.Kind.HF, Organisation.Kind.PRIVATE_NONPROFIT):
            trust = org
        elif org.parent and org.parent.kind == Organisation.Kind.HF:
            trust = org.parent
        elif org.parent and org.parent.parent and org.parent.parent.kind == Organisation.Kind.HF:
            trust = org.parent.parent
        above = tuple(
            p
            for p in (
                f"region:{org.region.code}" if org.region else "",
                f"hf:{trust.orgnr}" if trust else "",
            )
            if p
        )
        if org.orgnr:
            parents[f"org:{org.orgnr}"] = above
        else:
            opaque.update(above)
    return parents, opaque


def attack(
    published: dict[tuple, Decimal | None],
    parents: dict[str, tuple[str, ...]],
    opaque: frozenset[str] = frozenset(),
) -> dict:
    """Every subtraction: a sum with one unknown gives it away; repeat with what was learnt."""
    sums: dict[tuple, list[tuple]] = defaultdict(list)
    for cell in published:
        period, scope, breakdown, value = cell
        if breakdown:
            sums[(period, scope, "", "")].append(cell)
        for parent in parents.get(scope, ()):
            if parent not in opaque:
                sums[(period, parent, breakdown, value)].append(cell)
        if len(period) == 7:
            sums[(period[:4], scope, breakdown, value)].append(cell)
    known = dict(published)
    recovered: dict[tuple, Decimal] = {}
    learnt = True
    while learnt:
        learnt = False
        for parent, cells in sums.items():
            if parent not in known:
                continue
            unknown = [c for c in (parent, *cells) if known[c] is None]
            if len(unknown) != 1:
                continue
            others = sum(known[c] for c in cells if known[c] is not None)
            found = others if unknown[0] == parent else known[parent] - others
            known[unknown[0]] = recovered[unknown[0]] = found
            learnt = True
    return recovered


def _demo_shaped_year() -> None:
    """Like the demo: many sites, 0–12 people each, mixed sex and age, spread over 2025."""
    rng = random.Random(2025)
    trusts = list(Organisation.objects.filter(kind=Organisation.Kind.HF).order_by("pk"))
    hospitals = list(Organisation.objects.filter(kind=Organisation.Kind.HOSPITAL).order_by("pk"))
    sites = rng.sample(trusts, 8) + rng.sample(hospitals, 8)
    portfolio = Portfolio()
    for org in sites:
        for _ in range(3):
            month = rng.randint(1, 12)
            portfolio.enrol(
                org,
                rng.randint(0, 7),
                included=D(2025, month, rng.randint(1, 28)),
                hrcs=rng.choice(["01", "02", "14"]),
                sex=rng.choice(["female", "male", "unknown"]),
                birth_year=rng.choice([1950, 1970, 1990, 2010]),
                ended=rng.choice([None, D(2025, min(month + 2, 12), 28)]),
            )


@pytest.mark.django_db
def test_the_attacker_recovers_no_hidden_count_for_any_month_or_the_year(client):
    _demo_shaped_year()
    for period in [Period.month(2025, m) for m in range(1, 13)] + [Period.year(2025)]:
        services.snapshots_compute(period=period, codes=PEOPLE)
    parents, opaque = _structure()
    attempts = 0
    for code in PEOPLE:
        response = client.get(f"/api/v1/indicators/{code}/csv/?level=all")
        assert response.status_code == 200
        published = {}
        for row in csv.DictReader(io.StringIO(response.content.decode("utf-8"))):
            if not row["period"].startswith("2025"):
                continue
            cell = (row["period"], row["scope"], row["breakdown"], row["breakdown_value"])
            hidden = row["suppressed"] == "True"
            published[cell] = None if hidden else Decimal(row["numerator"] or row["value"] or 0)
        attempts += sum(1 for v in published.values() if v is None)
        assert attack(published, parents, frozenset(opaque)) == {}, code
    assert attempts > 50  # the year has many small cells to attack


def test_the_attacker_would_recover_cells_hidden_one_by_one():
    """The attack works: on cell-by-cell suppression it gives the hidden values away."""
    published = {
        ("2025-10", "national", "", ""): Decimal(12),
        ("2025-10", "region:helse-vest", "", ""): None,
        ("2025-10", "region:helse-nord", "", ""): Decimal(5),
        ("2025-10", "region:helse-midt-norge", "", ""): Decimal(6),
    }
    parents = {
        f"region:{c}": ("national",) for c in ("helse-vest", "helse-nord", "helse-midt-norge")
    }
    assert attack(published, parents) == {("2025-10", "region:helse-vest", "", ""): Decimal(1)}


@pytest.mark.django_db
def test_a_growth_value_does_not_give_away_last_years_hidden_count(client):
    portfolio = Portfolio()
    for name, last_year, this_year in [
        ("Bergen", 6, 30),
        ("Nord-Norge", 3, 5),
        ("St. Olavs", 20, 8),
    ]:
        portfolio.enrol(hf(name), last_year, included=D(2025, 10, 2))
        portfolio.enrol(hf(name), this_year, included=D(2026, 10, 2))
    codes = ["participants-included", "participants-growth"]
    # Growth is annual (the plan's targets are): the year against the year before.
    services.snapshots_compute(period=Period.year(2025), codes=codes)
    services.snapshots_compute(period=Period.year(2026), codes=codes)

    def region_vest(code, period):
        rows = _values(client, code, period=period, region="helse-vest")
        return next(r for r in rows if r["breakdown"] == "")

    assert region_vest("participants-included", "2025")["suppressed"]  # national − 3 − 20
    growth = region_vest("participants-growth", "2026")
    assert growth["suppressed"] and growth["denominator"] is None  # its denominator is that 6
