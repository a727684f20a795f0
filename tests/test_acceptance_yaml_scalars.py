"""Acceptance: a value YAML reads as a number, yes/no or a date, where text is needed, says to quote it.

Found by writing a course from SOURCE_FORMAT.md alone: ``language: no`` (Norwegian),
``code: 101`` and ``title: Yes`` were refused with "Input should be a valid string",
which makes no sense to an author who did write text.
"""

from __future__ import annotations

import pytest

from ilead_shell.errors import CourseError
from ilead_shell.reader import read_course


@pytest.mark.parametrize("old, new, line", [("language: fr\n", "language: no\n", 3),
                                            ("code: ACC-UNI\n", "code: 101\n", 2),
                                            ('title: "Acceptation : café 图书馆"\n', "title: 2027-01-01\n", 1)])
def test_course_yml_values_that_yaml_does_not_read_as_text(copy_root, old, new, line):
    root = copy_root("acceptance-unicode")
    yml = root / "course.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    with pytest.raises(CourseError) as caught:
        read_course(root)
    (message,) = [d.format() for d in caught.value.diagnostics]
    assert f"course.yml:{line}: error:" in message and "quotes" in message, message
    assert "valid string" not in message


def test_an_item_title_yes(copy_root):
    root = copy_root("acceptance-unicode")
    page = root / "modules" / "01-café" / "01-straße.md"
    page.write_text(page.read_text(encoding="utf-8").replace('title: "Straße"', "title: Yes"), encoding="utf-8")
    with pytest.raises(CourseError) as caught:
        read_course(root)
    (message,) = [d.format() for d in caught.value.diagnostics]
    assert "01-straße.md:2: error:" in message and "quotes" in message and 'title: "Yes"' in message, message
