"""Checks that every id a course mentions exists: outcomes, competencies, groups, offerings."""

from __future__ import annotations

from pathlib import Path

from ..errors import Diagnostic, error, warning
from ..model import Course, Offering, Quiz
from .yaml_source import YamlDocument


def check_course_settings(course: Course, course_doc: YamlDocument) -> list[Diagnostic]:
    """What course.yml and competencies.yml alone decide; runs even when modules have errors."""
    problems: list[Diagnostic] = []
    root = Path(course.root)
    competency_ids = {c.id for c in course.competencies.all()}
    seen: set[str] = set()
    for outcome in course.outcomes:
        where = (root / outcome.location.path, outcome.location.line)
        if outcome.id in seen:
            problems.append(error(f"outcome id '{outcome.id}' is used twice", *where))
        seen.add(outcome.id)
        for cid in outcome.competencies:
            if cid not in competency_ids:
                hint = " (no competencies.yml is defined)" if not competency_ids else ""
                problems.append(error(f"outcome {outcome.id} names unknown competency '{cid}'{hint}", *where))
    gradings = [(course.grading, ("grading",), "")]
    gradings += [(o.grading, ("offerings", o.name, "grading"), f" in offering '{o.name}'")
                 for o in course.offerings if o.grading is not None]
    for grading, key, where in gradings:
        if not grading.groups:
            continue
        total = sum(g.weight for g in grading.groups)
        if abs(total - 100) > 1e-6:
            problems.append(error(f"grading group weights{where} add up to {total:g}, not 100",
                                  course_doc.path, course_doc.key_line(key + ("groups",))))
        ids = [g.id for g in grading.groups]
        for gid in sorted({g for g in ids if ids.count(g) > 1}):
            problems.append(error(f"grading group id '{gid}' is used twice{where}", course_doc.path,
                                  course_doc.line_of(key + ("groups",))))
    return problems


def check_references(course: Course, course_doc: YamlDocument,
                     front_matter: dict[str, YamlDocument] | None = None) -> list[Diagnostic]:
    """``front_matter`` maps a module's or item's location path to its front matter, so a
    wrong id is reported at the line that names it rather than at the top of the file."""
    problems: list[Diagnostic] = []
    root = Path(course.root)
    front_matter = front_matter or {}

    def at(location, message: str, key: tuple = ()) -> None:
        document = front_matter.get(location.path) if key else None
        line = document.line_of(key) if document is not None else location.line
        problems.append(error(message, root / location.path, line))

    problems += check_course_settings(course, course_doc)
    course_outcomes = {o.id for o in course.outcomes}
    offering_names = {o.name for o in course.offerings}
    group_ids = {g.id for g in course.grading.groups}
    seen_outcomes: dict[str, str] = {o.id: o.location.path for o in course.outcomes}

    all_outcomes = set(course_outcomes)
    for module in course.modules:
        for outcome in module.outcomes:
            if outcome.id in seen_outcomes:
                at(outcome.location, f"outcome id '{outcome.id}' is also defined in {seen_outcomes[outcome.id]}")
            seen_outcomes[outcome.id] = outcome.location.path
            all_outcomes.add(outcome.id)
            for supported in outcome.supports:
                if supported not in course_outcomes:
                    at(outcome.location, f"module outcome {outcome.id} supports unknown course outcome '{supported}'")

    def check_offerings(location, names) -> None:
        for index, name in enumerate(names or ()):
            if name not in offering_names:
                at(location, f"unknown offering '{name}'; the course defines: {', '.join(sorted(offering_names))}",
                   ("offerings", index))

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
                if oid not in all_outcomes:
                    at(item.location, f"unknown outcome '{oid}'", ("outcomes", index))
            group = getattr(item, "group", None)
            # Each offering the item is in grades it by its own grading, or by the course's
            # (also when the item is in no known offering, so a misspelt group is still found).
            containing = [o for o in course.offerings
                          if all(names is None or o.name in names for names in (module.offerings, item.offerings))]
            for offering in (containing or [Offering(name="")]) if group is not None else ():
                own = offering.grading is not None
                ids = {g.id for g in offering.grading.groups} if own else group_ids
                if group in ids:
                    continue
                known = ", ".join(sorted(ids)) or ("none" if own else "none: add grading.groups to course.yml")
                if own:
                    at(item.location, f"grading group '{group}' is not one of offering '{offering.name}''s grading "
                                      f"groups ({known}); add it there or leave the item out of that offering",
                       ("group",))
                else:
                    at(item.location, f"unknown grading group '{group}' (known: {known})", ("group",))
                    break
            if isinstance(item, Quiz):
                for question in item.questions:
                    for oid in question.outcomes:
                        if oid not in all_outcomes:
                            at(question.location, f"unknown outcome '{oid}'")
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
            if getattr(item, "due_week", None) and not (course.start or any(o.start for o in course.offerings)):
                at(item.location, "due: 'week N' needs a 'start:' date in course.yml (or in the offering)",
                   ("due",))
    return problems
