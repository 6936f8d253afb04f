"""FHIR search parameters of ResearchStudy, read into a queryset of published studies.

What a FHIR client sends (R4B, 3.1.1 "Search"): values of one parameter separated by commas are
alternatives (OR); a parameter given twice must hold both times (AND, e.g. a ``_lastUpdated``
range); a parameter the server does not know is ignored, unless the client asked
``Prefer: handling=strict``. A known parameter with a value that cannot be read is always an error.
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext

from ..models import Study, StudySite
from ..selectors import search
from .conditions import ICD10_SYSTEM, condition_names
from .mapping import IDENTIFIER_FIELDS, STATUS

MAX_COUNT = 100
# Study statuses whose FHIR status is "active" only while a site is open (see mapping.fhir_status).
_OPEN_SITE = Exists(StudySite.objects.filter(study=OuterRef("pk"), status=StudySite.Status.OPEN))


class SearchError(ValueError):
    """A known parameter with a value that cannot be read; becomes an OperationOutcome 400."""


def _status_q(value: str) -> Q:
    ours = [s for s, theirs in STATUS.items() if theirs == value and s not in _HIDDEN_STATUSES]
    if value == "active":
        return Q(status=Study.Status.OPEN) & Q(_OPEN_SITE)
    if not ours:
        allowed = ", ".join(sorted({v for s, v in STATUS.items() if s not in _HIDDEN_STATUSES}))
        raise SearchError(
            gettext("Ugyldig status %(value)r; tillatt: %(allowed)s.")
            % {"value": value, "allowed": allowed}
        )
    q = Q(status__in=ours)
    if value == "closed-to-accrual":  # also an open study none of whose sites is open any more
        q |= Q(status=Study.Status.OPEN) & ~Q(_OPEN_SITE)
    return q


_HIDDEN_STATUSES = (Study.Status.DRAFT, Study.Status.WITHDRAWN)


def _identifier_q(value: str) -> Q:
    system, bar, code = value.rpartition("|")
    if not bar:
        return Q(public_id=code) | _any_identifier(code)
    fields = [name for name, url in IDENTIFIER_FIELDS.items() if url == system]
    if system and not fields:
        return Q(pk__in=[])  # a system we do not hold: nothing matches
    return Q(**{fields[0]: code}) if fields else _any_identifier(code)


def _any_identifier(code: str) -> Q:
    q = Q()
    for name in IDENTIFIER_FIELDS:
        q |= Q(**{name: code})
    return q


def _title_q(value: str, modifier: str) -> Q:
    lookup = {"": "istartswith", "contains": "icontains", "exact": "exact"}.get(modifier)
    if lookup is None:
        raise SearchError(gettext("Ukjent modifikator :%(m)s.") % {"m": modifier})
    return Q(**{f"scientific_title__{lookup}": value})


def _condition_q(value: str, modifier: str) -> Q:
    if modifier == "text":
        # A piece of a line: read in date order until the page is full (a common piece), or,
        # for the count, every study; the trigram index would read every match to sort them.
        return Q(conditions__icontains=value)
    if modifier:
        raise SearchError(gettext("Ukjent modifikator :%(m)s.") % {"m": modifier})
    system, bar, code = value.rpartition("|")
    if system == ICD10_SYSTEM:
        return _condition_lines_q(condition_names(code))
    if system:
        return Q(pk__in=[])  # a code system we do not hold
    # A plain token: the condition as written (a whole line, any case) or its ICD-10 code.
    return _condition_lines_q((code, *condition_names(code)))


def _condition_lines_q(names: tuple[str, ...]) -> Q:
    """Conditions are text, one per line: a name matches a whole line, in any case."""
    q = Q(pk__in=[])
    for name in names:
        line = Q(conditions__iregex=rf"(^|\n){re.escape(name)}(\r?\n|$)")
        q |= _in_search_text(name) & line
    return q


def _in_search_text(text: str) -> Q:
    """The conditions are part of the finder's ``search_text``, in lower case: on PostgreSQL its
    trigram index finds the studies that name ``text``, so the exact test on ``conditions``
    reads those and not every study. SQLite (the demo) has no such index, and lower-cases
    ASCII letters only: there the exact test alone."""
    if not text or connection.vendor != "postgresql":
        return Q()
    return search.study_text_contains_q(text.lower())


_PREFIXES = {"eq", "ne", "gt", "lt", "ge", "le", "sa", "eb", "ap"}


def _last_updated_q(value: str) -> Q:
    prefix = value[:2] if value[:2] in _PREFIXES else "eq"
    raw = value[2:] if value[:2] in _PREFIXES else value
    start, end = _instant_range(raw)
    queries = {
        "eq": Q(updated_at__gte=start, updated_at__lt=end),
        "ap": Q(updated_at__gte=start, updated_at__lt=end),
        "ne": ~Q(updated_at__gte=start, updated_at__lt=end),
        "gt": Q(updated_at__gte=end),
        "sa": Q(updated_at__gte=end),
        "ge": Q(updated_at__gte=start),
        "lt": Q(updated_at__lt=start),
        "eb": Q(updated_at__lt=start),
        "le": Q(updated_at__lt=end),
    }
    return queries[prefix]


def _instant_range(raw: str) -> tuple[dt.datetime, dt.datetime]:
    """The interval a FHIR date(time) stands for: a whole day, or one second."""
    try:
        moment = parse_datetime(raw)
        day = moment or parse_date(raw)
    except ValueError:
        moment = day = None
    if day is None or not (1900 <= day.year < 2100):
        raise SearchError(
            gettext(
                "Ugyldig dato %(value)r; skriv f.eks. ge2024-01-01 eller lt2024-06-30T12:00:00Z."
            )
            % {"value": raw}
        )
    if moment is not None:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment, moment + dt.timedelta(seconds=1)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time()))
    return start, start + dt.timedelta(days=1)


# name → how one (comma-separated) alternative becomes a condition; the modifier is passed on.
_FILTERS: dict[str, Callable[[str, str], Q]] = {
    "_id": lambda value, modifier: Q(public_id=value),
    "identifier": lambda value, modifier: _identifier_q(value),
    "title": _title_q,
    "status": lambda value, modifier: _status_q(value),
    "condition": _condition_q,
    "_lastUpdated": lambda value, modifier: _last_updated_q(value),
}
SORTS = {
    "_lastUpdated": ("updated_at", "id"),
    "-_lastUpdated": ("-updated_at", "-id"),
    "title": ("scientific_title", "id"),
    "-title": ("-scientific_title", "-id"),
    "_id": ("public_id",),
    "-_id": ("-public_id",),
}
# Result parameters and ours; with the filters above, what the CapabilityStatement lists.
RESULT_PARAMS = {"_count", "_page", "_sort", "_summary", "_elements", "_total", "_format"}
KNOWN_PARAMS = {*_FILTERS, "keyword", *RESULT_PARAMS}


@dataclass
class Search:
    """A ResearchStudy search as read from the query string."""

    queryset: QuerySet[Study]
    used: list[tuple[str, str]] = field(default_factory=list)  # for the self link
    ignored: list[str] = field(default_factory=list)
    count: int = 20
    page: int = 1
    summary_count: bool = False
    elements: list[str] = field(default_factory=list)
    total: bool = True


def read_search(params, *, queryset: QuerySet[Study]) -> Search:
    """Read the query string (a QueryDict); raise ``SearchError`` on a value it cannot read."""
    found = Search(queryset=queryset)
    order = SORTS["-_lastUpdated"]
    for key, values in params.lists():
        name, _, modifier = key.partition(":")
        if name not in KNOWN_PARAMS:
            found.ignored.append(key)
            continue
        found.used += [(key, value) for value in values]
        for value in values:
            if name in _FILTERS:
                alternatives = [part for part in value.split(",") if part]
                q = Q(pk__in=[])
                for part in alternatives:
                    q |= _FILTERS[name](part, modifier)
                if alternatives:
                    found.queryset = found.queryset.filter(q)
            elif name == "keyword":
                found.queryset = search.study_filter_text(queryset=found.queryset, q=value[:200])
            elif name == "_sort":
                order = _sort(value)
            else:
                _result_param(found, name, value)
    found.queryset = found.queryset.order_by(*order)
    return found


def _sort(value: str) -> tuple[str, ...]:
    order: list[str] = []
    for key in value.split(","):
        if key not in SORTS:
            raise SearchError(
                gettext("Kan ikke sortere på %(key)r; tillatt: %(allowed)s.")
                % {"key": key, "allowed": ", ".join(SORTS)}
            )
        order += SORTS[key]
    return tuple(order)


def _result_param(found: Search, name: str, value: str) -> None:
    if name in ("_count", "_page"):
        if not value.isdigit():
            raise SearchError(gettext("_count og _page må være heltall."))
        number = int(value)
        if name == "_count" and not 1 <= number <= MAX_COUNT:
            raise SearchError(gettext("_count må være 1–%(max)d.") % {"max": MAX_COUNT})
        if name == "_page" and number < 1:
            raise SearchError(gettext("_page må være minst 1."))
        setattr(found, name.lstrip("_"), number)
    elif name == "_summary":
        if value not in ("count", "false"):
            raise SearchError(gettext("_summary støtter count og false."))
        found.summary_count = value == "count"
    elif name == "_elements":
        found.elements = [element.strip() for element in value.split(",") if element.strip()]
    elif name == "_total":
        if value not in ("none", "estimate", "accurate"):
            raise SearchError(gettext("_total må være none, estimate eller accurate."))
        found.total = value != "none"
