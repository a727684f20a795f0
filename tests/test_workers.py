"""Forked workers (ilead_shell.workers.run_forked): a worker never waits on this process while
jobs are left, and one that dies is reported for the job it had started."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from ilead_shell import workers

# More than a pipe holds (64 KiB on Linux): a worker sending it waits until it is read.
LARGE_ANSWER = "x" * (1 << 20)


def test_a_worker_with_a_large_answer_goes_on_to_the_next_job(tmp_path, forking):
    """This process reads its workers' answers only when it has no job of its own.  A worker
    that sent a large answer as soon as it had it sat blocked until then, not taking the jobs
    left: in a build, a whole bundle waited for the longest one."""
    parent = os.getpid()
    started_last = tmp_path / "job 2 started"

    def job(index: int) -> str:
        if index == 2:
            started_last.touch()
            return "last"
        if os.getpid() == parent:
            # This process's job ends only once the worker has taken job 2 (or after 30 s).
            deadline = time.monotonic() + 30
            while not started_last.exists():
                if time.monotonic() > deadline:
                    return "job 2 never started while this job ran"
                time.sleep(0.005)
            return "waited"
        return LARGE_ANSWER

    results = workers.run_forked(job, 3, 2)
    # The worker may take every job if this process is slow to take one; it never sits blocked.
    assert results[2] == "last" and "job 2 never started while this job ran" not in results
    assert set(results[:2]) <= {"waited", LARGE_ANSWER} and LARGE_ANSWER in results


def wait_for(path: Path) -> None:
    deadline = time.monotonic() + 30
    while not path.exists() and time.monotonic() < deadline:
        time.sleep(0.005)


class KillsWhenPickled:
    """An answer whose sending kills the worker that sends it."""

    def __reduce__(self):
        os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_that_dies_is_reported_for_the_job_it_was_running(tmp_path, forking):
    parent = os.getpid()
    answered, dying = tmp_path / "answered", tmp_path / "dying"

    def job(index: int) -> int:
        if os.getpid() == parent:
            wait_for(dying)  # the worker takes two jobs meanwhile
        elif answered.exists():  # the worker's second job: its first answer is not sent yet
            dying.write_text(str(index))
            os.kill(os.getpid(), signal.SIGKILL)
        else:
            answered.touch()
        return index

    with pytest.raises(workers.WorkerFailed) as failure:
        workers.run_forked(job, 6, 2)
    assert failure.value.index == int(dying.read_text())
    assert "SIGKILL" in str(failure.value)


class ExitsWhenPickled:
    """An answer whose sending raises what is not an Exception."""

    def __reduce__(self):
        raise SystemExit(3)


@pytest.mark.parametrize("answer", [lambda: None, KillsWhenPickled(), ExitsWhenPickled()],
                         ids=["does not pickle", "kills its sender", "exits its sender"])
def test_an_answer_that_cannot_be_sent_is_reported_for_its_own_job(tmp_path, answer, forking):
    parent = os.getpid()
    bad, another = tmp_path / "bad answer", tmp_path / "another job"

    def job(index: int):
        if os.getpid() == parent:
            wait_for(another)  # the worker takes a job after the bad one meanwhile
        elif not bad.exists():  # the worker's first job
            bad.write_text(str(index))
            return answer
        else:
            another.touch()
        return index

    with pytest.raises(workers.WorkerFailed) as failure:
        workers.run_forked(job, 6, 2)
    assert failure.value.index == int(bad.read_text())


def test_a_worker_that_fails_before_taking_a_job_loses_nothing(monkeypatch, forking):
    """This process ran every job: a build must not fail, nor blame its first job (the checks)."""
    parent = os.getpid()

    def broken_set_up(close_fds) -> None:
        if os.getpid() != parent:
            raise RuntimeError("set-up failed")
    monkeypatch.setattr(workers, "_become_worker", broken_set_up)
    assert workers.run_forked(lambda index: index * 10, 4, 2) == [0, 10, 20, 30]


def test_after_a_failed_answer_the_jobs_never_started_are_none(forking):
    def job(index: int) -> str:
        if index == 0:
            return "failed"
        time.sleep(0.05)
        return "done"

    results = workers.run_forked(job, 6, 2, failed=lambda answer: answer == "failed")
    assert results[0] == "failed" and None in results and set(results[1:]) <= {"done", None}


@pytest.mark.parametrize("failed", [None, lambda answer: answer == "failed"], ids=["no test", "none failed"])
def test_a_job_a_worker_took_and_died_before_reporting_is_not_silently_lost(tmp_path, monkeypatch, failed,
                                                                            forking):
    """Killed between reading a job from the pipe and saying it took it: the job has no answer,
    and an unanswered job must not pass for one never started after a failure."""
    parent = os.getpid()
    took = tmp_path / "took"
    real_work = workers._work

    def work(todo: int, function, *rest) -> None:
        if os.getpid() != parent:
            raw = os.read(todo, 4)
            took.write_text(str(int.from_bytes(raw, "little")))
            os._exit(1)
        real_work(todo, function, *rest)
    monkeypatch.setattr(workers, "_work", work)

    def job(index: int) -> int:
        wait_for(took)  # the worker takes its job while this process runs its first
        return index

    with pytest.raises(workers.WorkerFailed) as failure:
        workers.run_forked(job, 4, 2, failed=failed)
    assert failure.value.index == int(took.read_text())


def test_answers_come_back_by_job_number_from_either_process(forking):
    def job(index: int) -> tuple[int, str]:
        time.sleep(0.005)
        return index, "x" * (index * 20_000)  # some larger than a pipe holds

    assert workers.run_forked(job, 12, 2) == [(i, "x" * (i * 20_000)) for i in range(12)]


def test_map_in_two_cuts_contiguous_halves_of_equal_weight(forking):
    weights = [30, 1, 1, 10, 10, 8]  # halves: [0] (30) and [1..5] (30)

    def weighing(item: int) -> tuple[int, int]:
        time.sleep(weights[item] * 0.005)
        return item, os.getpid()

    done = workers.map_in_two(weighing, list(range(6)), weights)
    pids = [pid for _, pid in done]
    assert [item for item, _ in done] == list(range(6))
    assert len(set(pids[1:])) == 1 and pids[0] != pids[1]
