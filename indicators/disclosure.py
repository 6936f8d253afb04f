"""Disclosure control for published counts of people: which values may leave the back office.

Primary suppression hides a value whose count of people (numerator or denominator) is 1–4.
Complementary (secondary) suppression then hides more values until no hidden value can be worked
out by subtraction. The published figures of one indicator and one calendar year are linked by sums:

* breakdown: a scope's total = the sum of its cells of one breakdown (sex, age band, …);
* scope: the country = the sum of the regions; a region = the sum of its organisations; a health
  trust (with its hospitals) = the sum of the organisations under it;
* period: the year = the sum of its months.

Each sum is a *group* (a parent value and its children). A group with exactly one hidden member
gives that member away (parent minus the other children, or the sum of the children), so the
smallest other child with people in it is hidden as well (the parent when no child can be), and
the rule runs again until every group has none or at least two hidden members. Hiding only ever
adds, so it ends. Values the public never sees (an organisation without an organisation number)
count as hidden from the start. See README, "Disclosure control".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

THRESHOLD = 5  # a count of 1–4 people is never published

CellKey = tuple[str, dt.date, str, str, str]
"""(period kind, period start, scope key, breakdown, breakdown value)."""


def count_is_small(*counts: Decimal | None) -> bool:
    """True if any of the counts is 1–4 (zero is published: it singles nobody out)."""
    return any(n is not None and 0 < n < THRESHOLD for n in counts)


@dataclass
class Table:
    """The published cells of one indicator: the count behind each and which scope sums into which."""

    counts: dict[CellKey, Decimal] = field(default_factory=dict)
    primary: set[CellKey] = field(default_factory=set)
    unpublished: set[CellKey] = field(default_factory=set)
    scope_parents: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def add(
        self,
        key: CellKey,
        *,
        numerator: Decimal | None,
        denominator: Decimal | None,
        published: bool = True,
    ) -> None:
        self.counts[key] = numerator or Decimal(0)
        if count_is_small(numerator, denominator):
            self.primary.add(key)
        if not published:
            self.unpublished.add(key)


Group = tuple[CellKey, tuple[CellKey, ...]]


def table_groups(table: Table) -> list[Group]:
    """Every sum the public could subtract from: (parent, children), parents that are published.

    One value is the parent of several sums (the country's total is the sum of its sex cells, of
    its age bands, of the regions and, for a year, of the months): each is a group of its own.
    """
    children: dict[tuple[CellKey, str], list[CellKey]] = defaultdict(list)
    for key in table.counts:
        kind, start, scope, breakdown, value = key
        if breakdown:
            children[((kind, start, scope, "", ""), f"breakdown:{breakdown}")].append(key)
        for parent_scope in table.scope_parents.get(scope, ()):
            parent = (kind, start, parent_scope, breakdown, value)
            children[(parent, f"scope:{parent_scope}")].append(key)
        if kind == "month":
            children[(("year", start.replace(month=1), scope, breakdown, value), "year")].append(
                key
            )
    # Sorted (cell keys compare as tuples) so the same table always gives the same pattern.
    return [
        (parent, tuple(sorted(kids)))
        for (parent, _dimension), kids in sorted(children.items())
        if parent in table.counts
    ]


def suppression_pattern(table: Table) -> set[CellKey]:
    """The cells to hide: primary ones, and complements until no group has one hidden member.

    A work list: only the groups of a newly hidden cell are looked at again.
    """
    hidden = set(table.primary) | set(table.unpublished)
    groups = table_groups(table)
    groups_of: dict[CellKey, list[int]] = defaultdict(list)
    for index, (parent, kids) in enumerate(groups):
        for member in (parent, *kids):
            groups_of[member].append(index)
    pending = set(range(len(groups)))
    while pending:
        parent, kids = groups[pending.pop()]
        if sum(1 for m in (parent, *kids) if m in hidden) != 1:
            continue
        complement = _complement(table, parent, kids, hidden)
        if complement is not None:
            hidden.add(complement)
            pending.update(groups_of[complement])
    return hidden - table.unpublished


def _complement(
    table: Table, parent: CellKey, kids: Iterable[CellKey], hidden: set[CellKey]
) -> CellKey | None:
    """The cheapest second value to hide: the smallest child with people, else the parent."""
    visible = [k for k in kids if k not in hidden]
    with_people = [k for k in visible if table.counts[k] > 0]
    if with_people:
        return min(with_people, key=lambda k: (table.counts[k], k))
    if parent not in hidden:
        return parent
    return visible[0] if visible else None
