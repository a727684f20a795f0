"""Acceptance: assignment mistakes that imported silently are now reported where they are written.

Found by making real authors' mistakes in a course written from SOURCE_FORMAT.md alone:

* ``due: week 0`` said "'week 0' is neither a date nor 'week N'", though it is 'week N';
* a rubric adding up to 30 on an assignment worth ``points: 25`` built without a word
  (Canvas then shows a 30-point rubric on a 25-point assignment, Open edX grades out of 30);
* ``offerings: []`` left the item out of every bundle without a word.
"""

from __future__ import annotations

import pytest

from ilead_shell.errors import CourseError
from ilead_shell.reader import load_course, read_course

TASK = """---
title: Devoir
type: assignment
points: {points}
outcomes: [CO1]
due: {due}
{extra}rubric:
  - {{criterion: Analyse, points: 10, description: Claire.}}
  - {{criterion: Écriture, points: 20, description: Soignée.}}
---
Écrire.
"""


def _root(copy_root, points="30", due="2027-05-01", extra=""):
    root = copy_root("acceptance-unicode")
    (root / "modules" / "02-quiz" / "02-devoir.md").write_text(
        TASK.format(points=points, due=due, extra=extra), encoding="utf-8")
    return root


def test_week_zero_says_weeks_start_at_one(copy_root):
    with pytest.raises(CourseError) as caught:
        read_course(_root(copy_root, due="week 0"))
    (message,) = [d.format() for d in caught.value.diagnostics]
    assert "02-devoir.md:6: error:" in message and "week 1" in message and "neither" not in message, message


def test_rubric_points_that_differ_from_the_assignment_points_are_a_warning(copy_root):
    _, warnings = load_course(_root(copy_root, points="25"))
    (message,) = [w.format() for w in warnings if "rubric" in w.message]
    assert "02-devoir.md:4: warning:" in message and "30" in message and "25" in message, message


def test_matching_rubric_is_quiet(copy_root):
    _, warnings = load_course(_root(copy_root))
    assert [w.format() for w in warnings if "rubric" in w.message] == []


def test_an_empty_offerings_list_is_a_warning(copy_root):
    _, warnings = load_course(_root(copy_root, extra="offerings: []\n"))
    (message,) = [w.format() for w in warnings if "offering" in w.message]
    assert "02-devoir.md:7: warning:" in message and "no offering" in message, message
