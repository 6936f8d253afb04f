"""The map of where a study runs: projection, points, and the outline drawn once from Natural
Earth's borders (``static/trials/norge.svg``)."""

import io
import json
import math
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from trials.selectors.public import PublicSite
from trials.web import site_map
from trials.web.site_map import HEIGHT, MARKER_RADIUS, WIDTH, outline_path, project, site_markers

OUTLINE = Path(site_map.__file__).resolve().parents[1] / "static" / "trials" / "norge.svg"


def site(name, lat, lon, status="open") -> PublicSite:
    return PublicSite(
        name, None, None, None, None, None, lat, lon, status, False, None, "", "", "", ""
    )


def rings_of(svg: str) -> list[list[tuple[float, float]]]:
    d = re.search(r' d="([^"]+)"', svg).group(1)
    return [
        [tuple(map(float, pair.split(","))) for pair in part.split()]
        for part in re.findall(r"M([^MZ]+)Z", d)
    ]


def inside(point: tuple[float, float], rings) -> bool:
    """Even–odd rule, as the outline is filled."""
    x, y = point
    crossings = 0
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                crossings += 1
    return crossings % 2 == 1


def coast_distance(point: tuple[float, float], rings) -> float:
    px, py = point
    best = math.inf
    for ring in rings:
        for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1], strict=True):
            length = (bx - ax) ** 2 + (by - ay) ** 2
            u = max(0.0, min(1.0, ((px - ax) * (bx - ax) + (py - ay) * (by - ay)) / length))
            best = min(best, math.hypot(px - ax - u * (bx - ax), py - ay - u * (by - ay)))
    return best


def test_the_map_corners_and_compass():
    assert project(site_map.LAT_MAX, site_map.LON_MIN) == (0, 0)
    assert project(site_map.LAT_MIN, site_map.LON_MAX) == pytest.approx((WIDTH, HEIGHT), abs=0.6)
    oslo, tromso = project(59.91, 10.75), project(69.65, 18.96)
    assert tromso[0] > oslo[0] and tromso[1] < oslo[1]  # north-east of Oslo


@pytest.mark.parametrize(
    ("place", "lat", "lon"),
    [
        ("Oslo", 59.91, 10.75),
        ("Bergen", 60.39, 5.32),
        ("Trondheim", 63.43, 10.40),
        ("Bodø", 67.28, 14.40),
        ("Tromsø (on its island)", 69.65, 18.96),
        ("Kirkenes", 69.73, 30.05),
        ("Kristiansand", 58.15, 7.99),
    ],
)
def test_hospitals_fall_on_land(place, lat, lon):
    """On land, or (a town on the shore) closer to the coast than half a point's radius."""
    point, rings = project(lat, lon), rings_of(OUTLINE.read_text())
    assert inside(point, rings) or coast_distance(point, rings) < MARKER_RADIUS / 2, (
        place,
        coast_distance(point, rings),
    )


@pytest.mark.parametrize(
    ("place", "lat", "lon"),
    [("the North Sea", 59.0, 4.5), ("Stockholm", 59.33, 18.07), ("the Barents Sea", 71.0, 25.0)],
)
def test_sea_and_neighbours_are_not_norway(place, lat, lon):
    assert not inside(project(lat, lon), rings_of(OUTLINE.read_text())), place


def test_outline_is_drawn_in_the_map_projection():
    svg = OUTLINE.read_text()
    assert f'viewBox="0 0 {WIDTH} {HEIGHT}"' in svg
    assert "Natural Earth" in svg  # the source is credited in the file itself
    assert len(svg.encode()) < 20_000  # small enough for every study page on a phone


def test_points_only_for_sites_on_the_map_with_open_sites_on_top():
    markers = site_markers(
        [
            site("Oslo universitetssykehus HF", 59.95, 10.72),
            site("Helse Bergen HF", 60.37, 5.35, status="planned"),
            site("Hjemme hos deltakeren", None, None),
            site("Rigshospitalet", 55.70, 12.57),  # Copenhagen: off the map, still on the list
        ],
        open_label="tar inn deltakere",
    )
    assert [m.label for m in markers] == [
        "Helse Bergen HF: planlagt",
        "Oslo universitetssykehus HF: tar inn deltakere",
    ]
    assert markers[1].is_open and (markers[1].x, markers[1].y) == project(59.95, 10.72)


def test_sites_at_one_place_share_a_point_that_names_each():
    (marker,) = site_markers(
        [
            site("Helse Stavanger HF", 58.97, 5.73, status="closed"),
            site("Stavanger universitetssjukehus", 58.97, 5.73),
        ],
        open_label="tar inn deltakere",
    )
    assert marker.is_open and marker.sites == 2
    assert marker.label == (
        "Helse Stavanger HF: stengt; Stavanger universitetssjukehus: tar inn deltakere"
    )


def arc(*points):
    """A TopoJSON arc: the first point, then the steps between points."""
    deltas = [list(points[0])]
    for (xa, ya), (xb, yb) in zip(points, points[1:], strict=False):
        deltas.append([xb - xa, yb - ya])
    return deltas


@pytest.fixture
def topology():
    # Quantised to whole hundredths of a degree. Arc 0 and 1 make a square on the mainland
    # (arc 1 used reversed), arc 2 a square on Svalbard, arc 3 a speck of an island.
    return {
        "transform": {"scale": [0.01, 0.01], "translate": [0, 0]},
        "arcs": [
            arc((1000, 6000), (1100, 6000), (1100, 6100)),
            arc((1000, 6000), (1000, 6100), (1100, 6100)),
            arc((1500, 7800), (1600, 7800), (1600, 7900), (1500, 7800)),
            arc((2000, 6500), (2001, 6500), (2001, 6501), (2000, 6500)),
        ],
        "objects": {
            "countries": {
                "geometries": [
                    {"id": "752", "type": "Polygon", "arcs": [[2]]},
                    {"id": "578", "type": "MultiPolygon", "arcs": [[[0, ~1]], [[2]], [[3]]]},
                ]
            }
        },
    }


def test_outline_from_a_topology_keeps_the_mainland_and_drops_what_lies_off_the_map(topology):
    d = outline_path(topology)
    assert d.count("M") == 1
    corners = {project(60, 10), project(60, 11), project(61, 11), project(61, 10)}
    assert set(rings_of(f' d="{d}"')[0]) == corners


def test_the_outline_command_writes_the_svg_and_explains_a_bad_file(
    topology, tmp_path, monkeypatch
):
    from trials.management.commands import build_norway_outline

    source, target = tmp_path / "countries-50m.json", tmp_path / "norge.svg"
    source.write_text(json.dumps(topology))
    monkeypatch.setattr(build_norway_outline, "OUTLINE", target)
    call_command("build_norway_outline", str(source), stdout=io.StringIO())
    assert rings_of(target.read_text())[0][0] == project(60, 10)
    source.write_text("{not json")
    with pytest.raises(CommandError, match="Kunne ikke lese landegrensene"):
        call_command("build_norway_outline", str(source))
    assert rings_of(target.read_text())  # a bad file leaves the last outline as it was
