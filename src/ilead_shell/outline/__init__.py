"""The curriculum outline: the document a programme team shares, built from the course source.

``render_outline(course, "html" | "md")`` takes a course already narrowed to one offering
(see :func:`ilead_shell.offerings.select_offering`) and returns the whole document as text.
"""

from __future__ import annotations

from importlib.resources import files

from markupsafe import Markup

from .. import citations
from ..model import Course
from ..templating import environment
from .effort import hours
from .markdown import render_markdown
from .plan import Outline, alignment_summary, build_outline, footnote, workload_summary

FORMATS = ("html", "md")


def render_html(outline: Outline) -> str:
    env = environment(__name__)
    # Our own style sheet, not text: escaping it would turn "Times New Roman" into &#34;...&#34;
    # and the browser would drop the font and print-the-link rules.
    css = Markup(files(__name__).joinpath("templates", "outline.css").read_text(encoding="utf-8"))
    labels = citations.year_labels(list(outline.course.bibliography))
    return env.get_template("outline.html.j2").render(
        outline=outline, course=outline.course, offering=outline.offering, css=css,
        hours=hours, alignment_summary=alignment_summary, footnote=footnote, workload_summary=workload_summary,
        reference_html=lambda work: Markup(citations.html(citations.reference(work, labels[work.id]))),
        cite=lambda work_id: _cite(outline, work_id, labels),
    )


def _cite(outline: Outline, work_id: str, labels: dict[str, str]) -> str:
    work = outline.course.work(work_id)
    return f"({citations.in_text(work, labels[work.id])})" if work else ""


def render_outline(course: Course, fmt: str = "html") -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown outline format {fmt!r}; expected one of {', '.join(FORMATS)}")
    outline = build_outline(course)
    return render_html(outline) if fmt == "html" else render_markdown(outline)


__all__ = ["FORMATS", "Outline", "build_outline", "render_outline", "render_html", "render_markdown"]
