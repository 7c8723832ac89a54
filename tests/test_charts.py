"""What the charts and maps show, computed from small sites; the cache keeps them right."""

import re
import shutil

import pytest

from planfolio import charts, worldmap
from planfolio.config import Config
from planfolio.countries import country_code
from planfolio.goals import shown_names
from planfolio.i18n import interface
from planfolio.metadata import goal_number
from planfolio.pipeline import build, read_site

from conftest import PROJECT_ROOT, plan_text, write_plans
from test_output import tree


def _site(tmp_path, plans):
    return read_site(write_plans(tmp_path / "plans", {f"{i}.md": text for i, text in enumerate(plans)}))


def _names(site):
    """Return the names an English site's pages show for its terms."""
    return shown_names(site, interface("en").gettext)


def _places(site):
    """Return where a term page's map puts each country."""
    return charts.map_places(site, charts.SMALL_MAP_WIDTH)


def _plan(title, **meta):
    return plan_text(title, {key: value for key, value in meta.items()})


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Turkey", "792"),
        ("Türkiye", "792"),
        ("Ivory Coast", "384"),
        ("Côte d'Ivoire", "384"),
        ("Cote d'Ivoire", "384"),
        ("Palestine", "275"),
        ("State of Palestine", "275"),
        ("Kosovo", "XK"),
        ("The Gambia", "270"),
        ("Republic of the Congo", "178"),
        ("Democratic Republic of the Congo", "180"),
        ("Congo", "178"),
        ("East Timor", "626"),
        ("Cape Verde", "132"),
        ("Laos", "418"),
        ("Narnia", None),
    ],
)
def test_country_names_give_their_iso_number(name, code):
    assert country_code(name) == code


@pytest.mark.parametrize(
    ("name", "number"),
    [
        ("1. No poverty", 1),
        ("10. Reduced innequalities", 10),
        ("SDG 17", 17),
        ("Gender equality", None),
        ("18. x", None),
    ],
)
def test_goals_are_numbered_as_plans_write_them(name, number):
    assert goal_number(name) == number


def test_the_17_goals_are_all_shown_in_order_with_zeros(tmp_path):
    site = _site(
        tmp_path,
        [_plan("A", sdgs=["10. Reduced inequalities", "2. Zero hunger"]), _plan("B", sdgs="2. Zero hunger")],
    )
    tiles = charts.sdg_tiles(site)
    assert [tile.number for tile in tiles] == list(range(1, 18))
    counts = {tile.number: tile.count for tile in tiles}
    assert counts == {n: {2: 2, 10: 1}.get(n, 0) for n in range(1, 18)}
    assert tiles[1].path == "sdgs/2-zero-hunger.html" and tiles[0].path == ""
    assert len({tile.colour for tile in tiles}) == 17


def test_bars_count_the_plans_of_the_page_they_link_to(tmp_path):
    site = _site(
        tmp_path,
        [
            _plan("A", country="Kenya", year="2022", methods=["Co-creation", "Pilots"]),
            _plan("B", country="Chad", year="2023", methods=["co-creation"]),
            _plan("C", country="Chad", year="2023", methods=["Pilots", "Sensemaking"]),
        ],
    )
    assert [(b.label, b.path, b.count) for b in charts.plans_per_year(site)] == [
        ("2022", "years/2022.html", 1),
        ("2023", "years/2023.html", 2),
    ]
    methods = charts.top_terms(site, "methods", 2)
    assert [(b.path, b.count, b.share) for b in methods] == [
        ("methods/co-creation.html", 2, 1.0),
        ("methods/pilots.html", 2, 1.0),
    ]
    table = charts.methods_by_year(site)
    assert table.years == ("2022", "2023")
    pilots = next(row for row in table.rows if row.label == "Pilots")
    assert [(c.count, c.path) for c in pilots.cells] == [
        (1, "methods/pilots.html#year-2022"),
        (1, "methods/pilots.html#year-2023"),
    ]


def test_a_term_glance_counts_its_plans_only(tmp_path):
    site = _site(
        tmp_path,
        [
            _plan(
                "A",
                country="Kenya",
                year="2022",
                methods="Pilots",
                sdgs=["13. Climate action", "2. Zero hunger"],
            ),
            _plan(
                "B",
                country="Chad",
                year="2023",
                methods="Pilots",
                sdgs="13. Climate action",
                thematic_areas="water",
            ),
            _plan("C", country="Chad", year="2023", methods="Sensemaking", sdgs="1. No poverty"),
        ],
    )
    taxonomy = site.taxonomies["methods"]
    glance = charts.term_glance(site, taxonomy.spec, taxonomy.terms["pilots"], _names(site), _places(site))
    assert [(b.label, b.path, b.count) for b in glance.years] == [
        ("2023", "#year-2023", 1),
        ("2022", "#year-2022", 1),
    ]
    assert [(r.spec.key, b.label, b.count) for r in glance.related for b in r.bars] == [
        ("thematic_areas", "water", 1)
    ]
    assert glance.search == "search.html?method=Pilots"
    assert glance.map is not None
    assert sorted((c.name, c.count) for c in glance.map.drawn.countries) == [("Chad", 1), ("Kenya", 1)]
    assert glance.countries is not None
    assert [(b.label, b.path, b.count) for b in glance.countries.bars] == [
        ("Chad", "countries/chad.html", 1),
        ("Kenya", "countries/kenya.html", 1),
    ]
    sensemaking = charts.term_glance(
        site, taxonomy.spec, taxonomy.terms["sensemaking"], _names(site), _places(site)
    )
    assert sensemaking.countries is not None
    assert [(b.label, b.count) for b in sensemaking.countries.bars] == [("Chad", 1)]
    country = site.taxonomies["country"]
    chad = charts.term_glance(site, country.spec, country.terms["chad"], _names(site), _places(site))
    assert chad.map is None and chad.countries is None
    sdgs = next(r for r in chad.related if r.spec.key == "sdgs")
    assert [b.label for b in sdgs.bars] == ["1. No poverty", "13. Climate action"]  # by number
    assert chad.search == "search.html?country=Chad"


@pytest.mark.parametrize(
    ("key", "slug", "search"),
    [
        ("country", "kenya", "search.html?country=Kenya"),
        ("methods", "data-and-analytics", "search.html?method=Data+%26+analytics"),
        ("datasources", "surveys", "search.html?datasource=Surveys"),
        ("sdgs", "13-climate-action", "search.html?sdg=13.+Climate+action"),
        ("thematic_areas", "water-sanitation", "search.html?theme=water%2Fsanitation"),
        ("year", "2022", "search.html?year=2022"),
    ],
)
def test_every_term_glance_links_to_the_search_filtered_to_it(tmp_path, key, slug, search):
    site = _site(
        tmp_path,
        [
            _plan(
                "A",
                country="Kenya",
                year="2022",
                methods="Data & analytics",
                datasources="Surveys",
                sdgs="13. Climate action",
                thematic_areas="water/sanitation",
            )
        ],
    )
    taxonomy = site.taxonomies[key]
    assert (
        charts.term_glance(site, taxonomy.spec, taxonomy.terms[slug], _names(site), _places(site)).search
        == search
    )


def test_a_country_without_outline_is_a_marker_and_one_warning(tmp_path):
    site = _site(
        tmp_path,
        [
            _plan("A", country="Samoa", latlng="-13.75,-172.16"),
            _plan("B", country="Samoa", latlng="-13.80,-172.10"),
            _plan("C", country="Tuvalu"),
            _plan("E", country="Atlantis", latlng="10,10"),
            _plan("D", country="Kenya"),
        ],
    )
    world, problems = charts.world_map(site, charts.HOME_MAP_WIDTH), charts.map_problems(site)
    shown = {country.name: country for country in world.countries}
    assert set(shown) == {"Samoa", "Kenya", "Atlantis"}
    assert shown["Samoa"].marker is not None and shown["Samoa"].d == ""
    assert shown["Kenya"].marker is None and shown["Kenya"].d
    assert shown["Kenya"].d not in world.plain
    assert sorted(str(p) for p in problems) == [
        "0.md:3: warning: country: 'Samoa' matches no outline of the world map; shown as a marker at its plans' latlng",
        "2.md:3: warning: country: 'Tuvalu' matches no outline of the world map; left off: none of its plans has a latlng",
    ]


def test_a_country_too_small_to_see_is_a_marker_in_its_outlines_middle(tmp_path):
    """Fiji (held to the map's edge where it crosses the 180th meridian) and Trinidad and
    Tobago are a few pixels wide: each is a dot, which can be seen and pointed at."""
    site = _site(
        tmp_path,
        [_plan("A", country="Fiji"), _plan("B", country="Trinidad and Tobago"), _plan("C", country="Kenya")],
    )
    for width in (charts.HOME_MAP_WIDTH, charts.SMALL_MAP_WIDTH):
        shapes = worldmap.outlines(width)
        world = charts.world_map(site, width)
        shown = {country.name: country for country in world.countries}
        for name, code in (("Fiji", "242"), ("Trinidad and Tobago", "780")):
            assert shapes[code].extent <= world.radius
            assert shown[name].marker == shapes[code].middle
            x, y = shown[name].marker
            assert 0 <= x <= world.width and 0 <= y <= world.height
        assert shown["Kenya"].marker is None and shapes["404"].extent > world.radius


def test_map_levels_spread_the_countries_and_the_legend_covers_every_count(tmp_path):
    names = ["Kenya", "Chad", "Peru", "Chile", "Nepal", "India", "Ghana", "Mali", "Niger", "Egypt"]
    site = _site(
        tmp_path, [_plan(f"{name} {i}", country=name) for n, name in enumerate(names) for i in range(n + 1)]
    )
    world = charts.world_map(site, 960)
    assert {c.level for c in world.countries} == set(range(1, charts.LEVELS + 1))
    for country in world.countries:
        step = next(s for s in world.legend if s.level == country.level)
        assert step.low <= country.count <= step.high


def test_the_home_page_reports_a_country_without_outline_once(tmp_path):
    write_plans(
        tmp_path / "plans",
        {"a.md": _plan("A", country="Samoa", latlng="-13.75,-172.16"), "b.md": _plan("B", country="Kenya")},
    )
    result = build(tmp_path / "plans", tmp_path / "site", Config())
    found = [p for p in result.problems if p.kind == "map"]
    assert [(p.path, p.severity) for p in found] == [("a.md", "warning")]
    home = (tmp_path / "site/index.html").read_text(encoding="utf-8")
    assert re.search(r"<title>Samoa: 1 plan</title>\s*<circle", home)


@pytest.fixture
def project(tmp_path):
    shutil.copytree(PROJECT_ROOT / "templates", tmp_path / "templates")
    shutil.copytree(PROJECT_ROOT / "assets", tmp_path / "assets")
    write_plans(
        tmp_path / "plans",
        {
            "a.md": _plan("Alpha", country="Kenya", methods="Pilots", sdgs="13. Climate action", year="2022"),
            "b.md": _plan("Beta", country="Chad", methods="Pilots", sdgs="1. No poverty", year="2023"),
            "c.md": _plan(
                "Gamma", country="Chad", methods="Sensemaking", thematic_areas="water", year="2023"
            ),
        },
    )
    return tmp_path


def _build_both(project):
    options = dict(templates=project / "templates", assets=project / "assets")
    build(project / "plans", project / "site", Config(), project / "cache", **options)
    build(project / "plans", project / "clean", Config(), None, **options)
    return tree(project / "site"), tree(project / "clean")


@pytest.mark.parametrize(
    "edited",
    [
        {"country": "Peru"},
        {"country": "Samoa", "latlng": "-13.75,-172.16"},
        {"methods": "Prototyping"},
        {"sdgs": "2. Zero hunger"},
        {"thematic_areas": "energy"},
        {"year": "2021"},
        {"datasources": "surveys"},
    ],
)
def test_a_cached_rebuild_shows_the_charts_of_a_clean_one(project, edited):
    _build_both(project)
    meta = {"country": "Kenya", "methods": "Pilots", "sdgs": "13. Climate action", "year": "2022", **edited}
    (project / "plans/a.md").write_text(_plan("Alpha", **meta), encoding="utf-8")
    cached, clean = _build_both(project)
    assert cached == clean
    changed = {"index.html", "methods/pilots.html"}  # the home page and a page whose glance shows it
    assert all(path in cached for path in changed)
