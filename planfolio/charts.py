"""What the portfolio's charts and maps show, computed from the site model: one function a chart.

Every count is a number of plans on the page its bar, tile, cell or country links to.
The pictures themselves are drawn by the templates (templates/_charts.html).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from . import urls, worldmap
from .countries import country_code, is_known_country
from .goals import SDGS
from .metadata import goal_number
from .model import Plan, Problem
from .site import TAXONOMIES, Site, TaxonomySpec, Term, TermNames

#: How many levels of colour the maps and heat tables have (see style.css).
LEVELS = 5
#: The width of the home page's map and of a term page's small map, in pixels.
HOME_MAP_WIDTH = 960
SMALL_MAP_WIDTH = 320
#: Which other taxonomies a term page shows the terms most found with it of. Every page but
#: a country's also has a small map of its countries, with their counts as a table.
RELATED = {
    "country": ("methods", "sdgs"),
    "methods": ("thematic_areas",),
    "datasources": ("methods",),
    "sdgs": ("methods",),
    "thematic_areas": ("methods",),
    "year": ("methods", "thematic_areas"),
}
_TOP = 10
_RELATED_TOP = 8
_SPECS = {spec.key: spec for spec in TAXONOMIES}


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: what it counts, the page it links to, and its length as a share
    of the longest bar's (to a thousandth: a pixel on any screen)."""

    label: str
    path: str
    count: int
    share: float


@dataclass(frozen=True)
class SdgTile:
    """One goal: its number, title and colour, its plans, and its page ("" when it has none)."""

    number: int
    title: str
    colour: str
    count: int
    path: str


@dataclass(frozen=True)
class HeatCell:
    """The plans of one row's term in one year, linked to that year on the term's page."""

    count: int
    path: str
    level: int


@dataclass(frozen=True)
class HeatRow:
    """A term and its plans year by year."""

    label: str
    path: str
    total: int
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True)
class HeatTable:
    """Terms by years: how many plans carry each in each year."""

    years: tuple[str, ...]
    rows: tuple[HeatRow, ...]


@dataclass(frozen=True)
class MapCountry:
    """A country with plans: its outline (or a marker where none matches), count and page."""

    name: str
    path: str
    count: int
    level: int
    d: str
    marker: tuple[int, int] | None


@dataclass(frozen=True)
class LegendStep:
    """One colour of a map's legend and the counts it stands for."""

    level: int
    low: int
    high: int


@dataclass(frozen=True)
class WorldMap:
    """A map of countries filled by their number of plans; the others drawn plain."""

    width: int
    height: int
    plain: str  # the path of every country without plans
    countries: tuple[MapCountry, ...]
    legend: tuple[LegendStep, ...]
    radius: float  # of a marker's dot


@dataclass(frozen=True)
class Related:
    """The terms of another taxonomy most often found with a term."""

    spec: TaxonomySpec
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Glance:
    """A term page's "at a glance": its years, related terms, map and the search filtered to it."""

    years: tuple[Bar, ...]
    related: tuple[Related, ...]
    map: SmallMap | None
    search: str  # the path of the search page filtered to the term
    countries: Related | None = None  # the countries with most of its plans, beside its map


def term_order(key: str, term: Term) -> tuple[int, str, str]:
    """Return the sort key of a term in a list by name: goals by number, the rest by name."""
    number = goal_number(term.name) if key == "sdgs" else None
    return (number or 0, term.name.lower(), term.slug)


def plans_per_year(site: Site) -> tuple[Bar, ...]:
    """Return a bar per year, oldest first, linked to the year's page."""
    terms = sorted(site.taxonomies["year"].terms.values(), key=lambda term: term.name)
    return _bars((term.name, _path("year", term), len(term.plans)) for term in terms)


def top_terms(site: Site, key: str, count: int = _TOP) -> tuple[Bar, ...]:
    """Return a bar for each of the most used terms of a taxonomy, most used first."""
    terms = sorted(site.taxonomies[key].terms.values(), key=lambda term: (-len(term.plans), term.slug))
    return _bars((term.name, _path(key, term), len(term.plans)) for term in terms[:count])


def sdg_tiles(site: Site) -> tuple[SdgTile, ...]:
    """Return the 17 goals in order, each with its plans: none is a zero, not a gap."""
    by_number: dict[int, Term] = {}
    for term in site.taxonomies["sdgs"].terms.values():
        number = goal_number(term.name)
        if number is not None and (number not in by_number or len(term.plans) > len(by_number[number].plans)):
            by_number[number] = term
    tiles = []
    for number, title, colour in SDGS:
        found = by_number.get(number)
        count, path = (len(found.plans), _path("sdgs", found)) if found else (0, "")
        tiles.append(SdgTile(number, title, colour, count, path))
    return tuple(tiles)


def methods_by_year(site: Site, key: str = "methods", count: int = _TOP) -> HeatTable:
    """Return the most used terms of a taxonomy by year, each cell linked to the year on its page."""
    years = sorted(site.taxonomies["year"].terms.values(), key=lambda term: term.name)
    names = tuple(term.name for term in years)
    terms = sorted(site.taxonomies[key].terms.values(), key=lambda term: (-len(term.plans), term.slug))[
        :count
    ]
    counted = [Counter(str(plan.year) for plan in term.plans if plan.year is not None) for term in terms]
    highest = max((n for counts in counted for n in counts.values()), default=0)
    rows = []
    for term, counts in zip(terms, counted, strict=True):
        path = _path(key, term)
        cells = tuple(
            HeatCell(
                counts[year], f"{path}#year-{year}" if counts[year] else "", _level(counts[year], highest)
            )
            for year in names
        )
        rows.append(HeatRow(term.name, path, len(term.plans), cells))
    return HeatTable(names, tuple(rows))


def world_map(site: Site, width: int) -> WorldMap:
    """Return the map of the countries of every plan. A country that matches no outline is
    drawn as a marker at its plans' latlng (see map_problems)."""
    places = map_places(site, width)
    terms = site.taxonomies["country"].terms
    counted = [(places[slug], len(term.plans)) for slug, term in terms.items()]
    return _drawn(counted, width, over_every_outline=False)


@dataclass(frozen=True)
class MapPlace:
    """Where a country is on a map of a width: its outline's code, or else a marker at its
    plans' latlng (neither: it is left off), with its name and page."""

    name: str
    path: str
    code: str | None
    marker: tuple[int, int] | None


def map_places(site: Site, width: int) -> dict[str, MapPlace]:
    """Return where every country of a site is on a map of a width, by page name.

    A country whose outline is smaller than a marker's radius (Fiji, Trinidad and Tobago,
    Luxembourg on the home page's map) is a marker in its outline's middle: a shape of
    three pixels can be neither seen nor pointed at.
    """
    shapes = worldmap.outlines(width)
    places = {}
    for slug, term in site.taxonomies["country"].terms.items():
        code = _outline_code(term, shapes)
        if code is None:
            marker = _marker(term.plans, width)
        else:
            marker = shapes[code].middle if shapes[code].extent <= marker_radius(width) else None
        places[slug] = MapPlace(term.name, _path("country", term), code, marker)
    return places


def marker_radius(width: int) -> float:
    """Return the radius of a marker's dot on a map of a width (the template draws it so)."""
    return round(width / 240, 1)


def _drawn(counted: Sequence[tuple[MapPlace, int]], width: int, over_every_outline: bool) -> WorldMap:
    """Draw a map of countries by their counts, over every outline or over the others'."""
    shapes = worldmap.outlines(width)
    levels = _quantile_levels([number for _, number in counted])
    countries, drawn = [], set()
    for (place, number), level in zip(counted, levels, strict=True):
        if place.code is None and place.marker is None:
            continue
        drawn.add(place.code)
        d = shapes[place.code].d if place.code else ""
        countries.append(MapCountry(place.name, place.path, number, level, d, place.marker))
    # Dots last, over the outlines: a dot and the wider circle that takes its taps are never
    # covered by a neighbour's shape (Palestine's by Jordan's).
    countries.sort(key=lambda country: country.marker is not None)
    # A term's map draws its countries over every outline: one path made once, not one a page.
    plain = worldmap.all_outlines(width) if over_every_outline else _plain(shapes, drawn)
    legend = _legend([number for _, number in counted], levels)
    frame = worldmap.frame(width)
    return WorldMap(frame.width, frame.height, plain, tuple(countries), legend, marker_radius(width))


@dataclass(frozen=True)
class SmallMap:
    """The map of a term's countries, drawn only when its page is made: its key (see
    canonical) is what it is drawn from, the places, their counts and the outlines, so
    a page the last build made is found the same without its map being drawn again."""

    countries: tuple[tuple[MapPlace, int], ...]
    outlines: str = field(default_factory=worldmap.outlines_digest)  # the outlines' digest

    @cached_property
    def drawn(self) -> WorldMap:
        """Return the map drawn: the countries over every outline."""
        return _drawn(self.countries, SMALL_MAP_WIDTH, over_every_outline=True)


def small_map(site: Site, plans: Iterable[Plan], places: Mapping[str, MapPlace]) -> SmallMap:
    """Return the small map of the countries of some plans (places: see map_places)."""
    carried = site.carried
    found = Counter(term.slug for plan in plans for term in carried[plan.source_path]["country"])
    return SmallMap(tuple((places[slug], found[slug]) for slug in sorted(found)))


def term_glance(
    site: Site, spec: TaxonomySpec, term: Term, names: TermNames, places: Mapping[str, MapPlace]
) -> Glance:
    """Return what a term page shows at a glance of its plans, naming terms as the pages do
    (goals.shown_names): the search it links to is filtered to the name the search page
    shows; its map puts countries at `places` (see map_places)."""
    years: Counter[str] = Counter()
    if spec.key != "year":  # a year's own page lists its plans under no year: no chart of years
        years.update(str(plan.year) for plan in term.plans if plan.year is not None)
    year_bars = _bars((year, f"#year-{year}", years[year]) for year in sorted(years, reverse=True))
    related = tuple(_related(site, term, _SPECS[key], names[key]) for key in RELATED[spec.key])
    found = tuple(r for r in related if r.bars)
    search = urls.search_path(spec.key, names[spec.key][term.slug])
    if spec.key == "country":  # its own page: no map, and no country but itself
        return Glance(year_bars, found, None, search)
    countries = _related(site, term, _SPECS["country"], names["country"])
    drawn = small_map(site, term.plans, places)
    return Glance(year_bars, found, drawn, search, countries if countries.bars else None)


def _related(site: Site, term: Term, other: TaxonomySpec, names: dict[str, str]) -> Related:
    """Return the terms of another taxonomy found most often on a term's plans, by the names given."""
    carried, key = site.carried, other.key
    # A plan counts once for each term it carries: two spellings of one term are one (Site.carried).
    counts = Counter(found.slug for plan in term.plans for found in carried[plan.source_path][key])
    terms = site.taxonomies[other.key].terms
    if other.key == "sdgs":  # every goal found, in the order of their numbers
        chosen = sorted((terms[slug] for slug in counts), key=lambda t: term_order("sdgs", t))
    else:
        slugs = sorted(counts, key=lambda slug: (-counts[slug], slug))[:_RELATED_TOP]
        chosen = [terms[slug] for slug in slugs]
    return Related(other, _bars((names[t.slug], _path(other.key, t), counts[t.slug]) for t in chosen))


def _plain(shapes: dict[str, worldmap.Outline], drawn: set[str | None]) -> str:
    return "".join(shape.d for code, shape in shapes.items() if code not in drawn)


def _bars(items: Iterable[tuple[str, str, int]]) -> tuple[Bar, ...]:
    listed = list(items)
    highest = max((count for _, _, count in listed), default=0) or 1
    return tuple(Bar(label, path, count, round(count / highest, 3)) for label, path, count in listed)


def _path(key: str, term: Term) -> str:
    return urls.term_path(_SPECS[key].folder, term.slug)


def _level(count: int, highest: int) -> int:
    """Return the colour level of a count: 0 for none, then 1 to LEVELS in equal steps."""
    return 0 if count == 0 or highest == 0 else max(1, -(-LEVELS * count // highest))


def _quantile_levels(counts: list[int]) -> list[int]:
    """Return each count's colour level, 1 to LEVELS, so that each level holds about as many
    countries: a few countries with many plans would otherwise leave the rest one colour."""
    ordered = sorted(counts)
    levels = []
    for count in counts:
        rank = ordered.index(count)  # equal counts share the level of the first of them
        levels.append(1 + LEVELS * rank // len(ordered))
    return levels


def _legend(counts: list[int], levels: list[int]) -> tuple[LegendStep, ...]:
    steps = []
    for level in sorted(set(levels)):
        held = [count for count, at in zip(counts, levels, strict=True) if at == level]
        steps.append(LegendStep(level, min(held), max(held)))
    return tuple(steps)


def map_problems(site: Site) -> list[Problem]:
    """Return the warnings of the home page's map: a country that matches no outline, drawn
    as a marker or left off (see world_map). A name no list knows is not among them: it is
    reported where it is read, with a suggestion."""
    places = map_places(site, HOME_MAP_WIDTH)
    return [
        _unmatched(term, places[slug].marker is not None)
        for slug, term in site.taxonomies["country"].terms.items()
        if places[slug].code is None and any(map(is_known_country, (term.name, *term.spellings)))
    ]


def _outline_code(term: Term, shapes: dict[str, worldmap.Outline]) -> str | None:
    """Return the code of the outline a country term matches, trying each of its spellings."""
    for name in (term.name, *term.spellings):
        code = country_code(name)
        if code in shapes:
            return code
    return None


def _marker(plans: Iterable[Plan], width: int) -> tuple[int, int] | None:
    """Return where a country's plans are on the map: the middle of their latlng, if any."""
    points = [plan.latlng for plan in plans if plan.latlng is not None]
    if not points:
        return None
    lat = sorted(p[0] for p in points)[len(points) // 2]
    lng = sorted(p[1] for p in points)[len(points) // 2]
    return worldmap.point(lat, lng, width)


def _unmatched(term: Term, shown: bool) -> Problem:
    where = "shown as a marker at its plans' latlng" if shown else "left off: none of its plans has a latlng"
    message = f"country: {term.name!r} matches no outline of the world map; {where}"
    first = min(term.plans, key=lambda plan: plan.source_path)
    line = first.metadata_line("country", first.country)
    return Problem(first.source_path, line, message, "warning", "map")
