"""Time the search page in Chromium, from file://: navigation start to the first result.

Run from the project root:  python bench/bench_search_page.py [--plans DIR] [--runs N] [--query Q]

It builds the plans into a temporary folder, then opens `search.html?q=...` from
file:// in a fresh browser context for every run (after one warm-up run that is not
counted). A script installed before the page's own records, with the page's clock
(performance.now(), which starts at navigation start), when the first result
element is added, the next frame after it (the result on screen), and when the
full-text results replace the first ones. It also gzips every file the page
loaded, as a server would send them. Results go to bench/results/search_page.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from browser import CHROMIUM_ARGS  # noqa: E402  (the tests' browser)

DEFAULT_PLANS = ROOT.parent / "shared" / "corpus" / "plans"
RESULTS = ROOT / "bench" / "results" / "search_page.json"
BUDGET_FIRST_RESULT_MS = 1000
BUDGET_FIRST_FILE = 600_000
BUDGET_PAGE = 2_500_000
# Runs before the page's scripts: note when the first result appears and when it is drawn.
_PROBE = """
window.__bench = {};
new MutationObserver(function (mutations, observer) {
  var app = document.getElementById('search-app');
  if (!window.__bench.firstResult && document.querySelector('li.result')) {
    window.__bench.firstResult = performance.now();
    // The frame callback runs before the paint; a task queued from it runs after.
    requestAnimationFrame(function () {
      setTimeout(function () { window.__bench.firstResultDrawn = performance.now(); }, 0);
    });
  }
  if (app && app.getAttribute('data-index') === 'full' && !window.__bench.fullText) {
    window.__bench.fullText = performance.now();
    observer.disconnect();
  }
}).observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-index'] });
"""


def build_site(plans: Path, into: Path) -> Path:
    """Build the plans into a folder (the build's cache goes beside it); return the site."""
    output = into / "site"
    command = [
        sys.executable,
        str(ROOT / "build.py"),
        "build",
        "--source",
        str(plans),
        "--output",
        str(output),
    ]
    subprocess.run(command, cwd=into, check=True, capture_output=True)
    return output


def one_run(browser: Browser, url: str) -> dict[str, object]:
    """Open the page in a fresh context; return its timings (ms) and the files it loaded."""
    context = browser.new_context()
    try:
        page = context.new_page()
        errors: list[str] = []
        loaded: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("request", lambda request: loaded.append(request.url))
        page.add_init_script(_PROBE)
        page.goto(url)
        page.wait_for_function("window.__bench.fullText && window.__bench.firstResultDrawn", timeout=30_000)
        timings = page.evaluate("window.__bench")
        shown = page.locator("li.result").count()
    finally:
        context.close()
    if errors or not shown:
        raise SystemExit(f"the page failed: {errors or 'no result shown'}")
    return {"timings": timings, "loaded": loaded}


def summary(values: list[float]) -> dict[str, object]:
    """Return the median, min and max of some measurements, and the measurements."""
    return {
        "median": round(statistics.median(values), 1),
        "min": round(min(values), 1),
        "max": round(max(values), 1),
        "runs": [round(value, 1) for value in values],
    }


def downloads(site: Path, urls: list[str]) -> dict[str, dict[str, int]]:
    """Return the raw and gzipped size of every file the page loaded, by path in the site."""
    sizes = {}
    for url in urls:
        path = Path(unquote(urlsplit(url).path))
        data = path.read_bytes()
        sizes[path.relative_to(site).as_posix()] = {
            "bytes": len(data),
            "gzipped": len(gzip.compress(data, compresslevel=9, mtime=0)),
        }
    return sizes


def main() -> None:
    """Build, measure, print and save."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=Path, default=DEFAULT_PLANS)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--query", default="waste")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("Chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="planfolio-bench-") as temporary:
        site = build_site(args.plans, Path(temporary))
        url = (site / "search.html").as_uri() + "?q=" + args.query
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            version = browser.version
            one_run(browser, url)  # warm-up: the disk cache and the browser's first start
            runs = [one_run(browser, url) for _ in range(args.runs)]
            browser.close()
        sizes = downloads(site, runs[0]["loaded"])  # type: ignore[arg-type]
    timings = [run["timings"] for run in runs]
    first = summary([t["firstResult"] for t in timings])  # type: ignore[index]
    drawn = summary([t["firstResultDrawn"] for t in timings])  # type: ignore[index]
    full = summary([t["fullText"] for t in timings])  # type: ignore[index]
    total = sum(size["gzipped"] for size in sizes.values())
    results = {
        "query": args.query,
        "plans": len(list(args.plans.glob("*.md"))),
        "chromium": version,
        "machine": f"{platform.machine()}, {platform.system()}",
        "runs": args.runs,
        "first_result_added_ms": first,
        "first_result_on_screen_ms": drawn,
        "full_text_results_ms": full,
        "downloads": sizes,
        "downloads_gzipped_total": total,
        "budgets": {
            "first_result_on_screen_ms": BUDGET_FIRST_RESULT_MS,
            "search_index_js_gzipped": BUDGET_FIRST_FILE,
            "downloads_gzipped_total": BUDGET_PAGE,
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"search.html?q={args.query} from file://, Chromium {version}, {args.runs} runs after a warm-up\n")
    print(f"{'from navigation start (ms)':<34}{'median':>10}{'min':>10}{'max':>10}")
    for label, values in (
        ("first result added", first),
        ("first result on screen", drawn),
        ("full-text results shown", full),
    ):
        print(f"{label:<34}{values['median']:>10}{values['min']:>10}{values['max']:>10}")
    print(f"budget: first result on screen within {BUDGET_FIRST_RESULT_MS} ms\n")
    print(f"{'file the page loaded':<40}{'bytes':>12}{'gzipped':>12}")
    for name, size in sizes.items():
        print(f"{name:<40}{size['bytes']:>12,}{size['gzipped']:>12,}")
    print(f"{'total':<40}{sum(s['bytes'] for s in sizes.values()):>12,}{total:>12,}")
    print(f"budgets: search-index.js {BUDGET_FIRST_FILE:,} gzipped; everything {BUDGET_PAGE:,} gzipped")
    print(f"results saved to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
