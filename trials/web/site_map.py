"""Where a study runs, on a map of Norway that needs no map server and no JavaScript.

The outline (``static/trials/norge.svg``) is drawn once, by ``manage.py build_norway_outline``
from Natural Earth's country borders, in the projection below; the study page lays its sites
over it as points in the same coordinates. A simple equirectangular projection true at 64.5° N: at this size nobody can tell
it from a conformal one, and the same two lines of arithmetic place the outline and the sites.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass

# Mainland Norway with its islands (Svalbard and Jan Mayen lie outside and are not drawn).
LON_MIN, LON_MAX = 4.0, 31.5
LAT_MIN, LAT_MAX = 57.8, 71.3
LAT_TRUE = 64.5
UNITS_PER_DEGREE = 40  # SVG units per degree of latitude
_X_PER_DEGREE = UNITS_PER_DEGREE * math.cos(math.radians(LAT_TRUE))
WIDTH = round((LON_MAX - LON_MIN) * _X_PER_DEGREE)
HEIGHT = round((LAT_MAX - LAT_MIN) * UNITS_PER_DEGREE)
MARKER_RADIUS = 7  # a site's point, in SVG units (about 20 km)


def project(lat: float, lon: float) -> tuple[float, float]:
    """SVG coordinates (x to the east, y to the south) of a point, rounded to 0.1 unit."""
    return (
        round((lon - LON_MIN) * _X_PER_DEGREE, 1),
        round((LAT_MAX - lat) * UNITS_PER_DEGREE, 1),
    )


def within_map(lat: float, lon: float) -> bool:
    return LAT_MIN <= lat <= LAT_MAX and LON_MIN <= lon <= LON_MAX


@dataclass(frozen=True)
class SiteMarker:
    x: float
    y: float
    label: str  # each site here and whether it recruits, for the point's tooltip
    is_open: bool
    sites: int  # how many sites the point stands for


def site_markers(sites: Iterable, *, open_label: str) -> list[SiteMarker]:
    """A point per place with sites on the map, open ones last (drawn on top).

    ``sites`` are ``selectors.public.PublicSite``; a site abroad or without coordinates has no
    point, and is still on the list below the map. Sites at the same place (two organisations
    in one hospital) share a point, open if one of them recruits; its label names each site and
    says ``open_label`` or the site's status.
    """
    places: dict[tuple[float, float], list] = {}
    for site in sites:
        if site.latitude is None or site.longitude is None:
            continue
        if not within_map(site.latitude, site.longitude):
            continue
        places.setdefault(project(site.latitude, site.longitude), []).append(site)
    markers = [
        SiteMarker(
            x,
            y,
            "; ".join(
                f"{site.organisation_name}: "
                + (open_label if site.is_open else site.status_label.lower())
                for site in here
            ),
            any(site.is_open for site in here),
            len(here),
        )
        for (x, y), here in places.items()
    ]
    return sorted(markers, key=lambda marker: marker.is_open)


def sites_on_map(markers: list[SiteMarker]) -> int:
    return sum(marker.sites for marker in markers)


# Drawing the outline from Natural Earth's borders as TopoJSON (the npm package world-atlas).
NORWAY = "578"  # ISO 3166 numeric code, the id of a country in world-atlas


def outline_path(
    topology: dict, *, country: str = NORWAY, tolerance: float = 0.5, min_area: float = 3.0
) -> str:
    """SVG path data of a country's polygons on the map, simplified.

    Polygons outside the map (Svalbard, Jan Mayen) and islands smaller than ``min_area`` square
    units are left out; each ring is simplified to ``tolerance`` units (Douglas–Peucker).
    """
    arcs = _decode_arcs(topology)
    geometry = next(
        g for g in topology["objects"]["countries"]["geometries"] if g.get("id") == country
    )
    polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
    parts = []
    for polygon in polygons:
        rings = [_ring(indexes, arcs) for indexes in polygon]
        if not all(within_map(lat, lon) for lon, lat in rings[0]):
            continue
        projected = [[project(lat, lon) for lon, lat in ring] for ring in rings]
        if abs(_area(projected[0])) < min_area:
            continue
        for ring in projected:
            points = _simplify(ring, tolerance)
            if len(points) >= 4:
                parts.append("M" + " ".join(f"{x:g},{y:g}" for x, y in points[:-1]) + "Z")
    return "".join(parts)


def outline_svg(topology: dict) -> str:
    """The whole ``norge.svg``: the outline on a ``WIDTH`` × ``HEIGHT`` canvas."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">\n'
        "<!-- Norge. Grenser: Natural Earth (public domain), via world-atlas (ISC). -->\n"
        f'<path fill="#e8edf1" stroke="#6b7785" stroke-width="0.8" stroke-linejoin="round" '
        f'fill-rule="evenodd" d="{outline_path(topology)}"/>\n</svg>\n'
    )


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON's quantised, delta-encoded arcs as (longitude, latitude) points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        decoded.append(points)
    return decoded


def _ring(indexes: list[int], arcs: list) -> list[tuple[float, float]]:
    """A closed ring from arc indexes; ``~i`` is arc ``i`` reversed. Arcs share end points."""
    ring: list[tuple[float, float]] = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def _area(ring: list[tuple[float, float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker, without recursion; keeps the first and last point."""
    keep = {0, len(points) - 1}
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = math.hypot(bx - ax, by - ay)
        farthest, distance = None, tolerance
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                d = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            else:
                d = math.hypot(px - ax, py - ay)
            if d > distance:
                farthest, distance = i, d
        if farthest is not None:
            keep.add(farthest)
            stack += [(first, farthest), (farthest, last)]
    return [points[i] for i in sorted(keep)]
