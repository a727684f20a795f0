"""'audience: instructors' in the source format: items, modules, and what is an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from audience_support import INSTRUCTOR_ITEMS, INSTRUCTOR_MODULE, LEARNER_ITEMS, ROOT, course
from course_tree import write_tree
from ilead_shell.audience import (instructor_material, visible_to_learners, without_instructor_material)
from ilead_shell.errors import CourseError
from ilead_shell.reader import read_course

COURSE_YML = "title: T\ncode: T-1\n"


def located(diagnostic) -> tuple[str, int]:
    """(path inside the course, line) of a diagnostic about a file of a tmp_path course."""
    path = Path(diagnostic.location.path).as_posix()
    return path[path.index("modules/"):], diagnostic.location.line


def test_items_say_who_they_are_for_and_learners_is_the_default():
    found = {i.full_id: i.audience for i in course().items()}
    assert {k for k, v in found.items() if v == "instructors"} == INSTRUCTOR_ITEMS
    assert {k for k, v in found.items() if v == "learners"} == LEARNER_ITEMS


def test_a_module_for_instructors_makes_each_of_its_items_for_instructors():
    module = course().module(INSTRUCTOR_MODULE)
    assert module.for_instructors and module.items
    assert all(i.for_instructors for i in module.items)
    # the items' own front matter says nothing about the audience
    assert "audience" not in (ROOT / "modules" / "02-facilitator-guide" / "01-running-sessions.md").read_text()


def test_unpublished_and_for_instructors_are_both_hidden_from_learners():
    draft = course().item("session/draft-plan")
    assert not draft.published and draft.for_instructors and not visible_to_learners(draft)
    assert visible_to_learners(course().item("session/welcome"))


def test_the_learners_course_has_no_instructor_module_item_or_file():
    learners = without_instructor_material(course())
    assert [m.id for m in learners.modules] == ["session", "wrap-up"]
    assert {i.full_id for i in learners.items()} == LEARNER_ITEMS
    assert learners.assets == ()


def test_the_instructor_material_keeps_its_modules_in_order_without_learner_overviews():
    material = instructor_material(course())
    assert [m.id for m in material.modules] == ["session", INSTRUCTOR_MODULE]
    session = material.module("session")
    assert session.overview.is_empty and session.outcomes == ()
    assert {i.full_id for i in material.items()} == INSTRUCTOR_ITEMS


def test_a_misspelt_audience_is_a_located_error(tmp_path):
    root = write_tree(tmp_path, {"course.yml": COURSE_YML, "modules/01-m/module.md": "---\ntitle: M\n---\n",
                                 "modules/01-m/01-notes.md": "---\ntitle: Notes\naudience: teachers\n---\nx\n"})
    with pytest.raises(CourseError) as raised:
        read_course(root)
    (diagnostic,) = raised.value.diagnostics
    assert located(diagnostic) == ("modules/01-m/01-notes.md", 3)
    assert "'teachers' is not one of: learners, instructors" in diagnostic.message


def test_a_learner_item_in_a_module_for_instructors_is_a_located_error(tmp_path):
    root = write_tree(tmp_path, {
        "course.yml": COURSE_YML,
        "modules/01-m/module.md": "---\ntitle: M\naudience: instructors\n---\n",
        "modules/01-m/01-notes.md": "---\ntitle: Notes\noutcomes: []\naudience: learners\n---\nx\n"})
    with pytest.raises(CourseError) as raised:
        read_course(root)
    (diagnostic,) = raised.value.diagnostics
    assert located(diagnostic) == ("modules/01-m/01-notes.md", 4)
    assert "module is for instructors" in diagnostic.message and diagnostic.is_error


def test_a_module_audience_is_validated_too(tmp_path):
    root = write_tree(tmp_path, {"course.yml": COURSE_YML,
                                 "modules/01-m/module.md": "---\ntitle: M\naudience: everyone\n---\n"})
    with pytest.raises(CourseError) as raised:
        read_course(root)
    (diagnostic,) = raised.value.diagnostics
    assert located(diagnostic) == ("modules/01-m/module.md", 3)
    assert "audience: 'everyone' is not one of: learners, instructors" in diagnostic.message
