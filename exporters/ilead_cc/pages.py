"""HTML written into cartridges: item pages, video pages, module overviews, syllabus.

Rich text arrives as HTML from the reader and has already been rewritten for the
bundle, so it is passed to the templates as trusted markup; everything else is escaped.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment
from markupsafe import Markup

from ilead_shell.model import Assignment, Course, Module
from ilead_shell.templating import environment

from .qti import number


@lru_cache(maxsize=1)
def _env() -> Environment:
    return environment("ilead_cc")


def document(title: str, body: str, lang: str, standalone: bool = True,
             meta: list[tuple[str, str]] = ()) -> str:
    """A whole page.  ``standalone`` pages carry their own ``main`` and ``h1``; LMS wiki
    pages (Canvas) do not, because the LMS wraps the body in its own page and heading."""
    return _env().get_template("page.html").render(
        title=title, body=Markup(body), lang=lang, standalone=standalone, meta=list(meta))


def video_body(title: str, lang: str, url: str | None, youtube_id: str | None, video_src: str | None,
               captions_src: str | None, description: str, transcript: str | None) -> str:
    return _env().get_template("video.html").render(
        title=title, lang=lang, url=url, youtube_id=youtube_id, video_src=video_src, captions_src=captions_src,
        description=Markup(description), transcript=Markup(transcript) if transcript else None)


def overview_body(module: Module, overview_html: str) -> str:
    return _env().get_template("overview.html").render(overview=Markup(overview_html), outcomes=module.outcomes)


SUBMISSION_LABELS = {"text": "text entry", "file": "file upload", "url": "website address"}


def assignment_body(item: Assignment, instructions: str, group_name: str | None) -> str:
    """Instructions plus everything a plain page must say that an assignment type would hold."""
    return _env().get_template("assignment.html").render(
        instructions=Markup(instructions),
        points=number(item.points) if item.points is not None else None,
        due=item.due.isoformat() if item.due else None,
        submission=", ".join(SUBMISSION_LABELS[s] for s in item.submission),
        group=group_name,
        rubric=[{"criterion": r.criterion, "description": r.description, "points": number(r.points),
                 "levels": [{"label": lv.label, "points": number(lv.points), "description": lv.description}
                            for lv in r.levels]}
                for r in item.rubric])


def syllabus_body(course: Course, description_html: str) -> str:
    grading = course.grading
    return _env().get_template("syllabus.html").render(
        description=Markup(description_html), outcomes=course.outcomes,
        framework_title=course.competencies.title, competencies=course.competencies.all(),
        groups=[{"name": g.name, "weight": number(g.weight)} for g in grading.groups],
        pass_percent=number(grading.pass_percent) if grading.pass_percent is not None else None)
