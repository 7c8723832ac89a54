"""Tables that scroll in their box, in Chromium: a box is a stop of the keyboard only while
it scrolls (assets/js/table-scroll.js), and every box is one without JavaScript."""

import pytest

from browser import chromium, watch
from conftest import plan_text, run_build, write_plans

QUESTIONS = (
    ("name", "Please state the name of the partner:"),
    ("sector", "What sector does your partner belong to?"),
    ("description", "Please provide a brief description of the partnership."),
    ("is_new", "Is this a new and unusual partner for UNDP?"),
)


def _partners(partners: list[dict[str, str]]) -> str:
    """Return a Partners section with one group of answers a partner, as the plans write them."""
    groups = [
        f'<div class="group">\n\n> {question}\n\n{partner.get(key, "")}\n\n</div>\n'
        for partner in partners
        for key, question in QUESTIONS
    ]
    return "## Partners\n\n> Who are your partners?\n\n" + "".join(groups)


WIDE = _partners(
    [
        {"name": "City hall", "sector": "Public", "description": "Hosts the workshops.", "is_new": "No"},
        {"name": "Red Cross", "sector": "Civil society", "description": "Runs the survey.", "is_new": "Yes"},
    ]
)
NARROW = _partners([{"name": "City hall"}, {"name": "Red Cross"}])


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Build plans of six years (the methods-by-year table is wider than a phone), one
    with a partners table of four columns and one with a table of names only."""
    folder = tmp_path_factory.mktemp("scroll")
    plans = {
        f"plan_{year}.md": plan_text(
            f"Plan of {year}", {"country": "Kenya", "year": str(year), "methods": "Co-creation"}
        )
        for year in range(2018, 2024)
    }
    plans["wide.md"] = plan_text("Wide partners", body=WIDE)
    plans["narrow.md"] = plan_text("Narrow partners", body=NARROW)
    source = write_plans(folder / "plans", plans)
    result = run_build("build", "--source", source, "--output", folder / "site", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "site"


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


PAGES = {"home": "index.html", "wide": "plans/wide-partners.html", "narrow": "plans/narrow-partners.html"}
# Each box's tab index and the name a screen reader gives its region.
BOXES = """() => [...document.querySelectorAll('.table-scroll')].map(box => [box.tabIndex,
    box.getAttribute('aria-label') || document.getElementById(box.getAttribute('aria-labelledby')).textContent])"""


def _boxes(page, site, width):
    page.set_viewport_size({"width": width, "height": 900})
    found = {}
    for key, path in PAGES.items():
        page.goto((site / path).as_uri())
        found[key] = page.evaluate(BOXES)
    return found


def test_the_tables_are_in_boxes_that_scroll(site):
    for path in PAGES.values():
        text = (site / path).read_text(encoding="utf-8")
        assert text.count('class="table-scroll') == 1 and 'tabindex="0"' in text, path
    assert "partners-4" in (site / PAGES["wide"]).read_text(encoding="utf-8")


def test_a_box_is_a_stop_only_while_it_scrolls(site, browser):
    page = browser.new_page()
    seen = watch(page)
    wide_screen = _boxes(page, site, 1280)
    phone = _boxes(page, site, 390)
    page.close()
    assert wide_screen == {
        "home": [[-1, "Plans per year of the 10 most used methods"]],
        "wide": [[-1, "Partners"]],
        "narrow": [[-1, "Partners"]],
    }
    assert phone == {
        "home": [[0, "Plans per year of the 10 most used methods"]],
        "wide": [[0, "Partners"]],
        "narrow": [[-1, "Partners"]],  # names alone fit a phone
    }
    assert seen.problems == []


def test_a_box_becomes_a_stop_when_the_window_narrows_and_stops_being_one_when_it_widens(site, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((site / PAGES["wide"]).as_uri())
    box = page.locator(".table-scroll")
    tab_index = []
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_function("w => innerWidth === w", arg=width)
        # The observer answers a resize at the next frame.
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        tab_index.append(box.evaluate("e => e.tabIndex"))
    page.close()
    assert tab_index == [0, -1]


def test_the_tab_key_passes_a_box_that_does_not_scroll_and_stops_at_one_that_does(site, browser):
    stopped = {}
    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto((site / PAGES["wide"]).as_uri())
        stopped[width] = False
        for _ in range(page.locator("a[href], input, button").count() + 2):  # the page's stops, one by one
            page.keyboard.press("Tab")
            stopped[width] |= page.evaluate("document.activeElement.classList.contains('table-scroll')")
        page.close()
    assert stopped == {1280: False, 390: True}


def test_without_javascript_every_box_is_a_stop(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    found = _boxes(page, site, 1280)
    context.close()
    assert [tab for boxes in found.values() for tab, _ in boxes] == [0, 0, 0]


def test_a_caption_wraps_in_the_width_of_its_box_not_of_the_table_that_scrolls(site, browser):
    page = browser.new_page(viewport={"width": 390, "height": 900})
    page.goto((site / PAGES["home"]).as_uri())
    box, caption, table = page.evaluate(
        """() => ['.heat-scroll', '.heat-scroll caption', '.heat-scroll table'].map(selector => {
            const r = document.querySelector(selector).getBoundingClientRect()
            return [r.left, r.right] })"""
    )
    page.close()
    assert table[1] > box[1]  # the table scrolls in its box on a phone
    assert box[0] <= caption[0] and caption[1] <= box[1]  # and its caption is read whole without scrolling


# The opacity of the heat table's two shadows, at its left and right edges.
SHADOWS = """() => ['::before', '::after'].map(side =>
    +getComputedStyle(document.querySelector('.heat-chart'), side).opacity)"""


def test_the_heat_table_shows_a_shadow_over_its_cells_at_an_edge_with_more_to_scroll_to(site, browser):
    # The box's own background shadows are under the coloured cells: these are drawn over them.
    shadows = {}
    for width in (1280, 390):
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto((site / PAGES["home"]).as_uri())
        for place in ("start", "middle", "end"):
            page.evaluate(
                """place => { const box = document.querySelector('.heat-scroll')
                    const most = box.scrollWidth - box.clientWidth
                    box.scrollLeft = {start: 0, middle: most / 2, end: most}[place] }""",
                place,
            )
            page.evaluate(
                "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
            )
            shadows[width, place] = page.evaluate(SHADOWS)
        page.close()
    assert shadows == {
        (1280, "start"): [0, 0],  # the whole table is shown: nothing to scroll to
        (1280, "middle"): [0, 0],
        (1280, "end"): [0, 0],
        (390, "start"): [0, 1],
        (390, "middle"): [1, 1],
        (390, "end"): [1, 0],
    }
