"""Run work on every core: one pool of forked processes, taking units longest first.

Forking lets each process of the pool use the site model and the compiled templates of
this one as they are: only the number of each unit goes to a process, and only the
unit's result comes back, pickled.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import os
import signal
import traceback
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

Unit = TypeVar("Unit")
Result = TypeVar("Result")

#: Below this much work, in the units of route costs (about 0.2 ms of one core each, see
#: routes.Route.cost), starting the processes of a pool costs more than sharing saves.
WORTH_A_PROCESS = 100
# Each process takes units in batches of about this share of all the work: a few are
# enough to balance the processes, with the longest units first and the short ones last.
_BATCHES_PER_PROCESS = 16

# What the processes of a pool run: set in each as it starts (see _start), never here.
_work: Callable[[Any], Any] | None = None


class WorkerError(RuntimeError):
    """A failure in another process: its description, and where it happened there, as
    (file name, line) from the outermost call to the innermost, as a traceback lists them;
    `system` when it was the system's refusal there (an OSError: a full disk...)."""

    def __init__(self, detail: str, frames: tuple[tuple[str, int], ...] = (), system: bool = False) -> None:
        super().__init__(detail)
        self.frames = frames
        self.system = system


def error_frames(error: BaseException) -> tuple[tuple[str, int], ...]:
    """Return where an error happened, as (file name, line), outermost first, then those of
    the error it was raised from, and of a WorkerError, those in its own process."""
    frames = tuple((frame.filename, frame.lineno or 0) for frame in traceback.extract_tb(error.__traceback__))
    if error.__cause__ is not None:
        frames += error_frames(error.__cause__)
    return frames + getattr(error, "frames", ())


def worker_count() -> int:
    """Return how many processes to use: one per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_longest_first(
    work: Callable[[Unit], Result], units: Sequence[Unit], costs: Sequence[int]
) -> list[Result]:
    """Return work(unit) for every unit, in the order given.

    When the units cost WORTH_A_PROCESS or more, a pool of forked processes, one per
    core (and unit), runs them: each process takes the next batch as soon as it is free, the
    longest units first, so that all end within about one short unit of each other. A unit
    that fails raises WorkerError once every unit has run.
    """
    processes = min(worker_count(), len(units))
    if processes <= 1 or sum(costs) < WORTH_A_PROCESS or not _may_fork():
        return [work(unit) for unit in units]
    results: list[Any] = [None] * len(units)
    failure = None
    with _pool(processes, lambda index: work(units[index])) as pool:
        for batch in pool.imap_unordered(_run_batch, _batches(costs, processes)):
            for index, (ok, value) in batch:
                if ok:
                    results[index] = value
                elif failure is None:
                    failure = value
        # Every process ends of itself once the work is done, failed or not: a pool ended
        # while a process holds its queue's lock, or before that process has made itself
        # ready (see _start), can wait for it forever.
        pool.close()
        pool.join()
    if failure is not None:
        raise WorkerError(*failure)
    return results


def _may_fork() -> bool:
    """Return whether this process may start processes of its own: with fork (Linux,
    macOS), and unless it is itself a process of a pool (work made in the background)."""
    return hasattr(os, "fork") and not multiprocessing.current_process().daemon


def _batches(costs: Sequence[int], processes: int) -> list[list[int]]:
    """Return the numbers of the units, longest first, in batches of about equal cost."""
    target = sum(costs) / (processes * _BATCHES_PER_PROCESS)
    batches: list[list[int]] = []
    load = target
    for index in sorted(range(len(costs)), key=lambda i: -costs[i]):
        if load >= target:
            batches.append([])
            load = 0
        batches[-1].append(index)
        load += costs[index]
    return batches


def _run_batch(indexes: list[int]) -> list[tuple[int, tuple[bool, Any]]]:
    """Run the pool's work on each unit of a batch: (True, result) or (False, its failure)."""
    assert _work is not None
    return [(index, _outcome(_work, index)) for index in indexes]


def _outcome(function: Callable[[Any], Any], argument: Any) -> tuple[bool, Any]:
    try:
        return True, function(argument)
    except Exception as error:  # the failure, with where it happened, must reach this process
        return False, (f"{type(error).__name__}: {error}", error_frames(error), isinstance(error, OSError))


def _pool(processes: int, work: Callable[[Any], Any]) -> multiprocessing.pool.Pool:
    """Return a pool of forked processes that run `work`, which is never pickled."""
    return multiprocessing.get_context("fork").Pool(processes, _start, (work, os.getpid()))


def _start(work: Callable[[Any], Any], parent: int) -> None:
    """Make a new process of a pool ready: its work, and the signals left to this one."""
    global _work
    _work = work
    _end_with(parent)
    # A stop is this process's to handle: a pool's end (SIGTERM) ends its processes, Ctrl+C
    # does not reach them, and they never wake up the event loop of the preview server.
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


# prctl's option that sends a signal to a process when the one that made it ends (Linux).
_PR_SET_PDEATHSIG = 1


def _end_with(parent: int) -> None:
    """Have this process ended when the process that made it ends, killed or not (Linux): it
    would go on with work no one will collect, and say so with a traceback of a broken pipe."""
    try:
        import ctypes  # only the processes of a pool need it

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: they end once they find their parent gone
        return
    if os.getppid() != parent:  # the parent ended before it could be watched
        os._exit(1)


class Apart(Generic[Result]):
    """One function run in a process of a pool of its own while this process goes on.

    Without fork (not on Linux or macOS), or in a process of a pool, it runs at once.
    """

    def __init__(self, function: Callable[[], Result]) -> None:
        self._pool: multiprocessing.pool.Pool | None = None
        if not _may_fork():
            self._outcome = _outcome(lambda _: function(), None)
            return
        self._pool = _pool(1, lambda _: function())
        self._pending = self._pool.apply_async(_run_batch, ([0],))

    def done(self) -> bool:
        """Return whether the function has finished."""
        return self._pool is None or self._pending.ready()

    def result(self) -> Result:
        """Return the function's result, or raise WorkerError with its failure, waiting until done."""
        if self._pool is not None:
            try:
                [(_, self._outcome)] = self._pending.get()
            finally:
                self.stop()
        ok, value = self._outcome
        if not ok:
            raise WorkerError(*value)
        return value  # type: ignore[no-any-return]

    def stop(self) -> None:
        """End the function, if still running, and its process."""
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
