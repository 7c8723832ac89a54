"""Time planfolio's search index build against lunr.py's stock `lunr()`, side by side.

Run from the project root:  python bench/bench_search.py [--plans DIR] [--runs N]

Each run clears the stemmer's memo, builds every search file with
`build_search_files`, then indexes the same documents (same fields and boosts) with
`lunr.lunr()`; the documents for lunr are made before its clock starts. It prints
the median, minimum and maximum of each, their ratio (on the wall clock, and in CPU
time, which other work on the machine disturbs less), and the gzipped size of every
file the search page downloads. Results also go to bench/results/search_build.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lunr  # noqa: E402

from planfolio.model import Plan  # noqa: E402
from planfolio.parse import parse_plan_bytes  # noqa: E402
from planfolio.search import FULL_FIELDS, build_search_files, gzipped_size, plan_document  # noqa: E402
from planfolio.site import build_site  # noqa: E402
from planfolio.stemmer import stem  # noqa: E402

DEFAULT_PLANS = ROOT.parent / "shared" / "corpus" / "plans"
#: Files the search page loads besides the generated ones, from the assets folder.
PAGE_ASSETS = (
    "vendor/lunr/lunr.js",
    "js/search-pipeline.js",
    "js/search-query.js",
    "js/search.js",
    "style.css",
)
RESULTS = ROOT / "bench" / "results" / "search_build.json"
BUDGET_FIRST = 600_000
BUDGET_PAGE = 2_500_000


def read_plans(folder: Path) -> list[Plan]:
    """Parse every plan of a folder and give each its slug, as a build does."""
    plans = []
    for path in sorted(folder.glob("*.md")):
        plan, _ = parse_plan_bytes(path.read_bytes(), path.name)
        if plan is not None:
            plans.append(plan)
    return list(build_site(plans, []).plans)


def stock_build(plans: list[Plan]) -> Callable[[], object]:
    """Return a call of lunr.py's `lunr()` over the documents our full index holds."""
    fields = [{"field_name": field.name, "boost": field.boost} for field in FULL_FIELDS]
    documents = [plan_document(plan) | {"id": str(number)} for number, plan in enumerate(plans)]
    return lambda: lunr.lunr(ref="id", fields=fields, documents=documents)


def ours_build(plans: list[Plan]) -> Callable[[], object]:
    """Return a cold build of every search file: the stemmer's memo is cleared first."""

    def build() -> object:
        stem.cache_clear()
        return build_search_files(plans)

    return build


def timed(call: Callable[[], object]) -> tuple[float, float]:
    """Return the wall-clock and the CPU seconds one call takes."""
    wall, cpu = time.perf_counter(), time.process_time()
    call()
    return time.perf_counter() - wall, time.process_time() - cpu


def print_times(clock: str, ours: list[float], stock: list[float]) -> None:
    """Print median, min and max of both builds and their ratio, on one clock."""
    ratios = [a / b for a, b in zip(ours, stock, strict=True)]
    print(f"{clock + ' time':<34}{'median':>10}{'min':>10}{'max':>10}")
    for name, values in (
        ("planfolio build_search_files (s)", ours),
        ("lunr.py lunr(), full fields (s)", stock),
        ("ratio ours / stock, per run", ratios),
    ):
        print(f"{name:<34}{statistics.median(values):>10.3f}{min(values):>10.3f}{max(values):>10.3f}")
    print("target: ratio at most 0.333\n")


def page_files(files: dict[str, bytes]) -> list[tuple[str, bytes]]:
    """Return the search files and the assets the search page loads, by path in the site."""
    rows = [(name, data) for name, data in sorted(files.items())]
    return rows + [(f"assets/{name}", (ROOT / "assets" / name).read_bytes()) for name in PAGE_ASSETS]


def save_results(plans: int, times: dict[str, list[float]], files: dict[str, bytes]) -> None:
    """Write the measurements as JSON to RESULTS."""
    spans = {
        name: {"median": statistics.median(v), "min": min(v), "max": max(v)} for name, v in times.items()
    }
    sizes = {name: {"bytes": len(data), "gzipped": gzipped_size(data)} for name, data in page_files(files)}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"plans": plans, "seconds": spans, "sizes": sizes}, indent=2)
    RESULTS.write_text(text + "\n", encoding="utf-8")


def print_sizes(files: dict[str, bytes]) -> None:
    """Print raw and gzipped sizes of the search files and the page's total download."""
    rows = page_files(files)
    print(f"{'file':<34}{'bytes':>12}{'gzipped':>12}")
    for name, data in rows:
        print(f"{name:<34}{len(data):>12,}{gzipped_size(data):>12,}")
    page = sum(gzipped_size(data) for name, data in rows if not name.endswith(".json"))
    first = gzipped_size(files["search-index.js"])
    print(f"search-index.js gzipped: {first:,} (budget {BUDGET_FIRST:,})")
    print(f"page download, gzipped:  {page:,} (budget {BUDGET_PAGE:,}; without search.html itself)")


def main() -> None:
    """Run the benchmark and print its tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=Path, default=DEFAULT_PLANS)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    plans = read_plans(args.plans)
    print(f"{len(plans)} plans from {args.plans.name}/, {args.runs} runs\n")
    ours, stock = ours_build(plans), stock_build(plans)
    ours_times, stock_times = [], []
    for _ in range(args.runs):
        ours_times.append(timed(ours))
        stock_times.append(timed(stock))
    times = {}
    for clock, key, which in (("wall-clock", "wall", 0), ("CPU", "cpu", 1)):
        ours_clock, stock_clock = [t[which] for t in ours_times], [t[which] for t in stock_times]
        print_times(clock, ours_clock, stock_clock)
        times[f"planfolio_{key}"], times[f"stock_lunr_{key}"] = ours_clock, stock_clock
        times[f"ratio_{key}"] = [a / b for a, b in zip(ours_clock, stock_clock, strict=True)]
    files = build_search_files(plans)
    print_sizes(files)
    save_results(len(plans), times, files)


if __name__ == "__main__":
    main()
