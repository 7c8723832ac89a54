"""The search page in real Chromium, on a build of the real corpus, from file:// and a sub-path.

What the page shows is checked against lunr.py searching search-index.json, the same
index, with the rules of assets/js/search-query.js (`page_rules_search`).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from lunr.index import Index
from playwright.sync_api import Browser, sync_playwright
from search_browser import SearchPage, find_chromium, read_term_page, serving, term_pages
from test_search_query import page_rules_search

from planfolio.snowball import load_with_lunr_py
from planfolio.stemmer import fold_accents, register_with_lunr_py

from browser import CHROMIUM_ARGS
from sitecheck import read_page

#: Queries a reader might type with lunr's syntax characters in them, on purpose or not.
SYNTAX_QUERIES = [
    "+",
    "-",
    ":",
    "*",
    "~",
    "^",
    "\\",
    "waste:",
    "title:",
    "nothing: here",
    "+waste -kenya",
    "-kenya",
    "wast*",
    "*aste",
    "money~1",
    "waste~",
    "waste^",
    "waste^x",
    "title:waste",
    "year:2023 waste",
    "waste - plastic",
    "+-",
    "c++",
]


@pytest.fixture(scope="module")
def site(corpus_site: Path) -> Path:
    """Return the real corpus, built once for the whole test session."""
    return corpus_site


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


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[Any]:
    """Serve the built site under a sub-path."""
    with serving(site) as running:
        yield running


@pytest.fixture(params=["file", "http"])
def site_url(request: pytest.FixtureRequest, site: Path) -> str:
    """Return the address of the site's root, from file:// and from the sub-path server."""
    if request.param == "file":
        return site.as_uri() + "/"
    return request.getfixturevalue("server").url


@pytest.fixture
def search(browser: Browser, site_url: str) -> Iterator[SearchPage]:
    """Open a fresh tab on the site, from file:// and from the sub-path server."""
    tab = SearchPage(browser, site_url)
    yield tab
    tab.close()


@pytest.fixture
def tab(browser: Browser, site: Path) -> Iterator[SearchPage]:
    """Open a fresh tab on the site from file://."""
    opened = SearchPage(browser, site.as_uri() + "/")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def lunr_py(site: Path) -> tuple[Index, list[dict[str, Any]]]:
    """Load search-index.json with lunr.py, as other tools do; return it and its result table."""
    register_with_lunr_py()
    serialised = json.loads((site / "search-index.json").read_text(encoding="utf-8"))
    return load_with_lunr_py(serialised), serialised["documents"]


def title_queries(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return a few plans to search for by their whole title, spread through the corpus.

    They include a title with a colon, one with accents and one with a dash between words.
    """
    picks = [documents[number * len(documents) // 4] for number in range(4)]
    picks.append(next(doc for doc in documents if ":" in doc["title"]))
    picks.append(next(doc for doc in documents if " - " in doc["title"]))
    picks.append(next(doc for doc in documents if _accented(doc["title"])))
    return picks


def _accented(text: str) -> bool:
    return any(unicodedata.combining(char) for char in unicodedata.normalize("NFKD", text))


def q(text: str) -> str:
    """Return a query string for search.html."""
    return "q=" + quote(text, safe="")


def test_plans_are_found_by_their_titles_and_their_links_open_them(search, lunr_py):
    index, documents = lunr_py
    for doc in title_queries(documents):
        search.open(q(doc["title"]))
        urls = search.result_urls()
        assert doc["url"] in urls, doc["title"]
        expected = page_rules_search(index, doc["title"])
        assert expected is not None
        assert sorted(urls) == sorted(documents[ref]["url"] for ref in expected), doc["title"]
        assert search.count() == len(urls)
        search.page.locator(f'li.result h2 a[href="{doc["url"]}"]').click()
        search.page.wait_for_load_state()
        assert search.page.locator("h1").inner_text() == " ".join(doc["title"].split())
    assert search.errors == []


def test_filters_narrow_the_results_and_their_counts_add_up(search):
    search.open(q("water"))
    total = search.count()
    countries = search.facet("country")
    assert sum(countries.values()) == total
    assert sum(search.facet("year").values()) == total
    (first, first_count), (second, second_count) = list(countries.items())[:2]

    search.page.locator(f'.filters input[name="country"][value="{first}"]').check()
    search.page.wait_for_function(
        f"document.querySelector('#search-status').textContent.startsWith('{first_count} ')"
    )
    assert all(
        meta.startswith(first) for meta in search.page.locator("li.result .result-meta").all_inner_texts()
    )
    assert search.facet("country")[second] == second_count  # values of one filter combine: OR

    search.page.locator(f'.filters input[name="country"][value="{second}"]').check()
    search.page.wait_for_function(
        f"document.querySelector('#search-status').textContent.startsWith('{first_count + second_count} ')"
    )
    assert search.count() == first_count + second_count
    years = search.facet("year")
    assert sum(years.values()) == first_count + second_count
    year, year_count = next(iter(years.items()))

    search.page.locator(f'.filters input[name="year"][value="{year}"]').check()
    search.page.wait_for_function(
        f"document.querySelector('#search-status').textContent.startsWith('{year_count} ')"
    )
    assert year_count < first_count + second_count or len(years) == 1
    metas = search.page.locator("li.result .result-meta").all_inner_texts()
    assert all(f" · {year}" in meta and meta.split(" · ")[0] in (first, second) for meta in metas)
    now = search.facet("country")
    assert now[first] + now[second] == year_count  # filters of two kinds combine: AND

    params = parse_qs(urlsplit(search.page.url).query)
    assert params == {"q": ["water"], "country": [first, second], "year": [year]}
    search.page.reload()
    search.wait_for_full_text()
    assert search.count() == year_count
    assert search.page.locator(f'.filters input[name="year"][value="{year}"]').is_checked()

    search.page.get_by_role("button", name="Clear filters").click()
    search.page.wait_for_function(
        f"document.querySelector('#search-status').textContent.startsWith('{total} ')"
    )
    assert parse_qs(urlsplit(search.page.url).query) == {"q": ["water"]}
    assert search.errors == []


def test_an_empty_query_lists_every_plan_or_those_the_filters_keep(tab, lunr_py):
    _, documents = lunr_py
    tab.open()
    assert tab.status() == f"All {len(documents)} plans, newest first."
    assert tab.page.locator("#search-query").evaluate("input => input === document.activeElement")
    kenya = sum(doc["country"] == "Kenya" for doc in documents)
    tab.open("country=Kenya")
    assert tab.count() == kenya
    assert sorted(tab.result_urls()) == sorted(doc["url"] for doc in documents if doc["country"] == "Kenya")
    assert tab.errors == []


def test_accents_and_case_do_not_matter(tab, lunr_py):
    index, documents = lunr_py
    found = {}
    tab.open()
    for text in ("déchets", "dechets", "DÉCHETS"):
        tab.search(text)
        found[text] = sorted(tab.result_urls())
    assert found["déchets"] == found["dechets"] == found["DÉCHETS"] != []
    assert found["dechets"] == sorted(
        documents[ref]["url"] for ref in page_rules_search(index, "dechets") or []
    )
    marks = tab.page.locator("li.result mark").all_inner_texts()
    assert marks and all(fold_accents(mark).lower() == "dechets" for mark in marks)
    assert tab.errors == []


def test_the_box_waits_for_words_on_a_fresh_page_but_not_on_one_opened_with_filters(tab):
    tab.open()
    assert tab.page.evaluate("document.activeElement.id") == "search-query"
    tab.open("year=2023")
    assert tab.page.evaluate("document.activeElement.id") != "search-query"  # no keyboard over the results
    assert tab.errors == []


def test_the_status_quotes_a_quoted_query_once(tab):
    tab.open()
    tab.search('"solar energy"')
    assert "\u201csolar energy\u201d" in tab.status() and '"' not in tab.status()
    assert tab.errors == []


def test_a_query_of_stop_words_says_it_has_nothing_to_search_for(tab):
    tab.open(q("the of and"))
    assert tab.status().startswith("\u201cthe of and\u201d has no words to search for")
    assert tab.page.locator("li.result").count() == 0
    tab.search('"')  # a query of quotation marks alone is echoed as typed, not as nothing
    assert tab.status().startswith('\u201c"\u201d has no words to search for')
    assert tab.errors == []


def test_a_stop_word_of_french_or_spanish_alone_is_searched_but_never_required(tab, lunr_py):
    index, documents = lunr_py
    tab.open()
    for text in ("AI", "AI chatbot", "adaptation sur le climat"):
        tab.search(text)
        expected = page_rules_search(index, text)
        assert expected, text
        assert sorted(tab.result_urls()) == sorted(documents[ref]["url"] for ref in expected), text
    titled = {doc["url"] for doc in documents if re.search(r"\bAI\b", doc["title"])}
    tab.search("AI")
    assert titled and titled <= set(tab.result_urls())
    assert tab.errors == []


def test_syntax_characters_never_break_the_page(tab, lunr_py):
    index, documents = lunr_py
    tab.open()
    for text in SYNTAX_QUERIES:
        tab.search(text)
        assert tab.status(), text
        expected = page_rules_search(index, text)
        if expected is None:
            assert "no words to search for" in tab.status(), text
        else:
            urls = tab.result_urls()
            assert sorted(urls) == sorted(documents[ref]["url"] for ref in expected), text
    assert tab.errors == []


def test_syntax_a_reader_means_is_honoured(tab, lunr_py):
    _, documents = lunr_py
    by_url = {doc["url"]: doc for doc in documents}
    tab.open(q("title:waste"))
    titles = [by_url[url]["title"].lower() for url in tab.result_urls()]
    assert titles and all("wast" in title for title in titles)
    tab.search("+waste -kenya")
    assert [url for url in tab.result_urls() if by_url[url]["country"] == "Kenya"] == []
    tab.search("*e*")
    assert "would match too many words" in tab.status()
    assert tab.errors == []


def test_the_query_is_kept_in_the_address_and_the_page_has_one_search_box(tab):
    tab.open(q("water"))
    assert tab.page.locator("#search-query").input_value() == "water"
    assert tab.page.locator("input[type=search]").count() == 1  # no second box in the header
    assert tab.page.locator(".site-header nav a").count() > 0  # which keeps its links
    tab.page.locator("#search-query").fill("solar energy")
    tab.page.wait_for_function("location.search === '?q=solar+energy'")
    assert tab.page.title().startswith("solar energy")
    tab.page.evaluate("history.pushState(null, '', '?q=youth&year=2023')")
    tab.page.go_back()
    tab.page.go_forward()  # back to the pushed address: the page must read it
    tab.page.wait_for_function("document.querySelector('#search-query').value === 'youth'")
    assert tab.page.locator('.filters input[name="year"][value="2023"]').is_checked()
    assert tab.status().endswith("found for \u201cyouth\u201d with these filters.")
    assert tab.errors == []


def test_back_undoes_a_search_or_a_filter_and_returns_to_as_many_results(tab):
    page = tab.page
    tab.open()  # every plan, newest first
    page.locator("button.show-more").click()
    assert page.locator("li.result").count() == 100
    page.locator("li.result >> nth=80").locator("h2 a").click()
    page.wait_for_url("**/plans/*.html")
    page.go_back()
    tab.wait_for_full_text()
    assert page.locator("li.result").count() == 100  # as many as the reader had shown
    tab.search("water")
    page.locator('.filters input[name="year"] >> nth=0').check()
    page.wait_for_function("location.search.includes('year=')")
    page.go_back()  # the filter undone
    page.wait_for_function("!location.search.includes('year=')")
    assert parse_qs(urlsplit(page.url).query) == {"q": ["water"]}
    assert tab.chosen() == {} and page.locator("#search-query").input_value() == "water"
    page.go_back()  # the search undone: every plan again, as many as were shown
    page.wait_for_function("location.search === ''")
    assert page.locator("#search-query").input_value() == ""
    assert page.locator("li.result").count() == 100
    assert tab.errors == []


def test_each_search_sent_is_a_step_back(tab):
    """Keystrokes replace the search being typed; Enter ends it, so the next is a step of its own."""
    page = tab.page
    tab.open("q=adaptation")
    for word in ("water", "waste", "youth"):
        tab.search(word)
    for word in ("waste", "water", "adaptation"):
        page.go_back()
        page.wait_for_function("word => new URLSearchParams(location.search).get('q') === word", arg=word)
        assert page.locator("#search-query").input_value() == word
    assert tab.errors == []


@pytest.mark.parametrize("address", ["country=constructor", "q=water&method=toString", "year=__proto__"])
def test_a_filter_named_as_a_member_of_every_object_is_an_unknown_value(tab, address):
    """A value in the address that no document has is shown as given: 'constructor' too."""
    tab.open(address)
    assert "match" in tab.status() or "found" in tab.status()
    tab.search("water")
    assert tab.errors == []


def test_a_query_of_one_long_word_does_not_widen_the_page(browser, site):
    tab = SearchPage(browser, site.as_uri() + "/")
    try:
        tab.page.set_viewport_size({"width": 390, "height": 800})
        tab.open("q=" + "a" * 300)
        assert tab.page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        tab.close()


def test_an_sdg_filter_takes_the_goals_number(tab):
    tab.open("q=water&sdg=6")
    by_number = tab.result_urls()
    assert by_number and tab.chosen() == {"sdg": ["6. Clean water and sanitation"]}
    tab.open("q=water&sdg=SDG%206")
    assert tab.result_urls() == by_number and tab.errors == []


def test_a_language_filter_takes_the_languages_code_or_its_name(tab):
    tab.open("q=adaptation&language=fr")
    by_code = tab.result_urls()
    assert by_code and tab.chosen() == {"language": ["Français"]}
    tab.open("q=adaptation&language=Fran%C3%A7ais")
    assert tab.result_urls() == by_code
    # On an English site the French results' own words are marked French, and only theirs.
    marked = tab.page.evaluate(
        """() => [...document.querySelectorAll('li.result')].map(li =>
            [li.querySelector('h2 a').lang, (li.querySelector('.snippet') || {}).lang || 'fr'])"""
    )
    assert marked and set(map(tuple, marked)) == {("fr", "fr")}
    tab.open("q=water&language=en")
    assert tab.page.locator("li.result h2 a[lang]").count() == 0 < tab.page.locator("li.result").count()
    assert tab.errors == []


def test_a_search_without_the_full_text_says_what_it_searched(browser, server):
    """Should search-fulltext.js not load, the small index's results must not pass for all there are."""
    tab = SearchPage(browser, server.url)
    try:
        tab.context.route("**/search-fulltext.js", lambda route: route.abort())
        tab.open("q=water", wait=False)
        tab.page.wait_for_selector('#search-app[data-index="failed"]', state="attached")
        assert tab.count() > 0
        assert tab.status().endswith("only titles, places, methods and summaries were searched.")
    finally:
        tab.close()


def test_a_long_list_of_values_has_a_box_to_find_them_by_name(tab):
    page = tab.page
    tab.open()
    themes = page.locator('.filters fieldset[data-facet="theme"]')
    assert themes.locator(".facet-find").count() == 0  # none until the list is opened
    themes.locator(".facet-toggle").click()
    find = themes.locator(".facet-find")
    assert find.evaluate("e => e === document.activeElement")  # not the toggle, now below every value
    every = tab.facet("theme")
    find.fill("Waste")
    shown = [row.locator("input").get_attribute("value") for row in themes.locator("label:visible").all()]
    expected = [name for name in every if "waste" in fold_accents(name).lower()]
    assert shown == expected and 0 < len(shown) < len(every)
    themes.locator("label:visible input >> nth=0").check()
    page.wait_for_function("location.search.includes('theme=')")
    find = page.locator('.filters fieldset[data-facet="theme"] .facet-find')
    assert find.input_value() == "Waste"  # kept when the filters are drawn again
    assert tab.count() > 0 and tab.errors == []
    # Unchecked while the box hides it, the value is drawn hidden: the focus stays in its list.
    find.fill("no such theme")
    page.locator('.filters fieldset[data-facet="theme"] input:checked').focus()
    page.keyboard.press("Space")
    page.wait_for_function("!location.search.includes('theme=')")
    assert page.evaluate("document.activeElement.classList.contains('facet-find')")
    assert tab.errors == []


def test_paper_says_how_many_of_the_results_it_holds(tab):
    page = tab.page
    tab.open()
    note = page.locator("#search-app .print-only:last-child")
    assert not note.is_visible()  # on screen, the button says it
    page.emulate_media(media="print")
    shown = page.locator("li.result").count()
    assert note.is_visible() and note.inner_text() == f"Printed: the first {shown} of {tab.count()} results."
    page.emulate_media(media="screen")
    assert tab.errors == []


def test_paper_as_wide_as_a_wide_screen_prints_the_results_in_one_column(tab):
    page = tab.page
    tab.open(q("water"))
    page.emulate_media(media="print")
    app = page.locator("#search-app").bounding_box()
    results = page.locator("#search-results").bounding_box()
    assert (results["x"], results["width"]) == (app["x"], app["width"])  # no column kept for the filters
    page.emulate_media(media="screen")
    assert tab.errors == []


def test_paper_names_the_filters_the_results_are_filtered_by(tab):
    page = tab.page
    tab.open(q("water") + "&country=Kenya&country=Uganda&year=2021")
    note = page.locator("#search-filtered")
    assert not note.is_visible()  # on screen, the checked filters say it
    page.emulate_media(media="print")
    assert "\u201cwater\u201d" in tab.status()  # the query, named on paper by the status
    assert note.is_visible()
    assert note.inner_text() == "Filtered by: Country: Kenya or Uganda; Year: 2021"
    page.emulate_media(media="screen")
    page.locator('.filters input[name="country"][value="Kenya"]').click()  # unchecked
    page.wait_for_function("!location.search.includes('Kenya')")
    page.emulate_media(media="print")
    assert note.inner_text() == "Filtered by: Country: Uganda; Year: 2021"  # kept up to date
    page.emulate_media(media="screen")
    page.get_by_role("button", name="Clear filters").click()
    page.wait_for_function("!location.search.includes('year=')")
    page.emulate_media(media="print")
    assert not note.is_visible()  # no filters, nothing to name
    page.emulate_media(media="screen")
    assert tab.errors == []


def test_the_header_box_of_any_page_opens_the_search(tab, lunr_py):
    _, documents = lunr_py
    tab.page.goto(tab.site_url + documents[0]["url"])
    tab.page.locator("#site-search").fill("youth")
    tab.page.locator("#site-search").press("Enter")
    tab.wait_for_full_text()
    assert tab.page.url.split("/")[-1] == "search.html?q=youth"
    assert tab.count() > 0
    assert tab.errors == []


def test_keyboard_alone_searches_filters_and_opens_a_result(tab):
    page = tab.page
    tab.open()
    assert page.locator("#search-status").get_attribute("aria-live") == "polite"
    page.keyboard.type("water")
    page.wait_for_function(
        "document.querySelector('#search-status').textContent.includes('\u201cwater\u201d')"
    )

    def tab_to(selector: str) -> None:
        for _ in range(60):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({json.dumps(selector)})"):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to('.filters input[name="country"]')
    key = page.evaluate("document.activeElement.dataset.key")
    count = int(
        page.evaluate("document.activeElement.parentElement.querySelector('.count').textContent").split()[0]
    )
    page.keyboard.press("Space")
    page.wait_for_function(f"document.querySelector('#search-status').textContent.startsWith('{count} ')")
    assert page.evaluate("document.activeElement.dataset.key") == key  # focus survives the redraw
    tab_to("li.result h2 a")
    href = page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/" + href)
    assert tab.errors == []


def test_a_link_after_the_search_box_skips_the_filters_to_the_results(tab):
    page = tab.page
    tab.open(q("water"))
    skip = page.locator("#search-app a.skip-link")
    assert skip.get_attribute("href") == "#search-results"  # a link within the page: no script runs it
    assert skip.bounding_box()["width"] <= 1  # out of sight until focused
    page.locator("button.show-more").click()
    page.locator("#search-query").focus()
    page.keyboard.press("Tab")  # the search button
    page.keyboard.press("Tab")
    assert skip.evaluate("link => link === document.activeElement")
    assert skip.inner_text() == "Skip to the results"
    shown = skip.bounding_box()
    assert shown["width"] > 50 and shown["y"] >= 0 and shown["y"] + shown["height"] <= 900
    results = page.locator("li.result").count()
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash === '#search-results'")
    assert page.evaluate("document.activeElement.id") == "search-results"
    page.keyboard.press("Tab")  # over every filter, to the first result
    first = page.locator("li.result h2 a >> nth=0")
    assert first.evaluate("link => link === document.activeElement")
    assert page.locator("li.result").count() == results == 100  # as many as the reader had shown
    page.go_back()  # to the search without the link's #
    page.wait_for_function("location.hash === ''")
    assert page.locator("li.result").count() == 100
    tab.search("zzzzqx")
    assert not skip.is_visible() and skip.get_attribute("hidden") is not None  # no results to skip to
    assert tab.errors == []


@contextmanager
def _full_text_held(browser: Browser, server: Any, query: str) -> Iterator[SearchPage]:
    """Open the search for a query in a tab that shows the brief index's results; the full
    text comes once the test lets it (server.full_text_allowed), or when the block ends."""
    tab = SearchPage(browser, server.url)
    server.full_text_allowed.clear()
    try:
        tab.open(q(query), wait=False)
        tab.page.wait_for_selector("li.result")
        assert tab.page.locator("#search-app").get_attribute("data-index") == "brief"
        yield tab
    finally:
        server.full_text_allowed.set()
        tab.close()


def _links(tab: SearchPage) -> list[str]:
    """Return the links of the results shown, in order."""
    return tab.page.eval_on_selector_all("li.result h2 a", "links => links.map(a => a.getAttribute('href'))")


def _focused_link(tab: SearchPage) -> str | None:
    """Return the address of the link that has the focus (None for any other element)."""
    return tab.page.evaluate("document.activeElement.getAttribute('href')")


def test_the_full_text_keeps_the_focus_on_its_result_wherever_it_ranks_it(browser, server):
    full = SearchPage(browser, server.url)
    try:
        full.open(q("water"))
        ranked = full.result_urls()
    finally:
        full.close()
    with _full_text_held(browser, server, "water") as tab:
        tab.page.locator("button.show-more").click()
        brief = _links(tab)
        # The brief result beyond the first 50 that the full text ranks lowest: past the 100 shown.
        moved = max(brief[50:], key=ranked.index)
        assert ranked.index(moved) >= 100
        tab.page.locator(f'li.result h2 a[href="{moved}"]').focus()
        server.full_text_allowed.set()
        tab.wait_for_full_text()
        assert _focused_link(tab) == moved
        assert len(_links(tab)) > ranked.index(moved)  # the results are shown down to it
        tab.page.keyboard.press("Tab")  # and the keyboard goes on from there
        assert _focused_link(tab) == ranked[ranked.index(moved) + 1]
        assert tab.errors == []


@pytest.mark.parametrize("focused", ["dropped result", "show more"])
def test_the_full_text_moves_the_focus_to_the_results_when_its_control_is_gone(browser, server, focused):
    # No plan's brief text holds both words, so the brief index lists those with either;
    # the full text finds a few with both, and neither the focused result nor the button stays.
    with _full_text_held(browser, server, "plastic farmers") as tab:
        assert "these have some of them" in tab.status()
        if focused == "show more":
            tab.page.locator("button.show-more").focus()
        else:
            tab.page.locator("button.show-more").click()
            tab.page.locator("li.result h2 a >> nth=51").focus()
        dropped = _focused_link(tab)
        server.full_text_allowed.set()
        tab.wait_for_full_text()
        assert "these have some of them" not in tab.status()
        assert dropped not in _links(tab) and len(_links(tab)) < 50
        assert tab.page.evaluate("document.activeElement.id") == "search-results"  # not the page
        tab.page.keyboard.press("Tab")
        assert _focused_link(tab) == _links(tab)[0]
        assert tab.errors == []


def test_the_full_text_replaces_the_results_without_moving_the_focus(browser, server):
    tab = SearchPage(browser, server.url)
    server.full_text_allowed.clear()
    try:
        tab.open(q("water"), wait=False)
        tab.page.wait_for_selector("li.result")
        assert tab.page.locator("#search-app").get_attribute("data-index") == "brief"
        brief = tab.count()
        tab.page.locator("#search-query").focus()
        tab.page.keyboard.press("End")
        server.full_text_allowed.set()
        tab.wait_for_full_text()
        assert tab.count() > brief  # the answers are searched too
        assert tab.page.evaluate("document.activeElement.id") == "search-query"
        assert tab.page.locator("#search-query").input_value() == "water"
        assert tab.errors == []
    finally:
        server.full_text_allowed.set()
        tab.close()


def test_without_javascript_a_note_points_to_the_browse_pages(browser, site):
    tab = SearchPage(browser, site.as_uri() + "/", javascript=False)
    try:
        tab.open(q("water"), wait=False)
        note = tab.page.locator("noscript p.note")
        assert note.count() == 1
        links = tab.page.eval_on_selector_all(
            "noscript p.note a", "links => links.map(a => a.getAttribute('href'))"
        )
        assert "countries/index.html" in links and "methods/index.html" in links
        assert all((site / link).is_file() for link in links)
        assert tab.page.locator("#search-app").inner_html() == ""
    finally:
        tab.close()


@pytest.fixture(scope="module")
def term_links(site: Path) -> dict[str, list[Any]]:
    """Return every term page of the real corpus, read as a reader sees it, by folder."""
    return {
        folder: [read_term_page(site, path) for path in paths] for folder, paths in term_pages(site).items()
    }


@pytest.mark.parametrize("folder", ["countries", "methods", "data-sources", "sdgs", "themes", "years"])
def test_a_term_pages_link_opens_the_search_filtered_to_its_plans(tab, site, term_links, folder):
    term = max(term_links[folder], key=lambda term: (len(term.plans), term.path))  # the longest list
    tab.page.goto((site / term.path).as_uri())
    tab.page.locator("a.search-link").click()
    tab.page.wait_for_url("**/search.html?*")
    tab.wait_for_full_text()
    [name] = read_page(site / term.path).h1
    assert [[name]] == list(parse_qs(urlsplit(tab.page.url).query).values())
    assert list(tab.chosen().values()) == [[name]]
    assert tab.page.locator(".filters summary").inner_text() == "Filters (1 chosen)"
    assert tab.count() == len(term.plans)
    assert tab.results_shown() == term.plans
    assert tab.errors == []


def test_every_term_pages_search_address_keeps_exactly_its_plans(tab, term_links):
    tab.open()
    for term in [term for terms in term_links.values() for term in terms]:
        query = urlsplit(term.search).query
        tab.page.evaluate(
            "query => { history.pushState(null, '', '?' + query); dispatchEvent(new PopStateEvent('popstate')) }",
            query,
        )
        assert tab.count() == len(term.plans), term.path
        assert tab.results_shown() == term.plans, term.path
    assert tab.errors == []
