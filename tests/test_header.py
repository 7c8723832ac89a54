"""The header in Chromium: one line on a wide screen in every language, and the same place
for every link and the search box whichever page is current."""

import pytest

from planfolio.i18n import interface

from browser import chromium, watch
from conftest import plan_text, run_build, write_plans

# Site titles as long as a French or Spanish portfolio's; the links are the longest of the
# three languages ("Expérimentations", "Domaines thématiques"), the search box says "documents".
TITLES = {"en": "Action Learning Plans", "fr": "Portefeuille", "es": "Portafolio"}
PAGES = (
    "index.html",
    "experiments/index.html",
    "countries/index.html",
    "methods/index.html",
    "themes/index.html",
)
META = {"country": "Kenya", "year": "2023", "methods": ["Co-creation"], "thematic_areas": ["Water"]}
# Where each link of the header and the search box is, and where the brand is.
PLACES = """() => { const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.bottom] }
    return { brand: box(document.querySelector('.brand')),
             items: [...document.querySelectorAll('.site-header nav a, .search-box')].map(box),
             current: document.querySelectorAll('.site-header nav a[aria-current]').length } }"""


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """Build a plan and an experiment in each language, each site with its title."""
    folder = tmp_path_factory.mktemp("header")
    documents = {
        "plan.md": plan_text("A plan", META),
        "test.md": plan_text("A test", {**META, "type": "experiment"}),
    }
    source = write_plans(folder / "docs", documents)
    built = {}
    for language, title in TITLES.items():
        config = folder / f"{language}.yml"
        config.write_text(f"language: {language}\ntitle: {title}\n", encoding="utf-8")
        output = folder / language
        result = run_build("build", "--source", source, "--output", output, "--config", config, cwd=folder)
        assert result.returncode == 0, result.stderr
        built[language] = output
    return built


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def _places(browser, site, width):
    """Return the places of the header's parts on each page, at a window's width."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    seen = watch(page)
    places = {}
    for path in PAGES:
        page.goto((site / path).as_uri())
        places[path] = page.evaluate(PLACES)
    page.close()
    assert seen.problems == []
    return places


@pytest.mark.parametrize("language", sorted(TITLES))
@pytest.mark.parametrize("width", [1280, 1440])
def test_the_header_is_one_line_on_a_wide_screen(sites, browser, language, width):
    for path, found in _places(browser, sites[language], width).items():
        brand_top, brand_bottom = found["brand"][1], found["brand"][3]
        assert len(found["items"]) == 6, path  # five links and the search box
        # Each link and the search box start above the brand's bottom: on its line.
        assert [top for _, top, _, _ in found["items"] if top >= brand_bottom] == [], (path, found)
        assert all(bottom > brand_top for *_, bottom in found["items"]), (path, found)


@pytest.mark.parametrize("language", sorted(TITLES))
@pytest.mark.parametrize("width", [1280, 390])
def test_the_current_link_moves_no_other_part_of_the_header(sites, browser, language, width):
    places = _places(browser, sites[language], width)
    assert [found["current"] for found in places.values()] == [0, 1, 1, 1, 1]
    # Every link and the search box have the same place and width on every page.
    home = places["index.html"]["items"]
    assert {path: found["items"] for path, found in places.items() if found["items"] != home} == {}


def test_on_a_phone_the_search_box_has_a_line_of_its_own_as_wide_as_the_page(sites, browser):
    for language, site in sites.items():
        found = _places(browser, site, 390)["countries/index.html"]
        left, top, width, _ = found["items"][-1]
        links_bottom = max(bottom for *_, bottom in found["items"][:-1])
        assert top >= links_bottom and left == found["brand"][0] and width > 390 - 2 * 17, (language, found)


@pytest.mark.parametrize("language", sorted(TITLES))
@pytest.mark.parametrize("width", [1280, 390])
def test_the_search_pages_header_without_a_box_keeps_the_brand_and_links_in_their_places(
    sites, browser, language, width
):
    # The search page has its own box, and none in its header.
    page = browser.new_page(viewport={"width": width, "height": 900})
    seen = watch(page)
    found = {}
    for path in ("index.html", "search.html"):
        page.goto((sites[language] / path).as_uri())
        found[path] = page.evaluate(PLACES)
    page.close()
    assert seen.problems == []
    home, search = found["index.html"], found["search.html"]
    assert len(search["items"]) == len(home["items"]) - 1  # the links, without the box
    assert (search["brand"], search["items"]) == (home["brand"], home["items"][:-1])


# The room the search field has for its words, and the width its placeholder needs.
PLACEHOLDER = """(id) => {
  const box = document.getElementById(id), style = getComputedStyle(box)
  const context = document.createElement('canvas').getContext('2d')
  context.font = `${style.fontSize} ${style.fontFamily}`
  const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight)
  return [box.clientWidth - padding, context.measureText(box.placeholder).width]
}"""


@pytest.mark.parametrize("language", sorted(TITLES))
@pytest.mark.parametrize("width", [1280, 390])
def test_the_search_field_shows_its_words_whole_and_its_button_is_named(sites, browser, language, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto((sites[language] / "countries" / "index.html").as_uri())
    room, needed = page.evaluate(PLACEHOLDER, "site-search")
    # The button is a magnifying glass, named by the catalogue's word for "Search".
    name = interface(language).gettext("Search")
    buttons = page.get_by_role("button", name=name, exact=True).count()
    page.close()
    assert needed <= room, (language, width, needed, room)
    assert buttons == 1


@pytest.mark.parametrize("language", sorted(TITLES))
@pytest.mark.parametrize("width", [1280, 390])
def test_the_large_search_fields_show_their_example_whole(sites, browser, language, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    seen = watch(page)
    name = interface(language).gettext("Search")
    found = {}
    for path, field in (("index.html", "home-search"), ("search.html", "search-query")):
        page.goto((sites[language] / path).as_uri())
        page.wait_for_selector(f"#{field}")  # the search page's is made by its script
        # Its button, a word or a glass, is named by the catalogue's word for "Search".
        named = page.locator("form.search-large").get_by_role("button", name=name, exact=True).count()
        found[path] = (*page.evaluate(PLACEHOLDER, field), named)
    page.close()
    assert seen.problems == []
    assert {path: found for path, found in found.items() if found[1] > found[0] or found[2] != 1} == {}
