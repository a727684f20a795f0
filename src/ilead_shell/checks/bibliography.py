"""Reference checks: every work in a references.yml is used, and what is still to be chosen.

A work nobody cites, reads or maps a competency to is usually a citation that lost its
sentence in an edit; the warning sends the author back to it.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import Diagnostic, warning
from ..model import Course, Reading


def used_works(course: Course) -> set[str]:
    used = {f.reference for f in course.competencies.crosswalk if f.reference}
    for module in course.modules:
        used.update(module.cites)
        used.update(r.work for r in module.readings if r.work)
        for item in module.items:
            used.update(item.cites)
            used.update(r.work for r in item.readings if r.work)
    return used


def check_bibliography(course: Course) -> list[Diagnostic]:
    root = Path(course.root)
    used = used_works(course)
    return [warning(f"reference '{work.id}' is never cited, read or mapped to; cite it with [@{work.id}], "
                    "list it under readings:, or remove it", root / work.location.path, work.location.line)
            for work in course.bibliography if work.id not in used]


def pending_readings(course: Course) -> list[tuple[str, Reading]]:
    """(where, reading) for each reading still to be selected by the program team."""
    found = []
    for module in course.modules:
        found += [(module.title, r) for r in module.readings if r.pending]
        for item in module.items:
            found += [(item.title, r) for r in item.readings if r.pending]
    return found


def readings_table(course: Course) -> str:
    """The lines `check --coverage` prints about readings: chosen, and still to be chosen."""
    pending = pending_readings(course)
    chosen = sum(1 for m in course.modules for i in (m, *m.items) for r in i.readings if not r.pending)
    lines = ["", f"Readings: {chosen} chosen, {len(pending)} still to be selected by the program team"
                 f"; {len(course.bibliography)} works in references.yml files"]
    lines += [f"  {r.location.path}:{r.location.line}: {where}: {r.note}" for where, r in pending]
    return "\n".join(lines)
