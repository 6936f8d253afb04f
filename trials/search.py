"""Reads behind the public study search: full text, "near me", and the cheap change stamp.

Everything here starts from ``selectors.study_public_queryset`` (the one definition of what may be
published) and only narrows it.
"""

import datetime as dt
import math
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    ExpressionWrapper,
    FloatField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import ASin, Cast, Cos, Power, Radians, Sin, Sqrt

from sites.models import Organisation

from .models import Study, StudySite
from .models.search import SEARCH_CONFIG, study_search_vector

EARTH_RADIUS_KM = 6371.0088


def study_filter_text(*, queryset: QuerySet[Study], q: str) -> QuerySet[Study]:
    """Studies whose titles, lay summary or conditions match ``q``.

    PostgreSQL: Norwegian stemming ("hjertesvikt" finds "hjertesvikten"), all words must match,
    served from the functional GIN index. SQLite: every word must occur (case-insensitive).
    """
    words = q.split()
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(q, config=SEARCH_CONFIG, search_type="websearch")
        return queryset.alias(search_document=study_search_vector()).filter(search_document=query)
    for word in words:
        condition = Q()
        for field in ("lay_title_nb", "lay_title_nn", "lay_title_en", "scientific_title"):
            condition |= Q(**{f"{field}__icontains": word})
        condition |= Q(lay_summary_nb__icontains=word) | Q(conditions__icontains=word)
        queryset = queryset.filter(condition)
    return queryset


def _haversine_km(lat: float, lon: float, lat_field: str, lon_field: str):
    """Great-circle distance in SQL (Django supplies the maths functions on SQLite too)."""
    lat_rad = Radians(Cast(lat_field, FloatField()))
    lon_rad = Radians(Cast(lon_field, FloatField()))
    dlat = lat_rad - Value(math.radians(lat))
    dlon = lon_rad - Value(math.radians(lon))
    a = Power(Sin(dlat / 2.0), 2) + Value(math.cos(math.radians(lat))) * Cos(lat_rad) * Power(
        Sin(dlon / 2.0), 2
    )
    return ExpressionWrapper(2 * EARTH_RADIUS_KM * ASin(Sqrt(a)), output_field=FloatField())


def organisation_distances(*, lat: float, lon: float, radius_km: float) -> dict[int, float]:
    """Organisations within ``radius_km`` of a point, with their distance, nearest first.

    A bounding box on the coordinates narrows the rows before the haversine is computed.
    """
    dlat = radius_km / 111.2
    dlon = radius_km / max(111.2 * math.cos(math.radians(lat)), 1e-6)
    rows = (
        Organisation.objects.filter(
            latitude__isnull=False,
            longitude__isnull=False,
            latitude__gte=lat - dlat,
            latitude__lte=lat + dlat,
            longitude__gte=lon - dlon,
            longitude__lte=lon + dlon,
        )
        .annotate(distance=_haversine_km(lat, lon, "latitude", "longitude"))
        .filter(distance__lte=radius_km)
        .order_by("distance")
        .values_list("id", "distance")
    )
    return {org_id: float(distance) for org_id, distance in rows}


@dataclass(frozen=True)
class NearPoint:
    lat: float
    lon: float
    radius_km: float


def study_filter_near(*, queryset: QuerySet[Study], near: NearPoint) -> QuerySet[Study]:
    """Studies open for inclusion at a site within the radius, annotated with ``distance_km``.

    The distance of a study is that of its nearest open site within the radius.
    """
    distances = organisation_distances(lat=near.lat, lon=near.lon, radius_km=near.radius_km)
    if not distances:
        return queryset.none().annotate(distance_km=Value(None, output_field=FloatField()))
    nearby_open = StudySite.objects.filter(
        study=OuterRef("pk"), status=StudySite.Status.OPEN, organisation_id__in=list(distances)
    )
    distance = Case(
        *[When(organisation_id=org_id, then=Value(d)) for org_id, d in distances.items()],
        output_field=FloatField(),
    )
    nearest = nearby_open.annotate(d=distance).order_by("d").values("d")[:1]
    return queryset.filter(Exists(nearby_open)).annotate(distance_km=Subquery(nearest))


def public_change_stamp() -> tuple[dt.datetime | None, str]:
    """When anything public last changed, and a short token of it, in a few index-only reads.

    Studies, study sites and organisations all feed the public texts; unpublishing a study
    touches its ``updated_at`` too, so the stamp moves when a study leaves the public view.
    """
    stamps = [
        Study.objects.aggregate(m=Max("updated_at"))["m"],
        StudySite.objects.aggregate(m=Max("updated_at"))["m"],
        Organisation.objects.aggregate(m=Max("updated_at"))["m"],
    ]
    present = [s for s in stamps if s is not None]
    token = "/".join(s.isoformat() if s else "-" for s in stamps)
    return (max(present) if present else None), token
