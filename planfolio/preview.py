"""Rebuilding while writing: notice changed inputs, build again, number the good builds.

The preview builds into a folder of its own, never the output folder that gets
published, and keeps the parsed plans and the page cache between builds, so a
saved plan costs one parse and a few pages. A build that fails leaves the last
good site in place; what went wrong is kept, with file and line, for the pages
to show.
"""

from __future__ import annotations

import gc
import os
import time
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import chain
from pathlib import Path
from urllib.parse import urlsplit

from .cache import ParsedPlans
from .config import Config, ConfigError, load_config
from .model import Problem
from .pipeline import PLAN_SUFFIXES, BuildResult, build
from .render import template_problems


@dataclass(frozen=True)
class Inputs:
    """Everything a build reads."""

    source: Path
    config: Path
    templates: Path
    assets: Path


@dataclass(frozen=True)
class BuildState:
    """What the pages are told about the builds."""

    build: int = 0  # the number of the last good build; 0 before the first
    version: int = 0  # one more after every build, good or failed
    failed: bool = False  # whether the last build failed (the last good one is still served)
    errors: tuple[str, ...] = ()  # why it failed, or the errors found in the plans
    mount: str = "/"  # the URL path of the site: the path of base_url, as on GitHub Pages


@dataclass(frozen=True)
class Outcome:
    """One build: the state it led to, the result of a good one, and every problem found."""

    state: BuildState
    result: BuildResult | None
    problems: tuple[Problem, ...]


class Preview:
    """Build the site again and again into one folder, numbering the good builds."""

    def __init__(self, inputs: Inputs, folder: Path) -> None:
        self.inputs = inputs
        self.site = folder / "site"
        self.cache = folder / "cache"
        self.parsed = ParsedPlans()
        self.state = BuildState()
        self.plan_pages: dict[str, str] = {}  # output path of each plan, by source path
        self.moved: dict[str, str] = {}  # where the page of a renamed plan went, by its old path

    def rebuild(self) -> Outcome:
        """Build the site; on failure keep the last good one and say what went wrong."""
        inputs = self.inputs
        # A collection in the middle of a build walks every parsed plan kept between builds;
        # without it a small rebuild takes half the time. Cycles are collected after.
        gc.disable()
        try:
            config = load_config(inputs.config)
            result = build(
                inputs.source, self.site, config, self.cache, inputs.templates, inputs.assets, self.parsed
            )
        except ConfigError as error:
            return self._failed(tuple(Problem(error.source, error.line, text) for text in error.problems))
        except Exception as error:  # whatever it is, the server keeps serving the last good build
            return self._failed(explain_failure(error, inputs.templates))
        finally:
            gc.enable()
        self._follow_renamed_plans(dict(result.plan_pages))
        errors = tuple(str(problem) for problem in result.problems if problem.severity == "error")
        self.state = BuildState(
            self.state.build + 1, self.state.version + 1, False, errors, mount_path(config)
        )
        return Outcome(self.state, result, result.problems)

    def _follow_renamed_plans(self, plan_pages: dict[str, str]) -> None:
        """Remember the new page of each plan whose title, and so whose page, changed.

        A page open in the browser reloads at its old address, and is sent on to the new one.
        """
        renamed = {
            old: plan_pages[source]
            for source, old in self.plan_pages.items()
            if source in plan_pages and plan_pages[source] != old
        }
        moved = {old: renamed.get(new, new) for old, new in self.moved.items()}
        moved.update(renamed)
        pages = set(plan_pages.values())
        self.moved = {old: new for old, new in moved.items() if old not in pages and new in pages}
        self.plan_pages = plan_pages

    def _failed(self, problems: tuple[Problem, ...]) -> Outcome:
        errors = tuple(str(problem) for problem in problems)
        self.state = replace(self.state, version=self.state.version + 1, failed=True, errors=errors)
        return Outcome(self.state, None, problems)


def mount_path(config: Config) -> str:
    """Return the URL path the site is served under: base_url's path, or /."""
    path = urlsplit(config.base_url).path.strip("/")
    return f"/{path}/" if path else "/"


def explain_failure(error: Exception, templates: Path) -> tuple[Problem, ...]:
    """Name the file and line of what made a build fail, as far as they can be found."""
    syntax = template_problems(templates)
    if syntax:
        return tuple(syntax)
    message = f"{type(error).__name__}: {error}"
    folder = templates.resolve()
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(folder):  # Jinja gives its frames the template's name and line
            name = path.relative_to(folder).as_posix()
            return (Problem(f"{templates.name}/{name}", frame.lineno, message),)
    return (Problem("the build", None, message),)


class Watcher:
    """Notice added, changed and removed inputs by comparing their stat with the last look.

    Only the files a build reads count, so an editor's swap files do not cause builds.
    A file modified in the last few milliseconds counts as changed at the next look
    too: a second save within one tick of the file system's clock would leave its
    stat as it was (the "racy" files of git).
    """

    def __init__(self, inputs: Inputs) -> None:
        self.inputs = inputs
        self._looks = 0
        self._last = self.snapshot()

    def changed(self) -> bool:
        """Return whether any input changed since the last call."""
        current = self.snapshot()
        changed, self._last = current != self._last, current
        return changed

    def snapshot(self) -> dict[str, tuple[int, int, int]]:
        """Return the modification time, size and inode of every input file."""
        self._looks += 1
        now = time.time_ns()
        found = {}
        inputs = self.inputs
        files = chain(
            _files(inputs.source, plans_only=True),
            _files(inputs.templates),
            _files(inputs.assets),
            _file(inputs.config),
        )
        for path, stat in files:
            if 0 <= now - stat.st_mtime_ns < _RACY_NANOSECONDS:
                found[path] = (-1, -1, self._looks)  # differs from every other look
            else:
                found[path] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        return found


_RACY_NANOSECONDS = 20_000_000


def _file(path: Path) -> Iterator[tuple[str, os.stat_result]]:
    """Yield the path and stat of a file, if there is one."""
    try:
        stat = os.stat(path)
    except OSError:
        return  # no site.yml: the defaults
    yield str(path), stat


def _files(folder: Path | str, plans_only: bool = False) -> Iterator[tuple[str, os.stat_result]]:
    """Yield the path and stat of every file below folder; in the plans folder, of those a build reads."""
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return  # a folder that is missing or going: what it held has changed
    for entry in entries:
        hidden = entry.name.startswith(".")
        if entry.is_dir(follow_symlinks=False):
            if not (plans_only and hidden):
                yield from _files(entry.path, plans_only)
        elif not plans_only or (entry.name.endswith(PLAN_SUFFIXES) and not hidden):
            try:
                yield entry.path, entry.stat(follow_symlinks=False)
            except OSError:
                continue  # removed since the folder was listed
