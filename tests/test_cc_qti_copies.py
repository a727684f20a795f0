"""The QTI writers copy repeated parts (metadata fields, scoring conditions) from a first
build instead of building each again; a copy must be exactly what building it would give,
whatever questions came before it in the process."""

from __future__ import annotations

import itertools

import pytest

from ilead_cc import qti
from ilead_cc.canvas_qti import CanvasQtiWriter
from ilead_cc.profiles import CC11, CC13
from ilead_cc.qti import QtiWriter
from ilead_shell.exporter_api import serialize_xml
from ilead_shell.model import Choice, NumericAnswer, Question, Quiz, RichText, SourceLocation

HERE = SourceLocation(path="modules/m/quiz.md", line=1)


def choice(n: int, correct: bool, feedback: str | None) -> Choice:
    return Choice(id=f"c{n}", html=f"Choice {n}", text=f"Choice {n}", correct=correct,
                  feedback=RichText(html=feedback) if feedback else None)


def questions() -> list[Question]:
    """Questions that differ only where a copied part could be mistaken for another's: the
    same choice ids with and without feedback, other correct choices, other points."""
    found = []
    for n, (correct, feedback, points, general) in enumerate(itertools.product(
            ((True, False, False), (False, True, False), (True, True, False)),
            (None, "<p>Why.</p>"), (1.0, 2.5), (None, "<p>General.</p>"))):
        kind = "multiple_answer" if sum(correct) > 1 else "multiple_choice"
        found.append(Question(
            id=f"q{n}", title=f"Q{n}", type=kind, points=points, stem=RichText(html=f"<p>Stem {n}</p>"),
            location=HERE, feedback=RichText(html=general) if general else None,
            choices=tuple(choice(k, c, feedback if k != 2 else None) for k, c in enumerate(correct, start=1))))
    found.append(Question(id="n1", title="N1", type="numeric", points=1.0, stem=RichText(html="<p>n</p>"),
                          location=HERE, numeric=(NumericAnswer(minimum=4, maximum=4),)))
    found.append(Question(id="e1", title="E1", type="essay", points=3.0, stem=RichText(html="<p>e</p>"),
                          location=HERE))
    found.append(Question(id="s1", title="S1", type="short_answer", points=1.0, stem=RichText(html="<p>s</p>"),
                          location=HERE, answers=("yes", "oui")))
    return found


def written(writer_class, profile, quiz: Quiz) -> bytes:
    return serialize_xml(writer_class(profile, lambda html: html, lambda message: None).document(quiz, "R_m__q"))


@pytest.mark.parametrize("writer_class", [QtiWriter, CanvasQtiWriter], ids=["cc", "canvas"])
@pytest.mark.parametrize("profile", [CC11, CC13], ids=["1.1", "1.3"])
@pytest.mark.parametrize("order", ["forward", "backward"])
def test_copied_parts_are_byte_for_byte_what_building_them_gives(writer_class, profile, order, monkeypatch):
    every = questions() if order == "forward" else questions()[::-1]
    quizzes = [Quiz(id=f"q{n}", module_id="m", title="Quiz", location=HERE, questions=(q,), attempts=2)
               for n, q in enumerate(every)]
    quizzes.append(Quiz(id="all", module_id="m", title="Quiz", location=HERE, questions=tuple(every), attempts=2))
    monkeypatch.setattr(qti, "_TEMPLATES", {})
    copied = [written(writer_class, profile, quiz) for quiz in quizzes]
    monkeypatch.setattr(qti, "_TEMPLATE_LIMIT", 0)
    monkeypatch.setattr(qti, "_TEMPLATES", {})
    built = [written(writer_class, profile, quiz) for quiz in quizzes]
    assert copied == built
