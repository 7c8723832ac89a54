"""Measure the related documents: how often a plan and its end-of-cycle report find each
other, and how long computing every related list takes.

Run from the project root:

    python bench/related_quality.py               # the real corpus, 7 timed runs
    python bench/related_quality.py --synthetic   # and the 10,000-plan synthetic corpus

A pair is a plan (the plan template) and a report (the end-of-cycle report template) of
the same country whose titles are the same once folded: case and accents folded, words
such as "closing", "closure", "cierre", "clôture" and "closing form" left out, and
punctuation read as spaces. Each pair counts twice: the plan should list the report
among its related documents, and the report the plan. Timings are CPU seconds of this
process (other work on the machine disturbs them less than the wall clock), median,
min and max of several runs, beside the floor of bench/run.py (one plain `mistune`
pass over the same files) measured alike in the same run: the bound, 0.3 s of the
real corpus's cold build, is about 0.19 × the floor of the machine bench/run.py ran on
(1.55 s). Results go to bench/results/related_quality.json.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
import unicodedata
from collections import defaultdict
from pathlib import Path

import mistune

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planfolio.model import Plan  # noqa: E402
from planfolio.pipeline import read_site  # noqa: E402
from planfolio.related import related_documents  # noqa: E402
from planfolio.site import Site  # noqa: E402

DEFAULT_PLANS = ROOT.parent / "shared" / "corpus" / "plans"
RESULTS = ROOT / "bench" / "results" / "related_quality.json"
#: The share of pair directions that must find each other.
TARGET = 0.9
# Words that mark a report as the end of a plan's cycle, in the corpus's three languages.
_CLOSING = re.compile(
    r"\b(?:closing\s+form|closing|closure|closed|close\s+of|cierre|cerrado|cloture|fermeture|end\s+of\s+cycle)\b"
)
_NON_WORD = re.compile(r"[\W_]+")


def folded_title(title: str) -> str:
    """Return a title as pairs are matched by: folded, closing words and punctuation left out."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(char for char in text if not unicodedata.combining(char)).casefold()
    return " ".join(_NON_WORD.sub(" ", _CLOSING.sub(" ", text)).split())


def closing_pairs(plans: tuple[Plan, ...]) -> list[tuple[Plan, Plan]]:
    """Return every (plan, report) of one country whose folded titles are the same."""
    groups: defaultdict[tuple[str, str], dict[str, list[Plan]]] = defaultdict(lambda: defaultdict(list))
    for plan in plans:
        title = folded_title(plan.title)
        if title:
            groups[title, plan.country][plan.template].append(plan)
    return [
        (plan, report)
        for key in sorted(groups)
        for plan in groups[key]["plan"]
        for report in groups[key]["report"]
    ]


def pair_quality(site: Site) -> dict[str, object]:
    """Return how many pair directions find each other among the related documents, and which miss."""
    pairs = closing_pairs(site.plans)
    found, missed = 0, []
    for plan, report in pairs:
        for one, other in ((plan, report), (report, plan)):
            listed = [item.plan.source_path for item in site.related[one.source_path]]
            if other.source_path in listed:
                found += 1
            else:
                missed.append({"from": one.title, "to": other.title})
    directions = 2 * len(pairs)
    share = found / directions if directions else 0.0
    return {"pairs": len(pairs), "directions": directions, "found": found, "share": share, "missed": missed}


def summary(values: list[float]) -> dict[str, float]:
    """Return the median, min and max of some measurements."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def floor(source: Path) -> float:
    """Return the CPU seconds of one plain mistune pass over a folder's plans (bench/run.py's floor)."""
    texts = [path.read_text(encoding="utf-8-sig") for path in sorted(source.glob("*.md"))]
    markdown = mistune.create_markdown(escape=False)
    started = time.process_time()
    for text in texts:
        markdown(text)
    return time.process_time() - started


def timings(source: Path, runs: int, with_floor: bool = True) -> dict[str, object]:
    """Time computing a folder's related documents several times, each beside the floor if asked."""
    site = read_site(source)
    relating, floors = [], []
    gc.disable()  # as during a build
    try:
        for _ in range(runs):
            started = time.process_time()
            related_documents(site)
            relating.append(time.process_time() - started)
            if with_floor:
                floors.append(floor(source))
    finally:
        gc.enable()
    tracemalloc.start()
    related_documents(site)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "documents": len(site.plans),
        "related_cpu_s": summary(relating),
        "floor_cpu_s": summary(floors) if floors else None,
        "related_to_floor": (
            summary([mine / base for mine, base in zip(relating, floors, strict=True)]) if floors else None
        ),
        "related_peak_mb": peak / 2**20,
        "process_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    """Measure on the real corpus, and on the synthetic one if asked; write and print the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--plans", type=Path, default=DEFAULT_PLANS)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--synthetic", action="store_true", help="also time a 10,000-plan synthetic corpus")
    arguments = parser.parse_args()
    site = read_site(arguments.plans)
    results: dict[str, object] = {"quality": pair_quality(site), "target": TARGET}
    results["corpus"] = timings(arguments.plans, arguments.runs)
    if arguments.synthetic:
        sys.path.insert(0, str(ROOT / "bench"))
        from run import make_synthetic

        with tempfile.TemporaryDirectory() as work:
            folder = make_synthetic(10_000, Path(work) / "synthetic")
            # Its floor would take a minute a run: the growth is read against the corpus's instead.
            results["synthetic"] = synthetic = timings(folder, max(3, arguments.runs // 2), with_floor=False)
            growth = synthetic["related_cpu_s"]["median"] / results["corpus"]["related_cpu_s"]["median"]  # type: ignore[index]
            results["synthetic_to_corpus"] = growth
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    quality = results["quality"]
    assert isinstance(quality, dict)
    print(f"pairs found: {quality['found']} of {quality['directions']} ({quality['share']:.1%})")
    for name in ("corpus", "synthetic"):
        if name in results:
            measured = results[name]
            assert isinstance(measured, dict)
            related, ratio = measured["related_cpu_s"], measured["related_to_floor"]
            print(
                f"{name}: {measured['documents']} documents, related {related['median']:.3f} s"
                f" (min {related['min']:.3f}, max {related['max']:.3f}),"
                f" peak {measured['related_peak_mb']:.0f} MB traced,"
                f" {measured['process_peak_mb']:.0f} MB for the process"
            )
            if ratio:
                print(f"  {ratio['median']:.3f} × the floor (min {ratio['min']:.3f}, max {ratio['max']:.3f})")
    if "synthetic_to_corpus" in results:
        print(f"synthetic / corpus: {results['synthetic_to_corpus']:.1f} ×")
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
