"""Random sequences of builds, failures and edits never lose a user's file or change a site
when they fail."""

import contextlib
import io
import itertools
import os
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planfolio.cli import main
from planfolio.output import MARKER

from conftest import plan_text, write_plans
from trees import snapshot

USER_FILES = {"notes.txt": "mine", "user/thesis.txt": "years of work", "user/photos/a.jpg": "a photo"}
BAD_PLAN = plan_text("Odd", {"colour": "blue"})  # one warning: fails only --strict


def _build(*options):
    return ["build", "--source", "plans", "--output", "site", "--quiet", *options]


#: Each step: the command line it runs (None: an edit), and the exit code expected given
#: whether the plans hold a problem.
COMMANDS = {
    "build": lambda bad: (_build(), 0),
    "build with zip": lambda bad: (_build("--zip", "site.zip"), 0),
    "strict build": lambda bad: (_build("--strict"), 1 if bad else 0),
    "wrong source": lambda bad: (["build", "--source", "plnas", "--output", "site"], 2),
    "empty source": lambda bad: (["build", "--source", "empty", "--output", "site"], 1),
    "refused output": lambda bad: (["build", "--source", "plans", "--output", "user"], 2),
    "forced into the plans": lambda bad: (_build("--output", "plans/site", "--force"), 2),
    "zip onto a user file": lambda bad: (_build("--zip", "notes.txt"), 2),
    "zip onto a plan": lambda bad: (_build("--zip", "plans/a.md"), 2),
}
EDITS = ("retitle a plan", "add a bad plan", "remove the bad plan")
workspaces = itertools.count()


def run(argv):
    """Run the command line in this process, quietly; return its exit code."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(argv)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(sorted(COMMANDS) + list(EDITS)), min_size=1, max_size=7))
def test_no_user_file_is_lost_and_a_failure_changes_nothing(tmp_path, steps):
    workspace = tmp_path / str(next(workspaces))
    write_plans(workspace, USER_FILES)
    plans = {"a.md": plan_text("Alpha"), "b.md": plan_text("Beta", {"country": "Chile"})}
    write_plans(workspace / "plans", plans)
    (workspace / "empty").mkdir()
    here = os.getcwd()
    os.chdir(workspace)
    try:
        for number, step in enumerate(steps):
            if step in EDITS:
                _edit(workspace / "plans", plans, step, number)
                continue
            argv, expected = COMMANDS[step]("odd.md" in plans)
            before = snapshot(workspace)
            assert (step, run(argv)) == (step, expected)
            if expected != 0:
                assert snapshot(workspace) == before, step
            else:
                assert (workspace / "site" / MARKER).is_file()
            _assert_kept(workspace, plans)
    finally:
        os.chdir(here)


def _edit(folder, plans, step, number):
    """Change the plans as a writer would, keeping `plans` the same as the folder."""
    if step == "retitle a plan":
        plans["a.md"] = plan_text(f"Alpha {number}")
    elif step == "add a bad plan":
        plans["odd.md"] = BAD_PLAN
    elif "odd.md" in plans:
        del plans["odd.md"]
        (folder / "odd.md").unlink()
    write_plans(folder, plans)


def _assert_kept(workspace, plans):
    """Check that every file of the user and every plan is there, with its bytes."""
    for name, text in USER_FILES.items():
        assert (workspace / name).read_text() == text
    found = {path.name: path.read_text() for path in (workspace / "plans").iterdir()}
    assert found == plans
    if (workspace / "site.zip").exists():
        with zipfile.ZipFile(workspace / "site.zip") as archive:
            assert archive.testzip() is None
