"""Running a build's independent jobs in forked worker processes.

Each bundle is built and written by one process; the parent only hands out job numbers
and collects small results, so the bytes are those a serial build writes.  Workers are
forked (Linux), so they start with the course already read and checked, and nothing
large is ever sent between processes.

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
    """Forking a process that has read the course is safe and cheap on Linux only."""
    return sys.platform.startswith("linux") and hasattr(os, "fork")


class WorkerFailed(Exception):
    """A worker process died or raised instead of answering (a bug or the OOM killer)."""

    def __init__(self, index: int, reason: str):
        super().__init__(reason)
        self.index = index
        self.reason = reason


def run_forked(function: Callable[[int], Any], count: int, workers: int, *,
               on_dispatch: Callable[[int], None] | None = None,
               stop: Callable[[Any], bool] | None = None,
               close_in_workers: Iterable[int] = ()) -> list[Any]:
    """``[function(0), ..., function(count - 1)]``, computed in ``workers`` forked processes.

    Jobs are handed out in order, so ``on_dispatch`` (progress) is called in order too.
    Once a result satisfies ``stop`` no further job is started; those already running
    finish, and the jobs never started are ``None``.  ``function`` should return its
    errors rather than raise them; a raised exception or a dead worker is
    :class:`WorkerFailed`.  ``close_in_workers`` are file descriptors workers must not
    keep open (the parent's lock).
    """
    from multiprocessing.connection import Pipe, wait

    results: list[Any] = [None] * count
    children: dict[Any, int] = {}  # the parent's end of each worker's pipe -> pid
    sys.stdout.flush()
    sys.stderr.flush()
    finished = False
    gc.freeze()  # the course, read once, is shared with the workers: keep their GC off its pages
    try:
        for _ in range(min(workers, count)):
            mine, theirs = Pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - runs in the worker (coverage cannot see it)
                status = 0
                try:
                    mine.close()
                    for other in children:
                        other.close()
                    _become_worker(close_in_workers)
                    _serve(theirs, function)
                except BaseException:
                    status = 1
                finally:
                    os._exit(status)
            theirs.close()
            children[mine] = pid
        gc.unfreeze()

        idle = list(children)
        busy: dict[Any, int] = {}
        next_index = 0
        stopped = False
        while True:
            while idle and next_index < count and not stopped:
                conn = idle.pop(0)
                if on_dispatch:
                    on_dispatch(next_index)
                conn.send(next_index)
                busy[conn] = next_index
                next_index += 1
            if not busy:
                break
            for conn in wait(list(busy)):
                index = busy.pop(conn)
                try:
                    kind, value = conn.recv()
                except (EOFError, OSError):
                    pid = children.pop(conn)
                    conn.close()
                    raise WorkerFailed(index, f"its worker process ended unexpectedly ({_reap(pid)})") from None
                if kind == "raised":
                    raise WorkerFailed(index, value)
                results[index] = value
                if stop is not None and stop(value):
                    stopped = True
                idle.append(conn)
        finished = True
        return results
    finally:
        gc.unfreeze()
        for conn, pid in children.items():
            if not finished:  # an error or a signal in the parent: stop the workers now
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                conn.close()  # idle workers read end-of-file and leave
        for pid in children.values():
            _reap(pid)


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


def _serve(conn, function: Callable[[int], Any]) -> None:  # pragma: no cover - runs in the worker
    while True:
        try:
            index = conn.recv()
        except (EOFError, OSError):
            return
        try:
            answer = ("done", function(index))
        except BaseException as exc:  # noqa: BLE001 - reported by the parent as WorkerFailed
            answer = ("raised", "".join(traceback.format_exception_only(type(exc), exc)).strip())
        conn.send(answer)


def _reap(pid: int) -> str:
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        return "already reaped"
    if os.WIFSIGNALED(status):
        return f"killed by {signal.Signals(os.WTERMSIG(status)).name}"
    return f"exit status {os.WEXITSTATUS(status)}"
