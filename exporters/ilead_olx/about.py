"""The course About page (``about/``), ``info/`` and ``policies/<run>/policy.json``."""

from __future__ import annotations

import lxml.html
from lxml.html import builder as E

from ilead_shell.model import Course

from .richtext import LinkResolver, fragment_html, plain_text

SHORT_DESCRIPTION_LIMIT = 300


def overview_html(course: Course, links: LinkResolver) -> str:
    """Description, outcomes and competencies, in the sections Studio's template uses."""
    parts: list[str] = []
    about = E.SECTION(E.CLASS("about"), E.H2("About this course"))
    description = fragment_html(links.rewrite(course.description.html))
    parts.append(_with_body(about, description))

    if course.outcomes:
        names = {c.id: c.name for c in course.competencies.all()}
        items = []
        for outcome in course.outcomes:
            entry = E.LI(outcome.text)
            served = [names.get(c, c) for c in outcome.competencies]
            if served:
                entry.append(E.SPAN(E.CLASS("competencies"), " (Competencies: " + ", ".join(served) + ")"))
            items.append(entry)
        parts.append(_html(E.SECTION(E.CLASS("outcomes"), E.H2("What you will learn"), E.UL(*items))))

    domains = [d for d in course.competencies.domains if d.competencies]
    if domains:
        section = E.SECTION(E.CLASS("competencies"), E.H2(course.competencies.title))
        for domain in domains:
            section.append(E.H3(domain.name))
            entries = []
            for competency in domain.competencies:
                entry = E.LI(E.STRONG(competency.name))
                if competency.description:
                    entry.append(E.SPAN(": " + competency.description))
                entries.append(entry)
            section.append(E.UL(*entries))
        parts.append(_html(section))
    return "\n".join(parts) + "\n"


def short_description(course: Course) -> str:
    text = plain_text(course.description.html) or course.title
    if len(text) <= SHORT_DESCRIPTION_LIMIT:
        return text + "\n"
    cut = text[:SHORT_DESCRIPTION_LIMIT].rsplit(" ", 1)[0]
    return cut + "…\n"


def _with_body(section, body_html: str) -> str:
    if body_html:
        for element in lxml.html.fragments_fromstring(body_html):
            if isinstance(element, str):
                section.append(E.P(element))
            else:
                section.append(element)
    return _html(section)


def _html(element) -> str:
    return lxml.html.tostring(element, encoding="unicode", method="html")


def policy(run: str, uses_ora: bool) -> dict:
    """Course tabs and the general discussion topic; settings stay in ``course/<run>.xml``."""
    settings: dict = {
        "tabs": [
            {"type": "courseware", "name": "Course", "course_staff_only": False},
            {"type": "progress", "name": "Progress", "course_staff_only": False},
            {"type": "dates", "name": "Dates", "course_staff_only": False},
            {"type": "discussion", "name": "Discussion", "course_staff_only": False},
        ],
        "discussion_topics": {"General": {"id": "course"}},
    }
    if uses_ora:
        settings["advanced_modules"] = ["openassessment"]
    return {f"course/{run}": settings}
