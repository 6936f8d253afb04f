"""Reads for the back-office indicator dashboards: the scopes a user may pick, a ``?scope=`` checked
with a clear answer, and what each study behind a value contributes to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sites.models import Organisation, Region
from trials.models import Study

from .catalogue import CATALOGUE, enrolment_active
from .catalogue.patients import first_enrolment_on
from .catalogue.scopes import within
from .periods import Period
from .selectors import (
    NATIONAL_SCOPE,
    Scope,
    drilldown_studies,
    scope_allows,
    scope_for_region,
    scope_parse,
    scope_study_filter,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

TRUST_KINDS = (Organisation.Kind.HF, Organisation.Kind.PRIVATE_NONPROFIT)


@dataclass(frozen=True)
class ScopeGroup:
    label: str
    choices: list[tuple[str, str]]  # (scope key, name)


def scope_choices(outer: Scope) -> list[ScopeGroup]:
    """The scopes someone who may see ``outer`` can pick: the country and the regions (national
    users), then the health trusts (with their hospitals) and the organisations of their region."""
    groups = []
    organisations = Organisation.objects.filter(region__isnull=False).order_by("name")
    if outer.is_national:
        regions = Region.objects.order_by("name")
        groups.append(
            ScopeGroup(_("Land og regioner"), [(NATIONAL_SCOPE.key, str(NATIONAL_SCOPE.label))])
        )
        groups[0].choices.extend((scope_for_region(r).key, r.name) for r in regions)
    else:
        organisations = organisations.filter(region=outer.region)
        groups.append(ScopeGroup(_("Region"), [(outer.key, str(outer.label))]))
    trusts = organisations.filter(kind__in=TRUST_KINDS).values_list("pk", "name")
    groups.append(
        ScopeGroup(_("Helseforetak med sykehusene under"), [(f"hf:{pk}", n) for pk, n in trusts])
    )
    everyone = organisations.values_list("pk", "name")
    groups.append(ScopeGroup(_("Organisasjoner"), [(f"org:{pk}", n) for pk, n in everyone]))
    return groups


class ScopeRefused(Exception):
    """A ``?scope=`` that names no scope (``status`` 400) or one the user may not see (403)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.message, self.status = message, status


def scope_chosen(outer: Scope, key: str | None) -> Scope:
    """The scope named by ``key`` (the user's own without one), or ScopeRefused saying why."""
    if not key:
        return outer
    scope = scope_parse(key)
    if scope is None:
        raise ScopeRefused(
            _(
                "Ukjent omfang «%(key)s». Velg et omfang i listen (hele landet, en region, et "
                "helseforetak eller en organisasjon)."
            )
            % {"key": key},
            400,
        )
    if not scope_allows(outer, key):
        raise ScopeRefused(
            _(
                "Du har ikke tilgang til tallene for «%(scope)s». Du kan se %(outer)s "
                "og det som ligger under."
            )
            % {"scope": scope.label, "outer": outer.label},
            403,
        )
    return scope


# --- what each study contributes --------------------------------------------------------------

Annotation = Callable[[Period, Scope], Count]


def _people(enrolments: Callable[[Period], Q]) -> Annotation:
    def annotate(period: Period, scope: Scope) -> Count:
        where = enrolments(period) & scope_study_filter(scope, "enrolments__site__organisation")
        return Count("enrolments__participant", filter=where, distinct=True)

    return annotate


def _enrolments(period: Period, scope: Scope) -> Count:
    where = enrolment_active(period, "enrolments__") & scope_study_filter(
        scope, "enrolments__site__organisation"
    )
    return Count("enrolments", filter=where, distinct=True)


def _included(period: Period) -> Q:
    return within("enrolments__included_on", period)


def _active(period: Period) -> Q:
    return enrolment_active(period, "enrolments__")


# (column heading, how a study's part is counted) for indicators whose value adds up over studies.
COUNTED: dict[str, tuple[StrOrPromise, Annotation]] = {
    "participants-included": (gettext_lazy("Personer inkludert"), _people(_included)),
    "participants-per-100k": (gettext_lazy("Personer inkludert"), _people(_included)),
    "kbs-share-specialist": (gettext_lazy("Personer inkludert"), _people(_included)),
    "participants-active": (gettext_lazy("Personer som deltar"), _people(_active)),
    "enrolment-activity": (gettext_lazy("Løpende inklusjoner"), _enrolments),
}
DAYS = {"approval-to-first-patient-days"}


@dataclass(frozen=True)
class Drilldown:
    studies: list[Any]  # Study rows, each with ``contribution`` (a number, or None without one)
    heading: str  # what the contribution column shows
    total: int | None  # the contributions added up, where they add up


def _days(studies: QuerySet[Study]) -> QuerySet[Study]:
    return studies.annotate(
        first_enrolled_on=first_enrolment_on(),
        approved_on=Coalesce("dmp_approved_on", "rek_approved_on"),
    )


def _days_between(study: Study) -> int | None:
    first: dt.date | None = getattr(study, "first_enrolled_on", None)
    approved: dt.date | None = getattr(study, "approved_on", None)
    return (first - approved).days if first and approved else None


def drilldown(*, code: str, period: Period, scope: Scope, limit: int = 500) -> Drilldown | None:
    """The studies behind one value and what each contributes: its people or enrolments in the
    scope, its days for a median, or 1 for a count of studies. None without a drill-down."""
    studies = drilldown_studies(code=code, period=period, scope=scope)
    if studies is None:
        return None
    if code in COUNTED:
        heading, annotation = COUNTED[code]
        rows: list[Any] = list(studies.annotate(contribution=annotation(period, scope))[:limit])
        return Drilldown(rows, str(heading), sum(s.contribution for s in rows))
    if code in DAYS:
        rows = list(_days(studies)[:limit])
        for study in rows:
            study.contribution = _days_between(study)
        return Drilldown(rows, _("Dager fra godkjenning til første inklusjon"), None)
    rows = list(studies[:limit])
    counts_studies = CATALOGUE[code].unit == "studier"  # each study counts once
    for study in rows:
        study.contribution = 1 if counts_studies else None
    return Drilldown(rows, _("Studier") if counts_studies else _("Bidrag"), len(rows))
