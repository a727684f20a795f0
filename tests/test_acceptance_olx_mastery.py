"""Acceptance: Open edX notes a quiz's mastery score, which it has no place for.

Found by building a course written from SOURCE_FORMAT.md alone: ``mastery: 75`` reached
the SCORM package (masteryscore) and the cartridges' notes, but the Open edX archive
dropped it without a note, although README lists mastery as "for SCORM and edX".
"""

from __future__ import annotations

from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course


def _notes(copy_root, registry, extra: str) -> list[str]:
    root = copy_root("acceptance-unicode")
    quiz = root / "modules" / "02-quiz" / "01-calcul.md"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("type: quiz\n", f"type: quiz\n{extra}"),
                    encoding="utf-8")
    bundle = registry.load("edx")().build_bundle(select_offering(read_course(root), None))
    return [n.message for n in bundle.notes if "mastery" in n.message]


def test_mastery_is_noted(copy_root, registry):
    (note,) = _notes(copy_root, registry, "mastery: 75\n")
    assert "Calcul" in note and "75" in note


def test_no_mastery_no_note(copy_root, registry):
    assert _notes(copy_root, registry, "") == []
