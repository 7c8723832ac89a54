"""Related documents: what they are, how the plan page shows them, and the cache."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from planfolio import urls
from planfolio.config import Config
from planfolio.pipeline import build, read_site
from planfolio.related import RELATED_COUNT, reason, related_documents

from conftest import CORPUS, PROJECT_ROOT, plan_text, write_plans
from trees import files as _tree


def _bench_module():
    """Load bench/related_quality.py, where the plan/report pairs are found."""
    spec = importlib.util.spec_from_file_location(
        "related_quality", PROJECT_ROOT / "bench/related_quality.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _plan(title, country="Kenya", year="2022", methods=("Co-creation",), text="Our challenge is water."):
    meta = {"country": country, "year": year, "methods": list(methods)}
    return plan_text(title, meta, f"## Challenge statement\n\n> What is your challenge?\n\n{text}\n")


FIXTURE = {
    "solar.md": _plan(
        "Solar kiosks for rural clinics", "Kenya", "2021", ["Prototyping"], "Solar power for clinics."
    ),
    "solar-closing.md": _plan("Closing: Solar kiosks for rural clinics", "Kenya", "2022", ["Prototyping"]),
    "water.md": _plan(
        "Water points mapping", "Chad", "2021", ["Citizen science"], "Mapping wells and pumps."
    ),
    "wells.md": _plan("Mapping wells with citizens", "Chad", "2023", ["Citizen science"], "Mapping wells."),
    "waste.md": _plan(
        "Plastic waste in markets", "Peru", "2023", ["Co-creation"], "Plastic bags in markets."
    ),
    "bags.md": _plan(
        "Plastic bags and markets", "Peru", "2023", ["Co-creation"], "Markets use plastic bags."
    ),
    "alone.md": plan_text("Zzz", {"country": "Fiji"}, "## Challenge statement\n\n> Q?\n\nQuux.\n"),
}


def _lists(site):
    """Return every document's related list as (its slug, [(slug, reason), ...]), by slug."""
    by_path = {plan.source_path: plan.slug for plan in site.plans}
    return {
        by_path[path]: [(item.plan.slug, item.reason) for item in related]
        for path, related in site.related.items()
    }


def test_related_lists_share_words_and_terms(tmp_path):
    site = read_site(write_plans(tmp_path / "plans", FIXTURE))
    lists = _lists(site)
    assert lists["solar-kiosks-for-rural-clinics"][0][0] == "closing-solar-kiosks-for-rural-clinics"
    assert lists["closing-solar-kiosks-for-rural-clinics"][0][0] == "solar-kiosks-for-rural-clinics"
    assert lists["water-points-mapping"][0] == (
        "mapping-wells-with-citizens",
        "same country · Citizen science",
    )
    assert lists["plastic-waste-in-markets"][0] == (
        "plastic-bags-and-markets",
        "same country · Co-creation · 2023",
    )
    assert lists["zzz"] == []  # shares nothing with any other


def test_never_the_page_itself_and_at_most_five(tmp_path):
    # Twelve copies of one plan under other names: each has eleven others just as alike.
    plans = {f"p{number:02d}.md": _plan(f"Same plan {number}") for number in range(12)}
    # (A word or term that every plan holds says nothing: one other plan gives theirs some weight.)
    plans["other.md"] = plan_text("Other", {"country": "Chad"}, "")
    site = read_site(write_plans(tmp_path / "plans", plans))
    copies = [plan for plan in site.plans if plan.slug != "other"]
    assert len(copies) == 12
    for plan in copies:
        related = site.related[plan.source_path]
        assert len(related) == RELATED_COUNT
        assert plan.source_path not in [item.plan.source_path for item in related]
        # Equal scores are broken by page name.
        slugs = [item.plan.slug for item in related]
        assert slugs == sorted(slugs)


def test_same_lists_whatever_the_file_names_and_order(tmp_path):
    first = read_site(write_plans(tmp_path / "a", FIXTURE))
    renamed = {f"{99 - number:02d}-{name}": text for number, (name, text) in enumerate(FIXTURE.items())}
    second = read_site(write_plans(tmp_path / "b", renamed))
    assert _lists(first) == _lists(second)


def test_reason_names_the_rarest_methods_first(tmp_path):
    common = ["Co-creation"]
    plans = {
        "a.md": _plan("A", "Kenya", "2021", ["Co-creation", "Ethnography", "Rare method"]),
        "b.md": _plan("B", "Kenya", "2021", ["Co-creation", "Ethnography", "Rare method"]),
        "c.md": _plan("C", "Chad", "2022", ["Co-creation", "Ethnography"]),
        "d.md": _plan("D", "Peru", "2023", common),
    }
    site = read_site(write_plans(tmp_path / "plans", plans))
    a, b, c, d = site.plans
    # Rare method is on two plans, Ethnography on three, Co-creation on four.
    assert reason(site, a, b) == "same country · Rare method, Ethnography, Co-creation · 2021"
    assert reason(site, a, c) == "Ethnography, Co-creation"
    assert reason(site, c, d) == "Co-creation"
    assert reason(site, d, a) == "Co-creation"


def _related_of_page(page: Path) -> list[str]:
    """Return the links of a page's list of related documents."""
    html = page.read_text(encoding="utf-8")
    aside = re.search(r'<aside class="related".*?</aside>', html, re.S)
    return re.findall(r'href="([^"]+)"', aside.group(0)) if aside else []


def test_every_related_link_of_the_corpus_resolves(corpus_site):
    pages = sorted((corpus_site / urls.PLANS_FOLDER).glob("*.html"))
    with_related = 0
    for page in pages:
        links = _related_of_page(page)
        with_related += bool(links)
        assert len(links) <= RELATED_COUNT
        assert page.name not in links
        for link in links:
            assert (page.parent / link).resolve().is_file(), (page.name, link)
    assert with_related > 0.9 * len(pages)


@pytest.fixture(scope="module")
def corpus_read():
    """Return the real corpus's site model, read once for the module."""
    if not CORPUS.is_dir():
        pytest.skip(f"the real corpus is not at {CORPUS}")
    return read_site(CORPUS)


def test_plans_and_their_reports_find_each_other_in_the_corpus(corpus_read):
    bench = _bench_module()
    site = corpus_read
    quality = bench.pair_quality(site)
    assert quality["pairs"] >= 20  # the corpus has a few dozen: the figure must mean something
    assert quality["share"] >= bench.TARGET, quality["missed"]


def test_folded_titles_match_a_plan_and_its_report():
    bench = _bench_module()
    assert (
        bench.folded_title("Closing: Adoption of Clean Cooking Technology")
        == "adoption of clean cooking technology"
    )
    assert bench.folded_title("BlueDIGITAL Pivot- Closure") == bench.folded_title("BlueDIGITAL Pivot")
    assert bench.folded_title("Cierre: Economía circular") == "economia circular"
    assert bench.folded_title("Clôture - Recyclage des déchets") == "recyclage des dechets"


_LISTS = """
import json, sys
from pathlib import Path
from planfolio.pipeline import read_site
site = read_site(Path(sys.argv[1]))
print(json.dumps({p: [(i.plan.slug, i.reason) for i in r] for p, r in site.related.items()}, sort_keys=True))
"""


def test_same_lists_on_every_run_of_the_corpus(corpus_read):
    """Another interpreter, with another hash seed, gives the same lists as this one."""
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    environment = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "PYTHONHASHSEED": seed}
    command = [sys.executable, "-c", _LISTS, str(CORPUS)]
    done = subprocess.run(command, capture_output=True, text=True, env=environment, check=True)
    here = {
        path: [[item.plan.slug, item.reason] for item in related]
        for path, related in corpus_read.related.items()
    }
    assert json.loads(done.stdout) == here


@pytest.fixture
def project(tmp_path):
    """Return a folder with the theme and the fixture plans, built once with a cache."""
    shutil.copytree(PROJECT_ROOT / "templates", tmp_path / "templates")
    shutil.copytree(PROJECT_ROOT / "assets", tmp_path / "assets")
    write_plans(tmp_path / "plans", FIXTURE)
    _build_both(tmp_path)
    return tmp_path


def _build_both(project):
    """Build with the cache into site/ and without it into clean/; return the cached build's result."""
    options = dict(templates=project / "templates", assets=project / "assets")
    result = build(project / "plans", project / "site", Config(), project / "cache", **options)
    build(project / "plans", project / "clean", Config(), None, **options)
    return result


def test_cached_rebuild_when_another_plan_joins_a_related_list(project):
    page = project / "site" / urls.plan_path("zzz")
    assert _related_of_page(page) == []
    # Another plan now shares the lone plan's words and country: the lone plan's list
    # changes, though its own file did not.
    (project / "plans/waste.md").write_text(
        _plan("Zzz quux", "Fiji", "2020", ["Other"], "Quux."), encoding="utf-8"
    )
    result = _build_both(project)
    assert _tree(project / "site") == _tree(project / "clean")
    assert _related_of_page(page) == ["zzz-quux.html"]
    assert result.pages_reused > 0  # the build did reuse pages: the key told them apart


def test_cached_rebuild_when_a_related_plan_changes_its_title_and_year(project):
    page = project / "site" / urls.plan_path("water-points-mapping")
    before = page.read_text(encoding="utf-8")
    assert (
        'Mapping wells with citizens</a> <span class="reason">same country · Citizen science</span>' in before
    )
    # The same plans relate, as many as before, under another title and with another reason.
    wells = _plan("Mapping wells with citizens again", "Chad", "2021", ["Citizen science"], "Mapping wells.")
    (project / "plans/wells.md").write_text(wells, encoding="utf-8")
    _build_both(project)
    assert _tree(project / "site") == _tree(project / "clean")
    after = page.read_text(encoding="utf-8")
    assert (
        'Mapping wells with citizens again</a> <span class="reason">same country · Citizen science · 2021'
        in after
    )


def test_a_corpus_sized_site_has_five_related_documents_nearly_everywhere(corpus_read):
    site = corpus_read
    related = related_documents(site)
    assert related == site.related
    full = sum(len(found) == RELATED_COUNT for found in related.values())
    assert full > 0.95 * len(site.plans)


def test_the_plan_page_shows_links_with_reasons(corpus_site):
    page = corpus_site / urls.plan_path("adoption-of-clean-cooking-technology")
    html = page.read_text(encoding="utf-8")
    assert '<h2 id="related-heading">Related</h2>' in html
    assert (
        '<a href="closing-adoption-of-clean-cooking-technology.html">'
        "Closing: Adoption of Clean Cooking Technology</a>"
    ) in html


def test_reason_says_a_name_once_as_the_method_spells_it(tmp_path):
    meta = {"country": "Chad", "methods": ["Solutions Mapping"], "datasources": ["solutions mapping"]}
    plans = {f"{name}.md": plan_text(name, meta) for name in ("A", "B")}
    plans["c.md"] = plan_text("C", {"country": "Peru"})
    site = read_site(write_plans(tmp_path / "plans", plans))
    a, b, _ = site.plans
    assert reason(site, a, b) == "same country · Solutions Mapping"


def test_lists_kept_between_builds_are_those_found_from_nothing(tmp_path):
    from planfolio.cache import ParsedPlans
    from planfolio.reading import read_documents
    from planfolio.related import with_related

    folder = write_plans(tmp_path / "plans", FIXTURE)
    parsed = ParsedPlans()
    first = with_related(read_documents(folder, parsed), parsed)
    assert _lists(first) == _lists(read_site(folder))
    # One plan's words change: its words are counted again, the others' are kept, and every
    # list is what a build from nothing finds.
    (folder / "waste.md").write_text(
        _plan("Water points", "Chad", "2021", ["Other"], "Water wells."), encoding="utf-8"
    )
    second = with_related(read_documents(folder, parsed), parsed)
    assert _lists(second) == _lists(read_site(folder)) != _lists(first)
    # Nothing changes: the lists are taken as they were kept.
    third = with_related(read_documents(folder, parsed), parsed)
    assert _lists(third) == _lists(second)


def test_lists_are_found_again_only_when_what_they_are_found_from_changes(tmp_path, monkeypatch):
    from planfolio import related
    from planfolio.cache import ParsedPlans
    from planfolio.reading import read_documents

    found = []
    find = related._related_lists
    monkeypatch.setattr(related, "_related_lists", lambda *given: found.append(1) or find(*given))
    folder = write_plans(tmp_path / "plans", FIXTURE)
    parsed = ParsedPlans()
    related.with_related(read_documents(folder, parsed), parsed)

    def edit(name, *plan):
        """Rewrite a plan, build; return whether the lists were found again."""
        (folder / name).write_text(_plan(*plan), encoding="utf-8")
        before = len(found)
        rebuilt = related.with_related(read_documents(folder, parsed), parsed)
        again = len(found) > before
        assert _lists(rebuilt) == _lists(read_site(folder))  # what a build from nothing finds
        return again

    # Words read as none ("the"), then a section past the start of the answers, which the
    # words are read from: nothing the lists are found from changes, and they are kept.
    far = "Solar power for clinics." + " the" * 300 + "\n\n## Learnings\n\n> What?\n\nSolar panels."
    assert not edit("solar.md", "Solar kiosks for rural clinics", "Kenya", "2021", ["Prototyping"], far)
    # Each edit changes one thing the lists are found from: a method taken up (every plan
    # of it weighs it less, and a reason may name it), a country, a year, a title.
    methods = ["Co-creation", "Prototyping"]
    assert edit("bags.md", "Plastic bags and markets", "Peru", "2023", methods, "Markets use plastic bags.")
    assert edit(
        "wells.md", "Mapping wells with citizens", "Peru", "2023", ["Citizen science"], "Mapping wells."
    )
    assert edit(
        "waste.md", "Plastic waste in markets", "Peru", "2021", ["Co-creation"], "Plastic bags in markets."
    )
    assert edit(
        "water.md", "Water points and wells", "Chad", "2021", ["Citizen science"], "Mapping wells and pumps."
    )
