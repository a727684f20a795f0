"""Checks that run on a course model after reading, before any export.

Each check is a function ``(course) -> list[Diagnostic]``.  Warnings do not stop a build
unless ``--strict`` is given; errors always do.
"""

from __future__ import annotations

from typing import Callable

from ..errors import Diagnostic
from ..model import Course
from .content import check_content
from .outcomes import check_outcomes

Check = Callable[[Course], list[Diagnostic]]

CHECKS: tuple[Check, ...] = (check_content, check_outcomes)


def run_checks(course: Course) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for check in CHECKS:
        found.extend(check(course))
    return found
