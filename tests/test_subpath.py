"""The site served under a sub-path, as GitHub Pages serves a project site: /portfolio/."""

import mimetypes
import posixpath
import threading
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections import deque
from contextlib import contextmanager
from functools import partial
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import pytest

from browser import chromium, watch
from conftest import CORPUS, PROJECT_ROOT
from test_build import run_build

PREFIX = "/portfolio/"


class SubPathHandler(BaseHTTPRequestHandler):
    """Serve a folder under PREFIX only; a missing page gets the site's 404.html, like GitHub Pages."""

    def __init__(self, *args, site: Path, **kwargs):
        self.site = site
        super().__init__(*args, **kwargs)

    def do_GET(self):
        path = unquote(urlsplit(self.path).path)
        if not path.startswith(PREFIX):
            return self._send(404, b"not under the sub-path", "text/plain")
        relative = posixpath.normpath(path[len(PREFIX) :] or ".")
        target = self.site / relative
        if relative.startswith("..") or not target.resolve().is_relative_to(self.site.resolve()):
            return self._send(404, b"outside the site", "text/plain")
        if target.is_dir():
            target = target / "index.html"
        if target.is_file():
            kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            return self._send(200, target.read_bytes(), kind)
        return self._send(404, (self.site / "404.html").read_bytes(), "text/html")

    def _send(self, status, body, kind):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass  # keep the test output quiet


class LinkReader(HTMLParser):
    """Collect every address a page would load or link to."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name in ("href", "src", "action"):
            if values.get(name):
                self.urls.append(values[name])


@contextmanager
def serve_build(folder, source):
    """Build plans for their address under /portfolio/ of a local server; yield the root URL and site."""
    site = folder / "site"
    site.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(SubPathHandler, site=site))
    root = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = run_build("build", "--source", source, "--output", site, "--base-url", root, cwd=folder)
        assert result.returncode == 0, result.stderr
        yield root, site
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """Serve the sample plans under /portfolio/; return the root URL and the site folder."""
    with serve_build(tmp_path_factory.mktemp("served"), PROJECT_ROOT / "seeds") as served:
        yield served


# No proxy: the test server is on this machine, whatever the environment says.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url):
    """Return the status, content type and body of a GET."""
    try:
        with _opener.open(url, timeout=10) as response:
            return response.status, response.headers.get_content_type(), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get_content_type(), error.read()


def links_of(body, page_url):
    reader = LinkReader()
    reader.feed(body.decode("utf-8"))
    # A link to a part of the page itself ("#main") is no address to fetch.
    return [urldefrag(urljoin(page_url, url)).url.split("?")[0] for url in reader.urls if url[0] != "#"]


def crawl(root):
    """Visit every address reachable from the home page on the test server; return their statuses."""
    origin = root[: root.index(PREFIX)]
    statuses, html_pages = {}, []
    queue = deque([root])
    while queue:
        url = queue.popleft()
        if url in statuses:
            continue
        statuses[url], kind, body = fetch(url)
        if kind == "text/html" and statuses[url] == 200:
            html_pages.append(url)
            for link in links_of(body, url):
                if link.startswith(origin) and link not in statuses:
                    queue.append(link)
    return statuses, html_pages


def assert_every_page_is_reached_and_every_address_gives_200(root, site):
    statuses, html_pages = crawl(root)
    failing = {url: status for url, status in statuses.items() if status != 200}
    assert failing == {}
    assert all(url.startswith(root) for url in statuses)  # nothing escapes the sub-path
    reached = {url.removeprefix(root) or "index.html" for url in html_pages}
    every_page = {p.relative_to(site).as_posix() for p in site.rglob("*.html")} - {"404.html"}
    assert reached == every_page
    print(f"crawled {len(reached)} pages, {len(statuses)} addresses, {len(statuses) - len(failing)} gave 200")


def test_every_link_on_every_page_resolves_under_the_sub_path(served):
    assert_every_page_is_reached_and_every_address_gives_200(*served)


def test_every_link_of_the_real_corpus_resolves_under_the_sub_path(tmp_path, corpus):
    with serve_build(tmp_path, CORPUS) as (root, site):
        assert_every_page_is_reached_and_every_address_gives_200(root, site)


def test_every_sitemap_address_exists(served):
    root, _ = served
    status, _, body = fetch(f"{root}sitemap.xml")
    assert status == 200
    locations = [element.text for element in ET.fromstring(body).iter() if element.tag.endswith("loc")]
    assert len(locations) > 100
    assert {url: fetch(url)[0] for url in locations} == {url: 200 for url in locations}


def test_the_404_page_links_resolve_from_a_deep_path(served):
    root, _ = served
    missing = f"{root}countries/no/such/page/here.html"
    status, kind, body = fetch(missing)
    assert (status, kind) == (404, "text/html")
    links = links_of(body, missing)
    assert f"{root}assets/style.css" in links and f"{root}index.html" in links
    assert {link: fetch(link)[0] for link in links} == {link: 200 for link in links}


def test_the_404_page_is_styled_in_a_browser_at_any_depth(served):
    root, _ = served
    with chromium() as browser:
        page = browser.new_page()
        seen = watch(page)
        response = page.goto(f"{root}a/b/c/d.html")
        assert response.status == 404
        background = page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor")
        assert background not in ("", "rgba(0, 0, 0, 0)")
        page.click("text=Go to the home page")
        assert page.url == f"{root}index.html"
        # The 404 response itself is the one expected failure the console reports.
        assert [text for text in seen.console_errors if "404" not in text] == []
        assert seen.failed_requests == [] and seen.page_errors == []
