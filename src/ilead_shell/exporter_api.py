"""The contract between the core and an exporter.

An exporter is a small class, Sphinx-builder style: a ``name``, a ``description``, the
archive ``format`` and ``suffix`` it produces, an ``Options`` model for its settings in
course.yml, and one method, :meth:`Exporter.build_bundle`, that turns a course into a
:class:`Bundle` in memory.  ``build_bundle`` is pure: no clock, no randomness, no file
writes.  Files from the course are added by path and streamed at archive time, so a
course with large media never sits in memory.  The core alone writes archives.
"""

from __future__ import annotations

import contextlib
import posixpath
import zlib
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, ClassVar, Iterable, Literal, TypeVar

from lxml import etree
from pydantic import BaseModel, ConfigDict

from .compression import deflated, inflated, is_compressed
from .errors import Diagnostic, Level, warning
from .model import Course

ArchiveFormat = Literal["zip", "tar.gz"]


class ExporterOptions(BaseModel):
    """Base for an exporter's options; unknown keys in course.yml are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class BundleFile:
    path: str
    data: bytes | None = None
    source: Path | None = None  # streamed from disk when the archive is written

    @property
    def size(self) -> int:
        if self.data is not None:
            return len(self.data)
        assert self.source is not None
        return self.source.stat().st_size

    def read(self) -> bytes:
        """The whole content; for tests and small files only (archives stream ``source``)."""
        return self.data if self.data is not None else self.source.read_bytes()  # type: ignore[union-attr]


@dataclass(frozen=True)
class PackedFile(BundleFile):
    """A file of a zip bundle held as its zip entry will hold it: deflated when it is added
    (:func:`~ilead_shell.compression.deflated`), with its CRC-32 and size.  The writer copies
    these bytes as they are, the bytes it would have made at the end, so a bundle built for
    an archive keeps a fraction of its size in memory until it is written (see
    :func:`packing_entries`).  :meth:`read` gives the file back."""

    deflated: bytes = b""
    crc: int = 0
    length: int = 0

    @property
    def size(self) -> int:
        return self.length

    def read(self) -> bytes:
        return inflated(self.deflated)


# Smaller files gain little from being held deflated, and are the most numerous.
PACK_MIN_BYTES = 1024
_PACKING: ContextVar[bool] = ContextVar("ilead_shell_packing_entries", default=False)


@contextlib.contextmanager
def packing_entries():
    """While it lasts, zip bundles made here hold their text files deflated (:class:`PackedFile`).

    The build uses it around each exporter, since those bundles go straight into an archive;
    anything that reads a bundle's files (``serve``, tests) gets plain ones outside it."""
    token = _PACKING.set(True)
    try:
        yield
    finally:
        _PACKING.reset(token)


# -- a process the build lends to one bundle ---------------------------------------------------
Descriptor = tuple[int, int, int]  # workers.descriptor(fd): the number and the file it names
_LENT: ContextVar[tuple[int, tuple[Descriptor, ...]]] = ContextVar("ilead_shell_lent_processes", default=(0, ()))
T = TypeVar("T")
R = TypeVar("R")


@contextlib.contextmanager
def lending_processes(count: int, close_in_workers: Iterable[Descriptor] = ()):
    """While it lasts, :func:`parallel_map` may use ``count`` more processes.

    The build lends them to a bundle when it has fewer bundles than processes: with one
    target and two cores, the process that ran the checks would otherwise wait for the
    bundle.  ``close_in_workers`` are descriptors a forked process must not keep (the build's
    lock), each as ``workers.descriptor(fd)`` gave it in the process that opened it."""
    token = _LENT.set((count, tuple(close_in_workers)))
    try:
        yield
    finally:
        _LENT.reset(token)


def lent_processes() -> int:
    """How many processes :func:`parallel_map` may use besides this one (0: none)."""
    return _LENT.get()[0]


def parallel_map(function: Callable[[T], R], items: Iterable[T], weight: Callable[[T], int] = lambda item: 1,
                 min_weight: int = 0) -> list[R]:
    """``[function(item) for item in items]``, in order.  With a lent process
    (:func:`lending_processes`) and at least ``min_weight`` of work, made by this process and a
    forked one, as :func:`ilead_shell.workers.map_in_two` makes them and under its rules:
    ``function`` must depend on nothing but its item and what exists when this is called, and
    return what pickles; an error is raised as a serial map raises it."""
    items = list(items)
    from . import workers

    count, descriptors = _LENT.get()
    weights = [weight(item) for item in items]
    if count < 1 or len(items) < 2 or sum(weights) < max(min_weight, 2) or not workers.can_fork():
        return [function(item) for item in items]
    # A bundle built in a worker closed the lock when it started; its number may since name
    # another file of this process (a pipe), which must stay open.
    close = [d[0] for d in descriptors if workers.descriptor(d[0]) == d]
    return workers.map_in_two(function, items, weights, close_in_workers=close)


def check_bundle_path(path: str) -> str:
    """Refuse anything but a relative POSIX path without ``.``/``..`` segments."""
    # normpath changes a path with an empty, "." or ".." segment inside or a trailing slash;
    # what it keeps as is is tested first.  Plain string tests, not a regular expression:
    # every file of every bundle passes here.  tests/test_bundle_paths.py holds this equal
    # to the expression it replaced.
    if (not path or path[0] == "/" or "\\" in path or path in (".", "..") or path.startswith("../")
            or (path[1:2] == ":" and path[0] in _ASCII_LETTERS) or posixpath.normpath(path) != path):
        raise ValueError(f"unsafe path inside a bundle: {path!r}")
    return path


_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


@dataclass
class Bundle:
    """The files of one output archive, keyed by their path inside it."""

    format: ArchiveFormat = "zip"
    files: dict[str, BundleFile] = field(default_factory=dict)
    warnings: list[Diagnostic] = field(default_factory=list)
    notes: list[Diagnostic] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    #: Paths that passed :func:`check_bundle_path` in :meth:`_add`: the archive writer need
    #: not check them again (80,000 checks for a large course), only what was put into
    #: ``files`` some other way.
    _checked: set[str] = field(default_factory=set, repr=False, compare=False)
    #: Whether text files are held deflated (:func:`packing_entries`); decided when it is made.
    _packing: bool = field(default_factory=_PACKING.get, repr=False, compare=False)

    def _add(self, entry: BundleFile) -> None:
        check_bundle_path(entry.path)
        if entry.path in self.files:
            existing = self.files[entry.path]
            if existing == entry:
                return  # the same file added twice (a shared image): harmless
            raise ValueError(f"two different files for one bundle path: {entry.path}")
        self.files[entry.path] = entry
        self._checked.add(entry.path)

    def _in_memory(self, path: str, data: bytes) -> BundleFile:
        if self._packing and self.format == "zip" and len(data) >= PACK_MIN_BYTES and not is_compressed(path):
            return PackedFile(path, deflated=deflated(data), crc=zlib.crc32(data), length=len(data))
        return BundleFile(path, data=data)

    def add_bytes(self, path: str, data: bytes) -> None:
        self._add(self._in_memory(path, data))

    def entry(self, path: str, data: bytes) -> BundleFile:
        """The file :meth:`add_bytes` would add, made but not added (to add with :meth:`add_entry`
        later, from another process, say: it pickles)."""
        return self._in_memory(path, data)

    def add_entry(self, entry: BundleFile) -> None:
        """Add a file made by :meth:`entry`."""
        self._add(entry)

    def add_text(self, path: str, text: str) -> None:
        self._add(self._in_memory(path, text.encode("utf-8")))

    def add_file(self, path: str, source: Path) -> None:
        self._add(BundleFile(path, source=source))

    def add_xml(self, path: str, root: etree._Element | etree._ElementTree) -> None:
        self._add(self._in_memory(path, serialize_xml(root)))

    def warn(self, message: str) -> None:
        """Something the author should fix in the source (fatal with ``--strict``)."""
        self.warnings.append(warning(message))

    def note(self, message: str) -> None:
        """Something this format cannot hold, simplified as described (never fatal)."""
        self.notes.append(Diagnostic(Level.NOTE, message))

    def paths(self) -> list[str]:
        return sorted(self.files)

    def sorted_entries(self) -> list[BundleFile]:
        """Every file in path order, each under a safe path that is its own."""
        entries = []
        for path in sorted(self.files):
            entry = self.files[path]
            if path not in self._checked or entry.path != path:  # put into ``files`` by hand
                check_bundle_path(path)
                if entry.path != path:
                    raise ValueError(f"the bundle path {path!r} holds the file of {entry.path!r}")
            entries.append(entry)
        return entries


def serialize_xml(root: etree._Element | etree._ElementTree) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


class Exporter:
    """Base class of every target.  Subclasses set the class attributes below."""

    name: ClassVar[str]
    description: ClassVar[str] = ""
    format: ClassVar[ArchiveFormat] = "zip"
    suffix: ClassVar[str] = "zip"
    Options: ClassVar[type[ExporterOptions]] = ExporterOptions
    #: Other names for the same target in course.yml's ``exporters:`` mapping.
    option_keys: ClassVar[tuple[str, ...]] = ()
    #: About how long this target's bundle takes to build and write, against a plain cartridge
    #: (1.0).  A parallel build starts the longest first, so that no process is left with a
    #: long bundle at the end while the other waits; the bytes never depend on it.
    build_cost: ClassVar[float] = 1.0

    def __init__(self, options: ExporterOptions | None = None):
        self.options = options if options is not None else self.Options()

    def build_bundle(self, course: Course) -> Bundle:  # pragma: no cover - interface
        raise NotImplementedError

    def bundle_key(self) -> tuple:
        """Equal keys promise byte-identical bundles from the same course.

        A build with several targets of equal keys builds their bundle once and copies
        it.  The default, the class and its options, is always safe; a family of
        targets that differ only in name can say more (the cartridge flavours do).
        """
        return (type(self), self.options.model_dump_json())
