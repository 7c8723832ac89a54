"""The world map's outlines: decoded from the vendored TopoJSON, projected with Equal Earth."""

import json
import math
import re

import pytest

from planfolio import worldmap
from planfolio.charts import SMALL_MAP_WIDTH
from planfolio.countries import country_code

_NUMBER = re.compile(r"-?\d+")


def _rings(d):
    """Return the absolute points of every ring of a path written as worldmap writes them."""
    rings = []
    for ring in re.findall(r"M([^z]*)z", d):
        start, _, steps = ring.partition("l")
        x, y = map(int, start.split())
        points = [(x, y)]
        numbers = [int(n) for n in _NUMBER.findall(steps)]
        for dx, dy in zip(numbers[::2], numbers[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
        rings.append(points)
    return rings


def _box(d):
    points = [p for ring in _rings(d) for p in ring]
    return (
        min(x for x, _ in points),
        min(y for _, y in points),
        max(x for x, _ in points),
        max(y for _, y in points),
    )


@pytest.mark.parametrize("lat", [-50, -20, 0, 10, 35, 60, 80])
def test_the_projection_keeps_areas(lat):
    # A small cell of the globe covers an area proportional to cos(latitude) wherever it is.
    step = 0.01
    (x0, y0), (x1, _), (_, y2) = (
        worldmap.equal_earth(lat, 10),
        worldmap.equal_earth(lat, 10 + step),
        worldmap.equal_earth(lat + step, 10),
    )
    ratio = abs((x1 - x0) * (y2 - y0)) / math.cos(math.radians(lat))
    (ex0, ey0), (ex1, _), (_, ey2) = (
        worldmap.equal_earth(0, 10),
        worldmap.equal_earth(0, 10 + step),
        worldmap.equal_earth(step, 10),
    )
    assert ratio == pytest.approx(abs((ex1 - ex0) * (ey2 - ey0)), rel=1e-3)


def test_every_numbered_country_of_the_vendored_file_has_an_outline_but_antarctica():
    topology = json.loads(worldmap.OUTLINES.read_bytes())
    codes = {g.get("id") for g in topology["objects"]["countries"]["geometries"]} - {None, "010"}
    shapes = worldmap.outlines(960)
    assert codes <= set(shapes)
    assert "010" not in shapes
    assert shapes["XK"].name == "Kosovo"


def test_every_outline_stays_on_the_map_and_crosses_no_edge():
    frame = worldmap.frame(960)
    for shape in worldmap.outlines(960).values():
        for ring in _rings(shape.d):
            assert all(0 <= x <= frame.width and 0 <= y <= frame.height for x, y in ring), shape.name
            steps = zip(ring, ring[1:] + ring[:1], strict=True)
            assert all(abs(a[0] - b[0]) < frame.width / 2 for a, b in steps), shape.name


def _edge(y, width):
    """Return how far from the middle the 180th meridian is drawn at the height y, at a width."""
    low, high = -90.0, 90.0
    for _ in range(60):  # the latitude drawn at y, by bisection: y grows southwards
        lat = (low + high) / 2
        low, high = (lat, high) if worldmap.point(lat, 0, width)[1] > y else (low, lat)
    scale = width / (2 * worldmap.equal_earth(0, 180)[0])
    return worldmap.equal_earth(lat, 180)[0] * scale


@pytest.mark.parametrize("width", [160, 960])
def test_no_outline_juts_out_of_the_curved_edge_of_the_map(width):
    # A ring that crosses the antimeridian is held to the 180th meridian, which Equal Earth
    # draws as a curve: near the poles it is far inside the width of the equator.
    middle = width / 2
    beyond = [
        (shape.name, x, y)
        for shape in worldmap.outlines(width).values()
        for ring in _rings(shape.d)
        for x, y in ring
        if abs(x - middle) > _edge(y, width) + 1.5
    ]
    assert beyond == []
    russia = _box(worldmap.outlines(width)[country_code("Russia")].d)
    assert russia[2] - middle > 0.8 * _edge(russia[1], width)  # Chukotka is drawn, to its edge


@pytest.mark.parametrize(
    ("name", "lat", "lng"),
    [("Kenya", 0.02, 37.9), ("Argentina", -38.4, -63.6), ("Mongolia", 46.9, 103.8), ("Türkiye", 39.0, 35.2)],
)
def test_a_place_falls_inside_its_countrys_outline(name, lat, lng):
    left, top, right, bottom = _box(worldmap.outlines(960)[country_code(name)].d)
    x, y = worldmap.point(lat, lng, 960)
    assert left <= x <= right and top <= y <= bottom


def test_west_is_left_and_north_is_up():
    shapes = worldmap.outlines(960)
    assert _box(shapes[country_code("Peru")].d)[2] < _box(shapes[country_code("Kenya")].d)[0]
    assert _box(shapes[country_code("Norway")].d)[3] < _box(shapes[country_code("South Africa")].d)[1]


def test_small_maps_are_smaller():
    size = {width: sum(len(s.d) for s in worldmap.outlines(width).values()) for width in (160, 960)}
    assert size[160] < size[960] / 2


def test_a_border_is_drawn_as_lines_not_as_a_staircase_of_pixels():
    # Rounded to whole pixels, a border's points closer than a pixel draw steps of one pixel
    # (nearly half of the steps of a term page's map did): the points are thinned first.
    steps = [
        abs(a[0] - b[0]) + abs(a[1] - b[1])
        for shape in worldmap.outlines(SMALL_MAP_WIDTH).values()
        for ring in _rings(shape.d)
        for a, b in zip(ring, ring[1:] + ring[:1], strict=True)
    ]
    assert sum(step == 1 for step in steps) < len(steps) / 4


def test_thinning_an_arc_keeps_its_ends_and_the_points_a_border_needs():
    scale = 320 / (2 * worldmap.equal_earth(0, 180)[0])
    top = worldmap.equal_earth(84, 0)[1]
    pixel = 1 / scale  # a pixel, in the projection's units: about a degree at this width
    wiggle = [(lng / 10, 0.1 * pixel * (-1) ** lng) for lng in range(0, 101)]  # within a pixel of a line
    peak = (5.0, 10.0)  # far from it: kept, with the corners of the line where it leaves and meets it
    arc = wiggle[:50] + [peak] + wiggle[51:]
    assert worldmap._simplified(arc, scale, top) == [arc[0], arc[49], peak, arc[51], arc[-1]]
    assert worldmap._simplified(wiggle, scale, top) == [wiggle[0], wiggle[-1]]
