"""Rendering pages, and template checks that name the file and line of every broken template."""

import re
import shutil

import pytest
from markupsafe import Markup

from planfolio.config import Config
from planfolio.i18n import interface
from planfolio.model import Problem
from planfolio.pipeline import TEMPLATES, read_site
from planfolio.render import Renderer, template_problems, translating
from planfolio.site import TAXONOMIES

from conftest import PROJECT_ROOT, plan_text, write_plans


def test_the_theme_compiles():
    assert template_problems(PROJECT_ROOT / "templates") == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_template_words_made_once_are_the_same_words_made_again(language):
    words, said = translating(interface(language)), interface(language)
    _, ngettext = words["_"], words["ngettext"]
    name_and_count = Markup(said.gettext("%(name)s: %(count)s"))
    plans = [said.ngettext("%(num)s plan", "%(num)s plans", number) for number in (1, 2)]
    for _round in range(2):  # the second time, the words come from what the first made
        assert _("%(name)s: %(count)s", name="<b>", count=1) == name_and_count % {"name": "<b>", "count": 1}
        assert "&lt;b&gt;" in _("%(name)s: %(count)s", name="<b>", count=1)
        assert "<b>" in _("%(name)s: %(count)s", name=Markup("<b>"), count=1)
        assert "[&#39;a&#39;]" in _("%(name)s: %(count)s", name=["a"], count=1)
        assert "(&#39;a&#39;,)" in _("%(name)s: %(count)s", name=("a",), count=1)
        assert "(Markup(&#39;a&#39;),)" in _("%(name)s: %(count)s", name=(Markup("a"),), count=1)
        assert ngettext("%(num)s plan", "%(num)s plans", 1) == plans[0].replace("%(num)s", "1")
        assert ngettext("%(num)s plan", "%(num)s plans", 2) == plans[1].replace("%(num)s", "2")


def test_syntax_errors_name_the_template_and_line(tmp_path):
    templates = shutil.copytree(PROJECT_ROOT / "templates", tmp_path / "templates")
    (templates / "plan.html").write_text(
        "{% extends 'base.html' %}\n\n{{ page.plan.title }\n", encoding="utf-8"
    )
    (templates / "term.html").write_text("{{ 'x'|no_such_filter }}\n", encoding="utf-8")
    assert template_problems(templates) == [
        Problem("templates/plan.html", 3, "template syntax: unexpected '}'"),
        Problem("templates/term.html", 1, "template syntax: No filter named 'no_such_filter'."),
    ]


def test_an_answer_two_plans_give_is_rendered_once_and_its_problems_reported_for_each(tmp_path):
    body = "## Challenge statement\n\n> What is your challenge?\n\nSee [this](javascript:alert(1)).\n"
    source = write_plans(tmp_path, {"a.md": plan_text("A", body=body), "b.md": plan_text("B", body=body)})
    site = read_site(source)
    renderer = Renderer(TEMPLATES, Config(), site)
    pages = [renderer.plan_page(plan) for plan in site.plans]
    assert len(renderer.answers) == 1
    assert [[(p.path, p.line, p.kind) for p in problems] for _, problems in pages] == [
        [("a.md", 10, "link")],
        [("b.md", 10, "link")],
    ]
    assert all(b"See this." in page for page, _ in pages)


def test_the_navigation_marks_the_section_of_the_page_shown(tmp_path):
    import re

    from planfolio.site import TAXONOMIES

    source = write_plans(tmp_path, {"a.md": plan_text("A", {"country": "Chad", "methods": "Co-creation"})})
    site = read_site(source)
    renderer = Renderer(TEMPLATES, Config(), site)
    spec = {spec.key: spec for spec in TAXONOMIES}
    pages = {
        "country term": renderer.term_page(spec["country"], site.taxonomies["country"].terms["chad"]),
        "method index": renderer.taxonomy_index(spec["methods"], by_count=True),
        "plan": renderer.plan_page(site.plans[0])[0],
        "home": renderer.home(),
    }
    current = {
        name: re.findall(rb'<a href="([^"]*)" aria-current="page">', page.split(b"</nav>")[0])
        for name, page in pages.items()
    }
    assert current == {
        "country term": [b"index.html"],
        "method index": [b"index.html"],
        "plan": [],
        "home": [],
    }
    assert b'<a href="../countries/index.html">' in pages["method index"]


def rendered_pages(source, templates):
    site = read_site(source)
    renderer = Renderer(templates, Config(), site)
    return [renderer.plan_page(plan)[0] for plan in site.plans] + [renderer.home()]


def test_compiled_templates_are_kept_and_damaged_ones_compiled_again(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "temporary"))
    (tmp_path / "temporary").mkdir()
    templates = shutil.copytree(PROJECT_ROOT / "templates", tmp_path / "templates")
    source = write_plans(tmp_path / "plans", {"a.md": plan_text("A"), "b.md": plan_text("B")})
    first = rendered_pages(source, templates)
    kept = sorted((tmp_path / "temporary").rglob("*.cache"))
    assert len(kept) >= 3  # plan.html, base.html, home.html, ...
    for path in kept:
        path.write_bytes(path.read_bytes()[:40] + b"damaged")
    assert rendered_pages(source, templates) == first
    (templates / "home.html").write_text("{% extends 'base.html' %}{% block content %}New home{% endblock %}")
    assert b"New home" in rendered_pages(source, templates)[-1]


def test_pages_render_where_compiled_templates_cannot_be_kept(tmp_path, monkeypatch):
    import tempfile

    (tmp_path / "not-a-folder").write_text("", encoding="utf-8")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "not-a-folder"))
    source = write_plans(tmp_path / "plans", {"a.md": plan_text("A")})
    assert b"<h1>A</h1>" in rendered_pages(source, TEMPLATES)[0]


def _partners(names_and_sectors):
    groups = []
    for name, sector in names_and_sectors:
        groups.append(f'<div class="group">\n\n> Please state the name of the partner:\n\n{name}\n\n</div>\n')
        groups.append(
            f'<div class="group">\n\n> What sector does your partner belong to?\n\n{sector}\n\n</div>\n'
        )
        groups.append('<div class="group">\n\n> Please provide a brief description of the partnership.\n\n')
        groups.append(f"Work with {name}\n\n</div>\n")
    return "## Partners\n\n> Please indicate what partners you have actually worked with.\n\n" + "".join(
        groups
    )


def test_a_partner_table_has_the_columns_some_partner_fills(tmp_path):
    import re

    source = write_plans(
        tmp_path,
        {
            "a.md": plan_text("A", body=_partners([("City hall", ""), ("Red Cross", "")])),
            "b.md": plan_text("B", body=_partners([("City hall", ""), ("Red Cross", "Civil society")])),
        },
    )
    site = read_site(source)
    renderer = Renderer(TEMPLATES, Config(), site)
    heads, rows = [], []
    for plan in site.plans:
        table = renderer.plan_page(plan)[0].decode().split('<table class="partners')[1].split("</table>")[0]
        heads.append(re.findall(r'<th scope="col">([^<]*)</th>', table))
        rows.append(
            [re.findall(r"<td>([^<]*)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", table)[1:]]
        )
    assert heads == [["Name", "Description"], ["Name", "Sector", "Description"]]
    assert rows == [
        [["City hall", "Work with City hall"], ["Red Cross", "Work with Red Cross"]],
        [["City hall", "", "Work with City hall"], ["Red Cross", "Civil society", "Work with Red Cross"]],
    ]


def test_a_partner_cell_is_read_as_an_answer_its_entities_tags_and_links_shown_not_written_out(tmp_path):
    body = _partners([("OIM &amp; Human Mobility Group", ""), ("Ministries<div>Youth groups</div>", "")])
    body = body.replace(
        "Work with Ministries<div>Youth groups</div>", "See https://example.org/ or [x](javascript:alert(1))"
    )
    source = write_plans(tmp_path, {"a.md": plan_text("A", body=body)})
    site = read_site(source)
    page, problems = Renderer(TEMPLATES, Config(), site).plan_page(site.plans[0])
    table = page.decode().split('<table class="partners')[1].split("</table>")[0]
    cells = re.findall(r"<td>(.*?)</td>", table, re.S)
    assert cells[0] == "OIM &amp; Human Mobility Group"  # the writer's entity, not escaped again
    assert "&lt;" not in table and "&amp;amp;" not in table
    assert re.sub(r"<[^>]+>", " ", cells[2]).split() == ["Ministries", "Youth", "groups"]
    assert 'href="https://example.org/"' in cells[3] and "javascript" not in table
    # The dropped link is reported at the line of the description that holds it.
    line = next(
        n for n, text in enumerate((source / "a.md").read_text().splitlines(), 1) if "javascript" in text
    )
    assert [(problem.line, "javascript" in problem.message) for problem in problems] == [(line, True)]


def test_the_years_index_lists_the_newest_first_and_says_so(tmp_path):
    years = ["2021", "2023", "2022"]
    plans = {f"{year}.md": plan_text(f"Plan of {year}", {"year": year}) for year in years}
    site = read_site(write_plans(tmp_path, plans))
    spec = {spec.key: spec for spec in TAXONOMIES}
    renderer = Renderer(TEMPLATES, Config(), site)
    page = renderer.taxonomy_index(spec["year"], by_count=False).decode()
    listed = re.findall(r'<li><a href="(\d{4})\.html">', page)
    assert listed == sorted(years, reverse=True)
    assert '<strong aria-current="true">by year, newest first</strong>' in page
    methods = renderer.taxonomy_index(spec["methods"], by_count=False).decode()
    assert '<strong aria-current="true">by name</strong>' in methods
    assert "by number of plans" in methods  # no experiment is counted here


@pytest.mark.parametrize(
    ("language", "said"), [("en", "by number"), ("fr", "par numéro"), ("es", "por número")]
)
def test_the_sdgs_index_lists_the_goals_by_number_and_says_so(tmp_path, language, said):
    goals = ["13. Climate action", "2. Zero hunger", "10. Reduced inequalities"]
    plans = {f"{i}.md": plan_text(f"Plan {i}", {"sdgs": [goal]}) for i, goal in enumerate(goals)}
    site = read_site(write_plans(tmp_path, plans))
    spec = {spec.key: spec for spec in TAXONOMIES}
    page = Renderer(TEMPLATES, Config(language=language), site).taxonomy_index(spec["sdgs"], False).decode()
    listed = re.findall(r'<li><a href="(\d+)-', page)
    assert listed == ["2", "10", "13"]
    assert f'<strong aria-current="true">{said}</strong>' in page


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("with_experiment", [True, False])
def test_the_404_page_searches_what_the_header_search_box_searches(tmp_path, language, with_experiment):
    from planfolio.i18n import interface

    documents = {"a.md": plan_text("A plan")}
    if with_experiment:
        documents["b.md"] = plan_text("A test", {"type": "experiment"})
    site = read_site(write_plans(tmp_path, documents))
    page = Renderer(TEMPLATES, Config(language=language), site).not_found().decode()
    ui = interface(language)
    box, link = (
        ("Search documents", "Search every document")
        if with_experiment
        else ("Search plans", "Search every plan")
    )
    assert f'placeholder="{ui.gettext(box)}"' in page
    assert f">{ui.gettext(link)}</a>" in page
    # Its list of ways in names what the site holds, as the links above do.
    browse = re.search(r"<li>([^<]+)<a href=\"countries/index.html\">", page).group(1).split()
    held = ui.gettext("documents" if with_experiment else "plans")
    assert held in browse and ui.gettext("documents" if not with_experiment else "plans") not in browse


def test_the_home_pages_years_are_listed_newest_first(tmp_path):
    # Most plans in the oldest year: a list by number of plans would put it first.
    years = ["2021", "2021", "2021", "2022", "2024", "2024", "2023"]
    documents = {f"p{n}.md": plan_text(f"Plan {n}", {"year": year}) for n, year in enumerate(years)}
    site = read_site(write_plans(tmp_path, documents))
    home = Renderer(TEMPLATES, Config(), site).home().decode()
    section = re.search(r'<h2><a href="years/index.html">Years</a></h2>(.*?)</section>', home, re.S).group(1)
    listed = re.findall(r'<a href="years/(\d+)\.html">\1</a> <span class="badge">(\d+)</span>', section)
    assert listed == [(year, str(years.count(year))) for year in sorted(set(years), reverse=True)]
