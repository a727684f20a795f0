"""The outline bugs of issue #13: escaped CSS, --offering handling, empty competency tables."""

from __future__ import annotations

from pathlib import Path

from lxml import html as lxml_html

from authoring_support import run
from ilead_shell.outline import render_outline
from ilead_shell.reader import read_course

ROOTS = Path(__file__).parent / "roots"


def _style(page: str) -> str:
    (style,) = lxml_html.fromstring(page).xpath("//style")
    return style.text


def test_the_outline_style_sheet_is_not_html_escaped():
    page = render_outline(read_course(ROOTS / "fidelity"), "html")
    css = _style(page)
    # The font and print-the-link rules arrive as written, so the browser keeps them.
    assert 'font-family: Georgia, "Times New Roman", serif;' in css
    assert 'a[href^="http"]::after { content: " (" attr(href) ")"; font-size: 0.85em; }' in css
    assert "&#34;" not in page.split("</style>")[0] and "&quot;" not in page.split("</style>")[0]


def test_an_unknown_offering_names_the_offerings_without_suggesting_all():
    result = run("outline", str(ROOTS / "fidelity"), "--offering", "nope")
    assert result.exit_code == 1
    assert "unknown offering 'nope'; the course defines: mooc, certificate" in result.output
    assert "--offering all" not in result.output


def test_all_offerings_is_refused_with_the_names_to_choose_from():
    for value in ("all", "mooc,certificate"):
        result = run("outline", str(ROOTS / "fidelity"), "--offering", value)
        assert result.exit_code == 2
        assert "the outline describes one offering; name one of: mooc, certificate" in result.output


def test_a_course_without_competencies_has_no_competency_tables():
    course = read_course(ROOTS / "mastery")
    assert not course.competencies.domains
    page = render_outline(course, "html")
    document = lxml_html.fromstring(page)
    captions = [c.text_content() for c in document.xpath("//caption")]
    assert "Competencies by domain" not in captions
    assert not any("competenc" in c.lower() for c in captions if c.startswith("Each competency"))
    assert not document.xpath("//*[@id='framework']") and not document.xpath("//a[@href='#framework']")
    assert not any(th.text_content() == "Competencies" for th in document.xpath("//thead//th"))
    markdown = render_outline(course, "md")
    assert "Competency coverage" not in markdown and "| ID | Outcome | Competencies |" not in markdown
    # A course with a framework keeps every table.
    framed = render_outline(read_course(ROOTS / "fidelity"), "html")
    assert "Competencies by domain" in framed and "Competency coverage" in framed
