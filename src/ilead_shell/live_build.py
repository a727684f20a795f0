"""The preview ``serve`` keeps up to date: rebuilt after each change, the last good one kept.

Each rebuild reads the course the normal way (every source file opened once, by its real
path, without following links, and stamped: :mod:`ilead_shell.source_files`), so a file
swapped for a link or changed while a rebuild runs is a located error, never an outside file
in the preview.  What makes it fast is that the Markdown of a text that did not change is
not converted again: Python-Markdown's output depends on the text alone, and that is most
of a read (benchmarks/bench_serve.py).

The result is a :class:`Site` held apart from the course source: generated pages in memory,
the course's media copied into a temporary folder of this process (a file unchanged since
the last rebuild, by its stamp, is linked rather than copied again).  Nothing is written
into the course source.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .errors import CourseError, Diagnostic, IleadError, Level
from .source_files import CHUNK, Stamp, open_checked, stamp_of


class MarkdownCache(dict):
    """Text -> HTML, trimmed after each read to the texts that read used."""

    def __init__(self):
        super().__init__()
        self.used: set[str] = set()

    def get(self, key, default=None):  # noqa: D102 - dict's
        value = super().get(key, default)
        if value is not None:
            self.used.add(key)
        return value

    def __setitem__(self, key, value):
        self.used.add(key)
        super().__setitem__(key, value)

    def trim(self) -> None:
        for key in [k for k in self if k not in self.used]:
            del self[key]
        self.used = set()


@dataclass
class Site:
    """One good build of the preview: bundle path -> bytes, or -> a copied media file."""

    pages: dict[str, bytes] = field(default_factory=dict)
    media: dict[str, Path] = field(default_factory=dict)
    watched: list[Path] = field(default_factory=list)  # the course folder and modules outside it
    title: str = ""
    folder: Path | None = None  # where its media copies are

    def get(self, path: str) -> tuple[bytes | None, Path | None]:
        if path in self.pages:
            return self.pages[path], None
        return None, self.media.get(path)


@dataclass
class BuildState:
    """What the server shows: the last good site, and the errors of the latest rebuild if it failed."""

    site: Site | None
    errors: list[Diagnostic]
    generation: int
    seconds: float


class LiveBuild:
    def __init__(self, source: Path, offering: str | None = None, on_change: Callable[[BuildState], None] | None = None):
        from .registry import Registry

        self.source = Path(source)
        self.offering = offering
        self.cache = MarkdownCache()
        self.registry = Registry()
        self.exporter_class = self.registry.load("html")
        self.folder = Path(tempfile.mkdtemp(prefix="ilead-serve-"))
        self._lock = threading.Lock()
        self._copies: dict[tuple[str, Stamp], Path] = {}
        self._generation = 0
        self._counter = 0
        self.state = BuildState(None, [], 0, 0.0)
        self.warnings: list[Diagnostic] = []
        self.on_change = on_change

    # -- building ----------------------------------------------------------------------------------
    def rebuild(self) -> BuildState:
        """Read, check and build the preview again; on errors keep the last good site."""
        with self._lock:
            started = time.perf_counter()
            try:
                site, warnings = self._build()
            except CourseError as exc:
                site, errors, warnings = None, [d for d in exc.diagnostics], []
            except IleadError as exc:
                site, errors, warnings = None, [Diagnostic(Level.ERROR, exc.format_message())], []
            except Exception as exc:  # noqa: BLE001 - a bug must not stop the preview
                detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
                site, warnings = None, []
                errors = [Diagnostic(Level.ERROR, f"internal error while building the preview (please report it): "
                                                  f"{detail}")]
            else:
                errors = []
            seconds = time.perf_counter() - started
            self._generation += 1
            self.state = BuildState(site or self.state.site, errors, self._generation, seconds)
            self.warnings = warnings if site is not None else []
            self._drop_old_generations()
            state = self.state
        if self.on_change is not None:
            self.on_change(state)
        return state

    def _build(self) -> tuple[Site, list[Diagnostic]]:
        from .offerings import select_offering
        from .pipeline import exporter_options, offerings_to_build, read_and_check

        try:
            course, findings = read_and_check(self.source, registry=self.registry, markdown_cache=self.cache)
        finally:
            self.cache.trim()
        offering = offerings_to_build(course, self.offering, allow_all=False)[0]
        exporter = self.exporter_class(exporter_options(course, self.exporter_class, "html"))
        bundle = exporter.build_bundle(select_offering(course, offering))
        self._counter += 1
        generation = self.folder / f"{self._counter}"
        site = Site(title=course.display_title, watched=_watched_folders(course))
        copies: dict[tuple[str, Stamp], Path] = {}
        for path, entry in bundle.files.items():
            if entry.data is not None:
                site.pages[path] = entry.data
                continue
            site.media[path] = self._copy(entry.source, generation / path, copies)
        self._copies = copies
        site.folder = generation
        return site, findings + bundle.warnings

    def _copy(self, source: Path, target: Path, copies: dict) -> Path:
        """The checked bytes of a media file, in this process's folder (linked when unchanged)."""
        stamp = stamp_of(source)
        key = (str(source), stamp)
        target.parent.mkdir(parents=True, exist_ok=True)
        previous = self._copies.get(key) if stamp is not None else None
        if previous is not None and previous.exists():
            try:
                os.link(previous, target)
                copies[key] = target
                return target
            except OSError:
                pass
        with open_checked(source) as reader, open(target, "wb") as out:
            while True:
                chunk = reader.read(CHUNK)
                if not chunk:
                    break
                out.write(chunk)
        if stamp is not None:
            copies[key] = target
        return target

    def _drop_old_generations(self) -> None:
        """Every copy but the served site's (unchanged files were linked into it, so they stay)."""
        served = self.state.site.folder if self.state.site is not None else None
        for folder in self.folder.iterdir():
            if folder != served:
                shutil.rmtree(folder, ignore_errors=True)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


def _watched_folders(course) -> list[Path]:
    root = Path(course.root)
    folders = [root]
    for module in course.modules:
        folder = (root / module.folder).resolve()
        if not folder.is_relative_to(root):
            folders.append(folder)  # a module listed by path from elsewhere
    return folders
