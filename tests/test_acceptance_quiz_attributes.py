"""Acceptance: attributes written the YAML way ({points: 2}) get one error showing the fix.

Found by making a real author's mistake in a course written from SOURCE_FORMAT.md alone:
``{points: 1}`` gave "attribute '1' needs a value, as in {1=...}" and "attribute
'points:' needs a value, as in {points:=...}", suggestions that are themselves wrong.
"""

from __future__ import annotations

import pytest

from ilead_shell.errors import CourseError
from ilead_shell.reader import read_course

QUIZ = "---\ntitle: Calcul\ntype: quiz\noutcomes: [CO1]\n---\n### Premier {ATTRS}\nUn ?\n\n- [x] Oui\n- [ ] Non\n"


@pytest.mark.parametrize("attrs, fix", [("points: 2", "points=2"), ("points:2", "points=2"),
                                        ("points: 2 type=multiple_answer", "points=2")])
def test_a_colon_instead_of_equals_is_one_error_with_the_fix(copy_root, attrs, fix):
    root = copy_root("acceptance-unicode")
    (root / "modules" / "02-quiz" / "01-calcul.md").write_text(QUIZ.replace("ATTRS", attrs), encoding="utf-8")
    with pytest.raises(CourseError) as caught:
        read_course(root)
    (message,) = [d.format() for d in caught.value.diagnostics]
    assert "01-calcul.md:6: error:" in message and f"'{fix}'" in message and "{1=" not in message, message
