"""Documents of the other types (solutions, blog posts...), when `types:` holds them: each
type in its own folder, with its own list, and named as what it is wherever it shows."""

from __future__ import annotations

import html
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from planfolio import urls
from planfolio.doctypes import KNOWN_TYPES
from planfolio.i18n import count_noun, interface, type_label
from planfolio.site import TAXONOMIES

from conftest import plan_text, run_build, write_plans
from trees import files as _tree

TYPES = ("learningplan", "experiment", "solution", "blog")
SITE_YML = f"types: [{', '.join(TYPES)}]\n"


def _typed(title: str, type_: str, country: str = "Kenya") -> str:
    return plan_text(title, {"country": country, "year": "2023", "methods": ["Co-creation"], "type": type_})


# One title shared by a document of each type: each keeps its own page name, in its folder.
DOCUMENTS = {
    "plan.md": _typed("Cooling food", "learningplan"),
    "plan2.md": _typed("Water points", "learningplan", "Chad"),
    "test.md": _typed("Cooling food", "experiment"),
    "chotukool.md": _typed("Cooling food", "solution"),
    "other.md": _typed("ChotuKool", "solution", "India"),
    "post.md": _typed("Cooling food", "blog"),
    "post2.md": _typed("Notes from the field", "blog", "Chad"),
    "story.md": _typed("A story left out", "story"),
}
PLANS = [name for name, text in DOCUMENTS.items() if "[[type:learningplan]]" in text]


def _build(root: Path, documents: dict[str, str], site_yml: str = SITE_YML, *args: str):
    source = write_plans(root / "docs", documents)
    (root / "site.yml").write_text(site_yml, encoding="utf-8")
    result = run_build("build", *args, "--source", source, "--output", root / "site", cwd=root)
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str, str]:
    """Build the mixed folder once; return the site, and what the build printed on stdout and stderr."""
    root = tmp_path_factory.mktemp("types")
    result = _build(root, DOCUMENTS, SITE_YML, "--base-url", "https://example.org/p/")
    return root / "site", result.stdout, result.stderr


@pytest.fixture(scope="module")
def records(built) -> dict[str, dict]:
    """Return the records of plans.json by source path."""
    data = json.loads((built[0] / "plans.json").read_text(encoding="utf-8"))
    return {record["source_path"]: record for record in data["plans"]}


def _read(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


def test_every_type_has_its_own_plural_folder():
    assert set(urls.TYPE_FOLDERS) == set(KNOWN_TYPES)
    folders = list(urls.TYPE_FOLDERS.values())
    assert len(set(folders)) == len(folders)
    assert not set(folders) & {spec.folder for spec in TAXONOMIES}
    assert urls.document_path("solution", "x") == "solutions/x.html"
    assert urls.document_path("story", "x") == "stories/x.html"
    assert urls.type_index_path("blog") == "blogs/index.html"


def test_each_document_has_its_page_in_its_types_folder_under_its_own_name(built, records):
    site, _, stderr = built
    assert "story.md" not in records  # not a type the site holds
    for record in records.values():
        folder = urls.TYPE_FOLDERS[record["type"]]
        assert record["url"].startswith(folder + "/"), record
        assert (site / record["url"]).is_file()
    # One title in four folders: no page takes another name, and no warning says so.
    same = sorted(r["url"] for r in records.values() if r["title"] == "Cooling food")
    assert same == [
        "blogs/cooling-food.html",
        "experiments/cooling-food.html",
        "plans/cooling-food.html",
        "solutions/cooling-food.html",
    ]
    assert "page-name" not in stderr and "duplicate title" not in stderr


def test_no_page_of_another_type_is_under_plans(built, records):
    site, _, _ = built
    plans = {r["url"] for r in records.values() if r["type"] == "learningplan"}
    assert {f"plans/{p.name}" for p in (site / "plans").glob("*.html")} == plans


def test_lists_tag_each_document_with_its_own_types_label(built, records):
    site, _, _ = built
    kenya = [r for r in records.values() if r["country"] == "Kenya"]
    assert {r["type"] for r in kenya} == set(TYPES)
    english = interface("en")
    for page in ("countries/kenya.html", "index.html"):
        text = _read(site, page)
        for record in kenya:
            link = urls.relative_url(page, record["url"])
            label = type_label(english, record["type"])
            pattern = (
                rf'href="{re.escape(link)}">[^<]*</a>\s*<span class="meta">'
                rf'<span class="doc-type-tag {record["type"]}">{label}<'
            )
            assert re.search(pattern, text), (page, record["url"])
    assert "Blog post<" in _read(site, "countries/kenya.html")


def test_the_term_page_counts_each_type_and_speaks_of_documents(built, records):
    site, _, _ = built
    counts = Counter(r["type"] for r in records.values() if r["country"] == "Kenya")
    said = ", ".join(f"{counts[t]} {count_noun(interface('en'), t, counts[t])}" for t in TYPES)
    kenya = _read(site, "countries/kenya.html")
    assert f'<p class="count">{said}</p>' in kenya
    assert ">Documents by year</h2>" in kenya and "plans and experiments" not in kenya.lower()
    assert {r["type"] for r in records.values() if r["country"] == "Chad"} == {"learningplan", "blog"}
    assert ">Documents by year</h2>" in _read(site, "countries/chad.html")


def test_each_types_index_lists_its_documents(built, records):
    site, _, _ = built
    for type_ in TYPES[1:]:
        page = _read(site, urls.type_index_path(type_))
        assert f"<h1>{type_label(interface('en'), type_, 2)}</h1>" in page
        items = re.search(r'<ul class="plan-list">(.*?)</ul>', page, re.S).group(1)
        listed = re.findall(r'<li>\s*<a href="([^"]+)"', items)
        expected = {
            urls.relative_url(urls.type_index_path(type_), r["url"])
            for r in records.values()
            if r["type"] == type_
        }
        assert sorted(listed) == sorted(expected)
        assert "doc-type-tag" not in page  # every item is of the page's type


def test_the_card_names_the_documents_type_and_leads_to_its_list(built, records):
    site, _, _ = built
    for record in records.values():
        page = _read(site, record["url"])
        card = re.search(r'<dl class="card">(.*?)</dl>', page, re.S).group(1)
        if record["type"] == "learningplan":
            assert "<dt>Type</dt>" not in card
            continue
        index = urls.relative_url(record["url"], urls.type_index_path(record["type"]))
        label = type_label(interface("en"), record["type"])
        assert re.search(rf'<dt>Type</dt>\s*<dd><a href="{index}">{label}</a></dd>', card), record["url"]


def test_the_navigation_names_each_type_and_every_link_resolves(built, records):
    site, _, _ = built
    for record in records.values():
        page = _read(site, record["url"])
        nav = re.search(r'<nav aria-label="Browse">(.*?)</nav>', page, re.S).group(1)
        links = dict((label, href) for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav))
        for type_ in TYPES[1:]:
            assert type_label(interface("en"), type_, 2) in links
        for href in links.values():
            target = (site / record["url"]).parent / href
            assert target.resolve().is_file(), (record["url"], href)
        # The link to the page's own type's list is the current one.
        if record["type"] != "learningplan":
            current = re.search(r'<a href="([^"]+)" aria-current="page">', nav).group(1)
            assert current == "index.html"


def test_the_home_page_counts_each_type_and_leads_to_its_list(built, records):
    site, _, _ = built
    home = _read(site, "index.html")
    for type_, count in Counter(r["type"] for r in records.values()).items():
        noun = count_noun(interface("en"), type_, count)
        path = urls.search_of_type(type_) if type_ == "learningplan" else urls.type_index_path(type_)
        assert f'<a href="{html.escape(path)}"><strong>{count}</strong> {noun}</a>' in home
    assert "<h2>Newest documents</h2>" in home and "Documents per year</h3>" in home


def test_the_summary_line_and_check_count_each_type(built, tmp_path):
    _, stdout, _ = built
    lines = stdout.splitlines()
    assert lines[0] == "1 document of other types left out: 1 story"
    assert lines[1].startswith("2 plans, 1 experiment, 2 solutions and 2 blog posts read, ")
    source = write_plans(tmp_path / "docs", DOCUMENTS)
    (tmp_path / "site.yml").write_text(SITE_YML, encoding="utf-8")
    checked = run_build("check", "--source", source, cwd=tmp_path)
    assert (
        checked.stdout.splitlines()[-1]
        == "no problems in 2 plans, 1 experiment, 2 solutions and 2 blog posts"
    )


def test_search_sitemap_feed_and_data_files_keep_each_types_own_place(built, records):
    site, _, _ = built
    search = _read(site, "search.html")
    for type_ in TYPES:
        assert f'data-type-{type_}="{type_label(interface("en"), type_)}"' in search
    index = json.loads(_read(site, "search-index.json"))
    documents = index["documents"] if isinstance(index, dict) else index
    assert {d["url"] for d in documents} == {r["url"] for r in records.values()}
    sitemap, feed = _read(site, "sitemap.xml"), _read(site, "feed.xml")
    for record in records.values():
        assert f"https://example.org/p/{record['url']}" in sitemap
        assert f"https://example.org/p/{record['url']}" in feed
    for type_ in TYPES[1:]:
        assert f"https://example.org/p/{urls.type_index_path(type_)}" in sitemap
    rows = _read(site, "plans.csv").lstrip("\ufeff").splitlines()
    column = rows[0].split(",").index("type")
    assert Counter(row.split(",")[column] for row in rows[1:]) == Counter(r["type"] for r in records.values())


def test_a_french_site_names_each_type_from_the_catalogue(tmp_path):
    _build(tmp_path, DOCUMENTS, SITE_YML + "language: fr\n")
    site = tmp_path / "site"
    french = interface("fr")
    kenya = _read(site, "countries/kenya.html")
    for type_ in TYPES:
        one, many = type_label(french, type_), type_label(french, type_, 2)
        if type_ == "blog":  # a word that differs from the English
            assert (one, many) == ("Billet de blog", "Billets de blog")
        assert f'<span class="doc-type-tag {type_}">{html.escape(one)}<' in kenya
        if type_ != "learningplan":
            assert f">{html.escape(many)}</a>" in _read(site, "index.html")  # the navigation
            assert f"<h1>{html.escape(many)}</h1>" in _read(site, urls.type_index_path(type_))
    card = _read(site, "blogs/cooling-food.html")
    assert re.search(r"<dt>Type</dt>\s*<dd><a href=\"index.html\">Billet de blog</a>", card)
    assert "billets de blog" in _read(site, "index.html")


def test_a_cached_rebuild_after_a_change_of_type_is_the_clean_build(tmp_path):
    _build(tmp_path, DOCUMENTS)
    source, output = tmp_path / "docs", tmp_path / "site"
    (source / "post2.md").write_text(_typed("Notes from the field", "solution", "Chad"), encoding="utf-8")
    assert run_build("build", "--source", source, "--output", output, cwd=tmp_path).returncode == 0
    assert (output / "solutions/notes-from-the-field.html").is_file()
    assert not (output / "blogs/notes-from-the-field.html").exists()
    clean = tmp_path / "clean"
    result = run_build("build", "--no-cache", "--source", source, "--output", clean, cwd=tmp_path)
    assert result.returncode == 0
    assert _tree(output) == _tree(clean)


def _header_search_words(site: Path) -> dict[str, set[str]]:
    """Return the words of each page's header search box (its label and its placeholder), by
    path; the search page, which has its own box instead, has none."""
    words = {}
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        label = re.findall(r'<label for="site-search"[^>]*>([^<]*)</label>', text)
        placeholder = re.findall(r'<input id="site-search"[^>]*placeholder="([^"]*)"', text)
        words[page.relative_to(site).as_posix()] = {html.unescape(w) for w in label + placeholder}
    assert words.pop("search.html") == set()
    return words


def test_the_header_searches_plans_on_a_plans_only_site_and_documents_on_a_mixed_one(built, tmp_path):
    _build(tmp_path, {name: DOCUMENTS[name] for name in PLANS})
    plans_only = _header_search_words(tmp_path / "site")
    mixed = _header_search_words(built[0])
    assert plans_only and {page: {"Search plans"} for page in plans_only} == plans_only
    assert mixed and {page: {"Search documents"} for page in mixed} == mixed


def test_a_french_mixed_site_says_search_documents_in_french(tmp_path):
    documents = {name: DOCUMENTS[name] for name in ("plan.md", "test.md")}
    _build(tmp_path, documents, SITE_YML + "language: fr\n")
    words = interface("fr").gettext("Search documents")
    assert words != "Search documents"  # the catalogue translates it
    said = _header_search_words(tmp_path / "site")
    assert said and {page: {words} for page in said} == said


def test_a_cached_rebuild_after_a_plans_only_site_gains_an_experiment_is_the_clean_build(tmp_path):
    _build(tmp_path, {name: DOCUMENTS[name] for name in PLANS})
    source, output = tmp_path / "docs", tmp_path / "site"
    assert _header_search_words(output)["plans/water-points.html"] == {"Search plans"}
    write_plans(source, {"test.md": DOCUMENTS["test.md"]})
    assert run_build("build", "--source", source, "--output", output, cwd=tmp_path).returncode == 0
    clean = tmp_path / "clean"
    result = run_build("build", "--no-cache", "--source", source, "--output", clean, cwd=tmp_path)
    assert result.returncode == 0
    assert _tree(output) == _tree(clean)
    # The plans' pages, unchanged themselves, are made anew: their header searches documents.
    said = _header_search_words(output)
    assert said["plans/water-points.html"] == {"Search documents"}
    assert {page: {"Search documents"} for page in said} == said


def test_the_search_pages_type_facet_names_each_type_and_narrows_to_it(built, records):
    from search_browser import SearchPage

    from browser import chromium

    english = interface("en")
    counts = Counter(r["type"] for r in records.values())
    with chromium() as browser:
        page = SearchPage(browser, built[0].as_uri() + "/")
        page.open("type=blog")  # an address may name a type by its own name
        assert page.chosen() == {"type": [type_label(english, "blog")]}
        assert sorted(page.result_urls()) == sorted(r["url"] for r in records.values() if r["type"] == "blog")
        page.open()
        assert page.facet("type") == {type_label(english, type_): count for type_, count in counts.items()}
        # The box says what it searches as the home page's does: documents, not plans and experiments.
        home = _read(built[0], "index.html")
        said = re.search(r'<label for="home-search">([^<]*)</label>', home).group(1)
        assert (
            page.page.locator('label[for="search-query"]').text_content() == said == "Search every document"
        )
        assert page.errors == []
        page.close()


def test_a_post_written_without_headings_shows_its_text_and_is_searched(tmp_path):
    """A blog post or a solution of the archive is often text under its metadata, with no
    '## ' section: its page shows that text (under no heading), one warning per line of it
    would drown every other problem, and search finds its words."""
    post = (
        "# Notes from the field\n\n[[type:blog]]\n\n[Original article](https://example.org/notes)\n\n"
        "[[year:2022]]\n[[country:Chad]]\n\nWe met the water committee of Abéché.\n\n"
        "It meets on [Mondays](javascript:alert(1)).\n"
    )
    result = _build(tmp_path, {"post.md": post, "plan.md": _typed("Water points", "learningplan")})
    assert "head-text" not in result.stderr and "not shown" not in result.stderr
    # The dropped link is reported at its own line of the file.
    assert "post.md:12: warning: link" in result.stderr, result.stderr
    page = _read(tmp_path / "site", "blogs/notes-from-the-field.html")
    article = page[page.index('<article class="plan">') : page.index("</article>")]
    assert "<p>We met the water committee of Abéché.</p>" in article
    assert '<a href="https://example.org/notes" rel="noopener noreferrer">Original article</a>' in article
    assert "<h2" not in article and "no text yet" not in article
    fulltext = _read(tmp_path / "site", "search-fulltext.js")
    assert "committe" in fulltext and "abech" in fulltext  # stemmed and folded


def test_a_site_without_plans_counts_none_on_its_home_page(tmp_path):
    """A type the folder holds none of has neither a list nor a link: learning plans too."""
    documents = {"test.md": _typed("Cooling food", "experiment"), "post.md": _typed("Notes", "blog")}
    _build(tmp_path, documents)
    home = _read(tmp_path / "site", "index.html")
    stats = home[home.index('<ul class="stats">') : home.index("</ul>", home.index('<ul class="stats">'))]
    assert "experiments/index.html" in stats and "blogs/index.html" in stats
    assert "plan" not in stats.replace("experiment", "")
