"""Run work on every core: one pool of forked processes, taking units longest first.

Forking lets each process of the pool use the site model and the compiled templates of
this one as they are: only the number of each unit goes to a process, and only the
unit's result comes back, pickled.

Each process has a pipe of its own, and shares no lock with the others: the standard
library's pool does share them, and one of its processes ended while it held one (by a
stop, or the system's killer) left that pool waiting for it forever.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from multiprocessing.connection import Connection
from types import FrameType
from typing import Any, Generic, TypeVar

from .model import system_refusal

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
# The signals that stop a build: Ctrl+C, and the stop a system or a runner of jobs sends.
_STOPS = {signal.SIGINT, signal.SIGTERM}


class Terminated(BaseException):
    """The stop SIGTERM asks for, raised where this process is, as Ctrl+C raises KeyboardInterrupt."""


class Stops:
    """The stops (Ctrl+C, SIGTERM) of a block run under stopped_once: the first raises where
    the block is, until it commits; none after it raises."""

    def __init__(self) -> None:
        self.asked: int | None = None  # the first stop that came
        self.committed = False

    def commit(self) -> None:
        """Let no stop raise from here on: the block finishes what it has begun (a build,
        its swap and its cache), and a stop that comes meanwhile changes nothing. A stop
        that came before and was lost (see check) raises here instead."""
        self.check()
        self.committed = True

    def check(self) -> None:
        """Raise the stop that came, if the block still runs: Python drops an exception
        raised while it runs a weak reference's callback or a __del__, and a stop that
        lands there would otherwise go unheeded, with every stop after it."""
        if self.asked is not None and not self.committed:
            raise _stop(self.asked)

    def stop(self, number: int, frame: FrameType | None) -> None:
        """Raise the first stop, unless committed: KeyboardInterrupt, or Terminated."""
        first = self.asked is None
        self.asked = self.asked or number
        if first and not self.committed:
            raise _stop(number)


def _stop(number: int) -> BaseException:
    """Return what a stop raises: KeyboardInterrupt for Ctrl+C, Terminated for SIGTERM."""
    return KeyboardInterrupt() if number == signal.SIGINT else Terminated()


@contextlib.contextmanager
def stopped_once() -> Iterator[Stops]:
    """Let the first Ctrl+C or SIGTERM stop what runs here where it is (see Stops), and
    none after it stop the clean-up that follows.

    A second stop (Ctrl+C pressed again; `timeout` signals a command, then its group)
    would end the clean-up half-way: the processes of a pool not yet ended would go on
    writing into a staging folder being removed. Only in the main thread, and only for
    the signals left to Python's own handling: another handler is its owner's.
    """
    around = getattr(signal.getsignal(signal.SIGINT), "__self__", None)
    if isinstance(around, Stops):  # a block within another: its stops are the other's
        yield around
        return
    stops = Stops()
    if threading.current_thread() is not threading.main_thread():
        yield stops
        return
    handlers = {number: signal.getsignal(number) for number in _STOPS}
    defaults = {signal.SIGINT: signal.default_int_handler, signal.SIGTERM: signal.SIG_DFL}
    replaced = [number for number in _STOPS if handlers[number] == defaults[number]]
    for number in replaced:
        signal.signal(number, stops.stop)
    try:
        yield stops
    finally:
        for number in replaced:
            signal.signal(number, handlers[number])


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
    with stopped_once() as stops, _Pool(processes, lambda index: work(units[index])) as pool:
        for batch in pool.run(_batches(costs, processes)):
            stops.check()
            for index, (ok, value) in batch:
                if ok:
                    results[index] = value
                elif failure is None:
                    failure = value
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
        if isinstance(error, OSError):  # the system's refusal: said as a reader would
            return False, (system_refusal(error), error_frames(error), True)
        return False, (f"{type(error).__name__}: {error}", error_frames(error), False)


class _Process:
    """A process forked from this one that runs the batches of units it is sent through a
    pipe of its own, and sends back what each gave (see _run_batch)."""

    def __init__(self, work: Callable[[Any], Any], siblings: Sequence[_Process] = ()) -> None:
        context = multiprocessing.get_context("fork")
        self.connection, there = context.Pipe()
        # Its siblings' ends of their pipes are this process's alone: a copy in another
        # would keep a sibling reading from this one when it is gone.
        inherited = [sibling.connection for sibling in siblings]
        arguments = (there, work, os.getpid(), inherited)
        self.process = context.Process(target=_serve, args=arguments, daemon=True)
        try:
            self.process.start()
        finally:
            there.close()

    def give(self, batch: list[int] | None) -> None:
        """Send the process a batch of units to run, or None: there are no more."""
        with contextlib.suppress(OSError):  # it has ended: `take` says how
            self.connection.send(batch)

    def ready(self) -> bool:
        """Return whether the process has sent a result back, or has ended."""
        return self.connection.poll()

    def take(self) -> list[tuple[int, tuple[bool, Any]]]:
        """Return what the last batch gave, waiting for it, or raise WorkerError when the
        process ended before sending it (killed by the system, say)."""
        try:
            return self.connection.recv()  # type: ignore[no-any-return]
        except (EOFError, OSError):
            self.process.join()
            code = self.process.exitcode or 0
            how = f"killed by {signal.Signals(-code).name}" if code < 0 else f"exit code {code}"
            message = f"a process of the pool ended before its work was done ({how})"
            raise WorkerError(message, system=True) from None

    def end(self, at_once: bool) -> None:
        """End the process: at once, or once it has finished the batch it runs."""
        if at_once:
            self.process.kill()
        else:
            self.give(None)
        self.process.join()
        self.connection.close()


class _Pool:
    """Processes forked from this one that run `work` on batches of units (see _Process),
    ended and waited for on leaving the block they serve: once done with their batches,
    or, when the block fails (Ctrl+C among its failures), at once."""

    def __init__(self, processes: int, work: Callable[[Any], Any]) -> None:
        self._processes: list[_Process] = []
        try:
            with _stops_held():
                for _ in range(processes):
                    self._processes.append(_Process(work, self._processes))
        except BaseException:
            self.end(at_once=True)
            raise

    def __enter__(self) -> _Pool:
        return self

    def __exit__(self, failure: type[BaseException] | None, *_: object) -> None:
        self.end(at_once=failure is not None)

    def run(self, batches: list[list[int]]) -> Iterator[list[tuple[int, tuple[bool, Any]]]]:
        """Give each process a batch, and another as soon as it sends one back; yield what
        each batch gave, as they come back."""
        waiting = iter(batches)
        busy: dict[Any, _Process] = {process.connection: process for process in self._processes}
        for process in self._processes:
            batch = next(waiting, None)
            if batch is None:
                del busy[process.connection]
            else:
                process.give(batch)
        while busy:
            for connection in multiprocessing.connection.wait(list(busy)):
                process = busy[connection]  # done with its batch: given the next before it is read
                batch = next(waiting, None)
                if batch is None:
                    del busy[connection]
                else:
                    process.give(batch)
                yield process.take()

    def end(self, at_once: bool) -> None:
        """End every process, and wait until each has ended (see _Process.end)."""
        if at_once:  # all stopped first, then waited for
            for process in self._processes:
                process.process.kill()
        for process in self._processes:
            process.end(at_once)


def _serve(
    connection: Connection, work: Callable[[Any], Any], parent: int, inherited: list[Connection]
) -> None:
    """Run the batches of units sent through connection, until there are no more (None)."""
    for other in inherited:
        other.close()
    _start(work, parent)
    with contextlib.suppress(EOFError, OSError):  # this process's parent has ended
        while (batch := connection.recv()) is not None:
            connection.send(_run_batch(batch))


def _start(work: Callable[[Any], Any], parent: int) -> None:
    """Make a new process of a pool ready: its work, and the signals left to this one."""
    global _work
    _work = work
    _end_with(parent)
    # A stop is this process's to handle: a pool's end (SIGKILL, or SIGTERM when the
    # process that made it ends) ends its processes, Ctrl+C does not reach them, and they
    # never wake up the event loop of the preview server.
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def _stops_held() -> Iterator[None]:
    """Hold the stops (Ctrl+C, SIGTERM) that come while processes are started, and deliver
    them once they are: raised half-way through a start, one would leave a process that
    nothing ends, or be lost in the hooks fork runs. A new process takes the holding with
    it until it sets its own handling (see _start)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # a stop raises in the main thread alone
        return
    held: dict[int, None] = {}
    handlers = {number: signal.getsignal(number) for number in _STOPS}
    holding = [number for number in _STOPS if handlers[number] is not None]  # None: not Python's to set
    for number in holding:
        signal.signal(number, lambda caught, frame: held.setdefault(caught))
    try:
        yield
    finally:
        for number in holding:
            signal.signal(number, handlers[number])
        for caught in held:
            signal.raise_signal(caught)


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
    """One function run in a process of its own while this process goes on.

    Without fork (not on Linux or macOS), or in a process of a pool, it runs at once.
    """

    def __init__(self, function: Callable[[], Result]) -> None:
        self._process: _Process | None = None
        if not _may_fork():
            self._outcome = _outcome(lambda _: function(), None)
            return
        try:
            with _stops_held():
                self._process = _Process(lambda _: function())
        except BaseException:
            self.stop()
            raise
        self._process.give([0])

    def done(self) -> bool:
        """Return whether the function has finished."""
        return self._process is None or self._process.ready()

    def result(self) -> Result:
        """Return the function's result, or raise WorkerError with its failure, waiting until done."""
        if self._process is not None:
            try:
                [(_, self._outcome)] = self._process.take()
            finally:
                self.stop()
        ok, value = self._outcome
        if not ok:
            raise WorkerError(*value)
        return value  # type: ignore[no-any-return]

    def stop(self) -> None:
        """End the function, if still running, and its process."""
        if self._process is not None:
            self._process.end(at_once=True)
            self._process = None
