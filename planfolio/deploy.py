"""Publish a built site to a branch of a git remote, as one new commit, like `mkdocs gh-deploy`.

Only git plumbing is used: the site's files are hashed into the repository's object store,
a tree is written from a temporary index, and a commit on top of the remote branch's tip
is pushed. The working tree, the index and the checked-out branch are never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .output import MARKER, MARKER_TEXT

#: A file GitHub Pages keeps on the branch for a custom domain; a deploy carries it over.
KEPT_FILES = ("CNAME",)


@dataclass(frozen=True)
class Deployment:
    """What a deploy published: the new commit, the tip it follows, and how many files."""

    commit: str
    parent: str | None
    files: int
    kept: tuple[str, ...]


class DeployError(Exception):
    """Publishing failed or was refused; the message says why and what to do."""


def check_repository(folder: Path) -> None:
    """Raise DeployError unless git is installed and folder is in a git repository."""
    if shutil.which("git") is None:
        raise DeployError("git is not installed: deploy publishes the site with git")
    if _run(folder, "rev-parse", "--git-dir").returncode != 0:
        raise DeployError(
            f"{folder} is not in a git repository: deploy publishes to a branch of the"
            " repository it runs in (run it from your project's folder)"
        )


def check_remote(repository: Path, remote: str, branch: str) -> None:
    """Raise DeployError unless the branch is one to publish to and the remote can be read:
    what can be known before the site is built, which takes a while (deploy checks it again)."""
    _check_names(repository, remote, branch)
    _listed_tip(repository, remote, branch)
    _check_not_the_source(repository, branch, None)


def deploy(
    site: Path, repository: Path, remote: str, branch: str, message: str = "", source: Path | None = None
) -> Deployment:
    """Commit the site folder as the whole tree of a remote branch, on top of its tip, and push.

    repository is a folder in the repository to publish from (its remotes and objects);
    the default message names the commit checked out, and says so when the plans folder
    `source` holds changes not committed (the site is built from them).
    """
    _check_names(repository, remote, branch)
    parent = _remote_tip(repository, remote, branch)
    _check_not_the_source(repository, branch, parent)
    entries = _hash_files(repository, site)
    kept = _kept_entries(repository, parent, entries) if parent else {}
    tree = _write_tree(repository, entries | kept)
    commit = _commit(repository, tree, parent, message or _default_message(repository, source))
    result = _run(repository, "push", "--quiet", "--", remote, f"{commit}:refs/heads/{branch}")
    if result.returncode != 0:
        raise DeployError(f"the remote {remote!r} rejected the push to {branch}: {_reason(result)}")
    return Deployment(commit, parent, len(entries), tuple(sorted(kept)))


def _check_names(repository: Path, remote: str, branch: str) -> None:
    if remote.startswith("-") or not remote:
        raise DeployError(f"expected the name or address of a git remote, found {remote!r}")
    malformed = _run(repository, "check-ref-format", f"refs/heads/{branch}").returncode != 0
    if malformed or branch.startswith(("-", "refs/")) or branch == "HEAD":
        raise DeployError(f"expected a branch name such as gh-pages, found {branch!r}")


def _check_not_the_source(repository: Path, branch: str, parent: str | None) -> None:
    """Refuse a branch that holds the project itself: the site would replace its files there,
    and the next `git pull` would delete them from the working tree."""
    current = _run(repository, "symbolic-ref", "--quiet", "--short", "HEAD").stdout.strip()
    if branch == current:
        other = "another branch" if branch == "gh-pages" else "a branch of its own, such as gh-pages"
        raise DeployError(
            f"{branch} is the branch checked out here: publishing the site to it would replace"
            f" the files checked out with the site's; switch to the project's branch, or publish to {other}"
        )
    if parent is None or _holds_a_site(repository, parent):
        return
    # Commits shared with the one checked out: the project's own history, whichever branch or
    # older commit is checked out (a branch of sites, made apart, shares none).
    if _run(repository, "merge-base", parent, "HEAD").returncode == 0:
        raise DeployError(
            f"{branch} holds the history of this project and no site planfolio published:"
            " publishing the site to it would replace the project's files with the site's;"
            " publish to a branch of its own, such as gh-pages"
        )


def _holds_a_site(repository: Path, commit: str) -> bool:
    """Return whether a commit is of a site planfolio published: its tree holds the site's mark."""
    shown = _run(repository, "cat-file", "blob", f"{commit}:{MARKER}")
    return shown.returncode == 0 and shown.stdout.encode() == MARKER_TEXT


def _remote_tip(repository: Path, remote: str, branch: str) -> str | None:
    """Return the commit the remote branch is at (fetched here), or None if it has none."""
    tip = _listed_tip(repository, remote, branch)
    if tip is None:
        return None
    fetched = _run(repository, "fetch", "--quiet", "--no-tags", "--", remote, f"refs/heads/{branch}")
    if fetched.returncode != 0:
        raise DeployError(f"cannot fetch {branch} from the remote {remote!r}: {_reason(fetched)}")
    return tip


def _listed_tip(repository: Path, remote: str, branch: str) -> str | None:
    """Return the commit the remote lists its branch at, or None if it has no such branch."""
    ref = f"refs/heads/{branch}"
    listed = _run(repository, "ls-remote", "--", remote, ref)
    if listed.returncode != 0:
        raise DeployError(f"cannot read the remote {remote!r}: {_reason(listed)}")
    tips = [line.split("\t")[0] for line in listed.stdout.splitlines() if line.endswith(f"\t{ref}")]
    return tips[0] if tips else None


def _hash_files(repository: Path, site: Path) -> dict[str, str]:
    """Store every file of the site as a blob, byte for byte; return blob ids by path."""
    files = sorted(
        (path for path in site.rglob("*") if path.is_file() and not path.is_symlink()),
        key=lambda path: path.relative_to(site).as_posix(),
    )
    if not files:
        raise DeployError(f"nothing to publish: {site} holds no files")
    if any("\n" in str(path) for path in files):
        raise DeployError(f"cannot publish {site}: a file name holds a line break")
    names = "".join(f"{path.resolve()}\n" for path in files)
    blobs = _git(repository, "hash-object", "-w", "--no-filters", "--stdin-paths", stdin=names).split()
    return {path.relative_to(site).as_posix(): blob for path, blob in zip(files, blobs, strict=True)}


def _kept_entries(repository: Path, parent: str, entries: dict[str, str]) -> dict[str, str]:
    """Return the files to carry over from the branch's tip that the site does not replace."""
    kept = {}
    for name in KEPT_FILES:
        if name not in entries:
            found = _run(repository, "rev-parse", "--verify", "--quiet", f"{parent}:{name}")
            if found.returncode == 0:
                kept[name] = found.stdout.strip()
    return kept


def _write_tree(repository: Path, entries: dict[str, str]) -> str:
    """Write a tree of exactly these blobs through a temporary index, never the real one."""
    with tempfile.TemporaryDirectory(prefix="planfolio-deploy-") as folder:
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(folder) / "index")}
        records = "".join(f"100644 {blob}\t{path}\0" for path, blob in sorted(entries.items()))
        _git(repository, "update-index", "-z", "--index-info", stdin=records, env=env)
        return _git(repository, "write-tree", env=env).strip()


def _commit(repository: Path, tree: str, parent: str | None, message: str) -> str:
    parents = ["-p", parent] if parent else []
    result = _run(repository, "commit-tree", tree, *parents, "-m", message)
    if result.returncode != 0:
        if "identity" in result.stderr or "tell me who you are" in result.stderr:
            raise DeployError(
                "git does not know who is publishing: set user.name and user.email"
                ' (git config user.name "Your Name"; git config user.email you@example.org)'
            )
        raise DeployError(f"git commit-tree failed: {_reason(result)}")
    return result.stdout.strip()


def _default_message(repository: Path, source: Path | None = None) -> str:
    head = _run(repository, "rev-parse", "--short", "--verify", "--quiet", "HEAD")
    if head.returncode != 0:
        return "Publish the site"
    changed = ""
    if source is not None:  # a folder outside the repository has no status: nothing is said
        folder = str(source.absolute())
        status = _run(repository, "status", "--porcelain", "--untracked-files=all", "--", folder)
        changed = " and changes not committed" if status.returncode == 0 and status.stdout.strip() else ""
    return f"Publish the site built from {head.stdout.strip()}{changed}"


def _git(repository: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> str:
    result = _run(repository, *args, stdin=stdin, env=env)
    if result.returncode != 0:
        raise DeployError(f"git {args[0]} failed: {_reason(result)}")
    return result.stdout


def _run(
    folder: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=folder, input=stdin, env=env, capture_output=True, text=True, check=False
    )


def _reason(result: subprocess.CompletedProcess[str]) -> str:
    """Return git's own words for a failure (the remote's included) on one line."""
    lines = [line.strip() for line in result.stderr.splitlines()]
    said = [line for line in lines if line and not line.startswith(("To ", "hint:"))]
    return " / ".join(said[-6:]) or f"exit code {result.returncode}"
