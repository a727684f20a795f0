"""The pass mark a quiz is judged against, one rule for every target.

A quiz's own ``mastery:`` wins; a quiz without one passes at the course's
``grading: pass:``; a quiz with neither, or with nothing scored automatically (essays
only), has no pass mark.  SCORM reports passed/failed against it and the preview tells
the learner the same, so both must read it from here.
"""

from __future__ import annotations

from .model import Course, Quiz


def pass_mark(quiz: Quiz, course: Course) -> float | None:
    """The percent ``quiz`` is passed at, or None when nothing decides a pass."""
    if not any(question.auto_scored for question in quiz.questions):
        return None  # nothing is scored automatically: there is nothing to pass
    return quiz.mastery if quiz.mastery is not None else course.grading.pass_percent
