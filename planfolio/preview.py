"""Rebuilding while writing: notice changed inputs, build again, number the good builds.

The preview builds into a folder of its own, never the output folder that gets
published, and keeps the parsed plans and the page cache between builds, so a
saved plan costs one parse and a few pages. A build that fails leaves the last
good site in place; what went wrong is kept, with file and line, for the pages
to show.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import partial
from itertools import chain
from pathlib import Path
from urllib.parse import urlsplit

from .cache import Manifest, ParsedPlans
from .config import Config, ConfigError, config_warnings, load_config
from .doctypes import PLAN_SUFFIXES
from .i18n import LOCALE
from .model import Problem
from .output import editors_file
from .parallel import Apart
from .pipeline import (
    GATHERING_KINDS,
    BuildResult,
    Kept,
    Made,
    build,
    explain_failure,
    make_routes,
    reuse_pages,
)
from .routes import Route

#: How long after a build the files it left lagging start being made in the background.
CATCH_UP_AFTER_SECONDS = 1.0
#: The kinds of route whose files lag after a change: the files that gather every plan,
#: and the pages that list plans. A save then renders the pages of the plans it changed,
#: which the browser shows at once, and the rest follow (see Preview).
LAGGING_KINDS = GATHERING_KINDS | {"term", "index", "home", "type-index"}


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
    complete: bool = True  # whether the files that gather every plan are up to date
    lagging: frozenset[str] = frozenset()  # the files still the last build's, though changed


@dataclass(frozen=True)
class Outcome:
    """One build: the state it led to, the result of a good one, and every problem found."""

    state: BuildState
    result: BuildResult | None
    problems: tuple[Problem, ...]
    catching_up: bool = False  # a build that only brought in the files that gather every plan


class Preview:
    """Build the site again and again into one folder, numbering the good builds.

    The files that gather every plan (the search indexes, plans.json and .csv) take
    seconds to make for a thousand plans, so a build after a change leaves them as
    they were; a second later (once the browser has loaded the new pages) they are
    made in a background process, and brought in by a build of their own, which
    changes no page but those that lagged.
    """

    def __init__(self, inputs: Inputs, folder: Path) -> None:
        self.inputs = inputs
        self.folder = folder
        self.site = folder / "site"
        self.cache = folder / "cache"
        self.parsed = ParsedPlans()
        self.state = BuildState()
        self.plan_pages: dict[str, str] = {}  # output path of each plan, by source path
        self.addresses: dict[str, str] = {}  # the plan each page ever built was last the page of
        #: Every path the site was served under (base_url's), the newest last.
        self.mounts: list[str] = []
        self.config = Config()  # of the last good build
        #: The site's language as site.yml said it when last read: the server's own words
        #: follow it even while builds fail (the first among them).
        self.language = self.config.language
        self._background: Apart[Made] | None = None
        self._built_at = 0.0
        # Whether the config file was there for a build: gone since (an editor's save by
        # rename, a slip), it is missing, not a wish for the defaults.
        self._had_config = False

    def rebuild(self) -> Outcome:
        """Build the site; on failure keep the last good one and say what went wrong."""
        self._stop_background()  # it works on plans as they were
        return self._build(Deferring(LAGGING_KINDS, {}), reload=True)

    def catch_up(self) -> Outcome | None:
        """Bring the lagging files up to date: start making them, or build with them once made.

        Return the outcome of that build, or None when there was none to do.
        """
        if self.state.complete or self.state.failed:
            return None
        if self._background is None:
            if time.monotonic() - self._built_at < CATCH_UP_AFTER_SECONDS:
                return None  # the browser is loading the new pages: leave it the processor
            inputs = self.inputs
            work = partial(
                make_routes, inputs.source, self.config, LAGGING_KINDS, inputs.templates, self.parsed
            )
            self._background = Apart(work)
            return None
        if not self._background.done():
            return None
        background, self._background = self._background, None
        try:
            made = background.result()
        except RuntimeError:  # make them here, where the build reports what went wrong
            return self._build(Deferring(frozenset(), {}), reload=False)
        return self._build(Deferring(LAGGING_KINDS, made), reload=False)

    def close(self) -> None:
        """Stop the background work."""
        self._stop_background()

    def _build(self, keep: Deferring, reload: bool) -> Outcome:
        inputs = self.inputs
        if not inputs.source.is_dir():
            # Renamed, moved or on a drive taken out: not a portfolio of no plans. The last
            # good site stays, as for any failed build, until the folder is back.
            return self._failed(
                (Problem(str(inputs.source), None, "plans folder not found", kind="no-plans-folder"),)
            )
        try:
            config = load_config(inputs.config, required=self._had_config)
            self._had_config = self._had_config or inputs.config.is_file()
            self.language = config.language
            result = build(
                inputs.source, self.site, config, self.cache, inputs.templates, inputs.assets,
                parsed=self.parsed, keep=keep,
            )  # fmt: skip
        except ConfigError as error:
            return self._failed(error.as_problems())
        except Exception as error:  # whatever it is, the server keeps serving the last good build
            return self._failed(explain_failure(error, inputs.templates))
        self.config = config
        self._built_at = time.monotonic()
        self._follow_renamed_plans(dict(result.plan_pages))
        errors = tuple(str(problem) for problem in result.problems if problem.severity == "error")
        # A build that catches up changes only the files that lagged: the pages served while
        # they lagged reload (see serve.lags), and the rest stay as they are.
        number = self.state.build + 1 if reload else self.state.build
        lagging = frozenset(result.deferred)
        version = self.state.version + 1
        self.state = BuildState(number, version, False, errors, mount_path(config), not lagging, lagging)
        self.mounts = [*(mount for mount in self.mounts if mount != self.state.mount), self.state.mount]
        # The config's warnings (a language with no catalogue) with the plans' problems, as build gives them.
        problems = config_warnings(str(inputs.config), config) + result.problems
        return Outcome(self.state, result, problems, catching_up=not reload)

    def _stop_background(self) -> None:
        if self._background is not None:
            self._background.stop()
            self._background = None

    def _follow_renamed_plans(self, plan_pages: dict[str, str]) -> None:
        """Remember which plan each page is of, and was of in every build before.

        A page open in the browser reloads at its address, and is sent on to the plan's
        page of the day, whatever happened in between: a new title, a save that left the
        plan unreadable for a while, its first title again.
        """
        self.addresses.update({page: source for source, page in plan_pages.items()})
        self.plan_pages = plan_pages

    def page_of(self, address: str) -> str | None:
        """Return the page of the plan an address was last the page of, if it is now elsewhere."""
        page = self.plan_pages.get(self.addresses.get(address, ""))
        return page if page != address else None

    def plan_at(self, page: str) -> str | None:
        """Return the source path of the plan whose page this is, if it is one's."""
        source = self.addresses.get(page)
        return source if source is not None and self.plan_pages.get(source) == page else None

    @property
    def moved(self) -> dict[str, str]:
        """Return where every earlier page of a plan leads now, by its address."""
        pages = set(self.plan_pages.values())
        return {
            address: self.plan_pages[source]
            for address, source in sorted(self.addresses.items())
            if source in self.plan_pages and address not in pages
        }

    def _failed(self, problems: tuple[Problem, ...]) -> Outcome:
        errors = tuple(str(problem) for problem in problems)
        self.state = replace(self.state, version=self.state.version + 1, failed=True, errors=errors)
        return Outcome(self.state, None, problems)


@dataclass(frozen=True)
class Deferring:
    """Keep the files of the last build whose inputs have not changed, and those of the
    routes of some kinds even when theirs have, unless `made` holds their new files.

    A route kept with its inputs changed keeps its last key in the cache, so that the
    next build that does not defer it makes it again.
    """

    kinds: frozenset[str]
    made: Made

    @property
    def defers(self) -> frozenset[str]:
        """Return the kinds whose files may lag."""
        return self.kinds

    @property
    def unkeyed(self) -> frozenset[str]:
        """Return the kinds whose keys the build need not work out: those that lag, unless
        their files were made already, which a route takes only for the same key."""
        return frozenset() if self.made else self.kinds

    def __call__(self, routes: list[Route], manifest: Manifest, output: Path, staging: Path) -> Kept:
        reused = reuse_pages(routes, manifest, output, staging)
        late = [r for r in routes if r.kind in self.kinds and r.path not in reused and not self._made(r)]
        deferred = reuse_pages(late, manifest, output, staging, any_key=True)
        keys = {path: manifest.entries[path][0] for r in late if r.path in deferred for path in r.outputs}
        return Kept(frozenset(reused | deferred), keys, tuple(sorted(deferred)), self.made)

    def _made(self, route: Route) -> bool:
        return (route.path, route.key) in self.made


def mount_path(config: Config) -> str:
    """Return the URL path the site is served under: base_url's path, or /."""
    path = urlsplit(config.base_url).path.strip("/")
    return f"/{path}/" if path else "/"


class Watcher:
    """Notice added, changed and removed inputs by comparing their stat with the last look.

    Only the files a build reads count, so an editor's swap files do not cause builds.
    Builds start only when two looks agree, at least a tick of the file system's clock
    apart, so a second save within the tick of the first (same stat) is never missed.
    """

    def __init__(self, inputs: Inputs) -> None:
        self.inputs = inputs
        self._last = self.snapshot()

    def changed(self) -> bool:
        """Return whether any input changed since the last call."""
        current = self.snapshot()
        changed, self._last = current != self._last, current
        return changed

    def snapshot(self) -> dict[str, tuple[int, int, int]]:
        """Return the modification time, size and inode of every input file."""
        inputs = self.inputs
        files = chain(
            _files(inputs.source, plans_only=True),
            _files(inputs.templates),
            _files(inputs.assets),
            _file(inputs.config),
            _files(LOCALE),  # a translator's edit of a catalogue
        )
        return {path: (stat.st_mtime_ns, stat.st_size, stat.st_ino) for path, stat in files}


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
        elif not editors_file(entry.name) and (not plans_only or entry.name.lower().endswith(PLAN_SUFFIXES)):
            try:
                yield entry.path, entry.stat(follow_symlinks=False)
            except OSError:
                continue  # removed since the folder was listed
