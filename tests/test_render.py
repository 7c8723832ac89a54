"""Rendering pages, and template checks that name the file and line of every broken template."""

import shutil

from planfolio.config import Config
from planfolio.model import Problem
from planfolio.pipeline import TEMPLATES, read_site
from planfolio.render import Renderer, template_problems

from conftest import PROJECT_ROOT, plan_text, write_plans


def test_the_theme_compiles():
    assert template_problems(PROJECT_ROOT / "templates") == []


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
        [("a.md", 8, "link")],
        [("b.md", 8, "link")],
    ]
    assert all(b'<a rel="noopener noreferrer">this</a>' in page for page, _ in pages)
