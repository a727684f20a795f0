"""The grading policy: course.yml's grading groups as Open edX assignment types.

Each group becomes one ``GRADER`` entry whose ``type`` is the ``format`` of the graded
subsections in it; that string match is the only link Open edX makes between a
subsection and its weight, and olxcleaner does not check it, so both sides are derived
here from one table.  A group with nothing Open edX can score in this offering would
hold weight no learner can earn (and could make the pass mark unreachable), so it is
left out and the remaining weights are scaled to sum to 1, with a build warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ilead_shell.model import Assignment, Course, Discussion, Item, Quiz

DEFAULT_PASS = 0.5  # Open edX's own default cutoff when course.yml sets no pass mark
UNGROUPED_TYPE = "Graded work"


@dataclass
class GradingPlan:
    graders: list[dict] = field(default_factory=list)
    cutoffs: dict[str, float] = field(default_factory=dict)
    format_of: dict[str, str] = field(default_factory=dict)  # item full id -> grader type

    def policy(self) -> dict:
        return {"GRADER": self.graders, "GRADE_CUTOFFS": self.cutoffs}


def scorable(item: Item) -> bool:
    """Whether Open edX can put a score on this item (problems or an ORA)."""
    if isinstance(item, Quiz):
        return bool(item.questions) and item.points > 0
    return isinstance(item, Assignment)


def plan_grading(course: Course, warn: Callable[[str], None]) -> GradingPlan:
    plan = GradingPlan()
    pass_mark = course.grading.pass_percent
    plan.cutoffs = {"Pass": (pass_mark / 100) if pass_mark is not None else DEFAULT_PASS}

    # Instructor material is hidden from learners: counted in a grader, it would lower every grade.
    items = [i for i in course.items() if not i.for_instructors]
    for item in items:
        if isinstance(item, Discussion) and item.graded:
            warn(f"discussion '{item.title}' has points, but Open edX does not grade discussions; "
                 "it is imported ungraded")

    if not course.grading.groups:
        scored = [i for i in items if scorable(i)]
        plan.graders = [_grader(UNGROUPED_TYPE, "Graded", max(1, len(scored)), 1.0)]
        plan.format_of = {i.full_id: UNGROUPED_TYPE for i in scored}
        return plan

    types = _unique_types(course)
    members: dict[str, list[Item]] = {g.id: [] for g in course.grading.groups}
    for item in items:
        if not scorable(item):
            continue
        group = getattr(item, "group", None)
        if group in members:
            members[group].append(item)
        else:
            warn(f"'{item.title}' is scored but belongs to no grading group of course.yml; "
                 "it is imported ungraded")

    kept = [g for g in course.grading.groups if members[g.id]]
    dropped = [g for g in course.grading.groups if not members[g.id]]
    if not kept:
        warn("nothing in this offering can be graded by Open edX; the grading policy keeps "
             "course.yml's groups, but no learner can earn a grade")
        kept, dropped = list(course.grading.groups), []
    total = sum(g.weight for g in kept)
    if dropped:
        warn("grading groups with nothing Open edX can score in offering "
             f"'{course.offering}' are left out and the other weights rescaled to sum to 100%: "
             + ", ".join(f"{g.name} ({_percent(g.weight)}%)" for g in dropped))
    for group in kept:
        weight = group.weight / total if total else 1.0 / len(kept)
        plan.graders.append(_grader(types[group.id], _short_label(group.name),
                                    max(1, len(members[group.id])), weight))
        for item in members[group.id]:
            plan.format_of[item.full_id] = types[group.id]
    return plan


def _grader(kind: str, label: str, count: int, weight: float) -> dict:
    return {"type": kind, "short_label": label, "min_count": count, "drop_count": 0, "weight": weight}


def _unique_types(course: Course) -> dict[str, str]:
    """Group names as grader types; two groups with one name would merge, so tell them apart."""
    seen: dict[str, int] = {}
    for group in course.grading.groups:
        seen[group.name] = seen.get(group.name, 0) + 1
    return {g.id: g.name if seen[g.name] == 1 else f"{g.name} ({g.id})" for g in course.grading.groups}


def _short_label(name: str) -> str:
    words = [w for w in name.replace("-", " ").split() if w]
    if len(words) > 1:
        return "".join(w[0].upper() for w in words)[:6]
    return name if len(name) <= 12 else name[:8]


def _percent(weight: float) -> str:
    return str(int(weight)) if float(weight).is_integer() else str(weight)
