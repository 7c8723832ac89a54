"""Measure how long a saved plan takes to show in the browser with `python build.py serve`.

Run from the project root after the README's install, with Debian's chromium:

    python bench/bench_serve.py              # 10 edits, 2 s apart
    python bench/bench_serve.py --edits 20 --pause 0.5

The real corpus is copied to a temporary folder and served; Chromium opens one plan's
page; then, N times, the plan's title is changed on disk, and the time from the write
to the page showing the new <h1> (after reloading by itself) is measured. Between a
change showing and the next write the script waits --pause seconds, as a writer would.
A last edit measures how long the lists, search indexes and data files take to follow. For
comparison, a full cold build of the same corpus (`build --no-cache`) is timed.
Results go to bench/results/serve.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT.parent / "shared" / "corpus" / "plans"
RESULTS = PROJECT / "bench" / "results" / "serve.json"

sys.path.insert(0, str(PROJECT / "tests"))
from browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (the tests' browser)
from serving import ServeProcess, copy_theme  # noqa: E402  (the tests' way of running the server)


def summary(values: list[float]) -> dict[str, float]:
    """Return the median, min and max of some measurements, in seconds."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def retitled(text: str, title: str) -> str:
    """Return a plan's text with another title."""
    return re.sub(r"\A# .*", lambda _: f"# {title}", text, count=1)


def measure_edits(folder: Path, edits: int, pause: float) -> dict:
    """Serve the plans in folder, edit one plan's title again and again; return the timings."""
    from playwright.sync_api import sync_playwright

    plan = sorted((folder / "plans").glob("*.md"))[0]
    text = plan.read_text(encoding="utf-8")
    plan.write_text(retitled(text, "Benchmark edit 0"), encoding="utf-8")
    with ServeProcess(folder, timeout=600) as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(server.url + "plans/benchmark-edit-0.html")
        assert page.inner_text("h1") == "Benchmark edit 0", page.inner_text("h1")
        first_build = len(server.lines)
        latencies = []
        for number in range(1, edits + 1):
            time.sleep(pause)
            title = f"Benchmark edit {number}"
            started = time.perf_counter()
            plan.write_text(retitled(text, title), encoding="utf-8")
            page.wait_for_function(
                "title => (document.querySelector('h1') || {}).textContent === title",
                arg=title,
                polling="raf",
                timeout=30_000,
            )
            latencies.append(time.perf_counter() - started)
            print(f"edit {number}: {latencies[-1]:.3f} s", flush=True)
        # Once more, then wait for the lists, search indexes and data files to catch up too.
        time.sleep(pause)
        title = f"Benchmark edit {edits + 1}"
        started = time.perf_counter()
        plan.write_text(retitled(text, title), encoding="utf-8")
        state = server.state()
        while state["build"] < edits + 2 or not state["complete"]:
            state = server.state(after=state["version"])
        complete = time.perf_counter() - started
        chromium = browser.version
        browser.close()
        output = server.lines
    builds = _seconds(output[first_build:], r"^Build \d+: \d+ plans? read.*, ([\d.]+) s")
    catching_up = _seconds(output[first_build:], r"^Build \d+: lists, search indexes .* ([\d.]+) s$")
    return {
        "edit_to_reload_s": {**summary(latencies), "all": latencies},
        "rebuild_s": summary(builds),
        "catch_up_build_s": summary(catching_up) if catching_up else None,
        "edit_to_search_index_s": complete,
        "first_build_s": _seconds(output[:first_build], r"^Build 1: .*, ([\d.]+) s")[0],
        "chromium": chromium,
    }


def measure_cold_build(folder: Path) -> dict:
    """Time a full build of the plans without the cache, as `build.py build --no-cache` does it."""
    command = [sys.executable, str(PROJECT / "build.py"), "build", "--no-cache"]
    command += ["--source", str(folder / "plans"), "--output", str(folder / "cold")]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, cwd=folder, check=True)
    wall = time.perf_counter() - started
    reported = _seconds(result.stdout.splitlines(), r"^\d+ plans? read.*, ([\d.]+) s$")[0]
    return {"build_s": reported, "wall_s": wall}


def _seconds(lines: list[str], pattern: str) -> list[float]:
    return [float(found.group(1)) for line in lines if (found := re.match(pattern, line.strip()))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=10, help="how many edits to time (default: 10)")
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between edits (default: 2)")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        print(f"error: this benchmark needs Chromium at {CHROMIUM}", file=sys.stderr)
        return 1
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as name:
        folder = Path(name)
        plans = sorted(CORPUS.glob("*.md"))
        (folder / "plans").mkdir()
        for path in plans:
            (folder / "plans" / path.name).write_bytes(path.read_bytes())
        copy_theme(folder)
        cold = measure_cold_build(folder)
        edits = measure_edits(folder, args.edits, args.pause)
    results = {
        "plans": len(plans),
        "edits": args.edits,
        "pause_s": args.pause,
        **edits,
        "full_cold_build": cold,
        "machine": {
            "cpus": _cpus(),
            "load_average_before_after": [load, os.getloadavg()[0]],  # other work slows the timings
            "python": platform.python_version(),
            "system": platform.system(),
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    latency = results["edit_to_reload_s"]
    print(
        f"{len(plans)} plans, {args.edits} edits: save to new <h1> shown in {latency['median']:.3f} s"
        f" (median; min {latency['min']:.3f} s, max {latency['max']:.3f} s);"
        f" rebuild {results['rebuild_s']['median']:.3f} s (median);"
        f" search indexes up to date {results['edit_to_search_index_s']:.2f} s after a save."
        f" A full cold build takes {cold['build_s']:.2f} s ({cold['wall_s']:.2f} s with start-up)."
    )
    print(f"Results written to {RESULTS.relative_to(PROJECT)}")
    return 0


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


if __name__ == "__main__":
    sys.exit(main())
