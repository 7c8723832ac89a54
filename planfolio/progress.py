"""Progress of the rendering stage, counted across processes and shown on a terminal."""

from __future__ import annotations

import multiprocessing
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tqdm import tqdm

#: Called with how many routes are done and how many there are in all.
Progress = Callable[[int, int], None]


class RouteCounter:
    """A count of finished routes that forked processes share through shared memory."""

    def __init__(self) -> None:
        self._value = multiprocessing.Value("l", 0)

    def add_one(self) -> None:
        """Count one more finished route."""
        with self._value.get_lock():
            self._value.value += 1

    @property
    def done(self) -> int:
        """Return how many routes are finished."""
        # Read without the lock: a process of the pool ended while it held the lock (the
        # pool is ended at once when the build stops) would keep it from this one forever.
        return int(self._value.get_obj().value)


@contextmanager
def watching(counter: RouteCounter, total: int, progress: Progress | None) -> Iterator[None]:
    """Report the counter to progress ten times a second while the block runs."""
    if progress is None:
        yield
        return
    stop = threading.Event()

    def report() -> None:
        while not stop.wait(0.1):
            progress(counter.done, total)

    thread = threading.Thread(target=report, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        progress(counter.done, total)


@contextmanager
def terminal_bar(enabled: bool, delay: float = 1.0) -> Iterator[Progress | None]:
    """Yield a progress callback drawing a bar on stderr once `delay` seconds pass, or None."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    started = time.monotonic()
    bars: list[tqdm] = []  # none until the build has taken `delay` seconds

    def update(done: int, total: int) -> None:
        if not bars and time.monotonic() - started < delay:
            return
        if not bars:
            from tqdm import tqdm  # (loaded only for a bar: it takes as long to load as 50 plans to parse)

            # A terminal that reports no width (some pseudo-terminals) gets 80 columns.
            width = shutil.get_terminal_size().columns
            bar = tqdm(total=total, unit="file", desc="rendering", leave=False, file=sys.stderr, ncols=width)
            bars.append(bar)
        bars[0].total, bars[0].n = total, done
        bars[0].refresh()

    try:
        yield update
    finally:
        for bar in bars:
            bar.close()
