"""The build, as a list of stages: discover, parse, model, route, render, write, swap."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from .cache import Manifest, fingerprint, load_manifest, save_manifest
from .check import check_site
from .config import Config
from .data import data_files
from .feeds import publishing_files
from .model import Plan, Problem
from .output import check_output_folder, copy_tree, staging_folder, swap_in, write_file
from .parallel import run_parallel, share, worker_count
from .parse import parse_plan_bytes
from .render import Renderer
from .routes import Route, site_routes
from .search import build_search_files
from .site import Site, build_site

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT_ROOT / "templates"
ASSETS = PROJECT_ROOT / "assets"
PLAN_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class BuildResult:
    """What a build did: counts, problems and time taken."""

    plans_read: int
    pages_written: int
    pages_reused: int
    problems: tuple[Problem, ...]
    seconds: float

    @property
    def errors(self) -> int:
        """Return how many problems are errors."""
        return sum(problem.severity == "error" for problem in self.problems)


def build(
    source: Path,
    output: Path,
    config: Config,
    cache: Path | None = None,
    templates: Path = TEMPLATES,
    assets: Path = ASSETS,
) -> BuildResult:
    """Build the site from a folder of plans into the output folder, atomically."""
    started = time.perf_counter()
    check_output_folder(output, source, PROJECT_ROOT)
    site = read_site(source)
    routes = site_routes(site, fingerprint(config, templates), config.base_url)
    manifest = load_manifest(cache)
    staging = staging_folder(output)
    try:
        reused = _reuse_pages(routes, manifest, output, staging)
        fresh = [route for route in routes if route.path not in reused]
        page_problems = {path: manifest.problems.get(path, ()) for path in reused}
        page_problems.update(render_pages(site, config, fresh, staging, templates))
        copy_tree(assets, staging, "assets")
        swap_in(staging, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    keys = {path: route.key for route in routes for path in route.outputs}
    save_manifest(cache, output, keys, page_problems)
    problems = _all_problems(site, page_problems, check_site(site, source))
    seconds = time.perf_counter() - started
    return BuildResult(len(site.plans), len(fresh), len(reused), problems, seconds)


def check(source: Path, config: Config) -> tuple[Site, tuple[Problem, ...]]:
    """Run every stage of a build but writing; return the site and all its problems."""
    site = read_site(source)
    routes = site_routes(site, "", config.base_url)
    page_problems = render_pages(site, config, routes, None)
    return site, _all_problems(site, page_problems, check_site(site, source))


def read_site(source: Path) -> Site:
    """Discover and parse every plan of a folder into the site model."""
    paths, problems = discover(source)
    plans: list[Plan] = []
    for path in paths:
        plan, found = read_plan(source, path)
        problems += found
        if plan is not None:
            plans.append(plan)
    return build_site(plans, problems)


def discover(source: Path) -> tuple[list[Path], list[Problem]]:
    """Return the plan files below a folder, sorted, and what was passed over."""
    if not source.is_dir():
        return [], [Problem(str(source), None, "plans folder not found", kind="no-plans-folder")]
    found, problems = [], []
    for root, folders, names in os.walk(source):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in [name for name in folders if (Path(root) / name).is_symlink()]:
            relative = (Path(root) / name).relative_to(source).as_posix()
            problems.append(Problem(relative, None, "symbolic link not followed", "warning", "symlink"))
            folders.remove(name)
        for name in sorted(names):
            path = Path(root) / name
            if not name.endswith(PLAN_SUFFIXES) or name.startswith("."):
                continue
            if path.is_symlink():
                relative = path.relative_to(source).as_posix()
                problems.append(Problem(relative, None, "symbolic link not followed", "warning", "symlink"))
                continue
            found.append(path)
    return found, problems


def read_plan(source: Path, path: Path) -> tuple[Plan | None, list[Problem]]:
    """Read and parse one plan file, turning a read failure into a problem."""
    relative = path.relative_to(source).as_posix()
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, [Problem(relative, None, f"cannot be read: {error.strerror}", kind="unreadable")]
    return parse_plan_bytes(data, relative)


def render_pages(
    site: Site, config: Config, routes: list[Route], staging: Path | None, templates: Path = TEMPLATES
) -> dict[str, tuple[Problem, ...]]:
    """Render the pages of the given routes into staging (None: nowhere), on every core.

    Return the problems found in each page that has any.
    """
    renderer = Renderer(templates, config, site)

    def render_chunk(chunk: list[Route]) -> dict[str, tuple[Problem, ...]]:
        problems = {}
        for route in chunk:
            files, found = _render_route(renderer, site, route)
            for path, data in files.items():
                if staging is not None:
                    write_file(staging, path, data)
            if found:
                problems[route.path] = tuple(found)
        return problems

    workers = worker_count() if len(routes) > 50 else 1
    chunks = share(routes, [route.cost for route in routes], workers)
    return {path: found for result in run_parallel(render_chunk, chunks) for path, found in result.items()}


def _render_route(renderer: Renderer, site: Site, route: Route) -> tuple[dict[str, bytes], list[Problem]]:
    """Return the files of one route by path, and the problems found making them."""
    if route.kind == "plan":
        plan = site.plans[int(route.subject[0])]
        try:
            data, problems = renderer.plan_page(plan)
        except Exception as error:
            raise RuntimeError(f"while rendering {plan.source_path}: {error}") from error
        return {route.path: data}, problems
    if route.kind == "search-index":
        return build_search_files(site.plans, renderer.config.focal_points), []
    if route.kind == "data":
        return data_files(site, renderer.config), []
    if route.kind == "publishing":
        return publishing_files(site, renderer.config, route.subject), []
    return {route.path: _render_listing(renderer, site, route)}, []


def _render_listing(renderer: Renderer, site: Site, route: Route) -> bytes:
    if route.kind == "term":
        key, slug = route.subject
        taxonomy = site.taxonomies[key]
        return renderer.term_page(taxonomy.spec, taxonomy.terms[slug])
    if route.kind == "index":
        key, by_count = route.subject
        return renderer.taxonomy_index(site.taxonomies[key].spec, by_count == "True")
    if route.kind == "home":
        return renderer.home()
    if route.kind == "not-found":
        return renderer.not_found()
    return renderer.page("search.html", route.path, "Search")


def _reuse_pages(routes: list[Route], manifest: Manifest, output: Path, staging: Path) -> set[str]:
    """Link the unchanged files of the last build into staging; return their routes' paths."""
    reused = set()
    for route in routes:
        if all(manifest.reusable(output, path, route.key) for path in route.outputs):
            for path in route.outputs:
                target = staging / path
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.link(output / path, target)
                except OSError:  # a file system without hard links
                    shutil.copyfile(output / path, target)
            reused.add(route.path)
    return reused


def _all_problems(
    site: Site, page_problems: dict[str, tuple[Problem, ...]], site_problems: list[Problem]
) -> tuple[Problem, ...]:
    """Return every problem once, by file and line: the site's, its pages' and the checks'."""
    found = set(site.problems) | set(site_problems)
    found.update(problem for problems in page_problems.values() for problem in problems)
    return tuple(sorted(found, key=_problem_order))


def _problem_order(problem: Problem) -> tuple[str, int, str]:
    return (problem.path, problem.line or 0, problem.message)
