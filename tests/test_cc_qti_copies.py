"""The QTI writers copy the parts of a document (item heads, choice lists, conditions,
feedback blocks) from a first part of the same shape and write only the identifiers and
texts into the copy; a copy must be exactly what building the part would give, whatever
questions came before it in the process."""

from __future__ import annotations

import itertools

import pytest

from ilead_cc import copies
from ilead_cc.canvas_qti import CanvasQtiWriter
from ilead_cc.profiles import CC11, CC13
from ilead_cc.qti import QtiWriter
from ilead_shell.exporter_api import serialize_xml
from ilead_shell.model import Choice, NumericAnswer, Question, Quiz, RichText, SourceLocation

HERE = SourceLocation(path="modules/m/quiz.md", line=1)


def choice(n: int, k: int, correct: bool, feedback: str | None, markup: bool) -> Choice:
    """Every question's choices have their own ids and texts; some texts hold markup."""
    text = f"Choice {k} of {n}"
    return Choice(id=f"q{n}-c{k}", html=f"<em>{text}</em>" if markup else text, text=text, correct=correct,
                  feedback=RichText(html=f"<p>{feedback} {n}.{k}</p>") if feedback else None)


def questions() -> list[Question]:
    """Questions that differ wherever a copied part could be mistaken for another's: choice
    ids and texts, which choices are correct or have feedback, markup, points, general
    feedback, numbers and accepted answers."""
    found = []
    for n, (correct, feedback, points, general, markup) in enumerate(itertools.product(
            ((True, False, False), (False, True, False), (True, True, False), (False, True, True)),
            (None, "Why"), (1.0, 2.5), (None, "General"), (False, True))):
        kind = "multiple_answer" if sum(correct) > 1 else "multiple_choice"
        found.append(Question(
            id=f"q{n}", title=f"Q{n}", type=kind, points=points, stem=RichText(html=f"<p>Stem {n}</p>"),
            location=HERE, feedback=RichText(html=f"<p>{general} {n}</p>") if general else None,
            choices=tuple(choice(n, k, c, feedback if k != 2 else None, markup and k == 1)
                          for k, c in enumerate(correct, start=1))))
    for n, (first, second) in enumerate((("True", "False"), ("False", "True"), ("Yes", "No"))):
        found.append(Question(id=f"tf{n}", title=f"TF{n}", type="true_false", points=1.0,
                              stem=RichText(html=f"<p>tf {n}</p>"), location=HERE,
                              choices=(Choice(id=f"tf{n}-a", html=first, text=first, correct=n != 1,
                                              feedback=RichText(html=f"<p>Right {n}</p>")),
                                       Choice(id=f"tf{n}-b", html=second, text=second, correct=n == 1))))
    for n, numbers in enumerate(((4, 4), (2.5, 2.5), (1, 3), (10, 20), (7, 7))):
        found.append(Question(id=f"n{n}", title=f"N{n}", type="numeric", points=1.0, stem=RichText(html=f"<p>n{n}</p>"),
                              location=HERE, numeric=(NumericAnswer(minimum=numbers[0], maximum=numbers[1]),),
                              feedback=RichText(html=f"<p>number {n}</p>") if n % 2 else None))
    found.append(Question(id="n-two", title="N two", type="numeric", points=1.0, stem=RichText(html="<p>two</p>"),
                          location=HERE, numeric=(NumericAnswer(minimum=1, maximum=1),
                                                  NumericAnswer(minimum=5, maximum=6))))
    for n in range(2):
        found.append(Question(id=f"e{n}", title=f"E{n}", type="essay", points=3.0, stem=RichText(html=f"<p>e{n}</p>"),
                              location=HERE, feedback=RichText(html=f"<p>essay {n}</p>") if n else None))
    for n, answers in enumerate((("yes", "oui"), ("no", "non"), ("maybe",))):
        found.append(Question(id=f"s{n}", title=f"S{n}", type="short_answer", points=1.0,
                              stem=RichText(html=f"<p>s{n}</p>"), location=HERE, answers=answers))
    return found


def written(writer_class, profile, quiz: Quiz) -> bytes:
    writer = writer_class(profile, lambda html: html, lambda message: None)
    return serialize_xml(writer.document(quiz, f"R_m__{quiz.id}"))


def quizzes(every: list[Question]) -> list[Quiz]:
    """One quiz per question, alternately shuffled and with an introduction, and one with all."""
    found = [Quiz(id=f"q{n}", module_id="m", title=f"Quiz {n}", location=HERE, questions=(q,), attempts=2,
                  shuffle=bool(n % 2), body=RichText(html=f"<p>Intro {n}</p>" if n % 3 else ""))
             for n, q in enumerate(every)]
    found.append(Quiz(id="all", module_id="m", title="Quiz", location=HERE, questions=tuple(every), attempts=2))
    return found


@pytest.mark.parametrize("writer_class", [QtiWriter, CanvasQtiWriter], ids=["cc", "canvas"])
@pytest.mark.parametrize("profile", [CC11, CC13], ids=["1.1", "1.3"])
@pytest.mark.parametrize("order", ["forward", "backward"])
def test_copied_parts_are_byte_for_byte_what_building_them_gives(writer_class, profile, order, monkeypatch):
    every = questions() if order == "forward" else questions()[::-1]
    monkeypatch.setattr(copies, "TEMPLATES", {})
    copied = [written(writer_class, profile, quiz) for quiz in quizzes(every)]
    monkeypatch.setattr(copies, "LIMIT", 0)
    monkeypatch.setattr(copies, "TEMPLATES", {})
    built = [written(writer_class, profile, quiz) for quiz in quizzes(every)]
    assert copied == built
