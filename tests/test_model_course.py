"""The course model: frozen, strict, every node located, lookups exporters rely on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from ilead_shell.model import (
    Asset, Course, Module, Page, Question, Quiz, RichText, SourceLocation, Video,
)
from ilead_shell.reader import read_course

HANDMADE = Path(__file__).parent / "roots" / "handmade"


@pytest.fixture(scope="module")
def course() -> Course:
    return read_course(HANDMADE)


def test_the_model_is_frozen(course):
    with pytest.raises(ValidationError):
        course.title = "changed"
    with pytest.raises(ValidationError):
        course.modules[0].items[0].title = "changed"
    assert isinstance(course.modules, tuple) and isinstance(course.modules[0].items, tuple)


def test_unknown_fields_are_refused():
    with pytest.raises(ValidationError, match="extra"):
        SourceLocation(path="a.md", line=1, column=3)
    with pytest.raises(ValidationError):
        Page(id="p", module_id="m", title="P", location=SourceLocation(path="p.md"), points=3)


def test_items_are_a_union_told_apart_by_type(course):
    dumped = course.model_dump(mode="json")
    again = Course.model_validate(dumped)
    assert again == course.model_copy(update={"root": ""})
    assert [type(i).__name__ for i in again.items()] == [type(i).__name__ for i in course.items()]


def test_lookups(course):
    assert [m.id for m in course.modules] == ["orientation", "cleaning", "data-ethics"]
    assert course.module("cleaning").title == "Cleaning data"
    assert course.module("nope") is None
    assert course.item("cleaning/self-check").type == "quiz"
    assert course.item("cleaning/nope") is None
    assert len(course.items()) == 9
    assert course.asset("assets/banner.png").media_type == "image/png"
    with pytest.raises(KeyError):
        course.asset("assets/none.png")


def test_asset_source_is_an_absolute_path_on_disk(course):
    for asset in course.assets:
        path = course.asset_source(asset)
        assert path.is_absolute() and path.is_file()
        assert path.stat().st_size == asset.size
        assert course.asset_source(asset.key) == path


def test_all_outcomes_gathers_course_and_module_outcomes(course):
    assert list(course.all_outcomes()) == ["CO1", "CO2", "O1", "O2.1", "O2.2", "E1"]


def test_offering_info_and_display_title(course):
    assert course.offering == "mooc"
    assert course.display_title == "Open Data Literacy for Librarians (open course)"
    assert course.offering_info("certificate").title == "Open Data Literacy certificate"
    assert course.offering_info("unknown").name == "unknown"  # a plain offering, not an error


def test_counts(course):
    assert course.counts() == {"modules": 3, "items": 9, "questions": 6, "files": 5}


def test_quiz_points_and_question_properties(course):
    quiz = course.item("cleaning/self-check")
    assert isinstance(quiz, Quiz) and quiz.points == sum(q.points for q in quiz.questions)
    assert [q.auto_scored for q in quiz.questions] == [True] * 5 + [False]
    numeric = quiz.questions[4]
    assert [(n.minimum, n.maximum, n.exact) for n in numeric.numeric] == [(10, 10, True), (9.5, 10.5, False)]


def test_rich_text_is_empty_only_without_visible_text():
    assert RichText().is_empty and RichText(html="  \n").is_empty
    assert not RichText(html="<p>x</p>").is_empty


def _nodes_with_locations(course: Course):
    yield "course", course.location
    for outcome in course.outcomes:
        yield f"outcome {outcome.id}", outcome.location
    for competency in course.competencies.all():
        yield f"competency {competency.id}", competency.location
    for domain in course.competencies.domains:
        yield f"domain {domain.id}", domain.location
    for module in course.modules:
        yield f"module {module.id}", module.location
        for outcome in module.outcomes:
            yield f"outcome {outcome.id}", outcome.location
        for item in module.items:
            yield f"item {item.full_id}", item.location
            for question in getattr(item, "questions", ()):
                yield f"question {item.full_id}/{question.id}", question.location


def test_every_node_carries_a_location_pointing_at_its_own_line(course):
    root = Path(course.root)
    seen = 0
    for label, location in _nodes_with_locations(course):
        path = root / location.path
        assert path.is_file(), label
        assert location.line >= 1, label
        line = path.read_text(encoding="utf-8").split("\n")[location.line - 1]
        kind, _, name = label.partition(" ")
        if kind in ("outcome", "competency", "domain"):
            assert f"id: {name}" in line, (label, line)
        elif kind == "question":
            assert line.startswith("### "), (label, line)
        elif kind in ("item", "module"):
            assert line == "---", (label, line)
        seen += 1
    assert seen == 1 + 2 + 3 + 2 + 3 + 4 + 9 + 6


def test_locations_are_posix_and_relative_to_the_course(course):
    for _, location in _nodes_with_locations(course):
        assert not location.path.startswith("/") and "\\" not in location.path
    assert course.module("data-ethics").location.path == "library/ethics/module.md"


def test_assets_are_sorted_by_key_with_unique_safe_bundle_paths(course):
    keys = [a.key for a in course.assets]
    assert keys == sorted(keys)
    paths = [a.bundle_path for a in course.assets]
    assert len(set(paths)) == len(paths)
    assert all(p.isascii() and " " not in p and ".." not in p.split("/") for p in paths)


def _clashing_course(root: Path, first: str, second: str) -> Course:
    (root / "modules/01-m/images").mkdir(parents=True)
    (root / "course.yml").write_text("title: T\ncode: T\n")
    (root / "modules/01-m/module.md").write_text("---\ntitle: M\n---\n")
    (root / "modules/01-m/01-p.md").write_text(f"---\ntitle: P\n---\n{first}\n")
    (root / "modules/01-m/02-q.md").write_text(f"---\ntitle: Q\n---\n{second}\n")
    for name in ("a b.png", "a-b.png", "a_b.png", "Photo.PNG", "photo.png"):
        (root / "modules/01-m/images" / name).write_bytes(name.encode())
    return read_course(root)


ONE = "![One](images/a%20b.png) ![Two](images/a-b.png) ![Five](images/photo.png)"
TWO = "![Three](images/a_b.png) ![Four](images/Photo.PNG)"


def test_files_whose_safe_names_clash_get_distinct_bundle_paths(tmp_path):
    course = _clashing_course(tmp_path, ONE, TWO)
    paths = {a.key: a.bundle_path for a in course.assets}
    assert len(set(paths.values())) == len(paths) == 5
    assert len({p.lower() for p in paths.values()}) == 5  # also on case-insensitive disks
    assert paths["modules/m/images/a-b.png"] == "modules/m/images/a-b.png"  # an already safe name is kept
    assert paths["modules/m/images/a_b.png"] == "modules/m/images/a_b.png"
    assert paths["modules/m/images/a b.png"].startswith("modules/m/images/a-b-")
    assert paths["modules/m/images/photo.png"] != "modules/m/images/photo.png"


def test_bundle_paths_do_not_depend_on_which_page_mentions_a_file_first(tmp_path):
    first = _clashing_course(tmp_path / "one", ONE, TWO)
    second = _clashing_course(tmp_path / "two", TWO, ONE)
    assert [(a.key, a.bundle_path) for a in first.assets] == [(a.key, a.bundle_path) for a in second.assets]


def test_models_can_be_built_directly_for_exporter_tests():
    location = SourceLocation(path="modules/m/module.md", line=1)
    video = Video(id="v", module_id="m", title="V", url="https://youtu.be/x", youtube_id="x",
                  captions="modules/m/v.vtt", location=location)
    module = Module(id="m", title="M", items=(video,), folder="modules/m", location=location)
    course = Course(title="T", code="T-1", modules=(module,), location=SourceLocation(path="course.yml"),
                    assets=(Asset(key="modules/m/v.vtt", source="modules/m/v.vtt", bundle_path="modules/m/v.vtt",
                                  size=1, media_type="text/vtt"),),
                    start=dt.date(2027, 1, 1))
    assert course.item("m/v") is video
    assert course.counts()["items"] == 1
    with pytest.raises(ValidationError):
        Question(id="q", title="Q", type="matching", points=1, stem=RichText(), location=location)
