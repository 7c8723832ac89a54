import re
import xml.etree.ElementTree as ET
from datetime import datetime

import feedparser
import pytest

from planfolio.config import Config
from planfolio.feeds import FEED_SIZE, atom_feed, robots_txt
from planfolio.model import Plan
from planfolio.site import build_site

from conftest import plan_text, write_plans
from sitecheck import read_page
from test_build import run_build

BASE_URL = "https://example.github.io/portfolio/"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
RFC_3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")


def build_site_folder(tmp_path, config_text):
    plans = {
        f"plan{number}.md": plan_text(
            f"Plan number {number}",
            {"country": "Kenya", "year": str(2000 + number), "methods": "Co-creation"},
        )
        for number in range(25)
    }
    plans["undated.md"] = plan_text("Undated & <odd> title", {"country": "Chad"})
    source = write_plans(tmp_path / "plans", plans)
    output = tmp_path / "site"
    (tmp_path / "site.yml").write_text(config_text, encoding="utf-8")
    result = run_build(
        "build", "--source", source, "--output", output, "--config", tmp_path / "site.yml", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    return output


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    return build_site_folder(tmp_path_factory.mktemp("published"), f"base_url: {BASE_URL}\n")


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    return build_site_folder(tmp_path_factory.mktemp("local"), "")


def pages_of(site):
    return sorted(path.relative_to(site).as_posix() for path in site.rglob("*.html"))


def test_github_pages_needs_nojekyll_and_robots(published):
    assert (published / ".nojekyll").read_bytes() == b""
    assert (published / "robots.txt").read_text(encoding="utf-8") == (
        f"User-agent: *\nDisallow:\n\nSitemap: {BASE_URL}sitemap.xml\n"
    )


def test_sitemap_lists_every_page_by_its_public_address(published):
    root = ET.parse(published / "sitemap.xml").getroot()  # a strict XML parser
    assert root.tag == f"{SITEMAP}urlset"
    locations = []
    for url in root:
        assert url.tag == f"{SITEMAP}url" and [child.tag for child in url] == [f"{SITEMAP}loc"]
        locations.append(url[0].text)
    assert all(location.startswith(BASE_URL) for location in locations)
    listed = sorted(location.removeprefix(BASE_URL) for location in locations)
    assert listed == [page for page in pages_of(published) if page != "404.html"]
    assert all((published / page).is_file() for page in listed)


def test_feed_is_valid_atom_of_the_newest_dated_plans(published):
    data = (published / "feed.xml").read_bytes()
    root = ET.fromstring(data)
    assert root.tag == f"{ATOM}feed"
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Action Learning Plans"
    assert [link.href for link in parsed.feed.links if link.rel == "self"] == [f"{BASE_URL}feed.xml"]
    titles = [entry.title for entry in parsed.entries]
    assert titles == [f"Plan number {number}" for number in range(24, 24 - FEED_SIZE, -1)]
    for entry in root.findall(f"{ATOM}entry"):
        for tag in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{tag}") is not None, tag
        assert RFC_3339.fullmatch(entry.find(f"{ATOM}updated").text)
        link = entry.find(f"{ATOM}link").get("href")
        assert link.startswith(BASE_URL) and (published / link.removeprefix(BASE_URL)).is_file()
    assert root.find(f"{ATOM}updated").text == "2024-01-01T00:00:00Z"
    assert root.find(f"{ATOM}author/{ATOM}name").text == "Action Learning Plans"


def test_feed_drops_characters_xml_cannot_hold():
    plan = Plan("a.md", "Bell\x07 and \x0bvertical tab", year=2020, country="Chad")
    data = atom_feed(build_site([plan], []), Config(base_url=BASE_URL))
    assert feedparser.parse(data).bozo == 0
    assert ET.fromstring(data).find(f"{ATOM}entry/{ATOM}title").text == "Bell and vertical tab"


def test_feed_dates_follow_the_plans_years():
    plans = [Plan("a.md", "Old", year=1999), Plan("b.md", "New", year=2024)]
    parsed = feedparser.parse(atom_feed(build_site(plans, []), Config(base_url=BASE_URL)))
    assert [entry.title for entry in parsed.entries] == ["New", "Old"]
    assert datetime(*parsed.entries[1].updated_parsed[:6]) == datetime(1999, 1, 1)


def test_every_page_but_404_has_its_canonical_address(published):
    for page in pages_of(published):
        text = (published / page).read_text(encoding="utf-8")
        canonical = re.findall(r'<link rel="canonical" href="([^"]*)">', text)
        assert canonical == ([] if page == "404.html" else [f"{BASE_URL}{page}"]), page


def test_404_page_links_by_public_address_at_any_depth(published):
    links = read_page(published / "404.html").links
    assert f"{BASE_URL}assets/style.css" in links and f"{BASE_URL}index.html" in links
    local = [link for link in links if not link.startswith(("#", BASE_URL))]
    assert local == []


def test_without_base_url_no_absolute_address_is_written(local):
    assert (local / ".nojekyll").is_file()
    assert not (local / "sitemap.xml").exists() and not (local / "feed.xml").exists()
    assert (local / "robots.txt").read_text(encoding="utf-8") == "User-agent: *\nDisallow:\n"
    for page in pages_of(local):
        text = (local / page).read_text(encoding="utf-8")
        assert 'rel="canonical"' not in text and "feed.xml" not in text, page


def test_without_base_url_404_links_from_the_top_folder(local):
    links = read_page(local / "404.html").links
    assert "assets/style.css" in links and "countries/index.html" in links


def test_robots_without_sitemap():
    assert robots_txt("") == b"User-agent: *\nDisallow:\n"
