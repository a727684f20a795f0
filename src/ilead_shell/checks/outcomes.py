"""Outcome checks: are the outcomes measurable, assessed and aligned with the competencies?

The alignment rule (documented in docs/ilead-course.md):

* An item *assesses* an outcome when it is a quiz, assignment or discussion that learners
  see (published, and not for instructors only) and that lists the outcome, or when a
  question of such a quiz lists it.  Pages, videos, links and files only *address*
  outcomes: reading about something is not evidence of it.
* A module outcome is assessed when an item assesses it directly.
* A course outcome is assessed when an item assesses it directly, or when a module
  outcome that ``supports`` it is assessed.
* Assessment is judged per offering, because a MOOC learner never sees the certificate's
  assignments: an outcome assessed only by a certificate assignment is a gap in the MOOC.
* A competency is served when a course outcome lists it.

Every finding is a warning; ``--strict`` turns warnings into errors in the pipeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..audience import visible_to_learners
from ..errors import Diagnostic, warning
from ..model import (
    Assignment, Course, CourseOutcome, Discussion, File, Item, Link, ModuleOutcome, Question, Quiz,
    SourceLocation,
)
from ..offerings import select_offering

ASSESSING_TYPES = (Quiz, Assignment, Discussion)
# Links and files are supporting resources (a syllabus, a programme website); asking an
# author to align them with outcomes produces busywork, not better alignment.
EXEMPT_FROM_OUTCOMES = (Link, File)

# Verbs that name a state of mind rather than something a learner does, with measurable
# replacements taken from the matching level of Bloom's revised taxonomy.
_REMEMBER = ("define", "list", "identify", "describe")
_UNDERSTAND = ("explain", "summarise", "compare", "classify")
_EVALUATE = ("justify", "critique", "defend", "articulate")
_ANALYSE = ("analyse", "compare", "evaluate", "differentiate")
VAGUE_VERBS: dict[str, tuple[str, ...]] = {
    "demonstrate an understanding of": _UNDERSTAND,
    "demonstrate understanding of": _UNDERSTAND,
    "demonstrate knowledge of": _REMEMBER,
    "demonstrate an awareness of": _REMEMBER,
    "demonstrate awareness of": _REMEMBER,
    "gain an understanding of": _UNDERSTAND,
    "develop an understanding of": _UNDERSTAND,
    "have an understanding of": _UNDERSTAND,
    "develop an appreciation of": _EVALUATE,
    "develop an appreciation for": _EVALUATE,
    "gain insight into": _ANALYSE,
    "become familiar with": _REMEMBER,
    "be familiar with": _REMEMBER,
    "become aware of": _REMEMBER,
    "be aware of": _REMEMBER,
    "be exposed to": _REMEMBER,
    "think about": _ANALYSE,
    "reflect on": _ANALYSE,
    "understand": _UNDERSTAND,
    "comprehend": _UNDERSTAND,
    "grasp": _UNDERSTAND,
    "know": _REMEMBER,
    "learn": ("describe", "apply", "demonstrate", "use"),
    "appreciate": _EVALUATE,
    "value": _EVALUATE,
    "believe": _EVALUATE,
    "feel": _EVALUATE,
    "internalise": _EVALUATE,
    "internalize": _EVALUATE,
    "realise": ("identify", "explain", "recognise"),
    "realize": ("identify", "explain", "recognise"),
    "explore": _ANALYSE,
    "consider": _ANALYSE,
}
_PREAMBLE = re.compile(
    r"^(?:by the end of (?:this|the) (?:module|course|unit|week|programme|program),?\s+)?"
    r"(?:(?:learners|participants|students|you)\s+(?:will|should|can)\s+(?:be able to\s+)?)?"
    r"(?:be able to\s+)?",
)


def vague_verb(text: str) -> str | None:
    """The non-measurable phrase an outcome starts with, or ``None`` if it starts measurably."""
    words = " ".join(re.sub(r"[^\w\s'-]", " ", text.lower()).split())
    rest = _PREAMBLE.sub("", words, count=1)
    for phrase in VAGUE_VERBS:  # longest phrases first, by construction of the table
        if rest == phrase or rest.startswith(phrase + " "):
            return phrase
    return None


# -- alignment ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Evidence:
    """One item (and maybe one question of it) that assesses an outcome."""

    item: Item
    question: Question | None = None

    @property
    def label(self) -> str:
        if self.question is None:
            return f"{self.item.title} ({self.item.type})"
        return f"{self.item.title}: {self.question.title}"


@dataclass
class OutcomeCoverage:
    outcome: CourseOutcome | ModuleOutcome
    module_id: str | None  # None for course outcomes
    direct: list[Evidence] = field(default_factory=list)
    via: list[str] = field(default_factory=list)  # assessed module outcomes that support it

    @property
    def id(self) -> str:
        return self.outcome.id

    @property
    def serves(self) -> tuple[str, ...]:
        if isinstance(self.outcome, CourseOutcome):
            return self.outcome.competencies
        return self.outcome.supports

    @property
    def assessed(self) -> bool:
        return bool(self.direct or self.via)

    @property
    def assessing_items(self) -> list[Item]:
        seen: dict[str, Item] = {}
        for evidence in self.direct:
            seen.setdefault(evidence.item.full_id, evidence.item)
        return list(seen.values())


def direct_evidence(course: Course) -> dict[str, list[Evidence]]:
    """Outcome id -> the assessing items and questions learners see that list it."""
    found: dict[str, list[Evidence]] = {}
    for item in course.items():
        if not visible_to_learners(item) or not isinstance(item, ASSESSING_TYPES):
            continue
        for oid in dict.fromkeys(item.outcomes):
            found.setdefault(oid, []).append(Evidence(item))
        if isinstance(item, Quiz):
            for question in item.questions:
                for oid in dict.fromkeys(question.outcomes):
                    found.setdefault(oid, []).append(Evidence(item, question))
    return found


def coverage(course: Course) -> list[OutcomeCoverage]:
    """Course outcomes first, then module outcomes in course order, with their evidence."""
    evidence = direct_evidence(course)
    modules = [OutcomeCoverage(o, m.id, list(evidence.get(o.id, ()))) for m in course.modules for o in m.outcomes]
    rows = []
    for outcome in course.outcomes:
        via = [row.id for row in modules if outcome.id in row.outcome.supports and row.assessed]
        rows.append(OutcomeCoverage(outcome, None, list(evidence.get(outcome.id, ())), via))
    return rows + modules


def competency_service(course: Course) -> dict[str, list[str]]:
    """Competency id -> ids of the course outcomes that serve it (framework order)."""
    served = {c.id: [] for c in course.competencies.all()}
    for outcome in course.outcomes:
        for cid in outcome.competencies:
            if cid in served:
                served[cid].append(outcome.id)
    return served


def assessed_by_offering(course: Course) -> dict[str, dict[str, bool]]:
    """Offering name -> {outcome id: assessed?} for the outcomes that offering contains."""
    return {
        offering.name: {row.id: row.assessed for row in coverage(select_offering(course, offering.name))}
        for offering in course.offerings
    }


# -- the check --------------------------------------------------------------------------------
def check_outcomes(course: Course) -> list[Diagnostic]:
    root = Path(course.root)

    def at(location: SourceLocation, message: str) -> Diagnostic:
        return warning(message, root / location.path, location.line)

    rows = coverage(course)
    found = _wording(rows, at)
    found += _unassessed(course, rows, at)

    has_framework = bool(course.competencies.all())
    for outcome in course.outcomes:
        if has_framework and not outcome.competencies:
            found.append(at(outcome.location, f"course outcome {outcome.id} serves no competency; "
                                              "list the competencies it develops under 'competencies:'"))
    if course.outcomes:
        for module in course.modules:
            for outcome in module.outcomes:
                if not outcome.supports:
                    found.append(at(outcome.location, f"module outcome {outcome.id} supports no course outcome; "
                                                      "list them under 'supports:'"))
    for cid, outcomes in competency_service(course).items():
        if not outcomes:
            competency = next(c for c in course.competencies.all() if c.id == cid)
            found.append(at(competency.location, f"competency {cid} ({competency.name}) is served by no "
                                                 "course outcome"))

    for item in course.items():
        # Drafts and instructor material are not aligned for learners, so they need not name one.
        if not visible_to_learners(item) or isinstance(item, EXEMPT_FROM_OUTCOMES):
            continue
        named = item.outcomes or (isinstance(item, Quiz) and any(q.outcomes for q in item.questions))
        if not named:
            found.append(at(item.location, f"{item.type} '{item.title}' names no outcome; add 'outcomes: [...]' "
                                           "so it can be aligned"))
    return found


def check_outcome_wording(course: Course) -> list[Diagnostic]:
    """Only the wording of each outcome (the part of the family a course with errors allows)."""
    root = Path(course.root)
    return _wording(coverage(course), lambda location, message: warning(message, root / location.path,
                                                                         location.line))


def _wording(rows: list[OutcomeCoverage], at) -> list[Diagnostic]:
    found = []
    for row in rows:
        phrase = vague_verb(row.outcome.text)
        if phrase:
            found.append(at(row.outcome.location, (
                f"outcome {row.id} starts with '{phrase}', which cannot be observed or measured; "
                f"use a measurable verb such as {', '.join(VAGUE_VERBS[phrase])}")))
    return found


def _unassessed(course: Course, rows: list[OutcomeCoverage], at) -> list[Diagnostic]:
    by_offering = assessed_by_offering(course)
    only_default = [o.name for o in course.offerings] == ["default"]
    found = []
    for row in rows:
        missing = [name for name, status in by_offering.items() if status.get(row.id) is False]
        if not missing:
            continue
        hidden = [i for i in course.items() if not visible_to_learners(i) and isinstance(i, ASSESSING_TYPES)
                  and (row.id in i.outcomes or any(row.id in q.outcomes for q in getattr(i, "questions", ())))]
        # An item learners do not see does not assess; naming it tells the author why, and what to change.
        how = _only_hidden_items(hidden) or "no quiz, question, assignment or discussion lists it"
        how += "" if row.module_id else ", and no module outcome supporting it is assessed"
        kind = "module" if row.module_id else "course"
        where = "" if only_default else (
            " in any offering" if len(missing) == len(by_offering) else
            f" in the {', '.join(missing)} offering{'s' if len(missing) > 1 else ''}")
        found.append(at(row.outcome.location, f"{kind} outcome {row.id} is not assessed{where}: {how}"))
    return found


def _only_hidden_items(items: list[Item]) -> str:
    drafts = ", ".join(repr(i.title) for i in items if not i.published and not i.for_instructors)
    instructors = ", ".join(repr(i.title) for i in items if i.for_instructors)
    if drafts and instructors:
        return f"only unpublished items ({drafts}) and instructor material ({instructors}) list it"
    if drafts:
        return f"only unpublished items list it ({drafts})"
    if instructors:
        return f"only instructor material lists it ({instructors}), which learners never see"
    return ""


# -- the coverage table printed by `ilead-shell check --coverage` --------------------------------
def coverage_table(course: Course) -> str:
    by_offering = assessed_by_offering(course)
    names = list(by_offering)
    header = ["Outcome", "Serves", "Items", "Questions", *names]
    lines = []
    for row in coverage(course):
        questions = sum(1 for e in row.direct if e.question is not None)
        marks = []
        for name in names:
            status = by_offering[name].get(row.id)
            marks.append("-" if status is None else ("yes" if status else "NO"))
        served = ", ".join(row.serves) or "-"
        via = f" (+{len(row.via)} via)" if row.via else ""
        lines.append([row.id, served, f"{len(row.assessing_items)}{via}", str(questions), *marks])
    out = _columns(header, lines)
    out.append("Items: assessing items that list the outcome (+ assessed module outcomes supporting it); "
               "offering columns: assessed there ('-': not part of that offering).")
    served = [[cid, ", ".join(outcomes) or "NONE"] for cid, outcomes in competency_service(course).items()]
    if served:
        out += ["", *_columns(["Competency", "Served by"], served)]
    return "\n".join(out)


def _columns(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def fmt(cells: list[str]) -> str:
        return "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()

    return [fmt(header), fmt(["-" * w for w in widths]), *(fmt(r) for r in rows)]
