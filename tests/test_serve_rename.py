"""The preview knows which plan each address was the page of, and answers a missing page
with the site's own 404 page, whose links work at any depth."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from planfolio.preview import Inputs, Preview

from browser import CHROMIUM, CHROMIUM_ARGS
from conftest import PROJECT_ROOT, plan_text, write_plans
from serving import ServeProcess, copy_theme, without_reload_script
from sitecheck import PageReader

META = {"country": "Kenya", "year": "2022"}
# What a plan goes through: a new title, a save that leaves it unreadable, its first text again.
SEQUENCE = [
    ("Alpha, retitled", "plans/alpha-retitled.html"),
    (b"", None),  # an editor that empties the file before writing it
    ("Alpha", "plans/alpha.html"),
]


def plan_file(content: str | bytes) -> str | bytes:
    return plan_text(content, META) if isinstance(content, str) else content


def test_every_address_a_plan_had_leads_to_its_page_of_the_day(tmp_path):
    source = write_plans(tmp_path / "plans", {"a.md": plan_text("Alpha", META)})
    inputs = Inputs(source, tmp_path / "site.yml", PROJECT_ROOT / "templates", PROJECT_ROOT / "assets")
    preview = Preview(inputs, tmp_path / "preview")
    preview.rebuild()
    seen = ["plans/alpha.html"]
    for content, page in SEQUENCE:
        write_plans(source, {"a.md": plan_file(content)})
        assert not preview.rebuild().state.failed
        assert preview.plan_pages.get("a.md") == page
        seen.append(page or seen[-1])
        for address in seen:
            assert preview.page_of(address) == (None if address == page else page), address
    assert preview.moved == {"plans/alpha-retitled.html": "plans/alpha.html"}
    assert preview.page_of("plans/never-a-page.html") is None


def links_of(body: bytes, address: str) -> list[str]:
    """Return every link and script of a page served at address, as the browser resolves them
    (but the reload script's, which the server adds)."""
    reader = PageReader()
    reader.feed(without_reload_script(body).decode("utf-8"))
    base = re.search(rb'<base href="([^"]*)">', body)
    root = urljoin(address, base.group(1).decode()) if base else address
    return [urljoin(root, link) for link in reader.links if not link.startswith("#")]


@pytest.mark.parametrize("base_url", ["", "https://example.github.io/portfolio/"])
def test_a_missing_page_is_the_sites_own_404_and_its_links_work_at_any_depth(tmp_path, base_url):
    copy_theme(tmp_path)
    write_plans(tmp_path / "plans", {"a.md": plan_text("Alpha", META)})
    (tmp_path / "site.yml").write_text(f"base_url: {base_url}\n" if base_url else "", encoding="utf-8")
    with ServeProcess(tmp_path) as server:
        mount = urlsplit(server.url).path
        own = (server.site_folder / "404.html").read_bytes()
        for missing in ("nothing.html", "plans/gone.html", "plans/deep/er/gone.html"):
            status, headers, body = server.request(mount + missing)
            assert status == 404 and headers["Content-Type"] == "text/html; charset=utf-8"
            assert re.search(rb"<h1>Page not found</h1>", body) and b"<h1>Page not found</h1>" in own
            assert b"/.planfolio/livereload.js" in body  # it reloads once the page is there
            links = links_of(body, server.url + missing)
            assert len(links) >= 6
            for link in links:
                assert link.startswith(server.url), link  # never the public site
                if urlsplit(link).fragment:  # the skip link: to this page's own content
                    assert link == server.url + missing + "#main"
                    continue
                assert server.request(urlsplit(link).path)[0] == 200, link


def test_old_addresses_lead_to_the_plan_after_a_broken_save_and_a_restore(tmp_path):
    copy_theme(tmp_path)
    plans = write_plans(tmp_path / "plans", {"a.md": plan_text("Alpha", META)})
    with ServeProcess(tmp_path) as server:
        version = server.state()["version"]
        for content, _ in SEQUENCE:
            write_plans(plans, {"a.md": plan_file(content)})
            version = server.state(after=version)["version"]
        assert server.request("/plans/alpha.html")[0] == 200
        status, headers, _ = server.request("/plans/alpha-retitled.html")
        assert status == 302 and headers["Location"] == "/plans/alpha.html"


@contextlib.contextmanager
def browsing(folder: Path, address: str) -> Iterator[tuple[ServeProcess, Any, Any]]:
    """Serve the plans of a folder, with the site's theme, and open a page of it in Chromium;
    yield the server, the page and Playwright's expect."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need playwright")
    copy_theme(folder)
    with ServeProcess(folder) as server, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(server.url + address)
            yield server, page, sync_api.expect
        finally:
            browser.close()


browser_test = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="browser tests need Debian's chromium at /usr/bin/chromium"
)


@browser_test
def test_the_browser_follows_the_plan_through_a_rename_a_broken_save_and_a_restore(tmp_path):
    plans = write_plans(
        tmp_path / "plans", {"a.md": plan_text("Alpha", META), "b.md": plan_text("Beta", META)}
    )
    (tmp_path / "site.yml").write_text("base_url: https://example.github.io/portfolio/\n", encoding="utf-8")
    with browsing(tmp_path, "plans/alpha.html") as (server, page, expect):
        expect(page.locator("h1")).to_have_text("Alpha")
        write_plans(plans, {"a.md": plan_text("Alpha, retitled", META)})
        expect(page.locator("h1")).to_have_text("Alpha, retitled", timeout=5_000)
        assert page.url == server.url + "plans/alpha-retitled.html"
        write_plans(plans, {"a.md": b""})  # saved broken: the plan cannot be read
        problems = page.locator("#planfolio-problems")
        expect(problems).to_contain_text("a.md:1: error: empty file", timeout=5_000)
        expect(page.locator("h1")).to_have_text("Page not found")  # the site's own, styled
        expect(page.get_by_role("link", name="Go to the home page")).to_be_visible()
        write_plans(plans, {"a.md": plan_text("Alpha", META)})  # the original, restored
        expect(page.locator("h1")).to_have_text("Alpha", timeout=5_000)
        assert page.url == server.url + "plans/alpha.html"
        expect(problems).to_have_count(0)


@browser_test
def test_the_browser_follows_the_plan_when_another_takes_its_address(tmp_path):
    # Two plans of one title: a.md's page is alpha.html, b.md's alpha-2.html. Retitled, a.md
    # leaves alpha.html to b.md: the tab on it follows a.md, whose author saved it.
    first = "## Challenge statement\n\n> What is your challenge?\n\nThe first plan's answer.\n"
    second = "## Challenge statement\n\n> What is your challenge?\n\nThe second plan's answer.\n"
    plans = write_plans(
        tmp_path / "plans",
        {"a.md": plan_text("Alpha", META, first), "b.md": plan_text("Alpha", META, second)},
    )
    with browsing(tmp_path, "plans/alpha.html") as (server, page, expect):
        expect(page.locator(".answer")).to_have_text("The first plan's answer.")
        write_plans(plans, {"a.md": plan_text("Zeta", META, first)})
        expect(page.locator("h1")).to_have_text("Zeta", timeout=5_000)
        assert page.url == server.url + "plans/zeta.html"
        expect(page.locator(".answer")).to_have_text("The first plan's answer.")
        # The address it left is the other plan's now.
        assert b"The second plan's answer." in server.request("/plans/alpha.html")[2]
