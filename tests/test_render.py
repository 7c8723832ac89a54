"""Template checks name the file and line of every template that cannot be compiled."""

import shutil

from planfolio.model import Problem
from planfolio.render import template_problems

from conftest import PROJECT_ROOT


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
