"""Plans written to attack the build or the reader: the build goes on, says what was wrong,
writes nothing outside its output, and publishes nothing that runs in a browser."""

import functools
import http.server
import re
import threading

import pytest

from browser import CHROMIUM, CHROMIUM_ARGS
from hostile import HOSTILE_PLANS, write_hostile_plans
from sitecheck import foreign_scripts, unsafe_markup
from test_build import run_build

# What the build says about each hostile file: every line must be among its problems.
EXPECTED = {
    "script.md": [
        "9: warning: removed what could run code or restyle the page: <script>",
        "13: warning: link with a data: address dropped: only http, https and mailto are kept",
        "17: warning: removed what could run code or restyle the page: <script>",
    ],
    "img_onerror.md": [
        "9: warning: removed what could run code or restyle the page: onerror=",
        "9: warning: link 'x' names a local file that does not exist: expected x in the plans folder",
    ],
    "svg_onload.md": [
        "9: warning: removed what could run code or restyle the page: <svg>",
        "13: warning: removed what could run code or restyle the page: <script>, <svg>",
        "17: warning: removed what could run code or restyle the page: <math>, onerror=",
    ],
    "iframe.md": [
        "9: warning: removed what could run code or restyle the page: <iframe>",
        "13: warning: removed what could run code or restyle the page: <iframe>, <script>",
        "17: warning: removed what could run code or restyle the page: <embed>, <object>",
        "21: warning: removed what could run code or restyle the page: <form>",
    ],
    "style.md": ["9: warning: removed what could run code or restyle the page: <style>"],
    "links_markdown.md": [
        f"{line}: warning: link with a {scheme}: address dropped: only http, https and mailto are kept"
        for line, scheme in [
            (9, "javascript"),
            (13, "javascript"),
            (17, "data"),
            (21, "vbscript"),
            (25, "javascript"),
            (29, "javascript"),
            (35, "javascript"),
            (39, "javascript"),
        ]
    ],  # fmt: skip
    "links_html.md": [
        *(
            f"{line}: warning: link with a {scheme}: address dropped: only http, https and mailto are kept"
            for line, scheme in [
                (9, "javascript"),
                (13, "javascript"),
                (17, "javascript"),
                (21, "data"),
                (25, "vbscript"),
                (33, "javascript"),
                (37, "javascript"),
            ]
        ),  # fmt: skip
        "29: warning: removed what could run code or restyle the page: onclick=",
        "37: warning: removed what could run code or restyle the page: <base>, <meta>",
    ],
    "html_everywhere.md": [
        "3: warning: country: '<script>window.__pwned=1;alert(1)</script>' is not a known country name",
        "7: warning: unknown metadata key 'colour' (kept as extra metadata)",
    ],
    "paths.md": [
        "3: warning: country: '../../etc' is not a known country name",
        "6: error: methods: '?#' has no letters or digits to name a page; left out",
        "7: error: methods: '..' has no letters or digits to name a page; left out",
    ],
    "big_answer.md": [
        "9: warning: answer of 5,027,399 characters is longer than 1,000,000: shown as plain text"
    ],
    "many_metadata.md": [
        "5: warning: unknown metadata key 'colour' on 5000 lines (kept as extra metadata)",
        "6: error: year: given 5000 times (first on line 3); keeping '2000',"
        " ignoring lines 6, 9, 12, 15, 18 and 4895 more",  # 2000 again is no problem
    ],
    "nested.md": ["316: warning: HTML nested 5000 levels deep (at most 100): shown as plain text"],
    "nul.md": ["1: warning: NUL bytes removed"],
    "not_utf8.md": [
        "1: error: not UTF-8: byte 0xe9 in column 6 cannot be decoded; the document is left out: save it as UTF-8"
    ],
    "link_to_outside.md": [" warning: symbolic link not followed"],
    "linked_folder": [" warning: symbolic link not followed"],
}


def files_outside(root, output):
    """Return the files below root but outside output, leaving out the build cache beside it."""
    cache = root / ".planfolio-cache"
    return sorted(
        path
        for path in root.rglob("*")
        if output not in path.parents and path != output and cache not in path.parents and path != cache
    )


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    source = write_hostile_plans(root)
    before = files_outside(root, root / "site")
    result = run_build("build", "--source", source, "--output", root / "site", cwd=root)
    assert result.returncode == 0, result.stderr
    assert files_outside(root, root / "site") == before, "the build wrote outside its output"
    return root / "site", result


def test_every_hostile_file_is_reported(hostile_site):
    _, result = hostile_site
    problems = [re.sub(r"^\d+\. ", "", line) for line in result.stderr.splitlines()[1:]]
    for name, expected in EXPECTED.items():
        for message in expected:
            assert f"{name}:{message}" in problems, f"{name}:{message}"
    assert set(EXPECTED) >= {name for name in HOSTILE_PLANS}


def test_the_readable_plans_are_built(hostile_site):
    site, result = hostile_site
    assert result.stdout.startswith("13 plans read, ")
    assert len(list((site / "plans").glob("*.html"))) == 13


def test_no_page_holds_anything_that_runs(hostile_site):
    site, _ = hostile_site
    unsafe = []
    for page in sorted(site.rglob("*.html")):
        unsafe += [f"{page.relative_to(site)}: {found}" for found in unsafe_markup(page.read_text("utf-8"))]
    assert unsafe == []
    assert foreign_scripts(site) == []


def test_nothing_outside_the_plans_folder_is_published(hostile_site):
    site, _ = hostile_site
    for page in site.rglob("*.html"):
        assert "SECRET-CONTENT" not in page.read_text(encoding="utf-8")
        assert "Secret plan" not in page.read_text(encoding="utf-8")


def test_every_output_path_is_a_plain_ascii_name(hostile_site):
    site, _ = hostile_site
    for path in site.rglob("*"):
        relative = path.relative_to(site).as_posix()
        if relative.startswith("assets/"):
            continue  # copied from the project as they are, not named from the plans
        assert re.fullmatch(r"[a-z0-9][a-z0-9._/-]*|\.nojekyll|\.planfolio-site", relative), relative
        assert ".." not in relative.split("/")
    assert (site / "countries/etc.html").is_file() and (site / "methods/a-b.html").is_file()
    assert (site / "methods/2e-2e.html").is_file() and (site / "plans/etc-passwd.html").is_file()


def test_html_in_titles_and_values_is_shown_as_text(hostile_site):
    site, _ = hostile_site
    page = next((site / "plans").glob("script-window-pwned*.html")).read_text(encoding="utf-8")
    assert "<h1>&lt;script&gt;window.__pwned=1;alert(1)&lt;/script&gt;&lt;img src=x" in page
    assert "&lt;svg onload=window.__pwned=1;alert(1)&gt; Heading" in page
    assert "someone@example.org" not in page  # focal points stay hidden


def test_the_big_answer_is_shown_whole_as_text(hostile_site):
    site, _ = hostile_site
    page = (site / "plans/a-5-mb-answer.html").read_text(encoding="utf-8")
    assert page.count("All work and no play.") == 20 * 11_400


@pytest.fixture(scope="module")
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="module")
def served(hostile_site):
    """Serve the folder holding the site, so the site is under a sub-path: /site/."""
    site, _ = hostile_site
    handler = functools.partial(_QuietHandler, directory=str(site.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{site.name}/"
    server.shutdown()
    thread.join()


@pytest.mark.parametrize("opened_from", ["file", "server"])
def test_no_hostile_page_runs_a_script_in_chromium(hostile_site, chromium, request, opened_from):
    site, _ = hostile_site
    base = site.as_uri() + "/" if opened_from == "file" else request.getfixturevalue("served")
    context = chromium.new_context()
    page = context.new_page()
    fired, requests = [], []

    def on_dialog(dialog):
        fired.append(f"{page.url}: {dialog.type} {dialog.message!r}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: fired.append(f"{page.url}: script error {error}"))
    page.on("console", lambda message: _console(page, message, fired))
    page.on("request", lambda req: requests.append(req.url))
    try:
        for path in sorted(site.rglob("*.html")):
            page.goto(base + path.relative_to(site).as_posix(), wait_until="load")
            if page.evaluate("() => window.__pwned") is not None:
                fired.append(f"{page.url}: window.__pwned was set")
    finally:
        context.close()
    assert fired == []
    assert [url for url in requests if not url.startswith(base)] == []


def _console(page, message, fired):
    """Record what a page's scripts log; a missing image is the browser's own message."""
    if not message.text.startswith("Failed to load resource"):
        fired.append(f"{page.url}: console {message.type} {message.text!r}")


def test_a_pipe_a_loop_of_links_and_capitals_in_the_plans_folder(tmp_path):
    import os

    from conftest import plan_text, write_plans

    source = write_plans(tmp_path / "plans", {"a.md": plan_text("Alpha")})
    (source / "Beta.MD").write_text(plan_text("Beta"), encoding="utf-8")
    os.mkfifo(source / "fifo.md")  # reading it would wait for a writer forever
    (source / "loop1").symlink_to(source / "loop2")
    (source / "loop2").symlink_to(source / "loop1")
    (source / "loop.md").symlink_to(source / "loop.md")
    result = run_build("build", "--source", source, "--output", tmp_path / "site", cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "fifo.md: warning: not a regular file; left out" in result.stderr
    assert "loop.md: warning: symbolic link not followed" in result.stderr
    assert result.stdout.splitlines()[-1].startswith("2 plans read, ")
    assert (tmp_path / "site/plans/beta.html").is_file()
