"""Read a built site as a reader's browser would: its pages, links and scripts."""

from __future__ import annotations

import posixpath
import re
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


# Markup that must never reach a page, whatever the plans hold.
UNSAFE_TAGS = {"script", "iframe", "frame", "object", "embed", "svg", "math", "style", "form", "base", "meta"}
SAFE_SCHEMES = ("http:", "https:", "mailto:")
_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:")
# The only style attributes the templates write: a bar's length, a goal's colour.
_HARMLESS_STYLE = re.compile(r"--share: (?:0(?:\.\d{1,3})?|1\.0)|--sdg: #[0-9A-Fa-f]{6}")


class _UnsafeReader(HTMLParser):
    """Collect every tag, event handler or URL of a page that could run code."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in UNSAFE_TAGS and not _the_sites_own(tag, dict(attrs)):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            # Browsers ignore whitespace and control characters in a URL's scheme.
            url = "".join(char for char in (value or "") if char > " ").lower()
            scheme = _SCHEME.match(url)
            if name == "style" and _HARMLESS_STYLE.fullmatch(value or ""):
                continue  # a chart's bar length or colour: nothing a browser can load or run
            if name.startswith("on") or name in ("style", "srcdoc", "formaction", "xlink:href"):
                self.found.append(f"{tag} {name}")
            elif name in ("href", "src", "action", "data") and scheme and scheme.group() not in SAFE_SCHEMES:
                self.found.append(f"{tag} {name}={value}")


def _the_sites_own(tag: str, attrs: dict[str, str | None]) -> bool:
    """Return whether a tag is one the templates write: search forms, head metadata, and
    scripts loaded from the site's own files (`foreign_scripts` checks that they exist)."""
    if tag == "script":
        return bool(attrs.get("src")) and is_local(attrs.get("src") or "")
    if tag == "svg":  # the maps the templates draw (templates/_charts.html), the search button's glass
        return attrs.get("class") in ("world-map-svg", "search-icon")
    if tag == "form":
        return attrs.get("role") == "search" and (attrs.get("action") or "").endswith("search.html")
    return tag == "meta" and set(attrs) <= {"charset", "name", "content"}


def unsafe_markup(html: str) -> list[str]:
    """Return every tag, event handler attribute or URL in html that could run code."""
    reader = _UnsafeReader()
    reader.feed(html)
    reader.close()
    return reader.found
