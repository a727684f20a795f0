"""Questions of the import form written in the quiz syntax (the inverse of reader/quiz_syntax.py).

Attributes are written only where the reader would otherwise infer something else: ``type``
when the choices or answers imply another type, ``id`` when the title's slug is not the id,
``points`` when they differ from the quiz's ``points_per_question``.
"""

from __future__ import annotations

import math
from collections import Counter

from ..identifiers import choice_slug, is_valid_id, slugify
from ..import_api import ImportedQuestion, ImportReport
from .html_markdown import Resolve, html_to_markdown, inline_markdown
from .layout import unique


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def points_per_question(questions: list[ImportedQuestion]) -> float:
    points = [q.points for q in questions if q.points is not None and q.points > 0]
    if not points:
        return 1.0
    counts = Counter(points)
    best = max(counts.values())
    return min(p for p, c in counts.items() if c == best)


def _inferred_type(question: ImportedQuestion) -> str:
    if question.choices:
        texts = sorted(inline_markdown(c.html).strip().lower() for c in question.choices)
        if texts == ["false", "true"]:
            return "true_false"
        return "multiple_answer" if sum(c.correct for c in question.choices) > 1 else "multiple_choice"
    if question.answers:
        return "short_answer"
    return "essay"


def _quote(lines: str, indent: str = "") -> list[str]:
    return [f"{indent}> {line}" if line else f"{indent}>" for line in lines.strip("\n").split("\n")]


def _title(question: ImportedQuestion, position: int) -> str:
    title = " ".join((question.title or "").split()).replace("{", "(").replace("}", ")").rstrip("#").strip()
    return title or f"Question {position}"


def write_questions(questions: list[ImportedQuestion], default_points: float, resolve: Resolve,
                    report: ImportReport, subject: str) -> str:
    taken: set[str] = set()
    blocks = []
    for position, question in enumerate(questions, start=1):
        blocks.append(_question(question, position, default_points, resolve, taken, report, subject))
    return "\n\n".join(blocks) + "\n"


def _question(question: ImportedQuestion, position: int, default_points: float, resolve: Resolve,
              taken: set[str], report: ImportReport, subject: str) -> str:
    title = _title(question, position)
    derived = slugify(title) or "question"
    wanted = question.ident if question.ident and is_valid_id(question.ident) else derived
    qid = unique(wanted, taken)
    attrs = []
    if qid != derived:
        attrs.append(f"id={qid}")
    points = question.points
    if points is not None and points <= 0:
        report.changed(subject, f"question '{title}' is worth {number(points)} points; the quiz syntax needs "
                                f"more than 0, so it is worth {number(default_points)}", fields=("questions",))
        points = None
    if points is not None and not math.isclose(points, default_points):
        attrs.append(f"points={number(points)}")
    if question.type == "numeric" or question.type != _inferred_type(question):
        attrs.append(f"type={question.type}")
    outcomes = [o for o in question.outcomes if o]
    if outcomes:
        attrs.append(f"outcomes={','.join(outcomes)}")
    heading = f"### {title}" + (f" {{{' '.join(attrs)}}}" if attrs else "")
    lines = [heading]
    stem = html_to_markdown(question.stem_html, resolve, in_quiz=True).strip("\n")
    if stem:
        lines.append(stem)
    feedback = html_to_markdown(question.feedback_html, resolve, in_quiz=True).strip("\n")
    if question.choices:
        lines.append("")
        for choice in question.choices:
            text = inline_markdown(choice.html, resolve) or "(empty choice)"
            pin = ""
            if choice.ident and is_valid_id(choice.ident) and choice.ident != choice_slug(text) \
                    and not choice.ident.isdigit() and choice.ident not in ("true", "false"):
                pin = f" {{id={choice.ident}}}"
            lines.append(f"- [{'x' if choice.correct else ' '}] {text}{pin}")
            choice_feedback = html_to_markdown(choice.feedback_html, resolve, in_quiz=True).strip("\n")
            if choice_feedback:
                lines += _quote(choice_feedback, "  ")
    elif question.type == "numeric":
        lines.append("")
        for low, high in question.numeric:
            lines.append(f"= {number(low)}" if low == high else f"= {number(low)}..{number(high)}")
    elif question.answers:
        lines.append("")
        lines += [f"= {' '.join(answer.split())}" for answer in question.answers]
    elif stem and stem.split("\n")[-1].startswith(">") and not feedback:
        # An essay's trailing blockquote is its feedback; this one is part of the stem.
        lines.append("<!-- the quote above is part of the question -->")
    if feedback:
        lines.append("")
        lines += _quote(feedback)
    return "\n".join(lines)
