"""No plan or term takes a page name the site keeps for itself, in any folder."""

from __future__ import annotations

import pytest

from planfolio import urls
from planfolio.config import Config
from planfolio.pipeline import build
from planfolio.site import TAXONOMIES
from planfolio.slugs import slugify, unique_slugs

from conftest import PROJECT_ROOT, plan_text, run_build, write_plans
from sitecheck import read_page
from trees import files as tree

# Taxonomies whose values a user writes freely (a year is a number: it cannot spell a name).
NAMED = [spec for spec in TAXONOMIES if spec.key != "year"]
META = {"country": "Kenya", "year": "2023", "methods": ["Co-creation"]}


def spelling(name: str) -> str:
    """Return a value as a user would write it whose slug is name ("by-count" -> "By count")."""
    value = name.replace("-", " ").capitalize()
    assert slugify(value) == name
    return value


def offending_plans() -> dict[str, str]:
    """Return a plan file for every reserved name of every folder that plans or terms fill."""
    plans = {}
    for name in sorted(urls.reserved_names(urls.PLANS_FOLDER)):
        plans[f"title-{name}.md"] = plan_text(spelling(name), META)
    for spec in NAMED:
        for name in sorted(urls.reserved_names(spec.folder)):
            meta = {**META, spec.key: spelling(name)}
            plans[f"{spec.key}-{name}.md"] = plan_text(f"Plan {spec.key} {name}", meta)
    return plans


CASES = [(urls.PLANS_FOLDER, None, name) for name in sorted(urls.reserved_names(urls.PLANS_FOLDER))] + [
    (spec.folder, spec.key, name) for spec in NAMED for name in sorted(urls.reserved_names(spec.folder))
]


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """Build the offending plans, and a control site of one plan without terms (whose own pages are the site's)."""
    root = tmp_path_factory.mktemp("reserved")
    built = {}
    for label, plans in (
        ("offending", offending_plans()),
        ("control", {"plain.md": plan_text("Plain", {"type": "learningplan"})}),
    ):
        source = write_plans(root / f"{label}-plans", plans)
        output = root / f"{label}-site"
        result = run_build("build", "--source", source, "--output", output, cwd=root)
        assert result.returncode == 0, result.stderr
        built[label] = (output, result.stdout + result.stderr)
    return built


def test_every_reserved_name_of_every_folder_is_tried():
    assert len(CASES) >= 2 * (len(NAMED) + 1)
    assert {folder for folder, _, _ in CASES} == {urls.PLANS_FOLDER, *(spec.folder for spec in NAMED)}


@pytest.mark.parametrize(("folder", "key", "name"), CASES)
def test_a_reserved_name_stays_the_sites_own(sites, folder, key, name):
    site, output = sites["offending"]
    control, _ = sites["control"]
    own, moved = f"{folder}/{name}.html", f"{folder}/{name}-2.html"
    # The page at the reserved name is what a site without the offending plan has there.
    assert (site / own).exists() == (control / own).exists()
    if (control / own).exists():
        assert read_page(site / own).h1 == read_page(control / own).h1
    # The plan or term that wanted it has the next name, and a warning says so.
    value = spelling(name)
    assert read_page(site / moved).h1 == [value]
    if key is None:
        warning = (
            f"title-{name}.md:1: warning: page name {own} is the site's own; this plan's page is {moved}"
        )
    else:
        line = 3 + list({**META, key: value}).index(key)  # (see plan_text)
        warning = (
            f"{key}-{name}.md:{line}: warning: {key}: {value!r} would take the page {own}, the site's own;"
            f" its page is {moved}"
        )
    assert warning in output


@pytest.mark.parametrize("spec", NAMED, ids=lambda spec: spec.key)
def test_the_renamed_term_is_listed_and_linked(sites, spec):
    site, _ = sites["offending"]
    for name in urls.reserved_names(spec.folder):
        term = f"{name}-2.html"
        assert term in read_page(site / urls.taxonomy_index_path(spec.folder)).links
        plan = site / urls.plan_path(slugify(f"Plan {spec.key} {name}"))
        assert f"../{spec.folder}/{term}" in read_page(plan).links


def test_every_file_the_site_writes_for_itself_is_reserved(sites):
    # Every file of the control site but its plan's page is the site's own.
    control, _ = sites["control"]
    files = [p.relative_to(control).as_posix() for p in control.rglob("*") if p.is_file()]
    own = [path for path in files if path != urls.plan_path("plain") and not path.startswith("assets/")]
    assert len(own) > 2 * len(TAXONOMIES)
    for path in own:
        folder, _, name = path.rpartition("/")
        stem = name.partition(".")[0]
        assert not stem or stem in urls.reserved_names(folder), path


def test_the_files_at_the_top_are_reserved():
    top = urls.reserved_names("")
    for path in (urls.HOME, urls.SEARCH, urls.NOT_FOUND, urls.PLANS_JSON, urls.SITEMAP, urls.FEED):
        assert path.partition(".")[0] in top


def test_a_page_declared_in_urls_is_reserved_in_its_folder(monkeypatch):
    monkeypatch.setattr(urls, "EXPERIMENTS_MAP", "experiments/map.html", raising=False)
    assert "map" in urls.reserved_names("experiments")
    assert "map" not in urls.reserved_names("methods")
    assert {"index", "by-count"} <= urls.reserved_names("experiments")


def test_a_reserved_base_and_its_next_name_both_get_names():
    slugs = unique_slugs([("a", "index"), ("b", "index-2"), ("c", "water")], frozenset({"index"}))
    assert slugs == {"a": "index-2", "b": "index-2-2", "c": "water"}


def test_a_cached_rebuild_after_a_term_takes_a_reserved_name_is_a_clean_build(tmp_path):
    theme = {"templates": PROJECT_ROOT / "templates", "assets": PROJECT_ROOT / "assets"}
    plans = write_plans(
        tmp_path / "plans", {"a.md": plan_text("Alpha", META), "b.md": plan_text("Beta", META)}
    )
    build(plans, tmp_path / "site", Config(), tmp_path / "cache", **theme)
    (plans / "a.md").write_text(plan_text("Alpha", {**META, "methods": ["Index"]}), encoding="utf-8")
    build(plans, tmp_path / "site", Config(), tmp_path / "cache", **theme)
    build(plans, tmp_path / "clean", Config(), None, **theme)
    cached = tree(tmp_path / "site")
    assert cached == tree(tmp_path / "clean")
    assert b"<h1>Methods</h1>" in cached["methods/index.html"]
    assert b"<h1>Index</h1>" in cached["methods/index-2.html"]


def test_a_term_whose_page_a_moved_term_took_is_told_where_its_page_is():
    from planfolio.parse import parse_plan
    from planfolio.site import build_site

    plans = [
        parse_plan(text, path)[0]
        for path, text in (("a.md", "# A\n[[methods:Index]]\n"), ("b.md", "# B\n[[methods:Index 2]]\n"))
    ]
    site = build_site(plans, [])
    assert {t.name: t.path for t in site.taxonomies["methods"].terms.values()} == {
        "Index": "methods/index-2.html",
        "Index 2": "methods/index-2-2.html",
    }
    assert (
        "b.md:2: warning: methods: 'Index 2' would take the page methods/index-2.html, another term's;"
        " its page is methods/index-2-2.html" in [str(p) for p in site.problems]
    )
