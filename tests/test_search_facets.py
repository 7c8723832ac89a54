"""The search page's filters are the site's terms: spellings of one term are one filter."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import Browser, sync_playwright
from search_browser import SearchPage, find_chromium, read_term_page, term_pages

from planfolio.config import Config
from planfolio.pipeline import build, read_site

from browser import CHROMIUM_ARGS
from conftest import plan_text, write_plans
from sitecheck import read_page

PLANS = {
    "a.md": plan_text(
        "Alpha",
        {
            "country": "Kenya",
            "year": "2022",
            "methods": ["Data & analytics", "Mapping"],
            "datasources": ["Surveys", "Satellite imagery"],
            "sdgs": ["13. Climate action", "2. Zero hunger"],
            "thematic_areas": ["Water", "Index"],  # "Index" takes no page of the site's: index-2
        },
    ),
    "b.md": plan_text(
        "Beta",
        {
            "country": "KENYA",
            "year": "2023",
            "methods": ["data and analytics"],
            "datasources": ["surveys"],
            "sdgs": ["13 climate action", "10. Reduced inequalities"],
            "thematic_areas": ["water", "Waste & recycling"],
        },
    ),
    "c.md": plan_text(
        "Gamma",
        {
            "country": "Chad",
            "year": "2023",
            "methods": ["Data and analytics"],
            "sdgs": ["1. No poverty", "13. Climate action"],
            "thematic_areas": ["waste and recycling"],
        },
    ),
    "d.md": plan_text("Delta", {"country": "Chad", "year": "2021"}),
}
#: Every filter the search page has for the site's terms: its address parameter, its taxonomy.
TERM_FILTERS = {
    "country": "country",
    "method": "methods",
    "datasource": "datasources",
    "sdg": "sdgs",
    "theme": "thematic_areas",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build three plans that spell one method and one country in several ways."""
    root = tmp_path_factory.mktemp("facets")
    build(write_plans(root / "plans", PLANS), root / "site", Config(), None)
    return root / "site"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Launch Debian's Chromium once for this module, or skip when there is none."""
    chromium = find_chromium()
    if chromium is None:
        pytest.skip("Chromium is not installed (apt-get install chromium), so the search page cannot be run")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def tab(browser: Browser, site: Path) -> Iterator[SearchPage]:
    """Open a tab on the site from file://."""
    opened = SearchPage(browser, site.as_uri() + "/")
    yield opened
    opened.close()


def site_terms(site: Path, key: str) -> dict[str, int]:
    """Return each term's name with its number of plans, as the site's term pages have them."""
    built = read_site(site.parent / "plans")
    return {term.name: len(term.plans) for term in built.taxonomies[key].terms.values()}


@pytest.mark.parametrize(("param", "key"), TERM_FILTERS.items())
def test_the_filters_are_the_sites_terms_with_their_counts(tab, site, param, key):
    tab.open()
    assert tab.facet(param) == site_terms(site, key)
    assert tab.errors == []


def test_spellings_of_one_term_are_one_filter(tab):
    tab.open()
    assert len(tab.facet("method")) == 2  # three spellings of "data and analytics", and "Mapping"
    assert len(tab.facet("datasource")) == 2  # "Surveys" twice, and "Satellite imagery"
    assert tab.facet("sdg")["13. Climate action"] == 3  # "13 climate action" is the same goal
    assert tab.facet("theme") == {"Water": 2, "waste and recycling": 2, "Index": 1}


def test_goals_are_listed_by_their_number(tab):
    tab.open()
    assert list(tab.facet("sdg")) == [
        "1. No poverty",
        "2. Zero hunger",
        "10. Reduced inequalities",
        "13. Climate action",
    ]


def test_the_search_index_holds_the_filters_terms_by_page_name(site):
    text = (site / "search-index.js").read_text(encoding="utf-8")
    brief = json.loads(text[text.index(",") + 1 : text.rindex(");")])
    themes = brief["filters"]["theme"]
    assert themes["terms"] == [
        ["index-2", "Index"],
        ["waste-and-recycling", "waste and recycling"],
        ["water", "Water"],
    ]
    documents = json.loads((site / "search-index.json").read_text(encoding="utf-8"))["documents"]
    named = {
        doc["title"]: sorted(themes["terms"][place][1] for place in places)
        for doc, places in zip(documents, themes["documents"], strict=True)
    }
    assert named == {
        "Alpha": ["Index", "Water"],
        "Beta": ["Water", "waste and recycling"],
        "Gamma": ["waste and recycling"],
        "Delta": [],
    }


def test_the_results_name_terms_as_the_site_does(tab, site):
    tab.open()
    metas = tab.page.locator("li.result .result-meta").all_inner_texts()
    countries = set(site_terms(site, "country"))
    assert {meta.split(" · ")[0] for meta in metas} == countries
    documents = json.loads((site / "search-index.json").read_text(encoding="utf-8"))["documents"]
    assert {doc["country"] for doc in documents} == countries


@pytest.mark.parametrize(
    "written", ["data and analytics", "Data & analytics", "data-and-analytics", "DATA AND ANALYTICS"]
)
def test_an_address_names_a_filter_by_any_spelling_or_its_slug(tab, site, written):
    tab.open(f"method={quote(written)}")
    [name] = [name for name in site_terms(site, "methods") if name != "Mapping"]
    box = tab.page.locator(f'.filters input[name="method"][value="{name}"]')
    assert box.is_checked() and box.get_attribute("data-key") == "data-and-analytics"
    assert tab.count() == 3


#: The address parameter a term page's search link gives, by its taxonomy's folder.
LINK_PARAMS = {
    "countries": "country",
    "methods": "method",
    "data-sources": "datasource",
    "sdgs": "sdg",
    "themes": "theme",
    "years": "year",
}


@pytest.mark.parametrize("folder", LINK_PARAMS)
def test_every_term_pages_link_opens_the_search_filtered_to_its_plans(tab, site, folder):
    paths = term_pages(site)[folder]
    assert paths
    for path in paths:
        term = read_term_page(site, path)
        tab.page.goto((site / path).as_uri())
        tab.page.locator("a.search-link").click()
        tab.page.wait_for_url("**/search.html?*")
        tab.wait_for_full_text()
        assert parse_qs(urlsplit(tab.page.url).query) == {LINK_PARAMS[folder]: [name_of(site, path)]}, path
        assert tab.chosen() == {LINK_PARAMS[folder]: [name_of(site, path)]}, path
        assert tab.page.locator(".filters").get_attribute("open") is not None
        assert tab.page.locator(".filters summary").inner_text() == "Filters (1 chosen)"
        assert tab.count() == len(term.plans) > 0, path
        assert tab.results_shown() == term.plans, path
        plans = (
            f"{len(term.plans)} plan matches" if len(term.plans) == 1 else f"{len(term.plans)} plans match"
        )
        assert tab.status() == f"{plans} the filters.", path
    assert tab.errors == []


def name_of(site: Path, path: str) -> str:
    """Return the name a term page gives its term, its heading."""
    [name] = read_page(site / path).h1
    return name


def test_on_a_phone_a_filtered_search_shows_its_results_first_and_says_what_is_chosen(tab, site):
    tab.page.set_viewport_size({"width": 390, "height": 800})
    tab.open("method=Mapping&year=2022")
    summary = tab.page.locator(".filters summary")
    assert tab.page.locator(".filters").get_attribute("open") is None
    assert summary.inner_text() == "Filters (2 chosen)"
    first = tab.page.locator("li.result >> nth=0").bounding_box()
    assert first is not None and first["y"] < 800  # on the first screen, not below every facet
    summary.click()
    assert tab.page.locator('.filters input[name="method"][value="Mapping"]').is_checked()
    tab.page.set_viewport_size({"width": 1280, "height": 800})
    assert tab.page.locator(".filters").get_attribute("open") is not None
    assert tab.errors == []
