"""``ilead-shell check --report FILE.html``: one page a programme team can read.

Every finding grouped by module, the outcome coverage matrix (per offering), readability per
page and quiz statistics, as one self-contained, accessible HTML page (a table per section
with captions and header cells, headings in order, no meaning carried by colour alone).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Diagnostic
from ..model import Course
from ..templating import environment
from .accessibility import REVIEW_ADVICE, files_for_review
from .config import checks_config
from .language import readability_rows
from .outcomes import assessed_by_offering, coverage
from .quiz_quality import quiz_statistics


@dataclass
class Section:
    title: str
    anchor: str
    findings: list[Diagnostic] = field(default_factory=list)


def _module_of(course: Course, path: str) -> str | None:
    """The module id whose folder holds ``path`` (course-relative), or None."""
    for module in course.modules:
        folder = str(Path(module.location.path).parent)
        if path == module.location.path or path.startswith(folder + "/"):
            return module.id
    return None


def findings_by_module(course: Course, findings: list[Diagnostic]) -> list[Section]:
    root = os.path.abspath(course.root)
    sections = {"": Section("The course as a whole", "course")}
    for module in course.modules:
        sections[module.id] = Section(f"Module: {module.title}", f"module-{module.id}")
    for finding in findings:
        relative = ""
        if finding.location is not None:
            relative = os.path.relpath(os.path.abspath(finding.location.path), root).replace(os.sep, "/")
        sections[_module_of(course, relative) or ""].findings.append(finding)
    for section in sections.values():
        section.findings.sort(key=lambda d: (d.location.path if d.location else "", d.location.line if d.location
                                             else 0, d.message))
    return list(sections.values())


def relative_location(course: Course, finding: Diagnostic) -> str:
    if finding.location is None:
        return ""
    path = os.path.relpath(os.path.abspath(finding.location.path), os.path.abspath(course.root))
    return f"{path}:{finding.location.line}" if finding.location.line else path


def report_data(course: Course, findings: list[Diagnostic]) -> dict:
    config, _ = checks_config(course, [])
    by_offering = assessed_by_offering(course)
    rows = coverage(course)
    families = Counter(f.check or "reader" for f in findings)
    return {
        "course": course,
        "sections": findings_by_module(course, findings),
        "location": lambda f: relative_location(course, f),
        "totals": {"errors": sum(f.is_error for f in findings), "warnings": sum(not f.is_error for f in findings),
                   "advisory": sum(f.advisory for f in findings)},
        "families": sorted(families.items()),
        "offerings": list(by_offering),
        "coverage": [{"row": row, "status": [by_offering[o].get(row.id) for o in by_offering],
                      "questions": sum(1 for e in row.direct if e.question is not None)} for row in rows],
        "readability": readability_rows(course),
        "target_grade": config.readability.target_grade,
        "quizzes": quiz_statistics(course),
        "review": files_for_review(course),
        "review_advice": REVIEW_ADVICE,
    }


def render_report(course: Course, findings: list[Diagnostic]) -> str:
    env = environment(__name__)
    return env.get_template("report.html.j2").render(**report_data(course, findings))
