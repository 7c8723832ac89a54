"""What a web host needs beside the pages: .nojekyll, robots.txt, sitemap.xml, feed.xml.

The sitemap protocol and Atom both require absolute addresses, so sitemap.xml and
feed.xml are written only when the config has a base_url; robots.txt then names the
sitemap. The 404 page is rendered with the other pages (render.Renderer.not_found).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from . import urls
from .config import Config
from .i18n import interface, site_text
from .model import Plan
from .site import Site, newest_first
from .summary import plan_summary

SITEMAP_NAMESPACE = "http://www.sitemaps.org/schemas/sitemap/0.9"
ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FEED_SIZE = 20
# Plans carry a year and no finer date: an entry is dated 1 January of its year.
NO_DATE = "1970-01-01T00:00:00Z"
# Characters XML 1.0 cannot hold at all, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def publishing_files(site: Site, config: Config, paths: Iterable[str]) -> dict[str, bytes]:
    """Return the files web hosts read, given the paths of every file of the site."""
    files = {urls.NO_JEKYLL: b"", urls.ROBOTS: robots_txt(config.base_url)}
    if config.base_url:
        pages = sorted(path for path in paths if path.endswith(".html") and path != urls.NOT_FOUND)
        files[urls.SITEMAP] = sitemap_xml(config.base_url, pages)
        files[urls.FEED] = atom_feed(site, config)
    return files


def robots_txt(base_url: str) -> bytes:
    """Return a robots.txt that allows every page and names the sitemap when there is one."""
    lines = ["User-agent: *", "Disallow:"]
    if base_url:
        lines += ["", f"Sitemap: {urls.absolute_url(base_url, urls.SITEMAP)}"]
    return ("\n".join(lines) + "\n").encode("utf-8")


def sitemap_xml(base_url: str, pages: list[str]) -> bytes:
    """Return a sitemap listing the public address of every page."""
    urlset = ET.Element("urlset", {"xmlns": SITEMAP_NAMESPACE})
    for page in pages:
        _add_text(ET.SubElement(urlset, "url"), "loc", urls.absolute_url(base_url, page))
    return _serialise(urlset)


def atom_feed(site: Site, config: Config) -> bytes:
    """Return an Atom feed of the newest plans that have a year."""
    base_url = config.base_url
    plans = sorted((plan for plan in site.plans if plan.year), key=newest_first)[:FEED_SIZE]
    feed = ET.Element("feed", {"xmlns": ATOM_NAMESPACE, XML_LANG: config.language})
    _add_text(feed, "id", base_url)
    language = interface(config.language)
    title = site_text(config.title, Config.title, language)
    _add_text(feed, "title", title)
    _add_text(feed, "subtitle", site_text(config.description, Config.description, language))
    _add_text(feed, "updated", _date(plans[0]) if plans else NO_DATE)
    _add_text(ET.SubElement(feed, "author"), "name", title)
    feed_url = urls.absolute_url(base_url, urls.FEED)
    ET.SubElement(feed, "link", {"rel": "self", "type": "application/atom+xml", "href": feed_url})
    home_url = urls.absolute_url(base_url, urls.HOME)
    ET.SubElement(feed, "link", {"rel": "alternate", "type": "text/html", "href": home_url})
    _add_text(feed, "generator", "planfolio")
    for plan in plans:
        feed.append(_entry(plan, config))
    return _serialise(feed)


def _entry(plan: Plan, config: Config) -> ET.Element:
    url = urls.absolute_url(config.base_url, urls.document_path(plan.type, plan.slug))
    entry = ET.Element("entry", {XML_LANG: plan.language} if plan.language != config.language else {})
    _add_text(entry, "id", url)
    _add_text(entry, "title", plan.title)
    _add_text(entry, "updated", _date(plan))
    ET.SubElement(entry, "link", {"rel": "alternate", "type": "text/html", "href": url})
    for term in (plan.country, *plan.methods, *plan.thematic_areas):
        if term:
            ET.SubElement(entry, "category", {"term": _xml_text(term)})
    _add_text(entry, "summary", plan_summary(plan, config.focal_points))
    return entry


def _date(plan: Plan) -> str:
    return f"{plan.year:04d}-01-01T00:00:00Z" if plan.year else NO_DATE


def _add_text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = _xml_text(text)
    return element


def _xml_text(text: str) -> str:
    """Return text without the control characters that XML cannot hold."""
    return _NOT_XML.sub("", text)


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
