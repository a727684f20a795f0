"""The reader's limits: each one reached gives a located error that names it, at once.

#11 items 3 and 10 and deliverable 2: a 600-level list raised RecursionError, 3,000 levels
ran for minutes, a 33 MB course.yml was refused after 110 s and 1.8 GB with a message
about aliases, HTML nested past 256 levels was cut short silently in Open edX, and
``points=99999999999999999999999`` became ``1e+23`` in Canvas XML.
"""

from __future__ import annotations

import re
import tarfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from ilead_shell.cli import main
from ilead_shell.reader import limits

from course_tree import write_tree

COURSE = {
    "course.yml": "title: Limits\ncode: L-1\n",
    "modules/01-m/module.md": "---\ntitle: M\n---\nOverview.\n",
    "modules/01-m/01-page.md": "---\ntitle: Page\n---\nFirst line.\n",
}
PAGE = "modules/01-m/01-page.md"


def make(tmp_path: Path, extra: dict) -> Path:
    return write_tree(tmp_path / "src", {**COURSE, **extra})


def run(root: Path, monkeypatch, target: str = "html", command: str = "build") -> tuple[int, str]:
    monkeypatch.chdir(root.parent)
    args = [command, "src"] + (["--target", target, "--out", "out"] if command == "build" else [])
    result = CliRunner().invoke(main, args)
    assert isinstance(result.exception, (SystemExit, type(None))), f"{result.exception!r}\n{result.output}"
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def located(root: Path, monkeypatch, rel: str, line: int, says: str, target: str = "html") -> None:
    code, output = run(root, monkeypatch, target)
    assert code == 1, output
    assert re.search(rf"^src/{re.escape(rel)}:{line}: error: .*{re.escape(says)}", output, re.MULTILINE), output
    assert not (root.parent / "out").exists() or not any((root.parent / "out").iterdir())


# -- Markdown and HTML nesting ----------------------------------------------------------------------
@pytest.mark.parametrize("levels", [21, 600, 1000])
def test_a_deeply_nested_list_is_refused_at_the_first_line_too_deep(tmp_path, monkeypatch, levels):
    body = "".join("    " * i + "- level\n" for i in range(levels))
    root = make(tmp_path, {PAGE: "---\ntitle: Page\n---\nIntro.\n\n" + body})
    located(root, monkeypatch, PAGE, 5 + limits.MAX_MARKDOWN_NESTING + 1, "Markdown nested more than 20 levels")


def test_three_thousand_levels_of_quotes_and_lists_are_refused_at_once(tmp_path, monkeypatch):
    body = "".join("> " * i + "- x\n" for i in range(0, 3000, 150)) + "> " * 3000 + "- deepest\n"
    root = make(tmp_path, {PAGE: "---\ntitle: Page\n---\nIntro.\n\n" + body})
    located(root, monkeypatch, PAGE, 7, "Markdown nested more than 20 levels")


def test_deep_quotes_and_admonitions_count_as_nesting(tmp_path, monkeypatch):
    body = "".join("    " * i + "!!! note\n" for i in range(30)) + "    " * 30 + "x\n"
    root = make(tmp_path, {PAGE: "---\ntitle: Page\n---\n" + body,
                           "modules/01-m/02-quote.md": "---\ntitle: Q\n---\n" + "> " * 25 + "deep\n"})
    code, output = run(root, monkeypatch)
    assert code == 1
    assert f"src/{PAGE}:24: error: Markdown nested more than 20 levels" in output, output
    assert "src/modules/01-m/02-quote.md:4: error: Markdown nested more than 20 levels" in output, output


def test_nesting_at_the_limit_builds_and_indented_code_in_fences_is_not_nesting(tmp_path, monkeypatch):
    body = "".join("    " * i + "- level\n" for i in range(limits.MAX_MARKDOWN_NESTING))
    fenced = "```\n" + " " * 200 + "deeply indented code\n```\n"
    root = make(tmp_path, {PAGE: "---\ntitle: Page\n---\n" + body + "\n" + fenced})
    assert run(root, monkeypatch)[0] == 0


@pytest.mark.parametrize("depth", [limits.MAX_HTML_DEPTH + 1, 300, 3000])
def test_html_nested_past_the_limit_is_refused_not_cut_short(tmp_path, monkeypatch, depth):
    body = "Intro.\n\n" + "<div>" * depth + "x" + "</div>" * depth + "\n"
    root = make(tmp_path, {PAGE: "---\ntitle: Page\n---\n" + body})
    located(root, monkeypatch, PAGE, 6, "HTML elements nested more than 100 levels deep", "edx")


def test_html_within_the_limit_arrives_whole_in_every_xml_target(tmp_path, monkeypatch):
    depth = 90
    body = "<div>" * depth + "deepest words" + "</div>" * depth + "\n"
    root = make(tmp_path, {PAGE: "---\ntitle: Page\n---\n" + body})
    code, output = run(root, monkeypatch, "edx,cc")
    assert code == 0, output
    out = root.parent / "out"
    with tarfile.open(next(out.glob("*-edx.tar.gz"))) as archive:
        pages = [archive.extractfile(m).read() for m in archive if m.name.endswith(".html")]
    with zipfile.ZipFile(next(out.glob("*-cc.imscc"))) as archive:
        pages += [archive.read(n) for n in archive.namelist() if n.endswith(".html")]
    page = [p for p in pages if b"deepest words" in p]
    assert len(page) == 2 and all(p.count(b"<div") >= depth for p in page)


def test_many_unclosed_paragraphs_are_not_mistaken_for_nesting(tmp_path, monkeypatch):
    body = "<div>\n" + "<p>one paragraph\n" * 300 + "</div>\n"
    root = make(tmp_path, {PAGE: "---\ntitle: Page\n---\n" + body})
    assert run(root, monkeypatch)[0] == 0


# -- file and YAML sizes -------------------------------------------------------------------------
def test_a_markdown_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    root = make(tmp_path, {PAGE: "---\ntitle: Page\n---\n" + "words " * (limits.MAX_TEXT_BYTES // 6 + 10)})
    located(root, monkeypatch, PAGE, 1, "larger than 2.0 MB, the most a Markdown or YAML file may hold")


def test_a_33_mb_course_yml_is_refused_at_once(tmp_path, monkeypatch):
    root = make(tmp_path, {})
    with (root / "course.yml").open("a") as handle:
        handle.write("".join(f"key{i}: value\n" for i in range(600_000))[:33_000_000])
    located(root, monkeypatch, "course.yml", 1, "larger than 2.0 MB")


def test_yaml_over_its_size_limit_is_refused_without_parsing(tmp_path, monkeypatch):
    keys = "".join(f"k{i}: v\n" for i in range(40_000))  # ~350 KB: a text file, but too much YAML
    root = make(tmp_path, {})
    (root / "course.yml").write_text("title: Limits\ncode: L-1\nextra:\n" + "".join("  " + k + "\n"
                                                                                 for k in keys.splitlines()))
    located(root, monkeypatch, "course.yml", 1, "of YAML, more than the 256 KB one document may hold")


def test_front_matter_with_too_many_values_stops_at_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_YAML_VALUES", 50)
    front = "title: Page\noutcomes: [" + ", ".join(f"O{i}" for i in range(10)) + "]\nlist:\n" + "".join(
        f"  - v{i}\n" for i in range(60))
    root = make(tmp_path, {PAGE: "---\n" + front + "---\nBody.\n"})
    code, output = run(root, monkeypatch)
    assert code == 1
    found = re.search(rf"^src/{re.escape(PAGE)}:(\d+): error: YAML: more than 50 values in one document", output,
                      re.MULTILINE)
    assert found, output
    assert 4 < int(found.group(1)) < 66  # the line where the count passed the limit


# -- counts ----------------------------------------------------------------------------------------
def test_more_items_than_the_limit_is_an_error_at_the_first_one_over(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_ITEMS", 3)
    pages = {f"modules/01-m/0{i}-p{i}.md": f"---\ntitle: P{i}\n---\nx\n" for i in range(2, 6)}
    root = make(tmp_path, pages)
    code, output = run(root, monkeypatch, command="check")
    assert code == 1
    assert "src/modules/01-m/04-p4.md:1: error: the course has more than 3 items" in output, output
    assert output.count("more than 3 items") == 1


def test_more_questions_than_the_limit_is_an_error_at_the_first_one_over(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_QUESTIONS", 2)
    quiz = "---\ntitle: Q\ntype: quiz\n---\n" + "".join(f"### Q{i}\nPick.\n\n- [x] a\n- [ ] b\n\n" for i in range(3))
    root = make(tmp_path, {"modules/01-m/02-quiz.md": quiz})
    located(root, monkeypatch, "modules/01-m/02-quiz.md", 17, "more than the 2 one quiz may hold")


QUIZ_FILE, TASK_FILE = "modules/01-m/02-quiz.md", "modules/01-m/02-task.md"
QUIZ_HEAD = "---\ntitle: Q\ntype: quiz\n"


@pytest.mark.parametrize("rel, content, line, says", [
    (QUIZ_FILE, QUIZ_HEAD + "---\n### Q {type=essay points=99999999999999999999999}\nW\n", 5, "more than 10000 points"),
    (QUIZ_FILE, QUIZ_HEAD + "---\n### Q {type=essay points=2 points=3}\nW\n", 5,
     "attribute 'points' is given twice (points=2 and points=3)"),
    (QUIZ_FILE, QUIZ_HEAD + "---\n### Q {type=essay points=0.125}\nW\n", 5, "two decimal places"),
    (QUIZ_FILE, QUIZ_HEAD + "points_per_question: 0.0000001\n---\n### Q {type=essay}\nW\n", 4, "two decimal places"),
    (TASK_FILE, "---\ntitle: T\ntype: assignment\npoints: 99999999999999999999999\n---\nW\n", 4,
     "more than 10000 points"),
    (TASK_FILE, "---\ntitle: T\ntype: discussion\npoints: 1e23\n---\nW\n", 4, "more than 10000"),
    (TASK_FILE, QUIZ_HEAD + "attempts: 99999999999999999999999\n---\n### Q {type=essay}\nW\n", 4, "attempts"),
])
def test_points_no_lms_can_keep_are_located_errors(tmp_path, monkeypatch, rel, content, line, says):
    root = make(tmp_path, {rel: content})
    located(root, monkeypatch, rel, line, says, "canvas")


def test_points_at_the_limit_reach_canvas_as_written(tmp_path, monkeypatch):
    quiz = "---\ntitle: Q\ntype: quiz\n---\n### Q {type=essay points=9999.5}\nWrite.\n"
    root = make(tmp_path, {"modules/01-m/02-quiz.md": quiz})
    assert run(root, monkeypatch, "canvas")[0] == 0
    with zipfile.ZipFile(next((root.parent / "out").glob("*.imscc"))) as archive:
        text = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml")).decode()
    assert "9999.5" in text and "e+" not in text


def test_a_file_that_grows_past_the_limit_while_it_is_read_is_too_large(tmp_path, monkeypatch):
    """The size checked when the file was opened is not trusted: what is read counts."""
    import os as os_module
    from ilead_shell import source_files

    path = tmp_path / "page.md"
    path.write_bytes(b"x" * 100)
    real_open = source_files.open_regular

    def opened_while_smaller(real):  # the file was 10 bytes when it was opened, then it grew
        fd, status = real_open(real)
        fields = list(status)
        fields[6] = 10  # st_size
        return fd, os_module.stat_result(fields)

    monkeypatch.setattr(source_files, "open_regular", opened_while_smaller)
    with pytest.raises(source_files.SourceFileError) as raised:
        source_files.read_source(path.resolve(), limit=50)
    assert raised.value.kind == "too-large" and "more than 50 bytes" in raised.value.reason


def test_a_packaged_file_reads_like_a_file_whatever_the_size_asked():
    """Archive writers read a source file in chunks of any size, zero and one byte included."""
    import tempfile
    from ilead_shell.source_files import open_checked

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder, "notes.txt").resolve()
        path.write_bytes(b"abc")
        with open_checked(path, 3) as source:
            assert source.read(0) == b""
            assert source.read(1) == b"a"
            assert source.read() == b"bc"
            assert source.read(1) == b""
