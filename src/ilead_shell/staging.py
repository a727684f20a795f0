"""Writing a build's files into the output folder: every one of them, or none.

Each bundle is written, as soon as it is built, to a hidden temporary file beside its
final name, ``.<name>.<build>.part``, so memory holds one bundle at a time and a
half-written archive never carries a real name.  Only when every bundle of the build
has been written are they renamed into place; on any error, interruption or
SIGTERM/SIGHUP the temporary files are removed and the folder is left as it was.

A build killed outright (SIGKILL, power loss) cannot clean up after itself, so the next
build into the same folder does it: every build holds a lock file,
``.ilead-build.<build>.lock``, locked with ``flock`` for as long as it runs.  The kernel
drops that lock when the process dies however it dies, so a lock file nobody holds
marks a dead build, and its temporary files are removed.  ``<build>`` is the process id
and a random part, never the same for two builds.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import signal
import threading
import time
from pathlib import Path
from typing import BinaryIO, Callable, Iterator

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: stale files are judged by age instead
    fcntl = None  # type: ignore[assignment]

LOCK_PREFIX = ".ilead-build."
LOCK_SUFFIX = ".lock"
PART_SUFFIX = ".part"
_TOKEN = r"\d+-[0-9a-f]{8}"
_PART = re.compile(rf"^\.(?P<name>.+)\.(?P<token>{_TOKEN})\.part$")
_LOCK = re.compile(rf"^{re.escape(LOCK_PREFIX)}(?P<token>{_TOKEN}){re.escape(LOCK_SUFFIX)}$")
_PENDING_LOCK = re.compile(rf"^\.{re.escape(LOCK_PREFIX)}(?P<token>{_TOKEN})\.new$")
# The writer before this protocol used tempfile's names: '.<name>.<8 characters>.part'.
_OLD_PART = r"^\.{name}\.[a-z0-9_]{{8}}\.part$"
STALE_WITHOUT_LOCKS = 24 * 3600  # seconds; only where flock does not exist
FILE_MODE = 0o644


class BuildInterrupted(BaseException):
    """SIGTERM or SIGHUP arrived during a build.

    A BaseException, like KeyboardInterrupt, so that no ``except Exception`` on the way
    (an exporter's, a library's) can swallow it before the temporary files are removed.
    """

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


#: The signals a build turns into :class:`BuildInterrupted` (and that :func:`signals_held` holds).
INTERRUPTING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


@contextlib.contextmanager
def interrupt_on_signals() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`BuildInterrupted` for the duration.

    Only the first signal interrupts; later ones are ignored so that the clean-up the
    first one started can finish.  Outside the main thread Python cannot install
    handlers, so there the default behaviour stays.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    fired: list[int] = []

    def interrupt(signum, frame):
        if not fired:
            fired.append(signum)
            raise BuildInterrupted(signum)

    previous = {number: signal.signal(number, interrupt) for number in INTERRUPTING}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Hold SIGTERM and SIGHUP until the block ends, then take them as usual.

    For code that builds pydantic model classes (importing the checks beside the bundles): a
    signal taken while pydantic-core builds a validator comes out of it as a SchemaError, or not
    at all, instead of :class:`BuildInterrupted`, and the build went on or died with a traceback.
    """
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)  # a held signal is taken here


class Staging:
    """The temporary files of one build in one output folder.

    Use as a context manager; leaving it without :meth:`commit` removes every temporary
    file of this build, and the output folder itself if this build created it and it is
    empty again.
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.token = f"{os.getpid()}-{secrets.token_hex(4)}"
        self.staged: dict[str, Path] = {}  # final name -> temporary file
        self._created: list[Path] = []
        self._lock_fd: int | None = None
        self._opened = False
        self.committed = False

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            if not self.committed:
                self.discard()
        finally:
            self._release()

    # -- before writing ----------------------------------------------------------------------
    def open(self) -> None:
        """Create the folder if needed, remove what dead builds left, take this build's lock."""
        if self._opened:
            return
        missing = []
        for folder in (self.folder, *self.folder.parents):
            if folder.exists():
                break
            missing.append(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self._created = missing  # deepest first, the order to remove them in
        self._opened = True
        remove_stale(self.folder)
        self._lock()

    def temporary(self, name: str) -> Path:
        """The temporary file for the final file ``name`` (a plain name inside the folder)."""
        if "/" in name or os.sep in name or name in ("", ".", ".."):
            raise ValueError(f"not a file name: {name!r}")
        self.open()
        path = self.folder / f".{name}.{self.token}{PART_SUFFIX}"
        self.staged[name] = path
        return path

    def write(self, name: str, writer: Callable[[BinaryIO], None]) -> int:
        """Write ``name``'s temporary file with ``writer``; return its size."""
        path = self.temporary(name)
        try:
            with open(path, "wb") as raw:
                writer(raw)
            os.chmod(path, FILE_MODE)
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        return path.stat().st_size

    # -- the end ---------------------------------------------------------------------------------
    def commit(self) -> None:
        """Rename every temporary file to its final name."""
        finals = {name: self.folder / name for name in self.staged}
        for name, final in finals.items():
            if final.is_dir() and not final.is_symlink():
                raise IsADirectoryError(21, "Is a directory", str(final))
        done: list[Path] = []
        try:
            for name, final in finals.items():
                os.replace(self.staged[name], final)
                done.append(final)
        except BaseException:
            # Renames in one folder fail only in odd cases; keep "all or none" even then.
            for final in done:
                final.unlink(missing_ok=True)
            raise
        self.committed = True
        for name in finals:
            _remove_old_parts(self.folder, name)

    def discard(self) -> None:
        """Remove this build's temporary files (also those forked workers left half-written)."""
        if not self._opened:
            return
        for path in self.staged.values():
            path.unlink(missing_ok=True)
        _remove_parts(self.folder, self.token)
        self._release()
        for folder in self._created:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only if empty

    # -- the lock ----------------------------------------------------------------------------------
    @property
    def lock_fd(self) -> int | None:
        return self._lock_fd

    def _lock(self) -> None:
        if fcntl is None:  # pragma: no cover
            return
        final = self.folder / f"{LOCK_PREFIX}{self.token}{LOCK_SUFFIX}"
        # Locked under another name first, so that no other build ever sees the lock file
        # unlocked and takes this live build for a dead one.
        pending = self.folder / f".{LOCK_PREFIX}{self.token}.new"
        for attempt in range(5):
            fd = os.open(pending, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                os.replace(pending, final)
            except (FileNotFoundError, BlockingIOError):
                # Another build's sweep held or removed it between open and flock: again.
                os.close(fd)
                if attempt == 4:
                    raise
                time.sleep(0.01)
                continue
            except BaseException:
                os.close(fd)
                pending.unlink(missing_ok=True)
                raise
            self._lock_fd = fd
            return

    def _release(self) -> None:
        if self._lock_fd is None:
            return
        (self.folder / f"{LOCK_PREFIX}{self.token}{LOCK_SUFFIX}").unlink(missing_ok=True)
        os.close(self._lock_fd)
        self._lock_fd = None


def remove_stale(folder: Path) -> list[str]:
    """Remove the temporary files of builds that died in ``folder``; return their names."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    locks = {m.group("token"): name for name in names if (m := _LOCK.match(name))}
    # A lock still under its first name: the build died before it had written anything.
    for name in names:
        if (m := _PENDING_LOCK.match(name)) and _lock_is_free(folder / name):
            with contextlib.suppress(FileNotFoundError):
                (folder / name).unlink()
    parts: dict[str, list[str]] = {}
    for name in names:
        if m := _PART.match(name):
            parts.setdefault(m.group("token"), []).append(name)
    removed: list[str] = []
    for token in sorted(set(locks) | set(parts)):
        if token in locks and not _lock_is_free(folder / locks[token]):
            continue  # a live build
        if token not in locks and fcntl is None and not _older_than(folder, parts[token], STALE_WITHOUT_LOCKS):
            continue  # pragma: no cover
        for name in parts.get(token, []):
            with contextlib.suppress(FileNotFoundError):
                (folder / name).unlink()
                removed.append(name)
        if token in locks:
            with contextlib.suppress(FileNotFoundError):
                (folder / locks[token]).unlink()
    return removed


def _lock_is_free(path: Path) -> bool:
    if fcntl is None:  # pragma: no cover
        return _older_than(path.parent, [path.name], STALE_WITHOUT_LOCKS)
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return True
    except OSError:
        return False  # cannot tell: leave it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError:
        return False
    finally:
        os.close(fd)  # also drops the lock just taken
    return True


def _older_than(folder: Path, names: list[str], seconds: float) -> bool:
    now = time.time()
    try:
        return all(now - (folder / name).stat().st_mtime > seconds for name in names)
    except OSError:
        return True


def _remove_parts(folder: Path, token: str) -> None:
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        m = _PART.match(name)
        if m and m.group("token") == token:
            with contextlib.suppress(FileNotFoundError):
                (folder / name).unlink()


def _remove_old_parts(folder: Path, final_name: str) -> None:
    """Temporary files of ``final_name`` left by a killed build of an older version."""
    pattern = re.compile(_OLD_PART.format(name=re.escape(final_name)))
    with contextlib.suppress(OSError):
        for name in os.listdir(folder):
            if pattern.match(name):
                with contextlib.suppress(FileNotFoundError):
                    (folder / name).unlink()


def write_file(path: Path, data: bytes) -> None:
    """One file written all at once or not at all (``outline --out``)."""
    path = Path(path)
    with Staging(path.parent) as staging:
        staging.write(path.name, lambda raw: raw.write(data))
        staging.commit()
