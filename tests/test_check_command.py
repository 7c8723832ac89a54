"""The `check` command: every problem, a count by kind, exit codes, and nothing written."""

import re

from conftest import PROJECT_ROOT, plan_text, write_plans
from test_build import run_build, small_site

EVERY_KIND = {
    "no_title.md": "[[country:Kenya]]\n## End\n",
    "empty.md": "",
    "latin1.md": b"# Caf\xe9\n",
    "islands.md": "# Islands\n[[country:Samoa]]\n[[latlng:-13.8,-172.1]]\n## End\n",
    "odd.md": "# Odd\n[[colour:blue]]\n[[year:1999]]\n[[year:2020]]\n[[latlng:95,10]]\n[[country:Kenia]]\n",
    "terms.md": "# Terms\n[[methods:?#]]\n## End\n> Q\n\nSee [the report](report.pdf).\n",
    "water.md": plan_text("Water for all"),
    "water_again.md": plan_text("Water for all"),
}

EXPECTED = """\
empty.md:1: error: empty file: expected a '# Title' line
islands.md:2: warning: country: 'Samoa' matches no outline of the world map; shown as a marker at its plans' latlng
latin1.md:1: error: not UTF-8: byte 0xe9 in column 6 cannot be decoded; the document is left out: save it as UTF-8
no_title.md:1: error: no title: expected a first line '# Title'; using the file name 'no_title'
odd.md:2: warning: unknown metadata key 'colour' (kept as extra metadata)
odd.md:3: error: year: expected a year from 2000 to 2100, found '1999'
odd.md:4: error: year: given more than once (first on line 3); keeping '1999', ignoring '2020'
odd.md:5: error: latlng: expected 'latitude,longitude' (from -90 to 90, -180 to 180), found '95,10'
odd.md:6: warning: country: 'Kenia' is not a known country name; did you mean 'Kenya'?
terms.md:2: error: methods: '?#' has no letters or digits to name a page; left out
terms.md:6: warning: link 'report.pdf' names a local file that does not exist: expected report.pdf in the plans folder
water_again.md:1: warning: duplicate title: water.md has the same title; this plan's page is plans/water-for-all-2.html
12 problems in 6 plans: 7 errors, 5 warnings
  empty-file         1 error
  latlng             1 error
  no-title           1 error
  not-utf8           1 error
  repeated-key       1 error
  unnamed-term       1 error
  year               1 error
  country            1 warning
  duplicate-title    1 warning
  local-link         1 warning
  map                1 warning
  unknown-key        1 warning
"""


def test_check_lists_every_problem_then_counts_by_kind(tmp_path):
    source = write_plans(tmp_path / "plans", EVERY_KIND)
    result = run_build("check", "--source", source, cwd=tmp_path)
    assert result.stdout == EXPECTED
    assert result.returncode == 1


def test_build_reports_the_same_problems_and_builds_the_rest(tmp_path):
    source = write_plans(tmp_path / "plans", EVERY_KIND)
    checked = run_build("check", "--source", source, cwd=tmp_path)
    built = run_build("build", "--source", source, "--output", tmp_path / "site", cwd=tmp_path)
    assert built.returncode == 0
    listed = [re.sub(r"^\d+\. ", "", line) for line in built.stderr.splitlines()[1:]]
    assert listed == checked.stdout.splitlines()[:12]
    assert (tmp_path / "site/plans/water-for-all-2.html").is_file()


def test_clean_plans_exit_0(tmp_path):
    result = run_build("check", "--source", small_site(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert result.stdout == "no problems in 2 plans\n"


def test_warnings_alone_exit_0_unless_strict(tmp_path):
    source = write_plans(tmp_path / "plans", {"a.md": plan_text("A", {"country": "Kenia"})})
    assert run_build("check", "--source", source, cwd=tmp_path).returncode == 0
    assert run_build("check", "--source", source, "--strict", cwd=tmp_path).returncode == 1


def test_bad_usage_exits_2(tmp_path):
    source = small_site(tmp_path)
    unknown_option = run_build("check", "--source", source, "--colour", cwd=tmp_path)
    assert unknown_option.returncode == 2 and "unrecognized arguments: --colour" in unknown_option.stderr
    no_source = run_build("check", "--source", tmp_path / "nowhere", cwd=tmp_path)
    assert no_source.returncode == 2
    assert no_source.stderr == f"error: --source {tmp_path / 'nowhere'}: no such folder\n"
    no_config = run_build("check", "--source", source, "--config", tmp_path / "none.yml", cwd=tmp_path)
    assert no_config.returncode == 2
    assert no_config.stderr == f"error: --config {tmp_path / 'none.yml'}: no such file\n"


def test_an_option_a_command_does_not_take_is_shown_with_that_commands_usage(tmp_path):
    result = run_build("check", "--output", "site", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "usage: build.py check [-h] [--source SOURCE] [--config CONFIG] [--strict]",
        "build.py check: error: unrecognized arguments: --output site",
    ]


def test_config_problems_are_reported_with_the_plans(tmp_path):
    source = small_site(tmp_path)
    (tmp_path / "site.yml").write_text("title: 3\ncolour: blue\n", encoding="utf-8")
    result = run_build("check", "--source", source, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines()[:2] == [
        "site.yml:1: error: title: expected text, found the number 3",
        "site.yml:2: error: colour: not a known key; expected one of title, description, language,"
        " base_url, focal_points, types",
    ]
    assert "  config             2 errors" in result.stdout


def test_an_empty_folder_is_an_error(tmp_path):
    (tmp_path / "plans").mkdir()
    result = run_build("check", "--source", tmp_path / "plans", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""  # "no problems in 0 plans" would be said to no purpose
    assert result.stderr == f"error: no plans found in {tmp_path / 'plans'}\n"


def snapshot(folder):
    return sorted(
        (path.relative_to(folder).as_posix(), path.stat().st_mtime_ns, path.stat().st_size)
        for path in folder.rglob("*")
    )


def test_check_writes_nothing(tmp_path):
    source = write_plans(tmp_path / "plans", EVERY_KIND)
    (tmp_path / "site.yml").write_text("title: Plans\n", encoding="utf-8")
    before = snapshot(tmp_path)
    run_build("check", "--source", source, cwd=tmp_path)
    run_build("check", cwd=tmp_path)  # the default source, seeds/, is absent here
    assert snapshot(tmp_path) == before
    assert not (tmp_path / "output").exists()


def test_help_describes_the_exit_codes():
    result = run_build("check", "--help", cwd=PROJECT_ROOT)
    assert result.returncode == 0
    assert "Exit 0 when there is no error, 1 when there is one, 2 for bad usage." in " ".join(
        result.stdout.split()
    )


def test_a_yaml_mistake_is_named_with_its_line_by_check_as_by_build(tmp_path):
    source = write_plans(tmp_path / "plans", {"a.md": plan_text("Alpha")})
    (tmp_path / "site.yml").write_text("title: Plans\nlanguage: [fr\n", encoding="utf-8")
    checked = run_build("check", "--source", source, cwd=tmp_path)
    built = run_build("build", "--source", source, cwd=tmp_path)
    assert checked.stdout.startswith(
        "site.yml:2: error: not valid YAML: "
    )  # the line of the "[" never closed
    # The same line, numbered as the build numbers every problem.
    assert f"1. {checked.stdout.splitlines()[0]}" in built.stderr.splitlines()


def test_a_utf16_plan_is_named_so(tmp_path):
    source = write_plans(tmp_path / "plans", {"a.md": plan_text("Alpha")})
    (source / "b.md").write_bytes(plan_text("Beta").encode("utf-16"))
    result = run_build("check", "--source", source, cwd=tmp_path)
    assert (
        "b.md:1: error: not UTF-8 but UTF-16 (its first bytes say so); the document is left out: save it as UTF-8"
        in result.stdout
    )


# How the code names a problem's kind: Problem(..., kind="x"), Problem(..., "warning", "x"),
# report(line, message, "x"), kind, reason = "x", ("x", message, line), _term_problem(..., "x").
_KIND_PATTERNS = (
    r'kind="([a-z0-9-]+)"',
    r'"(?:warning|error)",\s*"([a-z0-9-]+)"',
    r'\breport\([^()]*?"([a-z0-9-]+)"(?:,\s*"(?:warning|error)")?\)',
    r'kind, reason = "([a-z0-9-]+)"',
    r'\(\(?"([a-z0-9-]+)", (?:message|warning)\b',
    r'_term_problem\([^()]*"([a-z0-9-]+)"\)',
)


def test_every_kind_of_problem_is_in_the_readmes_table():
    """A kind of problem the code reports is one a reader can look up."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in (PROJECT_ROOT / "planfolio").glob("*.py"))
    named = {kind for pattern in _KIND_PATTERNS for kind in re.findall(pattern, source)} - {
        "warning",
        "error",
    }
    # The patterns still find the kinds of each way of naming one.
    assert {"not-utf8", "head-text", "sdg", "spelling", "page-name", "unsafe-html", "year"} <= named
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \| (?:warning|error)", readme, re.M))
    assert named == documented, (sorted(named - documented), sorted(documented - named))
