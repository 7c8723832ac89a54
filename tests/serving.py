"""Run `python build.py serve` as a real server process, and ask it about its builds."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RELOAD_SCRIPT = re.compile(rb'<script src="/\.planfolio/livereload\.js" data-build="\d+"[^>]*></script>\n')


def copy_theme(folder: Path) -> tuple[Path, Path]:
    """Copy the templates and assets into folder; return both copies."""
    templates = shutil.copytree(PROJECT_ROOT / "templates", folder / "templates")
    assets = shutil.copytree(PROJECT_ROOT / "assets", folder / "assets")
    return templates, assets


def start_serve(folder: Path, *arguments: str) -> subprocess.Popen[str]:
    """Start `python build.py serve` with arguments in folder, its temporary folder below
    folder/tmp, its output (both streams) readable, in a process group of its own, so that
    the build's processes go with it."""
    (folder / "tmp").mkdir(exist_ok=True)
    command = [sys.executable, str(PROJECT_ROOT / "build.py"), "serve", *arguments]
    env = {**os.environ, "TMPDIR": str(folder / "tmp"), "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        command,
        cwd=folder,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


class ServeProcess:
    """A preview server started in a folder of its own, on a free port of 127.0.0.1.

    The server's temporary folder goes below folder/tmp, so a test can look at the
    built site there.
    """

    def __init__(self, folder: Path, *options: str, timeout: float = 120) -> None:
        self.folder = folder
        theme = ("--templates", "templates", "--assets", "assets")
        self.process = start_serve(folder, "--source", "plans", *theme, "--port", "0", *options)
        self.lines: list[str] = []
        self._ready = threading.Event()
        self.url = ""
        threading.Thread(target=self._read_output, daemon=True).start()
        if not self._ready.wait(timeout) or not self.url:
            self.stop()
            raise AssertionError("the server did not start:\n" + self.output)

    def _read_output(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            found = re.match(r"Serving on (http://\S+)", line)
            if found:
                self.url = found.group(1)
                self._ready.set()
        self._ready.set()  # the process ended

    @property
    def output(self) -> str:
        """Return everything the server printed so far."""
        return "".join(self.lines)

    @property
    def site_folder(self) -> Path:
        """Return the folder the server builds into."""
        (site,) = (self.folder / "tmp").glob("planfolio-serve-*/site")
        return site

    def request(
        self, path: str, method: str = "GET", timeout: float = 60, host: str | None = None
    ) -> tuple[int, dict, bytes]:
        """Send a request with the path exactly as given (and the Host header, if given);
        return status, headers and body."""
        address = urlsplit(self.url)
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=timeout)
        try:
            connection.request(method, path, headers={"Host": host} if host is not None else {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def state(
        self, after: int = -1, until: Callable[[dict], bool] | None = None, timeout: float = 60
    ) -> dict:
        """Return the builds' state once its version is past `after` (at once for -1).

        With `until`, wait for builds until one gives a state for which it is true.
        """
        deadline = time.monotonic() + timeout
        while True:
            status, _, body = self.request(f"/.planfolio/wait?version={after}", timeout=timeout)
            assert status == 200, body
            state = json.loads(body)
            if state["version"] != after and (until is None or until(state)):
                return state
            if time.monotonic() > deadline:
                raise AssertionError(f"no such build after version {after}; the last: {state}\n{self.output}")
            after = state["version"]

    def stop(self) -> None:
        """Stop the server and every process it started."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)

    def __enter__(self) -> ServeProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def without_reload_script(page: bytes) -> bytes:
    """Return a served page as it is on disk: without the reload script."""
    return RELOAD_SCRIPT.sub(b"", page, count=1)
