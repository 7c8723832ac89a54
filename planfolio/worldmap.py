"""Country outlines from Natural Earth, projected once to SVG paths (Equal Earth).

The outlines are the vendored world-atlas TopoJSON (1:110m countries). Decoding its
arcs and projecting them are a few lines of math; the paths of one width are made once
per process, with coordinates rounded to whole pixels so that the pages stay small.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

#: The vendored outlines (see assets/vendor/world-atlas/VENDOR.md).
OUTLINES = (
    Path(__file__).resolve().parent.parent / "assets" / "vendor" / "world-atlas" / "countries-110m.json"
)
#: Outlines world-atlas gives no ISO number, by name: the code used for them instead.
UNNUMBERED = {"Kosovo": "XK"}
#: Antarctica holds no plans and would take a fifth of the map's height.
_LEFT_OUT = {"010"}
# Equal Earth's constants (Šavrič, Patterson and Jenny, 2018).
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2
_HALF_WIDTH = math.pi / (_M * _A1)  # x at longitude 180 on the equator
_SOUTH = -56.0  # the southern edge of the map: below Cape Horn
_NORTH = 84.0
# How far, in pixels, a border drawn may pass from the points of its outline (see _simplified).
_TOLERANCE = 0.5


@dataclass(frozen=True)
class Outline:
    """One country's outline: its ISO 3166 code, its name in Natural Earth, its SVG path,
    and its bounding box's longer side and middle, in pixels."""

    code: str
    name: str
    d: str
    extent: int
    middle: tuple[int, int]


@dataclass(frozen=True)
class Frame:
    """The size of a projected map in pixels, for a given width."""

    width: int
    height: int


def equal_earth(lat: float, lng: float) -> tuple[float, float]:
    """Return the Equal Earth projection of a point, in units where the equator is 2·π/(M·A1) long."""
    theta = math.asin(_M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = math.radians(lng) * math.cos(theta) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = theta * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


@functools.cache
def frame(width: int) -> Frame:
    """Return the size of the map drawn at a width."""
    top, bottom = equal_earth(_NORTH, 0)[1], equal_earth(_SOUTH, 0)[1]
    return Frame(width, math.ceil((top - bottom) * width / (2 * _HALF_WIDTH)))


def point(lat: float, lng: float, width: int) -> tuple[int, int]:
    """Return where a point falls on the map drawn at a width, in whole pixels."""
    scale = width / (2 * _HALF_WIDTH)
    top = equal_earth(_NORTH, 0)[1]
    x, y = equal_earth(max(-90.0, min(90.0, lat)), max(-180.0, min(180.0, lng)))
    return round((x + _HALF_WIDTH) * scale), round((top - y) * scale)


@functools.cache
def outlines_digest() -> str:
    """Return the sha256 of the vendored outlines: a page that draws them depends on it."""
    return hashlib.sha256(OUTLINES.read_bytes()).hexdigest()


@functools.cache
def outlines(width: int) -> dict[str, Outline]:
    """Return every country's outline drawn at a width, by ISO 3166 code (made once a process)."""
    topology = json.loads(OUTLINES.read_bytes())
    arcs = _decode_arcs(topology)
    scale = width / (2 * _HALF_WIDTH)
    top = equal_earth(_NORTH, 0)[1]
    # Each arc is projected and simplified once, though two countries share it as their
    # border: both draw it the same, and their shared ends stay where they were.
    arcs = [_simplified(arc, scale, top) for arc in arcs]
    projected = [[_pixel(lng, lat, scale, top) for lng, lat in arc] for arc in arcs]
    shapes = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry.get("properties", {}).get("name", "")
        code = geometry.get("id") or UNNUMBERED.get(name)
        if code is None or code in _LEFT_OUT or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [_ring(arcs, projected, ring, scale, top) for polygon in polygons for ring in polygon]
        drawn = [ring for ring in rings if len(ring) > 2]
        if drawn:
            xs = [x for ring in drawn for x, _ in ring]
            ys = [y for ring in drawn for _, y in ring]
            extent = max(max(xs) - min(xs), max(ys) - min(ys))
            middle = ((min(xs) + max(xs)) // 2, (min(ys) + max(ys)) // 2)
            shapes[code] = Outline(code, name, "".join(map(_path, drawn)), extent, middle)
    return shapes


@functools.cache
def all_outlines(width: int) -> str:
    """Return the outlines of every country drawn at a width, as one path."""
    return "".join(shape.d for shape in outlines(width).values())


def _decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Return the arcs of a quantized TopoJSON topology as longitude, latitude points."""
    (scale_x, scale_y), (shift_x, shift_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:  # each position is a delta from the one before
            x += dx
            y += dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def _simplified(arc: list[tuple[float, float]], scale: float, top: float) -> list[tuple[float, float]]:
    """Return the points of an arc that its line needs at a scale (Douglas and Peucker's
    method, to within _TOLERANCE pixels), its ends always kept.

    At a small scale, a border's points are closer together than a pixel: rounded, they
    would draw it as a staircase. The points kept are a few pixels apart, joined straight.
    """
    if len(arc) < 3:
        return arc
    points = [equal_earth(lat, lng) for lng, lat in arc]
    tolerance = _TOLERANCE / scale
    kept = [False] * len(arc)
    kept[0] = kept[-1] = True
    spans = [(0, len(arc) - 1)]
    while spans:
        first, last = spans.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        farthest, distance = 0, tolerance
        for index in range(first + 1, last):
            px, py = points[index]
            # From the chord, or from its one point when the arc closes on itself.
            away = abs(dy * (px - ax) - dx * (py - ay)) / length if length else math.hypot(px - ax, py - ay)
            if away > distance:
                farthest, distance = index, away
        if farthest:
            kept[farthest] = True
            spans += [(first, farthest), (farthest, last)]
    return [point for point, keep in zip(arc, kept, strict=True) if keep]


def _pixel(lng: float, lat: float, scale: float, top: float) -> tuple[int, int]:
    x, y = equal_earth(lat, lng)
    return round((x + _HALF_WIDTH) * scale), round((top - y) * scale)


def _ring(
    arcs: list[list[tuple[float, float]]],
    projected: list[list[tuple[int, int]]],
    indexes: list[int],
    scale: float,
    top: float,
) -> list[tuple[int, int]]:
    """Return the pixels of a ring joined from its arcs (a negative index: the arc reversed).

    A ring that crosses the antimeridian (Fiji, Chukotka) is drawn on the side where it
    starts: its points beyond are held to the 180th meridian at their own latitude, which
    is the map's curved edge, so that no line crosses the map and none juts out of it.
    """
    points: list[tuple[int, int]] = []
    side = 0.0  # the longitude of the edge the ring keeps to, once it has crossed the antimeridian
    last: float | None = None
    for index in indexes:
        arc, pixels = (
            (arcs[index], projected[index]) if index >= 0 else (arcs[~index][::-1], projected[~index][::-1])
        )
        for (lng, lat), p in zip(arc, pixels, strict=True):  # each arc starts where the one before ended
            if last is not None and abs(lng - last) > 180:
                side = side or (180.0 if last > 0 else -180.0)
            last = lng
            if side and (lng > 0) != (side > 0):
                p = _pixel(side, lat, scale, top)  # held to the edge: projected again
            if points and p == points[-1]:
                continue  # rounding to pixels makes many neighbours equal
            if len(points) > 1 and _in_line(points[-2], points[-1], p):
                points[-1] = p
            else:
                points.append(p)
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    return points


def _in_line(a: tuple[int, int], b: tuple[int, int], c: tuple[int, int]) -> bool:
    """Return whether b lies on the straight line from a to c, so that it can be left out."""
    return (b[0] - a[0]) * (c[1] - b[1]) == (b[1] - a[1]) * (c[0] - b[0])


def _path(ring: list[tuple[int, int]]) -> str:
    """Return a closed ring as SVG path data, each point relative to the one before."""
    x, y = ring[0]
    steps = [f"M{x} {y}l"]
    for next_x, next_y in ring[1:]:
        steps.append(f" {next_x - x} {next_y - y}")
        x, y = next_x, next_y
    # A minus sign parts two numbers as well as a space does.
    return "".join(steps).replace("l ", "l").replace(" -", "-") + "z"
