"""Time cold builds of a folder of every document type against its plans and experiments alone.

A folder as the Accelerator Labs publish it holds eight other types beside learning plans
and experiments; a build reads those only as far as their type line. Three folders are
built, each a copy made in a temporary folder (symbolic links are not followed):

- `plans+experiments`: the corpus's plans and experiments;
- `all types`: the same with the corpus's other types (20 of each);
- `all types, real counts`: the same with the other types copied up to their counts in
  the whole collection (6,159 solutions, 1,535 blogs, ...).

Cold builds (no cache) alternate between the folders, each in a fresh process; the
script prints and saves (bench/results/types.json) the median, min and max of each,
and each all-types folder's median against the plans and experiments' median
(the bound: at most 1.15).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from run import PROJECT, run_python, settled_disk, summary

CORPUS = PROJECT.parent / "shared" / "corpus"
RESULTS = PROJECT / "bench" / "results" / "types.json"
#: How many documents of each other type the whole collection holds (see the corpus's README).
REAL_COUNTS = {
    "solution": 6159,
    "blog": 1535,
    "publications": 214,
    "story": 81,
    "tools": 81,
    "skills": 62,
    "tactics": 60,
    "principles": 40,
}


# A cold build in a fresh process: its seconds, and the processor time of it and its
# processes (user and system), which other work on the machine sways less.
_BUILD = """
import resource, sys
from pathlib import Path
from planfolio.config import Config
from planfolio.pipeline import build
result = build(Path(sys.argv[1]), Path(sys.argv[2]), Config(), None)
used = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
print(result.seconds, sum(usage.ru_utime + usage.ru_stime for usage in used))
"""


def timed_build(source: Path, output: Path) -> tuple[float, float]:
    """Build once, cold, in a fresh process; return its seconds and its processor seconds."""
    seconds, processor = run_python(_BUILD, source, output)
    return float(seconds), float(processor)


def copy_folders(into: Path, *folders: Path) -> Path:
    """Copy the markdown files of some folders into one new folder."""
    into.mkdir(parents=True)
    for folder in folders:
        for path in sorted(folder.glob("*.md")):
            shutil.copyfile(path, into / path.name)
    return into


def add_real_counts(folder: Path, others: Path) -> int:
    """Copy each other type's files into folder, round and round, up to its real count."""
    by_type: dict[str, list[Path]] = {}
    for path in sorted(others.glob("*.md")):
        head = path.read_bytes().split(b"\n## ", 1)[0].lower()
        found = [name for name in REAL_COUNTS if f"[[type:{name}]]".encode() in head]
        if found:
            by_type.setdefault(found[0], []).append(path)
    copied = 0
    for name, count in REAL_COUNTS.items():
        files = by_type.get(name, [])
        for number in range(count if files else 0):
            source = files[number % len(files)]
            shutil.copyfile(source, folder / f"{number}__{source.name}")
            copied += 1
    return copied


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="cold builds of each folder (default 5)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-types-") as temporary:
        work = Path(temporary)
        plans, experiments, others = CORPUS / "plans", CORPUS / "experiments", CORPUS / "other-types"
        folders = {
            "plans+experiments": copy_folders(work / "pe", plans, experiments),
            "all types": copy_folders(work / "all", plans, experiments, others),
            "all types, real counts": copy_folders(work / "real", plans, experiments),
        }
        add_real_counts(folders["all types, real counts"], others)
        files = {name: len(list(folder.glob("*.md"))) for name, folder in folders.items()}
        disk = settled_disk(work)
        times: dict[str, list[float]] = {name: [] for name in folders}
        processor: dict[str, list[float]] = {name: [] for name in folders}
        for run in range(args.runs):
            for name, folder in folders.items():
                seconds, used = timed_build(folder, work / f"out-{run}-{folder.name}")
                times[name].append(seconds)
                processor[name].append(used)
                print(f"{name}: {seconds:.2f} s, {used:.2f} s of processor time", file=sys.stderr)
    base = summary(times["plans+experiments"])["median"]
    base_processor = summary(processor["plans+experiments"])["median"]
    others = [name for name in folders if name != "plans+experiments"]
    results = {
        "disk_us_per_file": round(disk, 1),
        "folders": {
            name: {
                "files": files[name],
                "cold_build": summary(times[name]),
                "processor_time": summary(processor[name]),
                "runs": times[name],
            }
            for name in folders
        },
        "ratio": {name: summary(times[name])["median"] / base for name in others},
        "processor_ratio": {name: summary(processor[name])["median"] / base_processor for name in others},
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    for name in folders:
        cold, used = summary(times[name]), summary(processor[name])
        spread = f"{cold['min']:.2f}–{cold['max']:.2f}"
        print(f"{name:<24} {files[name]:>6} files  {cold['median']:.2f} s ({spread}),", end=" ")
        print(f"processor {used['median']:.2f} s")
    for name in others:
        ratio, used = results["ratio"][name], results["processor_ratio"][name]
        print(f"{name} ÷ plans+experiments: {ratio:.3f} × ({used:.3f} × in processor time; bound 1.15)")


if __name__ == "__main__":
    main()
