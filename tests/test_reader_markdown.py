"""Markdown in bodies: the extensions SOURCE_FORMAT.md promises, and the lines of problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from ilead_shell.reader import load_course, read_course


def body_of(tmp_path: Path, markdown: str):
    files = {
        "course.yml": "title: M\ncode: M\n",
        "modules/01-m/module.md": "---\ntitle: M\n---\n",
        "modules/01-m/01-page.md": "---\ntitle: Page\n---\n" + markdown,
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    return read_course(tmp_path).item("m/page").body


@pytest.mark.parametrize("markdown, expected", [
    ("| a | b |\n| --- | --- |\n| 1 | 2 |\n", "<table>"),
    ("Text.[^n]\n\n[^n]: A note.\n", 'class="footnote"'),
    ("A paragraph.\n{: .lead #intro }\n", 'id="intro"'),
    ("Term\n:   Definition\n", "<dl>"),
    ("!!! warning \"Careful\"\n    Read this.\n", 'class="admonition warning"'),
    ("```python\nx = 1\n```\n", 'class="language-python"'),
    ("[TOC]\n\n## First\n\n## Second\n", 'class="toc"'),
    ("## A heading\n", 'id="a-heading"'),
    ("1. one\n2. two\n\n- a\n- b\n", "<ol>"),
])
def test_the_promised_markdown_extensions_are_on(tmp_path, markdown, expected):
    assert expected in body_of(tmp_path, markdown).html


def test_raw_html_passes_through(tmp_path):
    html = body_of(tmp_path, '<details><summary>More</summary>\n\nHidden text.\n\n</details>\n').html
    assert "<details>" in html


def test_rendering_is_the_same_every_time(tmp_path):
    text = "Text.[^n]\n\n[^n]: Note.\n\n## Heading\n\n## Heading\n"
    first = body_of(tmp_path / "a", text).html
    second = body_of(tmp_path / "b", text).html
    assert first == second
    assert 'id="heading_1"' in first  # duplicate headings get distinct, stable ids


def test_warnings_point_at_the_line_of_the_problem(tmp_path):
    files = {
        "course.yml": "title: M\ncode: M\n",
        "modules/01-m/module.md": "---\ntitle: M\n---\n",
        "modules/01-m/01-page.md": "---\ntitle: Page\n---\nIntro.\n\nMore.\n\n![](pic.png)\n\n[click here](pic.png)\n",
        "modules/01-m/pic.png": "png",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    _, warnings = load_course(tmp_path)
    found = {(w.location.line, w.message.split(";")[0]) for w in warnings if w.location}
    assert (8, "image has no alternative text") in found
    assert (10, "link text 'click here' does not say where the link goes") in found
