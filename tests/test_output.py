"""Writing the site: every write stays in the output, and a site is swapped in whole."""

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from planfolio.output import (
    MARKER,
    MARKER_TEXT,
    OutputError,
    check_output_folder,
    copy_tree,
    remove_build_folder,
    staging_folder,
    swap_in,
    write_file,
)

from conftest import PROJECT_ROOT, plan_text, write_plans
from test_build import run_build, small_site
from trees import snapshot


def tree(folder):
    """Return every file below a folder by relative path, with a hash of its bytes."""
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.mark.parametrize("relative", ["../x.html", "a/../../x.html", "/etc/x.html", "", "."])
def test_write_file_refuses_paths_that_leave_the_output(tmp_path, relative):
    root = tmp_path / "site"
    root.mkdir()
    with pytest.raises(OutputError, match="outside the output folder"):
        write_file(root, relative, b"x")
    assert list(tmp_path.rglob("x.html")) == []


def test_write_file_refuses_a_symlinked_folder_inside_the_output(tmp_path):
    root, elsewhere = tmp_path / "site", tmp_path / "elsewhere"
    root.mkdir(), elsewhere.mkdir()
    (root / "plans").symlink_to(elsewhere)
    with pytest.raises(OutputError):
        write_file(root, "plans/x.html", b"x")
    assert list(elsewhere.iterdir()) == []


def refusal(output, source, project):
    source.mkdir(parents=True, exist_ok=True)
    with pytest.raises(OutputError) as error:
        check_output_folder(output, source, project)
    return str(error.value)


def test_refuses_the_plans_folder_and_the_folders_holding_it(tmp_path):
    source, project = tmp_path / "data/plans", tmp_path / "project"
    for output in (tmp_path / "data", source / ".."):
        message = refusal(output, source, project)
        assert message == f"refusing to build into {output.resolve()}: it holds the plans folder {source}"
    message = refusal(tmp_path, source, project)  # the project is named first
    assert message == f"refusing to build into {tmp_path}: it holds the project folder {project}"
    message = refusal(source, source, project)
    assert message == f"refusing to build into {source}: it is the plans folder {source}"


def test_refuses_the_project_home_and_root(tmp_path):
    source, project = tmp_path / "data/plans", tmp_path / "project"
    for output, name in ((project, "project"), (Path.home(), "home"), (Path("/"), "root")):
        message = refusal(output, source, project)
        assert (
            message
            == f"refusing to build into {output.resolve()}: it is the {name} folder {output.resolve()}"
        )


def test_refuses_a_file_and_a_symbolic_link(tmp_path):
    source, project = tmp_path / "data/plans", tmp_path / "project"
    (tmp_path / "file").write_text("x")
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert refusal(tmp_path / "file", source, project).endswith("it is a file, not a folder")
    message = refusal(tmp_path / "link", source, project)
    assert message.endswith("it is a symbolic link; give the folder it names")


def test_accepts_a_folder_beside_the_plans(tmp_path):
    (tmp_path / "plans").mkdir()
    check_output_folder(tmp_path / "site", tmp_path / "plans", tmp_path / "project")


def test_the_command_line_refuses_home(tmp_path):
    home = tmp_path / "home"
    source = small_site(tmp_path)
    command = [sys.executable, str(PROJECT_ROOT / "build.py"), "build", "--source", str(source)]
    result = subprocess.run(
        [*command, "--output", str(home)],
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": str(home)},
    )
    assert result.returncode == 2
    assert f"refusing to build into {home.resolve()}: it is the home folder {home.resolve()}" in result.stderr
    assert not home.exists()


def test_staging_is_beside_the_output_and_swapped_in(tmp_path):
    output = tmp_path / "site"
    write_plans(output, {"old.html": "old"})
    staging = staging_folder(output)
    assert staging == tmp_path / f".site.{os.getpid()}-build"
    assert [path.name for path in staging.iterdir()] == [MARKER]  # a build's own, from the start
    write_file(staging, "new.html", b"new")
    swap_in(staging, output)
    assert tree(output) == {
        "new.html": hashlib.sha256(b"new").hexdigest(),
        MARKER: hashlib.sha256(MARKER_TEXT).hexdigest(),
    }
    assert sorted(path.name for path in tmp_path.iterdir()) == ["site"]


def test_leftovers_of_killed_builds_are_removed(tmp_path):
    output = tmp_path / "site"
    write_plans(output, {"index.html": "good"})
    dead = 2**22 + 1  # above the largest process id Linux gives
    mark = {MARKER: MARKER_TEXT.decode()}  # what a build puts in its folders as it makes them
    write_plans(tmp_path / f".site.{dead}-build", {"half.html": "half", **mark})
    write_plans(tmp_path / f".site.{dead + 1}-old-build", {"index.html": "older", **mark})
    write_plans(tmp_path / ".other.1-build", {"keep.html": "not this output's", **mark})
    (tmp_path / f".site.{dead + 2}-build").mkdir()  # empty: killed as it was made
    write_plans(tmp_path / f".site.{dead + 3}-build", {"thesis.txt": "someone's, by that name"})
    before = snapshot(tmp_path / f".site.{dead + 3}-build")
    staging = staging_folder(output)
    names = [".other.1-build", f".site.{dead + 3}-build", staging.name, "site"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
    assert snapshot(tmp_path / f".site.{dead + 3}-build") == before
    assert (output / "index.html").read_text() == "good"


def test_a_swap_killed_halfway_is_undone_by_the_next_build(tmp_path):
    # Killed between the two renames: the last good site is aside, the new one is staged.
    output, dead = tmp_path / "site", 2**22 + 1
    write_plans(tmp_path / f".site.{dead}-old-build", {"index.html": "good", MARKER: MARKER_TEXT.decode()})
    write_plans(
        tmp_path / f".site.{dead}-build",
        {"index.html": "new but never swapped in", MARKER: MARKER_TEXT.decode()},
    )
    staging_folder(output)
    assert (output / "index.html").read_text() == "good"
    assert not (tmp_path / f".site.{dead}-old-build").exists()


def test_a_folder_named_as_a_site_moved_aside_but_not_one_is_left_as_it_is(tmp_path):
    # Only a site a build made is put back in place of a missing output, to be replaced:
    # a folder of that name without a build's mark is someone's.
    output, dead = tmp_path / "site", 2**22 + 1
    aside = tmp_path / f".site.{dead}-old-build"
    write_plans(aside, {"my-notes.txt": "precious"})
    before = snapshot(aside)
    staging_folder(output)
    assert snapshot(aside) == before
    assert not output.exists()


def test_a_removal_stopped_half_way_leaves_a_folder_the_next_build_removes(tmp_path, monkeypatch):
    import shutil

    from planfolio import output as writing

    output = tmp_path / "site"
    staging = staging_folder(output)
    for folder in ("countries", "methods", "plans"):
        write_file(staging, f"{folder}/page.html", b"page")
    removing, removed = shutil.rmtree, []

    def stopped_after_one(path, ignore_errors=False):
        if removed:
            raise KeyboardInterrupt  # a second Ctrl+C, or a kill
        removed.append(path)
        removing(path, ignore_errors=ignore_errors)

    monkeypatch.setattr(writing.shutil, "rmtree", stopped_after_one)
    with pytest.raises(KeyboardInterrupt):
        remove_build_folder(staging)
    monkeypatch.undo()
    assert (staging / MARKER).is_file()  # taken last
    assert staging_folder(output) == staging  # (this process's own folder counts as a dead build's)
    assert [path.name for path in staging.iterdir()] == [MARKER]


def test_the_folder_of_a_build_still_running_is_left_alone(tmp_path):
    output = tmp_path / "site"
    running = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        write_plans(tmp_path / f".site.{running.pid}-build", {"half.html": "half"})
        staging_folder(output)
        assert (tmp_path / f".site.{running.pid}-build/half.html").is_file()
    finally:
        running.kill()
        running.wait()


def test_a_failed_build_leaves_the_previous_site_and_no_staging(tmp_path, monkeypatch):
    from planfolio import pipeline
    from planfolio.config import Config

    source, output = small_site(tmp_path), tmp_path / "site"
    pipeline.build(source, output, Config())
    before = tree(output)
    written = []

    def write_then_fail(root, relative, data, folders=None):
        if len(written) == 5:
            raise OSError("disk full")
        written.append(relative)
        return write_file(root, relative, data, folders)

    monkeypatch.setattr(pipeline, "write_file", write_then_fail)
    write_plans(source, {"new.md": plan_text("New")})
    with pytest.raises((OSError, RuntimeError), match="disk full"):  # raised in a worker or here
        pipeline.build(source, output, Config())
    assert tree(output) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["plans", "site"]


def test_a_build_that_cannot_start_a_process_leaves_the_site_the_cache_and_no_staging(tmp_path, monkeypatch):
    from planfolio import parallel, pipeline
    from planfolio.cache import cache_folder
    from planfolio.config import Config

    source, output = small_site(tmp_path), tmp_path / "site"
    pipeline.build(source, output, Config(), cache_folder(output))
    write_plans(source, {"new.md": plan_text("New")})
    before = snapshot(tmp_path)

    def no_process(*args):
        raise OSError(11, "Resource temporarily unavailable")  # as fork says when the system has too many

    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    monkeypatch.setattr(parallel, "WORTH_A_PROCESS", 0)  # even so few pages are shared out
    monkeypatch.setattr(parallel._Process, "__init__", no_process)
    with pytest.raises(OSError, match="Resource temporarily unavailable"):
        pipeline.build(source, output, Config(), cache_folder(output))
    assert snapshot(tmp_path) == before


def many_plans(folder, count):
    """Write plans that make many pages: each has methods and data sources no other has."""
    plans = {}
    for number in range(count):
        meta = {
            "country": "Kenya",
            "year": str(2000 + number % 30),
            "methods": [f"Method {number} {letter}" for letter in "abcd"],
            "datasources": [f"Source {number} {letter}" for letter in "abcd"],
        }
        plans[f"plan_{number:05}.md"] = plan_text(f"Plan number {number}", meta)
    return write_plans(folder, plans)


def test_a_build_killed_while_it_writes_leaves_the_previous_site(tmp_path):
    source, output = many_plans(tmp_path / "plans", 500), tmp_path / "site"
    assert run_build("build", "--source", source, "--output", output, cwd=tmp_path).returncode == 0
    before = tree(output)
    write_plans(source, {"zz_new.md": plan_text("A new plan")})
    command = [
        sys.executable,
        str(PROJECT_ROOT / "build.py"),
        "build",
        "--source",
        source,
        "--output",
        output,
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    staging = tmp_path / f".site.{process.pid}-build"
    deadline = time.monotonic() + 300
    while not (staging.is_dir() and any(staging.iterdir())):
        assert process.poll() is None, "the build ended before it was seen writing"
        assert time.monotonic() < deadline, "the build did not start writing"
        time.sleep(0.001)
    process.kill()
    assert process.wait() == -9
    assert staging.is_dir()  # half written, and left behind
    assert tree(output) == before
    assert run_build("build", "--source", source, "--output", output, cwd=tmp_path).returncode == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == [".planfolio-cache", "plans", "site"]
    assert "plans/a-new-plan.html" in tree(output)


def test_write_file_never_follows_a_link_where_the_file_goes(tmp_path):
    root, elsewhere = tmp_path / "site", tmp_path / "elsewhere.html"
    (root / "plans").mkdir(parents=True)
    elsewhere.write_bytes(b"kept")
    (root / "plans/x.html").symlink_to(elsewhere)
    folders: set = set()
    write_file(root, "plans/y.html", b"y", folders)
    with pytest.raises(OutputError):
        write_file(root, "plans/x.html", b"x", folders)
    assert elsewhere.read_bytes() == b"kept" and (root / "plans/y.html").read_bytes() == b"y"


def test_write_file_checks_each_new_folder_once_and_still_refuses_leaving(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    folders: set = set()
    write_file(root, "a/b/one.html", b"1", folders)
    write_file(root, "a/b/two.html", b"2", folders)
    assert folders == {root / "a/b"}
    with pytest.raises(OutputError, match="outside the output folder"):
        write_file(root, "a/b/../../../x.html", b"x", folders)
    assert not (tmp_path / "x.html").exists()


def test_the_theme_is_copied_without_an_editors_files(tmp_path):
    theme = tmp_path / "assets"
    names = [
        "style.css",
        "js/search.js",
        ".style.css.swp",
        "style.css~",
        "#style.css#",
        "js/4913",
        "js/.#search.js",
    ]
    for name in names:
        (theme / name).parent.mkdir(parents=True, exist_ok=True)
        (theme / name).write_text(name, encoding="utf-8")
    assert copy_tree(theme, tmp_path / "site", "assets") == ["assets/js/search.js", "assets/style.css"]
    assert sorted(
        p.relative_to(tmp_path / "site").as_posix() for p in (tmp_path / "site").rglob("*") if p.is_file()
    ) == [
        "assets/js/search.js",
        "assets/style.css",
    ]


def test_a_build_folder_whose_file_would_not_go_keeps_its_mark_for_the_next_build(tmp_path, monkeypatch):
    from planfolio import output as output_module
    from planfolio.output import MARKER, MARKER_TEXT, remove_build_folder

    folder = tmp_path / ".site.1-old-build"
    folder.mkdir()
    (folder / MARKER).write_bytes(MARKER_TEXT)
    (folder / "kept.csv").write_text("a file the system will not let go", encoding="utf-8")
    (folder / "other.html").write_text("x", encoding="utf-8")
    unlink = os.unlink

    def refuse(path, *args, **kwargs):
        if str(path).endswith("kept.csv"):
            raise PermissionError(1, "Operation not permitted", str(path))
        return unlink(path, *args, **kwargs)

    monkeypatch.setattr(output_module.os, "unlink", refuse)
    remove_build_folder(folder)
    assert sorted(path.name for path in folder.iterdir()) == [MARKER, "kept.csv"]
    monkeypatch.setattr(output_module.os, "unlink", unlink)
    remove_build_folder(folder)  # as the next build does with what it finds beside the output
    assert not folder.exists()
