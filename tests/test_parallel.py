"""Work shared between forked processes comes back in order, and failures are not lost."""

import os
import signal
import threading
import time
import weakref

import pytest

from planfolio import parallel
from planfolio.parallel import (
    WORTH_A_PROCESS,
    Apart,
    Terminated,
    WorkerError,
    error_frames,
    run_longest_first,
    stopped_once,
)

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def no_child_is_left():
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)
    return True


def test_results_come_back_in_the_order_of_the_units():
    units = list(range(300))
    assert run_longest_first(lambda n: 2 * n, units, [n % 7 for n in units]) == [2 * n for n in units]


@needs_fork
def test_work_worth_a_process_is_shared_between_processes(monkeypatch):
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    pids = run_longest_first(lambda _: os.getpid(), range(40), [WORTH_A_PROCESS] * 40)
    assert os.getpid() not in pids and len(set(pids)) >= 1
    assert no_child_is_left()


def test_work_below_the_threshold_stays_in_this_process(monkeypatch):
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    pids = run_longest_first(lambda _: os.getpid(), range(10), [WORTH_A_PROCESS // 20] * 10)
    assert set(pids) == {os.getpid()}


@needs_fork
def test_a_process_busy_with_a_long_unit_leaves_the_others_to_the_rest(monkeypatch):
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)

    def work(unit):
        if unit == "long":
            time.sleep(1.5)
        return os.getpid()

    units = ["short"] * 30 + ["long"]
    pids = run_longest_first(work, units, [1] * 30 + [WORTH_A_PROCESS])
    # The long unit was taken first, alone; the other process took every short one.
    assert pids[-1] not in pids[:-1]


def test_batches_take_the_longest_units_first_and_each_unit_once():
    costs = [1, 50, 3, 50, 2, 1, 9]
    batches = parallel._batches(costs, 2)
    order = [index for batch in batches for index in batch]
    assert sorted(order) == list(range(len(costs)))
    assert [costs[index] for index in order] == sorted(costs, reverse=True)


@needs_fork
def test_a_child_failure_says_where_in_the_child_it_happened(monkeypatch):
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)

    def work(unit):
        if unit == 2:
            raise ValueError("no twos")  # the line the failure names
        return unit

    with pytest.raises(WorkerError, match="ValueError: no twos") as caught:
        run_longest_first(work, [1, 2, 3], [WORTH_A_PROCESS] * 3)
    line = work.__code__.co_firstlineno + 2
    assert caught.value.frames[-1] == (__file__, line)
    assert error_frames(caught.value)[-1] == (__file__, line)
    assert no_child_is_left()


def test_without_fork_the_work_runs_here(monkeypatch):
    monkeypatch.delattr(parallel.os, "fork")
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    pids = run_longest_first(lambda _: os.getpid(), range(4), [WORTH_A_PROCESS] * 4)
    assert set(pids) == {os.getpid()}


def wait_for(apart):
    deadline = time.monotonic() + 30
    while not apart.done():
        assert time.monotonic() < deadline
        time.sleep(0.01)


@needs_fork
def test_asking_for_the_result_waits_for_the_work_apart():
    apart = Apart(lambda: time.sleep(0.2) or "done")
    assert apart.result() == "done"
    assert no_child_is_left()


@needs_fork
def test_work_apart_returns_its_result_from_another_process():
    apart = Apart(lambda: {"pid": os.getpid(), "data": b"x" * 1_000_000})
    wait_for(apart)
    result = apart.result()
    assert result["data"] == b"x" * 1_000_000 and result["pid"] != os.getpid()


def test_a_failure_apart_is_raised_when_collected():
    def fail():
        raise ValueError("no luck")

    apart = Apart(fail)
    wait_for(apart)
    with pytest.raises(WorkerError, match="ValueError: no luck"):
        apart.result()


@needs_fork
def test_work_apart_can_be_stopped():
    apart = Apart(lambda: time.sleep(60))
    assert not apart.done()
    apart.stop()
    assert apart.done()
    assert no_child_is_left()


def test_one_unit_is_run_here_however_long(monkeypatch):
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    assert run_longest_first(lambda _: os.getpid(), ["one"], [100 * WORTH_A_PROCESS]) == [os.getpid()]


def test_work_made_in_the_background_runs_there_without_processes_of_its_own():
    # The preview makes lagging files in a process of a pool, which may start none: its
    # shared work runs in that process, one unit after the other, and gives the same results.
    units = list(range(300))
    apart = Apart(lambda: run_longest_first(lambda unit: (unit * 2, os.getpid()), units, [1] * len(units)))
    results = apart.result()
    assert [value for value, _ in results] == [unit * 2 for unit in units]
    assert len({pid for _, pid in results}) == 1 and results[0][1] != os.getpid()


@needs_fork
def test_a_failure_lets_every_unit_run_and_each_process_end_of_itself(monkeypatch, tmp_path):
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)

    def work(unit):
        if unit == 0:
            raise ValueError("the first fails")
        time.sleep(0.01)  # the failure comes back long before the other units are done
        (tmp_path / str(unit)).touch()  # seen from here: the unit ran
        return unit

    with pytest.raises(WorkerError, match="the first fails"):
        run_longest_first(work, range(60), [WORTH_A_PROCESS] * 60)
    assert sorted(int(path.name) for path in tmp_path.iterdir()) == list(range(1, 60))
    assert no_child_is_left()


@needs_fork
@pytest.mark.parametrize(
    ("failure", "system"), [(OSError(28, "No space left on device"), True), (ValueError("no"), False)]
)
def test_a_failure_says_whether_the_system_refused(monkeypatch, failure, system):
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)

    def work(unit):
        if unit == 1:
            raise failure
        return unit

    with pytest.raises(WorkerError) as caught:
        run_longest_first(work, [0, 1, 2], [WORTH_A_PROCESS] * 3)
    assert caught.value.system is system
    # The system's refusal reads as one, without the name of an exception class.
    assert str(caught.value) == ("cannot write: No space left on device" if system else "ValueError: no")
    assert no_child_is_left()


def test_a_refused_copy_names_the_file_it_wrote_not_the_one_it_read():
    from planfolio.model import system_refusal

    refused = OSError(28, "No space left on device", "assets/vendor/lunr/lunr.js", None, "site/lunr.js")
    assert system_refusal(refused) == "cannot write site/lunr.js: No space left on device"
    alone = OSError(13, "Permission denied", "site/index.html")
    assert system_refusal(alone) == "cannot write site/index.html: Permission denied"


@needs_fork
def test_a_process_the_system_kills_fails_the_work_instead_of_waiting_for_it(monkeypatch):
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)

    def work(unit):
        if unit == 3:
            os.kill(os.getpid(), signal.SIGKILL)  # as the system does when it runs out of memory
        return unit

    with pytest.raises(WorkerError, match=r"ended before its work was done \(killed by SIGKILL\)") as caught:
        run_longest_first(work, range(8), [WORTH_A_PROCESS] * 8)
    assert caught.value.system
    assert no_child_is_left()


# What a lost stop raised is reported by pytest as a warning: here it is the point.
dropped = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


@needs_fork
@dropped  # a Ctrl+C as the processes start may land in a clean-up of multiprocessing's, and be lost there
@pytest.mark.parametrize("delay", [0.001, 0.005, 0.02, 0.05])
def test_ctrl_c_ends_every_process_at_once_and_waits_for_them(monkeypatch, delay):
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    ctrl_c = threading.Timer(delay, os.kill, (os.getpid(), signal.SIGINT))  # as the processes start, or work
    try:
        with pytest.raises(KeyboardInterrupt):
            ctrl_c.start()
            run_longest_first(
                lambda unit: (time.sleep(0.001), b"x" * 100_000), range(2000), [WORTH_A_PROCESS] * 2000
            )
    finally:
        ctrl_c.join()
    assert no_child_is_left()


def lose_a_stop(number=signal.SIGINT):
    """Send a stop while Python runs a weak reference's callback, where what it raises is
    dropped ("Exception ignored in"), as a Ctrl+C can land at any moment."""

    class Freed:
        pass

    freed = Freed()
    reference = weakref.ref(freed, lambda _: signal.raise_signal(number))
    del freed
    return reference


@dropped
@needs_fork
def test_a_ctrl_c_lost_in_a_callback_still_ends_the_work_at_once(monkeypatch):
    monkeypatch.setattr(parallel, "worker_count", lambda: 2)
    take, taken = parallel._Process.take, []

    def take_and_lose(process):
        if not taken:
            lose_a_stop()
        taken.append(1)
        return take(process)

    monkeypatch.setattr(parallel._Process, "take", take_and_lose)
    units = range(2000)
    with pytest.raises(KeyboardInterrupt):
        run_longest_first(lambda unit: (time.sleep(0.001), unit), units, [WORTH_A_PROCESS] * len(units))
    assert len(taken) == 1  # stopped at the next batch, not after all of them
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert no_child_is_left()


@dropped
@pytest.mark.parametrize(
    ("number", "stop"), [(signal.SIGINT, KeyboardInterrupt), (signal.SIGTERM, Terminated)]
)
def test_a_stop_lost_in_a_callback_is_raised_before_the_block_commits(number, stop):
    with stopped_once() as stops:
        lose_a_stop(number)
        assert stops.asked == number
        with pytest.raises(stop):
            stops.commit()
        assert not stops.committed


def test_a_stop_after_a_commit_changes_nothing():
    with stopped_once() as stops:
        stops.commit()
        signal.raise_signal(signal.SIGINT)
        stops.commit()
    assert stops.asked == signal.SIGINT


def test_a_block_within_another_shares_its_stops():
    with stopped_once() as outer, stopped_once() as inner:
        assert inner is outer
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
