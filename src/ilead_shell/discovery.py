"""Which course a command works on when none is named: found from where the author stands.

As MkDocs finds ``mkdocs.yml`` and Quarto ``_quarto.yml``: the nearest folder at or above
the current one that holds a ``course.yml``, else ``./course_source`` (this repository's
layout).  Only names are looked at (``os.path.isfile`` on each candidate); the course is
read later, by the reader, the checked way.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import IleadError

DEFAULT_SOURCE = Path("course_source")
COURSE_FILE = "course.yml"


def find_source(start: Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` (default: the current folder) with a course.yml,
    else ``./course_source`` when it exists; None when neither does."""
    here = Path(start) if start is not None else Path.cwd()
    here = here.absolute()
    for folder in (here, *here.parents):
        if os.path.isfile(folder / COURSE_FILE):
            return _shown(folder, here)
    fallback = here / DEFAULT_SOURCE
    if os.path.isdir(fallback):
        return _shown(fallback, here)
    return None


def _shown(folder: Path, here: Path) -> Path:
    """The folder as short as it can be said from here ('.', '..', 'course_source')."""
    try:
        return Path(os.path.relpath(folder, here))
    except ValueError:  # another drive on Windows
        return folder


def source_or_discovered(given: Path | None) -> Path:
    """``given`` as it is (the reader says if it is wrong), or the discovered course; a missing
    one is an error that says how to name one."""
    if given is not None:
        return given
    found = find_source()
    if found is None:
        raise SourceNotFound(missing_source_message())
    return found


class SourceNotFound(IleadError):
    code = "source-missing"


def missing_source_message() -> str:
    here = Path.cwd()
    return (f"no course here: no {COURSE_FILE} in {here} or any folder above it, and no ./{DEFAULT_SOURCE}; "
            "run the command inside a course folder, name the folder (for example: ilead-shell check "
            "path/to/course), or start a course with: ilead-shell new course my-course")
