"""Answer-key checks: a learner should not pass by always picking the same position or the
longest choice.

Counted over the course's single-answer choice questions (multiple choice and true/false),
because a multiple-answer question has no one position.  Below ``MINIMUM_QUESTIONS`` a share
says little, so small courses are not judged.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..errors import Diagnostic, warning
from ..model import Course, Question, Quiz

MAXIMUM_SHARE = 0.40
MINIMUM_QUESTIONS = 10


def single_answer_questions(course: Course) -> list[Question]:
    return [q for item in course.items() if isinstance(item, Quiz) and item.published
            for q in item.questions
            if q.type in ("multiple_choice", "true_false") and sum(c.correct for c in q.choices) == 1]


def key_positions(questions: list[Question]) -> Counter:
    """1-based position of the right choice -> how many questions have it there."""
    return Counter(next(n for n, c in enumerate(q.choices, 1) if c.correct) for q in questions)


def longest_is_right(question: Question) -> bool:
    lengths = [len(c.text) for c in question.choices]
    right = next(c for c in question.choices if c.correct)
    return len(right.text) == max(lengths) and lengths.count(max(lengths)) == 1


def check_answer_keys(course: Course) -> list[Diagnostic]:
    questions = single_answer_questions(course)
    if len(questions) < MINIMUM_QUESTIONS:
        return []
    where = (Path(course.root) / course.location.path, 1)
    found = []
    total = len(questions)
    for position, count in sorted(key_positions(questions).items()):
        if count / total > MAXIMUM_SHARE:
            found.append(warning(
                f"answer keys are predictable: choice {position} is right in {count} of {total} single-answer "
                f"questions ({count / total:.0%}); no position should hold more than {MAXIMUM_SHARE:.0%}, so move "
                "some right answers", *where))
    longest = sum(longest_is_right(q) for q in questions)
    if longest / total > MAXIMUM_SHARE:
        found.append(warning(
            f"answer keys are predictable: the right choice is the longest in {longest} of {total} single-answer "
            f"questions ({longest / total:.0%}); make distractors as full and specific as the right answer", *where))
    return found
