"""Running a build's independent jobs in forked worker processes.

Each bundle is built and written by one process, the same code as a serial build, so the
bytes are the same.  Workers are forked (Linux), so they start with the course already
read and checked, and nothing large is ever sent between processes: a worker sends back
the small result of each job (sizes, counts, warnings).

A worker lives no longer than its parent: it asks the kernel to kill it when the parent
dies (``PR_SET_PDEATHSIG``), and it leaves when the parent closes its end of the pipe.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys
import traceback
from typing import Any, Callable, Iterable

PR_SET_PDEATHSIG = 1


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Forking a process that has read the course is safe and cheap on Linux, and only while
    this process runs one thread (a fork copies other threads' locks, not the threads)."""
    import threading

    return sys.platform.startswith("linux") and hasattr(os, "fork") and threading.active_count() == 1


# A build makes millions of short-lived objects and few cycles: the default thresholds
# (700, 10, 10) ran the collector 630 times in a 999-page `all` build, 3-4 % of its CPU
# time; these run it a handful of times for a few MB more at the peak.
BATCH_GC_THRESHOLDS = (50_000, 20, 10)


@contextlib.contextmanager
def batch_collections():
    """Collect cyclic garbage less often for the length of a batch job, then as before."""
    before = gc.get_threshold()
    gc.set_threshold(*BATCH_GC_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def descriptor(fd: int) -> tuple[int, int, int] | None:
    """``fd`` with the identity of the file it is open on (to tell, later, whether the number
    still names that file), or None if it is not open."""
    try:
        found = os.fstat(fd)
    except OSError:
        return None
    return fd, found.st_dev, found.st_ino


class WorkerFailed(Exception):
    """A worker process died or raised instead of answering (a bug or the OOM killer)."""

    def __init__(self, index: int, reason: str):
        super().__init__(reason)
        self.index = index
        self.reason = reason


def run_forked(function: Callable[[int], Any], count: int, workers: int, *,
               on_dispatch: Callable[[int], None] | None = None,
               failed: Callable[[Any], bool] | None = None,
               close_in_workers: Iterable[int] = (), order: Iterable[int] | None = None) -> list[Any]:
    """``[function(0), ..., function(count - 1)]``, computed by ``workers`` processes.

    This process is one of them, and forks the others: a worker of its own would hold
    one more bundle and one more private copy of every page of the course it touches.
    Jobs are taken in order from a pipe filled with their numbers (a read of four bytes
    from a pipe is atomic), so each process takes the next one when it is free.  After
    a result for which ``failed`` is true, the process that got it empties the pipe, so
    nothing more starts; every job already started finishes.  Jobs never started are
    ``None``.  ``function`` should return its errors rather than raise them; a raised
    exception, or a worker that dies, is :class:`WorkerFailed`.  ``close_in_workers``
    are file descriptors the forked workers must not keep open (the parent's lock).
    ``order`` is the order in which jobs start (default: by number); results are by number.
    """
    from multiprocessing.connection import Pipe, wait

    results: list[Any] = [None] * count
    todo_read, todo_write = os.pipe()
    order = list(range(count)) if order is None else list(order)
    assert sorted(order) == list(range(count)), "order must name every job once"
    os.write(todo_write, b"".join(index.to_bytes(4, "little") for index in order))
    os.close(todo_write)  # an empty pipe now reads as the end: no more jobs
    children: dict[Any, int] = {}  # this process's end of each worker's pipe -> pid
    sys.stdout.flush()
    sys.stderr.flush()
    frozen_before = gc.get_freeze_count()  # by the command, or by the run_forked this one runs inside
    gc.freeze()  # the course, read once, is shared with the workers: keep every GC off its pages
    _return_free_memory()
    finished = False
    try:
        for _ in range(max(0, min(workers, count) - 1)):
            mine, theirs = Pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the worker (coverage cannot see it)
                status = 0
                try:
                    mine.close()
                    for other in children:
                        other.close()
                    _become_worker(close_in_workers)
                    # Answers are sent once no job is left: this process reads its workers' pipes
                    # only when it has no job of its own, and a worker that sent a large answer
                    # earlier would wait there, not taking the next job.
                    answers: list[tuple[int, Any]] = []
                    _work(todo_read, function, on_dispatch, failed,
                          lambda index, answer: answers.append((index, answer)),
                          lambda index: theirs.send(("took", index, None)))
                    theirs.send(("sending", -1, None))
                    for index, answer in answers:
                        try:
                            theirs.send(("done", index, answer))
                        except Exception as exc:  # noqa: BLE001 - an answer that does not pickle
                            theirs.send(("raised", index, _reason(exc)))
                            status = 1
                            break
                except BaseException as exc:  # noqa: BLE001 - reported to the parent, then gone
                    with contextlib.suppress(Exception):
                        theirs.send(("raised", -1, _reason(exc)))
                    status = 1
                finally:
                    os._exit(status)
            theirs.close()
            children[mine] = pid

        answered: set[int] = set()

        def keep(index: int, answer: Any) -> None:
            results[index] = answer
            answered.add(index)

        _work(todo_read, function, on_dispatch, failed, keep, lambda index: None)
        # Jobs each worker started and has not answered yet, in the order it started them: the
        # last is the one it is running, until it says it has done them all and sends the answers
        # (then the first is the one being sent).
        taken: dict[Any, list[int]] = {conn: [] for conn in children}
        sending: set[Any] = set()

        def at_fault(conn: Any, started: list[int]) -> int:
            return started[0] if conn in sending else started[-1]
        while taken:
            for conn in wait(list(taken)):
                try:
                    kind, index, value = conn.recv()
                except (EOFError, OSError):
                    started = taken.pop(conn)
                    if started:
                        raise WorkerFailed(at_fault(conn, started), "its worker process ended unexpectedly "
                                                                    f"({_reap(children.pop(conn))})") from None
                    continue
                if kind == "took":
                    taken[conn].append(index)
                elif kind == "sending":
                    sending.add(conn)
                elif kind == "done":
                    results[index] = value
                    answered.add(index)
                    taken[conn].remove(index)
                elif index < 0 and not taken[conn]:
                    # It failed in its own set-up, before it took a job: this process ran them all.
                    taken.pop(conn)
                else:
                    raise WorkerFailed(index if index >= 0 else at_fault(conn, taken[conn]), value)
        # A worker killed between taking a job from the pipe and saying so leaves that job unanswered.
        # Jobs are left undone on purpose only after a failed answer.
        unanswered = [index for index in order if index not in answered]
        if unanswered and not (failed is not None and any(failed(results[index]) for index in answered)):
            raise WorkerFailed(unanswered[0], "its worker process ended before it said it had taken the job")
        finished = True
        return results
    finally:
        if not frozen_before:
            gc.unfreeze()
        os.close(todo_read)
        for conn, pid in children.items():
            if not finished:  # an error or a signal here: stop the workers now
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                conn.close()
        for pid in children.values():
            _reap(pid)


def map_in_two(function: Callable[[Any], Any], items: list, weights: list[int],
               close_in_workers: Iterable[int] = ()) -> list[Any]:
    """``[function(item) for item in items]``, in order, made by this process and a forked one:
    the items are cut into two contiguous parts of equal weight (the cut depends on the weights
    only), and either process may take either part (this one both if the other is slow to
    start).  Only a speed-up, never another result: ``function`` must depend on nothing but its
    item and what exists when this is called (what it changes in the other process is lost
    there), and return what pickles.  An error is raised as a serial map raises it: a part that
    fails is made again here, in order; if the other process dies, every part is made again here."""
    total, half, running = sum(weights), len(items), 0
    for index, value in enumerate(weights):
        running += value
        if 2 * running >= total:
            half = index + 1
            break
    parts = [items[:half], items[half:]]

    def do_part(part: int) -> list[Any] | None:
        try:
            return [function(item) for item in parts[part]]
        except Exception:  # noqa: BLE001 - done again below, in order, where it raises as it would serially
            return None

    try:
        done: list[Any] = run_forked(do_part, 2, 2, close_in_workers=close_in_workers)
    except WorkerFailed:  # the other process died
        done = [None, None]
    return [result for part, results in zip(parts, done)
            for result in (results if results is not None else [function(item) for item in part])]


def _reason(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


def _return_free_memory() -> None:
    """Give the heap's free pages back to the system before forking.  Reading a course frees
    much more than it keeps (Markdown trees, YAML nodes); without this, those pages stay in this
    process's memory for the whole build (about 5 MB at 999 pages)."""
    with contextlib.suppress(Exception):  # glibc only; elsewhere nothing to do
        import ctypes

        ctypes.CDLL(None).malloc_trim(0)


def _work(todo: int, function: Callable[[int], Any], on_dispatch: Callable[[int], None] | None,
          failed: Callable[[Any], bool] | None, done: Callable[[int, Any], None],
          took: Callable[[int], None]) -> None:
    """Take job numbers from the pipe ``todo`` until it is empty; run each."""
    while True:
        raw = os.read(todo, 4)
        if len(raw) < 4:
            return
        index = int.from_bytes(raw, "little")
        took(index)
        if on_dispatch:
            on_dispatch(index)
        answer = function(index)
        _return_free_memory()  # what this job held (a whole bundle), before the next one grows the heap
        done(index, answer)
        if failed is not None and failed(answer):
            while len(os.read(todo, 4096)) > 0:  # nothing more starts, in any process
                pass
            return


def _become_worker(close_fds: Iterable[int]) -> None:  # pragma: no cover - runs in the worker
    for fd in close_fds:
        with contextlib.suppress(OSError):
            os.close(fd)
    # The parent decides what a signal means for the build; a worker just goes.
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent handles it
    parent = os.getppid()
    with contextlib.suppress(Exception):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _reap(pid: int) -> str:
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return "already reaped"
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.WEXITSTATUS(status)}"
