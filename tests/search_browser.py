"""Drive the search page in real Chromium: finding the browser, a sub-path server, a page
wrapper, and what a term page links the search with."""

from __future__ import annotations

import html
import mimetypes
import posixpath
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from playwright.sync_api import Browser, ConsoleMessage, Page, Response

from planfolio.site import TAXONOMIES

#: Where the server publishes the site, as GitHub Pages does for a project site.
SUB_PATH = "/portfolio/"
#: How long a test waits for the full-text index, in milliseconds.
FULL_TEXT_TIMEOUT = 20_000
_SEARCH_LINK = re.compile(r'<a class="search-link" href="([^"]*)">')
_PLAN_LIST = re.compile(r'<ul class="plan-list">(.*?)</ul>', re.S)
_LISTED = re.compile(r'<li>\s*<a href="([^"]*)"[^>]*>')


@dataclass(frozen=True)
class TermPage:
    """What a term page shows: its search link and the pages of the plans it lists."""

    path: str  # from the site root
    search: str  # the address of its search link, as written
    plans: frozenset[str]  # the pages of the plans it lists, from the site root


def read_term_page(site: Path, path: str) -> TermPage:
    """Read a term page of a built site as a reader sees it."""
    text = (site / path).read_text(encoding="utf-8")
    [search] = _SEARCH_LINK.findall(text)
    folder = posixpath.dirname(path)
    links = [html.unescape(href) for listed in _PLAN_LIST.findall(text) for href in _LISTED.findall(listed)]
    plans = frozenset(posixpath.normpath(posixpath.join(folder, unquote(href))) for href in links)
    assert len(plans) == len(links), f"{path} lists a plan twice"
    return TermPage(path, html.unescape(search), plans)


def term_pages(site: Path) -> dict[str, list[str]]:
    """Return the path of every term page of a built site, by its taxonomy's folder."""
    own = {"index.html", "by-count.html"}
    return {
        spec.folder: sorted(
            f"{spec.folder}/{page.name}"
            for page in (site / spec.folder).glob("*.html")
            if page.name not in own
        )
        for spec in TAXONOMIES
    }


def find_chromium() -> str | None:
    """Return the path of Debian's Chromium (or a chromium-browser), or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


class _SiteHandler(BaseHTTPRequestHandler):
    """Serve the site's files under SUB_PATH and nothing else."""

    server: SiteServer

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        path = unquote(urlsplit(self.path).path)
        if not path.startswith(SUB_PATH):
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        relative = posixpath.normpath(path[len(SUB_PATH) :] or ".")
        target = (self.server.root / relative).resolve()
        if target.is_dir():
            target = target / "index.html"
        if relative.startswith("..") or not target.is_relative_to(self.server.root) or not target.is_file():
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        if target.name == "search-fulltext.js":
            self.server.full_text_allowed.wait(30)
        body = target.read_bytes()
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", mimetypes.guess_type(target.name)[0] or "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep the test output quiet."""


class SiteServer(ThreadingHTTPServer):
    """A local server of a built site under SUB_PATH; it can hold back the full-text index."""

    daemon_threads = True

    def __init__(self, root: Path) -> None:
        super().__init__(("127.0.0.1", 0), _SiteHandler)
        self.root = root.resolve()
        self.full_text_allowed = threading.Event()
        self.full_text_allowed.set()

    @property
    def url(self) -> str:
        """Return the address of the site's root folder."""
        return f"http://127.0.0.1:{self.server_address[1]}{SUB_PATH}"


@contextmanager
def serving(root: Path) -> Iterator[SiteServer]:
    """Serve a built site on a free port for the length of the block."""
    server = SiteServer(root)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.full_text_allowed.set()
        server.shutdown()
        server.server_close()
        thread.join()


class SearchPage:
    """A tab with its console watched, and what a reader sees of the search page."""

    def __init__(self, browser: Browser, site_url: str, javascript: bool = True) -> None:
        self.context = browser.new_context(
            java_script_enabled=javascript, viewport={"width": 1280, "height": 900}
        )
        self.page: Page = self.context.new_page()
        self.site_url = site_url
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))
        self.page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        # A failed load is logged without its address: _response reports it with one.
        if message.type in ("error", "warning") and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"{message.type}: {message.text}")

    def _response(self, response: Response) -> None:
        # The browser asks the server root for /favicon.ico, outside the site; that is no fault of a page.
        if response.status >= 400 and urlsplit(response.url).path != "/favicon.ico":
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def open(self, query: str = "", wait: bool = True) -> None:
        """Open search.html with a query string (without '?'); wait for the full-text results."""
        address = self.site_url + "search.html" + (f"?{query}" if query else "")
        self.page.goto(address, wait_until="load" if wait else "domcontentloaded")
        if wait:
            self.wait_for_full_text()

    def search(self, text: str) -> None:
        """Type a query into the page's search box and press Enter; wait for its results."""
        self.page.locator("#search-query").fill(text)
        self.page.locator("#search-query").press("Enter")
        # The page's title names the query once its results are drawn.
        self.page.wait_for_function("text => document.title.startsWith(text.trim() + ' \u2014')", arg=text)

    def wait_for_full_text(self) -> None:
        """Wait until the results come from the full-text index."""
        self.page.wait_for_selector(
            '#search-app[data-index="full"]', state="attached", timeout=FULL_TEXT_TIMEOUT
        )

    def status(self) -> str:
        """Return the text of the live status line."""
        return self.page.locator("#search-status").inner_text()

    def count(self) -> int:
        """Return the number of results the status line gives (0 when it gives none)."""
        first = self.status().split(" ", 2)
        numbers = [word for word in first[:2] if word.isdigit()]
        return int(numbers[0]) if numbers else 0

    def result_urls(self) -> list[str]:
        """Show every result, page after page, and return their links in order."""
        more = self.page.locator("button.show-more")
        while more.is_visible():
            shown = self.page.locator("li.result").count()
            more.click()
            self.page.wait_for_function(f"document.querySelectorAll('li.result').length > {shown}")
        return self.page.eval_on_selector_all(
            "li.result h2 a", "links => links.map(a => a.getAttribute('href'))"
        )

    def results_shown(self) -> frozenset[str]:
        """Return the links of every result, all shown at once in the page's script."""
        return frozenset(
            self.page.evaluate(
                """() => {
                  const more = document.querySelector('button.show-more')
                  while (!more.hidden) more.click()
                  return [...document.querySelectorAll('li.result h2 a')].map(a => a.getAttribute('href'))
                }"""
            )
        )

    def chosen(self) -> dict[str, list[str]]:
        """Return the values checked in each filter, by the filter's address parameter."""
        return self.page.evaluate(
            """() => {
              const chosen = {}
              document.querySelectorAll('.filters input:checked').forEach(box => {
                (chosen[box.name] = chosen[box.name] || []).push(box.value)
              })
              return chosen
            }"""
        )

    def facet(self, param: str) -> dict[str, int]:
        """Return every value a filter offers (all shown first), each with the count beside it."""
        toggle = self.page.locator(f'.facet-toggle[data-facet="{param}"][aria-expanded="false"]')
        if toggle.count():
            toggle.click()
        rows = self.page.locator(f'.filters fieldset[data-facet="{param}"] label')
        found = {}
        for row in rows.all():
            value = row.locator("input").get_attribute("value") or ""
            found[value] = int(row.locator(".count").inner_text().split()[0])
        return found

    def close(self) -> None:
        """Close the tab and its context."""
        self.context.close()
