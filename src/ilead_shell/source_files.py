"""Opening files of the course source: without following links, and only the file that was checked.

The reader decides that a file belongs to the course from its real path (links resolved).
A link swapped in after that decision must not make the build read another file, so every
source file is opened by walking its real path one folder at a time from ``/`` with
``O_NOFOLLOW``: a link anywhere on the way makes the open fail instead of being followed,
and only a regular file is accepted (a FIFO would block the build, a device would never end).

What the reader saw of a media file (device, inode, size, modification time) is kept as a
:class:`Stamp`.  Exporters and the archive writer open the file again later, through
:func:`open_checked`, which compares the new descriptor with the stamp and yields exactly
the checked number of bytes: a file replaced, grown or shrunk while the build ran is an
error, never a silent substitute or a truncated copy.

Stamps live in this process (they are host facts, not part of the course model).  A worker
process that packages files must start with the reader's stamps: pass :func:`stamps` to
it and call :func:`remember_all` there (a forked worker inherits them).
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .errors import CourseError, error

#: Tests watch opens with audit hooks; the walk below opens names relative to folder
#: descriptors, so this event names the whole path being opened.
AUDIT_EVENT = "ilead_shell.open_source"

_WALKS = os.open in os.supports_dir_fd and hasattr(os, "O_NOFOLLOW")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
# A folder on the way only has to be searched, not listed (O_PATH needs no read permission).
_FOLDER_FLAGS = (getattr(os, "O_PATH", 0) or os.O_RDONLY) | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW | _CLOEXEC
# O_NONBLOCK: opening a FIFO for reading must not wait for a writer (it is refused just after).
_FILE_FLAGS = os.O_RDONLY | _NOFOLLOW | _CLOEXEC | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
    | getattr(os, "O_BINARY", 0)
_LINK_ERRORS = {errno.ELOOP, errno.EMLINK, errno.ENOTDIR}
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Stamp:
    """What identifies one version of a file: a replaced or rewritten file has another stamp."""

    device: int
    inode: int
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, status: os.stat_result) -> "Stamp":
        return cls(status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns)


class SourceFileError(Exception):
    """A source file could not be opened as a regular file; ``reason`` is said to the author."""

    def __init__(self, path: Path, reason: str, kind: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason, self.kind = path, reason, kind


class SourceChangedError(CourseError):
    """A file the reader checked is not the same file any more (or cannot be opened again)."""

    def __init__(self, path: Path, reason: str):
        super().__init__([error(f"{reason}; the file was not packaged, so build again once it is settled", path)])
        self.path = path


def kind_of(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISLNK(mode):
        return "a link"
    return "not a regular file"


def _oserror(path: Path, exc: OSError, where: Path) -> SourceFileError:
    if exc.errno in _LINK_ERRORS:
        shown = "it" if where == path else f"the folder {where}"
        return SourceFileError(path, f"{shown} became a link (or was replaced) after the course was checked; "
                                     "links are never followed when files are opened", "link")
    if exc.errno == errno.ENOENT:
        return SourceFileError(path, "it no longer exists", "missing")
    if exc.errno in (errno.EACCES, errno.EPERM):
        shown = "" if where == path else f" (the folder {where} cannot be searched)"
        return SourceFileError(path, f"permission denied{shown}", "permission")
    return SourceFileError(path, exc.strerror or str(exc), "os")


def open_regular(real: Path) -> tuple[int, os.stat_result]:
    """A read descriptor on the regular file at ``real`` (a real path: absolute, no links)."""
    if not isinstance(real, Path):
        real = Path(real)
    sys.audit(AUDIT_EVENT, str(real))
    if not _WALKS:  # no O_NOFOLLOW/dir_fd (Windows): the checks after opening still hold
        try:
            fd = os.open(real, _FILE_FLAGS)
        except OSError as exc:
            raise _oserror(real, exc, real) from None
    else:
        parts = real.parts
        if not real.is_absolute() or len(parts) < 2:
            raise SourceFileError(real, "not an absolute path to a file", "os")
        kept = getattr(_KEPT, "folders", None)
        folders = kept if kept is not None else []
        try:
            _walk_to(folders, parts, real)
            try:
                fd = os.open(parts[-1], _FILE_FLAGS, dir_fd=folders[-1][1])
            except OSError as exc:
                raise _oserror(real, exc, real) from None
        finally:
            if kept is None:
                _close_from(folders, 0)
    try:
        status = os.fstat(fd)
        kind = kind_of(status.st_mode)
        if kind is not None:
            raise SourceFileError(real, f"it is {kind}, not a regular file",
                                  "folder" if kind == "a folder" else "special")
    except BaseException:
        os.close(fd)
        raise
    return fd, status


def _walk_to(folders: list[tuple[str, int]], parts: tuple[str, ...], real: Path) -> None:
    """Make ``folders`` the open folders from ``/`` to the one holding ``parts[-1]``, each opened
    from the one before without following a link; the folders it already holds on the way are
    used as they are."""
    wanted = parts[:-1]
    shared = 0
    while shared < len(folders) and shared < len(wanted) and folders[shared][0] == wanted[shared]:
        shared += 1
    _close_from(folders, shared)
    for depth in range(shared, len(wanted)):
        try:
            fd = os.open(wanted[depth], _FOLDER_FLAGS, dir_fd=folders[-1][1]) if depth else \
                os.open(wanted[0], _FOLDER_FLAGS)
        except OSError as exc:
            # The folder that failed, named only now: a path per step costs more than the open.
            raise _oserror(real, exc, Path(*parts[:depth + 1])) from None
        folders.append((wanted[depth], fd))


def _close_from(folders: list[tuple[str, int]], keep: int) -> None:
    while len(folders) > keep:
        os.close(folders.pop()[1])


# The folders of the last walk, while folders_kept_open() is active in this thread.
_KEPT = threading.local()


@contextmanager
def folders_kept_open() -> Iterator[None]:
    """Within this block, opening a source file starts from the folders the last open walked
    through: the next file of the same folder costs one open instead of one per folder from
    ``/``.  At most one path's folders are held open, and all are closed when the block ends.

    What it keeps is what a walk opened without following a link; a folder replaced by a link
    later is still never followed (the file is opened in the folder that was walked), which
    is what the walk is for: no file outside the course is read through a link.
    """
    if getattr(_KEPT, "folders", None) is not None:
        yield  # an outer block keeps them
        return
    _KEPT.folders = []
    try:
        yield
    finally:
        folders, _KEPT.folders = _KEPT.folders, None
        _close_from(folders, 0)


def read_source(real: Path, limit: int | None = None) -> tuple[bytes, Stamp]:
    """The whole file, read from one descriptor; ``limit`` bytes at most (``too-large`` beyond)."""
    fd, status = open_regular(real)
    try:
        if limit is not None and status.st_size > limit:
            raise SourceFileError(real, f"it is {status.st_size} bytes", "too-large")
        chunks = []
        total = 0
        while True:
            chunk = os.read(fd, CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if limit is not None and total > limit:  # it grew while being read
                raise SourceFileError(real, f"it is more than {limit} bytes", "too-large")
        stamp = Stamp.of(os.fstat(fd))
    finally:
        os.close(fd)
    data = b"".join(chunks)
    return data, Stamp(stamp.device, stamp.inode, len(data), stamp.mtime_ns)


def check_source(real: Path, head: int = 0) -> tuple[Stamp, bytes]:
    """Open a media file once: its stamp (remembered for later opens) and its first ``head`` bytes."""
    fd, status = open_regular(real)
    try:
        start = os.read(fd, head) if head else b""
    finally:
        os.close(fd)
    stamp = Stamp.of(status)
    remember(real, stamp)
    return stamp, start


# -- what the reader checked ------------------------------------------------------------------
_STAMPS: dict[str, Stamp] = {}
_LOCK = threading.Lock()


def remember(path: Path | str, stamp: Stamp) -> None:
    with _LOCK:
        _STAMPS[os.fspath(path)] = stamp


def stamp_of(path: Path | str) -> Stamp | None:
    with _LOCK:
        return _STAMPS.get(os.fspath(path))


def stamps() -> dict[str, Stamp]:
    """Every stamp taken in this process, for a worker process (see the module's docstring)."""
    with _LOCK:
        return dict(_STAMPS)


def remember_all(taken: dict[str, Stamp]) -> None:
    with _LOCK:
        _STAMPS.update(taken)


class _ExactReader:
    """Reads exactly ``size`` bytes of a descriptor; fewer is an error, more is never read."""

    def __init__(self, fd: int, size: int, path: Path):
        self.fd, self.left, self.path, self.size = fd, size, path, size

    def read(self, n: int = -1) -> bytes:
        if self.left <= 0 or n == 0:
            return b""
        wanted = self.left if n is None or n < 0 else min(n, self.left)
        data = os.read(self.fd, min(wanted, CHUNK)) if wanted else b""
        if not data:
            raise SourceChangedError(self.path, f"the file shrank while the build ran (it was {self.size} bytes "
                                                "when the course was checked)")
        self.left -= len(data)
        return data

    def readinto(self, buffer) -> int:  # pragma: no cover - for consumers that prefer it
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


@contextmanager
def open_checked(path: Path, expected_size: int | None = None) -> Iterator[_ExactReader]:
    """Open a source file again for packaging, as the reader checked it, and yield exactly its bytes.

    A file the reader stamped must still carry that stamp; any file must still be a regular
    file reached without links, whose size matches ``expected_size`` when one is given (the
    size an archive header was written with), and which has nothing after those bytes.
    """
    path = Path(path)
    stamp = stamp_of(path)
    target = path if stamp is not None else Path(os.path.realpath(path))  # package files may sit behind links
    try:
        fd, status = open_regular(target)
    except SourceFileError as exc:
        raise SourceChangedError(path, f"cannot open the file again to package it: {exc.reason}") from None
    try:
        now = Stamp.of(status)
        if stamp is not None and now != stamp:
            what = (f"it was {stamp.size} bytes when the course was checked and is {now.size} bytes now"
                    if now.size != stamp.size else "it was replaced or rewritten")
            raise SourceChangedError(path, f"the file changed while the build ran ({what})")
        size = stamp.size if stamp is not None else status.st_size
        if expected_size is not None and expected_size != size:
            raise SourceChangedError(path, f"the file changed while the build ran (it was {expected_size} bytes "
                                           f"when the bundle was planned and is {size} bytes now)")
        reader = _ExactReader(fd, size, path)
        yield reader
        if reader.left == 0 and (os.read(fd, 1) or os.fstat(fd).st_size != size):
            raise SourceChangedError(path, f"the file grew while the build ran (it was {size} bytes when "
                                           "the course was checked)")
    finally:
        os.close(fd)


def read_checked(path: Path) -> bytes:
    """The whole of a checked source file (captions converted by an exporter, for example)."""
    with open_checked(path) as reader:
        chunks = []
        while True:
            chunk = reader.read(CHUNK)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def source_lines(path: Path, limit: int = 2 * 1024 * 1024) -> list[str]:
    """The lines of a course's text file, to locate a finding in it: opened the checked way
    (its real path, no link followed, a regular file only); [] when it cannot be read."""
    try:
        data, _ = read_source(Path(os.path.realpath(path)), limit)
        return data.decode("utf-8-sig").replace("\r\n", "\n").split("\n")
    except (SourceFileError, UnicodeDecodeError, OSError):
        return []
