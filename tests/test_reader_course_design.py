"""Source-format keys for designing offerings: rubric levels, effort, credits, per-offering
grading, proficiency levels and crosswalks, and the checks that keep them honest."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from course_tree import errors_of, write_tree

from ilead_shell.checks.workload import check_workload
from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course

COURSE = """\
title: Designed
code: DES-1
start: 2027-01-11
grading:
  groups:
    - {id: tasks, name: Tasks, weight: 100}
offerings:
  mooc:
    grading:
      groups:
        - {id: checks, name: Checks, weight: 100}
      pass: 70
    completion: Pass every check.
  certificate:
    credits: 1
    weeks: 15
"""
RUBRIC = """\
---
title: Task
type: assignment
points: 10
group: tasks
offerings: [certificate]
effort: {effort}
rubric:
  - criterion: Evidence
    points: 10
    description: Uses evidence.
    levels:
{levels}
---
Do the task.
"""
GOOD_LEVELS = """\
      - {label: Exemplary, points: 10, description: "Several sources, weighed."}
      - {label: Proficient, points: 7, description: Two sources.}
      - {label: Beginning, points: 3, description: One source.}
"""


def make(tmp_path: Path, levels: str = GOOD_LEVELS, effort: str = "45 h", extra: dict | None = None,
         course: str = COURSE) -> Path:
    files = {
        "course.yml": course,
        "modules/01-a/module.md": "---\ntitle: A\n---\nOverview.\n",
        "modules/01-a/01-task.md": RUBRIC.format(levels=levels, effort=effort),
        "modules/01-a/02-check.md": "---\ntitle: Check\ntype: quiz\ngroup: checks\nofferings: [mooc]\n---\n"
                                    "### Q\nPick.\n\n- [x] A\n- [ ] B\n",
    }
    files.update(extra or {})
    return write_tree(tmp_path, files)



# -- rubric levels ---------------------------------------------------------------------------------
def test_rubric_levels_reach_the_model_highest_first(tmp_path):
    task = read_course(make(tmp_path)).item("a/task")
    [criterion] = task.rubric
    assert [(lv.label, lv.points) for lv in criterion.levels] == [("Exemplary", 10), ("Proficient", 7), ("Beginning", 3)]
    assert criterion.levels[1].description == "Two sources."


@pytest.mark.parametrize("levels, message", [
    ("      - {label: Only, points: 10}\n", "13: error: rubric criterion 'Evidence': give at least two"),
    ("      - {label: High, points: 8}\n      - {label: Low, points: 2}\n",
     "13: error: rubric criterion 'Evidence': the highest level, 'High', is worth 8 points but the criterion is worth 10"),
    ("      - {label: High, points: 10}\n      - {label: Low, points: 10}\n",
     "14: error: rubric criterion 'Evidence': level 'Low' (10 points) is not below 'High' (10)"),
    ("      - {label: High, points: 10}\n      - {label: high, points: 2}\n",
     "14: error: rubric criterion 'Evidence': the level label 'high' is used twice"),
    ("      - {label: High, points: -1}\n", "13: error: assignment front matter: rubric item 1: levels item 1: points: "
                                          "should be at least 0, not -1"),
])
def test_rubric_level_mistakes_are_located(tmp_path, levels, message):
    found = errors_of(make(tmp_path, levels=levels))
    assert any(message in f for f in found), found


def test_every_target_carries_the_levels(tmp_path, registry):
    course = select_offering(read_course(make(tmp_path)), "certificate")
    canvas = registry.load("canvas")().build_bundle(course)
    rubrics = etree.fromstring(canvas.files["course_settings/rubrics.xml"].read())
    ratings = rubrics.findall(".//{*}rating")
    assert [(r.findtext("{*}description"), r.findtext("{*}points"), r.findtext("{*}long_description"))
            for r in ratings] == [("Exemplary", "10.0", "Several sources, weighed."), ("Proficient", "7.0", "Two sources."),
                                  ("Beginning", "3.0", "One source.")]
    olx = registry.load("edx")().build_bundle(course)
    ora = next(etree.fromstring(f.read()) for path, f in olx.files.items()
               if path.startswith("openassessment/") or b"<openassessment" in f.read()[:200])
    options = ora.findall(".//criterion/option")
    assert [(o.get("points"), o.findtext("label")) for o in options] == [
        ("3", "Beginning"), ("7", "Proficient"), ("10", "Exemplary")]
    for target in ("html", "cc", "scorm12"):
        bundle = registry.load(target)().build_bundle(course)
        pages = b"".join(f.read() for p, f in bundle.files.items() if p.endswith(".html"))
        assert b"Performance levels" in pages and b"Proficient (7)" in pages, target
    mbz = registry.load("mbz")().build_bundle(course)
    levels = [etree.fromstring(f.read()) for p, f in mbz.files.items() if p.endswith("grading.xml")]
    scores = sorted((float(lv.findtext("score")), lv.findtext("definition")) for g in levels for lv in g.iter("level"))
    assert scores == [(3, "Beginning: One source."), (7, "Proficient: Two sources."),
                      (10, "Exemplary: Several sources, weighed.")]


# -- effort ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("written, minutes", [("45", 45), ("'45 min'", 45), ("'1.5 h'", 90),
                                               ("'2 h 30 min'", 150), ("'3 hours'", 180), ("2.5", 3)])
def test_effort_is_minutes_or_a_duration(tmp_path, written, minutes):
    assert read_course(make(tmp_path, effort=written)).item("a/task").effort_minutes == minutes


@pytest.mark.parametrize("written", ["soon", "0", "'-5 min'", "'1 h 90'", "true"])
def test_a_bad_effort_is_an_error_at_its_line(tmp_path, written):
    found = errors_of(make(tmp_path, effort=written))
    assert any("01-task.md:7: error: effort:" in f for f in found), found


# -- offerings: credits, completion, grading -------------------------------------------------------
def test_offering_credits_completion_and_grading_reach_the_model(tmp_path):
    course = read_course(make(tmp_path))
    certificate, mooc = course.offering_info("certificate"), course.offering_info("mooc")
    assert certificate.credits == 1 and certificate.weeks == 15 and certificate.expected_hours == 45
    assert mooc.completion == "Pass every check." and mooc.expected_hours is None
    assert [g.id for g in select_offering(course, "mooc").grading.groups] == ["checks"]
    assert select_offering(course, "mooc").grading.pass_percent == 70
    assert [g.id for g in select_offering(course, "certificate").grading.groups] == ["tasks"]


def test_an_item_group_must_exist_in_the_grading_of_each_offering_it_is_in(tmp_path):
    quiz = ("---\ntitle: Check\ntype: quiz\ngroup: checks\n---\n### Q\nPick.\n\n- [x] A\n- [ ] B\n")
    found = errors_of(make(tmp_path, extra={"modules/01-a/02-check.md": quiz}))
    assert any("02-check.md:4: error: unknown grading group 'checks' (course.yml defines: tasks)" in f for f in found), found


def test_offering_grading_weights_must_add_up(tmp_path):
    course = COURSE.replace("{id: checks, name: Checks, weight: 100}", "{id: checks, name: Checks, weight: 90}")
    found = errors_of(make(tmp_path, course=course))
    assert any("grading group weights in offering 'mooc' add up to 90, not 100" in f for f in found), found


def test_credits_that_the_work_does_not_add_up_to_are_a_warning(tmp_path):
    assert check_workload(read_course(make(tmp_path, effort="45 h"))) == []
    [finding] = check_workload(read_course(make(tmp_path, effort="20 h")))
    assert "offering 'certificate' awards 1 credits, which stand for 45 hours" in finding.message
    assert "add up to about 20 hours" in finding.message


# -- competency framework: levels, indicators, crosswalk ------------------------------------------
FRAMEWORK = """\
levels:
  - {id: foundational, name: Foundational}
  - {id: advanced, name: Advanced}
crosswalk:
  - {id: ala, name: ALA Core Competences, reference: ala-core}
domains:
  - id: D1
    name: Leading
    competencies:
      - id: C1
        name: Planning
        indicators:
          advanced: [Leads a plan with partners.]
          foundational: [Drafts a plan.]
        maps_to:
          ala: ["8. Administration and Management"]
"""
REFERENCES = ("references:\n  - id: ala-core\n    type: report\n    author: [{literal: American Library Association}]\n"
              "    issued: 2009\n    title: Core competences of librarianship\n")


def test_levels_indicators_and_crosswalk_reach_the_model_in_framework_order(tmp_path):
    course = read_course(make(tmp_path, extra={"competencies.yml": FRAMEWORK, "references.yml": REFERENCES}))
    framework = course.competencies
    assert [lv.id for lv in framework.levels] == ["foundational", "advanced"]
    assert framework.crosswalk[0].reference == "ala-core"
    [competency] = framework.all()
    assert [(i.level, i.statements) for i in competency.indicators] == [
        ("foundational", ("Drafts a plan.",)), ("advanced", ("Leads a plan with partners.",))]
    assert competency.maps_to[0].elements == ("8. Administration and Management",)


@pytest.mark.parametrize("change, message", [
    (("advanced: [Leads", "expert: [Leads"), "competencies.yml:13: error: indicators: 'expert' is not a proficiency level"),
    (("ala: [\"8.", "acrl: [\"8."), "competencies.yml:16: error: maps_to: 'acrl' is not a crosswalk framework"),
    (("reference: ala-core", "reference: nowhere"), "competencies.yml:5: error: crosswalk framework 'ala': reference 'nowhere'"),
])
def test_framework_mistakes_are_located(tmp_path, change, message):
    framework = FRAMEWORK.replace(*change)
    found = errors_of(make(tmp_path, extra={"competencies.yml": framework, "references.yml": REFERENCES}))
    assert any(message in f for f in found), found
