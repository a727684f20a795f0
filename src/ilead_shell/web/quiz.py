"""The answer key the quiz script scores against, derived from the model.

The key travels inside the page as JSON: a self-check form must score without a server,
so the answers are readable by anyone who opens the page source.  Documented, and the
same trade-off every static self-check and most SCORM packages make.
"""

from __future__ import annotations

from ..model import Question, Quiz

_TRUE_FALSE_VALUES = {"true": "t", "false": "f"}


def _choice_value(question: Question, choice_id: str, text: str) -> str:
    # SCORM 1.2 writes true/false responses as t/f; other choices keep their source id.
    if question.type == "true_false":
        return _TRUE_FALSE_VALUES.get(text.strip().lower(), choice_id)
    return choice_id


def _normalise(text: str) -> str:
    return " ".join(text.split()).lower()


def question_key(question: Question) -> dict:
    key: dict = {"id": question.id, "type": question.type, "points": question.points}
    if question.choices:
        key["choices"] = [
            {"id": c.id, "correct": c.correct, "value": _choice_value(question, c.id, c.text)}
            for c in question.choices
        ]
    if question.answers:
        key["answers"] = [_normalise(a) for a in question.answers]
        key["shown"] = question.answers[0]  # as the author wrote it, for "An accepted answer: ..."
    if question.numeric:
        key["ranges"] = [[n.minimum, n.maximum] for n in question.numeric]
    return key


def quiz_key(quiz: Quiz) -> dict:
    """Everything the browser needs to score ``quiz``; ``mastery`` is a percent or None."""
    return {
        "id": quiz.id,
        "mastery": quiz.mastery,
        "scored": any(q.auto_scored for q in quiz.questions),
        "questions": [question_key(q) for q in quiz.questions],
    }
