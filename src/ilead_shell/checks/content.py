"""Content checks: things that import fine but leave learners with nothing to do."""

from __future__ import annotations

from pathlib import Path

from ..errors import Diagnostic, warning
from ..model import Course, Page


def check_content(course: Course) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    root = Path(course.root)
    for module in course.modules:
        if not module.items:
            found.append(warning(f"module '{module.title}' has no items", root / module.location.path, 1))
        for item in module.items:
            if isinstance(item, Page) and item.body.is_empty:
                found.append(warning(f"page '{item.title}' has no text", root / item.location.path, 1))
    return found
