from planfolio.check import check_site, count_by_kind, missing_local_files, taken_page_names
from planfolio.model import Problem
from planfolio.pipeline import read_site

from conftest import write_plans


def site_of(tmp_path, plans):
    source = write_plans(tmp_path / "plans", plans)
    return read_site(source), source


def messages(problems):
    return [str(problem) for problem in problems]


def test_a_duplicate_title_is_reported_once_for_each_later_plan(tmp_path):
    site, _ = site_of(tmp_path, {"c.md": "# Water\n", "a.md": "# Water\n", "b.md": "\n# water\n"})
    assert messages(taken_page_names(site.plans)) == [
        "b.md:2: warning: duplicate title: a.md has the same title; this plan's page is plans/water-2.html",
        "c.md:1: warning: duplicate title: a.md has the same title; this plan's page is plans/water-3.html",
    ]


def test_a_page_name_taken_by_another_title(tmp_path):
    site, _ = site_of(tmp_path, {"a.md": "# Water!\n", "b.md": "# Water?\n", "c.md": "# Air\n"})
    assert messages(taken_page_names(site.plans)) == [
        "b.md:1: warning: page name plans/water.html is already a.md's (title 'Water!');"
        " this plan's page is plans/water-2.html"
    ]


def test_a_duplicate_title_names_the_type_of_the_document_it_moves(tmp_path):
    # A plan of the same title is in another folder: only the second experiment moves.
    experiment = "# Water\n[[type:experiment]]\n"
    documents = {"a.md": experiment, "b.md": experiment, "c.md": "# Water\n"}
    site, _ = site_of(tmp_path, documents)
    assert messages(taken_page_names(site.plans)) == [
        "b.md:1: warning: duplicate title: a.md has the same title;"
        " this experiment's page is experiments/water-2.html"
    ]


def test_a_page_name_taken_by_another_title_names_the_type_of_the_document_it_moves(tmp_path):
    documents = {"a.md": "# Water!\n[[type:blog]]\n", "b.md": "# Water?\n[[type:blog]]\n"}
    source = write_plans(tmp_path / "plans", documents)
    site = read_site(source, types=("learningplan", "blog"))
    assert messages(taken_page_names(site.plans)) == [
        "b.md:1: warning: page name blogs/water.html is already a.md's (title 'Water!');"
        " this blog post's page is blogs/water-2.html"
    ]


def test_collisions_are_resolved_and_reported_the_same_whatever_the_order(tmp_path):
    names = ["d.md", "b.md", "a.md", "c.md"]
    site, _ = site_of(tmp_path, {name: "# Same\n" for name in names})
    shuffled = site.plans[::-1]
    assert taken_page_names(shuffled) == taken_page_names(site.plans)
    assert [(p.source_path, p.slug) for p in site.plans] == [
        ("a.md", "same"), ("b.md", "same-2"), ("c.md", "same-3"), ("d.md", "same-4"),
    ]  # fmt: skip


def test_links_to_missing_local_files_are_reported_with_their_line(tmp_path):
    plan = (
        "# T\n## End\n> Q\n\nSee [the report](docs/report.pdf) and [notes](docs/notes.txt).\n\n"
        "A chart: ![chart](img/chart%20one.png)\n\n"
        '<a href="/top.txt">top</a> [web](https://example.org) [here](#end) [mail](mailto:a@b.org)\n'
        "[up](../../secret.txt)\n"
    )
    site, source = site_of(tmp_path, {"sub/plan.md": plan, "sub/docs/notes.txt": "notes"})
    assert messages(missing_local_files(site.plans, source)) == [
        "sub/plan.md:5: warning: link 'docs/report.pdf' names a local file that does not exist:"
        " expected sub/docs/report.pdf in the plans folder",
        # There, but not published: its link would lead nowhere on the site.
        "sub/plan.md:5: warning: link 'docs/notes.txt' names sub/docs/notes.txt, a file of the plans"
        " folder, which the site does not publish: link to a web address instead",
        "sub/plan.md:7: warning: link 'img/chart%20one.png' names a local file that does not exist:"
        " expected sub/img/chart one.png in the plans folder",
        "sub/plan.md:9: warning: link '/top.txt' names a local file that does not exist:"
        " expected top.txt in the plans folder",
        "sub/plan.md:10: warning: link '../../secret.txt' names a file outside the plans folder",
    ]


def test_a_link_to_a_plans_file_names_its_page(tmp_path):
    plans = {"a.md": "# Alpha\n## End\n> Q\n\nSee [the closing report](b.md).\n", "b.md": "# Beta closing\n"}
    site, source = site_of(tmp_path, plans)
    assert messages(missing_local_files(site.plans, source)) == [
        "a.md:5: warning: link 'b.md' names the file of a plan, which the site does not publish:"
        " link to its page, plans/beta-closing.html in the site"
    ]
    plans["a.md"] = "# Alpha\n## End\n> Q\n\nSee [the plans](./).\n"
    site, source = site_of(tmp_path / "folder", plans)
    assert messages(missing_local_files(site.plans, source)) == [
        "a.md:5: warning: link './' names ., a folder of the plans folder, which the site does not publish:"
        " link to a web address instead"
    ]


def test_a_link_in_code_is_not_a_link(tmp_path):
    plan = "# T\n## End\n> Q\n\nWrite `[x](missing.md)` to link.\n\n    [y](missing.md)\n"
    site, source = site_of(tmp_path, {"plan.md": plan})
    assert missing_local_files(site.plans, source) == []


def test_the_same_link_twice_names_both_lines(tmp_path):
    plan = "# T\n## End\n> Q\n\n[a](gone.pdf)\n\n[a](gone.pdf)\n"
    site, source = site_of(tmp_path, {"plan.md": plan})
    assert [p.line for p in missing_local_files(site.plans, source)] == [5, 7]


def test_check_site_gathers_both(tmp_path):
    site, source = site_of(tmp_path, {"a.md": "# A\n", "b.md": "# A\n## End\n> Q\n\n[x](x.pdf)\n"})
    assert [p.kind for p in check_site(site, source)] == ["duplicate-title", "local-link"]


def test_count_by_kind_puts_errors_first():
    problems = [
        Problem("a.md", 1, "m", "warning", "unknown-key"),
        Problem("b.md", 1, "m", "warning", "unknown-key"),
        Problem("a.md", 2, "m", "error", "year"),
        Problem("a.md", 3, "m", "warning", "country"),
    ]
    assert count_by_kind(problems) == [
        ("year", "error", 1), ("country", "warning", 1), ("unknown-key", "warning", 2),
    ]  # fmt: skip


def test_a_large_site_is_checked_alongside_its_pages_with_the_same_problems(tmp_path, monkeypatch):
    """The checks are one more unit of the work shared between processes; a rebuild with
    no page to render still checks the site."""
    from planfolio import parallel, pipeline
    from planfolio.config import Config

    shared = []

    def longest_first(work, units, costs):
        shared.append(sum(costs) >= parallel.WORTH_A_PROCESS and any(not isinstance(u, list) for u in units))
        return parallel.run_longest_first(work, units, costs)

    monkeypatch.setattr(pipeline, "run_longest_first", longest_first)
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    plans = {f"p{number:03}.md": f"# Plan {number}\n" for number in range(200)}
    plans["p000.md"] = "# Plan 1\n## End\n> Q\n\n[x](x.pdf)\n"  # a taken title and a missing file
    site, source = site_of(tmp_path, plans)
    expected = check_site(site, source)
    assert [p.kind for p in expected] == ["duplicate-title", "local-link"]
    output, cache = tmp_path / "site", tmp_path / "cache"

    result = pipeline.build(source, output, Config(), cache)
    assert shared == [True]
    assert set(expected) <= set(result.problems)

    rebuilt = pipeline.build(source, output, Config(), cache)
    assert rebuilt.pages_written == 0
    assert set(expected) <= set(rebuilt.problems)


def test_a_large_site_whose_build_fails_leaves_no_checking_process_behind(tmp_path, monkeypatch):
    import os

    import jinja2
    import pytest

    from planfolio import pipeline
    from planfolio.config import Config

    from serving import copy_theme

    templates, _ = copy_theme(tmp_path)
    (templates / "home.html").write_text("{{ no_such_thing }}\n", encoding="utf-8")
    plans = {f"p{number:03}.md": f"# Plan {number}\n" for number in range(200)}
    _, source = site_of(tmp_path, plans)
    with pytest.raises((jinja2.UndefinedError, RuntimeError)):
        pipeline.build(source, tmp_path / "site", Config(), None, templates)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # every process the build started has been waited for


# An answer starting on line 6 with a link to drop on line 10 and a script on line 12.
HOSTILE_ANSWER = (
    "# A\n\n## End\n> What did you learn?\n\nWe learnt a lot.\n\nMore.\n\n"
    "See [the map](javascript:alert(1)).\n\n<script>alert(1)</script>\n"
)


def test_answer_warnings_name_the_line_of_the_link_and_the_html_in_check_and_build(tmp_path):
    from planfolio.check import answer_problems
    from planfolio.config import Config
    from planfolio.pipeline import TEMPLATES
    from planfolio.render import Renderer

    site, _ = site_of(tmp_path, {"a.md": HOSTILE_ANSWER})
    checked = sorted(answer_problems(site, Config()))
    _, built = Renderer(TEMPLATES, Config(), site).plan_page(site.plans[0])
    assert messages(checked) == [
        "a.md:10: warning: link with a javascript: address dropped: only http, https and mailto are kept",
        "a.md:12: warning: removed what could run code or restyle the page: <script>",
    ]
    assert sorted(built) == checked


def test_an_image_with_a_data_address_is_reported_on_its_own_line(tmp_path):
    from planfolio.check import answer_problems
    from planfolio.config import Config

    plan = "# A\n## End\n> Q\n\nA picture:\n\n![chart](data:image/png;base64,iVBORw0KGgo=)\n"
    site, _ = site_of(tmp_path, {"a.md": plan})
    assert messages(answer_problems(site, Config())) == [
        "a.md:7: warning: link with a data: address dropped: only http, https and mailto are kept"
    ]
