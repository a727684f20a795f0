"""Control characters in any text an LMS receives are located errors, for every target.

#11 item 5: ``\\x01``, ``\\x0b``, U+FFFE or ``&#1;`` in a title, a quiz stem or a body built
for html, were replaced by edx, failed cc/canvas/moodle/scorm12 with the unlocated
"All strings must be XML compatible", and passed into preview pages.  The reader now
refuses them where they are written, so no target ever receives one.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from ilead_shell.cli import main
from ilead_shell.reader import read_course

from course_tree import write_tree

QUIZ = """---
title: Check
type: quiz
---
Intro.

### First question
Which one?

- [x] Right
- [ ] Wrong
"""
COURSE = {
    "course.yml": "title: Text\ncode: T-1\n",
    "modules/01-m/module.md": "---\ntitle: M\n---\nOverview.\n",
    "modules/01-m/01-page.md": "---\ntitle: Page\n---\nFirst line.\n\nA body.\n",
    "modules/01-m/02-check.md": QUIZ,
    "modules/01-m/03-task.md": "---\ntitle: Task\ntype: assignment\npoints: 5\n---\nWrite it up.\n",
}
PAGE, CHECK, TASK = "modules/01-m/01-page.md", "modules/01-m/02-check.md", "modules/01-m/03-task.md"


def make(tmp_path: Path, rel: str, old: str, new: str) -> Path:
    root = write_tree(tmp_path / "src", COURSE)
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


def run(root: Path, monkeypatch, target: str = "all") -> tuple[int, str]:
    monkeypatch.chdir(root.parent)
    result = CliRunner().invoke(main, ["build", "src", "--target", target, "--out", "out"])
    assert isinstance(result.exception, (SystemExit, type(None))), f"{result.exception!r}\n{result.output}"
    assert "Traceback" not in result.output
    return result.exit_code, result.output


CASES = [
    # (file, old, new, line, what the message names)
    (PAGE, "title: Page", 'title: "Pa\\x01ge"', 2, "U+0001"),
    (PAGE, "title: Page", "title: Pa\x01ge", 2, "U+0001"),
    (PAGE, "title: Page", 'title: "Pa\\uFFFEge"', 2, "U+FFFE"),
    (PAGE, "title: Page", "title: Pa&#1;ge", None, None),  # plain text: '&#1;' is shown as written
    (PAGE, "A body.", "A bo\x0bdy.", 6, "U+000B"),
    (PAGE, "A body.", "A bo&#1;dy.", 6, "&#1;"),
    (PAGE, "A body.", "A bo&#x0B;dy.", 6, "&#x0B;"),
    (PAGE, "A body.", "A bo&#xFFFE;dy.", 6, "&#xFFFE;"),
    (PAGE, "A body.", "A bo&#0;dy.", 6, "&#0;"),
    (PAGE, "A body.", "A bo&#1114112;dy.", 6, "not a Unicode character"),
    (PAGE, "A body.", 'A <a title="&#1;" href="https://example.org">link</a>.', 6, "&#1;"),
    (PAGE, "A body.", "A bo\ufffedy.", 6, "U+FFFE"),
    (PAGE, "A body.", "A bo\x85dy.", 6, "U+0085"),
    (CHECK, "Which one?", "Which \x01one?", 8, "U+0001"),
    (CHECK, "Which one?", "Which &#1;one?", 8, "&#1;"),
    (CHECK, "- [ ] Wrong", "- [ ] Wr&#x1F;ong", 11, "&#x1F;"),
    (CHECK, "### First question", "### First \x0bquestion", 7, "U+000B"),
    (TASK, "Write it up.", "Write \x01it up.", 6, "U+0001"),
    (TASK, "title: Task", 'title: "Ta\\x0bsk"', 2, "U+000B"),
]


@pytest.mark.parametrize("rel, old, new, line, says", CASES)
def test_a_control_character_is_located_and_no_target_receives_it(tmp_path, monkeypatch, rel, old, new, line, says):
    root = make(tmp_path, rel, old, new)
    code, output = run(root, monkeypatch)
    if line is None:  # not a control character at all: every target builds
        assert code == 0, output
        return
    assert code == 1, output
    assert re.search(rf"^src/{re.escape(rel)}:{line}: error: .*{re.escape(says)}", output, re.MULTILINE), output
    assert "XML compatible" not in output and "failed" not in output
    assert not (root.parent / "out").exists() or not any((root.parent / "out").iterdir())


def test_a_control_character_in_a_transcript_is_located(tmp_path, monkeypatch):
    root = write_tree(tmp_path / "src", {
        **COURSE,
        "modules/01-m/04-talk.md": "---\ntitle: Talk\ntype: video\nurl: https://youtu.be/abc\n"
                                   "transcript: talk-transcript.md\n---\nA talk.\n",
        "modules/01-m/talk-transcript.md": "Hello.\n\nWorld \x01 here.\n",
    })
    code, output = run(root, monkeypatch, "html")
    assert code == 1 and "src/modules/01-m/talk-transcript.md:3: error: the control character U+0001" in output, output


def test_every_character_an_lms_can_store_is_kept_in_every_target(tmp_path, monkeypatch):
    kept = "Café – 图书馆 – 🙂 – עברית\u200f – tab\there – \ufeff"
    root = make(tmp_path, PAGE, "A body.", f"A body: {kept}.")
    code, output = run(root, monkeypatch)
    assert code == 0, output
    with zipfile.ZipFile(next((root.parent / "out").glob("*-cc.imscc"))) as archive:
        text = b"".join(archive.read(n) for n in archive.namelist()).decode("utf-8")
    assert "图书馆 – 🙂 – עברית\u200f" in text
    assert "\ufeff" in read_course(root).item("m/page").body.html


def _forbidden_by_definition(code_point: int) -> bool:
    """XML 1.0's excluded characters, DEL and the C1 controls, surrogates and non-characters."""
    return (code_point < 0x20 and code_point not in (0x09, 0x0A, 0x0D)) or 0x7F <= code_point <= 0x9F \
        or 0xD800 <= code_point <= 0xDFFF or 0xFDD0 <= code_point <= 0xFDEF or code_point & 0xFFFE == 0xFFFE


def test_the_fast_search_for_forbidden_characters_finds_exactly_those_of_the_definition():
    from ilead_shell.reader.text_files import forbidden_character

    planes = [range(plane << 16, (plane << 16) + 0x20) for plane in range(1, 17)]
    planes += [range((plane << 16) + 0xFFE0, (plane << 16) + 0x10000) for plane in range(1, 17)]
    code_points = [*range(0x10000), *(c for r in planes for c in r), 0x1F600, 0x20BB7, 0x10FFFD]
    allowed = "".join(chr(c) for c in code_points if not _forbidden_by_definition(c))
    assert forbidden_character(allowed) is None  # emoji and CJK beyond U+FFFF are text
    for code_point in (c for c in code_points if _forbidden_by_definition(c)):
        assert forbidden_character("ab\U0001F600\U00020BB7" + chr(code_point) + "x") == 4, hex(code_point)
