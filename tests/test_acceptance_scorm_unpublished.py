"""Acceptance: the SCORM package says which unpublished items it leaves out, and counts only what it holds.

Found by building a course written from SOURCE_FORMAT.md alone: two ``published: false``
items were left out of the SCORM package (as docs/importing-scorm.md says) with no note,
while the build summary still counted them ("14 items" for a package holding 12).
"""

from __future__ import annotations

from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course

DRAFT = ("---\ntitle: Brouillon\ntype: quiz\npublished: false\noutcomes: [CO1]\n---\n"
         "### Deux {type=numeric}\nUn plus un ?\n\n= 2\n")


def test_unpublished_items_are_noted_and_not_counted(copy_root, registry):
    root = copy_root("acceptance-unicode")
    (root / "modules" / "02-quiz" / "02-brouillon.md").write_text(DRAFT, encoding="utf-8")
    course = select_offering(read_course(root), None)
    assert course.counts()["items"] == 3
    bundle = registry.load("scorm12")().build_bundle(course)
    assert (bundle.counts["items"], bundle.counts["questions"]) == (2, 1)
    assert not any("brouillon" in path for path in bundle.paths())
    notes = [n.message for n in bundle.notes if "quiz/brouillon" in n.message]
    assert len(notes) == 1 and "unpublished" in notes[0], [n.message for n in bundle.notes]
