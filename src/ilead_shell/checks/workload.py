"""Workload check: an offering that awards credits should ask for the hours they stand for.

``credits`` × ``hours_per_credit`` (45 by default: one hour of instruction and two of
out-of-class work a week for about fifteen weeks, the US semester credit hour) is compared
with the effort the course's own estimates add up to in that offering.
"""

from __future__ import annotations

from pathlib import Path

from ..effort import course_minutes
from ..errors import Diagnostic, warning
from ..model import Course
from ..offerings import select_offering

TOLERANCE = 0.10


def check_workload(course: Course) -> list[Diagnostic]:
    found = []
    for offering in course.offerings:
        expected = offering.expected_hours
        if not expected:
            continue
        estimated = course_minutes(select_offering(course, offering.name)) / 60
        if abs(estimated - expected) > TOLERANCE * expected:
            found.append(warning(
                f"offering '{offering.name}' awards {offering.credits:g} credits, which stand for {expected:g} hours "
                f"of learner work ({offering.hours_per_credit:g} per credit), but its activities add up to about "
                f"{estimated:.0f} hours; adjust the work or the items' effort: estimates (within "
                f"{TOLERANCE:.0%})", Path(course.root) / course.location.path, 1))
    return found
