"""Diagnostics and the exceptions that carry them to the command line.

Every user mistake becomes a :class:`Diagnostic` with a source location, printed as
``path:line: error: message`` the way compilers do, so editors can jump to it.
The exceptions subclass :class:`click.ClickException` so the exit code comes for free
and no traceback is ever shown for a mistake in the course source.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import click


class Level(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True, order=True)
class Location:
    """Where something came from: a file (absolute) and a 1-based line (0 when unknown)."""

    path: str
    line: int = 0

    def display(self) -> str:
        shown = display_path(self.path)
        return f"{shown}:{self.line}" if self.line else shown


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as the user typed it: relative to the working directory when that is shorter."""
    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute)
    except ValueError:  # another drive on Windows
        return absolute
    return relative if not relative.startswith(".." + os.sep + "..") else absolute


@dataclass(frozen=True)
class Diagnostic:
    level: Level
    message: str
    location: Location | None = None
    # The check family that found it ("quiz-quality", ...), and whether --strict leaves it a
    # warning (a family the course has not made strict: see ilead_shell.checks).
    check: str = ""
    advisory: bool = False
    # A stable name for the kind of mistake ("unknown-outcome"), for --format json and CI;
    # empty: derived from the message by ilead_shell.diagnostic_codes (documented in docs/diagnostics.md).
    code: str = ""

    def format(self) -> str:
        where = f"{self.location.display()}: " if self.location else ""
        return f"{where}{self.level.value}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.level is Level.ERROR


def error(message: str, path: str | Path | None = None, line: int = 0, code: str = "") -> Diagnostic:
    return Diagnostic(Level.ERROR, message, Location(str(path), line) if path else None, code=code)


def warning(message: str, path: str | Path | None = None, line: int = 0, code: str = "") -> Diagnostic:
    return Diagnostic(Level.WARNING, message, Location(str(path), line) if path else None, code=code)


class IleadError(click.ClickException):
    """A user-facing failure. ``exit_code`` 1 unless a subclass says otherwise."""

    exit_code = 1

    def show(self, file=None) -> None:  # noqa: D102 - click's hook
        # Same shape as the located diagnostics, so editors and CI logs read both alike.
        click.echo(f"error: {self.format_message()}", err=True, file=file)


class CourseError(IleadError):
    """The course source has one or more errors; all of them are reported at once."""

    def __init__(self, diagnostics: list[Diagnostic], waiting_checks: list[str] | tuple[str, ...] = ()):
        self.diagnostics = sorted(
            diagnostics, key=lambda d: (d.location or Location(""), d.message)
        )
        # Check families that weigh the whole course, so they run once the errors are fixed.
        self.waiting_checks = tuple(waiting_checks)
        super().__init__(self._summary())

    def _summary(self) -> str:
        lines = [d.format() for d in self.diagnostics]
        errors = sum(1 for d in self.diagnostics if d.is_error)
        noun = "error" if errors == 1 else "errors"
        if self.waiting_checks:
            count = len(self.waiting_checks)
            lines.append(f"{count} check famil{'ies' if count != 1 else 'y'} run in full once the errors are fixed: "
                         f"{', '.join(self.waiting_checks)}")
        lines.append(f"{errors} {noun}; nothing was written.")
        return "\n".join(lines)

    def format_message(self) -> str:
        return self._summary()

    def show(self, file=None) -> None:  # noqa: D102 - each line already says "error:"
        click.echo(self.format_message(), err=True, file=file)


class UnknownTargetError(IleadError):
    exit_code = 2


class ExporterError(IleadError):
    """An exporter could not be loaded or failed on a valid course (a bug, not a user mistake)."""
