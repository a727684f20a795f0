"""Acceptance: two questions titled only in non-Latin script get a message that says to add {id=...}.

Found by writing a course from SOURCE_FORMAT.md alone: "### 图书馆" and "### 地图" both
fell back to the id 'question', and the error "two questions have the id 'question'"
named an id the author never wrote and suggested "a different title", which would not help.
"""

from __future__ import annotations

import pytest

from ilead_shell.errors import CourseError
from ilead_shell.reader import read_course

QUIZ = ("---\ntitle: Calcul\ntype: quiz\noutcomes: [CO1]\n---\n"
        "### 图书馆{A}\n一?\n\n- [x] 是\n- [ ] 否\n\n### 地图{B}\n二?\n\n- [x] 是\n- [ ] 否\n")


def _write(copy_root, a="", b=""):
    root = copy_root("acceptance-unicode")
    (root / "modules" / "02-quiz" / "01-calcul.md").write_text(QUIZ.format(A=a, B=b), encoding="utf-8")
    return root


def test_the_message_asks_for_an_id_attribute(copy_root):
    with pytest.raises(CourseError) as caught:
        read_course(_write(copy_root))
    (message,) = [d.format() for d in caught.value.diagnostics]
    assert "01-calcul.md:12: error:" in message and "{id=" in message and "'地图'" in message, message
    assert "different title" not in message


def test_ids_make_them_distinct(copy_root):
    quiz = read_course(_write(copy_root, " {id=library}", " {id=map}")).item("quiz/calcul")
    assert [q.id for q in quiz.questions] == ["library", "map"]
