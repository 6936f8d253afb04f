"""Reads behind the public study search: full text, "near me", and the cheap change stamp.

Everything here starts from ``selectors.study_public_queryset`` (the one definition of what may be
published) and only narrows it.
"""

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import cache, cached_property
from typing import cast

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    FloatField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from sites.models import Organisation
from sites.operations.replica import read_connection

from ..models import PublicChange, Study, StudySite
from ..models.search import open_first
from .public import PublicStudy
from .search_terms import SearchTerm, search_terms
from .word_similarity import similar_words

EARTH_RADIUS_KM = 6371.0088


def study_filter_text(*, queryset: QuerySet[Study], q: str) -> QuerySet[Study]:
    """Studies that match every term of ``q`` (in no order: see :func:`study_order_by_relevance`).

    A term matches when one of its pieces occurs in the study's ``search_text`` (titles,
    summaries and conditions in every language, and the identifiers); see
    ``trials.selectors.search_terms``. The same on PostgreSQL (a
    trigram index serves the ``LIKE``) and SQLite.
    """
    within = queryset
    for term in search_terms(q):
        queryset = queryset.filter(_term_condition(term, within=within))
    return queryset


def study_text_contains_q(piece: str) -> Q:
    """Studies whose ``search_text`` holds ``piece`` (in lower case), through the trigram index."""
    return Q(search_text__contains=piece)


def _variants(piece: str) -> list[str]:
    # SQLite's lower() folds ASCII only: a text starting with "Øye" keeps its capital.
    if piece[:1] in "æøå":
        return [piece, piece[:1].upper() + piece[1:]]
    return [piece]


def _term_condition(term: SearchTerm, *, within: QuerySet[Study]) -> Q:
    """The term's pieces; for a word the synonym list does not know and no study holds, the
    words of the texts it resembles instead (a misspelling: ``lungekreftt`` → ``lungekreft``).

    Looked up first, in one or two small queries, so that the search itself stays a plain
    pattern: testing the similarity on every row a page or a count walks past costs a second
    at 550 000 studies."""
    condition = _pieces_condition(term.pieces)
    if term.similar and not within.filter(condition).exists():
        alike = similar_words(word=term.similar, queryset=within)
        if alike:
            return _pieces_condition(alike)
    return condition


def _pieces_condition(pieces: tuple[str, ...]) -> Q:
    """One pattern: a ``LIKE`` for one piece, else one regular expression (both served by the
    trigram index), so each row is read once and not once per synonym."""
    variants = [v for piece in pieces for v in _variants(piece)]
    # A piece that holds another adds nothing ("hjerneslag" beside "slag").
    variants = [p for p in variants if not any(o != p and o in p for o in variants)]
    if len(variants) == 1:
        return study_text_contains_q(variants[0])
    return Q(search_text__regex="|".join(re.escape(piece) for piece in variants))


def study_order_by_relevance(queryset: QuerySet[Study]) -> QuerySet[Study]:
    """Search results as a patient reads them: studies taking in participants first, then the
    most recently updated (``study_open_first_idx``)."""
    return queryset.order_by(open_first().desc(), "-updated_at", "-id")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points, in kilometres."""
    dlat = math.radians(lat2 - lat1)
    dlon = math.radians(lon2 - lon1)
    a = (
        math.sin(dlat / 2) ** 2
        + math.cos(math.radians(lat1)) * math.cos(math.radians(lat2)) * math.sin(dlon / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))


def organisation_distances(*, lat: float, lon: float, radius_km: float) -> dict[int, float]:
    """Organisations within ``radius_km`` of a point, with their distance, nearest first.

    The database returns the organisations inside a bounding box (a few hundred at most, even
    with thousands of clinics); the exact distance is computed here, which costs far less than
    compiling the same trigonometry into SQL on every request.
    """
    dlat = radius_km / 111.2
    dlon = radius_km / max(111.2 * math.cos(math.radians(lat)), 1e-6)
    boxed = Organisation.objects.filter(
        latitude__gte=lat - dlat,
        latitude__lte=lat + dlat,
        longitude__gte=lon - dlon,
        longitude__lte=lon + dlon,
    ).values_list("id", "latitude", "longitude")
    within = []
    for org_id, org_lat, org_lon in boxed:
        distance = haversine_km(lat, lon, float(org_lat), float(org_lon))
        if distance <= radius_km:
            within.append((distance, org_id))
    within.sort()
    return {org_id: distance for distance, org_id in within}


@dataclass(frozen=True)
class NearPoint:
    lat: float
    lon: float
    radius_km: float


def study_filter_near(*, queryset: QuerySet[Study], near: NearPoint) -> QuerySet[Study]:
    """Studies open for inclusion at a site within the radius, annotated with ``distance_km``.

    The distance of a study is that of its nearest open site within the radius. Fine for any
    ordering and for exports; for the default nearest-first list use ``study_nearest_first``,
    which does not compute the distance of every study in the radius to show twenty.
    """
    distances = organisation_distances(lat=near.lat, lon=near.lon, radius_km=near.radius_km)
    return _filter_near(queryset=queryset, distances=distances)


def _filter_near(*, queryset: QuerySet[Study], distances: dict[int, float]) -> QuerySet[Study]:
    if not distances:
        return queryset.none().annotate(distance_km=Value(None, output_field=FloatField()))
    nearby_open = _open_sites_at(distances)
    distance = Case(
        *[When(organisation_id=org_id, then=Value(d)) for org_id, d in distances.items()],
        output_field=FloatField(),
    )
    nearest = nearby_open.annotate(d=distance).order_by("d").values("d")[:1]
    return queryset.filter(Exists(nearby_open)).annotate(distance_km=Subquery(nearest))


def _open_sites_at(distances: dict[int, float]) -> QuerySet[StudySite]:
    return StudySite.objects.filter(
        study=OuterRef("pk"), status=StudySite.Status.OPEN, organisation_id__in=list(distances)
    )


def study_nearest_first(*, queryset: QuerySet[Study], near: NearPoint) -> "NearestStudies":
    """Studies open at a site within the radius, nearest first (then by id), for paginators."""
    distances = organisation_distances(lat=near.lat, lon=near.lon, radius_km=near.radius_km)
    return NearestStudies(queryset=queryset, distances=distances)


# The nearest-first walk asks the nearest organisations first (enough to fill a page in a
# town with a hospital), and the rest of the radius only when they do not.
NEAREST_ORGANISATIONS_FIRST = 32


class NearestStudies:
    """The nearest-first list, fetched a page at a time by walking organisations outwards.

    Organisations are few (thousands) and their distances cheap; what costs is joining every
    open site in the radius and sorting all its studies. So instead: group the organisations
    in the radius into *tiers* of equal distance, nearest first. A study belongs to the tier of
    its nearest open site, and within a tier the order is by id — the order of the index
    ``studysite_org_status_study_idx``. For rows ``[start:stop]`` one query takes, per
    organisation, the first ``stop`` matching studies open there in id order (an index range
    scan that stops early); :func:`nearest_merge` then walks the tiers, skipping studies already
    placed in a nearer tier. That is exact: see its docstring.

    Behaves like the ordered queryset for what the paginators and exports need: slicing gives
    the studies (with ``distance_km``), ``count_up_to`` a bounded count, and ``order_by`` the
    plain filtered queryset in another order (the cursor walk and the exports).
    """

    ordered = True

    def __init__(self, *, queryset: QuerySet[Study], distances: dict[int, float]) -> None:
        self.queryset = queryset
        self.distances = distances

    @cached_property
    def filtered(self) -> QuerySet[Study]:
        return _filter_near(queryset=self.queryset, distances=self.distances)

    def order_by(self, *fields: str) -> QuerySet[Study]:
        return self.filtered.order_by(*fields)

    def count_up_to(self, limit: int) -> int:
        if not self.distances:
            return 0
        # Only the pk: neither the distance nor the selector's annotations are computed.
        nearby = self.queryset.filter(Exists(_open_sites_at(self.distances)))
        counted = nearby.order_by().values("pk")[:limit].count()
        self._known_total = counted if counted < limit else None
        return counted

    def __getitem__(self, key: slice) -> list[PublicStudy]:
        if not isinstance(key, slice) or key.step is not None or key.stop is None:
            raise TypeError("NearestStudies supports [start:stop] only.")
        start, stop = key.start or 0, key.stop
        if stop <= start or not self.distances:
            return []
        walked = self._walk(limit=stop)[start:stop]
        by_id = self.queryset.in_bulk([study_id for study_id, _ in walked])
        studies = []
        for study_id, distance in walked:
            study = cast(PublicStudy, by_id[study_id])
            study.distance_km = distance
            studies.append(study)
        return studies

    def _walk(self, *, limit: int) -> list[tuple[int, float]]:
        """Nearest organisations first; the rest only if those did not fill ``limit`` rows.

        At most two queries. One if the count already said that every match is wanted.
        """
        tiers = distance_tiers(self.distances)
        first: list[tuple[float, list[int]]] = []
        known_total = getattr(self, "_known_total", None)
        if known_total is None or known_total > limit:
            taken = 0
            while len(first) < len(tiers) and taken < NEAREST_ORGANISATIONS_FIRST:
                first.append(tiers[len(first)])
                taken += len(first[-1][1])
        prefixes: dict[int, list[int]] = {}
        if first and len(first) < len(tiers):
            orgs = [org for _, tier_orgs in first for org in tier_orgs]
            prefixes = _open_study_prefixes(
                queryset=self.queryset, organisation_ids=orgs, limit=limit
            )
            walked = nearest_merge(tiers=first, prefixes=prefixes, limit=limit)
            if len(walked) == limit:
                return walked
        else:
            first = []
        rest = [org for _, tier_orgs in tiers[len(first) :] for org in tier_orgs]
        prefixes |= _open_study_prefixes(queryset=self.queryset, organisation_ids=rest, limit=limit)
        return nearest_merge(tiers=tiers, prefixes=prefixes, limit=limit)


def distance_tiers(distances: dict[int, float]) -> list[tuple[float, list[int]]]:
    """Organisations grouped by equal distance, nearest first."""
    tiers: dict[float, list[int]] = {}
    for org_id, distance in distances.items():
        tiers.setdefault(distance, []).append(org_id)
    return sorted((distance, sorted(orgs)) for distance, orgs in tiers.items())


def nearest_merge(
    *,
    tiers: list[tuple[float, list[int]]],
    prefixes: dict[int, list[int]],
    limit: int,
) -> list[tuple[int, float]]:
    """The first ``limit`` studies nearest first, as ``(study id, distance)``.

    ``prefixes[org]`` holds the ids (ascending) of the first ``limit`` matching studies open at
    ``org``. Walking the tiers nearest first, a study not yet placed belongs to the current
    tier, taken in id order. Exact although each list is cut at ``limit``: if an organisation
    has more studies than its list shows, its ``limit`` listed ids are all smaller than the
    missing ones, and at most ``len(placed)`` of them were placed before, so this tier alone
    fills the result before any missing id would be due.
    """
    placed: set[int] = set()
    out: list[tuple[int, float]] = []
    for distance, orgs in tiers:
        candidates = sorted({study_id for org in orgs for study_id in prefixes.get(org, ())})
        for study_id in candidates:
            if study_id in placed:
                continue
            placed.add(study_id)
            out.append((study_id, distance))
            if len(out) == limit:
                return out
    return out


def _open_study_prefixes(
    *, queryset: QuerySet[Study], organisation_ids: list[int], limit: int
) -> dict[int, list[int]]:
    """Per organisation, the ids of the first ``limit`` studies of ``queryset`` open there.

    One query. PostgreSQL: a LATERAL index range scan per organisation that stops after
    ``limit`` rows. Elsewhere (SQLite, the demo): a window function over the open sites.
    """
    try:
        matching_sql, matching_params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return {}
    # Only Django's own compiled SQL and the table name are spliced in; every value is a parameter.
    site = StudySite._meta
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT o.org_id, x.study_id FROM unnest(%s::bigint[]) AS o(org_id) "  # noqa: S608
            f"CROSS JOIN LATERAL (SELECT s.study_id FROM {site.db_table} s "
            f"WHERE s.organisation_id = o.org_id AND s.status = %s "
            f"AND s.study_id IN ({matching_sql}) ORDER BY s.study_id LIMIT %s) x"
        )
        params = [organisation_ids, StudySite.Status.OPEN, *matching_params, limit]
    else:
        placeholders = ", ".join(["%s"] * len(organisation_ids))
        sql = (
            f"SELECT org_id, study_id FROM (SELECT s.organisation_id AS org_id, s.study_id, "  # noqa: S608
            f"ROW_NUMBER() OVER (PARTITION BY s.organisation_id ORDER BY s.study_id) AS rn "
            f"FROM {site.db_table} s WHERE s.status = %s "
            f"AND s.organisation_id IN ({placeholders}) AND s.study_id IN ({matching_sql})) "
            f"WHERE rn <= %s ORDER BY org_id, study_id"
        )
        params = [StudySite.Status.OPEN, *organisation_ids, *matching_params, limit]
    prefixes: dict[int, list[int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for org_id, study_id in cursor.fetchall():
            prefixes.setdefault(org_id, []).append(study_id)
    for ids in prefixes.values():
        ids.sort()
    return prefixes


def public_change_stamp() -> tuple[dt.datetime | None, str]:
    """When anything public last changed, and a short token of it, in one statement.

    Studies, study sites and organisations all feed the public texts; unpublishing a study
    touches its ``updated_at`` too, so the stamp moves when a study leaves the public view.
    Deletions and sponsor edits leave no ``updated_at``: they are counted by ``PublicChange``.
    Each ``max`` is read from the end of an index.
    """
    return _newest(_public_stamp_columns())


def _public_stamp_columns() -> list[str]:
    tables = [model._meta.db_table for model in (Study, StudySite, Organisation)]
    columns = [f"(SELECT max(updated_at) FROM {table})" for table in tables]  # noqa: S608
    columns.append(f"(SELECT max(changed_at) FROM {PublicChange._meta.db_table})")  # noqa: S608
    return columns


def _newest(columns: list[str]) -> tuple[dt.datetime | None, str]:
    """The newest of the times ``columns`` read, and a token of all of them, in one statement."""
    with read_connection(Study).cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)}")  # noqa: S608 (table names only)
        stamps = [_as_datetime(value) for value in cursor.fetchone()]
    present = [s for s in stamps if s is not None]
    token = "/".join(s.isoformat() if s else "-" for s in stamps)
    return (max(present) if present else None), token


def _as_datetime(value: dt.datetime | str | None) -> dt.datetime | None:
    """A ``max()`` read with raw SQL: PostgreSQL gives a datetime, SQLite its UTC text."""
    if value is None or isinstance(value, dt.datetime):
        return value
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValueError(f"Not a time: {value!r}")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed, dt.UTC)


def public_study_stamp() -> tuple[dt.datetime | None, str]:
    """What a public study page shows: the public stamp, and the newest change of an enrolment
    (the "n of N" enrolled; its history table is indexed by date, and records deletions too), in
    one statement. The key of the shared response cache (sites/operations/response_cache.py)."""
    history = _enrolment_history_table()
    return _newest([*_public_stamp_columns(), f"(SELECT max(history_date) FROM {history})"])  # noqa: S608


@cache
def _enrolment_history_table() -> str:
    """Read once: simple-history builds a new manager class on every ``Model.history``."""
    from consents.models import Enrolment  # Lazy: consents depends on trials.

    return Enrolment.history.model._meta.db_table


def public_capability_change_stamp() -> tuple[dt.datetime | None, str]:
    """The public stamp, plus what the capability profile of an organisation reads: capacity
    figures and enrolments (their history tables, indexed by date) and the default year."""
    from consents.models import Enrolment  # Lazy: consents depends on trials.
    from sites.models import OrganisationCapacity

    last_modified, token = public_change_stamp()
    stamps = [
        OrganisationCapacity.history.aggregate(m=Max("history_date"))["m"],
        Enrolment.history.aggregate(m=Max("history_date"))["m"],
    ]
    present = [s for s in [last_modified, *stamps] if s is not None]
    token = "/".join([token, *(s.isoformat() if s else "-" for s in stamps)])
    return (max(present) if present else None), f"{token}/{timezone.localdate().year}"
