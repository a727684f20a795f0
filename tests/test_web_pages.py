"""What the shared web layer puts on pages: tables, transcripts, pass marks, the search index."""

from __future__ import annotations

import shutil

import pytest
from lxml import html as lxml_html

import web_sites
from conftest import ROOTS
from ilead_shell.reader import read_course
from ilead_shell.web.rich_text import localise
from ilead_shell.web.search_index import SearchDocument, build_index, fold, index_script, tokenize


def _no_links(reference):
    raise AssertionError("no references here")


def _fragment(html: str):
    return lxml_html.fragment_fromstring(localise(html, "modules/m/p.html", _no_links), create_parent="div")


TABLE = ("<table><thead><tr><th>Week</th><th>Focus</th></tr></thead><tbody>"
         "<tr><td><strong>1</strong></td><td>Welcome</td></tr>"
         "<tr><td><strong>2</strong></td><td>Foundations</td></tr></tbody></table>")


def test_a_table_scrolls_in_its_own_region_named_by_its_caption():
    root = _fragment("<p>Table: The first <em>two</em> weeks</p>\n" + TABLE + "<p>After.</p>")
    (wrap,) = root.xpath("div[@class='table-wrap']")
    assert (wrap.get("role"), wrap.get("tabindex")) == ("region", "0")
    caption = wrap.find("table/caption")
    assert caption.text_content() == "The first two weeks" and caption.find("em") is not None
    assert wrap.get("aria-labelledby") == caption.get("id")
    assert [p.text_content() for p in root.findall("p")] == ["After."]  # the "Table:" paragraph became the caption
    assert [th.get("scope") for th in wrap.xpath(".//thead//th")] == ["col", "col"]


def test_a_bold_first_column_becomes_row_headers():
    wrap = _fragment(TABLE).find("div")
    rows = wrap.xpath(".//tbody/tr")
    assert [(r[0].tag, r[0].get("scope"), r[0].text_content()) for r in rows] == [("th", "row", "1"), ("th", "row", "2")]
    assert wrap.get("aria-label") == "Table"  # no caption in the source: still a named region


def test_a_first_column_not_all_bold_stays_data():
    wrap = _fragment(TABLE.replace("<td><strong>2</strong></td>", "<td>2</td>")).find("div")
    assert [r[0].tag for r in wrap.xpath(".//tbody/tr")] == ["td", "td"]


def test_a_paragraph_that_only_mentions_a_table_is_left_alone():
    root = _fragment("<p>The table below: weeks.</p>" + TABLE)
    assert root.findtext("p") == "The table below: weeks." and root.find("div/table/caption") is None


def test_a_transcript_with_its_own_heading_has_one_heading(tmp_path, registry):
    root = tmp_path / "course"
    shutil.copytree(ROOTS / "full", root)
    transcript = root / "modules" / "02-foundations" / "media" / "talk-transcript.md"
    transcript.write_text("## Transcript: Equity in public libraries\n\nWelcome to this talk.\n", encoding="utf-8")
    bundle = registry.load("html")().build_bundle(read_course(root))
    page = lxml_html.fromstring(bundle.files["modules/foundations/talk.html"].read())
    (section,) = page.xpath("//section[contains(@class, 'transcript')]")
    assert [h.text_content() for h in section.xpath(".//h2 | .//h3")] == ["Transcript: Equity in public libraries"]
    assert "Welcome to this talk." in section.text_content()


def test_a_transcript_without_a_heading_is_titled_transcript(registry, full_course):
    bundle = registry.load("html")().build_bundle(full_course)
    page = lxml_html.fromstring(bundle.files["modules/foundations/talk.html"].read())
    assert page.xpath("//section[contains(@class, 'transcript')]/h2/text()") == ["Transcript"]


# -- the pass mark: the same rule as SCORM ------------------------------------------------------

def _without_mastery(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(ROOTS / "full", root)
    quiz = root / "modules" / "02-foundations" / "03-check.md"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace("mastery: 70\n", ""), encoding="utf-8")
    return read_course(root)


def test_a_quiz_without_mastery_is_judged_at_the_course_pass_mark_in_the_preview_as_in_scorm(tmp_path, registry):
    import json

    course = _without_mastery(tmp_path)
    assert course.grading.pass_percent == 70 and course.item("foundations/check").mastery is None
    preview = registry.load("html")().build_bundle(course)
    page = lxml_html.fromstring(preview.files["modules/foundations/check.html"].read())
    details = dict(zip(page.xpath("//dl[@class='details']//dt/text()"), page.xpath("//dl[@class='details']//dd/text()")))
    assert details["Pass mark"] == "70%"
    preview_key = json.loads(page.get_element_by_id("quiz-key-check").text)
    scorm = registry.load("scorm12")().build_bundle(course)
    scorm_key = json.loads(lxml_html.fromstring(scorm.files["sco/foundations/check.html"].read())
                           .get_element_by_id("quiz-key-check").text)
    assert preview_key["mastery"] == scorm_key["mastery"] == 70


def test_an_essay_only_quiz_has_no_pass_mark_anywhere(tmp_path, registry):
    root = tmp_path / "course"
    shutil.copytree(ROOTS / "full", root)
    (root / "modules" / "02-foundations" / "05-reflection.md").write_text(
        "---\ntitle: Reflection\ntype: quiz\n---\nThink.\n\n### Barriers {type=essay}\nDescribe one.\n", encoding="utf-8")
    bundle = registry.load("html")().build_bundle(read_course(root))
    page = lxml_html.fromstring(bundle.files["modules/foundations/reflection.html"].read())
    assert "Pass mark" not in page.xpath("//dl[@class='details']//dt/text()")


# -- the search index ------------------------------------------------------------------------------

def test_search_terms_are_folded_lower_case_words():
    assert fold("Educación INCLUSIVA, Ñandú") == "educacion inclusiva, nandu"
    assert tokenize("L'équité — 4,000 patrons; co-design!") == ["l", "equite", "4", "000", "patrons", "co", "design"]


def test_the_index_holds_every_page_of_the_site_and_is_deterministic(tmp_path, registry):
    course = web_sites.course("en", tmp_path)
    first = registry.load("html")().build_bundle(course).files["search-index.js"].read()
    second = registry.load("html")().build_bundle(web_sites.course("en", tmp_path / "again")).files["search-index.js"].read()
    assert first == second
    bundle = registry.load("html")().build_bundle(course)
    pages = {p for p in bundle.paths() if p.endswith(".html") and p != "search.html"}
    text = first.decode()
    assert text.startswith("window.ILEAD_SEARCH_INDEX = {") and text.endswith("};\n")
    import json

    index = json.loads(text[len("window.ILEAD_SEARCH_INDEX = "):-2])
    assert set(index["documentIds"].values()) == pages
    assert index["serializationVersion"] == 2 and index["fieldIds"] == {"title": 0, "text": 1}


def test_quiz_feedback_is_not_searchable(full_course):
    from ilead_shell.web import PageRenderer, RenderOptions, WebLayout

    documents = PageRenderer(full_course, WebLayout(), RenderOptions(search=True)).search_documents()
    (quiz,) = [d for d in documents if d.url == "modules/foundations/check.html"]
    assert "Which statement describes equity?" in quiz.text
    assert "fair outcomes, not identical treatment" not in quiz.text  # the general feedback


def test_the_index_counts_terms_per_field_as_minisearch_does():
    index = build_index([SearchDocument("a.html", "Equity now", "", "equity equity access"),
                         SearchDocument("b.html", "Access", "M", "Access for all")])
    postings = dict(index["index"])
    assert postings["equity"] == {"0": {"0": 1}, "1": {"0": 2}}
    assert postings["access"] == {"0": {"1": 1}, "1": {"0": 1, "1": 1}}
    assert index["fieldLength"] == {"0": [2, 2], "1": [1, 3]}
    assert index["averageFieldLength"] == [1.5, 2.5]
    assert "</script>" not in index_script([SearchDocument("c.html", "</script>", "", "")])


@pytest.mark.parametrize("hook", ["body_end"])
def test_pages_leave_a_block_for_tools_that_add_to_them(hook):
    from ilead_shell.templating import environment

    source = environment("ilead_shell.web").loader.get_source(environment("ilead_shell.web"), "base.html")[0]
    assert "{% block " + hook + " %}" in source


def test_a_serving_tool_can_add_its_script_to_every_page(full_course):
    from ilead_shell.web import PageRenderer, RenderOptions, WebLayout

    pages = PageRenderer(full_course, WebLayout(), RenderOptions(body_end='<script src="/__reload.js"></script>'))
    for html in (pages.home(), pages.item(full_course.item("foundations/check"))):
        assert html.rstrip().endswith('<script src="/__reload.js"></script>\n</body>\n</html>')
