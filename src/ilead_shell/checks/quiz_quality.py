"""Quiz-quality checks: what item writers check before a quiz reaches learners.

The guidelines are those of Haladyna, Downing & Rodriguez (2002), "A Review of Multiple-Choice
Item-Writing Guidelines for Classroom Assessment", *Applied Measurement in Education* 15(3),
309-334, https://doi.org/10.1207/S15324818AME1503_5 (vary the location of the right answer;
keep choices about the same length; avoid all-of-the-above, use none-of-the-above with care;
three options are usually enough; choices must differ).  The thresholds are ours, documented in
docs/checks.md, and each warning says which one it crossed:

* **answer-key position**: over a course's single-answer multiple-choice questions (10 or more),
  a position holding the key in more than 40% of them *and* in 1.5 times as many as chance
  would (a question with k choices puts it at a given position 1/k of the time); in one quiz (4
  or more such questions), one position holding 75% or more.  True/false: one answer right in
  80% or more of 6 or more questions.
* **the longest choice is right**: the same two thresholds for the key being the longest choice.
* **choice counts**: multiple choice with fewer than 3 or more than 5 choices; a
  multiple-answer question where every choice, or only one, is right.
* **feedback**: where a quiz says its feedback explains the answers (or the course sets
  ``checks: quiz_feedback: required``), every question needs feedback, and every wrong choice
  of a choice question without general feedback its own.
* **outcome level** (:func:`check_outcome_levels`): an outcome whose verb is at the evaluate or
  create level of Bloom's revised taxonomy (:mod:`.bloom`), assessed in an offering only by
  choice questions.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

from ..audience import visible_to_learners
from ..errors import Diagnostic, warning
from ..model import Course, Question, Quiz
from ..offerings import select_offering
from .bloom import HIGH_LEVELS, outcome_verb, verb_table
from .config import ChecksConfig, checks_config
from .outcomes import coverage
from .source_text import SourceLines, plain_text, rich_is_empty

FAMILY = "quiz-quality"
COURSE_MINIMUM, COURSE_SHARE, CHANCE_FACTOR = 10, 0.40, 1.5
QUIZ_MINIMUM, QUIZ_SHARE = 4, 0.75
TRUE_FALSE_MINIMUM, TRUE_FALSE_SHARE = 6, 0.80
FEWEST_CHOICES, MOST_CHOICES = 3, 5
CHOICE_TYPES = ("multiple_choice", "multiple_answer", "true_false")
# "feedback explains each answer", "explanations for every answer", "feedback on each choice"
FEEDBACK_PROMISE = re.compile(
    r"\b(feedback|explanations?)\b[^.]{0,40}\b(explain|each|every|all)\b[^.]{0,20}\b(answers?|choices?|options?|"
    r"questions?)\b|\bexplains? (each|every) (answer|choice|option|question)\b", re.IGNORECASE)
CATCH_ALL = re.compile(r"^\s*(all|none|both|neither) of (the )?(above|these|those|the options)\b", re.IGNORECASE)


def _tag(message: str) -> str:
    return f"{message} [{FAMILY}]"


def learner_quizzes(course: Course) -> list[Quiz]:
    return [i for i in course.items() if isinstance(i, Quiz) and visible_to_learners(i)]


def single_answer(question: Question) -> bool:
    return question.type == "multiple_choice" and sum(c.correct for c in question.choices) == 1


def key_position(question: Question) -> int:
    return next(n for n, c in enumerate(question.choices, 1) if c.correct)


def _length(text: str) -> int:
    return len(" ".join(unicodedata.normalize("NFKC", text).split()))


def longest_is_right(question: Question) -> bool:
    lengths = [_length(c.text) for c in question.choices]
    right = _length(next(c for c in question.choices if c.correct).text)
    return right == max(lengths) and lengths.count(right) == 1


def promises_feedback(quiz: Quiz, config: ChecksConfig) -> bool:
    if config.quiz_feedback != "auto":
        return config.quiz_feedback == "required"
    return bool(FEEDBACK_PROMISE.search(plain_text(quiz.body.html)))


def check_quiz_quality(course: Course) -> list[Diagnostic]:
    config, _ = checks_config(course, [])
    lines = SourceLines(course)
    root = Path(course.root)
    found: list[Diagnostic] = []
    quizzes = learner_quizzes(course)
    everything = [q for quiz in quizzes for q in quiz.questions]
    found += _key_balance(everything, root / course.location.path, 1, "the course", COURSE_MINIMUM, COURSE_SHARE)
    for quiz in quizzes:
        where = root / quiz.location.path
        found += _key_balance(list(quiz.questions), where, quiz.location.line or 1, f"quiz '{quiz.title}'",
                              QUIZ_MINIMUM, QUIZ_SHARE, chance=False)
        promised = promises_feedback(quiz, config)
        for question in quiz.questions:
            found += _question_findings(question, root, lines, promised)
    found += check_outcome_levels(course, config)
    return found


def _predictable(count: int, total: int, expected: float, share: float, chance: bool) -> bool:
    """Course scope: above the share *and* well above chance.  Quiz scope: at or above the share."""
    if chance:
        return count / total > share and count >= CHANCE_FACTOR * expected
    return count / total >= share


def _key_balance(questions: list[Question], path: Path, line: int, scope: str, minimum: int, share: float,
                 chance: bool = True) -> list[Diagnostic]:
    found = []
    single = [q for q in questions if single_answer(q)]
    if len(single) >= minimum:
        total = len(single)
        for position, count in sorted(Counter(key_position(q) for q in single).items()):
            expected = sum(1 / len(q.choices) for q in single if len(q.choices) >= position)
            if _predictable(count, total, expected, share, chance):
                found.append(warning(_tag(
                    f"answer keys are predictable in {scope}: choice {position} is right in {count} of {total} "
                    f"single-answer questions ({count / total:.0%}; chance would give about {expected:.0f}); vary "
                    "where the right answer sits"), path, line))
        longest = sum(longest_is_right(q) for q in single)
        if _predictable(longest, total, sum(1 / len(q.choices) for q in single), share, chance):
            found.append(warning(_tag(
                f"the right answer is the longest choice in {longest} of {total} single-answer questions of {scope} "
                f"({longest / total:.0%}); learners learn to pick the longest, so make distractors as full and "
                "specific as the key"), path, line))
    true_false = [q for q in questions if q.type == "true_false" and sum(c.correct for c in q.choices) == 1]
    if chance and len(true_false) >= TRUE_FALSE_MINIMUM:
        answers = Counter(next(c.text for c in q.choices if c.correct).strip().lower() for q in true_false)
        answer, count = answers.most_common(1)[0]
        if count / len(true_false) >= TRUE_FALSE_SHARE:
            found.append(warning(_tag(
                f"'{answer}' is the answer to {count} of {len(true_false)} true/false questions of {scope} "
                f"({count / len(true_false):.0%}); balance true and false statements"), path, line))
    return found


def _question_findings(question: Question, root: Path, lines: SourceLines, promised: bool) -> list[Diagnostic]:
    found = []
    path, line = root / question.location.path, question.location.line or 1
    name = f"question '{question.title}'"
    choices = question.choices
    if question.type in ("multiple_choice", "multiple_answer"):
        for choice in choices:
            if CATCH_ALL.search(choice.text):
                found.append(warning(_tag(
                    f"{name}: the choice '{choice.text.strip()}' lets learners answer from partial knowledge (two "
                    "right choices reveal 'all of the above'); write a complete choice instead"), path,
                    lines.line_of((question.location.path, line), choice.text.strip()[:40])))
        texts = Counter(" ".join(c.text.lower().split()) for c in choices)
        for text, count in texts.items():
            if count > 1:
                found.append(warning(_tag(f"{name}: the choice '{text}' appears {count} times"), path,
                                     lines.line_of((question.location.path, line), text[:40])))
    if question.type == "multiple_choice" and not FEWEST_CHOICES <= len(choices) <= MOST_CHOICES:
        advice = ("with two choices it is a true/false question; add a plausible distractor" if len(choices) < 3 else
                  "more than five choices rarely adds a working distractor and costs reading time")
        found.append(warning(_tag(f"{name} has {len(choices)} choices; {advice} (3 to 5 is the range checked)"),
                             path, line))
    if question.type == "multiple_answer":
        right = sum(c.correct for c in choices)
        if right == len(choices):
            found.append(warning(_tag(f"{name}: every choice is right, so ticking everything scores full marks; "
                                      "add a choice that is wrong"), path, line))
        elif right == 1:
            found.append(warning(_tag(f"{name}: only one choice is right; make it a multiple-choice question, or "
                                      "say so if the point is to find the single one"), path, line))
    if promised:
        general = not rich_is_empty(question.feedback)
        per_choice = [not rich_is_empty(c.feedback) for c in choices]
        if not general and not any(per_choice):
            found.append(warning(_tag(f"{name} has no feedback, but its quiz says feedback explains the answers; "
                                      "add a '> ' feedback line under the question or its choices"), path, line))
        elif question.type in CHOICE_TYPES and not general:
            missing = [n for n, (c, has) in enumerate(zip(choices, per_choice), 1) if not c.correct and not has]
            if missing:
                plural = len(missing) > 1
                found.append(warning(_tag(f"{name}: wrong choice{'s' if plural else ''} "
                                          f"{', '.join(map(str, missing))} explain{'' if plural else 's'} nothing, but "
                                          "the quiz says feedback explains the answers"), path, line))
    return found


# -- outcome level against assessment type -------------------------------------------------------
def choice_only(evidence) -> bool:
    item = evidence.item
    if not isinstance(item, Quiz):
        return False
    questions = [evidence.question] if evidence.question is not None else list(item.questions)
    return bool(questions) and all(q.type in CHOICE_TYPES for q in questions)


def check_outcome_levels(course: Course, config: ChecksConfig | None = None) -> list[Diagnostic]:
    config = config or checks_config(course, [])[0]
    table = verb_table(config.bloom_verbs)
    root = Path(course.root)
    found = []
    for offering in course.offerings or ():
        rows = {row.id: row for row in coverage(select_offering(course, offering.name))}
        for row in rows.values():
            verb = outcome_verb(row.outcome.text, table)
            if verb is None or verb[1] not in HIGH_LEVELS:
                continue
            evidence = list(row.direct) + [e for via in row.via for e in rows[via].direct]
            if evidence and all(choice_only(e) for e in evidence):
                kinds = sorted({e.item.title for e in evidence})
                found.append(warning(_tag(
                    f"outcome {row.id} asks learners to {verb[0]} ({verb[1]} level of Bloom's revised taxonomy), "
                    f"but in offering '{offering.name}' only choice questions assess it "
                    f"({', '.join(repr(k) for k in kinds)}); choosing among given answers cannot show that: add an "
                    "assignment, a discussion or an essay question that lists it"),
                    root / row.outcome.location.path, row.outcome.location.line))
    return found


def quiz_statistics(course: Course) -> dict:
    """The figures `check --report` shows: per quiz and for the course."""
    config, _ = checks_config(course, [])
    quizzes = learner_quizzes(course)
    rows = []
    for quiz in quizzes:
        single = [q for q in quiz.questions if single_answer(q)]
        rows.append({
            "quiz": quiz, "questions": len(quiz.questions),
            "types": Counter(q.type for q in quiz.questions),
            "positions": Counter(key_position(q) for q in single), "single": len(single),
            "longest": sum(longest_is_right(q) for q in single),
            "with_feedback": sum(1 for q in quiz.questions if not rich_is_empty(q.feedback)
                                 or any(not rich_is_empty(c.feedback) for c in q.choices)),
            "promised": promises_feedback(quiz, config),
        })
    single = [q for quiz in quizzes for q in quiz.questions if single_answer(q)]
    return {"quizzes": rows, "single": len(single), "positions": Counter(key_position(q) for q in single),
            "longest": sum(longest_is_right(q) for q in single),
            "questions": sum(len(q.questions) for q in quizzes)}


__all__ = ["check_quiz_quality", "check_outcome_levels", "quiz_statistics"]
