"""Share work between processes: forked children that return pickled results.

Forking lets each child use the site model and the compiled templates of the
parent as they are, with nothing to pickle on the way in.
"""

from __future__ import annotations

import contextlib
import io
import multiprocessing
import multiprocessing.sharedctypes
import multiprocessing.synchronize
import os
import pickle
import signal
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import Any, BinaryIO, Generic, TypeVar, cast

Item = TypeVar("Item")
Result = TypeVar("Result")
Extra = TypeVar("Extra")


class WorkerError(RuntimeError):
    """A failure in another process: its description, and where it happened there, as
    (file name, line) from the outermost call to the innermost, as a traceback lists them."""

    def __init__(self, detail: str, frames: tuple[tuple[str, int], ...] = ()) -> None:
        super().__init__(detail)
        self.frames = frames


def error_frames(error: BaseException) -> tuple[tuple[str, int], ...]:
    """Return where an error happened, as (file name, line), outermost first, then those of
    the error it was raised from, and of a WorkerError, those in its own process."""
    frames = tuple((frame.filename, frame.lineno or 0) for frame in traceback.extract_tb(error.__traceback__))
    if error.__cause__ is not None:
        frames += error_frames(error.__cause__)
    return frames + getattr(error, "frames", ())


def _failure(error: BaseException) -> tuple[str, tuple[tuple[str, int], ...]]:
    """Return what a WorkerError is made of: the error's description and its frames."""
    return f"{type(error).__name__}: {error}", error_frames(error)


def worker_count() -> int:
    """Return how many processes to use: one per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def share(items: Sequence[Item], costs: Sequence[int], parts: int, head_start: int = 0) -> list[list[Item]]:
    """Split items into parts of about equal total cost, keeping each part in order.

    The parts after the first start with head_start of cost: the first is run_parallel's
    own, which sends back no result.
    """
    loads = [0] + [head_start] * (parts - 1)
    chunks: list[list[tuple[int, Item]]] = [[] for _ in range(parts)]
    for index in sorted(range(len(items)), key=lambda i: -costs[i]):
        lightest = loads.index(min(loads))
        loads[lightest] += costs[index]
        chunks[lightest].append((index, items[index]))
    return [[item for _, item in sorted(chunk, key=lambda pair: pair[0])] for chunk in chunks if chunk]


def run_parallel(function: Callable[[list[Item]], Result], chunks: list[list[Item]]) -> list[Result]:
    """Run function on each chunk, in forked children where possible; return results in order."""
    return _in_processes([partial(function, chunk) for chunk in chunks])[0]


def run_parallel_ahead(
    function: Callable[[list[Item]], Result],
    chunks: list[list[Item]],
    then: Callable[[Result], Iterable[Extra]],
) -> tuple[list[Result], Ahead[Extra]]:
    """Run function on each chunk, as run_parallel does, but each forked child, once it has
    sent its result, goes on making the items of then(its result), one by one, until
    asked for them (see Ahead): work this process would have to do later, done while it
    is busy with its own.

    Making them is only a head start: a child that fails at it sends what it made before.
    Whatever it did not make is made again where it is needed, and fails there.
    """
    return _in_processes([partial(function, chunk) for chunk in chunks], then)


class Ahead(Generic[Extra]):
    """What forked children make ahead of need (see run_parallel_ahead): collect() takes
    what they have made so far and ends them; stop() ends them without it."""

    def __init__(self, children: list[tuple[int, BinaryIO]], asked: Any) -> None:
        self._children = children
        self._asked = asked  # shared with the children: set, it asks them to send what they made

    def collect(self) -> list[Extra]:
        """Return what the children have made, each waiting at most for the item under way."""
        if self._asked is not None:
            self._asked.value = 1
        made: list[Extra] = []
        for _, pipe in self._children:
            data = _receive_bytes(pipe)
            if data:  # (none from a child that died: what it made is made again)
                stream = pickle.Unpickler(io.BytesIO(data))
                count = stream.load()
                made += [stream.load() for _ in range(count)]
        return made

    def stop(self) -> None:
        """End the children, if still running, and wait for them: they are left running
        by collect(), which does not wait for their exit."""
        for pid, pipe in self._children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pipe.close()
        self._children = []


def _made_until_asked(then: Callable[[Result], Iterable[Any]], result: Result, asked: Any) -> bytes:
    """Return the items of then(result) made until `asked` is set (the one under way then
    included), or until making one fails: their count, then each, pickled one after the other.

    Each is pickled as soon as made, while the parent does not wait for it yet.
    """
    made = io.BytesIO()
    stream = pickle.Pickler(made, protocol=pickle.HIGHEST_PROTOCOL)
    count = 0
    with contextlib.suppress(Exception):  # a head start only (see run_parallel_ahead)
        for item in then(result):
            stream.dump(item)
            count += 1
            if asked.value:
                break
    return pickle.dumps(count) + made.getvalue()


def _receive(pipe: BinaryIO) -> tuple[str, Any]:
    """Read one outcome, ("ok", value) or ("error", what a WorkerError is made of), that a
    child sent with _send."""
    data = _receive_bytes(pipe)
    return cast(tuple[str, Any], pickle.loads(data)) if data else ("error", ("a worker process died", ()))


def _receive_bytes(pipe: BinaryIO) -> bytes:
    """Read what a child sent with _send: b"" when it died before it had sent it all."""
    head = pipe.read(8)
    size = int.from_bytes(head, "little")
    data = pipe.read(size) if len(head) == 8 else b""
    return data if len(data) == size else b""


def _send(descriptor: int, data: bytes) -> None:
    """Write data as _receive reads it: its length, then itself."""
    _write_all(descriptor, len(data).to_bytes(8, "little"))
    _write_all(descriptor, data)


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def run_claiming(
    function: Callable[[Iterator[Item]], Result], items: Sequence[Item], processes: int
) -> list[Result]:
    """Run function in several processes at once (forked children and this one), each on
    the items it claims, first come first served, from one queue in the order given;
    return each process's result, this one's first.

    However long each item really takes, no process is left idle while another still has
    items to go: put the longest first, and every process ends within about one item of
    the others.
    """
    if processes <= 1 or not hasattr(os, "fork"):
        return [function(iter(items))]
    queue = _Queue(len(items))
    return _in_processes([lambda: function(items[index] for index in queue)] * processes)[0]


class _Queue:
    """The numbers 0 to count - 1, each handed to whichever process asks first (through
    shared memory, so a forked process may ask too)."""

    def __init__(self, count: int) -> None:
        self._count = count
        # (Their modules are imported with this one: on first use they take 4 ms of a build.)
        self._next = multiprocessing.sharedctypes.RawValue("q", 0)
        self._lock = multiprocessing.synchronize.Lock(ctx=multiprocessing.get_context())

    def __iter__(self) -> Iterator[int]:
        while True:
            with self._lock:
                index = self._next.value
                self._next.value = index + 1
            if index >= self._count:
                return
            yield index


def _in_processes(
    tasks: list[Callable[[], Result]], then: Callable[[Result], Iterable[Any]] | None = None
) -> tuple[list[Result], Ahead[Any]]:
    """Call each task, the first here and the others in forked children; return their
    results in order, and the work the children go on with, given `then` (see
    run_parallel_ahead). Without it, each child ends once it has sent its result."""
    if len(tasks) <= 1 or not hasattr(os, "fork"):
        return [task() for task in tasks], Ahead([], None)
    asked = multiprocessing.sharedctypes.RawValue("b", 0) if then is not None else None
    children: list[tuple[int, BinaryIO]] = []
    for task in tasks[1:]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: run, send the result or the error, make what follows, leave
            os.close(read_end)
            _child(task, write_end, then, asked)
        os.close(write_end)
        children.append((pid, os.fdopen(read_end, "rb")))
    ahead: Ahead[Any] = Ahead(children, asked)
    try:
        results = [tasks[0]()]
        outcomes = [_receive(pipe) for _, pipe in children]
    except BaseException:  # even when this process's own task fails: no child is left behind
        ahead.stop()
        raise
    failures = [value for status, value in outcomes if status == "error"]
    if failures or then is None:
        ahead.stop()
    if failures:
        raise WorkerError(*failures[0])
    return results + [value for _, value in outcomes], ahead


def _child(
    task: Callable[[], Result],
    write_end: int,
    then: Callable[[Result], Iterable[Any]] | None,
    asked: Any,
) -> None:
    code = 1
    try:
        try:
            result: Result | None = task()
            payload, ok = pickle.dumps(("ok", result), protocol=pickle.HIGHEST_PROTOCOL), True
        except BaseException as error:  # any failure must reach the parent, never vanish
            result, payload, ok = None, pickle.dumps(("error", _failure(error))), False
        if then is None:
            _send(write_end, payload)
        else:
            # A thread sends the result, which waits for the parent to read it, while this one goes on.
            sending = threading.Thread(target=_send, args=(write_end, payload))
            sending.start()
            made = _made_until_asked(then, cast(Result, result), asked) if ok else b""
            sending.join()
            _send(write_end, made)
        code = 0
    finally:  # even when the parent is gone: the child never returns into the parent's code
        os._exit(code)


class Background(Generic[Result]):
    """One function run in a forked child while this process goes on; collect its result later.

    The result travels through a file in `folder` (by default the system's temporary
    folder), so that a large one never blocks the child on a full pipe. Without fork (not
    on Linux or macOS) the function runs at once.
    """

    def __init__(self, function: Callable[[], Result], folder: Path | None = None) -> None:
        descriptor, name = tempfile.mkstemp(suffix=".pickle", dir=folder)
        os.close(descriptor)
        self._path = Path(name)
        self._pid = 0
        if not hasattr(os, "fork"):
            self._path.write_bytes(_outcome(function))
            return
        pid = os.fork()
        if pid == 0:  # the child: run, write the outcome, and leave at once
            code = 1
            try:
                # Signals are the parent's to handle: a stop ends the child; no wake-ups of the parent's loop.
                signal.set_wakeup_fd(-1)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                self._path.write_bytes(_outcome(function))
                code = 0
            finally:
                os._exit(code)
        self._pid = pid

    def done(self) -> bool:
        """Return whether the function has finished."""
        if self._pid:
            pid, _ = os.waitpid(self._pid, os.WNOHANG)
            if pid == 0:
                return False
            self._pid = 0
        return True

    def result(self) -> Result:
        """Return the function's result, or raise WorkerError with its failure, waiting until done."""
        if self._pid:
            os.waitpid(self._pid, 0)
            self._pid = 0
        data = self._path.read_bytes()
        self._path.unlink()
        status, value = pickle.loads(data) if data else ("error", ("the background process died", ()))
        if status == "error":
            raise WorkerError(*value)
        return cast(Result, value)

    def stop(self) -> None:
        """End the child, if still running, and remove its file."""
        if self._pid:
            os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = 0
        self._path.unlink(missing_ok=True)


def _outcome(function: Callable[[], Any]) -> bytes:
    """Return ("ok", result) or ("error", what a WorkerError is made of) of calling function, pickled."""
    try:
        return pickle.dumps(("ok", function()), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as error:  # the failure must reach the parent, never vanish
        return pickle.dumps(("error", _failure(error)))
