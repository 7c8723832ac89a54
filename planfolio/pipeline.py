"""The build, as a list of stages: discover, parse, model, render, write."""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from . import urls
from .check import check_site
from .config import Config
from .model import Plan, Problem
from .output import check_output_folder, copy_tree, staging_folder, swap_in, write_file
from .parse import parse_plan_bytes
from .render import Renderer
from .site import TAXONOMIES, Site, build_site

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = PROJECT_ROOT / "templates"
ASSETS = PROJECT_ROOT / "assets"
PLAN_SUFFIXES = (".md", ".markdown")


@dataclass(frozen=True)
class BuildResult:
    """What a build did: counts, problems and time taken."""

    plans_read: int
    pages_written: int
    files_written: int
    problems: tuple[Problem, ...]
    seconds: float

    @property
    def errors(self) -> int:
        """Return how many problems are errors."""
        return sum(problem.severity == "error" for problem in self.problems)


def build(source: Path, output: Path, config: Config) -> BuildResult:
    """Build the site from a folder of plans into the output folder, atomically."""
    started = time.perf_counter()
    check_output_folder(output, source, PROJECT_ROOT)
    site = read_site(source)
    files, render_problems = render_site(site, config)
    problems = _all_problems(site, render_problems, check_site(site, source))
    staging = staging_folder(output)
    try:
        for path in sorted(files):
            write_file(staging, path, files[path])
        assets = copy_tree(ASSETS, staging, "assets")
        swap_in(staging, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    pages = sum(path.endswith(".html") for path in files)
    seconds = time.perf_counter() - started
    return BuildResult(len(site.plans), pages, len(files) + len(assets), problems, seconds)


def check(source: Path, config: Config) -> tuple[Site, tuple[Problem, ...]]:
    """Run every stage of a build but writing; return the site and all its problems."""
    site = read_site(source)
    _, render_problems = render_site(site, config)
    return site, _all_problems(site, render_problems, check_site(site, source))


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


def render_site(site: Site, config: Config) -> tuple[dict[str, bytes], list[Problem]]:
    """Render every page of the site; return the files by path and the problems."""
    renderer = Renderer(TEMPLATES, config, site)
    files: dict[str, bytes] = {}
    problems: list[Problem] = []
    for plan in site.plans:
        try:
            files[urls.plan_path(plan.slug)], found = renderer.plan_page(plan)
        except Exception as error:
            raise RuntimeError(f"while rendering {plan.source_path}: {error}") from error
        problems += found
    for spec in TAXONOMIES:
        for term in site.taxonomies[spec.key].terms.values():
            files[urls.term_path(spec.folder, term.slug)] = renderer.term_page(spec, term)
        for by_count in (False, True):
            files[urls.taxonomy_index_path(spec.folder, by_count)] = renderer.taxonomy_index(spec, by_count)
    files[urls.HOME] = renderer.home()
    files[urls.SEARCH] = renderer.page("search.html", urls.SEARCH, "Search")
    return files, problems


def _problem_order(problem: Problem) -> tuple[str, int, str]:
    return (problem.path, problem.line or 0, problem.message)


def _all_problems(site: Site, *more: list[Problem]) -> tuple[Problem, ...]:
    found = site.problems + tuple(problem for problems in more for problem in problems)
    return tuple(sorted(found, key=_problem_order))
