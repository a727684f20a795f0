"""Reading a course source folder into the course model."""

from pathlib import Path

from ..errors import Diagnostic
from ..model import Course
from ..source_files import folders_kept_open
from .course_reader import CourseReader


def load_course(source: str | Path, markdown_cache: dict[str, str] | None = None,
                processes: int | None = None) -> tuple[Course, list[Diagnostic]]:
    """Read a course; return it with any warnings. Raises ``CourseError`` on errors.

    ``markdown_cache`` (text -> HTML), kept by a caller that reads the same course again and
    again (``serve``), spares converting the Markdown that did not change.  At most
    ``processes`` processes read it (default: one per CPU, where the course is large enough)."""
    reader = CourseReader(Path(source), markdown_cache, processes)
    with folders_kept_open():  # files are read folder by folder: each walked from / once
        course = reader.read()
    return course, [d for d in reader.diagnostics if not d.is_error]


def read_course(source: str | Path) -> Course:
    return load_course(source)[0]


__all__ = ["load_course", "read_course"]
