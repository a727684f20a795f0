"""Acceptance: a module listed twice in course.yml is reported at the repeated entry.

Found by making a real author's mistake in a course written from SOURCE_FORMAT.md alone:
``modules: [01-café, 02-quiz, 02-quiz]`` said "module id 'quiz' is also the id of
modules/02-quiz/module.md; rename a folder or set 'id:'", pointing at the module itself
and suggesting a rename, when the fix is to delete the repeated entry.
"""

from __future__ import annotations

import pytest

from ilead_shell.errors import CourseError
from ilead_shell.reader import read_course


def test_a_repeated_modules_entry_is_one_error_at_its_line(copy_root):
    root = copy_root("acceptance-unicode")
    yml = root / "course.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "modules:\n  - 01-café\n  - 02-quiz\n  - ./modules/02-quiz\n",
                   encoding="utf-8")
    with pytest.raises(CourseError) as caught:
        read_course(root)
    (message,) = [d.format() for d in caught.value.diagnostics]
    assert "course.yml:14: error:" in message and "twice" in message and "line 13" in message, message
