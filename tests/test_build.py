from conftest import PROJECT_ROOT, plan_text, run_build, write_plans
from sitecheck import broken_links, foreign_scripts, read_page

__all__ = ["run_build", "small_site"]  # other test modules take these from here


def small_site(tmp_path):
    return write_plans(
        tmp_path / "plans",
        {
            "water.md": plan_text(
                "Water for all", {"country": "Kenya", "year": "2023", "methods": ["Co-creation"]}
            ),
            "air.md": plan_text(
                "Clean air",
                {
                    "country": "Côte d'Ivoire",
                    "year": "2021",
                    "methods": ["Co-creation", "Data & analytics"],
                    "focal_point": "private.person@example.org",
                },
            ),
        },
    )


def test_build_writes_every_kind_of_page(tmp_path):
    source, output = small_site(tmp_path), tmp_path / "site"
    result = run_build("build", "--source", source, "--output", output, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("2 plans read, ")
    for page in [
        "index.html",
        "search.html",
        "plans/water-for-all.html",
        "plans/clean-air.html",
        "countries/index.html",
        "countries/by-count.html",
        "countries/kenya.html",
        "countries/cote-divoire.html",
        "methods/index.html",
        "methods/co-creation.html",
        "methods/data-and-analytics.html",
        "years/2021.html",
    ]:
        assert (output / page).is_file(), page
    assert read_page(output / "plans/clean-air.html").h1 == ["Clean air"]
    assert broken_links(output) == []
    assert foreign_scripts(output) == []


def test_term_page_links_its_plans(tmp_path):
    output = tmp_path / "site"
    run_build("build", "--source", small_site(tmp_path), "--output", output, cwd=tmp_path)
    links = read_page(output / "methods/co-creation.html").links
    assert "../plans/water-for-all.html" in links and "../plans/clean-air.html" in links
    assert "../plans/water-for-all.html" not in read_page(output / "methods/data-and-analytics.html").links


def test_focal_points_are_not_published_by_default(tmp_path):
    output = tmp_path / "site"
    run_build("build", "--source", small_site(tmp_path), "--output", output, cwd=tmp_path)
    for page in output.rglob("*.html"):
        assert "private.person" not in page.read_text(encoding="utf-8")


def test_bad_files_are_reported_and_the_rest_is_built(tmp_path):
    source = small_site(tmp_path)
    write_plans(source, {"broken.md": b"# Bad\n[[country:C\xf4te]]\n", "empty.md": ""})
    result = run_build("build", "--source", source, "--output", tmp_path / "site", cwd=tmp_path)
    assert result.returncode == 0
    assert "broken.md:2: error: not UTF-8: byte 0xf4 in column 12 cannot be decoded" in result.stderr
    assert "empty.md:1: error: empty file: expected a '# Title' line" in result.stderr
    assert "2 problems in 2 plans:" in result.stderr
    assert (tmp_path / "site/plans/water-for-all.html").is_file()


def test_strict_fails_on_any_problem(tmp_path):
    source = small_site(tmp_path)
    write_plans(source, {"odd.md": plan_text("Odd", {"colour": "blue"})})
    result = run_build("build", "--source", source, "--output", tmp_path / "site", "--strict", cwd=tmp_path)
    assert result.returncode == 1
    assert "odd.md:3: warning: unknown metadata key 'colour'" in result.stderr


def test_refuses_an_output_that_holds_the_plans(tmp_path):
    source = small_site(tmp_path)
    result = run_build("build", "--source", source, "--output", tmp_path, cwd=source)
    assert result.returncode == 2
    assert f"refusing to build into {tmp_path.resolve()}: it holds the plans folder" in result.stderr
    assert not (tmp_path / "index.html").exists()


def test_refuses_the_project_folder(tmp_path):
    result = run_build("build", "--source", small_site(tmp_path), "--output", PROJECT_ROOT, cwd=tmp_path)
    assert result.returncode == 2 and "refusing to build into" in result.stderr


def test_no_plans_is_an_error(tmp_path):
    (tmp_path / "plans").mkdir()
    result = run_build("build", "--source", tmp_path / "plans", "--output", tmp_path / "site", cwd=tmp_path)
    assert result.returncode == 1
    assert f"error: no plans found in {tmp_path / 'plans'}" in result.stderr


def test_nothing_is_written_beside_the_output(tmp_path):
    source = small_site(tmp_path)
    before = sorted(p for p in tmp_path.rglob("*"))
    run_build("build", "--source", source, "--output", tmp_path / "site", cwd=tmp_path)
    written = {p.relative_to(tmp_path).parts[0] for p in tmp_path.rglob("*") if p not in before}
    assert written == {"site", ".planfolio-cache"}


def test_default_command_builds_seeds_into_output(tmp_path):
    write_plans(tmp_path / "seeds", {"a.md": plan_text("Alpha")})
    result = run_build(cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "output/plans/alpha.html").is_file()


def test_help_on_every_command():
    for args in (["--help"], ["build", "--help"], ["deploy", "--help"]):
        result = run_build(*args, cwd=PROJECT_ROOT)
        assert result.returncode == 0 and "usage: build.py" in result.stdout


def test_the_summary_counts_in_the_singular_when_there_is_one(tmp_path):
    answer = "## Challenge statement\n\n> What is your challenge?\n\nRead [the brief](brief.pdf).\n"
    source = write_plans(tmp_path / "plans", {"one.md": plan_text("One", {"country": "Chad"}, answer)})
    result = run_build("build", "--source", source, "--output", tmp_path / "site", cwd=tmp_path)
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("1 plan read, ") and ", 1 problem (0 errors), " in summary
    assert "1 problem in 1 plan:" in result.stderr
