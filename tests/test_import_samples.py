"""Every real export in ../shared/samples imports, passes `check` (warnings allowed, no errors)
and builds for every target; so do cartridges of every CC version and a thin cartridge."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from ilead_shell.cli import main
from ilead_shell.importing import import_course
from ilead_shell.pipeline import build, read_and_check
from ilead_shell.reader import read_course

import cartridge_fixtures

SAMPLES = ["canvas-export-cc11/modules.imscc", "canvas-export-cc11/empty.imscc",
           "canvas-exports/all-question-types", "canvas-exports/assignment-rubrics", "canvas-exports/course-1",
           "canvas-exports/multiple-pages", "canvas-exports/single-assignment",
           "canvas-exports/single-discussion", "cc2olx-canvas-fixture"]


@pytest.fixture(scope="session")
def imported_samples(shared_dir, tmp_path_factory):
    found = {}
    for sample in SAMPLES:
        out = tmp_path_factory.mktemp("samples") / Path(sample).name.replace(".imscc", "")
        found[sample] = import_course(shared_dir / "samples" / sample, out)
    return found


@pytest.mark.parametrize("sample", SAMPLES)
def test_each_sample_export_imports_checks_and_builds_for_every_target(imported_samples, sample, tmp_path):
    result = imported_samples[sample]
    course, findings = read_and_check(result.path)
    assert not [f for f in findings if f.is_error]
    results, _ = build(result.path, "all", tmp_path)
    assert {r.target for r in results} >= {"html", "cc", "canvas", "moodle", "brightspace", "blackboard",
                                          "scorm12", "edx"}
    assert (result.path / "import-report.md").is_file()


def test_the_canvas_cc11_export_keeps_its_modules_items_and_settings(imported_samples):
    course = read_course(imported_samples["canvas-export-cc11/modules.imscc"].path)
    assert [m.title for m in course.modules][:2] == ["Module 1", "Module 2"]
    first = course.modules[0]
    # Quiz 1 has no question in this export (an empty section): it arrives as a page, reported.
    assert [i.type for i in first.items] == ["assignment", "page", "file", "page", "discussion", "link"]
    assert all(not i.published for i in first.items)  # Canvas exported them unpublished
    assert first.items[5].url.startswith("http")
    report = imported_samples["canvas-export-cc11/modules.imscc"].report
    assert any("Text Header 1" in e.message for e in report.entries)
    assert any("External Tool 1" in e.message for e in report.entries)
    assert any("Quiz 1" in e.message and "written as a page" in e.message for e in report.entries)


def test_every_expressible_canvas_question_type_arrives_with_its_key(imported_samples):
    course = read_course(imported_samples["canvas-exports/all-question-types"].path)
    quiz = next(i for i in course.items() if i.type == "quiz")
    kinds = [q.type for q in quiz.questions]
    assert kinds == ["multiple_choice", "true_false", "multiple_answer", "numeric", "essay", "essay"]
    choice, truth, many, number = quiz.questions[:4]
    assert [c.text for c in choice.choices if c.correct] == ["3"]
    assert [c.text for c in truth.choices if c.correct] == ["False"]
    assert [c.text for c in many.choices if c.correct] == ["A", "B", "C"]
    assert [(n.minimum, n.maximum) for n in number.numeric] == [(33.32, 33.34)]
    assert choice.feedback is not None and "alright" in choice.feedback.html
    assert [c.feedback.html if c.feedback else "" for c in choice.choices][0] == "<p>add 2</p>"
    report = imported_samples["canvas-exports/all-question-types"].report
    lost = [e.message for e in report.entries if e.kind == "lost"]
    for kind in ("matching", "multiple drop-downs", "formula"):
        assert any(kind in m for m in lost), kind


def test_rubrics_of_a_canvas_export_arrive(imported_samples):
    course = read_course(imported_samples["canvas-exports/assignment-rubrics"].path)
    assignment = next(i for i in course.items() if i.type == "assignment")
    assert assignment.rubric and all(r.points >= 0 for r in assignment.rubric)
    assert assignment.points == sum(r.points for r in assignment.rubric) or assignment.points is not None


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2", "1.3"])
def test_cartridges_of_every_version_import(tmp_path, version):
    path = cartridge_fixtures.write_cartridge(tmp_path / f"cc{version}.imscc", version)
    result = import_course(path, tmp_path / "out")
    course = read_course(result.path)
    assert [m.title for m in course.modules] == ["Week 1"]
    page, link, discussion, quiz = course.modules[0].items
    assert (page.type, link.type, discussion.type, quiz.type) == ("page", "link", "discussion", "quiz")
    assert link.url == "https://example.org/reading"
    assert "map.png" in page.body.html and course.assets
    assert [c.correct for c in quiz.questions[0].choices] == [False, True, False]
    assert quiz.questions[1].answers == ("Paris", "paris france")
    build(result.path, "all", tmp_path / "bundles")


def test_a_thin_cartridge_of_web_links_imports(tmp_path):
    path = cartridge_fixtures.write_thin_cartridge(tmp_path / "thin.imscc")
    result = import_course(path, tmp_path / "out")
    course = read_course(result.path)
    assert [i.type for i in course.items()] == ["link", "link"]
    assert result.source_format.startswith("Thin Common Cartridge")
    build(result.path, "all", tmp_path / "bundles")


def test_the_cli_refuses_to_overwrite_without_force(tmp_path):
    path = cartridge_fixtures.write_cartridge(tmp_path / "c.imscc", "1.1")
    runner = CliRunner()
    first = runner.invoke(main, ["import", str(path), "--out", str(tmp_path / "out")])
    assert first.exit_code == 0, first.output
    (tmp_path / "out" / "modules" / "01-week-1" / "01-welcome.md").write_text("---\ntitle: Edited\n---\nMine\n")
    second = runner.invoke(main, ["import", str(path), "--out", str(tmp_path / "out")])
    assert second.exit_code == 1 and "already exists" in second.output and "--force" in second.output
    assert "Mine" in (tmp_path / "out" / "modules" / "01-week-1" / "01-welcome.md").read_text()
    forced = runner.invoke(main, ["import", str(path), "--out", str(tmp_path / "out"), "--force"])
    assert forced.exit_code == 0, forced.output
    assert "Mine" not in (tmp_path / "out" / "modules" / "01-week-1" / "01-welcome.md").read_text()
    other = tmp_path / "not-a-course"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    refused = runner.invoke(main, ["import", str(path), "--out", str(other), "--force"])
    assert refused.exit_code == 1 and "not a course source" in refused.output
    assert (other / "notes.txt").read_text() == "keep me"
