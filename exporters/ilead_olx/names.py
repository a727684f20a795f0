"""url_names for every block, derived from source ids only.

Open edX keeps learner state by url_name, so a name must never depend on position.
Source ids never contain ``__`` (see :mod:`ilead_shell.identifiers`), so a type prefix
plus the ids joined by ``__`` is unique across block types as well as within one, which
olxcleaner requires (it keys url_names course-wide, not per type).
"""

from __future__ import annotations

import re

from ilead_shell.identifiers import ncname
from ilead_shell.model import Item, Module

URL_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


def chapter(module: Module) -> str:
    return ncname("chapter", module.id)


def overview_sequential(module: Module) -> str:
    return ncname("overview", module.id)


def overview_vertical(module: Module) -> str:
    return ncname("overview_unit", module.id)


def overview_html(module: Module) -> str:
    return ncname("overview_html", module.id)


def sequential(item: Item) -> str:
    return ncname("seq", item.module_id, item.id)


def vertical(item: Item, part: str | None = None) -> str:
    """The item's unit; a quiz has one unit per question (``part`` = question id)."""
    return ncname("unit", item.module_id, item.id, *([part] if part else []))


def html(item: Item, role: str = "body") -> str:
    return ncname(f"html_{role}", item.module_id, item.id)


def problem(item: Item, question_id: str) -> str:
    return ncname("problem", item.module_id, item.id, question_id)


def open_assessment(item: Item, question_id: str | None = None) -> str:
    return ncname("ora", item.module_id, item.id, *([question_id] if question_id else []))


def video(item: Item) -> str:
    return ncname("video", item.module_id, item.id)


def discussion(item: Item) -> str:
    return ncname("discussion", item.module_id, item.id)


def safe(text: str, fallback: str) -> str:
    """Reduce a user-given value (an offering name, a run) to ``[A-Za-z0-9_-]``."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")
    return cleaned or fallback
