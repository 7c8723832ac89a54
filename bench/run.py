"""Benchmark planfolio's builds on the real corpus and on a synthetic 10,000-plan corpus.

Run from the project root after the README's install:

    python bench/run.py                 # both corpora, 5 runs each
    python bench/run.py --runs 3 --skip-synthetic

Every figure is the median of several runs with their min and max. The floor is
a plain one-core `mistune` pass over the same files, measured in the same run, so
results can be read as a ratio to it. It is timed twice: inside a process (the pass
alone, against the build's own clock) and as a whole process (`python -c` reading the
files and rendering them, start-up and imports included, against `python build.py
build` as a user runs it), the two whole processes one after the other, round robin.
Both import compiled modules, as an installed package does: pip compiles mistune's when
it installs it, and the benchmark compiles planfolio's before it starts (an editable
install compiles them at its first run, unless PYTHONDONTWRITEBYTECODE is set).
Results go to bench/results/latest.json and the table printed at the end is the one
the README shows.

Before the cold builds of each corpus it waits, six minutes at most, for the disk to
make files at its usual speed (see settled_disk), and it keeps every output until it
ends: about 3 GB of the system's temporary folder.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
CORPUS = PROJECT.parent / "shared" / "corpus" / "plans"
RESULTS = PROJECT / "bench" / "results" / "latest.json"
_BUILD = """
import resource, sys, time
from pathlib import Path
from planfolio.config import Config
from planfolio.pipeline import build
cache = None if sys.argv[3] == "-" else Path(sys.argv[3])
result = build(Path(sys.argv[1]), Path(sys.argv[2]), Config(), cache)
usage = resource.getrusage
peak = max(usage(resource.RUSAGE_SELF).ru_maxrss, usage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(result.seconds, result.pages_written, peak)
"""
_FLOOR = """
import sys, time
from pathlib import Path
import mistune
texts = [p.read_text(encoding="utf-8-sig") for p in sorted(Path(sys.argv[1]).glob("*.md"))]
markdown = mistune.create_markdown(escape=False)
started = time.perf_counter()
for text in texts:
    markdown(text)
print(time.perf_counter() - started)
"""
# The floor as a whole process: what a user would wait for the plainest tool.
_WHOLE_FLOOR = """
import sys
from pathlib import Path
import mistune
markdown = mistune.create_markdown(escape=False)
for path in sorted(Path(sys.argv[1]).glob("*.md")):
    markdown(path.read_text(encoding="utf-8-sig"))
"""


def summary(values: list[float]) -> dict[str, float]:
    """Return the median, min and max of some measurements."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def run_python(code: str, *args: object) -> list[str]:
    """Run a snippet in a fresh interpreter from the project root; return its output words."""
    output = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return output.split()


def timed_build(source: Path, output: Path, cache: Path | None) -> tuple[float, int, float]:
    """Build once in a fresh process; return seconds, pages rendered and peak memory in MB."""
    seconds, pages, peak_kb = run_python(_BUILD, source, output, cache or "-")
    return float(seconds), int(pages), int(peak_kb) / 1024


def timed_process(*command: object) -> float:
    """Run a command from the project root, with its package first on the path; return
    the seconds it took, start-up and exit included."""
    environment = {**os.environ, "PYTHONPATH": str(PROJECT)}
    started = time.perf_counter()
    subprocess.run(list(map(str, command)), cwd=PROJECT, env=environment, capture_output=True, check=True)
    return time.perf_counter() - started


def whole_floor(source: Path) -> float:
    """Time the floor as a whole process (see _WHOLE_FLOOR)."""
    return timed_process(sys.executable, "-c", _WHOLE_FLOOR, source)


def whole_build(source: Path, output: Path) -> float:
    """Time `python build.py build` into a new output folder, as a user runs it (the cache
    folder beside the output is new too)."""
    return timed_process(
        sys.executable, "build.py", "build", "--source", source, "--output", output, "--quiet"
    )


def folder_size(folder: Path) -> tuple[int, int]:
    """Return the bytes and the number of files below a folder."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def gzipped(path: Path) -> int:
    """Return a file's size once gzipped, or 0 when it does not exist."""
    return len(gzip.compress(path.read_bytes(), 9)) if path.is_file() else 0


def file_creation_time(folder: Path, count: int = 500) -> float:
    """Return the time the file system takes to create an empty file, in microseconds, on
    average over `count` of them in a new folder below `folder` (kept: deleting them would
    slow the next ones down)."""
    probe = Path(tempfile.mkdtemp(prefix="probe-", dir=folder))
    started = time.perf_counter()
    for number in range(count):
        (probe / str(number)).touch()
    return 1e6 * (time.perf_counter() - started) / count


def settled_disk(folder: Path, quiet_us: float = 25, wait_s: float = 360) -> float:
    """Wait until the file system creates files at its usual speed three times in a row, at
    most wait_s seconds; return the time it then takes to create an empty file, in µs.

    ext4 passes over the inodes freed in the last minute (five, while their inode table
    is not yet written) when it makes a new file: after thousands of files are deleted, it
    makes new ones ten to twenty times more slowly, in the kernel (on this machine about
    10 µs a file when settled, up to 270 µs just after). A cold build making two thousand
    files feels it; the floor, which makes none, does not.
    """
    folder.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_s
    quiet = 0
    while True:
        created = file_creation_time(folder)
        quiet = quiet + 1 if created <= quiet_us else 0
        if quiet == 3 or time.monotonic() > deadline:
            return created
        if quiet == 0:
            print(f"waiting for the disk to settle ({created:.0f} µs a file)", file=sys.stderr)
        time.sleep(5)


def bench_corpus(source: Path, runs: int, work: Path) -> dict[str, object]:
    """Measure cold, no-change and one-edit builds of one folder of plans."""
    plans = sorted(source.glob("*.md"))
    creating = settled_disk(work / "probes")
    # Each cold build right after a floor run: a machine whose speed drifts during the
    # benchmark moves both alike, instead of the one measured first or last.
    floor, cold, peaks = [], [], []
    for run in range(runs):
        floor.append(float(run_python(_FLOOR, source)[0]))
        seconds, _, peak = timed_build(source, work / f"cold-{run}", None)
        cold.append(seconds)
        peaks.append(peak)
    # The whole processes, round robin: the floor, then the build, each run.
    floor_whole, cold_whole = [], []
    for run in range(runs):
        floor_whole.append(whole_floor(source))
        cold_whole.append(whole_build(source, work / f"whole-{run}" / "site"))
    # Every output is kept until the benchmark ends (see settled_disk).
    cache, output = work / "cache", work / "cached"
    timed_build(source, output, cache)
    unchanged = [timed_build(source, output, cache)[0] for _ in range(runs)]
    edited_copy = work / "edited-source"
    shutil.copytree(source, edited_copy)
    victim = edited_copy / plans[len(plans) // 2].name
    timed_build(edited_copy, output, cache)
    one_edit = []
    for run in range(runs):
        text = victim.read_text(encoding="utf-8-sig")
        victim.write_text(
            text.replace("\n", f"\n\nEdited {run}.\n", 1) if run else text + "\nEdited.\n", encoding="utf-8"
        )
        one_edit.append(timed_build(edited_copy, output, cache)[0])
    size, files = folder_size(work / "cold-0")
    median_floor, median_cold = statistics.median(floor), statistics.median(cold)
    return {
        "plans": len(plans),
        "file_creation_us": creating,
        "mistune_floor_s": summary(floor),
        "cold_build_s": summary(cold),
        "cold_to_floor_ratio": median_cold / median_floor,
        "cold_ms_per_plan": 1000 * median_cold / len(plans),
        "whole_floor_s": summary(floor_whole),
        "whole_cold_build_s": summary(cold_whole),
        "whole_cold_to_floor_ratio": summary([b / f for b, f in zip(cold_whole, floor_whole, strict=True)]),
        "whole_cold_to_floor_ratio_of_medians": statistics.median(cold_whole)
        / statistics.median(floor_whole),
        "no_change_rebuild_s": summary(unchanged),
        "one_plan_edited_s": summary(one_edit),
        "peak_memory_mb": summary(peaks),
        "output_bytes": size,
        "output_files": files,
        "search_index_js_gzip_bytes": gzipped(work / "cold-0" / "search-index.js"),
        "search_fulltext_js_gzip_bytes": gzipped(work / "cold-0" / "search-fulltext.js"),
        "search_index_json_gzip_bytes": gzipped(work / "cold-0" / "search-index.json"),
    }


def make_synthetic(count: int, into: Path, seed: int = 2023) -> Path:
    """Write count plans drawn from the real ones' shapes: sizes, sections and term counts.

    Each synthetic plan copies a real plan's structure and metadata counts, with its
    words shuffled and its title numbered, so sizes and shapes follow the corpus.
    """
    rng = random.Random(seed)
    real = [p.read_text(encoding="utf-8-sig") for p in sorted(CORPUS.glob("*.md"))]
    values = {
        key: sorted(set(re.findall(rf"^\[\[{key}:(.*)\]\]", "\n".join(real), re.M)))
        for key in ("country", "methods", "datasources", "sdgs", "thematic_areas")
    }
    into.mkdir(parents=True)
    for number in range(count):
        text = real[rng.randrange(len(real))]

        def swap(match: re.Match[str]) -> str:
            return f"[[{match.group(1)}:{rng.choice(values[match.group(1)])}]]"

        text = re.sub(
            r"^\[\[(country|methods|datasources|sdgs|thematic_areas):.*\]\]", swap, text, flags=re.M
        )
        lines = text.split("\n")
        lines[0] = f"{lines[0]} {number}"
        for index, line in enumerate(lines[1:], 1):
            if line and not line.startswith(("#", ">", "[[", "<")):
                words = line.split(" ")
                rng.shuffle(words)
                lines[index] = " ".join(words)
        (into / f"synthetic_{number:05d}.md").write_text("\n".join(lines), encoding="utf-8")
    return into


def table(results: dict[str, dict[str, object]]) -> str:
    """Return the results as the markdown table the README shows."""

    def span(value: object, unit: str = "s") -> str:
        assert isinstance(value, dict)
        return f"{value['median']:.2f} {unit} ({value['min']:.2f}–{value['max']:.2f})"

    rows = ["| measure | " + " | ".join(results) + " |", "| --- |" + " --- |" * len(results)]
    measures = [
        ("plans", lambda r: str(r["plans"])),
        ("plain mistune pass, one core (floor)", lambda r: span(r["mistune_floor_s"])),
        ("cold build, search included", lambda r: span(r["cold_build_s"])),
        ("cold build ÷ floor", lambda r: f"{r['cold_to_floor_ratio']:.2f} ×"),
        ("floor as a whole process (`python -c`)", lambda r: span(r["whole_floor_s"])),
        ("`python build.py build`, cold, whole process", lambda r: span(r["whole_cold_build_s"])),
        (
            "whole process ÷ whole-process floor, run by run",
            lambda r: span(r["whole_cold_to_floor_ratio"], "×"),
        ),
        ("cold build per plan", lambda r: f"{r['cold_ms_per_plan']:.2f} ms"),
        ("no-change rebuild", lambda r: span(r["no_change_rebuild_s"])),
        ("one plan edited", lambda r: span(r["one_plan_edited_s"])),
        ("peak memory (largest process)", lambda r: span(r["peak_memory_mb"], "MB")),
        ("output", lambda r: f"{r['output_bytes'] / 1e6:.1f} MB in {r['output_files']} files"),
        ("search-index.js, gzipped", lambda r: f"{r['search_index_js_gzip_bytes'] / 1000:.0f} kB"),
        ("search-fulltext.js, gzipped", lambda r: f"{r['search_fulltext_js_gzip_bytes'] / 1000:.0f} kB"),
        ("creating an empty file, before the cold builds", lambda r: f"{r['file_creation_us']:.0f} µs"),
    ]
    for label, cell in measures:
        rows.append(f"| {label} | " + " | ".join(cell(r) for r in results.values()) + " |")
    return "\n".join(rows)


def compile_package() -> None:
    """Compile planfolio's modules as installing it does, so that a whole build, like the
    floor, imports them compiled (py_compile writes them even under PYTHONDONTWRITEBYTECODE)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(PROJECT / "planfolio")], check=True)


def main() -> None:
    """Run the benchmarks and print and save the results."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each measurement (default 5)")
    parser.add_argument("--synthetic", type=int, default=10_000, help="plans in the synthetic corpus")
    parser.add_argument("--skip-synthetic", action="store_true", help="only the real corpus")
    args = parser.parse_args()
    if not CORPUS.is_dir():
        sys.exit(f"the real corpus is not at {CORPUS}")
    compile_package()
    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory(prefix="planfolio-bench-") as temporary:
        work = Path(temporary)
        started = time.perf_counter()
        results["real corpus"] = bench_corpus(CORPUS, args.runs, work / "real")
        if not args.skip_synthetic:
            synthetic = make_synthetic(args.synthetic, work / "synthetic-plans")
            results[f"synthetic {args.synthetic:,}"] = bench_corpus(synthetic, args.runs, work / "synthetic")
        print(f"benchmarked in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results))


if __name__ == "__main__":
    main()
