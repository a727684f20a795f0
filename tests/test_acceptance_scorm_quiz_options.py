"""Acceptance: the SCORM package notes that it does not shuffle choices.

Found by building a course written from SOURCE_FORMAT.md alone: a quiz with
``shuffle: true`` became a SCORM quiz with a fixed choice order and the build said
nothing (the cartridge and Open edX targets note every option they drop).  Attempts are
carried (the run-time script limits submissions), so they get no note.
"""

from __future__ import annotations

from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course


def _notes(copy_root, registry, extra: str) -> list[str]:
    root = copy_root("acceptance-unicode")
    quiz = root / "modules" / "02-quiz" / "01-calcul.md"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("type: quiz\n", f"type: quiz\n{extra}"),
                    encoding="utf-8")
    bundle = registry.load("scorm12")().build_bundle(select_offering(read_course(root), None))
    return [n.message for n in bundle.notes if "quiz/calcul" in n.message]


def test_shuffle_is_noted_and_attempts_are_not(copy_root, registry):
    notes = _notes(copy_root, registry, "shuffle: true\nattempts: 3\n")
    assert len(notes) == 1 and "shuffle" in notes[0], notes


def test_a_quiz_without_those_options_has_no_note(copy_root, registry):
    assert _notes(copy_root, registry, "") == []
