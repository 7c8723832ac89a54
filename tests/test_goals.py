"""SDGs are named by their number and official short title in the site's language, whatever the plans wrote."""

from __future__ import annotations

import html
import json
import posixpath
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from babel.messages.pofile import read_po

from planfolio.goals import goal_name
from planfolio.i18n import LOCALE, interface

from conftest import plan_text, run_build, write_plans

#: The official short titles, as the UN publishes them, by number (the home page's tiles).
OFFICIAL = {
    1: "No poverty",
    5: "Gender equality",
    10: "Reduced inequalities",
    13: "Climate action",
}
#: Plans that spell their goals variously: a typo, another case, no full stop, a goal with no number.
PLANS = {
    "a.md": plan_text(
        "Alpha",
        {"country": "Kenya", "year": "2022", "sdgs": ["13. Climate action", "10. Reduced innequalities"]},
    ),
    "b.md": plan_text(
        "Beta", {"country": "Chad", "year": "2023", "sdgs": ["13. climate action", "5 gender"]}
    ),
    "c.md": plan_text("Gamma", {"country": "Chad", "year": "2023", "sdgs": ["Poverty"]}),
}
#: The page of each goal, by its number (None: the goal with no number), named as the plans wrote it.
PAGES = {
    13: "sdgs/13-climate-action.html",
    10: "sdgs/10-reduced-innequalities.html",
    5: "sdgs/5-gender.html",
    None: "sdgs/poverty.html",
}
#: The names the plans wrote that are not the official ones.
WRITTEN = ("Reduced innequalities", "climate action", "5 gender")


def _catalogue(language):
    """Return the translation of each message of a language's catalogue, read from its file."""
    with open(LOCALE / language / "LC_MESSAGES" / "planfolio.po", "rb") as file:
        return {message.id: message.string for message in read_po(file) if message.id}


def _official(number, language):
    """Return the name a site in a language shows for a goal, from the catalogue's title."""
    title = OFFICIAL[number] if language == "en" else _catalogue(language)[OFFICIAL[number]]
    return f"{number}. {title}"


def _shown(language, number):
    return "Poverty" if number is None else _official(number, language)


def _build(tmp_path, language="en", plans=PLANS):
    """Build plans into a site in a language; return its folder and what the build printed."""
    source = write_plans(tmp_path / "plans", plans)
    (tmp_path / "site.yml").write_text(f"language: {language}\n", encoding="utf-8")
    site = tmp_path / "site"
    result = run_build(
        "build", "--source", source, "--output", site, "--config", tmp_path / "site.yml", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    return site, result.stdout + result.stderr


@pytest.fixture(scope="module", params=["en", "fr", "es"])
def built(request, tmp_path_factory):
    """Return the language and the site built from PLANS in it."""
    return request.param, _build(tmp_path_factory.mktemp(request.param), request.param)[0]


def _read(site, path):
    return html.unescape((site / path).read_text(encoding="utf-8"))


def _links(site, path):
    """Return every link of a page to a goal's page whose text is a name: (page, name)."""
    found = re.findall(r'<a href="([^"#]+)"[^>]*>\s*([^<]*?)\s*</a>', _read(site, path))
    pages = {
        (posixpath.normpath(posixpath.join(posixpath.dirname(path), href)), name) for href, name in found
    }
    return {(page, name) for page, name in pages if page in PAGES.values()}


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("13. Climate action", "13. Climate action"),
        ("13. climate action", "13. Climate action"),
        ("13 Climate", "13. Climate action"),
        ("SDG 13", "13. Climate action"),
        ("10. Reduced innequalities", "10. Reduced inequalities"),
        ("Climate action", "Climate action"),  # no number: as written
        ("18. Space", "18. Space"),  # no such goal: as written
    ],
)
def test_a_goal_is_named_by_its_number_and_official_title(written, name):
    assert goal_name(written, interface("en").gettext) == name


@pytest.mark.parametrize("language", ["fr", "es"])
def test_a_goal_is_named_in_the_language_of_the_catalogue(language):
    name = goal_name("13. Climate action", interface(language).gettext)
    assert name == _official(13, language) != _official(13, "en")


def test_the_goals_pages_keep_the_addresses_the_plans_spelling_gives(built):
    _, site = built
    assert sorted(path.relative_to(site).as_posix() for path in (site / "sdgs").glob("*.html")) == sorted(
        [*PAGES.values(), "sdgs/index.html", "sdgs/by-count.html"]
    )


def test_the_goals_index_and_pages_show_the_official_names(built):
    language, site = built
    for by in ("index.html", "by-count.html"):
        assert _links(site, f"sdgs/{by}") == {(path, _shown(language, n)) for n, path in PAGES.items()}
    for number, path in PAGES.items():
        page = _read(site, path)
        assert re.search(r"<h1>(.*?)</h1>", page).group(1) == _shown(language, number)
        assert re.search(r"<title>(.*?) — ", page).group(1) == _shown(language, number)


def test_the_cards_and_the_home_page_show_the_official_names(built):
    language, site = built
    expected = {(path, _shown(language, n)) for n, path in PAGES.items()}
    cards = set()
    for plan in (site / "plans").glob("*.html"):
        cards |= _links(site, plan.relative_to(site).as_posix())
    assert cards == expected
    assert _links(site, "index.html") == expected  # its lists of the most used terms
    # A country's page names the goals of its plans.
    assert _links(site, "countries/chad.html") == {
        (PAGES[13], _shown(language, 13)),
        (PAGES[5], _shown(language, 5)),
        (PAGES[None], "Poverty"),
    }


def test_the_search_filter_names_the_goals_as_the_pages_do(built):
    language, site = built
    script = (site / "search-index.js").read_text(encoding="utf-8")
    data = json.loads(script[script.index(",{") + 1 : script.rindex(");")])
    slugs = {number: path.removeprefix("sdgs/").removesuffix(".html") for number, path in PAGES.items()}
    # Goals by number; the goal with no number first, as number 0.
    assert data["filters"]["sdg"]["terms"] == [
        [slugs[n], _shown(language, n)] for n in sorted(PAGES, key=lambda n: n or 0)
    ]
    # A goal's page links to the search filtered to the name the filter shows.
    link = re.search(r'<a class="search-link" href="([^"]+)"', _read(site, PAGES[13])).group(1)
    assert parse_qs(urlsplit(link).query) == {"sdg": [_shown(language, 13)]}


def test_the_goals_index_holds_english_titles_on_an_english_site_only(built):
    language, site = built
    text = _read(site, "sdgs/index.html")
    english = {title for title in OFFICIAL.values() if title in text}
    assert english == ({OFFICIAL[number] for number in PAGES if number} if language == "en" else set())
    assert [written for written in WRITTEN if written in text] == []


def test_the_data_files_keep_what_the_plans_wrote(built):
    _, site = built
    records = json.loads((site / "plans.json").read_text(encoding="utf-8"))["plans"]
    assert sorted(value for record in records for value in record["sdgs"]) == sorted(
        ["13. Climate action", "10. Reduced innequalities", "13. climate action", "5 gender", "Poverty"]
    )
    csv = (site / "plans.csv").read_text(encoding="utf-8")
    assert "10. Reduced innequalities" in csv and "Reduced inequalities" not in csv


def test_the_spellings_of_one_goal_number_make_one_page_named_by_the_most_used(tmp_path):
    # "SDG 13" and "13 Climate" name the goal "13. Climate action" does: were they pages of
    # their own, the site would show three pages of one name.
    meta = {"country": "Kenya", "year": "2022"}
    plans = {
        "a.md": plan_text("Alpha", {**meta, "sdgs": ["13. Climate action", "5. Gender equality"]}),
        "b.md": plan_text("Beta", {**meta, "sdgs": ["13. Climate action"]}),
        "c.md": plan_text("Gamma", {**meta, "sdgs": ["SDG 13", "18. Space"]}),
        "d.md": plan_text("Delta", {**meta, "sdgs": ["13 Climate"]}),
    }
    site, said = _build(tmp_path, plans=plans)
    pages = sorted(path.name for path in (site / "sdgs").glob("*.html"))
    assert pages == sorted(
        ["13-climate-action.html", "5-gender-equality.html", "18-space.html", "index.html", "by-count.html"]
    )
    goal = _read(site, "sdgs/13-climate-action.html")
    assert all(f">{title}</a>" in goal for title in ("Alpha", "Beta", "Gamma", "Delta"))
    index = _read(site, "sdgs/index.html")
    assert index.count(">13. Climate action</a>") == 1
    # Each file of another spelling is told where its goal went, on the line that gives it.
    for name, written in (("c.md", "SDG 13"), ("d.md", "13 Climate")):
        line = plans[name].splitlines().index(f"[[sdgs:{written}]]") + 1
        assert f"{name}:{line}: warning: sdgs: '{written}' is listed under '13. Climate action'" in said
    records = json.loads((site / "plans.json").read_text(encoding="utf-8"))["plans"]
    assert sorted(value for record in records for value in record["sdgs"]) == sorted(
        [
            "13. Climate action",
            "5. Gender equality",
            "13. Climate action",
            "SDG 13",
            "18. Space",
            "13 Climate",
        ]
    )


def test_a_goal_is_named_by_its_number_and_title_and_found_in_other_words_and_languages(tmp_path):
    meta = {"country": "Kenya", "year": "2022"}
    plans = {
        "a.md": plan_text("Alpha", {**meta, "sdgs": ["05", "Goal 13: Climate action"]}),
        "b.md": plan_text("Beta", {**meta, "sdgs": ["SDG 5", "Objectif 13"]}),
        "c.md": plan_text("Gamma", {**meta, "sdgs": ["5. Gender equality", "ODS 13"]}),
        "d.md": plan_text("Delta", {**meta, "sdgs": ["Climate action"]}),
    }
    site, said = _build(tmp_path, plans=plans)
    # Used once each, the spelling of a number and a title names the page, and is not told.
    assert (site / "sdgs/5-gender-equality.html").is_file() and not (site / "sdgs/05.html").exists()
    told = [line for line in said.splitlines() if "is listed under '5. Gender equality'" in line]
    assert sorted(line.split(":")[0].split()[-1] for line in told) == ["a.md", "b.md"]
    # Its other words name goal 13 alike: one page, whichever spelling names it, holds all three.
    holding = [
        page.name
        for page in (site / "sdgs").glob("*.html")
        if all(f">{title}</a>" in page.read_text(encoding="utf-8") for title in ("Alpha", "Beta", "Gamma"))
        and page.name not in ("index.html", "by-count.html", "5-gender-equality.html")
    ]
    assert len(holding) == 1  # and no other page of a goal but 5's
    line = plans["d.md"].splitlines().index("[[sdgs:Climate action]]") + 1
    assert f"d.md:{line}: warning: sdgs: 'Climate action' gives no goal's number" in said
