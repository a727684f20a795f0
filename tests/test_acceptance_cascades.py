"""Acceptance: one mistake in an item or module.md gives one error, at that file.

Found by making a real author's mistakes in a course written from SOURCE_FORMAT.md alone:
``mastery: 150`` in a quiz also reported every link to the quiz from another module as
"outside the module folder and assets/; move the file into the module", and a module.md
without front matter did the same for links to that module, sending the author to fix
links that were right.
"""

from __future__ import annotations

import pytest

from ilead_shell.errors import CourseError
from ilead_shell.reader import read_course


def _errors(root) -> list[str]:
    with pytest.raises(CourseError) as caught:
        read_course(root)
    return [d.format() for d in caught.value.diagnostics if d.is_error]


def test_a_quiz_with_a_front_matter_error_is_the_only_error(copy_root):
    root = copy_root("acceptance-unicode")
    quiz = root / "modules" / "02-quiz" / "01-calcul.md"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("type: quiz\n", "type: quiz\nmastery: 150\n"),
                    encoding="utf-8")
    (message,) = _errors(root)
    assert "02-quiz/01-calcul.md:4: error: quiz front matter: mastery: should be at most 100" in message


def test_a_module_md_without_front_matter_is_the_only_error(copy_root):
    root = copy_root("acceptance-unicode")
    (root / "modules" / "02-quiz" / "module.md").write_text("Calculs.\n", encoding="utf-8")
    (message,) = _errors(root)
    assert "02-quiz/module.md:1: error: module.md has no front matter" in message


def test_a_link_to_a_missing_item_is_still_an_error(copy_root):
    root = copy_root("acceptance-unicode")
    (root / "modules" / "02-quiz" / "01-calcul.md").unlink()
    messages = _errors(root)
    assert any("01-café/module.md:4: error: broken link: '../02-quiz/01-calcul.md' does not exist" in m
               for m in messages), messages
