"""Acceptance: '###Title' (no space) gets one error that says what is wrong.

Found by making a real author's mistake in a course written from SOURCE_FORMAT.md alone:
``###Vrai ou faux`` gave four errors about "unexpected text after the choices" and "a
choice line is not allowed after the general feedback" at the lines of the question,
none naming the missing space.
"""

from __future__ import annotations

import pytest

from ilead_shell.errors import CourseError
from ilead_shell.reader import read_course

QUIZ = """---
title: Calcul
type: quiz
outcomes: [CO1]
---
### Premier
Un ?

- [x] Oui
- [ ] Non

###Second
Deux ?

- [x] Oui
- [ ] Non

> Bien.
"""


def test_a_heading_without_a_space_is_one_located_helpful_error(copy_root):
    root = copy_root("acceptance-unicode")
    (root / "modules" / "02-quiz" / "01-calcul.md").write_text(QUIZ, encoding="utf-8")
    with pytest.raises(CourseError) as caught:
        read_course(root)
    (message,) = [d.format() for d in caught.value.diagnostics]
    assert "01-calcul.md:12: error:" in message and "'### Second'" in message, message


def test_four_hashes_in_a_stem_are_still_text(copy_root):
    root = copy_root("acceptance-unicode")
    (root / "modules" / "02-quiz" / "01-calcul.md").write_text(
        QUIZ.replace("###Second", "### Second").replace("Un ?", "Un ?\n\n####Note"), encoding="utf-8")
    quiz = read_course(root).item("quiz/calcul")
    assert [q.title for q in quiz.questions] == ["Premier", "Second"]
