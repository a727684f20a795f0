"""The curriculum outline: content, alignment, effort, accessibility and the CLI command."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from ilead_shell.cli import main
from ilead_shell.model import Assignment, Quiz, Reading
from ilead_shell.offerings import select_offering
from ilead_shell.outline import build_outline, render_outline
from ilead_shell.outline.effort import hours, item_minutes
from ilead_shell.reader import read_course

ROOTS = Path(__file__).parent / "roots"


@pytest.fixture(scope="module")
def aligned():
    return read_course(ROOTS / "outcomes-aligned")


@pytest.fixture(scope="module")
def gaps():
    return read_course(ROOTS / "outcomes-gaps")


def parse(text: str):
    return lxml_html.document_fromstring(text)


def md_rows(text: str, first_cell: str) -> list[list[str]]:
    return [[c.strip() for c in line.strip("|").split(" | ")]
            for line in text.splitlines() if line.startswith(f"| {first_cell} |")]


# -- what the outline says -----------------------------------------------------------------
def test_module_plan_lists_activities_with_outcomes_assessment_and_effort(aligned):
    outline = build_outline(select_offering(aligned, "certificate"))
    [module] = outline.modules
    rows = {a.title: a for a in module.activities}
    assert list(rows) == ["Terms", "Check", "Design a service", "A short talk", "Equity essay"]
    assert rows["Check"].kind == "Knowledge check" and rows["Check"].outcomes == ("M1.1",)
    assert rows["Check"].assessment == "1 question, 1 point"  # not '1 questions, 1 points'
    assert rows["Equity essay"].assessment == "30 points; rubric of 2 criteria"
    assert rows["Terms"].assessment == ""
    assert module.minutes == sum(a.minutes for a in module.activities) + 1  # + the overview


def test_offering_decides_what_the_plan_and_alignment_contain(gaps):
    mooc = build_outline(select_offering(gaps, "mooc"))
    certificate = build_outline(select_offering(gaps, "certificate"))
    assert "Barriers essay" not in [a.title for a in mooc.modules[0].activities]
    assert "Barriers essay" in [a.title for a in certificate.modules[0].activities]
    assert "M1.2" in mooc.unassessed and "M1.2" not in certificate.unassessed


def test_alignment_shows_gaps_in_both_formats(gaps):
    course = select_offering(gaps, "mooc")
    markdown = render_outline(course, "md")
    assert "4 of 6 outcomes are not assessed: CO2, CO3, M1.2, M1.3" in markdown
    assert "1 of 2 competencies is served by no outcome: C2" in markdown
    assert md_rows(markdown, "CO2")[-1][-1] == "NOT ASSESSED"
    assert md_rows(markdown, "C2 Community partnership")[0][-1] == "NOT SERVED"
    document = parse(render_outline(course, "html"))
    status = {row.xpath("string(th)"): row.xpath("string(td[last()])")
              for row in document.xpath("//section[@aria-labelledby='alignment']//tbody/tr")}
    assert status["CO1"] == "Assessed" and status["CO2"] == "Not assessed"
    assert status["C2 Community partnership"] == "Not served"


def test_course_outcome_lists_assessments_of_the_module_outcomes_supporting_it(aligned):
    outline = build_outline(select_offering(aligned, "certificate"))
    row = next(r for r in outline.alignment if r.id == "CO1")
    assert row.via == ("M1.1",)
    assert row.assessments == ("Check", "Equity essay")
    c1 = next(c for c in outline.competencies if c.id == "C1")
    assert c1.outcomes == ("CO1",) and c1.assessments == 2


def test_description_drops_links_into_bundles_but_keeps_their_text(aligned):
    document = parse(render_outline(select_offering(aligned, "mooc"), "html"))
    section = document.xpath("//section[@aria-labelledby='description']")[0]
    assert "basic terms page" in section.text_content()
    assert "[Alignment diagram]" in section.text_content()
    assert not [e for e in section.iter() if "ilead:" in (e.get("href") or "") + (e.get("src") or "")]


def test_markdown_tables_escape_pipes(aligned):
    markdown = render_outline(select_offering(aligned, "mooc"), "md")
    assert "- first point | with a pipe" in markdown  # prose, not a table
    from ilead_shell.outline.markdown import cell
    assert cell("a | b\nc") == "a \\| b c"


def test_outline_is_deterministic(aligned):
    course = select_offering(aligned, "certificate")
    assert render_outline(course, "html") == render_outline(course, "html")
    assert render_outline(course, "md") == render_outline(course, "md")


# -- effort -------------------------------------------------------------------------------------
def test_effort_of_assignments_follows_points_with_a_minimum(aligned):
    essay = aligned.item("basics/essay")
    assert isinstance(essay, Assignment)
    assert 180 <= item_minutes(aligned, essay) <= 181
    small = essay.model_copy(update={"points": 2})
    assert 60 <= item_minutes(aligned, small) <= 61


def test_effort_of_a_video_comes_from_its_captions(aligned):
    assert 5 <= item_minutes(aligned, aligned.item("basics/talk")) <= 6  # 5:00 of captions + its description


def test_effort_of_quizzes_counts_questions(aligned):
    quiz = aligned.item("basics/check")
    assert isinstance(quiz, Quiz)
    one = item_minutes(aligned, quiz)
    doubled = quiz.model_copy(update={"questions": quiz.questions * 2})
    assert item_minutes(aligned, doubled) > one


def test_readings_still_to_be_selected_get_a_planning_allowance(aligned):
    page = aligned.item("basics/terms")
    pending = Reading(note="a reading on equity", location=page.location)
    assert item_minutes(aligned, page.model_copy(update={"readings": (pending,)})) >= item_minutes(aligned, page) + 30


def test_an_items_own_effort_replaces_the_estimate(aligned):
    page = aligned.item("basics/terms")
    assert item_minutes(aligned, page.model_copy(update={"effort_minutes": 95})) == 95


@pytest.mark.parametrize("minutes, shown", [(5, "5 min"), (59, "59 min"), (60, "1 h"), (100, "1.5 h"), (135, "2.5 h")])
def test_hours_round_to_half_hours(minutes, shown):
    assert hours(minutes) == shown


# -- accessible, printable HTML --------------------------------------------------------------------
@pytest.fixture(scope="module")
def document(gaps):
    return parse(render_outline(select_offering(gaps, "certificate"), "html"))


def test_html_has_language_title_landmarks_and_one_h1(document):
    assert document.get("lang") == "en"
    assert document.findtext(".//title").startswith("Curriculum outline: Outcome gaps")
    assert len(document.xpath("//h1")) == 1
    assert document.xpath("//main[@id='main']") and document.xpath("//nav[@aria-label]")
    assert document.xpath("//header") and document.xpath("//footer")
    assert document.xpath("//a[1]/@href")[0] == "#main"


def test_html_headings_never_skip_a_level(document):
    levels = [int(h.tag[1]) for h in document.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:]))


def test_html_tables_have_captions_and_scoped_headers(document):
    tables = document.xpath("//table")
    assert len(tables) >= 6
    for table in tables:
        assert table.xpath("string(caption)").strip()
        assert all(th.get("scope") in ("col", "row", "rowgroup") for th in table.iter("th"))


def test_html_prints_well(document):
    css = document.xpath("string(//style)")
    assert "@media print" in css
    print_rules = css[css.index("@media print"):]
    for rule in ("nav", "thead { display: table-header-group; }", "break-inside: avoid", "attr(href)"):
        assert rule in print_rules


def test_html_passes_axe_wcag_21_aa(tmp_path, gaps):
    from browser import support

    if support.missing():
        pytest.skip(support.missing())
    (tmp_path / "outline.html").write_text(render_outline(select_offering(gaps, "certificate"), "html"))
    page = support.browser().new_page()
    try:
        with support.serve(tmp_path) as (base, _):
            page.goto(f"{base}/pkg/outline.html")
            assert support.axe_violations(page) == []
    finally:
        page.close()


# -- the command -----------------------------------------------------------------------------------
def test_outline_command_writes_markdown_for_the_chosen_offering(tmp_path):
    target = tmp_path / "docs" / "outline.md"
    result = CliRunner().invoke(main, ["outline", str(ROOTS / "outcomes-gaps"), "--offering", "certificate",
                                       "--format", "md", "--out", str(target)])
    assert result.exit_code == 0, result.output
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Curriculum outline: Outcome gaps")
    assert "- **Offering:** certificate" in text and "Barriers essay" in text


def test_outline_command_defaults_to_html_on_stdout_for_the_default_offering():
    result = CliRunner().invoke(main, ["outline", str(ROOTS / "outcomes-gaps")])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("<!DOCTYPE html>")
    assert "<dt>Offering</dt><dd>mooc</dd>" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["--offering", "all"], "one offering"),
    (["--offering", "nope"], "unknown offering 'nope'"),
    (["--format", "pdf"], "'pdf' is not one of"),
])
def test_outline_command_refuses_bad_choices(args, message):
    result = CliRunner().invoke(main, ["outline", str(ROOTS / "outcomes-gaps"), *args])
    assert result.exit_code != 0
    assert message in result.output


def test_assessments_sharing_a_title_are_told_apart_by_module(copy_root):
    root = copy_root("outcomes-aligned")
    second = root / "modules" / "02-more"
    second.mkdir()
    (second / "module.md").write_text("---\ntitle: More\noutcomes:\n  - id: M2.1\n"
                                      "    text: \"Compare two services.\"\n    supports: [CO1]\n---\nMore.\n")
    (second / "01-check.md").write_text("---\ntitle: Check\ntype: quiz\noutcomes: [M2.1]\n---\n"
                                        "### Compare\nWhich is fairer?\n\n- [x] A\n- [ ] B\n")
    outline = build_outline(select_offering(read_course(root), "mooc"))
    row = next(r for r in outline.alignment if r.id == "CO1")
    assert row.assessments == ("Check (Module 1)", "Check (Module 2)")
    assert next(c for c in outline.competencies if c.id == "C1").assessments == 2
