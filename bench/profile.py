"""Profile a cold build stage by stage: what share of the work each stage takes.

Run from the project root after the README's install:

    python bench/profile.py                  # the real corpus, 5 runs
    python bench/profile.py --plans DIR --runs 3

Every stage runs on one core, one after the other, through the same functions a build
calls, so the shares add up to the whole build's work (a build shares most of it
between the cores). Each figure is the median of several runs with min and max;
results also go to bench/results/profile.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planfolio import snowball  # noqa: E402
from planfolio.cache import code_fingerprint, fingerprint  # noqa: E402
from planfolio.check import check_site  # noqa: E402
from planfolio.config import Config  # noqa: E402
from planfolio.gathering import Gathering, make_parts  # noqa: E402
from planfolio.output import write_file  # noqa: E402
from planfolio.parse import parse_plan_bytes  # noqa: E402
from planfolio.pipeline import TEMPLATES, render_route  # noqa: E402
from planfolio.reading import discover  # noqa: E402
from planfolio.related import with_related  # noqa: E402
from planfolio.render import Renderer  # noqa: E402
from planfolio.routes import PAGE_KINDS, PageKeys, site_routes  # noqa: E402
from planfolio.site import build_site  # noqa: E402
from planfolio.snowball import TermCaches  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from run import settled_disk  # noqa: E402

DEFAULT_PLANS = ROOT.parent / "shared" / "corpus" / "plans"
RESULTS = ROOT / "bench" / "results" / "profile.json"
LISTING_KINDS = ("term", "index", "home", "search", "not-found")


def profile_once(source: Path, output: Path) -> dict[str, float]:
    """Run every stage of a cold build once, on one core; return the seconds each took."""
    config = Config(base_url="https://example.org/portfolio/")
    seconds: dict[str, float] = {}

    def stage(name: str, work: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        result = work()
        seconds[name] = time.perf_counter() - started
        return result

    sources, _ = discover(source)
    files = stage(
        "reading and parsing", lambda: [parse_plan_bytes(p.read_bytes(), relative) for p, relative in sources]
    )
    site = stage("site model", lambda: build_site([plan for plan, _ in files if plan], []))
    site = stage("related documents", lambda: with_related(site))
    renderer = Renderer(TEMPLATES, config, site)
    code = fingerprint(config, code_fingerprint(), TEMPLATES)
    # As a first build makes them: the routes' paths, then each page's context and key.
    routes = stage("routes", lambda: site_routes(renderer, code, unkeyed=PAGE_KINDS))
    pages = [route for route in routes if route.kind in PAGE_KINDS]
    contexts = stage("pages' contexts", lambda: [renderer.source(r.kind, r.subject) for r in pages])
    keys = PageKeys(code)
    stage("pages' keys", lambda: [keys.key(context) for context in contexts])
    terms = TermCaches()
    snowball._stemmer.cache_clear()  # its stemmers keep the words they stemmed: each run starts cold
    parts = stage(
        "plans' search terms and records",
        lambda: {p.source_path: make_parts(p, "hide", terms) for p in site.plans},
    )
    made: dict[str, bytes] = {}
    gathering = Gathering(site, config, parts)  # as a build's process makes the gathering files

    def render(kinds: tuple[str, ...]) -> None:
        for route in routes:
            if route.kind in kinds:
                made.update(render_route(renderer, site, route, parts, gathering)[0])

    stage("plan pages", lambda: render(("plan", "experiment")))
    stage("term pages, indexes, home", lambda: render(LISTING_KINDS))
    stage("gathering every plan's search terms", gathering.search_corpus)
    stage("search-index.js and search-fulltext.js", lambda: render(("search-index",)))
    stage("search-index.json", lambda: render(("search-json",)))
    stage("plans.json and plans.csv", lambda: render(("data",)))
    stage("sitemap, feed, robots.txt", lambda: render(("publishing",)))
    stage("writing files", lambda: [write_file(output, path, data) for path, data in made.items()])
    stage("site checks", lambda: check_site(site, source))
    return seconds


def main() -> None:
    """Profile the stages and print and save the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--plans", type=Path, default=DEFAULT_PLANS, help="folder of plans (default: the corpus)"
    )
    parser.add_argument("--runs", type=int, default=5, help="runs (default 5)")
    args = parser.parse_args()
    runs = []
    # As in a build, the garbage collector is paused; each run's output is kept until the
    # end, as in bench/run.py: a file system makes files slowly just after deleting many.
    with tempfile.TemporaryDirectory(prefix="planfolio-profile-") as outputs:
        creating = settled_disk(Path(outputs) / "probes")
        for run in range(args.runs):
            gc.disable()
            try:
                runs.append(profile_once(args.plans, Path(outputs) / str(run)))
            finally:
                gc.enable()
    stages = {
        name: {
            "median": statistics.median(run[name] for run in runs),
            "min": min(run[name] for run in runs),
            "max": max(run[name] for run in runs),
        }
        for name in runs[0]
    }
    total = sum(figures["median"] for figures in stages.values())
    print(f"| stage (one core, {args.runs} runs) | time | share |\n| --- | --- | --- |")
    for name, figures in sorted(stages.items(), key=lambda item: -item[1]["median"]):
        span = f"{figures['median']:.2f} s ({figures['min']:.2f}–{figures['max']:.2f})"
        print(f"| {name} | {span} | {100 * figures['median'] / total:.0f}% |")
    print(f"| all stages | {total:.2f} s | 100% |")
    print(f"\nCreating an empty file took {creating:.0f} µs before the runs (see bench/run.py).")
    results = {"total_s": total, "file_creation_us": creating, "stages": stages}
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
