"""What each cartridge reader does with material for instructors, said once per bundle.

A cartridge can only *mark* a resource for the Instructor role (``intendedEndUserRole``);
hiding it is the importing LMS's decision, so the admin is told what to expect from theirs.
"""

from __future__ import annotations

from ilead_shell.exporter_api import Bundle
from ilead_shell.model import Course


def _summary(course: Course) -> str | None:
    items = [i for m in course.modules for i in m.items if i.for_instructors]
    modules = [m.id for m in course.modules if m.for_instructors]
    if not items and not modules:
        return None
    parts = [f"{len(items)} item{'s' if len(items) != 1 else ''}"]
    if modules:
        parts.append(f"module{'s' if len(modules) > 1 else ''} {', '.join(modules)}")
    return " and ".join(parts) + " for instructors"


def note_plain(course: Course, bundle: Bundle) -> None:
    what = _summary(course)
    if what:
        bundle.note(f"{what}: marked for the Instructor role (intendedEndUserRole); Moodle hides them "
                    "and Canvas unpublishes them, but readers that ignore the role show them to learners "
                    "(Open edX's cc2olx does: use --target edx for Open edX)")


def note_moodle(course: Course, bundle: Bundle) -> None:
    what = _summary(course)
    if what:
        bundle.note(f"{what}: hidden activities in Moodle, which teachers see and learners do not")
    for module in course.modules:
        if module.for_instructors:
            bundle.note(f"module {module.id} is for instructors: Moodle's importer makes every section "
                        "visible, so learners see its title (not its activities); hide the section by hand")


def note_canvas(course: Course, bundle: Bundle) -> None:
    what = _summary(course)
    if what:
        bundle.note(f"{what}: unpublished in Canvas, which has no teacher-only page; teachers see them, "
                    "learners do not while they stay unpublished")
