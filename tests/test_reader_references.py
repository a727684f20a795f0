"""references.yml, citations in Markdown, and the Readings/References sections they render."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from course_tree import errors_of, write_tree

from ilead_shell import citations
from ilead_shell.checks.bibliography import check_bibliography, readings_table
from ilead_shell.reader import read_course

COURSE = "title: Cited\ncode: CITE-1\n"
WORKS = """\
references:
  - id: tervalon-1998
    type: article-journal
    author:
      - {family: Tervalon, given: Melanie}
      - {family: Murray-García, given: Jann}
    issued: 1998
    title: "Cultural humility versus cultural competence: A critical distinction"
    container-title: Journal of Health Care for the Poor and Underserved
    volume: 9
    issue: 2
    page: 117-125
    DOI: 10.1353/hpu.2010.0233
  - id: ala-edi
    type: webpage
    author:
      - literal: American Library Association
    issued: 2017
    title: "Equity, diversity, and inclusion definitions <& glossary>"
    URL: https://www.ala.org/aboutala/odlos-glossary-terms
    read-at: https://edispeakers.ala.org/about/
"""


def course_with(tmp_path: Path, body: str, front: str = "", extra: dict | None = None) -> Path:
    files = {
        "course.yml": COURSE,
        "references.yml": WORKS,
        "modules/01-a/module.md": "---\ntitle: A\n---\nOverview.\n",
        "modules/01-a/01-p.md": f"---\ntitle: P\n{front}---\n{body}",
    }
    files.update(extra or {})
    return write_tree(tmp_path, files)



def page_of(root: Path):
    course = read_course(root)
    return course, course.item("a/p")


# -- valid -------------------------------------------------------------------------------------
def test_a_bracketed_citation_becomes_author_date_text_and_an_apa_reference(tmp_path):
    course, page = page_of(course_with(tmp_path, "Humility is a practice [@tervalon-1998, p. 123].\n"))
    root = lxml_html.fragment_fromstring(page.body.html, create_parent="div")
    assert root.xpath("//p/a") == []  # no in-page #fragment links: some LMS viewers route on them
    assert "".join(root.xpath("//p")[0].itertext()) == \
        "Humility is a practice (Tervalon & Murray-García, 1998, p. 123)."
    [entry] = root.xpath("//h2[.='References']/following-sibling::ul[1]/li")
    assert entry.get("id") == "ref-a-p-tervalon-1998"
    assert entry.text_content() == (
        "Tervalon, M., & Murray-García, J. (1998). Cultural humility versus cultural competence: A critical "
        "distinction. Journal of Health Care for the Poor and Underserved, 9(2), 117–125. "
        "https://doi.org/10.1353/hpu.2010.0233")
    assert page.cites == ("tervalon-1998",)
    assert [w.id for w in course.bibliography] == ["ala-edi", "tervalon-1998"]  # APA order


def test_narrative_and_grouped_citations(tmp_path):
    body = "As @tervalon-1998 argue, and others agree [@ala-edi; @tervalon-1998]. Mail me at a@b.org.\n"
    _, page = page_of(course_with(tmp_path, body))
    text = lxml_html.fragment_fromstring(page.body.html, create_parent="div").xpath("//p")[0].text_content()
    assert text == ("As Tervalon and Murray-García (1998) argue, and others agree "
                    "(American Library Association, 2017; Tervalon & Murray-García, 1998). Mail me at a@b.org.")


def test_citations_in_code_stay_code_and_unknown_handles_stay_text(tmp_path):
    body = "Write `[@tervalon-1998]` to cite. Follow @someone online.\n\n```\n[@nothing-here]\n```\n"
    _, page = page_of(course_with(tmp_path, body))
    assert "<code>[@tervalon-1998]</code>" in page.body.html
    assert "Follow @someone online." in page.body.html
    assert page.cites == ()


def test_front_matter_references_and_readings_render_in_one_style(tmp_path):
    front = ("references: [ala-edi]\nreadings:\n  - tervalon-1998\n"
             "  - {ref: ala-edi, note: Compare these with our working definitions.}\n"
             "  - {select: a case study of a rural library}\n")
    course, page = page_of(course_with(tmp_path, "Text.\n", front))
    root = lxml_html.fragment_fromstring(page.body.html, create_parent="div")
    readings = [" ".join(li.text_content().split()) for li in root.xpath("//ul[@class='readings']/li")]
    assert readings[0].startswith("Tervalon, M., & Murray-García, J. (1998).")
    assert readings[1].endswith("Compare these with our working definitions.")
    assert readings[2] == "To be selected by the program team: a case study of a rural library"
    # the title's '<' and '&' stay text
    assert "definitions &lt;&amp; glossary&gt;" in page.body.html
    assert [r.pending for r in page.readings] == [False, False, True]
    assert page.readings[2].location.path == "modules/01-a/01-p.md" and page.readings[2].location.line == 7
    assert page.cites == ("ala-edi",)
    assert "1 still to be selected" in readings_table(course)
    assert "modules/01-a/01-p.md:7: P: a case study of a rural library" in readings_table(course)


def test_a_module_carries_its_own_references_file(tmp_path):
    root = course_with(tmp_path, "See [@oliver-2004].\n", extra={
        "references.yml": "references: []\n",
        "modules/01-a/references.yml": (
            "references:\n  - id: oliver-2004\n    type: chapter\n    author: [{family: Oliver, given: Mike}]\n"
            "    editor: [{family: Barnes, given: Colin}, {family: Mercer, given: Geof}]\n    issued: 2004\n"
            "    title: 'The social model in action: If I had a hammer'\n"
            "    container-title: Implementing the social model of disability\n    page: 18-31\n"
            "    publisher: The Disability Press\n")})
    course, page = page_of(root)
    assert course.work("oliver-2004").location.path == "modules/01-a/references.yml"
    assert "In C. Barnes & G. Mercer (Eds.), Implementing the social model of disability (pp. 18–31). " \
           "The Disability Press." in lxml_html.fromstring(page.body.html).text_content()


def test_an_unused_work_is_a_warning_at_its_entry(tmp_path):
    course = read_course(course_with(tmp_path, "Cites [@tervalon-1998].\n"))
    [finding] = check_bibliography(course)
    assert finding.format().endswith("references.yml:14: warning: reference 'ala-edi' is never cited, read or "
                                     "mapped to; cite it with [@ala-edi], list it under readings:, or remove it")


def test_same_author_and_year_get_letters(tmp_path):
    extra = WORKS + ("  - id: ala-two\n    type: webpage\n    author: [{literal: American Library Association}]\n"
                     "    issued: 2017\n    title: Another page\n    URL: https://www.ala.org/two\n")
    _, page = page_of(course_with(tmp_path, "[@ala-edi] and [@ala-two].\n", extra={"references.yml": extra}))
    text = lxml_html.fromstring(page.body.html).text_content()
    assert "(American Library Association, 2017b) and (American Library Association, 2017a)" in text
    assert "American Library Association. (2017a). Another page." in text


# -- invalid -----------------------------------------------------------------------------------
def test_an_unknown_citation_is_an_error_at_its_line(tmp_path):
    found = errors_of(course_with(tmp_path, "Line one.\n\nAs shown [@nobody-2020].\n"))
    assert any(f.endswith("01-p.md:6: error: citation '@nobody-2020' names no work in any references.yml")
               for f in found), found


@pytest.mark.parametrize("body, says", [
    ("As @tervalon-1999 argued.\n", "citation '@tervalon-1999' names no work in any references.yml; "
                                     "did you mean '@tervalon-1998'?"),
    ("As @tervalon argued.\n", "citation '@tervalon' names no work in any references.yml; "
                               "did you mean '@tervalon-1998'?"),
    ("As @ala-ed says.\n", "did you mean '@ala-edi'?"),
    ("As argued [@tervalon-1999, p. 3].\n", "citation '@tervalon-1999' names no work in any references.yml; "
                                            "did you mean '@tervalon-1998'?"),
])
def test_a_misspelt_citation_is_an_error_naming_the_work_it_resembles(tmp_path, body, says):
    found = errors_of(course_with(tmp_path, "Line one.\n\n" + body))
    assert any("01-p.md:6: error: citation" in f and says in f for f in found), found


def test_addresses_and_handles_far_from_any_work_stay_text(tmp_path):
    body = ("Write to help@example.org or tervalon-1999@example.org, follow @ilead, @ala or @someone-else online.\n"
            "\nAn @ written &#64;tervalon-1999 is no citation.\n")
    _, page = page_of(course_with(tmp_path, body))
    assert body.split("\n")[0] in page.body.html and page.cites == ()
    assert "&#64;tervalon-1999" in page.body.html or "@tervalon-1999 is" in page.body.html


@pytest.mark.parametrize("front, message", [
    ("references: [missing]\n", "3: error: references: 'missing' names no work in any references.yml"),
    ("references: [ala-ed]\n", "3: error: references: 'ala-ed' names no work in any references.yml; "
                               "did you mean 'ala-edi'?"),
    ("readings:\n  - tervalon-98\n", "4: error: readings: 'tervalon-98' names no work in any references.yml; "
                                      "did you mean 'tervalon-1998'?"),
    ("readings:\n  - {ref: ala-edi, select: both}\n", "4: error: readings: give either 'ref'"),
    ("readings:\n  - {select: ''}\n", "4: error: readings: select:"),
    ("readings:\n  - [a, b]\n", "4: error: readings: each entry is a work's id"),
    ("effort: soon\n", "3: error: effort: 'soon' should be minutes"),
    ("effort: 0\n", "3: error: effort: 0 should be minutes"),
])
def test_front_matter_mistakes_are_located(tmp_path, front, message):
    found = errors_of(course_with(tmp_path, "Text.\n", front))
    assert any(message in f for f in found), found


@pytest.mark.parametrize("entry, message", [
    ("  - {id: Bad_Id, title: T, URL: 'https://x.org'}\n", "'Bad_Id' should be lower-case letters"),
    ("  - {id: no-url, title: T}\n", "reference 'no-url': a web page needs its URL"),
    ("  - {id: odd, type: tablet, title: T, URL: 'https://x.org'}\n", "unknown type 'tablet'"),
    ("  - {id: doi-url, type: article-journal, title: T, DOI: 'https://doi.org/10.1/x'}\n", "should be a DOI"),
    ("  - {id: who, title: T, URL: 'https://x.org', author: [{given: Ann}]}\n", "each author needs 'family'"),
    ("  - {id: tervalon-1998, title: Other, URL: 'https://x.org'}\n", "is also defined, differently, at"),
])
def test_references_file_mistakes_are_located(tmp_path, entry, message):
    found = errors_of(course_with(tmp_path, "Text.\n", extra={"references.yml": WORKS + entry}))
    assert any(message in f and "references.yml:" in f for f in found), found


def test_the_same_work_written_twice_identically_is_one_work(tmp_path):
    module_file = "references:\n" + WORKS.split("references:\n", 1)[1]
    course, _ = page_of(course_with(tmp_path, "[@ala-edi]\n", extra={"modules/01-a/references.yml": module_file}))
    assert [w.id for w in course.bibliography].count("ala-edi") == 1


def test_a_module_references_file_may_not_leave_the_module(tmp_path):
    outside = tmp_path / "outside.yml"
    outside.write_text(WORKS, encoding="utf-8")
    root = course_with(tmp_path / "course", "Text.\n")
    (root / "modules/01-a/references.yml").symlink_to(outside)
    assert any("references.yml is a link to a file outside its module folder" in f for f in errors_of(root))


# -- the style itself --------------------------------------------------------------------------
def test_reference_style_for_each_documented_type(tmp_path):
    from ilead_shell.model import Contributor, SourceLocation, Work
    at = SourceLocation(path="references.yml")
    people = tuple(Contributor(family=f, given=g) for f, g in (("Fisher", "Roger"), ("Ury", "William"), ("Patton", "Bruce")))
    book = Work(id="b", type="book", author=people, issued="1991",
                edition="2", title="Getting to yes", publisher="Penguin Books", location=at)
    page = Work(id="w", type="webpage", author=(Contributor(literal="Gay, Lesbian, and Bisexual Round Table"),),
                issued="2021-07-28", title="A new principle", url="https://www.ala.org/news", location=at)
    untitled = Work(id="u", type="report", title="Racial equity toolkit", issued="", publisher="GARE", location=at)
    assert citations.plain(citations.reference(book)) == \
        "Fisher, R., Ury, W., & Patton, B. (1991). Getting to yes (2nd ed.). Penguin Books."
    # an organization's name keeps its commas; a letter from the in-text label reaches the list
    assert citations.plain(citations.reference(page, "2021b")) == \
        "Gay, Lesbian, and Bisexual Round Table. (2021b, July 28). A new principle. https://www.ala.org/news"
    assert citations.plain(citations.reference(untitled)) == "Racial equity toolkit. (n.d.). GARE."
    assert citations.in_text(book, "1991") == "Fisher et al., 1991"
    assert citations.markdown(citations.reference(book)).startswith("Fisher, R., Ury, W., & Patton, B. (1991). *Getting to yes*")


def test_section_headings_get_the_ids_markdown_would_give_them(tmp_path):
    """So a page written back as Markdown (ilead-shell import) reads the same."""
    body = "## References\n\nThe page's own section [@tervalon-1998].\n"
    _, page = page_of(course_with(tmp_path, body, front="readings: [ala-edi]\n"))
    root = lxml_html.fragment_fromstring(page.body.html, create_parent="div")
    assert [(h.text, h.get("id")) for h in root.iter("h2")] == \
        [("References", "references"), ("Readings", "readings"), ("References", "references_1")]


def test_rendered_reference_lists_survive_being_written_back_as_markdown(tmp_path):
    from ilead_shell.source_writer.html_markdown import html_to_markdown
    _, page = page_of(course_with(tmp_path, "Humility [@tervalon-1998].\n",
                                  front='readings:\n  - {ref: ala-edi, note: "Short."}\n'))
    markdown = html_to_markdown(page.body.html, lambda url: url)
    assert '<ul class="references">' in markdown and 'id="ref-a-p-tervalon-1998"' in markdown
    assert '<ul class="readings">' in markdown and "(Tervalon & Murray-García, 1998)" in markdown
    again = page_of(course_with(tmp_path / "again", markdown))[1]
    def fold(html: str) -> str:
        return re.sub(r">\s+<", "><", html).strip()

    assert fold(again.body.html) == fold(page.body.html)


def test_a_course_references_file_may_not_leave_the_course(tmp_path):
    outside = tmp_path / "elsewhere.yml"
    outside.write_text(WORKS, encoding="utf-8")
    root = course_with(tmp_path / "c", "Text.\n")
    (root / "references.yml").unlink()
    (root / "references.yml").symlink_to(outside)
    assert any("references.yml is a link to a file outside the course source" in e for e in errors_of(root))


@pytest.mark.parametrize("effort, warned", [("10000 h", True), ("201 h", True), ("200 h", False), ("90 min", False)])
def test_an_effort_beyond_200_hours_for_one_item_is_a_warning_at_its_line(tmp_path, effort, warned):
    from ilead_shell.reader import load_course

    _, warnings = load_course(course_with(tmp_path, "Text.\n", f"effort: {effort}\n"))
    found = [w.format() for w in warnings if w.code == "effort"]
    if warned:
        assert len(found) == 1 and "01-p.md:3: warning: effort: " in found[0] and "more than 200" in found[0], found
    else:
        assert found == []
