"""The preview in real Chromium: pages reload by themselves after a save and show what is wrong.

The site is served under a sub-path, as base_url says, the way GitHub Pages serves it.
"""

import pytest

from browser import CHROMIUM, CHROMIUM_ARGS
from conftest import plan_text, write_plans
from serving import ServeProcess, copy_theme

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="browser tests need Debian's chromium at /usr/bin/chromium"
)
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need playwright")
expect = sync_api.expect

SECONDS = 5_000  # how long a page may take to show a save, in milliseconds


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


@pytest.fixture
def server(tmp_path):
    """Serve three plans under /portfolio/."""
    copy_theme(tmp_path)
    write_plans(
        tmp_path / "plans",
        {
            "a.md": plan_text("Alpha", {"country": "Kenya", "year": "2022"}),
            "b.md": plan_text("Beta", {"country": "Kenya", "year": "2023"}),
            "c.md": plan_text("Gamma", {"country": "Peru", "year": "2021"}),
        },
    )
    (tmp_path / "site.yml").write_text("base_url: https://example.github.io/portfolio/\n", encoding="utf-8")
    with ServeProcess(tmp_path) as server:
        assert server.url.endswith("/portfolio/")
        yield server


def test_a_saved_title_shows_by_itself(server, page):
    page.goto(server.url + "plans/alpha.html")
    expect(page.locator("h1")).to_have_text("Alpha")
    write_plans(server.folder / "plans", {"a.md": plan_text("Alpha, retitled", {"country": "Kenya"})})
    expect(page.locator("h1")).to_have_text("Alpha, retitled", timeout=SECONDS)
    assert page.url == server.url + "plans/alpha-retitled.html"  # the plan's page moved with its title


def test_a_new_plan_appears_on_its_country_page_and_goes_when_deleted(server, page):
    page.goto(server.url + "countries/kenya.html")
    delta = page.get_by_role("link", name="Delta", exact=True)
    expect(page.get_by_role("link", name="Beta", exact=True)).to_be_visible()
    expect(delta).to_have_count(0)
    write_plans(server.folder / "plans", {"d.md": plan_text("Delta", {"country": "Kenya", "year": "2024"})})
    expect(delta).to_be_visible(timeout=SECONDS)
    delta.click()
    expect(page.locator("h1")).to_have_text("Delta")
    page.go_back()
    (server.folder / "plans/d.md").unlink()
    expect(delta).to_have_count(0, timeout=SECONDS)
    expect(page.get_by_role("link", name="Beta", exact=True)).to_be_visible()


def test_a_broken_template_is_shown_and_its_fix_recovers(server, page):
    page.goto(server.url + "plans/beta.html")
    template = server.folder / "templates/plan.html"
    good = template.read_text(encoding="utf-8")
    template.write_text(good.replace("{% endblock %}", "{% endblok %}", 1), encoding="utf-8")
    problems = page.locator("#planfolio-problems")
    expect(problems).to_contain_text("The last change could not be built", timeout=SECONDS)
    expect(problems).to_contain_text("templates/plan.html:")
    expect(page.locator("h1")).to_have_text("Beta")  # the last good page stays
    assert server.request("/portfolio/plans/gamma.html")[0] == 200  # and the server still answers
    page.goto(server.url + "plans/gamma.html")  # another page shows the problem too
    expect(problems).to_contain_text("templates/plan.html:")
    template.write_text(good, encoding="utf-8")
    expect(problems).to_have_count(0, timeout=SECONDS)
    expect(page.locator("h1")).to_have_text("Gamma")


def test_errors_in_a_saved_plan_are_shown_over_the_new_pages(server, page):
    page.goto(server.url)
    write_plans(server.folder / "plans", {"e.md": "# \n[[country:Kenya]]\n"})  # saved half-written
    problems = page.locator("#planfolio-problems")
    expect(problems).to_contain_text("1 error in the plans", timeout=SECONDS)
    expect(problems).to_contain_text("e.md:1: error: no title")
    problems.get_by_role("button", name="Hide").click()
    expect(problems).to_have_count(0)
    # Hidden, the same problems stay hidden through the reloads of other saves, and on other pages.
    write_plans(server.folder / "plans", {"b.md": plan_text("Beta, edited", {"country": "Kenya"})})
    expect(page.get_by_role("link", name="Beta, edited")).to_be_visible(timeout=SECONDS)
    page.goto(server.url + "plans/alpha.html")
    page.wait_for_timeout(1_000)  # the page has asked the server for the problems by then
    expect(problems).to_have_count(0)
    # New problems show the box again.
    write_plans(server.folder / "plans", {"f.md": "# \n[[country:Peru]]\n"})
    expect(problems).to_contain_text("2 errors in the plans", timeout=SECONDS)
    page.goto(server.url)
    write_plans(server.folder / "plans", {"f.md": "# Phi\n[[country:Peru]]\n"})
    write_plans(server.folder / "plans", {"e.md": "# Epsilon\n[[country:Kenya]]\n"})
    expect(page.get_by_role("link", name="Epsilon")).to_be_visible(timeout=SECONDS)
    expect(problems).to_have_count(0)


def test_an_open_search_page_shows_a_word_once_the_search_files_catch_up(server, page):
    # The search files lag the pages after a save: the page reloads again once they are made.
    page.goto(server.url + "search.html?q=zorblaxian")
    expect(page.locator("#search-status")).to_contain_text("No plans found", timeout=SECONDS)
    text = plan_text("Gamma", {"country": "Peru", "year": "2021"}).replace(
        "is water.", "is the zorblaxian way."
    )
    write_plans(server.folder / "plans", {"c.md": text})
    expect(page.locator("#search-status")).to_contain_text("1 plan found", timeout=3 * SECONDS)


def loads_of(page) -> list[str]:
    """Return the addresses the page loads from now on, as it loads them."""
    loads: list[str] = []
    page.on("load", lambda loaded: loads.append(loaded.url))
    return loads


def test_a_plan_page_reloads_once_after_a_save(server, page):
    # The search files and the lists follow the pages a second later, in a build of their
    # own: it changes no plan page, which must not reload for it.
    page.goto(server.url + "plans/beta.html")
    version = server.state()["version"]
    loads = loads_of(page)
    write_plans(server.folder / "plans", {"b.md": plan_text("Beta", {"country": "Chad", "year": "2023"})})
    expect(page.get_by_text("Chad").first).to_be_visible(timeout=SECONDS)
    server.state(after=version, until=lambda state: state["complete"])  # the lists caught up
    page.wait_for_timeout(1_000)  # time for a second reload, were there one
    assert loads == [server.url + "plans/beta.html"]


def test_a_retitled_plan_keeps_the_readers_place_on_its_page(server, page):
    # The page reloads at its old address and is sent on to the new one: it must not start
    # again at the top.
    body = "".join(f"## Part {n}\n\n{'Our challenge is water. ' * 40}\n\n" for n in range(30))
    version = server.state()["version"]
    write_plans(server.folder / "plans", {"a.md": plan_text("Alpha", {"country": "Kenya"}, body)})
    server.state(after=version)
    page.goto(server.url + "plans/alpha.html")
    page.evaluate("window.scrollTo(0, 1500)")
    write_plans(server.folder / "plans", {"a.md": plan_text("Alpha, retitled", {"country": "Kenya"}, body)})
    expect(page.locator("h1")).to_have_text("Alpha, retitled", timeout=SECONDS)
    page.wait_for_load_state()
    assert page.url == server.url + "plans/alpha-retitled.html"
    assert page.evaluate("window.scrollY") == 1500
    page.goto(server.url + "plans/beta.html")  # another page opens at its top
    page.wait_for_load_state()
    assert page.evaluate("window.scrollY") == 0


def test_the_box_of_problems_speaks_the_sites_language(tmp_path, page):
    # The problems themselves stay as the build reports them: file, line, English.
    copy_theme(tmp_path)
    plans = write_plans(
        tmp_path / "plans", {"a.md": plan_text("Alpha", {"country": "Kenya", "year": "2022"})}
    )
    (tmp_path / "site.yml").write_text("language: fr\n", encoding="utf-8")
    with ServeProcess(tmp_path) as server:
        page.goto(server.url + "plans/alpha.html")
        write_plans(plans, {"e.md": "# \n", "f.md": ""})
        problems = page.locator("#planfolio-problems")
        expect(problems).to_contain_text("2 erreurs dans les plans :", timeout=SECONDS)
        expect(problems).to_contain_text("e.md:1: error: no title")
        problems.get_by_role("button", name="Masquer").click()
        expect(problems).to_have_count(0)
        template = server.folder / "templates/plan.html"
        template.write_text(template.read_text(encoding="utf-8") + "{% endblok %}", encoding="utf-8")
        expect(problems).to_contain_text(
            "La dernière modification n’a pas pu être générée. Cette page vient de la génération 2,"
            " la dernière réussie.",
            timeout=SECONDS,
        )
