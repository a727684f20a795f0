"""Acceptance: an outcome assessed only by an unpublished item says so.

Found by building a course written from SOURCE_FORMAT.md alone: an outcome listed by an
unpublished assignment was reported as "not assessed: no quiz, question, assignment or
discussion lists it", which is untrue as written and hides the real cause.
"""

from __future__ import annotations

from ilead_shell.checks import run_checks
from ilead_shell.reader import load_course

TASK = "---\ntitle: Devoir\ntype: assignment\npoints: 5\noutcomes: [M9]\npublished: false\n---\nÉcrire.\n"


def test_the_warning_names_the_unpublished_item(copy_root):
    root = copy_root("acceptance-unicode")
    module = root / "modules" / "02-quiz" / "module.md"
    module.write_text(module.read_text(encoding="utf-8").replace(
        "title: Quiz\n", "title: Quiz\noutcomes:\n  - {id: M9, text: 'Calculer un total.', supports: [CO1]}\n"),
        encoding="utf-8")
    (root / "modules" / "02-quiz" / "02-devoir.md").write_text(TASK, encoding="utf-8")
    course, _ = load_course(root)
    (message,) = [d.message for d in run_checks(course) if "M9" in d.message]
    assert "unpublished" in message and "Devoir" in message and "no quiz" not in message, message
