"""The preview server of `python build.py serve`: the built site, reloaded on every save.

It runs on tornado, the server under livereload, with handlers of its own rather than
livereload's `Server`: that one waits 0.8 s between looks at the files, ignores changes
less than 3 s after a reload, reloads the browser even when a build failed, and cannot
tell a page which build it shows. Here (as MkDocs does it):

- every 0.1 s a watcher compares the inputs' stat with the last look; after a change it
  looks again 0.05 s later, and the build starts at the first look that finds nothing
  new, so many quick saves make one build;
- builds run on the server's only thread, so requests wait while one runs and never see
  a half-built or half-swapped folder;
- each HTML response gets a script that knows its build's number and long-polls
  /.planfolio/wait until the builds change: a newer good build reloads the page, a
  failed one shows its errors over the last good page;
- a request path names a file inside the built site, or an address that was a plan's
  page (sent on to its page of the day), or nothing: the site's own 404 page (but
  /favicon.ico, which browsers ask for on their own: No Content, when the site has none).

livereload's watcher is not used either: it misses a plan moved into the folder with an
older modification time than the server's start.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import mimetypes
import posixpath
import re
import secrets
import signal
import sys
import tempfile
import threading
import webbrowser
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from markupsafe import Markup, escape
from tornado import httpserver, netutil, web

from .i18n import N_, Interface, interface
from .model import Problem, counted
from .pipeline import BuildResult
from .preview import BuildState, Inputs, Outcome, Preview, Watcher
from .urls import NOT_FOUND

POLL_SECONDS = 0.1  # how often the inputs are looked at
QUIET_SECONDS = 0.05  # how long they must stay as they are after a change, before a build
WAIT_SECONDS = 30  # a page's long poll is answered at the latest after this, and asks again
SCRIPT_URL = "/.planfolio/livereload.js"
WAIT_URL = "/.planfolio/wait"
_SCRIPT = Path(__file__).with_name("livereload.js")
_NO_MESSAGES = b"var messages = {};"  # in the script, where the server puts its messages
#: What a browser asks for, at the top of the server, when a page names no icon of its own.
FAVICON = "/favicon.ico"


@dataclass(frozen=True)
class ServeOptions:
    """What `python build.py serve` was asked for."""

    inputs: Inputs
    host: str = "127.0.0.1"
    port: int = 8000
    open_browser: bool = False


@dataclass(frozen=True)
class Redirect:
    """A request to send elsewhere, such as a folder asked for without its slash."""

    location: str


def serve(options: ServeOptions) -> int:
    """Build, serve and rebuild on every change until interrupted; return the exit code."""
    try:
        sockets = netutil.bind_sockets(options.port, options.host)
    except (OSError, OverflowError) as error:
        reason = getattr(error, "strerror", None) or error
        print(f"error: cannot listen on {options.host} port {options.port}: {reason}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="planfolio-serve-") as folder:
        preview = Preview(options.inputs, Path(folder))
        try:
            with contextlib.suppress(KeyboardInterrupt):
                asyncio.run(_serve(preview, sockets, options))
        finally:
            preview.close()
    with contextlib.suppress(BrokenPipeError):  # the reader of a pipe may have stopped first
        print("Stopped.", flush=True)
    return 0


async def _serve(preview: Preview, sockets: list, options: ServeOptions) -> None:
    # The loop notes a stop (SIGTERM) even during a build, and stops once the build is done.
    stop = asyncio.Event()
    # A closed terminal (SIGHUP) stops it as cleanly, its temporary folder removed, and so
    # does Ctrl+C (SIGINT) between builds: the pages waiting are answered, where the loop's
    # own handling of it cancelled their handlers, each logged as an error (500).
    for ending in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(ending, stop.set)
    live = LiveSite(preview, Watcher(options.inputs))  # it looks first, so edits during the build count
    with _ctrl_c_stops_at_once():
        outcome = preview.rebuild()
    live.report(outcome)
    await asyncio.sleep(0.01)  # let the loop note a stop asked for during the first build
    if stop.is_set():
        return
    application = web.Application(
        [
            (WAIT_URL, _WaitHandler, {"live": live}),
            (SCRIPT_URL, _ScriptHandler, {"live": live}),
            (r".*", _SiteHandler, {"live": live}),
        ],
        local_only_on=options.host if for_this_machine_only(options.host) else "",
    )
    server = httpserver.HTTPServer(application)
    server.add_sockets(sockets)
    port = sockets[0].getsockname()[1]
    host = f"[{options.host}]" if ":" in options.host else options.host
    url = f"http://{host}:{port}{live.preview.state.mount}"
    print(f"Serving on {url} (press Ctrl+C to stop)", flush=True)
    if options.open_browser:
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    _look(live)
    await stop.wait()
    server.stop()
    # The pages waiting are answered with the state as it is, rather than with an error as
    # their handlers are cancelled; they ask again, and find the server gone.
    live.stopping = True
    live.release()
    await asyncio.sleep(0.05)


@contextlib.contextmanager
def _ctrl_c_stops_at_once() -> Iterator[None]:
    """Let Ctrl+C stop what runs here where it is, with a KeyboardInterrupt.

    The loop's own handling of Ctrl+C stops it once the build running on its thread is
    done: the first build, of a thousand plans, takes seconds, and whatever it leaves
    half-made goes with the temporary folder. The builds after a save are short.
    """
    loops = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, loops)


def _look(live: LiveSite) -> None:
    """Look at the inputs, and again soon: sooner while saves are coming."""
    delay = POLL_SECONDS
    try:
        delay = live.poll()
    finally:
        asyncio.get_running_loop().call_later(delay, _look, live)


class LiveSite:
    """The preview, its watcher, and the pages waiting for the builds to change."""

    def __init__(self, preview: Preview, watcher: Watcher) -> None:
        self.preview = preview
        self.watcher = watcher
        #: This server, among those that may serve a page open in the browser (builds are
        #: numbered from 1 by each).
        self.server = secrets.token_hex(4)
        self._pending = False
        self._changed = asyncio.Event()
        self.stopping = False  # once set, a page's wait is answered at once
        self._problems: set[Problem] = set()

    def poll(self) -> float:
        """Look for changed inputs; build once they stop changing, and catch up when idle.

        Return how long to wait before the next look.
        """
        if self.watcher.changed():
            self._pending = True
            return QUIET_SECONDS
        if self._pending:
            self._pending = False
            self._announce(self.preview.rebuild())
        else:
            outcome = self.preview.catch_up()
            if outcome is not None:
                self._announce(outcome)
        return POLL_SECONDS

    def _announce(self, outcome: Outcome) -> None:
        self.report(outcome)
        self.release()

    def release(self) -> None:
        """Answer every waiting page."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait(self, version: int) -> None:
        """Return once the builds are past version, or after WAIT_SECONDS."""
        if self.preview.state.version == version and not self.stopping:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._changed.wait(), WAIT_SECONDS)

    def report(self, outcome: Outcome) -> None:
        """Print what a build found (only what is new, after the first) and a summary line."""
        if outcome.result is None:
            built = outcome.state.build
            print(
                f"Build failed; still serving build {built}:" if built else "Build failed:", file=sys.stderr
            )
            _print_numbered(outcome.problems)
            sys.stderr.flush()
            return
        new = [problem for problem in outcome.problems if problem not in self._problems]
        if new:
            counted_new = counted(len(new), "new problem" if self._problems else "problem")
            print(f"{counted_new}:", file=sys.stderr)
            _print_numbered(tuple(new))
        self._problems = set(outcome.problems)
        sys.stderr.flush()
        print(_summary(outcome.state, outcome.result, outcome.catching_up), flush=True)


def _summary(state: BuildState, result: BuildResult, catching_up: bool) -> str:
    """Return the line that says what a good build did."""
    if catching_up:
        return f"Build {state.build}: lists, search indexes and data files up to date, {result.seconds:.2f} s"
    lagging = "; the pages that list plans and the search files follow" if result.deferred else ""
    return f"Build {state.build}: {result.summary()}{lagging}"


def _print_numbered(problems: tuple[Problem, ...]) -> None:
    for number, problem in enumerate(problems, 1):
        print(f"{number}. {problem}", file=sys.stderr)


def locate(root: Path, mount: str, request_path: str) -> Path | Redirect | None:
    """Return the file of the built site that a request path names, a redirect, or None.

    Nothing outside root can be named: dot segments (encoded or not), empty segments,
    backslashes, NUL and symbolic links that lead out are refused.
    """
    if request_path in ("/", mount.rstrip("/")) and request_path != mount:
        return Redirect(mount)
    if not request_path.startswith(mount):
        return None
    try:
        relative = unquote(request_path[len(mount) :], errors="strict")
    except UnicodeDecodeError:
        return None
    parts = relative.split("/")
    folder = parts[-1] == ""
    if folder:
        parts.pop()
    if any(part in ("", ".", "..") or "\\" in part or "\0" in part for part in parts):
        return None
    path = root.joinpath(*parts)
    if not folder and path.is_dir() and not path.is_symlink():
        return Redirect(request_path + "/")
    target = (path / "index.html" if folder else path).resolve()
    if not target.is_relative_to(root.resolve()) or not target.is_file():
        return None
    return target


def not_found_page(page: bytes, base_url: str, mount: str, address: str = "") -> bytes:
    """Return the site's 404 page as the preview shows it at any address.

    Its links start with base_url, or are relative to the top folder: both are made to
    lead to the preview's own pages, under mount, whatever the depth of the address. Its
    links within itself (the skip link's `#main`) keep to the address it is shown at.
    """
    if base_url:
        page = page.replace(f'="{escape(base_url)}'.encode(), b'="')
    if address:
        page = page.replace(b'href="#', f'href="{escape(address)}#'.encode())
    head = page.find(b"<head>")
    if head < 0:
        return page
    base = f'\n<base href="{escape(mount)}">'.encode()
    return page[: head + len(b"<head>")] + base + page[head + len(b"<head>") :]


def inject_script(page: bytes, build: int, server: str = "", complete: bool = True, plan: str = "") -> bytes:
    """Add the reload script to an HTML page, before its </body> (or at the end): it knows the
    page's build, the server that made it (a page open across a restart reloads), whether
    the page lagged behind the plans (it reloads once the build catches up), and the plan
    it is the page of (whose place on the page a reload keeps, wherever the page moves)."""
    also = (f' data-server="{server}"' if server else "") + ("" if complete else ' data-complete="false"')
    also += f' data-plan="{escape(plan)}"' if plan else ""
    tag = f'<script src="{SCRIPT_URL}" data-build="{build}"{also}></script>\n'.encode()
    end = page.lower().rfind(b"</body>")
    return page + tag if end < 0 else page[:end] + tag + page[end:]


_SCRIPT_SOURCE = re.compile(rb'<script\b[^>]*\ssrc="([^"]+)"')


def lags(page: bytes, path: str, lagging: frozenset[str]) -> bool:
    """Return whether a page is behind the plans: it is one of the lagging files, or it runs
    a script that is (the search page, whose search-index.js lags the pages)."""
    if path in lagging:
        return True
    folder = posixpath.dirname(path)
    scripts = (unquote(source.decode()) for source in _SCRIPT_SOURCE.findall(page))
    return any(posixpath.normpath(posixpath.join(folder, script)) in lagging for script in scripts)


#: The names a browser on this machine gives it. A server for this machine only answers no
#: other: a page of another site whose name was pointed at this machine ("DNS rebinding")
#: could otherwise read the plans being written.
LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "[::1]"})


def for_this_machine_only(host: str) -> bool:
    """Return whether a server listening on host answers this machine only."""
    return host in ("localhost", "::1") or host.startswith("127.")


def local_request(host_header: str, listening_on: str) -> bool:
    """Return whether a request's Host header names this machine, or the address listened on."""
    name = host_header.strip().lower()
    if name.startswith("["):  # an IPv6 address, with or without a port
        name = name[: name.find("]") + 1]
    elif ":" in name:
        name = name.rsplit(":", 1)[0]
    listened = f"[{listening_on}]" if ":" in listening_on else listening_on
    return name in LOCAL_NAMES or name.endswith(".localhost") or name == listened.lower()


class _Handler(web.RequestHandler):
    """A handler of the live site that speaks the site's language, and that, on a server for
    this machine only, refuses requests for other names."""

    def initialize(self, live: LiveSite) -> None:
        self.live = live

    @property
    def words(self) -> Interface:
        """Return the interface's words in the site's language."""
        return interface(self.live.preview.language)

    def prepare(self) -> None:
        listening_on = self.settings.get("local_only_on")
        if listening_on and not local_request(self.request.host, listening_on):
            self.set_status(403)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(self.words.gettext("This preview answers only to localhost and 127.0.0.1.") + "\n")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Say what went wrong in the site's language, where tornado's own page is in English."""
        reason = _REASONS.get(status_code)
        title = f"{status_code}: {self.words.gettext(reason) if reason else self._reason}"
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(own_page(self.live.preview.language, title, ""))


#: What the server says of the errors a request can meet, in the site's language.
_REASONS = {400: N_("Bad request"), 405: N_("Method not allowed"), 500: N_("Server error")}


def own_page(language: str, title: str, message: str) -> bytes:
    """Return a page of the server's own, in a language, with a title and a message in HTML."""
    page = (
        f'<!DOCTYPE html>\n<html lang="{escape(language)}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n</head>\n<body>\n<h1>{escape(title)}</h1>\n{message}\n</body>\n</html>\n"
    )
    return page.encode()


class _SiteHandler(_Handler):
    """Serve the files of the last good build, with the reload script in HTML pages."""

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def compute_etag(self) -> None:
        return None  # never 304: the page must carry the number of the build it is from

    def _no_icon(self) -> None:
        """Answer the browser's own request for /favicon.ico with No Content, which no log shows."""
        self.set_status(204)
        self.finish()

    def get(self) -> None:
        state = self.live.preview.state
        if state.build == 0 and self.request.path == FAVICON:  # asked for by the browser on its own
            return self._no_icon()
        if state.build == 0:
            words = self.words
            text = escape(
                words.gettext("The first build failed; it will be tried again when you save a change.")
            )
            return self._page(503, words.gettext("The site is not built yet"), f"<p>{text}</p>", state)
        found = locate(self.live.preview.site, state.mount, self.request.path)
        if found is None:
            found = self._renamed_plan(state.mount)
        if found is None:
            found = self._moved_site(state.mount)
        if found is None and self.request.path == FAVICON:
            found = locate(self.live.preview.site, state.mount, state.mount + FAVICON[1:])
            if found is None:  # a site without an icon: no error to log on every page shown
                return self._no_icon()
        if isinstance(found, Redirect):
            return self.redirect(found.location)
        if found is None:
            return self._not_found(state)
        content_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        body = found.read_bytes()
        if content_type == "text/html":
            path = found.relative_to(self.live.preview.site.resolve()).as_posix()
            complete = not lags(body, path, state.lagging)
            plan = self.live.preview.plan_at(path) or ""
            body = inject_script(body, state.build, self.live.server, complete, plan)
        if content_type.startswith("text/") or content_type in ("application/javascript", "application/json"):
            content_type += "; charset=utf-8"
        self.set_header("Content-Type", content_type)
        # Asked again on every load (its ETag answers "not modified" when it is): a reload
        # must not run the last build's search files with this build's page.
        self.set_header("Cache-Control", "no-cache")
        self.finish(body)

    head = get

    def _renamed_plan(self, mount: str) -> Redirect | None:
        """Return a redirect to the page of the plan this address was ever the page of, if it has one."""
        path = unquote(self.request.path)
        new = self.live.preview.page_of(path[len(mount) :]) if path.startswith(mount) else None
        return Redirect(mount + new) if new else None

    def _moved_site(self, mount: str) -> Redirect | None:
        """Return a redirect to the page that an address under a path the site was served under
        before (base_url's, since changed) names under the site's path now, if there is one."""
        path = self.request.path
        for old in reversed(self.live.preview.mounts[:-1]):
            if path.startswith(old):
                moved = mount + path[len(old) :]
                if locate(self.live.preview.site, mount, moved) is not None:
                    return Redirect(moved)
        return None

    def _not_found(self, state: BuildState) -> None:
        """Answer with the site's own 404 page, or, outside the site, say where the site is."""
        page = self.live.preview.site / NOT_FOUND
        if self.request.path.startswith(state.mount) and page.is_file():
            body = not_found_page(
                page.read_bytes(), self.live.preview.config.base_url, state.mount, self.request.path
            )
            self.set_status(404)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.finish(inject_script(body, state.build, self.live.server))
            return
        words = self.words
        where = html.escape(state.mount)
        link = Markup(f'<a href="{where}">{where}</a>')
        text = escape(words.gettext("Nothing here. The site is at %(address)s.")) % {"address": link}
        message = f"<p>{text}</p>"
        return self._page(404, words.gettext("Not found"), message, state)

    def _page(self, status: int, title: str, message: str, state: BuildState) -> None:
        page = own_page(self.live.preview.language, title, message)
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(inject_script(page, state.build, self.live.server))


class _WaitHandler(_Handler):
    """Answer a page's long poll once the builds are past the version it knows."""

    def initialize(self, live: LiveSite) -> None:
        super().initialize(live)
        self.closed = False

    def on_connection_close(self) -> None:
        self.closed = True

    async def get(self) -> None:
        version = self.get_query_argument("version", "")
        if not version.lstrip("-").isdigit():
            raise web.HTTPError(400, "expected ?version=NUMBER")
        await self.live.wait(int(version))
        if self.closed:
            return
        state = self.live.preview.state
        answer = {
            "build": state.build,
            "server": self.live.server,
            "version": state.version,
            "failed": state.failed,
            "errors": state.errors,
            "complete": state.complete,
        }
        # Asked by a plan's page (?plan=SOURCE): where its plan's page is, where a reload goes,
        # since its own address may have become another plan's (the first of two of one title,
        # retitled, leaves its page name to the second).
        source = self.get_query_argument("plan", None)
        if source is not None:
            page = self.live.preview.plan_pages.get(source)
            answer["page"] = state.mount + page if page else None
        self.set_header("Cache-Control", "no-store")
        self.finish(answer)


class _ScriptHandler(_Handler):
    """Serve the reload script, with its messages in the site's language."""

    def get(self) -> None:
        self.set_header("Content-Type", "application/javascript; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(reload_script(self.words.preview))


def reload_script(messages: dict[str, Any]) -> bytes:
    """Return the reload script with the messages of its box (none in English) put in."""
    script = _SCRIPT.read_bytes()
    assert _NO_MESSAGES in script, f"{_SCRIPT.name} has no place for its messages"
    return script.replace(_NO_MESSAGES, b"var messages = " + json.dumps(messages).encode() + b";", 1)
