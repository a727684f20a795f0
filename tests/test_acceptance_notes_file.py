"""Acceptance: a Markdown file without front matter in a module folder says why it is read as an item.

Found by making a real author's mistake in a course written from SOURCE_FORMAT.md alone:
a ``notes.md`` kept beside the items was refused with "item has no front matter: start
the file with '---'...", which does not tell the author that every .md file in a module
folder is an item, nor that moving the file is the other way out.
"""

from __future__ import annotations

import pytest

from ilead_shell.errors import CourseError
from ilead_shell.reader import read_course


def test_the_message_explains_every_md_file_is_an_item(copy_root):
    root = copy_root("acceptance-unicode")
    (root / "modules" / "02-quiz" / "notes.md").write_text("Idées pour plus tard.\n", encoding="utf-8")
    with pytest.raises(CourseError) as caught:
        read_course(root)
    (message,) = [d.format() for d in caught.value.diagnostics]
    assert "02-quiz/notes.md:1: error:" in message and "every .md file" in message and "move" in message, message
