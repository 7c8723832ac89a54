"""Reading offline: Chromium, with the network off, on the unpacked `build --zip` output."""

import re
import zipfile

import pytest

from browser import Watch, chromium, offline_context, watch
from conftest import PROJECT_ROOT
from test_build import run_build

BASE_URL = "https://example.github.io/portfolio/"


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    """Return the folder where the zip of the sample site was unpacked."""
    folder = tmp_path_factory.mktemp("offline")
    result = run_build(
        "build", "--source", PROJECT_ROOT / "seeds", "--output", folder / "site",
        "--base-url", BASE_URL, "--zip", folder / "plans.zip", cwd=folder,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(folder / "plans.zip") as archive:
        archive.extractall(folder / "elsewhere")
    return folder / "elsewhere/plans"


@pytest.fixture
def offline_page(browser):
    """Return a page with the network off, and what it saw."""
    seen = Watch()
    context = offline_context(browser, seen)
    page = context.new_page()
    watch(page, seen)
    yield page, seen
    context.close()


def styled(page):
    """Return whether the site's stylesheet applies to the page, once it has loaded."""
    page.wait_for_load_state("load")
    return page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor") not in (
        "",
        "rgba(0, 0, 0, 0)",
    )


def test_home_country_plan_method_search_with_the_network_off(unpacked, offline_page):
    page, seen = offline_page
    page.goto((unpacked / "index.html").as_uri())
    assert styled(page)
    page.click("nav >> text=Countries")
    assert page.url.endswith("/countries/index.html")
    page.click(".term-list a >> nth=0")
    assert "/countries/" in page.url and page.locator("h1").count() == 1
    page.click(".plan-list a >> nth=0")
    assert "/plans/" in page.url and styled(page)
    page.click(".card-row:has(dt:text-matches('^Methods?$')) dd a >> nth=0")
    assert "/methods/" in page.url
    page.fill("#site-search", "water")
    page.press("#site-search", "Enter")
    page.wait_for_load_state("load")
    assert page.url.split("?")[0].endswith("/search.html") and "q=water" in page.url
    assert page.locator("h1").inner_text() == "Search"
    assert styled(page)
    assert seen.problems == []


def test_every_page_opens_offline_without_errors(unpacked, offline_page):
    page, seen = offline_page
    pages = sorted(unpacked.rglob("*.html"))
    for path in pages:
        page.goto(path.as_uri())
        if path.name == "search.html":  # let it load the full text, or leaving aborts that request
            page.wait_for_selector('#search-app[data-index="full"]', state="attached")
    assert len(pages) > 100
    assert seen.problems == []


def test_a_plan_prints_without_navigation_and_with_its_links(unpacked, offline_page):
    page, seen = offline_page
    plan = next(
        path
        for path in sorted((unpacked / "plans").glob("*.html"))
        if 'href="http' in path.read_text(encoding="utf-8").split("<article", 1)[1]
    )
    page.goto(plan.as_uri())
    assert not page.locator(".print-only").is_visible()
    page.emulate_media(media="print")
    for hidden in (".site-header nav", ".search-box", ".site-footer"):
        assert page.locator(hidden).evaluate("e => getComputedStyle(e).display") == "none", hidden
    shown = page.locator(".answer a[href^='http'] >> nth=0").evaluate(
        "e => getComputedStyle(e, '::after').content"
    )
    assert "http" in shown
    printed_from = page.locator(".print-only")
    assert printed_from.is_visible() and BASE_URL in printed_from.inner_text()
    assert page.pdf()[:4] == b"%PDF"
    assert seen.problems == []


def printed_pages(page, style=""):
    """Return how many A4 pages the page prints on, with a style sheet added if given."""
    if style:
        page.add_style_tag(content=style)
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", page.pdf(format="A4")))


def test_a_long_answer_starts_on_the_page_of_its_question_and_controls_do_not_print(tmp_path, offline_page):
    page, seen = offline_page
    paragraph = "This answer runs long, as the report of a year of work does. " * 12
    answer = "\n\n".join([paragraph] * 28)
    text = (
        "# A long report\n[[country:Kenya]]\n[[year:2023]]\n## Learnings on your challenge\n"
        f"> What did you learn first?\n\nA short answer.\n\n> What did you learn next?\n\n{answer}\n"
    )
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "long.md").write_text(text, encoding="utf-8")
    result = run_build("build", "--source", tmp_path / "plans", "--output", tmp_path / "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    page.goto((tmp_path / "site/plans/a-long-report.html").as_uri())
    pages = printed_pages(page)
    # As many pages as when every block may break: no answer is pushed whole to the next page.
    assert pages == printed_pages(page, "@media print { * { break-inside: auto !important; } }")
    page.goto((tmp_path / "site/index.html").as_uri())
    page.emulate_media(media="print")
    assert page.locator(".world-map details").evaluate("e => getComputedStyle(e).display") == "none"
    page.goto((tmp_path / "site/search.html").as_uri() + "?year=2023")
    page.wait_for_selector('#search-app[data-index="full"]', state="attached")
    for hidden in (".filters", ".search-large"):
        assert page.locator(hidden).evaluate("e => getComputedStyle(e).display") == "none", hidden
    assert page.locator("li.result").first.is_visible()
    assert seen.problems == []
