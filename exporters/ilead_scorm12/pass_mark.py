"""The pass mark each quiz SCO reports against.

The rule is the core's (:meth:`ilead_shell.model.Course.pass_mark`: the quiz's ``mastery:``, else
the course's ``grading: pass:``); with neither a quiz reports ``completed`` with its score.  The
same value goes into the manifest (``adlcp:masteryscore``, which the LMS hands back as
``cmi.student_data.mastery_score`` and may judge the status against) and into the page's
answer key (used when the LMS gives no mastery score), so the LMS and the page agree.
"""

from __future__ import annotations

from ilead_shell.model import Course, Module, Quiz


def pass_mark(quiz: Quiz, course: Course) -> float | None:
    return course.pass_mark(quiz)


def with_pass_marks(course: Course) -> Course:
    """``course`` with every scored quiz's ``mastery`` set to its pass mark."""
    modules = tuple(_module(module, course) for module in course.modules)
    return course.model_copy(update={"modules": modules})


def _module(module: Module, course: Course) -> Module:
    items = tuple(item.model_copy(update={"mastery": pass_mark(item, course)}) if isinstance(item, Quiz) else item
                  for item in module.items)
    return module.model_copy(update={"items": items})
