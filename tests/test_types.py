"""Document types: the `[[type:...]]` line decides, `types:` chooses, the others are set aside."""

import pytest

from planfolio.config import Config, ConfigError, config_from
from planfolio.doctypes import KNOWN_TYPES, left_out_line, peek_type
from planfolio.pipeline import read_site

from conftest import plan_text, write_plans
from test_build import run_build


def _typed(title: str, type_: str) -> str:
    return plan_text(title, {"country": "Kenya", "year": "2023", "type": type_})


MIXED = {
    "plan.md": _typed("A plan", "learningplan"),
    "untyped.md": plan_text("No type line"),
    "test.md": _typed("An experiment", "experiment"),
    # Documents of other types, with what would be problems in a plan: none is reported.
    "blog1.md": "# A blog\n[[type:blog]]\n[[author:someone]]\n[[year:1999]]\n## Body\n\nText.\n",
    "blog2.md": "[[type:blog]]\nno title at all\n",
    "solution.md": "# A solution\n[[country:Kenya]]\n[[type: Solution ]]\n[[latlng:1,2]]\n[[latlng:3,4]]\n",
    "latin1.md": b"# Caf\xe9\n[[type:solution]]\n",
    "README.md": "# About this folder\n\nNot a document.\n",
}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"# T\n[[country:Kenya]]\n[[type:experiment]]\n## Overview\n", "experiment"),
        (b"# T\n[[ TYPE : Blog ]]\n", "blog"),
        (b"# T\n[[country:Kenya]]\n## Overview\n[[type:blog]]\n", "learningplan"),  # after the head
        (b"# T\n", "learningplan"),
        (b"# T\r\n[[type:solution]]\r\n## A\r\n", "solution"),
        (b"# T\n[[type:]]\n", "learningplan"),
        (b"# T\r\r[[type:blog]]\r## A\r\rText.\r", "blog"),  # old Mac line breaks
        (b"# T\r## A\r[[type:blog]]\r", "learningplan"),
        (b"\xef\xbb\xbf[[type:blog]]\n# T\n", "blog"),  # on the first line, after a byte order mark
        (b"# T\n[[type:experiment]] [[year:2021]]\n", "experiment"),  # tags side by side
        (b"# T\n[[type:solution]], [[country:Kenya]]\r\n", "solution"),
    ],
)
def test_the_type_line_of_the_head_decides(data, expected):
    assert peek_type(data) == expected


def test_the_left_out_line_counts_by_type_most_first():
    types = ["blog"] * 1535 + ["solution"] * 6159 + ["tools", "story"]
    assert left_out_line(types) == (
        "7,696 documents of other types left out: 6,159 solution, 1,535 blog, 1 story, 1 tools"
    )
    assert left_out_line(["blog"]) == "1 document of other types left out: 1 blog"
    assert left_out_line([]) == ""


def test_a_mixed_folder_holds_plans_and_experiments_and_counts_the_others(tmp_path):
    site = read_site(write_plans(tmp_path / "docs", MIXED))
    assert sorted(plan.source_path for plan in site.plans) == ["plan.md", "test.md", "untyped.md"]
    assert {plan.source_path: plan.type for plan in site.plans}["untyped.md"] == "learningplan"
    assert sorted(site.left_out) == ["blog", "blog", "solution", "solution"]
    assert site.problems == ()


def test_the_build_prints_one_line_for_the_others_and_no_problem_of_theirs(tmp_path):
    source = write_plans(tmp_path / "docs", MIXED)
    result = run_build("build", "--source", source, "--output", tmp_path / "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no problem at all: the other types are not read
    lines = result.stdout.splitlines()
    assert lines[0] == "4 documents of other types left out: 2 blog, 2 solution"
    assert lines[1].startswith("2 plans and 1 experiment read, ")
    pages = sorted(p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*.html"))
    documents = [p for p in pages if p.startswith(("plans/", "experiments/"))]
    assert documents == [
        "experiments/an-experiment.html",
        "experiments/index.html",
        "plans/a-plan.html",
        "plans/no-type-line.html",
    ]


def test_check_prints_the_same_line(tmp_path):
    source = write_plans(tmp_path / "docs", MIXED)
    result = run_build("check", "--source", source, cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines() == [
        "4 documents of other types left out: 2 blog, 2 solution",
        "no problems in 2 plans and 1 experiment",
    ]


def test_a_folder_of_other_types_alone_says_why_it_has_no_plans_and_how_to_include_them(tmp_path):
    others = {name: text for name, text in MIXED.items() if name.startswith(("blog", "solution"))}
    source = write_plans(tmp_path / "docs", others)
    hint = (
        f"error: no plans found in {source}: it holds only documents of other types; to include"
        " them, list their types in site.yml: types: [learningplan, experiment, blog, solution]"
    )
    built = run_build("build", "--source", source, "--output", tmp_path / "site", cwd=tmp_path)
    checked = run_build("check", "--source", source, cwd=tmp_path)
    for result in (built, checked):
        assert result.returncode == 1
        assert result.stdout == "3 documents of other types left out: 2 blog, 1 solution\n"
        assert result.stderr.splitlines()[-1] == hint
    assert not (tmp_path / "site").exists()


def test_types_in_the_config_choose_the_types_held(tmp_path):
    source = write_plans(tmp_path / "docs", MIXED)
    (tmp_path / "site.yml").write_text("types: [learningplan, blog]\n", encoding="utf-8")
    result = run_build("check", "--source", source, cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert "3 documents of other types left out: 2 solution, 1 experiment" in lines
    # The blogs are read now, with their problems; but a key of their own is no problem:
    # planfolio knows the keys of plans and experiments alone.
    assert not any("unknown metadata key" in line for line in lines)
    assert read_site(source, types=("learningplan", "blog")).plans[0].extra_metadata == (
        ("author", "someone"),
    )
    assert any(line.startswith("blog2.md:1: error: no title") for line in lines)
    assert "no problems" not in result.stdout
    assert not any(line.startswith(("solution.md", "test.md", "latin1.md")) for line in lines)


def test_types_changed_between_cached_builds_give_the_clean_build(tmp_path):
    source = write_plans(tmp_path / "docs", MIXED)
    output = tmp_path / "site"
    assert run_build("build", "--source", source, "--output", output, cwd=tmp_path).returncode == 0
    (tmp_path / "site.yml").write_text("types: [learningplan]\n", encoding="utf-8")
    cached = run_build("build", "--source", source, "--output", output, cwd=tmp_path)
    assert (
        cached.stdout.splitlines()[0]
        == "5 documents of other types left out: 2 blog, 2 solution, 1 experiment"
    )
    assert not (output / "experiments/an-experiment.html").exists()
    clean = run_build("build", "--no-cache", "--source", source, "--output", tmp_path / "clean", cwd=tmp_path)
    assert clean.returncode == 0
    built = sorted(p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file())
    assert built == sorted(
        p.relative_to(tmp_path / "clean").as_posix() for p in (tmp_path / "clean").rglob("*") if p.is_file()
    )
    for path in built:
        assert (output / path).read_bytes() == (tmp_path / "clean" / path).read_bytes(), path


def test_an_unknown_type_is_a_config_error_naming_the_known_ones():
    with pytest.raises(ConfigError) as raised:
        config_from("site.yml", {"types": ["learningplan", "memo"]})
    assert raised.value.problems == [
        f"types: 'memo' is not a known document type; expected some of {', '.join(KNOWN_TYPES)}"
    ]
    with pytest.raises(ConfigError):
        config_from("site.yml", {"types": "learningplan"})
    assert config_from("site.yml", {"types": ["Experiment"]}).types == ("experiment",)
    assert Config().types == ("learningplan", "experiment")


def test_an_unknown_type_stops_the_build_with_a_config_error(tmp_path):
    source = write_plans(tmp_path / "docs", MIXED)
    (tmp_path / "site.yml").write_text("types: [learningplan, memo]\n", encoding="utf-8")
    result = run_build("build", "--source", source, "--output", tmp_path / "site", cwd=tmp_path)
    assert result.returncode != 0
    assert "types: 'memo' is not a known document type" in result.stderr
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize(
    ("documents", "by_type", "said"),
    [
        (0, {}, "0 plans"),
        (1, {}, "1 plan"),
        (3, {"experiment": 1}, "2 plans and 1 experiment"),
        (3, {"learningplan": 1, "experiment": 2}, "1 plan and 2 experiments"),
        (2, {"experiment": 2}, "2 experiments"),
        (
            1230,
            {"learningplan": 938, "experiment": 252, "solution": 20, "blog": 20},
            "938 plans, 252 experiments, 20 solutions and 20 blog posts",
        ),
        (2, {"story": 1, "tools": 1}, "1 story and 1 tool"),
        (3, {"story": 2, "principles": 0}, "1 plan and 2 stories"),
    ],
)
def test_the_summary_counts_each_type_apart(documents, by_type, said):
    from planfolio.model import counted_documents

    assert counted_documents(documents, by_type) == said


def test_a_type_no_one_knows_is_a_warning_at_its_line(tmp_path):
    # A typo in the type line leaves the document out: the one line of the others is not enough.
    typo = _typed("Typed wrong", "experiement")
    site = read_site(write_plans(tmp_path / "docs", {"typo.md": typo, "blog1.md": MIXED["blog1.md"]}))
    assert sorted(site.left_out) == ["blog", "experiement"]
    line = typo.splitlines().index("[[type:experiement]]") + 1
    ((problem),) = site.problems  # the blog, of a type planfolio knows, is left out without a word
    assert (problem.path, problem.line, problem.severity) == ("typo.md", line, "warning")
    assert "'experiement' is none of the types planfolio knows (learningplan, experiment," in problem.message
    assert problem.message.endswith("; did you mean 'experiment'?")


@pytest.mark.parametrize("newline", ["\r", "\n"])
def test_a_type_no_one_knows_in_a_file_of_any_line_breaks_is_left_out_and_the_rest_built(tmp_path, newline):
    typo = "# Typed wrong\n\n[[type:experiement]]\n## Overview\n\n> A question?\n\nAn answer.\n"
    source = write_plans(
        tmp_path / "docs", {"typo.md": typo.replace("\n", newline), "plan.md": plan_text("A plan")}
    )
    result = run_build("build", "--source", source, "--output", tmp_path / "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "typo.md:3: warning: type: 'experiement' is none of the types" in result.stderr
    assert "1 document of other types left out: 1 experiement" in result.stdout
    assert (tmp_path / "site/plans/a-plan.html").is_file()
    assert not list((tmp_path / "site").rglob("typed-wrong*"))
    alone = write_plans(tmp_path / "alone", {"typo.md": typo.replace("\n", newline)})
    checked = run_build("check", "--source", alone, cwd=tmp_path)
    assert checked.returncode == 1
    assert "holds only documents of types planfolio does not know" in checked.stderr
    assert "types: [" not in checked.stderr  # no advice to list a type no one knows


@pytest.mark.parametrize("with_experiment", [False, True])
def test_a_list_names_each_documents_type_only_when_the_site_holds_more_than_plans(tmp_path, with_experiment):
    # The default config admits experiments; a folder of plans alone holds none, and a
    # "Learning plan" on every line of its lists would tell the reader nothing.
    documents = {"plan.md": _typed("A plan", "learningplan"), "other.md": plan_text("Another plan")}
    if with_experiment:
        documents["test.md"] = _typed("An experiment", "experiment")
    source = write_plans(tmp_path / "docs", documents)
    result = run_build("build", "--source", source, "--output", tmp_path / "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    kenya = (tmp_path / "site" / "countries" / "kenya.html").read_text(encoding="utf-8")
    tags = kenya.count('<span class="doc-type-tag')
    assert tags == (len(documents) if with_experiment else 0)
