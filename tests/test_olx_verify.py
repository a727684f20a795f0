"""Our own archive checks catch what olxcleaner misses: each test breaks one rule in a
good build and expects the matching finding."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from ilead_shell.archive import write_archive
from ilead_olx import OlxExporter
from ilead_olx.verify import check_archive, check_course_folder, check_members


@pytest.fixture
def folder(full_course_for, tmp_path) -> Path:
    bundle = OlxExporter().build_bundle(full_course_for("certificate"))
    archive = tmp_path / "course.tar.gz"
    write_archive(bundle, archive)
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(tmp_path / "x", filter="data")
    course = tmp_path / "x" / "course"
    assert check_course_folder(course) == []
    return course


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def findings(folder: Path) -> str:
    return "\n".join(check_course_folder(folder))


def test_graded_format_must_name_a_grader(folder):
    edit(folder / "sequential/seq_foundations__check.xml", 'format="Knowledge checks"', 'format="Homework"')
    found = findings(folder)
    assert "format 'Homework' is not a grader type" in found
    assert "grader 'Knowledge checks' has no graded subsection" in found


def test_missing_static_file_is_found(folder):
    (folder / "static/modules/welcome/images/map.png").unlink()
    assert "/static/modules/welcome/images/map.png is not in static/" in findings(folder)


def test_missing_transcript_is_found(folder):
    (transcript,) = (folder / "static").glob("ILEAD-101-foundations-talk-*-en.srt")
    transcript.unlink()
    assert f"transcript static/{transcript.name} is missing" in findings(folder)


def test_pointer_with_extra_attributes_is_found(folder):
    edit(folder / "vertical/unit_welcome__how-it-works.xml",
         '<html url_name="html_body_welcome__how-it-works"/>',
         '<html url_name="html_body_welcome__how-it-works" display_name="X"/>')
    assert "must carry only url_name" in findings(folder)


def test_single_select_without_correct_choice_is_found(folder):
    edit(folder / "problem/problem_foundations__check__equity-and-equality.xml",
         'correct="true"', 'correct="false"')
    assert "needs exactly one correct choice, has 0" in findings(folder)


def test_bad_numeric_answer_is_found(folder):
    edit(folder / "problem/problem_foundations__check__service-population.xml", "[390, 410]", "about 400")
    assert "is not a number or range" in findings(folder)


def test_url_name_syntax_and_uniqueness_are_checked(folder):
    edit(folder / "chapter/chapter_welcome.xml", 'url_name="overview_welcome"', 'url_name="overview.welcome"')
    (folder / "sequential/overview_welcome.xml").rename(folder / "sequential/overview.welcome.xml")
    assert "url_name 'overview.welcome' is not [A-Za-z0-9_-]+" in findings(folder)


def test_duplicate_url_name_is_found(folder):
    edit(folder / "chapter/chapter_foundations.xml", 'url_name="seq_foundations__key-terms"',
         'url_name="seq_welcome__how-it-works"')
    assert "duplicate sequential url_name 'seq_welcome__how-it-works'" in findings(folder)


def test_fractional_rubric_points_are_found(folder):
    edit(folder / "vertical/unit_foundations__action-plan.xml", 'points="8"', 'points="7.5"')
    assert "option points must be whole numbers" in findings(folder)


def test_dangling_jump_link_is_found(folder):
    edit(folder / "html/html_body_welcome__how-it-works.html", "unit_welcome__introductions", "unit_gone")
    assert "/jump_to_id/unit_gone points at no block" in findings(folder)


def test_second_course_xml_is_found(folder):
    (folder / "static/extra").mkdir()
    (folder / "static/extra/course.xml").write_text('<course url_name="x" org="o" course="c"/>')
    assert "expected exactly one course.xml" in findings(folder)


def test_static_files_that_studio_would_merge_are_found(folder):
    (folder / "static/modules_welcome").mkdir()
    (folder / "static/modules_welcome/syllabus.pdf").write_bytes(b"%PDF")
    assert "become the same Studio asset 'modules_welcome_syllabus.pdf'" in findings(folder)


def test_missing_grading_policy_is_found(folder):
    next(folder.glob("policies/*/grading_policy.json")).unlink()
    assert "grading_policy.json is missing" in findings(folder)


def _tar(entries) -> Path:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for info in entries:
            tar.addfile(info, io.BytesIO(b"x" * info.size) if info.isfile() else None)
    buffer.seek(0)
    return buffer


@pytest.mark.parametrize("name, kind, expected", [
    ("course/../evil.xml", tarfile.REGTYPE, "unsafe member path"),
    ("/abs/course.xml", tarfile.REGTYPE, "unsafe member path"),
    ("course/link", tarfile.SYMTYPE, "not a regular file"),
    ("other/file.txt", tarfile.REGTYPE, "expected one top folder"),
])
def test_unsafe_archive_members_are_found(name, kind, expected):
    good = tarfile.TarInfo("course/course.xml")
    good.size = 1
    bad = tarfile.TarInfo(name)
    bad.type = kind
    bad.size = 1 if kind == tarfile.REGTYPE else 0
    if kind == tarfile.SYMTYPE:
        bad.linkname = "/etc/passwd"
    with tarfile.open(fileobj=_tar([good, bad]), mode="r:gz") as tar:
        assert any(expected in p for p in check_members(tar))


def test_check_archive_accepts_a_real_build(full_course_for, tmp_path):
    archive = tmp_path / "mooc.tar.gz"
    write_archive(OlxExporter().build_bundle(full_course_for("mooc")), archive)
    assert check_archive(archive) == []
