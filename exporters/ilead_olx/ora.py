"""Essay questions and assignments as open response assessments (ORA).

ORA keeps its configuration as child elements (``title``, ``assessments``, ``prompts``,
``rubric``); prompts are HTML stored as text, so they are escaped by lxml, never
concatenated.  ORA option points must be integers and olxcleaner forbids a
``display_name`` on the tag (the ``title`` child names it), and it requires
``submission_start``/``submission_due`` inside the course dates.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Callable, Literal

from lxml import etree

from ilead_shell.identifiers import slugify
from ilead_shell.model import Assignment, Question, RubricCriterion

from .richtext import LinkResolver, block_html, plain_text

AssessmentStep = Literal["staff", "self", "peer"]


@dataclass(frozen=True)
class Window:
    """When submissions open and close, as ORA writes dates (UTC, no offset)."""

    start: dt.date
    due: dt.datetime

    def attributes(self) -> dict[str, str]:
        return {"submission_start": f"{self.start.isoformat()}T00:00:00",
                "submission_due": self.due.strftime("%Y-%m-%dT%H:%M:%S")}


def for_assignment(assignment: Assignment, url_name: str, window: Window, step: AssessmentStep,
                   links: LinkResolver, warn: Callable[[str], None]) -> etree._Element:
    criteria = assignment.rubric
    if not criteria:
        points = assignment.points or 1
        criteria = (RubricCriterion(criterion="Overall quality", points=points,
                                    description="How well the submission meets the instructions."),)
        warn(f"assignment '{assignment.title}' has no rubric; its open response assessment uses one "
             f"criterion, 'Overall quality', worth {points:g} points")
    element = _open_assessment(url_name, assignment.title, window, assignment.submission, step)
    _prompt(element, links.rewrite(assignment.body.html) or f"<p>{assignment.title}</p>")
    _rubric(element, criteria, assignment.title, warn)
    return element


def for_essay(question: Question, url_name: str, window: Window, step: AssessmentStep,
              links: LinkResolver, warn: Callable[[str], None]) -> etree._Element:
    guidance = plain_text(question.feedback.html) if question.feedback else ""
    criterion = RubricCriterion(criterion="Response", points=question.points,
                                description=guidance or "How well the response answers the question.")
    element = _open_assessment(url_name, question.title, window, ("text",), step)
    _prompt(element, links.rewrite(question.stem.html) or f"<p>{question.title}</p>")
    _rubric(element, (criterion,), question.title, warn)
    return element


def _open_assessment(url_name: str, title: str, window: Window, submission: tuple[str, ...],
                     step: AssessmentStep) -> etree._Element:
    attributes = {"url_name": url_name, **window.attributes(), "prompts_type": "html"}
    wants_text = "text" in submission or "url" in submission
    if wants_text:
        attributes["text_response"] = "required"
    if "file" in submission:
        attributes["file_upload_response"] = "optional" if wants_text else "required"
        attributes["file_upload_type"] = "pdf-and-image"
        attributes["allow_multiple_files"] = "True"
    element = etree.Element("openassessment", attributes)
    etree.SubElement(element, "title").text = title
    assessments = etree.SubElement(element, "assessments")
    if step == "peer":
        etree.SubElement(assessments, "assessment",
                         {"name": "peer-assessment", "must_grade": "3", "must_be_graded_by": "2"})
    elif step == "self":
        etree.SubElement(assessments, "assessment", {"name": "self-assessment"})
    else:
        etree.SubElement(assessments, "assessment", {"name": "staff-assessment", "required": "True"})
    return element


def _prompt(element: etree._Element, html_text: str) -> None:
    prompts = etree.SubElement(element, "prompts")
    prompt = etree.SubElement(prompts, "prompt")
    etree.SubElement(prompt, "description").text = block_html(html_text)


def _rubric(element: etree._Element, criteria: tuple[RubricCriterion, ...], title: str,
            warn: Callable[[str], None]) -> None:
    rubric = etree.SubElement(element, "rubric")
    used: set[str] = set()
    for index, criterion in enumerate(criteria, start=1):
        name = slugify(criterion.criterion) or f"criterion-{index}"
        if name in used:
            name = f"{name}-{index}"
        used.add(name)
        node = etree.SubElement(rubric, "criterion", {"feedback": "optional"})
        etree.SubElement(node, "name").text = name
        etree.SubElement(node, "label").text = criterion.criterion
        etree.SubElement(node, "prompt").text = criterion.description or criterion.criterion
        top = _points(criterion.points, title, warn)
        # The author's performance levels, lowest first as ORA lists its options.
        levels = [(_points(level.points, title, warn), level.label, level.description or level.label)
                  for level in reversed(criterion.levels)] or _levels(top, criterion.description)
        names: set[str] = set()
        for number, (points, label, explanation) in enumerate(levels, start=1):
            option_name = slugify(label) or f"level-{number}"
            option_name = option_name if option_name not in names else f"{option_name}-{number}"
            names.add(option_name)
            option = etree.SubElement(node, "option", {"points": str(points)})
            etree.SubElement(option, "name").text = option_name
            etree.SubElement(option, "label").text = label
            etree.SubElement(option, "explanation").text = explanation
    etree.SubElement(rubric, "feedbackprompt").text = "Overall feedback on this submission (optional)."


def _levels(top: int, description: str) -> list[tuple[int, str, str]]:
    """Three performance levels from a criterion's maximum (ORA needs discrete options)."""
    meets = description or "Meets the criterion."
    levels = [(0, "Not yet", f"Does not yet meet this: {meets}"),
              (top // 2, "Partly", f"Partly meets this: {meets}"),
              (top, "Fully", meets)]
    seen: set[int] = set()
    distinct = []
    for level in levels:
        if level[0] not in seen:
            seen.add(level[0])
            distinct.append(level)
    return distinct


def _points(value: float, title: str, warn: Callable[[str], None]) -> int:
    if float(value).is_integer():
        return int(value)
    rounded = max(1, math.ceil(value))
    warn(f"'{title}': open response assessments score in whole points; {value} became {rounded}")
    return rounded
