"""A plan's card on a phone folds the terms of a long row behind "N more"; a wide screen and
print show every term in the row, and the page links to every term whatever the width."""

import re

import pytest

from browser import chromium, watch
from conftest import plan_text, run_build, write_plans

THEMES = [f"Theme {number}" for number in range(1, 13)]  # a long row: twelve terms
METHODS = ["Co-creation", "Prototyping", "Ethnography"]  # a short one
META = {"country": "Kenya", "year": "2023", "methods": METHODS, "thematic_areas": THEMES}
# The text of each visible link of each row of the card, and the row's summary if shown.
ROWS = """() => [...document.querySelectorAll('.card .card-row')].map(row => {
    const summary = row.querySelector('summary')
    return { label: row.querySelector('dt').textContent,
             links: [...row.querySelectorAll('dd a')].filter(a => a.checkVisibility()).map(a => a.textContent),
             summary: summary && summary.checkVisibility() ? summary.textContent : null } })"""


@pytest.fixture(scope="module")
def page_path(tmp_path_factory):
    folder = tmp_path_factory.mktemp("card")
    source = write_plans(folder / "plans", {"plan.md": plan_text("A plan", META)})
    result = run_build("build", "--source", source, "--output", folder / "site", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder / "site" / "plans" / "a-plan.html"


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def _rows(browser, path, width, media="screen", open_summaries=False):
    page = browser.new_page(viewport={"width": width, "height": 900})
    seen = watch(page)
    page.emulate_media(media=media)
    page.goto(path.as_uri())
    if open_summaries:
        for summary in page.query_selector_all(".card summary"):
            summary.click()
    rows = {row["label"]: row for row in page.evaluate(ROWS)}
    assert seen.problems == []
    page.close()
    return rows


def test_the_page_links_to_every_term_of_a_long_row_once(page_path):
    card = page_path.read_text(encoding="utf-8").split('<dl class="card">')[1].split("</dl>")[0]
    names = re.findall(r'<a href="\.\./themes/[^"]+">([^<]+)</a>', card)
    assert sorted(names) == sorted(THEMES)


def test_a_phone_shows_the_first_terms_of_a_long_row_and_the_number_folded(browser, page_path):
    rows = _rows(browser, page_path, 390)
    themes, methods = rows["Thematic areas"], rows["Methods"]
    assert 0 < len(themes["links"]) < len(THEMES)
    assert themes["links"] == THEMES[: len(themes["links"])]  # the first ones, in the plan's order
    assert themes["summary"] == f"{len(THEMES) - len(themes['links'])} more"
    assert methods["links"] == METHODS and methods["summary"] is None  # a short row is not folded


def test_opening_the_fold_on_a_phone_shows_every_term(browser, page_path):
    rows = _rows(browser, page_path, 390, open_summaries=True)
    assert rows["Thematic areas"]["links"] == THEMES


@pytest.mark.parametrize(("width", "media"), [(1280, "screen"), (390, "print")])
def test_a_wide_screen_and_print_show_every_term_in_the_row(browser, page_path, width, media):
    rows = _rows(browser, page_path, width, media)
    assert rows["Thematic areas"]["links"] == THEMES
    assert rows["Thematic areas"]["summary"] is None
    assert rows["Methods"]["links"] == METHODS
