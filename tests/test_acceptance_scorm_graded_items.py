"""Acceptance: the SCORM package notes the grades it cannot record for assignments and discussions.

Found by building a course written from SOURCE_FORMAT.md alone: a 30-point assignment
and a 5-point graded discussion became pages completed once viewed, with no note in the
build (the cartridge targets note the same simplification), so nothing told the author
that those points would never reach the LMS gradebook.
"""

from __future__ import annotations

from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course

ITEMS = {
    "03-devoir.md": "---\ntitle: Devoir\ntype: assignment\npoints: 30\noutcomes: [CO1]\n---\nÉcrire.\n",
    "04-forum.md": "---\ntitle: Forum\ntype: discussion\npoints: 5\noutcomes: [CO1]\n---\nDiscuter.\n",
    "05-echange.md": "---\ntitle: Échange\ntype: discussion\noutcomes: [CO1]\n---\nDiscuter.\n",
}


def test_points_of_assignments_and_graded_discussions_are_noted(copy_root, registry):
    root = copy_root("acceptance-unicode")
    for name, text in ITEMS.items():
        (root / "modules" / "02-quiz" / name).write_text(text, encoding="utf-8")
    bundle = registry.load("scorm12")().build_bundle(select_offering(read_course(root), None))
    notes = [n.message for n in bundle.notes]
    assert any("quiz/devoir" in n and "30" in n for n in notes), notes
    assert any("quiz/forum" in n and "5" in n for n in notes), notes
    assert not any("quiz/echange" in n for n in notes), notes
