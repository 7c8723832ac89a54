"""The build, as a list of stages: discover, parse, model, route, render, write, swap."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Protocol

import jinja2
import markupsafe

from . import urls
from .cache import (
    Manifest,
    ParsedPlans,
    code_fingerprint,
    discard_parsed,
    fingerprint,
    keep_parsed,
    load_manifest,
    load_parsed,
    parsed_draft,
    save_manifest,
    write_parsed,
)
from .check import check_site
from .config import Config
from .doctypes import left_out_line, other_types_hint
from .feeds import publishing_files
from .gathering import (
    GATHERING_KINDS,
    Gathering,
    PlanParts,
    make_all_parts,
    missing_parts,
    parts_cost,
)
from .model import Plan, Problem, counted, counted_documents
from .output import (
    check_output_folder,
    copy_tree,
    holds,
    link_file,
    mark_as_site,
    remove_build_folder,
    staging_folder,
    swap_in,
    write_file,
)
from .parallel import WORTH_A_PROCESS, Stops, WorkerError, error_frames, run_longest_first, stopped_once
from .progress import Progress, RouteCounter, watching
from .reading import read_documents, read_site
from .related import with_related
from .render import Renderer, template_problems
from .routes import PAGE_KINDS, PageKeys, Route, site_key, site_routes
from .site import Site

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT_ROOT / "templates"
ASSETS = PROJECT_ROOT / "assets"

#: Files made for routes ahead of a build, by route path and key.
Made = dict[tuple[str, str], dict[str, bytes]]
#: The site's checks, ready to run: they return the problems they find.
Checks = Callable[[], list[Problem]]


class BuildAborted(Exception):
    """A build that stopped before changing the output folder: no plans, or problems under strict."""

    def __init__(
        self,
        reason: str,
        problems: tuple[Problem, ...],
        plans_read: int = 0,
        types_read: tuple[tuple[str, int], ...] = (),
        left_out: str = "",
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.problems = problems
        self.plans_read = plans_read  # documents of every type
        self.types_read = types_read  # how many of each type, as Site.type_counts gives them
        self.left_out = left_out  # the line that counts the documents of other types ("" for none)

    @classmethod
    def strict(
        cls, problems: tuple[Problem, ...], plans_read: int, types_read: tuple[tuple[str, int], ...]
    ) -> BuildAborted:
        """Return the abort of a strict build that found problems, saying how many."""
        errors = sum(problem.severity == "error" for problem in problems)
        counts = [counted(errors, "error")] if errors else []
        if len(problems) > errors:
            counts.append(counted(len(problems) - errors, "warning"))
        return cls(f"Aborted: {' and '.join(counts)} in strict mode", problems, plans_read, types_read)


@dataclass(frozen=True)
class BuildResult:
    """What a build did: counts, problems and time taken."""

    plans_read: int  # documents of every type
    pages_written: int
    pages_reused: int
    problems: tuple[Problem, ...]
    seconds: float
    plan_pages: tuple[tuple[str, str], ...] = ()  # (source path, output path) of every plan
    deferred: tuple[str, ...] = ()  # routes whose files are still the last build's, though changed
    left_out: str = ""  # the line that counts the documents of other types, by type ("" for none)
    # How many documents of each type were read, as Site.type_counts gives them.
    types_read: tuple[tuple[str, int], ...] = ()

    @property
    def errors(self) -> int:
        """Return how many problems are errors."""
        return sum(problem.severity == "error" for problem in self.problems)

    def summary(self, output: Path | None = None) -> str:
        """Return the line that tells what the build did (writing into output, if given)."""
        into = f" to {output}" if output is not None else ""
        return (
            f"{counted_documents(self.plans_read, dict(self.types_read))} read,"
            f" {counted(self.pages_written, 'page')} written{into}"
            f" ({self.pages_reused} unchanged), {counted(len(self.problems), 'problem')}"
            f" ({counted(self.errors, 'error')}), {self.seconds:.2f} s"
        )


@dataclass(frozen=True)
class Kept:
    """The routes whose files a build takes from the last one instead of rendering them."""

    paths: frozenset[str]  # their route paths
    keys: dict[str, str]  # the key to record for some of their files, when not their route's
    deferred: tuple[str, ...] = ()  # those kept although their inputs changed
    made: Made = field(default_factory=dict)  # files of other routes, made ahead (see make_routes)

    def also(self, paths: frozenset[str]) -> Kept:
        """Return these kept routes and some more, unchanged, found as the pages were made."""
        return replace(self, paths=self.paths | paths) if paths else self


class KeepPages(Protocol):
    """Choose the files of the last build to keep, and link them into staging."""

    @property
    def defers(self) -> frozenset[str]:
        """Return the kinds of route whose files may be kept even when their inputs changed."""
        ...

    @property
    def unkeyed(self) -> frozenset[str]:
        """Return the kinds of route whose keys need not be worked out before rendering."""
        ...

    def __call__(self, routes: list[Route], manifest: Manifest, output: Path, staging: Path) -> Kept:
        """Link the files to keep of the routes into staging (from output, as the manifest says)."""
        ...


@dataclass(frozen=True)
class KeepUnchanged:
    """Keep the files of the routes whose inputs have not changed since the last build.

    The pages' keys are worked out where each page would be made, which keeps the page of
    the last build when its key is the same (see render_pages): one pass over the pages on
    every core, not one to find the keys and one to make the pages that changed.
    """

    defers: frozenset[str] = frozenset()
    unkeyed: frozenset[str] = PAGE_KINDS

    def __call__(self, routes: list[Route], manifest: Manifest, output: Path, staging: Path) -> Kept:
        """Link the unchanged files of the last build into staging."""
        return Kept(frozenset(reuse_pages(routes, manifest, output, staging)), {})


keep_unchanged = KeepUnchanged()


def build(
    source: Path,
    output: Path,
    config: Config,
    cache: Path | None = None,
    templates: Path = TEMPLATES,
    assets: Path = ASSETS,
    progress: Progress | None = None,
    parsed: ParsedPlans | None = None,
    keep: KeepPages = keep_unchanged,
    force: bool = False,
    strict: bool = False,
    require_plans: bool = False,
) -> BuildResult:
    """Build the site from a folder of plans into the output folder, atomically.

    With `parsed`, plans whose bytes have not changed since an earlier build are not parsed
    again (else those the cache folder keeps); `keep` chooses the files of the last build
    to keep (the preview server keeps more, see preview.py).

    The output folder must be one planfolio made (see check_output_folder), unless `force`.
    Raise BuildAborted, leaving the output and cache as they were, when `require_plans` and
    there is no plan, or when `strict` and there is any problem.
    """
    # The collector would walk every parsed plan again and again while the build makes
    # short-lived objects, which hold no cycles to speak of: a tenth of a rebuild's time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        options = _Options(force, strict, require_plans)
        with stopped_once() as stops:  # a second Ctrl+C would stop the clean-up of the first
            inputs = (source, output, config, cache, templates, assets, progress, parsed, keep)
            return _build(*inputs, options, stops)
    finally:
        if collecting:
            gc.enable()


def _build(
    source: Path,
    output: Path,
    config: Config,
    cache: Path | None,
    templates: Path,
    assets: Path,
    progress: Progress | None,
    parsed: ParsedPlans | None,
    keep: KeepPages,
    options: _Options,
    stops: Stops,
) -> BuildResult:
    """Run the stages of a build, one line each."""
    started = time.perf_counter()
    check_output_folder(output, source, PROJECT_ROOT, (templates, assets), options.force)
    code = code_fingerprint()
    saved = load_parsed(cache, code) if parsed is None and cache is not None else None
    parsed = parsed or saved or ParsedPlans()
    site = read_documents(source, parsed, config.types)
    if options.require_plans and not site.plans:
        reason = f"error: no plans found in {source}{other_types_hint(site.left_out, config.types)}"
        raise BuildAborted(reason, site.problems, left_out=left_out_line(site.left_out))
    manifest = load_manifest(cache, output)
    keys = PageKeys(fingerprint(config, code, templates))
    key = site_key(site, keys.fingerprint)
    whole = _complete_parts(site, config, parsed)
    # The parsed plans are saved as the pages are made: those made whole here on their own,
    # else with their parts, by the process that makes the parts (see render_pages).
    draft = parsed_draft(cache) if saved is not None and cache is not None else None
    # The cache folders the draft is the first to make go with it if the build fails.
    unmade = [path for path in (draft.parent, draft.parent.parent) if not path.exists()] if draft else []
    staging = staging_folder(output)
    try:  # a build that fails leaves no staging folder and no draft of the cache
        site = with_related(site, parsed)
        renderer = Renderer(templates, config, site)
        # With no last build, no page can be kept: each page's key is worked out as it is made;
        # with the last build's site key, every page's is the last build's.
        known = manifest.keys() if manifest.site == key else None
        unkeyed = keep.unkeyed if manifest.entries else PAGE_KINDS
        routes = site_routes(renderer, keys.fingerprint, known, unkeyed)
        kept = keep(routes, manifest, output, staging)
        fresh = [route for route in routes if route.path not in kept.paths]
        checks = partial(check_site, site, source)
        changed = parsed.changed or not whole
        saving = partial(write_parsed, parsed, code, draft) if draft is not None and changed else None
        work = Work(kept.made, parsed.parts, output, checks, keys, manifest, saving)
        rendered = render_pages(renderer, fresh, staging, work, progress)
        kept = kept.also(rendered.reused)
        copy_tree(assets, staging, "assets")
        mark_as_site(staging, output if output.is_dir() else None)
        page_problems = _page_problems(manifest, kept, rendered)
        problems = _all_problems(site, page_problems, rendered.checked)
        if options.strict and problems:
            raise BuildAborted.strict(problems, len(site.plans), tuple(site.type_counts.items()))
        stops.commit()  # a site swapped in is finished with its cache: a stop from here on is too late
        swap_in(staging, output)
    except BaseException:
        if draft is not None:
            discard_parsed(draft, unmade)
        raise
    finally:
        remove_build_folder(staging)
    _save_cache(cache, output, routes, kept, manifest, rendered, key)
    parsed.add_parts(rendered.parts)
    if draft is not None and work.save is not None:
        keep_parsed(draft)
    plan_pages = tuple((plan.source_path, urls.document_path(plan.type, plan.slug)) for plan in site.plans)
    reused = len(kept.paths) - len(kept.deferred)
    made = [route for route in fresh if route.path not in rendered.reused]
    seconds = time.perf_counter() - started
    return BuildResult(
        len(site.plans), len(made), reused, problems, seconds, plan_pages, kept.deferred,
        left_out_line(site.left_out), tuple(site.type_counts.items()),
    )  # fmt: skip


def _complete_parts(site: Site, config: Config, parsed: ParsedPlans) -> bool:
    """Make here the parts of the plans that lack them, when they are few (after an edit),
    so that the parsed plans are whole before the pages are made; return whether they are
    (with many to make, the processes that make the pages make them: see render_pages)."""
    missing = missing_parts(site.plans, config.focal_points, parsed.parts)
    if sum(map(parts_cost, missing)) >= WORTH_A_PROCESS:
        return False
    parsed.add_parts(make_all_parts(config.focal_points, missing))
    return True


@dataclass(frozen=True)
class _Options:
    """How a build treats the output folder and problems (see build)."""

    force: bool
    strict: bool
    require_plans: bool


def _page_problems(manifest: Manifest, kept: Kept, rendered: Rendered) -> dict[str, tuple[Problem, ...]]:
    """Return the problems of each page: those the last build found on the kept ones."""
    problems = {path: manifest.problems.get(path, ()) for path in kept.paths}
    problems.update(rendered.problems)
    return problems


def _save_cache(
    cache: Path | None,
    output: Path,
    routes: list[Route],
    kept: Kept,
    manifest: Manifest,
    rendered: Rendered,
    key: str,
) -> None:
    """Record what each file of the new output was made from, the problems of each, and the
    site key, unless some files were kept although their inputs changed (see Kept.deferred)."""
    keys = {path: rendered.keys.get(route.path, route.key) for route in routes for path in route.outputs}
    keys.update(kept.keys)
    page_problems = _page_problems(manifest, kept, rendered)
    linked = {path for route in routes if route.path in kept.paths for path in route.outputs}
    save_manifest(cache, output, keys, page_problems, manifest.only(linked), "" if kept.deferred else key)


def make_routes(
    source: Path,
    config: Config,
    kinds: frozenset[str],
    templates: Path = TEMPLATES,
    parsed: ParsedPlans | None = None,
) -> Made:
    """Make the files of the routes of some kinds, for the plans as they are now.

    A later build writes them as they are, if its routes have the same keys.
    """
    site = read_site(source, parsed, config.types)
    renderer = Renderer(templates, config, site)
    code = fingerprint(config, code_fingerprint(), templates)
    # Only the pages made here need their keys; the gathering files share one gathering.
    routes = site_routes(renderer, code, unkeyed=PAGE_KINDS - kinds)
    known = parsed.parts if parsed is not None else {}
    gathering = Gathering(site, config, known) if kinds & GATHERING_KINDS else None
    return {
        (r.path, r.key): render_route(renderer, site, r, {}, gathering)[0] for r in routes if r.kind in kinds
    }


@dataclass(frozen=True)
class Rendered:
    """What rendering some routes found: problems by page, the plans' parts it made, the
    problems the site's checks found, when given them to run, and the keys it worked out
    of the routes that had none, by route path."""

    problems: dict[str, tuple[Problem, ...]]
    parts: dict[str, PlanParts]
    checked: list[Problem]
    keys: dict[str, str] = field(default_factory=dict)
    reused: frozenset[str] = frozenset()  # the routes whose files were the last build's, unchanged


@dataclass(frozen=True)
class Work:
    """What the rendering of a build may draw on besides the routes (see render_pages)."""

    made: Made = field(default_factory=dict)  # files made ahead, by route path and key
    known: dict[str, PlanParts] = field(default_factory=dict)  # the plans' parts made already
    previous: Path | None = None  # the output folder the staging will replace
    checks: Checks | None = None  # the site's checks, to run beside the pages
    keys: PageKeys | None = None  # for the pages whose routes have no key yet
    manifest: Manifest | None = None  # the last build's, in `previous`: a page of the same key is kept
    # Saves the parsed plans, with the parts made for them (see cache.write_parsed).
    save: Callable[[Mapping[str, PlanParts]], None] | None = None


def render_pages(
    renderer: Renderer,
    routes: list[Route],
    staging: Path | None,
    work: Work | None = None,
    progress: Progress | None = None,
) -> Rendered:
    """Render the pages of the given routes into staging (None: nowhere), and run the
    site's checks, if given, all as units of work on every core (see run_longest_first).

    A file whose bytes are those of the same file in `work.previous` is linked from there,
    so only files that changed are written. The gathering files are one unit, which first
    makes the plans' parts that `work.known` does not hold (see _units_of_work). Routes
    whose files are in `work.made` are written from there. A page whose route has no key
    gets it worked out here, and with `work.manifest`, the last build's files of that key
    are linked from `work.previous` instead of being made again.
    """
    work = work or Work()
    site, config, made = renderer.site, renderer.config, work.made
    previous = work.previous if work.previous is not None and work.previous.is_dir() else None
    policy = config.focal_points
    gathering = [r for r in routes if r.kind in GATHERING_KINDS and (r.path, r.key) not in made]
    missing = missing_parts(site.plans, policy, work.known) if gathering else []
    # The parsed plans are saved by the unit that makes their missing parts, once it has
    # made them, else in a unit of their own: not after the pages, where they would take
    # a tenth of a second of a first build on one core.
    save_with_parts = work.save if missing else None
    saving = len(site.plans) // 10  # about as long as pickling and writing them takes
    units, costs = _units_of_work(routes, gathering, missing, saving if save_with_parts else 0)
    if work.checks is not None:
        units.append(partial(_run_checks, work.checks))
        costs.append(len(site.plans) // 5)  # about as long as checking takes
    if work.save is not None and save_with_parts is None:
        units.append(partial(_run_save, work.save))
        costs.append(saving)
    counter = RouteCounter()
    folders: set[Path] = set()  # the staging folders this process has made and checked
    # The last build's files, which a page of the same key takes: (manifest, output, staging).
    last = (work.manifest, previous, staging) if work.manifest and previous and staging else None

    def render_unit(unit: list[Route] | Callable[[], Rendered]) -> Rendered:
        if not isinstance(unit, list):
            return unit()
        problems, new, keys, reused = {}, {}, {}, set()
        gathered = None  # the plans' terms gathered once for the unit's gathering files
        if unit[0] in gathering:  # the one unit of every gathering route (see _units_of_work)
            new = make_all_parts(policy, missing)
            if save_with_parts is not None:
                save_with_parts(new)
            gathered = Gathering(site, config, {**work.known, **new})
        for route in unit:
            if not route.key and work.keys is not None:
                key = keys[route.path] = work.keys.key(renderer.source(route.kind, route.subject))
                if last is not None and _reuse(route, key, *last, folders):
                    reused.add(route.path)
                    counter.add_one()
                    continue
            files = made.get((route.path, route.key))
            if files is None:
                files, found = render_route(renderer, site, route, {}, gathered)
                if found:
                    problems[route.path] = tuple(found)
            if staging is not None:
                _put_files(files, staging, previous, folders)
            counter.add_one()
        return Rendered(problems, new, [], keys, frozenset(reused))

    with watching(counter, len(routes), progress):
        results = run_longest_first(render_unit, units, costs)
    return Rendered(
        {path: found for result in results for path, found in result.problems.items()},
        {path: part for result in results for path, part in result.parts.items()},
        [problem for result in results for problem in result.checked],
        {path: key for result in results for path, key in result.keys.items()},
        frozenset(path for result in results for path in result.reused),
    )


def _reuse(
    route: Route, key: str | None, manifest: Manifest, previous: Path, staging: Path, folders: set[Path]
) -> bool:
    """Link the last build's files of a route into staging if they were made from this key
    (None: any key)."""
    if not all(manifest.reusable(previous, path, key) for path in route.outputs):
        return False
    for path in route.outputs:
        link_file(staging, path, previous / path, folders)
    return True


def _run_checks(checks: Checks) -> Rendered:
    return Rendered({}, {}, checks())


def _run_save(save: Callable[[Mapping[str, PlanParts]], None]) -> Rendered:
    save({})
    return Rendered({}, {}, [])


def _units_of_work(
    routes: list[Route], gathering: list[Route], missing: list[Plan], also: int = 0
) -> tuple[list[list[Route] | Callable[[], Rendered]], list[int]]:
    """Return the units of work with their costs: each route on its own, but the gathering
    routes one unit together, which first makes the plans' parts that are missing: each
    gathering file needs every plan's, and the two search files gather every plan's terms
    (see Gathering.search_corpus), which, done once for both, takes a tenth off the
    rebuild after an edit of the real corpus. `also`: the cost of what else that unit
    does (saving the parsed plans)."""
    bundled = {route.path for route in gathering}
    units: list[list[Route] | Callable[[], Rendered]] = [
        [route] for route in routes if route.path not in bundled
    ]
    costs = [route.cost for route in routes if route.path not in bundled]
    if bundled:
        units.append(gathering)
        costs.append(sum(route.cost for route in gathering) + sum(map(parts_cost, missing)) + also)
    return units, costs


def _put_files(files: dict[str, bytes], staging: Path, previous: Path | None, folders: set[Path]) -> None:
    """Write files into staging, but link those the previous output holds already, keeping their time."""
    for path, data in files.items():
        if previous is not None and holds(previous / path, data):
            link_file(staging, path, previous / path, folders)
        else:
            write_file(staging, path, data, folders)


def render_route(
    renderer: Renderer,
    site: Site,
    route: Route,
    parts: dict[str, PlanParts],
    gathering: Gathering | None = None,
) -> tuple[dict[str, bytes], list[Problem]]:
    """Return the files of one route by path, and the problems found making them.

    The files of a gathering route come from `gathering`, when given, else from `parts`.
    """
    if route.kind in GATHERING_KINDS:
        return (gathering or Gathering(site, renderer.config, parts)).files(route.kind), []
    if route.kind == "publishing":
        return publishing_files(site, renderer.config, route.subject), []
    page = renderer.source(route.kind, route.subject)
    try:
        data, problems = renderer.render(page)
    except Exception as error:
        if route.kind not in ("plan", "experiment"):
            raise
        plan = site.plans[int(route.subject[0])]
        raise RuntimeError(f"while rendering {plan.source_path}: {type(error).__name__}: {error}") from error
    return {route.path: data}, problems


def reuse_pages(
    routes: list[Route], manifest: Manifest, output: Path, staging: Path, any_key: bool = False
) -> set[str]:
    """Link the unchanged files of the last build into staging; return their routes' paths.

    With any_key, link the last build's files of the routes even when their inputs changed.
    """
    folders: set[Path] = set()
    return {
        route.path
        for route in routes
        if _reuse(route, None if any_key else route.key, manifest, output, staging, folders)
    }


def _all_problems(
    site: Site, page_problems: dict[str, tuple[Problem, ...]], site_problems: list[Problem]
) -> tuple[Problem, ...]:
    """Return every problem once, by file and line: the site's, its pages' and the checks'."""
    found = set(site.problems) | set(site_problems)
    found.update(problem for problems in page_problems.values() for problem in problems)
    return tuple(sorted(found, key=_problem_order))


def _problem_order(problem: Problem) -> tuple[str, int, str]:
    return (problem.path, problem.line or 0, problem.message)


def explain_failure(error: Exception, templates: Path) -> tuple[Problem, ...]:
    """Name the file and line of what made a build fail, as far as they can be found."""
    syntax = template_problems(templates)
    if syntax:
        return tuple(syntax)
    # A failure in another process (see parallel.WorkerError) brings its own description and frames.
    message = str(error) if isinstance(error, WorkerError) else f"{type(error).__name__}: {error}"
    folder = templates.resolve()
    # Where it failed: the innermost frame of a template or of planfolio's own code, Jinja's
    # and markupsafe's frames left aside (an undefined value fails in them). Jinja gives its templates'
    # frames their file names and lines; a failure in planfolio's code, though a template
    # called it (a filter), is planfolio's.
    for filename, line in reversed(error_frames(error)):
        path = Path(filename).resolve()
        if path.is_relative_to(folder):
            name = path.relative_to(folder).as_posix()
            # The page it failed on says more than the error wrapped around that (render_route).
            message = message.removeprefix(f"{RuntimeError.__name__}: ")
            return (Problem(f"{templates.name}/{name}", line, message),)
        if not any(map(path.is_relative_to, _TEMPLATE_ENGINE)):
            break
    return (Problem("the build", None, message),)


# The folders of Jinja's code and of the escaping it calls (see explain_failure).
_TEMPLATE_ENGINE = tuple(Path(module.__file__ or "").resolve().parent for module in (jinja2, markupsafe))
