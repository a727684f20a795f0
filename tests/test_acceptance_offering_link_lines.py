"""Acceptance: a link that an offering turns into plain text is reported at the link's line.

Found by building a course written from SOURCE_FORMAT.md alone: the warning for a link
on line 46 of a long page pointed at line 1 (the front matter), leaving the author to
search the file for it.
"""

from __future__ import annotations

from ilead_shell.offerings import links_leaving_offering
from ilead_shell.reader import read_course

EXTRA = "---\ntitle: Extra\noutcomes: [CO1]\nofferings: [mooc]\n---\nPour le MOOC.\n"


def _course(copy_root):
    root = copy_root("acceptance-unicode")
    (root / "modules" / "02-quiz" / "02-extra.md").write_text(EXTRA, encoding="utf-8")
    page = root / "modules" / "01-café" / "01-straße.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nVoir [le supplément](../02-quiz/02-extra.md).\n",
                    encoding="utf-8")
    quiz = root / "modules" / "02-quiz" / "01-calcul.md"
    quiz.write_text(quiz.read_text(encoding="utf-8") + "\n> Voir [le supplément](02-extra.md).\n", encoding="utf-8")
    return root, read_course(root)


def _line(path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if text in line)


def test_the_warning_points_at_the_link_in_a_page_and_in_question_feedback(copy_root):
    root, course = _course(copy_root)
    found = sorted(w.format() for w in links_leaving_offering(course, "onsite"))
    page = root / "modules" / "01-café" / "01-straße.md"
    quiz = root / "modules" / "02-quiz" / "01-calcul.md"
    assert len(found) == 2, found
    assert f"01-straße.md:{_line(page, 'le supplément')}: warning:" in found[0]
    assert f"01-calcul.md:{_line(quiz, 'le supplément')}: warning:" in found[1]
