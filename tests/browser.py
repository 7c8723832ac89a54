"""Real Chromium for the browser tests: Debian's chromium driven by Playwright.

Tests open a browser with `with chromium() as browser:` in a module fixture, and watch
each page with `watch(page)`. Without the chromium package they are skipped, saying why.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")  # Debian's package (apt-get install chromium)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-proxy-server",  # the local test server is reached directly, whatever the environment says
]


@contextmanager
def chromium() -> Iterator[object]:
    """Launch headless Chromium, or skip the test when it is not installed."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Watch:
    """What went wrong while a page was open: failed or blocked requests, errors."""

    failed_requests: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Return every problem seen, one line each."""
        return (
            [f"failed request: {url}" for url in self.failed_requests]
            + [f"blocked request: {url}" for url in self.blocked_requests]
            + [f"console error: {text}" for text in self.console_errors]
            + [f"page error: {text}" for text in self.page_errors]
        )


def watch(page, seen: Watch | None = None) -> Watch:
    """Start recording failed requests, console errors and uncaught errors of a page."""
    seen = Watch() if seen is None else seen
    page.on("requestfailed", lambda request: seen.failed_requests.append(f"{request.url} {request.failure}"))
    page.on("console", lambda message: message.type == "error" and seen.console_errors.append(message.text))
    page.on("pageerror", lambda error: seen.page_errors.append(str(error)))
    return seen


def offline_context(browser, seen: Watch):
    """Return a browser context with the network off, aborting and recording any request to it."""
    context = browser.new_context()
    context.set_offline(True)

    def only_files(route) -> None:
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            seen.blocked_requests.append(route.request.url)
            route.abort()

    context.route("**/*", only_files)
    return context
