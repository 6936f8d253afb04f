"""The indicator catalogue: code → definition + compute function, one module per focus area of the
action plan (``overall``, ``patients``, ``integrated``, ``industry``, ``conduct``, ``international``).

Every compute function aggregates in the database and returns ``Row`` values for the national scope,
each region and each organisation, with a fixed number of queries whatever the number of rows. To add
an indicator, write a small function with ``by_scope`` in its focus area's module and add its
``Definition`` to that module's ``DEFINITIONS``.
"""

from __future__ import annotations

from dataclasses import replace

from ..methods import METHODS
from . import conduct, industry, integrated, international, overall, patients
from .base import ALL_LEVELS, NATIONAL, ORGANISATION, REGION, TRUST, Definition, Row
from .scopes import by_scope, enrolment_active, site_active

AREAS = (overall, patients, integrated, industry, conduct, international)
"""In the plan's order: the catalogue lists the indicators area by area."""

CATALOGUE: dict[str, Definition] = {
    definition.code: replace(definition, **METHODS.get(definition.code, {}))
    for area in AREAS
    for definition in area.DEFINITIONS
}

__all__ = [
    "ALL_LEVELS",
    "CATALOGUE",
    "NATIONAL",
    "ORGANISATION",
    "REGION",
    "TRUST",
    "Definition",
    "Row",
    "by_scope",
    "enrolment_active",
    "site_active",
]
