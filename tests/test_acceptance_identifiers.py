"""Acceptance: a file or folder named only in non-Latin script gets a message that says what to do.

Found by writing a course from SOURCE_FORMAT.md alone: ``02-图书馆.md`` was refused with
"item id '' must be lower-case letters and digits...", naming an id the author never wrote.
"""

from __future__ import annotations

import pytest

from ilead_shell.errors import CourseError
from ilead_shell.reader import read_course

PAGE = "---\ntitle: 图书馆\n{id}---\nBonjour.\n"


def _errors(root) -> list[str]:
    with pytest.raises(CourseError) as caught:
        read_course(root)
    return [d.format() for d in caught.value.diagnostics if d.is_error]


def test_an_item_file_name_without_latin_letters_asks_for_an_id(copy_root):
    root = copy_root("acceptance-unicode")
    (root / "modules" / "02-quiz" / "02-图书馆.md").write_text(PAGE.format(id=""), encoding="utf-8")
    (message,) = _errors(root)
    assert "02-quiz/02-图书馆.md:1: error:" in message
    assert "''" not in message and "'02-图书馆.md'" in message and "id:" in message, message


def test_a_module_folder_name_without_latin_letters_asks_for_an_id(copy_root):
    root = copy_root("acceptance-unicode")
    (root / "modules" / "03-图书馆").mkdir()
    (root / "modules" / "03-图书馆" / "module.md").write_text(PAGE.format(id=""), encoding="utf-8")
    (message,) = _errors(root)
    assert "03-图书馆/module.md:1: error:" in message
    assert "''" not in message and "'03-图书馆'" in message and "id:" in message, message


def test_an_explicit_id_is_the_way_out(copy_root):
    root = copy_root("acceptance-unicode")
    (root / "modules" / "02-quiz" / "02-图书馆.md").write_text(PAGE.format(id="id: library\n"), encoding="utf-8")
    assert read_course(root).item("quiz/library").title == "图书馆"
