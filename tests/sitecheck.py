"""Read a built site as a reader's browser would: its pages, links and scripts."""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class PageReader(HTMLParser):
    """Collect the links, scripts and headings of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.scripts: list[str | None] = []
        self.h1: list[str] = []
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("a", "link") and values.get("href") is not None:
            self.links.append(values["href"] or "")
        if tag in ("img", "script") and values.get("src") is not None:
            self.links.append(values["src"] or "")
        if tag == "script":
            self.scripts.append(values.get("src"))
        if tag == "h1":
            self._in_h1 = True
            self.h1.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1[-1] += data


def read_page(path: Path) -> PageReader:
    """Parse one page of the site."""
    reader = PageReader()
    reader.feed(path.read_text(encoding="utf-8"))
    return reader


def is_local(url: str) -> bool:
    """Return whether a link points into the site (no scheme, no host)."""
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc and bool(parts.path)


def resolve(site: Path, page: Path, url: str) -> Path:
    """Return the file a relative link on a page points at."""
    folder = page.parent.relative_to(site).as_posix()
    target = posixpath.normpath(posixpath.join(folder, unquote(urlsplit(url).path)))
    return site / target


def broken_links(site: Path) -> list[str]:
    """Return every local link of every page that points at no file of the site."""
    broken = []
    for page in sorted(site.rglob("*.html")):
        for url in read_page(page).links:
            if url.startswith("/"):
                broken.append(f"{page.relative_to(site)}: absolute link {url}")
            elif is_local(url) and not resolve(site, page, url).is_file():
                broken.append(f"{page.relative_to(site)}: {url}")
    return broken


def foreign_scripts(site: Path) -> list[str]:
    """Return scripts that are inline or not files of the site itself."""
    found = []
    for page in sorted(site.rglob("*.html")):
        for src in read_page(page).scripts:
            if src is None or not is_local(src) or not resolve(site, page, src).is_file():
                found.append(f"{page.relative_to(site)}: {src or 'inline script'}")
    return found
