"""Every cartridge target, every offering: XSD-valid, CC rules kept, complete and reproducible."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from cc_reader import read_as_canvas, read_as_moodle
from cc_validation import bundle_files, validate
from ilead_cc import (BlackboardExporter, BrightspaceExporter, CanvasExporter, CommonCartridgeExporter,
                      MoodleExporter)
from ilead_shell.archive import write_archive
from ilead_shell.model import Assignment, Quiz
from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course

COURSE_SOURCE = Path(__file__).resolve().parents[1] / "course_source"

TARGETS = {
    "cc-1.3": lambda: CommonCartridgeExporter(),
    "cc-1.1": lambda: CommonCartridgeExporter(CommonCartridgeExporter.Options(cc_version="1.1")),
    "canvas": CanvasExporter,
    "moodle": MoodleExporter,
    "brightspace": BrightspaceExporter,
    "blackboard": BlackboardExporter,
}


@pytest.fixture(scope="module")
def courses(full_course_for):
    found = {f"full-{name}": full_course_for(name) for name in ("mooc", "certificate")}
    if (COURSE_SOURCE / "course.yml").is_file():
        source = read_course(COURSE_SOURCE)
        for offering in source.offerings:
            found[f"source-{offering.name}"] = select_offering(source, offering.name)
    return found


@pytest.mark.parametrize("target", TARGETS)
def test_every_xml_file_validates_and_every_packaging_rule_holds(target, courses, shared_dir):
    for name, course in courses.items():
        files = bundle_files(TARGETS[target]().build_bundle(course))
        assert validate(files, shared_dir / "schemas") == [], f"{target} / {name}"


@pytest.mark.parametrize("target", TARGETS)
def test_two_builds_write_byte_identical_archives(target, full_course_for, tmp_path):
    course = full_course_for("certificate")
    first, second = tmp_path / "a.imscc", tmp_path / "b.imscc"
    write_archive(TARGETS[target]().build_bundle(course), first)
    write_archive(TARGETS[target]().build_bundle(course), second)
    assert first.read_bytes() == second.read_bytes()
    assert zipfile.ZipFile(first).testzip() is None


def expected_sections(course, target="canvas"):
    """What an importer should find: each module a section, its overview first, then its items;
    the Moodle flavour puts the syllabus first, as Moodle's section 0."""
    first = [("", ["Syllabus"])] if target == "moodle" else []
    return first + [(m.title, [f"Overview: {m.title}"] + [i.title for i in m.items]) for m in course.modules]


MOODLE_KINDS = {"page": "page", "video": "page", "file": "file", "link": "url", "discussion": "forum",
                "quiz": "quiz"}


@pytest.mark.parametrize("target", [t for t in TARGETS if t != "canvas"])
def test_a_moodle_style_reader_finds_every_module_item_and_question(target, courses):
    for name, course in courses.items():
        sections = read_as_moodle(bundle_files(TARGETS[target]().build_bundle(course)))
        assert [(s.title, [a.title for a in s.activities]) for s in sections] == expected_sections(course, target), name
        activities = [a for s in sections if s.title for a in s.activities[1:]]
        for item, activity in zip(course.items(), activities):
            expected = MOODLE_KINDS.get(item.type)
            if item.type == "assignment":
                expected = "page" if target in ("cc-1.1", "moodle") else "assignment"
            assert activity.kind == expected, f"{name}: {item.full_id}"
            if isinstance(item, Quiz):
                assert [q for q, _ in activity.questions] == [q.title for q in item.questions]


def test_a_canvas_style_reader_finds_modules_quizzes_points_groups_rubrics_and_outcomes(courses):
    for name, course in courses.items():
        canvas = read_as_canvas(bundle_files(CanvasExporter().build_bundle(course)))
        assert [(t, [row[0] for row in rows]) for t, rows in canvas.modules] == expected_sections(course), name
        quizzes = [i for i in course.items() if isinstance(i, Quiz)]
        assert len(canvas.quizzes) == len(quizzes)
        for quiz in quizzes:
            found = canvas.quizzes[f"R_{quiz.module_id}__{quiz.id}"]
            assert [(t, p) for t, _, p in found] == [(q.title, q.points) for q in quiz.questions]
        assignments = [i for i in course.items() if isinstance(i, Assignment)]
        assert len(canvas.assignments) == len(assignments)
        for item in assignments:
            settings = canvas.assignments[f"R_{item.module_id}__{item.id}"]
            if item.points is not None:
                assert float(settings["points_possible"]) == item.points
            if item.due:
                assert settings["due_at"] == f"{item.due.isoformat()}T23:59:59"
            if item.rubric:
                assert canvas.rubrics[settings["rubric_identifierref"]] == [(r.criterion, r.points)
                                                                           for r in item.rubric]
        assert sorted(canvas.groups.values()) == sorted((g.name, g.weight) for g in course.grading.groups)
        titles = list(canvas.outcomes)
        for outcome_id in course.all_outcomes():
            assert any(t.startswith(f"{outcome_id}: ") for t in titles), outcome_id
        assert len(canvas.files) == len(course.assets)


def test_an_assessed_outcome_is_aligned_in_canvas(full_course_for):
    course = full_course_for("certificate")
    canvas = read_as_canvas(bundle_files(CanvasExporter().build_bundle(course)))
    aligned = {title.split(":")[0]: ids for title, ids in canvas.outcomes.items()}
    assert aligned["M2.2"] == ["R_foundations__action-plan"]
    assert "A_foundations__check" in aligned["M2.1"]


def test_every_source_file_is_in_every_cartridge(full_course_for):
    course = full_course_for("certificate")
    for target, make in TARGETS.items():
        files = bundle_files(make().build_bundle(course))
        for asset in course.assets:
            assert files[f"web_resources/{asset.bundle_path}"] == course.asset_source(asset).read_bytes(), target


@pytest.mark.parametrize("target", TARGETS)
def test_a_course_without_modules_still_makes_a_valid_cartridge(target, full_course, shared_dir):
    empty = full_course.model_copy(update={"modules": ()})
    files = bundle_files(TARGETS[target]().build_bundle(empty))
    assert validate(files, shared_dir / "schemas") == []
    assert [s.title for s in read_as_moodle(files)] == ([""] if target == "moodle" else [])


@pytest.mark.parametrize("target", TARGETS)
def test_a_video_file_plays_from_the_cartridge_with_its_captions_track(target, full_course, shared_dir):
    modules = []
    for module in full_course.modules:
        items = tuple(i.model_copy(update={"asset": "modules/welcome/syllabus.pdf", "url": None, "youtube_id": None})
                      if i.type == "video" else i for i in module.items)
        modules.append(module.model_copy(update={"items": items}))
    course = full_course.model_copy(update={"modules": tuple(modules)})
    files = bundle_files(TARGETS[target]().build_bundle(course))
    assert validate(files, shared_dir / "schemas") == []
    page = next(v.decode() for p, v in files.items() if p.endswith("foundations__talk.html"))
    assert "<video controls" in page and '<track kind="captions"' in page
    assert "syllabus.pdf" in page and "talk.vtt" in page
