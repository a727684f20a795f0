"""Checks that run on a course model after reading, before any export.

Each check is a function ``(course) -> list[Diagnostic]``.  Warnings do not stop a build
unless ``--strict`` is given; errors always do.
"""

from __future__ import annotations

from typing import Callable

from ..errors import Diagnostic
from ..model import Course
from .answer_keys import check_answer_keys
from .bibliography import check_bibliography
from .content import check_content
from .outcomes import check_outcomes
from .workload import check_workload

Check = Callable[[Course], list[Diagnostic]]

CHECKS: tuple[Check, ...] = (check_content, check_outcomes, check_bibliography, check_answer_keys, check_workload)


def run_checks(course: Course) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for check in CHECKS:
        found.extend(check(course))
    return found
