"""Nothing a user has is lost: refused output folders and zips, failed builds, clear messages.

Every case runs the command as a user would, in a subprocess on real folders, and compares
the folders byte for byte before and after.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from planfolio.output import MARKER

from conftest import PROJECT_ROOT, plan_text, run_build, write_plans
from test_build import small_site
from test_output import many_plans
from trees import snapshot

#: What a fresh clone of the project holds that a build reads or might be pointed at.
PROJECT_PARTS = ("build.py", "planfolio", "templates", "assets", "seeds", "site.yml", "pyproject.toml")


def copy_project(folder):
    """Copy the project into folder, as a git repository with one commit, and return it."""
    folder.mkdir()
    for name in PROJECT_PARTS:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, folder / name)
    git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
    subprocess.run([*git, "init", "-q"], cwd=folder, check=True)
    subprocess.run([*git, "add", "."], cwd=folder, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "A project"], cwd=folder, check=True)
    return folder


def run_project(project, *args, cwd):
    """Run a copy of the project's build.py from cwd."""
    command = [sys.executable, "-B", str(project / "build.py"), *map(str, args)]
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    return copy_project(tmp_path_factory.mktemp("clone") / "project")


def one_line(result):
    """Return the single line a refused or failed command printed, checking there is one."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


# The output folder is planfolio's, or it is refused.


def test_a_folder_of_user_files_is_refused_and_kept(tmp_path):
    source = small_site(tmp_path)
    write_plans(tmp_path / "work", {"notes.txt": "mine", "important/thesis.txt": "years of it"})
    before = snapshot(tmp_path)
    result = run_build("build", "--source", source, "--output", "work", cwd=tmp_path)
    assert result.returncode == 2
    assert one_line(result) == (
        f"error: refusing to build into {tmp_path / 'work'}: it holds files planfolio did not make"
        f" (it has no {MARKER}); give a new or empty folder, or add --force to replace everything in it"
    )
    assert snapshot(tmp_path) == before


def test_swapped_source_and_output_never_delete_the_plans_even_with_force(tmp_path):
    source = small_site(tmp_path)
    built = run_build("build", "--source", source, "--output", "site", cwd=tmp_path)
    assert built.returncode == 0, built.stderr
    before = snapshot(tmp_path)
    for force in ((), ("--force",)):
        swapped = run_build("build", "--source", "site", "--output", source, *force, cwd=tmp_path)
        assert swapped.returncode == 2
        assert one_line(swapped) == (
            "error: --source site: a site planfolio built, not a folder of plans"
            " (were --source and --output swapped?)"
        )
        # A folder of plans is never an output to replace, whatever the plans are built from.
        other = write_plans(tmp_path / "other", {"x.md": plan_text("Other")})
        into_plans = run_build("build", "--source", other, "--output", source, *force, cwd=tmp_path)
        assert into_plans.returncode == 2
        assert "markdown files (plans?) that a build would delete" in one_line(into_plans)
        shutil.rmtree(other)
        assert snapshot(tmp_path) == before
    for command in ("check", "serve", "deploy"):
        assert run_build(command, "--source", "site", cwd=tmp_path).returncode == 2


def test_an_empty_path_is_refused_not_taken_for_the_current_folder(tmp_path):
    source = small_site(tmp_path)
    before = snapshot(tmp_path)
    for option in ("--source", "--output", "--zip", "--config"):
        arguments = {"--source": source, "--output": "site", option: ""}
        result = run_build("build", *[part for pair in arguments.items() for part in pair], cwd=tmp_path)
        assert result.returncode == 2
        assert f"argument {option}: empty: name a file or folder" in result.stderr
    assert snapshot(tmp_path) == before


def test_force_replaces_a_folder_of_other_files(tmp_path):
    source = small_site(tmp_path)
    write_plans(tmp_path / "old-site", {"index.html": "an older site"})
    result = run_build("build", "--source", source, "--output", "old-site", "--force", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "old-site" / MARKER).is_file()
    assert b"an older site" not in (tmp_path / "old-site/index.html").read_bytes()


def test_an_empty_folder_and_a_site_planfolio_made_are_accepted(tmp_path):
    source = small_site(tmp_path)
    (tmp_path / "site").mkdir()
    assert run_build("build", "--source", source, "--output", "site", cwd=tmp_path).returncode == 0
    write_plans(source, {"new.md": plan_text("A new plan")})
    assert run_build("build", "--source", source, "--output", "site", cwd=tmp_path).returncode == 0
    assert (tmp_path / "site/plans/a-new-plan.html").is_file()


@pytest.mark.parametrize(
    ("output", "cwd", "reason"),
    [
        (".", ".", "it is the project folder {project}"),
        (".", "seeds", "it is the plans folder {project}/seeds"),
        ("..", "seeds", "it is the project folder {project}"),
        ("..", ".", "it holds the project folder {project}"),
        (".", "assets/js", "it is the current folder {project}/assets/js"),
        ("templates", ".", "it is the theme folder {project}/templates"),
        ("planfolio", ".", "it is the planfolio package {project}/planfolio"),
        # Inside what builds read, a site would be copied into every site built after it.
        ("assets/site", ".", "it is inside the theme folder {project}/assets, which builds read"),
        ("templates/x/site", ".", "it is inside the theme folder {project}/templates, which builds read"),
        ("planfolio/site", ".", "it is inside the planfolio package {project}/planfolio, which builds read"),
        (".git", ".", "it is, is inside or holds a .git folder"),
        (".git/refs", ".", "it is, is inside or holds a .git folder"),
        (
            "seeds/sub",
            ".",
            "it is inside the plans folder {project}/seeds; build beside it instead, as with --output site",
        ),
    ],
)
def test_the_project_its_parts_and_git_are_refused_even_with_force(project, output, cwd, reason):
    # Refused with --force, so refused without it: the other checks come first.
    before = snapshot(project.parent)
    seeds = project / "seeds"
    result = run_project(
        project, "build", "--source", seeds, "--output", output, "--force", cwd=project / cwd
    )
    assert result.returncode == 2, result.stderr
    refused = (project / cwd / output).resolve()
    assert one_line(result) == f"error: refusing to build into {refused}: {reason.format(project=project)}"
    assert snapshot(project.parent) == before


def test_a_folder_holding_a_repository_is_refused_even_with_force(tmp_path):
    source = small_site(tmp_path)
    write_plans(tmp_path / "code/app/.git", {"HEAD": "ref: refs/heads/main\n"})
    before = snapshot(tmp_path)
    result = run_build("build", "--source", source, "--output", "code", "--force", cwd=tmp_path)
    assert result.returncode == 2
    assert one_line(result).endswith("it is, is inside or holds a .git folder")
    assert snapshot(tmp_path) == before


def test_running_from_inside_the_plans_folder_builds_nothing_into_it_and_says_what_to_run(project):
    # The default source (seeds) is missing there, and the default output is inside the plans.
    before = snapshot(project.parent)
    result = run_project(project, cwd=project / "seeds")
    assert result.returncode == 2
    assert one_line(result) == (
        "error: no plans folder given, and there is no seeds folder here (the default); to build"
        " the plans in this folder, run: python build.py build --source . --output ../site"
    )
    result = run_project(project, "--source", ".", cwd=project / "seeds")
    assert result.returncode == 2
    assert one_line(result).endswith(
        f"it is inside the plans folder {project / 'seeds'}; build beside it instead, as with --output ../site"
    )
    assert snapshot(project.parent) == before


def test_no_plans_folder_given_and_none_by_default_says_how_to_give_one(tmp_path):
    for command in ("build", "check", "serve", "deploy"):
        result = run_build(command, cwd=tmp_path)
        assert result.returncode == 2
        assert one_line(result) == (
            "error: no plans folder given, and there is no seeds folder here (the default):"
            f" name the folder of your plans, as in: python build.py {command} --source PLANS"
        )
    # Given, the folder is named as it was given.
    assert (
        one_line(run_build("check", "--source", "seeds", cwd=tmp_path))
        == "error: --source seeds: no such folder"
    )


# A failed build changes nothing.


@pytest.fixture
def built(tmp_path):
    """Return a plans folder and a good site built from it."""
    source = small_site(tmp_path)
    result = run_build("build", "--source", source, "--output", "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return source, tmp_path / "site"


def test_a_wrong_source_after_a_good_build_changes_nothing(tmp_path, built):
    before = snapshot(tmp_path)
    result = run_build("build", "--source", "plnas", "--output", "site", cwd=tmp_path)
    assert result.returncode == 2
    assert one_line(result) == "error: --source plnas: no such folder"
    assert snapshot(tmp_path) == before


def test_an_empty_source_after_a_good_build_changes_nothing(tmp_path, built):
    (tmp_path / "empty").mkdir()
    before = snapshot(tmp_path)
    result = run_build("build", "--source", "empty", "--output", "site", cwd=tmp_path)
    assert result.returncode == 1
    assert one_line(result) == "error: no plans found in empty"
    assert snapshot(tmp_path) == before


def test_a_failing_strict_build_keeps_the_last_site(tmp_path, built):
    source, _ = built
    write_plans(source, {"odd.md": plan_text("Odd", {"colour": "blue", "year": "1800"})})
    before = {name: snapshot(tmp_path / name) for name in ("site", ".planfolio-cache")}
    result = run_build("build", "--source", source, "--output", "site", "--strict", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "2 problems in 3 plans:"
    assert lines[-1] == "Aborted: 1 error and 1 warning in strict mode"
    assert {name: snapshot(tmp_path / name) for name in before} == before
    assert sorted(path.name for path in tmp_path.iterdir()) == [".planfolio-cache", "plans", "site"]


def test_a_failing_strict_first_build_of_many_plans_leaves_no_cache_and_no_site(tmp_path):
    # Many plans: the process that makes their parts writes the parsed plans before the
    # pages are done.
    source = many_plans(tmp_path / "plans", 150)
    write_plans(source, {"odd.md": plan_text("Odd", {"colour": "blue"})})
    before = snapshot(tmp_path)
    result = run_build("build", "--source", source, "--output", "site", "--strict", cwd=tmp_path)
    assert (result.returncode, result.stderr.splitlines()[-1]) == (1, "Aborted: 1 warning in strict mode")
    assert snapshot(tmp_path) == before


def test_the_strict_line_counts_warnings_alone(tmp_path, built):
    source, site = built
    write_plans(source, {"odd.md": plan_text("Odd", {"colour": "blue", "shade": "red"})})
    before = snapshot(site)
    result = run_build("build", "--source", source, "--output", "site", "--strict", cwd=tmp_path)
    assert (result.returncode, result.stderr.splitlines()[-1]) == (1, "Aborted: 2 warnings in strict mode")
    assert snapshot(site) == before


# Names that are not UTF-8 (a folder copied from an old system that wrote Latin-1 names).

CAFE = os.fsdecode(b"caf\xe9.md")  # how Python holds the name: its byte 0xe9 as a lone surrogate
CAFE_SHOWN = "caf\\xe9.md"
CAFE_WARNING = "caf\\xe9.md: warning: file name is not UTF-8 (byte 0xe9 is shown as \\xe9); the plan is read, but rename it"


def test_a_plan_named_in_latin_1_is_built_and_reported_by_build_and_check(tmp_path, built):
    source, site = built
    (source / CAFE).write_text(plan_text("Café"), encoding="utf-8")
    check = run_build("check", "--source", source, cwd=tmp_path)
    assert (check.returncode, check.stdout.splitlines()[0]) == (0, CAFE_WARNING)
    result = run_build("build", "--source", source, "--output", "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == ["1 problem in 3 plans:", f"1. {CAFE_WARNING}"]
    assert sorted(path.name for path in tmp_path.iterdir()) == [".planfolio-cache", "plans", "site"]
    assert "<h1>Café</h1>" in (site / "plans/cafe.html").read_text(encoding="utf-8")
    records = json.loads((site / "plans.json").read_text(encoding="utf-8"))["plans"]
    assert CAFE_SHOWN in [record["source_path"] for record in records]
    before = snapshot(tmp_path)
    again = run_build("build", "--source", source, "--output", "site", "--quiet", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert snapshot(tmp_path) == before


def test_a_plan_named_in_latin_1_builds_into_a_new_folder_and_zip(tmp_path):
    source = write_plans(tmp_path / "plans", {"water.md": plan_text("Water")})
    (source / CAFE).write_text(plan_text("Café"), encoding="utf-8")
    output, zip_path = os.fsdecode(b"sit\xe9"), os.fsdecode(b"sit\xe9.zip")
    command = [sys.executable, str(PROJECT_ROOT / "build.py"), "--source", source, "--output", output]
    # A terminal that takes UTF-8 alone (as a UTF-8 locale's does) is given the byte escaped.
    result = subprocess.run(
        [*command, "--zip", zip_path],
        capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONIOENCODING": "utf-8:strict"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].endswith(" files zipped into sit\\udce9.zip")
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        [".planfolio-cache", "plans", output, zip_path]
    )
    with zipfile.ZipFile(tmp_path / zip_path) as archive:
        assert "sit\\xe9/plans/cafe.html" in archive.namelist()


def test_a_latin_1_name_shown_as_another_files_name_is_left_out_and_reported(tmp_path, built):
    source, site = built
    (source / CAFE).write_text(plan_text("Café"), encoding="utf-8")
    (source / CAFE_SHOWN).write_text(plan_text("Backslash"), encoding="utf-8")
    error = (
        "caf\\xe9.md: error: file name is not UTF-8 (byte 0xe9 is shown as \\xe9), as another file is"
        " named; left out: rename it"
    )
    check = run_build("check", "--source", source, cwd=tmp_path)
    assert (check.returncode, check.stdout.splitlines()[0]) == (1, error)
    result = run_build("build", "--source", source, "--output", "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == ["1 problem in 3 plans:", f"1. {error}"]
    assert (site / "plans/backslash.html").is_file() and not (site / "plans/cafe.html").exists()
    assert sorted(path.name for path in tmp_path.iterdir()) == [".planfolio-cache", "plans", "site"]


def test_a_folder_named_in_latin_1_is_read_and_reported_once(tmp_path, built):
    source, site = built
    write_plans(source / os.fsdecode(b"r\xe9gion"), {"a.md": plan_text("Alpha"), "b.md": plan_text("Beta")})
    result = run_build("build", "--source", source, "--output", "site", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        "1 problem in 4 plans:",
        "1. r\\xe9gion: warning: folder name is not UTF-8 (byte 0xe9 is shown as \\xe9); its plans are read,"
        " but rename it",
    ]
    records = json.loads((site / "plans.json").read_text(encoding="utf-8"))["plans"]
    assert {"r\\xe9gion/a.md", "r\\xe9gion/b.md"} <= {record["source_path"] for record in records}


# --zip writes only a new file or one it made.


def test_zip_onto_a_plan_is_refused_before_building(tmp_path):
    source = small_site(tmp_path)
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    before = snapshot(tmp_path)
    result = run_build("build", "--source", source, "--output", "site", "--zip", "notes.txt", cwd=tmp_path)
    assert result.returncode == 2
    assert one_line(result) == (
        "error: refusing to replace notes.txt: it is not a zip planfolio made; give a new file name"
    )
    # In the plans folder, a plan or a new name alike: the next build would read it.
    for name in ("water.md", "site.zip", "new.md"):
        result = run_build(
            "build", "--source", source, "--output", "site", "--zip", source / name, cwd=tmp_path
        )
        assert result.returncode == 2
        assert one_line(result) == (
            f"error: refusing to write the zip {source / name} inside the plans folder; write it beside it"
        )
    assert snapshot(tmp_path) == before


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs a folder no one may make a file in: /proc")
def test_a_zip_that_cannot_be_written_there_is_found_before_the_site_is_replaced(tmp_path, built):
    source, site = built
    (source / "water.md").write_text(plan_text("Water, changed"), encoding="utf-8")
    before = snapshot(tmp_path)
    result = run_build(
        "build", "--source", source, "--output", "site", "--zip", "/proc/site.zip", cwd=tmp_path
    )
    assert result.returncode == 2
    assert one_line(result).startswith("error: cannot write the zip /proc/site.zip: ")
    assert snapshot(tmp_path) == before


def test_zip_paths_that_lead_nowhere_are_refused_before_building(tmp_path, built):
    source, _ = built
    os.symlink("nowhere", tmp_path / "gone")
    os.symlink("loop-b", tmp_path / "loop-a")
    os.symlink("loop-a", tmp_path / "loop-b")
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    before = snapshot(tmp_path)
    said = {
        (
            "--zip",
            "gone/site.zip",
        ): "error: cannot write the zip gone/site.zip: gone is a symbolic link to nothing",
        (
            "--zip",
            "notes.txt/site.zip",
        ): "error: cannot write the zip notes.txt/site.zip: notes.txt is a file, not a folder",
        ("--zip", "loop-a/site.zip"): "error: --zip loop-a/site.zip: its symbolic links make a loop",
        ("--output", "loop-a/site"): "error: --output loop-a/site: its symbolic links make a loop",
        (
            "--output",
            "notes.txt/site",
        ): "error: cannot build into notes.txt/site: notes.txt is a file, not a folder",
    }
    for (option, path), line in said.items():
        arguments = {"--source": source, "--output": "site", option: path}
        result = run_build("build", *[part for pair in arguments.items() for part in pair], cwd=tmp_path)
        assert (result.returncode, one_line(result)) == (2, line)
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("output", [".planfolio-cache", ".planfolio-cache/site"])
@pytest.mark.parametrize("options", [(), ("--no-cache", "--force")])
def test_the_cache_folder_is_no_output(tmp_path, output, options):
    source = small_site(tmp_path)
    before = snapshot(tmp_path)
    result = run_build("build", "--source", source, "--output", output, *options, cwd=tmp_path)
    assert result.returncode == 2
    assert one_line(result) == (
        f"error: refusing to build into {tmp_path / output}: it is, or is inside, a .planfolio-cache folder,"
        " where planfolio keeps what it reuses between builds; name another folder"
    )
    assert snapshot(tmp_path) == before


def test_a_build_that_fails_leaves_no_folder_made_for_its_zip(tmp_path):
    (tmp_path / "empty").mkdir()
    before = snapshot(tmp_path)
    result = run_build(
        "build", "--source", "empty", "--output", "site", "--zip", "new/sub/site.zip", cwd=tmp_path
    )
    assert result.returncode == 1
    assert snapshot(tmp_path) == before


def test_the_zip_a_killed_build_was_making_is_removed_by_the_next(tmp_path):
    source = small_site(tmp_path)
    (tmp_path / "zips").mkdir()
    left = tmp_path / "zips" / ".planfolio-zip.4194303.x1y2.partial"  # of a process not running
    left.write_bytes(b"half a zip")
    mine = tmp_path / "zips" / ".planfolio-zip.notes.partial"  # no process's: someone's own file
    mine.write_bytes(b"mine")
    result = run_build(
        "build", "--source", source, "--output", "site", "--zip", "zips/site.zip", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in (tmp_path / "zips").iterdir()) == [mine.name, "site.zip"]


def test_a_zip_of_a_long_name_is_written(tmp_path):
    # Its file in the making was named after it, and went past the system's 255 bytes.
    source = small_site(tmp_path)
    name = "z" * 250 + ".zip"
    result = run_build("build", "--source", source, "--output", "site", "--zip", name, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert zipfile.ZipFile(tmp_path / name).namelist()
    assert not list(tmp_path.glob("*.partial"))


def test_zip_onto_a_folder_is_a_usage_error(tmp_path):
    source = small_site(tmp_path)
    (tmp_path / "downloads").mkdir()
    before = snapshot(tmp_path)
    result = run_build("build", "--source", source, "--output", "site", "--zip", "downloads", cwd=tmp_path)
    assert result.returncode == 2
    assert (
        one_line(result)
        == "error: refusing to write the zip downloads: it is a folder; name a file (site.zip)"
    )
    assert snapshot(tmp_path) == before


def test_zip_onto_another_zip_is_refused_and_onto_its_own_replaced(tmp_path):
    source = small_site(tmp_path)
    with zipfile.ZipFile(tmp_path / "photos.zip", "w") as archive:
        archive.writestr("photo.jpg", b"a photo")
    before = snapshot(tmp_path)
    result = run_build("build", "--source", source, "--output", "site", "--zip", "photos.zip", cwd=tmp_path)
    assert result.returncode == 2 and "it is not a zip planfolio made" in one_line(result)
    assert snapshot(tmp_path) == before
    for title in ("First", "Second"):
        write_plans(source, {"water.md": plan_text(title)})
        result = run_build("build", "--source", source, "--output", "site", "--zip", "site.zip", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        with zipfile.ZipFile(tmp_path / "site.zip") as archive:
            assert f"site/plans/{title.lower()}.html" in archive.namelist()


# Messages, not tracebacks, and one convention for exit codes.


def test_a_folder_as_config_is_a_usage_error_for_every_command(tmp_path):
    source = small_site(tmp_path)
    for command in ("build", "check", "serve", "deploy"):
        result = run_build(command, "--source", source, "--config", "plans", cwd=tmp_path)
        assert result.returncode == 2
        assert one_line(result) == "error: --config plans: a folder, not a file"


def test_a_missing_source_is_a_usage_error_for_every_command(tmp_path):
    for command in ("build", "check", "serve", "deploy"):
        result = run_build(command, "--source", "nowhere", cwd=tmp_path)
        assert result.returncode == 2
        assert one_line(result) == "error: --source nowhere: no such folder"


def test_a_port_out_of_range_is_a_usage_error(tmp_path):
    result = run_build("serve", "--source", small_site(tmp_path), "--port", "99999", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[-1].endswith(
        "error: argument --port: '99999' is not a port number from 0 to 65535"
    )


def test_a_template_syntax_error_names_the_template_and_changes_nothing(tmp_path):
    project = copy_project(tmp_path / "project")
    source = small_site(tmp_path)
    assert run_project(project, "build", "--source", source, "--output", "site", cwd=tmp_path).returncode == 0
    page = project / "templates/plan.html"
    lines = page.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "{% if %}")
    page.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = snapshot(tmp_path / "site")
    result = run_project(project, "build", "--source", source, "--output", "site", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.splitlines() == [
        "1 problem in the templates:",
        "1. templates/plan.html:3: error: template syntax: Expected an expression, got 'end of statement block'",
        "error: the templates must be corrected first; nothing was changed",
    ]
    assert snapshot(tmp_path / "site") == before


@pytest.mark.parametrize(
    ("template", "mistake", "message"),
    [
        (
            "plan.html",
            "{{ page.nothing.deeper }}",
            "UndefinedError: 'planfolio.render.PlanPage object' has no",
        ),
        ("plan.html", '{{ 1 + "a" }}', "TypeError: unsupported operand type(s) for +: 'int' and 'str'"),
        (
            "term.html",
            "{{ page.nothing.deeper }}",
            "UndefinedError: 'planfolio.render.TermPage object' has no",
        ),
    ],
)
def test_a_template_that_fails_while_rendering_names_its_line_and_changes_nothing(
    tmp_path, template, mistake, message
):
    """A template that compiles can still fail on a page: a mistake of the site's author,
    reported as a syntax error is, not as a traceback of planfolio's."""
    project = copy_project(tmp_path / "project")
    source = small_site(tmp_path)
    assert run_project(project, "build", "--source", source, "--output", "site", cwd=tmp_path).returncode == 0
    page = project / "templates" / template
    text = page.read_text(encoding="utf-8").replace(
        "{% block content %}\n", "{% block content %}\n" + mistake + "\n", 1
    )
    page.write_text(text, encoding="utf-8")
    line = text.splitlines().index(mistake) + 1
    before = snapshot(tmp_path / "site")
    result = run_project(project, "build", "--source", source, "--output", "site", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    heading, problem, last = result.stderr.splitlines()
    assert heading == "1 problem in the templates:"
    assert problem.startswith(f"1. templates/{template}:{line}: error: ") and message in problem
    assert last == "error: the templates must be corrected first; nothing was changed"
    assert snapshot(tmp_path / "site") == before


def test_ctrl_c_prints_one_line_and_leaves_the_last_site(tmp_path):
    source, output = many_plans(tmp_path / "plans", 200), tmp_path / "site"
    assert run_build("build", "--source", source, "--output", output, cwd=tmp_path).returncode == 0
    write_plans(source, {"zz_new.md": plan_text("A new plan")})
    before = snapshot(tmp_path)
    command = [sys.executable, str(PROJECT_ROOT / "build.py"), "--source", source, "--output", output]
    # Ctrl+C in a terminal interrupts every process of the foreground group.
    process = subprocess.Popen(
        command, cwd=tmp_path, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".site.*-build/plans/*.html")) and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(process.pid, signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130
    assert stderr.splitlines()[-1] == "Interrupted."
    assert "Traceback" not in stderr, stderr
    after = snapshot(tmp_path)
    assert after == before, sorted(set(after) ^ set(before))


def ctrl_c_twice(process):
    """Press Ctrl+C in a terminal, then again: each interrupts every process of the group."""
    os.killpg(process.pid, signal.SIGINT)
    time.sleep(0.005)
    os.killpg(process.pid, signal.SIGINT)


def timeout_sends(stop):
    """Return what `timeout -s STOP` does when the time is up: signal the command, then its group."""

    def send(process):
        os.kill(process.pid, stop)
        os.killpg(process.pid, stop)

    return send


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process groups and their signals")
@pytest.mark.parametrize(
    ("send", "ending"),
    [
        (ctrl_c_twice, (130, "Interrupted.")),
        (timeout_sends(signal.SIGINT), (130, "Interrupted.")),
        (timeout_sends(signal.SIGTERM), (143, "Terminated.")),
    ],
    ids=["ctrl-c-twice", "timeout-int", "timeout-term"],
)
def test_a_build_stopped_while_it_writes_leaves_everything_as_it_was(tmp_path, send, ending):
    source, output = many_plans(tmp_path / "plans", 200), tmp_path / "site"
    assert run_build("build", "--source", source, "--output", output, cwd=tmp_path).returncode == 0
    before = snapshot(tmp_path)
    for number, delay in enumerate((0, 0.02, 0.05, 0.1, 0.2, 0.4)):
        # A new address: every page is made again, with the cache of the last build read.
        address = f"https://example.org/{number}/"
        command = [sys.executable, str(PROJECT_ROOT / "build.py"), "--source", source, "--output", output]
        process = subprocess.Popen(
            [*command, "--base-url", address], cwd=tmp_path, stderr=subprocess.PIPE, text=True,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while not list(tmp_path.glob(".site.*-build/plans/*.html")) and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(delay)
        send(process)
        _, stderr = process.communicate(timeout=120)
        assert "Traceback" not in stderr, stderr
        while group_running(process.pid) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not group_running(process.pid)  # the processes of its pools ended with it
        after = snapshot(tmp_path)
        if process.returncode == 0:  # done before the stop came: the new site, and nothing else
            assert sorted(path.name for path in tmp_path.iterdir()) == [".planfolio-cache", "plans", "site"]
            before = after
            continue
        assert (process.returncode, stderr.splitlines()[-1]) == ending
        assert after == before, (delay, sorted(set(after) ^ set(before))[:5])


def group_running(group):
    """Return whether a process of a process group is still running."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def test_an_output_path_through_a_missing_folder_names_the_folder_it_ends_at(tmp_path, built):
    source, site = built
    before = snapshot(site)
    result = run_build("build", "--source", source, "--output", "site/missing/..", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert snapshot(site) == before  # the same site, rebuilt where it was, and nothing else in it
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([".planfolio-cache", source.name, "site"])


def test_a_file_where_the_cache_folder_goes_is_refused_and_kept(tmp_path, built):
    shutil.rmtree(tmp_path / ".planfolio-cache")
    (tmp_path / ".planfolio-cache").write_text("my notes\n")
    source, _ = built
    before = snapshot(tmp_path)
    result = run_build("build", "--source", source, "--output", "site", cwd=tmp_path)
    assert result.returncode == 2
    assert one_line(result).endswith(
        "is a file, not the cache folder planfolio keeps beside the output: move it, or build with --no-cache"
    )
    assert snapshot(tmp_path) == before
    assert (
        run_build("build", "--source", source, "--output", "site", "--no-cache", cwd=tmp_path).returncode == 0
    )


def test_an_output_below_a_file_is_one_line_and_changes_nothing(tmp_path, built):
    source, _ = built
    (tmp_path / "notes.txt").write_text("mine\n")
    before = snapshot(tmp_path)
    result = run_build("build", "--source", source, "--output", "notes.txt/site", cwd=tmp_path)
    assert result.returncode in (1, 2)
    assert one_line(result).startswith("error: ") and "Traceback" not in result.stderr
    assert snapshot(tmp_path) == before


def test_a_config_that_is_not_a_file_says_so(tmp_path, built):
    source, _ = built
    result = run_build("build", "--source", source, "--config", os.devnull, cwd=tmp_path)
    assert result.returncode == 2
    assert one_line(result) == f"error: --config {os.devnull}: not a file that can be read as text"


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="a process learns of its parent's end on Linux"
)
def test_a_build_killed_mid_way_leaves_no_process_behind_nor_a_traceback(tmp_path):
    source, output = many_plans(tmp_path / "plans", 400), tmp_path / "site"
    command = [sys.executable, str(PROJECT_ROOT / "build.py"), "--source", source, "--output", output]
    process = subprocess.Popen(
        command, cwd=tmp_path, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".site.*-build/plans/*.html")) and time.monotonic() < deadline:
        time.sleep(0.01)
    workers = [int(pid) for pid in children.read_text().split()]
    assert workers  # the pool that renders the pages
    process.kill()  # as the system does when it runs out of memory: no clean-up at all
    _, stderr = process.communicate(timeout=120)
    while any(map(running, workers)) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not any(map(running, workers))
    assert "Traceback" not in stderr, stderr


def running(pid):
    """Return whether a process runs: it exists and has not ended (a zombie waits to be reaped)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False
