"""``new course`` and ``new module`` (issue #13, item 1): a starter that checks and builds."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from authoring_support import run
from ilead_shell.model import Assignment, Discussion, File, Link, Page, Quiz, Video
from ilead_shell.reader import read_course

ROOTS = Path(__file__).parent / "roots"


@pytest.fixture(scope="module")
def starter(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("new") / "library-leadership"
    result = run("new", "course", str(folder), "--title", 'Leading "inclusive" libraries: a start')
    assert result.exit_code == 0, result.output
    return folder


def test_the_starter_has_every_item_and_question_type(starter):
    course = read_course(starter)
    assert course.title == 'Leading "inclusive" libraries: a start' and course.code == "LIBRARY-LEADERSHIP"
    kinds = {type(item) for item in course.items()}
    assert kinds == {Page, Assignment, Discussion, Quiz, Link, File, Video}
    (quiz,) = [i for i in course.items() if isinstance(i, Quiz)]
    assert {q.type for q in quiz.questions} == {"multiple_choice", "multiple_answer", "true_false",
                                                "short_answer", "numeric", "essay"}
    (assignment,) = [i for i in course.items() if isinstance(i, Assignment)]
    assert len(assignment.rubric) >= 2 and sum(c.points for c in assignment.rubric) == assignment.points
    assert course.competencies.all() and course.outcomes and course.modules[0].outcomes
    assert course.assets  # the shared logo, linked as /assets/logo.png


def test_the_starter_passes_check_strict(starter):
    result = run("check", str(starter), "--strict")
    assert result.exit_code == 0, result.output
    assert "0 warnings" in result.output
    # One module, counted in the singular (a new user's first summary read '1 modules').
    assert ": 1 module, 7 items, 6 questions, " in result.output and "1 modules" not in result.output


def test_the_starter_builds_for_every_target_and_validates(starter, tmp_path):
    out = tmp_path / "out"
    result = run("build", str(starter), "--target", "all", "--out", str(out))
    assert result.exit_code == 0, result.output
    bundles = sorted(out.iterdir())
    from ilead_shell.registry import Registry
    assert len(bundles) == len(Registry().targets())
    checked = [b for b in bundles if b.suffix in (".imscc", ".gz") or "scorm12" in b.name]
    result = run("validate", *map(str, checked))
    assert result.exit_code == 0, result.output


def test_new_course_never_writes_into_a_folder_that_holds_something(tmp_path):
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    result = run("new", "course", str(tmp_path))
    assert result.exit_code == 1 and "already exists and is not empty; nothing was written" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_new_module_in_a_course_without_a_modules_list_relies_on_the_folders(starter, tmp_path, monkeypatch):
    course = tmp_path / "course"
    shutil.copytree(starter, course)
    before = (course / "course.yml").read_bytes()
    monkeypatch.chdir(course / "modules")  # found from inside the course
    result = run("new", "module", "Leading change")
    assert result.exit_code == 0, result.output
    assert (course / "modules" / "02-leading-change" / "module.md").is_file()
    assert (course / "course.yml").read_bytes() == before
    assert [m.id for m in read_course(course).modules] == ["getting-started", "leading-change"]
    assert run("check", "--strict").exit_code == 0


@pytest.mark.parametrize("listing, expected", [
    ("modules: [01-getting-started]   # the order learners see\n",
     "modules: [01-getting-started, 02-week-2]  # the order learners see\n"),
    ("modules:\n  # first\n  - 01-getting-started\n", "modules:\n  # first\n  - 01-getting-started\n  - 02-week-2\n"),
])
def test_new_module_is_listed_where_course_yml_lists_modules_keeping_comments(starter, tmp_path, listing, expected):
    course = tmp_path / "course"
    shutil.copytree(starter, course)
    course_yml = course / "course.yml"
    course_yml.write_text(course_yml.read_text(encoding="utf-8") + listing, encoding="utf-8")
    result = run("new", "module", "Week 2", "--course", str(course))
    assert result.exit_code == 0, result.output
    assert "listed in course.yml's modules:" in result.output
    assert course_yml.read_text(encoding="utf-8").endswith(expected)
    assert "# The course: its metadata" in course_yml.read_text(encoding="utf-8")
    module = read_course(course).module("week-2")
    assert module is not None and module.outcomes[0].id == "M2.1" and module.outcomes[0].supports == ("CO1",)
    assert run("check", str(course), "--strict").exit_code == 0


def test_new_module_in_another_course_layout_checks_too(copy_root):
    course = copy_root("handmade")
    result = run("new", "module", "Data stewardship", "--course", str(course))
    assert result.exit_code == 0, result.output
    assert read_course(course).module("data-stewardship") is not None


def test_new_module_outside_a_course_says_how_to_start_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("new", "module", "Week 2")
    assert result.exit_code == 1 and "ilead-shell new course" in result.output
    assert not any(tmp_path.iterdir())


def test_new_module_refuses_a_name_the_course_has(starter, tmp_path):
    course = tmp_path / "course"
    shutil.copytree(starter, course)
    result = run("new", "module", "Getting started", "--course", str(course))
    assert result.exit_code == 1 and "already has a module 'getting-started'" in result.output
    assert sorted(p.name for p in (course / "modules").iterdir()) == ["01-getting-started"]


def test_the_readme_activates_the_venv_before_its_first_bare_command():
    """After tools/setup.sh, a bare 'ilead-shell' is 'command not found' until .venv is active."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```(?:sh|bash)\n(.*?)^```", readme, re.MULTILINE | re.DOTALL)
    commands = [line.strip() for block in blocks for line in block.splitlines()
                if line.strip().startswith(("ilead-shell ", "source .venv/bin/activate", ".venv/bin/ilead-shell "))]
    first_bare = next(i for i, line in enumerate(commands) if line.startswith("ilead-shell "))
    assert "source .venv/bin/activate" in commands[:first_bare], commands[:first_bare + 1]
    assert not [line for line in commands if line.startswith(".venv/bin/ilead-shell ")], "one style of example"
