"""Work shared between forked processes comes back in order, and failures are not lost."""

import itertools
import os
import time

import pytest

from planfolio import parallel
from planfolio.parallel import (
    Background,
    WorkerError,
    error_frames,
    run_claiming,
    run_parallel,
    run_parallel_ahead,
    share,
)


def double(chunk):
    return [2 * item for item in chunk]


def test_results_come_back_in_chunk_order():
    assert run_parallel(double, [[1, 2], [3], [4, 5]]) == [[2, 4], [6], [8, 10]]


def test_share_keeps_each_part_in_order():
    assert share([1, 2, 3, 4], [5, 1, 1, 5], 2) == [[1, 2], [3, 4]]


@pytest.mark.parametrize("processes", [1, 2, 3])
def test_every_item_is_claimed_once(processes):
    results = run_claiming(list, range(200), processes)
    assert len(results) == processes
    assert sorted(item for result in results for item in result) == list(range(200))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_process_busy_with_a_long_item_leaves_the_others_to_the_rest():
    def work(items):
        claimed = []
        for item in items:
            claimed.append(item)
            if item == 0:
                time.sleep(1)
        return claimed

    results = run_claiming(work, range(50), 2)
    assert sorted(results) == [[0], list(range(1, 50))]


def test_a_child_failure_is_raised_in_the_parent():
    def work(chunk):
        if chunk == [2]:
            raise ValueError("no twos")
        return chunk

    with pytest.raises(RuntimeError, match="ValueError: no twos"):
        run_parallel(work, [[1], [2]])


def test_a_child_failure_says_where_in_the_child_it_happened():
    def work(chunk):
        if chunk == [2]:
            raise ValueError("no twos")  # the line the failure names
        return chunk

    with pytest.raises(WorkerError) as caught:
        run_parallel(work, [[1], [2]])
    line = work.__code__.co_firstlineno + 2
    assert caught.value.frames[-1] == (__file__, line)
    assert error_frames(caught.value)[-1] == (__file__, line)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_failing_parent_share_leaves_no_child_behind():
    def work(chunk):
        if chunk == [1]:  # the first chunk is the parent's own
            raise ValueError("the parent's share failed")
        return chunk

    with pytest.raises(ValueError, match="the parent's share failed"):
        run_parallel(work, [[1], [2], [3]])
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # every child has been waited for


def counting_from(result):
    """Count from 0, for ever, each number with the chunk's result: only being asked stops it."""
    return ((result, number) for number in itertools.count())


def no_child_is_left():
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)
    return True


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_children_work_ahead_until_asked_for_what_they_made():
    results, ahead = run_parallel_ahead(double, [[1], [2], [3, 4]], counting_from)
    assert results == [[2], [4], [6, 8]]
    time.sleep(0.2)
    made = ahead.collect()
    ahead.stop()
    # Each child counted on its own result, and stopped when asked.
    runs = {tuple(result): [n for _, n in group] for result, group in itertools.groupby(made, lambda m: m[0])}
    assert list(runs) == [(4,), (6, 8)]
    assert all(run == list(range(len(run))) for run in runs.values())
    assert no_child_is_left()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_work_ahead_is_done_in_the_children():
    _, ahead = run_parallel_ahead(double, [[1], [2], [3]], lambda result: [os.getpid()])
    made = ahead.collect()
    ahead.stop()
    assert len(set(made)) == 2 and os.getpid() not in made


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_work_ahead_that_fails_gives_what_it_made_before(tmp_path):
    failed = tmp_path / "failed"

    def then(result):
        yield from result
        failed.touch()
        raise ValueError("no more")

    results, ahead = run_parallel_ahead(double, [[1], [2, 3]], then)
    assert results == [[2], [4, 6]]
    deadline = time.monotonic() + 30
    while not failed.exists():  # not asked before it failed
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert ahead.collect() == [4, 6]
    ahead.stop()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_work_ahead_that_cannot_start_still_leaves_the_results():
    def then(result):
        raise ValueError("cannot start")

    results, ahead = run_parallel_ahead(double, [[1], [2]], then)
    assert results == [[2], [4]] and ahead.collect() == []
    ahead.stop()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_children_stopped_without_asking_leave_nothing_behind():
    _, ahead = run_parallel_ahead(double, [[1], [2], [3]], counting_from)
    ahead.stop()
    assert no_child_is_left()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
@pytest.mark.parametrize("failing", [[1], [2]])  # the parent's own chunk, then a child's
def test_a_failure_before_working_ahead_is_raised_and_leaves_no_child(failing):
    def work(chunk):
        if chunk == failing:
            raise ValueError("not this one")
        return chunk

    with pytest.raises((ValueError, WorkerError), match="not this one"):
        run_parallel_ahead(work, [[1], [2], [3]], counting_from)
    assert no_child_is_left()


def test_one_chunk_is_run_here_with_nothing_ahead(monkeypatch):
    monkeypatch.setattr(parallel.os, "fork", None)  # any fork would fail
    results, ahead = run_parallel_ahead(double, [[1, 2]], counting_from)
    assert results == [[2, 4]] and ahead.collect() == []


def wait_for(background):
    deadline = time.monotonic() + 30
    while not background.done():
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_asking_for_the_result_waits_for_the_background_work(tmp_path):
    background = Background(lambda: time.sleep(0.2) or "done", tmp_path)
    assert background.result() == "done"
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)  # the child has been waited for: none is left behind


def test_background_work_returns_its_result(tmp_path):
    background = Background(lambda: {"pid": os.getpid(), "data": b"x" * 1_000_000}, tmp_path)
    wait_for(background)
    result = background.result()
    assert result["data"] == b"x" * 1_000_000 and result["pid"] != os.getpid()
    assert list(tmp_path.iterdir()) == []


def test_background_failure_is_raised_when_collected(tmp_path):
    def fail():
        raise ValueError("no luck")

    background = Background(fail, tmp_path)
    wait_for(background)
    with pytest.raises(RuntimeError, match="ValueError: no luck"):
        background.result()


def test_background_work_can_be_stopped(tmp_path):
    background = Background(lambda: time.sleep(60), tmp_path)
    assert not background.done()
    background.stop()
    assert background.done() and list(tmp_path.iterdir()) == []
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)
