"""Share work between processes: forked children that return pickled results.

Forking lets each child use the site model and the compiled templates of the
parent as they are, with nothing to pickle on the way in.
"""

from __future__ import annotations

import os
import pickle
import traceback
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


def worker_count() -> int:
    """Return how many processes to use: one per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def share(items: Sequence[Item], costs: Sequence[int], parts: int) -> list[list[Item]]:
    """Split items into parts of about equal total cost, keeping each part in order."""
    loads = [0] * parts
    chunks: list[list[tuple[int, Item]]] = [[] for _ in range(parts)]
    for index in sorted(range(len(items)), key=lambda i: -costs[i]):
        lightest = loads.index(min(loads))
        loads[lightest] += costs[index]
        chunks[lightest].append((index, items[index]))
    return [[item for _, item in sorted(chunk, key=lambda pair: pair[0])] for chunk in chunks if chunk]


def run_parallel(function: Callable[[list[Item]], Result], chunks: list[list[Item]]) -> list[Result]:
    """Run function on each chunk, in forked children where possible; return results in order."""
    if len(chunks) <= 1 or not hasattr(os, "fork"):
        return [function(chunk) for chunk in chunks]
    children = []
    for chunk in chunks[1:]:
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: run, send the result or the error, and leave at once
            os.close(read_end)
            _child(function, chunk, write_end)
        os.close(write_end)
        children.append((pid, read_end))
    try:
        results = [function(chunks[0])]
    finally:  # even when the parent's own share fails: no child is left a zombie
        outcomes = [_collect(pid, read_end) for pid, read_end in children]
    failures = [value for status, value in outcomes if status == "error"]
    if failures:
        raise RuntimeError(failures[0])
    return results + [value for _, value in outcomes]


def _collect(pid: int, read_end: int) -> tuple[str, Any]:
    """Read a child's result from its pipe and wait for it to end."""
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return pickle.loads(data) if data else ("error", "a worker process died")


def _child(function: Callable[[list[Item]], Result], chunk: list[Item], write_end: int) -> None:
    code = 0
    try:
        payload = pickle.dumps(("ok", function(chunk)), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException as error:  # any failure must reach the parent, never vanish
        detail = "".join(traceback.format_exception_only(type(error), error)).strip()
        payload = pickle.dumps(("error", detail))
        code = 1
    with os.fdopen(write_end, "wb") as pipe:
        pipe.write(payload)
    os._exit(code)
