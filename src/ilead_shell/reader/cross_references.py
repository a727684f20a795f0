"""Checks that every id a course mentions exists: outcomes, competencies, groups, offerings.

A file that could not be read whole (a YAML mistake, a wrong key) has its own error; the ids
it defines are still collected where they can be (:class:`Tolerated`), so that a reference
to one of them is not reported as a second, misleading error, while every other unknown
reference in the course is reported in the same run.  Each unknown id is reported with the
closest known ones, or all of them when there are few.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Diagnostic, error, warning
from ..model import Course, Offering, Quiz
from .yaml_source import YamlDocument


@dataclass
class Tolerated:
    """Ids defined in files that could not be read whole: references to them are not reported."""

    outcomes: set[str] = field(default_factory=set)
    offerings: set[str] = field(default_factory=set)
    groups: set[str] = field(default_factory=set)
    competencies: set[str] = field(default_factory=set)
    # Whole namespaces that could not be read at all (course.yml's offerings: was not a mapping...).
    every_offering: bool = False
    every_group: bool = False
    every_competency: bool = False
    # Modules whose module.md could not be read: their own outcomes are unknown, so their items'
    # unknown outcomes are not reported.
    modules_without_outcomes: set[str] = field(default_factory=set)
    # course.yml keys that were left out after an error (start, grading...).
    course_keys: set[str] = field(default_factory=set)


def unknown(kind: str, wanted: str, known: set[str] | list[str], where: str = "the course defines") -> str:
    """``unknown outcome 'M2.9'; did you mean 'M2.1'? (the course defines: CO1, M2.1, M2.2)``."""
    known = sorted(set(known), key=_natural)
    close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.6)
    if not close:  # 'M2.9' and 'M2.1' are 75% alike, 'm2.1' and 'M2.1' only by case
        close = [k for k in known if k.casefold() == wanted.casefold()]
    hint = f"; did you mean '{close[0]}'?" if close else ""
    if not known:
        listing = f" ({where} none)"
    elif len(known) <= 15:
        listing = f" ({where}: {', '.join(known)})"
    else:
        shown = close or known[:5]
        listing = f" (the closest of {len(known)}: {', '.join(shown)})" if close else \
            f" ({where} {len(known)}, such as {', '.join(shown)})"
    return f"unknown {kind} '{wanted}'{hint}{listing}"


def _natural(text: str) -> list:
    import re
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r"(\d+)", text)]


def check_course_settings(course: Course, course_doc: YamlDocument,
                          tolerated: Tolerated | None = None) -> list[Diagnostic]:
    """What course.yml and competencies.yml alone decide."""
    tolerated = tolerated or Tolerated()
    problems: list[Diagnostic] = []
    root = Path(course.root)
    competency_ids = {c.id for c in course.competencies.all()}
    seen: set[str] = set()
    for outcome in course.outcomes:
        where = (root / outcome.location.path, outcome.location.line)
        if outcome.id in seen:
            problems.append(error(f"outcome id '{outcome.id}' is used twice", *where, code="duplicate-id"))
        seen.add(outcome.id)
        for cid in outcome.competencies:
            if cid not in competency_ids and not tolerated.every_competency and cid not in tolerated.competencies:
                if competency_ids:
                    message = unknown("competency", cid, competency_ids, "competencies.yml defines")
                else:
                    message = (f"unknown competency '{cid}' (no competencies.yml is defined: add one, "
                               "or remove 'competencies:' from the outcome)")
                problems.append(error(f"outcome {outcome.id} names {message}", *where,
                                      code="unknown-competency"))
    gradings = [(course.grading, ("grading",), "")]
    gradings += [(o.grading, ("offerings", o.name, "grading"), f" in offering '{o.name}'")
                 for o in course.offerings if o.grading is not None]
    for grading, key, where in gradings:
        if not grading.groups:
            continue
        total = sum(g.weight for g in grading.groups)
        if abs(total - 100) > 1e-6:
            problems.append(error(f"grading group weights{where} add up to {total:g}, not 100",
                                  course_doc.path, course_doc.key_line(key + ("groups",)), code="grading"))
        ids = [g.id for g in grading.groups]
        for gid in sorted({g for g in ids if ids.count(g) > 1}):
            problems.append(error(f"grading group id '{gid}' is used twice{where}", course_doc.path,
                                  course_doc.line_of(key + ("groups",)), code="duplicate-id"))
    return problems


def check_references(course: Course, course_doc: YamlDocument,
                     front_matter: dict[str, YamlDocument] | None = None,
                     tolerated: Tolerated | None = None) -> list[Diagnostic]:
    """``front_matter`` maps a module's or item's location path to its front matter, so a
    wrong id is reported at the line that names it rather than at the top of the file."""
    tolerated = tolerated or Tolerated()
    problems: list[Diagnostic] = []
    root = Path(course.root)
    front_matter = front_matter or {}

    def at(location, message: str, key: tuple = (), code: str = "") -> None:
        document = front_matter.get(location.path) if key else None
        line = document.line_of(key) if document is not None else location.line
        problems.append(error(message, root / location.path, line, code=code))

    problems += check_course_settings(course, course_doc, tolerated)
    course_outcomes = {o.id for o in course.outcomes}
    offering_names = {o.name for o in course.offerings}
    group_ids = {g.id for g in course.grading.groups}
    seen_outcomes: dict[str, str] = {o.id: o.location.path for o in course.outcomes}

    all_outcomes = set(course_outcomes)
    for module in course.modules:
        for outcome in module.outcomes:
            if outcome.id in seen_outcomes:
                at(outcome.location, f"outcome id '{outcome.id}' is also defined in {seen_outcomes[outcome.id]}",
                   code="duplicate-id")
            seen_outcomes[outcome.id] = outcome.location.path
            all_outcomes.add(outcome.id)
            for supported in outcome.supports:
                if supported not in course_outcomes and supported not in tolerated.outcomes:
                    at(outcome.location, f"module outcome {outcome.id} supports "
                                         + unknown("course outcome", supported, course_outcomes, "course.yml defines"),
                       code="unknown-course-outcome")

    def outcome_problem(oid: str, module_id: str) -> str | None:
        if oid in all_outcomes or oid in tolerated.outcomes or module_id in tolerated.modules_without_outcomes:
            return None
        return unknown("outcome", oid, all_outcomes)

    def check_offerings(location, names) -> None:
        if tolerated.every_offering:
            return
        for index, name in enumerate(names or ()):
            if name not in offering_names and name not in tolerated.offerings:
                at(location, unknown("offering", name, offering_names, "course.yml defines"),
                   ("offerings", index), code="unknown-offering")

    def warn(location, message: str, key: tuple) -> None:
        document = front_matter.get(location.path)
        problems.append(warning(message, root / location.path, document.line_of(key) if document else location.line))

    for module in course.modules:
        check_offerings(module.location, module.offerings)
        if module.offerings == ():
            warn(module.location, "offerings: [] puts this module in no offering, so no bundle has it; "
                                  "remove the key to include it everywhere", ("offerings",))
        for item in module.items:
            check_offerings(item.location, item.offerings)
            if item.offerings == ():
                warn(item.location, "offerings: [] puts this item in no offering, so no bundle has it; "
                                    "remove the key to include it everywhere", ("offerings",))
            rubric = getattr(item, "rubric", ())
            points = getattr(item, "points", None)
            if rubric and points is not None and sum(c.points for c in rubric) != points:
                # Canvas would show the rubric beside different points; Open edX grades by the rubric.
                warn(item.location, f"the rubric adds up to {sum(c.points for c in rubric):g} points but "
                                    f"points: is {points:g}; make them agree", ("points",))
            for index, oid in enumerate(item.outcomes):
                message = outcome_problem(oid, module.id)
                if message:
                    at(item.location, message, ("outcomes", index), code="unknown-outcome")
            group = getattr(item, "group", None)
            # Each offering the item is in grades it by its own grading, or by the course's
            # (also when the item is in no known offering, so a misspelt group is still found).
            containing = [o for o in course.offerings
                          if all(names is None or o.name in names for names in (module.offerings, item.offerings))]
            tolerated_group = tolerated.every_group or group in tolerated.groups
            for offering in (containing or [Offering(name="")]) if group is not None else ():
                own = offering.grading is not None
                ids = {g.id for g in offering.grading.groups} if own else group_ids
                if group in ids or (tolerated_group and not own):
                    continue
                if own:
                    known = ", ".join(sorted(ids)) or "none"
                    at(item.location, f"grading group '{group}' is not one of offering '{offering.name}''s grading "
                                      f"groups ({known}); add it there or leave the item out of that offering",
                       ("group",), code="unknown-group")
                else:
                    message = unknown("grading group", group, group_ids, "course.yml defines") if group_ids else \
                        f"unknown grading group '{group}' (none is defined: add grading: groups: to course.yml)"
                    at(item.location, message, ("group",), code="unknown-group")
                    break
            if isinstance(item, Quiz):
                for question in item.questions:
                    for oid in question.outcomes:
                        message = outcome_problem(oid, module.id)
                        if message:
                            at(question.location, message, code="unknown-outcome")
            due = getattr(item, "due", None)
            for offering in course.offerings if due is not None else ():
                start = offering.start or course.start
                if start and due < start and all(names is None or offering.name in names
                                                 for names in (module.offerings, item.offerings)):
                    # Every target but Open edX keeps the date, which learners could never meet.
                    document = front_matter.get(item.location.path)
                    problems.append(warning(
                        f"due {due} is before offering '{offering.name}' starts ({start}); "
                        "use a later date, or 'due: week N' to follow each offering's start",
                        root / item.location.path, document.line_of(("due",)) if document else item.location.line))
            if getattr(item, "due_week", None) and not (course.start or any(o.start for o in course.offerings)) \
                    and not {"start", "offerings"} & tolerated.course_keys:
                at(item.location, "due: 'week N' needs a 'start:' date in course.yml (or in the offering), "
                                  "for example: start: 2027-01-11", ("due",), code="due-date")
    return problems
