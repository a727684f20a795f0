"""Acceptance: a due date before an offering starts is a located warning from ``check``.

Found by building a course written from SOURCE_FORMAT.md alone: an assignment ``due:
2027-03-20`` in a course whose certificate offering starts 2027-04-05 passed ``check
--strict``; only the Open edX build said so (without a file or line) and moved the date,
while every other target kept a due date learners could never meet.
"""

from __future__ import annotations

import pytest

from ilead_shell.reader import load_course

TASK = "---\ntitle: Devoir\ntype: assignment\npoints: 5\noutcomes: [CO1]\ndue: {due}\n---\nÀ rendre.\n"


def _course(copy_root, due: str):
    root = copy_root("acceptance-unicode")
    yml = root / "course.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace(
        "  onsite: {}\n", "  onsite: {start: 2027-04-05}\n") + "start: 2027-03-01\n", encoding="utf-8")
    (root / "modules" / "02-quiz" / "02-devoir.md").write_text(TASK.format(due=due), encoding="utf-8")
    return load_course(root)[1]


def test_a_due_date_before_an_offering_starts_is_warned_at_the_due_line(copy_root):
    warnings = [w.format() for w in _course(copy_root, "2027-03-20") if "due" in w.message]
    assert len(warnings) == 1, warnings
    assert "modules/02-quiz/02-devoir.md:6: warning:" in warnings[0]
    assert "'onsite'" in warnings[0] and "2027-04-05" in warnings[0] and "'mooc'" not in warnings[0]


@pytest.mark.parametrize("due", ["2027-04-20", "week 2"])
def test_due_dates_inside_every_offering_and_week_numbers_are_quiet(copy_root, due):
    assert [w.format() for w in _course(copy_root, due) if "due" in w.message] == []
