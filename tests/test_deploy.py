"""`build.py deploy` against a local bare repository, with real git."""

import os
import shutil
import subprocess
import sys

import pytest

from conftest import PROJECT_ROOT, plan_text, write_plans

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture
def git_env(tmp_path):
    """Return an environment where git reads no user or system config and knows who commits."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    env.update(
        HOME=str(tmp_path),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CEILING_DIRECTORIES=str(tmp_path),
        GIT_AUTHOR_NAME="Lab Member",
        GIT_AUTHOR_EMAIL="lab@example.org",
        GIT_COMMITTER_NAME="Lab Member",
        GIT_COMMITTER_EMAIL="lab@example.org",
    )
    return env


def git(env, cwd, *args):
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def deploy(env, cwd, *args):
    command = [sys.executable, str(PROJECT_ROOT / "build.py"), "deploy", *map(str, args)]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)


@pytest.fixture
def project(tmp_path, git_env):
    """Return a clone with a commit on main, whose origin is a bare repository."""
    git(git_env, tmp_path, "init", "--quiet", "--bare", "remote.git")
    work = tmp_path / "work"
    git(git_env, tmp_path, "init", "--quiet", "--initial-branch=main", str(work))
    (work / "README.md").write_text("Our plans\n", encoding="utf-8")
    (work / "notes.txt").write_text("not committed yet\n", encoding="utf-8")
    git(git_env, work, "add", "README.md")
    git(git_env, work, "commit", "--quiet", "-m", "Start")
    git(git_env, work, "remote", "add", "origin", str(tmp_path / "remote.git"))
    git(git_env, work, "push", "--quiet", "origin", "main")
    write_plans(tmp_path / "plans", {"a.md": plan_text("Alpha"), "b.md": plan_text("Beta")})
    return work


def branch_files(env, remote, branch="gh-pages"):
    """Return each file of a branch with its blob id."""
    listing = git(env, remote, "ls-tree", "-r", "--full-tree", branch)
    return {line.split("\t")[1]: line.split()[2] for line in listing.splitlines()}


def folder_files(env, folder):
    paths = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    blobs = git(env, folder, "hash-object", "--no-filters", *paths).split()
    return dict(zip(paths, blobs, strict=True))


def state_of(env, work):
    """Return what a deploy must not change: HEAD, branches, index and working tree."""
    return (
        git(env, work, "symbolic-ref", "HEAD"),
        git(env, work, "rev-parse", "HEAD"),
        git(env, work, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads"),
        git(env, work, "status", "--porcelain", "--untracked-files=all"),
        sorted(str(p.relative_to(work)) for p in work.rglob("*") if ".git" not in p.parts),
    )


def test_deploy_publishes_exactly_the_site_and_keeps_cname(tmp_path, git_env, project):
    remote, site = tmp_path / "remote.git", tmp_path / "site"
    before = state_of(git_env, project)
    result = deploy(git_env, project, "--source", tmp_path / "plans", "--output", site)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].startswith("published ")
    assert branch_files(git_env, remote) == folder_files(git_env, site)
    assert ".nojekyll" in branch_files(git_env, remote)
    first = git(git_env, remote, "rev-parse", "gh-pages")
    assert git(git_env, remote, "log", "-1", "--format=%s", "gh-pages").startswith(
        "Publish the site built from "
    )

    # GitHub adds CNAME to the branch when a custom domain is set.
    other = tmp_path / "other"
    git(git_env, tmp_path, "clone", "--quiet", "--branch", "gh-pages", str(remote), str(other))
    (other / "CNAME").write_text("plans.example.org\n", encoding="utf-8")
    git(git_env, other, "add", "CNAME")
    git(git_env, other, "commit", "--quiet", "-m", "Set the custom domain")
    git(git_env, other, "push", "--quiet", "origin", "gh-pages")
    with_cname = git(git_env, remote, "rev-parse", "gh-pages")

    write_plans(tmp_path / "plans", {"c.md": plan_text("Gamma")})
    result = deploy(git_env, project, "--source", tmp_path / "plans", "--output", site)
    assert result.returncode == 0, result.stderr
    assert "(kept CNAME)" in result.stdout
    assert git(git_env, remote, "rev-parse", "gh-pages^") == with_cname
    assert git(git_env, remote, "rev-list", "--count", "gh-pages") == "3"
    assert git(git_env, remote, "rev-list", "--count", f"{first}..gh-pages") == "2"
    expected = folder_files(git_env, site)
    expected["CNAME"] = git(git_env, remote, "rev-parse", f"{with_cname}:CNAME")
    assert branch_files(git_env, remote) == expected
    assert "plans/gamma.html" in expected

    assert state_of(git_env, project) == before
    assert git(git_env, remote, "rev-parse", "main") == git(git_env, project, "rev-parse", "HEAD")


def test_deploy_to_another_remote_and_branch(tmp_path, git_env, project):
    git(git_env, tmp_path, "init", "--quiet", "--bare", "mirror.git")
    git(git_env, project, "remote", "add", "mirror", str(tmp_path / "mirror.git"))
    result = deploy(
        git_env, project, "--source", tmp_path / "plans", "--output", tmp_path / "site",
        "--remote", "mirror", "--branch", "site", "--message", "Publish the plans",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert git(git_env, tmp_path / "mirror.git", "log", "--format=%s", "site") == "Publish the plans"
    assert git(git_env, tmp_path / "remote.git", "branch", "--list", "gh-pages") == ""


def test_deploy_outside_a_repository_is_refused_before_building(tmp_path, git_env):
    folder = tmp_path / "plain"
    write_plans(folder / "plans", {"a.md": plan_text("Alpha")})
    result = deploy(git_env, folder, "--source", "plans", "--output", "site")
    assert result.returncode == 1
    assert result.stderr == (
        f"error: {folder} is not in a git repository: deploy publishes to a branch of the"
        " repository it runs in (run it from your project's folder)\n"
    )
    assert not (folder / "site").exists()


def test_a_rejected_push_is_reported(tmp_path, git_env, project):
    hook = tmp_path / "remote.git/hooks/pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes are closed today' >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    result = deploy(git_env, project, "--source", tmp_path / "plans", "--output", tmp_path / "site")
    assert result.returncode == 1
    assert result.stderr.startswith("error: the remote 'origin' rejected the push to gh-pages: ")
    assert "pushes are closed today" in result.stderr
    assert git(git_env, tmp_path / "remote.git", "branch", "--list", "gh-pages") == ""


def test_a_missing_remote_is_reported(tmp_path, git_env, project):
    result = deploy(
        git_env,
        project,
        "--source",
        tmp_path / "plans",
        "--output",
        tmp_path / "site",
        "--remote",
        "upstream",
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot read the remote 'upstream': ")
    assert result.stdout == ""  # said before building, which takes a while
    assert not (tmp_path / "site").exists()


def test_a_bad_branch_name_is_refused(tmp_path, git_env, project):
    result = deploy(
        git_env, project, "--source", tmp_path / "plans", "--output", tmp_path / "site", "--branch", "a..b"
    )
    assert result.returncode == 1
    assert result.stderr == "error: expected a branch name such as gh-pages, found 'a..b'\n"
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("branch", ["main", "feature"])
def test_a_branch_that_holds_the_project_is_refused_and_left_as_it_was(tmp_path, git_env, project, branch):
    if branch == "feature":  # checked out: main is behind it, and holds the project too
        git(git_env, project, "switch", "--quiet", "-c", "feature")
    remote = tmp_path / "remote.git"
    tip = git(git_env, remote, "rev-parse", "main")
    before = state_of(git_env, project)
    result = deploy(
        git_env, project, "--source", tmp_path / "plans", "--output", tmp_path / "site", "--branch", "main"
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: main ") and "such as gh-pages" in result.stderr
    assert git(git_env, remote, "rev-parse", "main") == tip
    assert branch_files(git_env, remote, "main") == {
        "README.md": git(git_env, project, "rev-parse", "main:README.md")
    }
    assert state_of(git_env, project) == before


def test_the_site_branch_checked_out_is_refused_with_what_to_do(tmp_path, git_env, project):
    git(git_env, project, "switch", "--quiet", "-c", "gh-pages")
    result = deploy(git_env, project, "--source", tmp_path / "plans", "--output", tmp_path / "site")
    assert result.returncode == 1
    assert result.stderr == (
        "error: gh-pages is the branch checked out here: publishing the site to it would replace the files"
        " checked out with the site's; switch to the project's branch, or publish to another branch\n"
    )


@pytest.mark.parametrize("checked_out", ["a branch that forked from it", "an older commit, detached"])
def test_a_branch_of_the_projects_history_ahead_of_the_checkout_is_refused(
    tmp_path, git_env, project, checked_out
):
    start = git(git_env, project, "rev-parse", "HEAD")
    git(git_env, project, "switch", "--quiet", "-c", "feature")
    (project / "feature.txt").write_text("a feature\n", encoding="utf-8")
    git(git_env, project, "add", "feature.txt")
    git(git_env, project, "commit", "--quiet", "-m", "Feature")
    git(git_env, project, "switch", "--quiet", "main")
    (project / "README.md").write_text("Our plans, revised\n", encoding="utf-8")
    git(git_env, project, "commit", "--quiet", "-am", "Revise")
    git(git_env, project, "push", "--quiet", "origin", "main")
    if checked_out == "an older commit, detached":
        git(git_env, project, "switch", "--quiet", "--detach", start)
    else:
        git(git_env, project, "switch", "--quiet", "feature")
    remote = tmp_path / "remote.git"
    tip = git(git_env, remote, "rev-parse", "main")
    files = branch_files(git_env, remote, "main")
    result = deploy(
        git_env, project, "--source", tmp_path / "plans", "--output", tmp_path / "site", "--branch", "main"
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: main holds the history of this project")
    assert git(git_env, remote, "rev-parse", "main") == tip
    assert branch_files(git_env, remote, "main") == files


def test_a_branch_of_sites_that_forked_from_the_project_is_published_to(tmp_path, git_env, project):
    # gh-pages made from main by hand long ago, a site published on it since: its history is
    # the project's, but its tip holds the site's mark.
    from planfolio.output import MARKER, MARKER_TEXT

    git(git_env, project, "switch", "--quiet", "-c", "gh-pages")
    git(git_env, project, "rm", "--quiet", "README.md")
    (project / MARKER).write_bytes(MARKER_TEXT)
    git(git_env, project, "add", MARKER)
    git(git_env, project, "commit", "--quiet", "-m", "A site")
    git(git_env, project, "push", "--quiet", "origin", "gh-pages")
    git(git_env, project, "switch", "--quiet", "main")
    result = deploy(git_env, project, "--source", tmp_path / "plans", "--output", tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "plans/alpha.html" in branch_files(git_env, tmp_path / "remote.git")


@pytest.mark.parametrize("branch", ["HEAD", "refs/heads/site"])
def test_a_ref_that_is_not_a_branch_name_is_refused(tmp_path, git_env, project, branch):
    result = deploy(
        git_env, project, "--source", tmp_path / "plans", "--output", tmp_path / "site", "--branch", branch
    )
    assert result.returncode == 1
    assert result.stderr == f"error: expected a branch name such as gh-pages, found {branch!r}\n"
    assert git(git_env, tmp_path / "remote.git", "for-each-ref", "--format=%(refname)") == "refs/heads/main"


def test_the_message_says_when_the_plans_hold_changes_not_committed(tmp_path, git_env, project):
    write_plans(project / "plans", {"a.md": plan_text("Alpha")})
    git(git_env, project, "add", "plans")
    git(git_env, project, "commit", "--quiet", "-m", "Plans")
    head = git(git_env, project, "rev-parse", "--short", "HEAD")
    remote = tmp_path / "remote.git"
    assert deploy(git_env, project, "--source", "plans", "--output", tmp_path / "site").returncode == 0
    assert (
        git(git_env, remote, "log", "-1", "--format=%s", "gh-pages") == f"Publish the site built from {head}"
    )
    write_plans(project / "plans", {"b.md": plan_text("Beta")})  # written, not committed
    assert deploy(git_env, project, "--source", "plans", "--output", tmp_path / "site").returncode == 0
    said = git(git_env, remote, "log", "-1", "--format=%s", "gh-pages")
    assert said == f"Publish the site built from {head} and changes not committed"
