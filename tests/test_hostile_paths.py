"""Hostile paths: NUL and control characters, FIFOs, links and odd spellings give located errors.

Each case is a reproduction from #11 (items 2 and 10): before, a NUL in a link or in
``modules:`` ended in ``ValueError: embedded null byte``, a FIFO was "a folder", a link
written with Markdown escapes or an unquoted ``<img src=...>`` was reported at the wrong
line (or packaged unchecked), and errors about symlinked files had no line.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from ilead_shell.cli import main

from course_tree import write_tree

COURSE = {
    "course.yml": "title: Paths\ncode: P-1\n",
    "modules/01-m/module.md": "---\ntitle: M\n---\nOverview.\n",
    "modules/01-m/01-page.md": "---\ntitle: Page\n---\nFirst line.\n\nSee [the talk](02-talk.md).\n",
    "modules/01-m/02-talk.md": "---\ntitle: Talk\ntype: video\nurl: https://youtu.be/abc\n"
                               "captions: media/talk.vtt\ntranscript: media/talk.md\n---\nA talk.\n",
    "modules/01-m/03-file.md": "---\ntitle: Handout\ntype: file\npath: files/handout.pdf\n---\n",
    "modules/01-m/media/talk.vtt": "WEBVTT\n\n00:00.000 --> 00:02.000\nHello.\n",
    "modules/01-m/media/talk.md": "Hello.\n",
    "modules/01-m/files/handout.pdf": b"%PDF-1.4 handout",
    "modules/01-m/images/map.png": b"\x89PNG\r\n\x1a\nmap",
    "competencies.yml": "title: C\ndomains:\n  - {id: D, name: D, competencies: [{id: K1, name: K}]}\n",
}
PAGE = "modules/01-m/01-page.md"
TALK = "modules/01-m/02-talk.md"
FILE = "modules/01-m/03-file.md"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "src", COURSE)


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run(root: Path, monkeypatch, *args: str) -> tuple[int, str]:
    monkeypatch.chdir(root.parent)
    result = CliRunner().invoke(main, list(args) or ["build", "src", "--target", "html", "--out", "out"])
    assert isinstance(result.exception, (SystemExit, type(None))), f"{result.exception!r}\n{result.output}"
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def located(root: Path, monkeypatch, rel: str, line: int, says: str) -> str:
    code, output = run(root, monkeypatch)
    assert code == 1, output
    assert re.search(rf"^src/{re.escape(rel)}:{line}: error: .*{re.escape(says)}", output, re.MULTILINE), output
    out = root.parent / "out"
    assert not out.exists() or not any(out.iterdir())
    return output


@pytest.mark.parametrize("rel, old, new, line, says", [
    (PAGE, "(02-talk.md)", "(02-talk.md%00)", 6, "holds the control character U+0000"),
    (PAGE, "(02-talk.md)", "(02-talk%01.md)", 6, "holds the control character U+0001"),
    (PAGE, "(02-talk.md)", "(<02-talk.md\x00>)", 6, "binary file"),
    (TALK, "captions: media/talk.vtt", 'captions: "media/talk.vtt\\0"', 5, "control character U+0000"),
    (TALK, "transcript: media/talk.md", 'transcript: "media/talk.md\\0"', 6, "control character U+0000"),
    (FILE, "path: files/handout.pdf", 'path: "files/handout.pdf\\0"', 4, "control character U+0000"),
    ("course.yml", "code: P-1\n", 'code: P-1\nmodules: ["01-m\\0"]\n', 3, "control character U+0000"),
    ("course.yml", "code: P-1\n", 'code: P-1\ncompetencies: "competencies.yml\\0"\n', 3,
     "control character U+0000"),
])
def test_a_nul_or_control_character_in_any_path_is_a_located_error(course, monkeypatch, rel, old, new, line, says):
    edit(course, rel, old, new)
    located(course, monkeypatch, rel, line, says)


def test_a_nul_after_the_first_8_kb_of_a_body_is_found_at_its_line(course, monkeypatch):
    edit(course, PAGE, "First line.\n", "First line.\n" + ("words " * 20 + "\n") * 100 + "\nend \x00 here\n")
    located(course, monkeypatch, PAGE, 106, "binary file")


def test_a_nul_in_yaml_after_8_kb_is_found_at_its_line(course, monkeypatch):
    edit(course, "course.yml", "code: P-1\n", "code: P-1\n" + "".join(f"# comment {i:04d}" + "x" * 80 + "\n"
                                                                     for i in range(100)) + "license: a\x00b\n")
    located(course, monkeypatch, "course.yml", 103, "binary file")


def test_a_link_written_with_markdown_escapes_is_located_at_its_line(course, monkeypatch):
    edit(course, PAGE, "First line.\n", "First line.\n\nMore.\n\nSee [secret](..\\\\..\\\\secret.md).\n")
    located(course, monkeypatch, PAGE, 8, "write paths with '/'")


@pytest.mark.parametrize("tag", [
    "<img src=images/missing.png alt=Map>",
    "<img alt='A map' src=images/missing.png>",
    "<img src='images/missing.png' alt=\"the map's key\">",
])
def test_an_img_src_is_checked_however_it_is_quoted(course, monkeypatch, tag):
    edit(course, PAGE, "First line.\n", f"First line.\n\nMore.\n\nA map: {tag}\n")
    located(course, monkeypatch, PAGE, 8, "'images/missing.png' does not exist")


def test_an_unquoted_img_src_is_packaged_and_rewritten(course, monkeypatch):
    edit(course, PAGE, "First line.\n", "First line.\n\nA map: <img src=images/map.png alt=Map>\n")
    code, output = run(course, monkeypatch)
    assert code == 0, output
    assert "alternative text" not in output  # alt=Map is alt text, quoted or not
    from ilead_shell.reader import read_course
    html = read_course(course).item("m/page").body.html
    assert 'src="ilead:asset/modules/m/images/map.png"' in html, html


def test_a_fifo_named_in_a_link_is_called_a_fifo_and_never_opened(course, monkeypatch):
    os.mkfifo(course / "modules/01-m/images/pipe.png")
    edit(course, PAGE, "First line.\n", "First line.\n\n![A pipe](images/pipe.png)\n")
    located(course, monkeypatch, PAGE, 6, "'images/pipe.png' is a FIFO (named pipe), not a regular file")


def test_a_fifo_among_the_items_is_an_error_not_skipped(course, monkeypatch):
    os.mkfifo(course / "modules/01-m/04-pipe.md")
    located(course, monkeypatch, "modules/01-m/04-pipe.md", 1, "is a FIFO (named pipe), not a regular file")


def test_a_folder_named_in_a_link_is_a_folder(course, monkeypatch):
    edit(course, PAGE, "First line.\n", "First line.\n\n[The images](images)\n")
    located(course, monkeypatch, PAGE, 6, "'images' is a folder, not a file")


@pytest.mark.parametrize("make, rel, line, says", [
    (lambda c, s: (c / "modules/01-m/05-leak.md").symlink_to(s / "leak.md"), "modules/01-m/05-leak.md", 1,
     "is a link to a file outside its module folder"),
    (lambda c, s: ((c / "modules/01-m/module.md").unlink(), (c / "modules/01-m/module.md").symlink_to(s / "leak.md")),
     "modules/01-m/module.md", 1, "module.md is a link to a file outside its module folder"),
    (lambda c, s: ((c / "course.yml").rename(s / "course.yml"), (c / "course.yml").symlink_to(s / "course.yml")),
     "course.yml", 1, "course.yml is a link to a file outside the course source"),
    (lambda c, s: ((c / "competencies.yml").unlink(), (c / "competencies.yml").symlink_to(s / "leak.md")),
     "competencies.yml", 1, "outside the course source"),
])
def test_errors_about_links_name_a_line(course, monkeypatch, make, rel, line, says):
    secret = course.parent / "secret"
    write_tree(secret, {"leak.md": "---\ntitle: Secret\n---\nsecret\n"})
    make(course, secret)
    located(course, monkeypatch, rel, line, says)


def test_a_link_that_leads_to_itself_is_an_error(course, monkeypatch):
    loop = course / "modules/01-m/images/loop.png"
    loop.symlink_to(loop)
    edit(course, PAGE, "First line.\n", "First line.\n\n![A loop](images/loop.png)\n")
    code, output = run(course, monkeypatch)
    assert code == 1 and re.search(rf"^src/{PAGE}:6: error: broken link", output, re.MULTILINE), output
