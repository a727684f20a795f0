"""The issue's "Done when": on the bundles made before the importer-fidelity fixes (commit
37af18e, rebuilt by tests/fixtures/old-bundles/make.sh), ``validate`` flags exactly what Moodle
5.1 and cc2olx 0.4.0 did to them (issue 9), finding by finding."""

from __future__ import annotations

import collections
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ilead_shell.cli import main
from ilead_shell.validation import validate_bundles

OLD = Path(__file__).parent / "fixtures" / "old-bundles"


@pytest.fixture(scope="module")
def reports():
    found, _ = validate_bundles(sorted(OLD.glob("*.imscc")))
    return {report.path.name: report for report in found}


def by_rule(report, rule):
    return [f for f in report.findings if f.rule == rule]


def test_moodle_refuses_the_old_moodle_cartridge_for_its_true_false_idents(reports):
    """'Unknown answer identifier detected in true/false quiz question' stopped every restore."""
    course = reports["ILEAD-101-moodle-mooc.imscc"]
    assert course.errors == 6 and {f.rule for f in course.findings if f.is_error} == {"moodle/true-false-idents"}
    assert all("['c1', 'c2']" in f.message and "Moodle" in f.affects for f in by_rule(course, "moodle/true-false-idents"))


def test_every_old_multiple_answer_question_has_no_correct_answer_in_moodle(reports):
    course = reports["ILEAD-101-moodle-mooc.imscc"]
    wrong = by_rule(course, "moodle/correct-choices")
    assert wrong and all("Moodle marks none correct" in f.message for f in wrong)
    fidelity = reports["FIDELITY-1-moodle-certificate.imscc"]
    (inclusive,) = by_rule(fidelity, "moodle/correct-choices")
    assert "'Inclusive practices'" in inclusive.message


def test_cc2olx_gets_extra_correct_choices_in_12_of_the_33_choice_questions(reports):
    course = reports["ILEAD-101-moodle-mooc.imscc"]
    assert len(by_rule(course, "cc2olx/correct-choices")) == 12
    offerings = next(f for f in by_rule(course, "cc2olx/correct-choices") if "'Offerings'" in f.message)
    assert "marks 'The MOOC', 'The graduate certificate', 'The onsite workshop' correct" in offerings.message


def test_only_the_first_accepted_answer_survives(reports):
    fidelity = reports["FIDELITY-1-moodle-certificate.imscc"]
    for rule in ("moodle/accepted-answers", "cc2olx/accepted-answers"):
        messages = " ".join(f.message for f in by_rule(fidelity, rule))
        assert "'American Library Association'" in messages  # ALA kept, the full name lost
        assert "'2.0'" in messages  # numeric 2 keeps "2" and loses "2.0"


def test_module_one_merges_into_general_and_item_links_point_at_descriptors(reports):
    fidelity = reports["FIDELITY-1-moodle-certificate.imscc"]
    (section,) = by_rule(fidelity, "moodle/first-section")
    assert "'Welcome and community agreements'" in section.message
    links = " ".join(f.message for f in by_rule(fidelity, "moodle/links"))
    assert "../R_welcome__introductions/topic.xml" in links


def test_a_tag_in_the_course_title_stops_the_restore(reports):
    for name in ("FIDELITY-1-moodle-certificate.imscc", "FIDELITY-1-canvas-certificate.imscc"):
        (title,) = by_rule(reports[name], "moodle/course-title")
        assert title.is_error and "<Cohort A>" in title.message and "setting_invalid_text" in title.message


def test_points_per_question_become_one_mark_in_moodle(reports):
    (marks,) = by_rule(reports["FIDELITY-1-moodle-certificate.imscc"], "moodle/question-marks")
    assert "(2 points)" in marks.message and "mark of 1" in marks.message


def test_the_canvas_cartridge_in_moodle_keeps_filebase_links_and_loses_its_assignment(reports):
    canvas = reports["FIDELITY-1-canvas-certificate.imscc"]
    links = " ".join(f.message for f in by_rule(canvas, "moodle/links"))
    assert "$IMS-CC-FILEBASE$/" in links
    (assignment,) = by_rule(canvas, "moodle/lar-item")
    assert "'Inclusive service proposal'" in assignment.message
    # ... and cc2olx shows the same assignment as "Not imported content".
    (olx,) = by_rule(canvas, "cc2olx/not-imported")
    assert "'Inclusive service proposal'" in olx.message


def test_the_cc_target_is_unknown_to_moodle_and_unidentified_in_the_viewer(reports):
    cc = reports["FIDELITY-1-cc-certificate.imscc"]
    assert [f.level for f in by_rule(cc, "moodle/cc-version")] == ["warning"]
    kinds = collections.Counter(f.message.split(" is a ")[1].split(" ")[0] for f in by_rule(cc, "viewer/resource-type"))
    assert set(kinds) == {"imsdt_xmlv1p3", "imsqti_xmlv1p2/imscc_xmlv1p3/assessment", "imswl_xmlv1p3"}
    (blank,) = by_rule(cc, "viewer/assignment-submission-types")
    assert blank.is_error and blank.member.endswith("assignment.xml")


def test_cc2olx_fails_on_the_old_essays_and_breaks_relative_links(reports):
    cc = reports["FIDELITY-1-cc-certificate.imscc"]
    assert len(by_rule(cc, "cc2olx/essay-condition")) == 3
    links = " ".join(f.message for f in by_rule(cc, "cc2olx/links"))
    assert "'../web_resources/" in links


def test_the_command_line_exits_1_and_prints_located_findings():
    result = CliRunner().invoke(main, ["validate", str(OLD / "FIDELITY-1-moodle-certificate.imscc")])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if "moodle/true-false-idents" in line]
    assert len(lines) == 1 and ":R_foundations__check/assessment_qti.xml:" in lines[0]
    assert ": error: Moodle: question 'Equity is the same as equality'" in lines[0]
    data = json.loads(CliRunner().invoke(main, ["validate", "--format", "json",
                                                str(OLD / "FIDELITY-1-moodle-certificate.imscc")]).stdout)
    (bundle,) = data["bundles"]
    assert bundle["summary"]["errors"] == 5 and bundle["format"] == "cc" and not data["ok"]
    assert {"file", "member", "line", "level", "affects", "code", "message", "check"} <= set(data["diagnostics"][0])


def test_the_documented_example_is_what_validate_prints_for_the_old_bundle():
    """docs/validate.md shows this bundle's summary line; it must stay the command's output."""
    docs = (Path(__file__).resolve().parents[1] / "docs" / "validate.md").read_text(encoding="utf-8")
    bundle = "tests/fixtures/old-bundles/ILEAD-101-moodle-mooc.imscc"
    (report,), _ = validate_bundles([OLD / "ILEAD-101-moodle-mooc.imscc"])
    summary = f"{bundle}  cc: {report.errors} errors, {report.warnings} warnings (errors)"
    assert summary in docs and report.errors == 6
