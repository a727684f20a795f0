"""Reading a course source folder into the course model."""

from pathlib import Path

from ..errors import Diagnostic
from ..model import Course
from .course_reader import CourseReader


def load_course(source: str | Path) -> tuple[Course, list[Diagnostic]]:
    """Read a course; return it with any warnings. Raises ``CourseError`` on errors."""
    reader = CourseReader(Path(source))
    course = reader.read()
    return course, [d for d in reader.diagnostics if not d.is_error]


def read_course(source: str | Path) -> Course:
    return load_course(source)[0]


__all__ = ["load_course", "read_course"]
