"""The CSS and JavaScript every rendered page links to, read from package data."""

from __future__ import annotations

from importlib import resources

#: File names under ``static/``; pages link them from the layout's static folder.
STYLESHEET = "ilead.css"
QUIZ_SCRIPT = "quiz.js"


def static_files() -> dict[str, bytes]:
    """Name -> content of the shared static files (small text files, read whole)."""
    folder = resources.files(__package__).joinpath("static")
    return {name: folder.joinpath(name).read_bytes() for name in (STYLESHEET, QUIZ_SCRIPT)}
