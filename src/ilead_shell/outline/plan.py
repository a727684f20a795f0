"""The curriculum outline as data: what both the HTML and the Markdown renderings show.

Built from a course already narrowed to one offering, so the plan, the assessments and
the alignment are the ones learners of that offering meet.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from lxml import html as lxml_html

from ..audience import without_instructor_material
from ..checks.bibliography import pending_readings, used_works
from ..checks.outcomes import ASSESSING_TYPES, competency_service, coverage
from ..citations import reference, sort_key
from ..counting import counted
from ..effort import item_minutes, module_minutes, overview_minutes
from ..model import Assignment, Course, Discussion, Item, ModuleOutcome, Offering, Quiz, Reading, RichText, Work

TYPE_LABELS = {
    "page": "Reading", "video": "Video", "link": "Web resource", "file": "Document",
    "discussion": "Discussion", "quiz": "Knowledge check", "assignment": "Assignment",
}


@dataclass(frozen=True)
class Activity:
    title: str
    kind: str
    outcomes: tuple[str, ...]
    assessment: str  # empty when the activity assesses nothing
    minutes: int


@dataclass(frozen=True)
class ModulePlan:
    number: int
    id: str
    title: str
    summary: str
    outcomes: tuple[ModuleOutcome, ...]
    activities: tuple[Activity, ...]
    minutes: int
    overview_minutes: int = 0  # reading the overview: a row of its own, so the rows add up to ``minutes``


@dataclass(frozen=True)
class AlignmentRow:
    id: str
    text: str
    level: str  # "Course" or "Module N"
    serves: tuple[str, ...]
    via: tuple[str, ...]
    assessments: tuple[str, ...]

    @property
    def assessed(self) -> bool:
        return bool(self.assessments)


@dataclass(frozen=True)
class CompetencyRow:
    id: str
    name: str
    domain: str
    outcomes: tuple[str, ...]
    assessments: int

    @property
    def served(self) -> bool:
        return bool(self.outcomes)


@dataclass(frozen=True)
class GradingRow:
    name: str
    weight: float
    items: tuple[str, ...]
    points: float


@dataclass(frozen=True)
class Outline:
    course: Course
    offering: Offering
    description: tuple[str, ...]  # paragraphs (or list items prefixed "- ") as plain text
    description_html: str
    modules: tuple[ModulePlan, ...]
    alignment: tuple[AlignmentRow, ...]
    competencies: tuple[CompetencyRow, ...]
    grading: tuple[GradingRow, ...]
    references: tuple[Work, ...] = ()  # works cited, read or mapped to in this offering
    pending: tuple[tuple[str, Reading], ...] = ()  # readings the program team still has to choose

    @property
    def minutes(self) -> int:
        return sum(m.minutes for m in self.modules)

    @property
    def weekly_hours(self) -> float | None:
        return self.minutes / 60 / self.offering.weeks if self.offering.weeks else None

    def citation(self, work: Work):
        return reference(work)

    @property
    def unassessed(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.alignment if not r.assessed)

    @property
    def unserved(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.competencies if not r.served)


def build_outline(course: Course) -> Outline:
    # The outline plans what learners do: facilitator material is neither activity nor effort.
    course = without_instructor_material(course)
    numbers = {m.id: n for n, m in enumerate(course.modules, start=1)}
    modules = tuple(_module_plan(course, numbers[m.id], m) for m in course.modules)
    labels = _assessment_labels(course, numbers)
    rows = coverage(course)
    by_id = {r.id: r for r in rows}
    alignment, assessed_items = [], {}
    for row in rows:
        items = list(row.assessing_items)
        for supporting in row.via:
            items += by_id[supporting].assessing_items
        full_ids = tuple(dict.fromkeys(i.full_id for i in items))
        assessed_items[row.id] = set(full_ids)
        level = "Course" if row.module_id is None else f"Module {numbers[row.module_id]}"
        alignment.append(AlignmentRow(row.id, row.outcome.text, level, row.serves, tuple(row.via),
                                      tuple(labels[f] for f in full_ids)))
    service = competency_service(course)
    competencies = tuple(
        CompetencyRow(c.id, c.name, d.name, tuple(service[c.id]),
                      len(set().union(*(assessed_items[o] for o in service[c.id]))))
        for d in course.competencies.domains for c in d.competencies
    )
    return Outline(
        course=course,
        offering=course.offering_info(),
        description=tuple(_blocks(course.description)),
        description_html=_without_bundle_links(course.description),
        modules=modules,
        alignment=tuple(alignment),
        competencies=competencies,
        grading=_grading(course),
        references=tuple(sorted((w for w in course.bibliography if w.id in used_works(course)), key=sort_key)),
        pending=tuple(pending_readings(course)),
    )


def _assessment_labels(course: Course, numbers: dict[str, int]) -> dict[str, str]:
    """Item full id -> its title, with the module number when several items share the title."""
    titles = [i.title for i in course.items()]
    return {i.full_id: i.title if titles.count(i.title) == 1 else f"{i.title} (Module {numbers[i.module_id]})"
            for i in course.items()}


def _module_plan(course: Course, number: int, module) -> ModulePlan:
    activities = tuple(
        Activity(item.title, TYPE_LABELS[item.type], _outcomes_of(item), _assessment(course, item),
                 item_minutes(course, item))
        for item in module.items if item.published
    )
    summary = next(iter(_blocks(module.overview)), "")
    return ModulePlan(number, module.id, module.title, summary, module.outcomes, activities,
                      module_minutes(course, module), overview_minutes(module))


def _outcomes_of(item: Item) -> tuple[str, ...]:
    found = list(item.outcomes)
    if isinstance(item, Quiz):
        found += [o for q in item.questions for o in q.outcomes]
    return tuple(dict.fromkeys(found))


def _assessment(course: Course, item: Item) -> str:
    if not isinstance(item, ASSESSING_TYPES):
        return ""
    group = course.grading.group(item.group)
    parts = []
    if isinstance(item, Quiz):
        parts.append(f"{counted(len(item.questions), 'questions')}, {_points(item.points)}")
        if item.mastery is not None:
            parts.append(f"mastery {item.mastery:g}%")
    elif isinstance(item, Assignment):
        parts.append(_points(item.points) if item.points is not None else "ungraded")
        if item.rubric:
            levels = max(len(c.levels) for c in item.rubric)
            parts.append(f"rubric of {len(item.rubric)} criteria" + (f", {levels} performance levels" if levels else ""))
        if item.due_week:
            parts.append(f"due week {item.due_week}")
        elif item.due:
            parts.append(f"due {item.due.isoformat()}")
    elif isinstance(item, Discussion):
        parts.append(_points(item.points) if item.graded else "ungraded")
    if group:
        parts.append(group.name)
    return "; ".join(parts)


def _grading(course: Course) -> tuple[GradingRow, ...]:
    rows = []
    for group in course.grading.groups:
        members = [i for i in course.items() if i.published and getattr(i, "group", None) == group.id]
        points = sum(getattr(i, "points", None) or 0 for i in members)
        rows.append(GradingRow(group.name, group.weight, tuple(i.title for i in members), points))
    return tuple(rows)


def _blocks(text: RichText) -> list[str]:
    """Paragraphs and list items of rich text as plain text, for summaries and Markdown."""
    root = _standalone_tree(text)
    if root is None:
        return []
    for image in list(root.iter("img")):
        _replace_with_text(image, f"[{image.get('alt', 'image')}]")
    blocks = []
    for element in root.iter("p", "li", "h1", "h2", "h3", "h4", "h5", "h6"):
        words = " ".join(element.text_content().split())
        if not words or (element.tag == "p" and element.getparent().tag == "li"):
            continue
        blocks.append(f"- {words}" if element.tag == "li" else words)
    return blocks


def _without_bundle_links(text: RichText) -> str:
    """The rich text as HTML for a standalone document (see :func:`_standalone_tree`)."""
    root = _standalone_tree(text)
    if root is None:
        return ""
    lead = html.escape(root.text or "", quote=False)
    return lead + "".join(lxml_html.tostring(child, encoding="unicode") for child in root)


def _standalone_tree(text: RichText):
    """The rich text with ``ilead:`` links made plain text and ``ilead:`` images replaced by
    their alt text: the outline is one file, so links into a bundle would lead nowhere.
    Headings become paragraphs to keep the outline's heading order (h1 is the course title).
    """
    if text.is_empty:
        return None
    root = lxml_html.fragment_fromstring(text.html, create_parent="div")
    for element in list(root.iter("a", "img")):
        target = element.get("href") if element.tag == "a" else element.get("src")
        if not (target or "").startswith("ilead:"):
            continue
        if element.tag == "a":
            element.drop_tag()
        else:
            _replace_with_text(element, f"[{element.get('alt', 'image')}]")
    for heading in root.iter("h1", "h2", "h3", "h4", "h5", "h6"):
        heading.tag = "p"
    return root


def _replace_with_text(element, text: str) -> None:
    replacement = lxml_html.Element("span")
    replacement.text = text
    replacement.tail = element.tail
    element.getparent().replace(element, replacement)


def _points(points: float) -> str:
    return f"{points:g} point{'' if points == 1 else 's'}"


def alignment_summary(outline: Outline) -> str:
    outcomes, competencies = len(outline.alignment), len(outline.competencies)
    parts = []
    unassessed, unserved = len(outline.unassessed), len(outline.unserved)
    parts.append((f"All {outcomes} outcomes are assessed" if outcomes != 1 else "The 1 outcome is assessed")
                 if not unassessed else
                 f"{unassessed} of {counted(outcomes, 'outcomes')} {'is' if unassessed == 1 else 'are'} not assessed: "
                 f"{', '.join(outline.unassessed)}")
    if competencies:
        parts.append((f"all {competencies} competencies are served" if competencies != 1 else
                      "the 1 competency is served") if not unserved else
                     f"{unserved} of {counted(competencies, 'competencies')} {'is' if unserved == 1 else 'are'} "
                     f"served by no outcome: {', '.join(outline.unserved)}")
    return "; ".join(parts) + f" in the {outline.offering.name} offering."


def footnote(outline: Outline) -> str:
    return ("Effort is the author's estimate where an activity gives one (effort:); otherwise it is estimated "
            "from the course itself: reading at 200 words a minute, 30 minutes for each reading still to be "
            "selected by the program team, video length from captions, 30 minutes per discussion, 1.5 minutes per "
            "quiz question (10 per essay), 6 minutes per assignment point (at least an hour). An outcome is "
            "assessed when a quiz, question, assignment or discussion lists it, or (for course outcomes) when a "
            "module outcome supporting it is assessed.")


def workload_summary(outline: Outline) -> str:
    """``3 credits stand for 135 hours (45 per credit); the activities add up to about 136 hours over
    15 weeks (about 9 hours a week).``"""
    from .effort import hours
    offering = outline.offering
    total = hours(outline.minutes)
    parts = []
    if offering.expected_hours is not None:
        parts.append(f"{offering.credits:g} credit{'s' if offering.credits != 1 else ''} stand for "
                     f"{offering.expected_hours:g} hours of learner work ({offering.hours_per_credit:g} per credit)")
    weeks = f" over {offering.weeks} weeks (about {outline.weekly_hours:.1f} hours a week)" if offering.weeks else ""
    parts.append(f"the activities add up to about {total}{weeks}")
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."
