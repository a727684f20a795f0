"""Acceptance: broken links say what is actually wrong.

Found by making real authors' mistakes in a course written from SOURCE_FORMAT.md alone:

* a typo in course.yml's ``modules:`` list also reported every link into the module it
  meant as "outside the module folder and assets/; move the file into the module";
* ``images\\carte.png`` (a Windows habit) said only "does not exist";
* a file whose name is stored decomposed (``é`` as ``e`` + accent, as macOS archives
  write it) was "missing" although the author could see it with the very same name.
"""

from __future__ import annotations

import unicodedata

import pytest

from ilead_shell.errors import CourseError
from ilead_shell.reader import read_course


def _errors(root) -> list[str]:
    with pytest.raises(CourseError) as caught:
        read_course(root)
    return [d.format() for d in caught.value.diagnostics if d.is_error]


def test_a_link_into_a_module_the_course_does_not_list_names_the_modules_list(copy_root):
    root = copy_root("acceptance-unicode")
    yml = root / "course.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "modules: [01-café, 02-quizz]\n", encoding="utf-8")
    errors = _errors(root)
    assert any("course.yml" in e and "02-quizz" in e for e in errors), errors
    (link,) = [e for e in errors if "01-café/module.md" in e]
    assert "module.md:4: error:" in link and "not in the course" in link and "modules:" in link, link
    assert "move the file" not in link


def test_a_backslash_path_says_to_use_slashes(copy_root):
    root = copy_root("acceptance-unicode")
    page = root / "modules" / "01-café" / "01-straße.md"
    page.write_text(page.read_text(encoding="utf-8").replace("images/地图.png", "images\\地图.png"), encoding="utf-8")
    (message,) = _errors(root)
    assert "01-straße.md:7: error:" in message and "'images/地图.png'" in message and "/" in message, message


def test_a_decomposed_file_name_is_found(copy_root):
    root = copy_root("acceptance-unicode")
    images = root / "modules" / "01-café" / "images"
    (images / "地图.png").rename(images / unicodedata.normalize("NFD", "carte-é.png"))
    page = root / "modules" / "01-café" / "01-straße.md"
    page.write_text(page.read_text(encoding="utf-8").replace("images/地图.png", "images/carte-é.png"), encoding="utf-8")
    course = read_course(root)
    assert any(a.bundle_path == "modules/cafe/images/carte-e.png" for a in course.assets)


def test_a_decomposed_module_folder_listed_in_course_yml_is_found(copy_root):
    root = copy_root("acceptance-unicode")
    (root / "modules" / "01-café").rename(root / "modules" / unicodedata.normalize("NFD", "01-café"))
    yml = root / "course.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "modules: [01-café, 02-quiz]\n", encoding="utf-8")
    assert [m.id for m in read_course(root).modules] == ["cafe", "quiz"]


def test_a_decomposed_transcript_file_name_is_still_not_an_item(copy_root):
    root = copy_root("acceptance-unicode")
    module = root / "modules" / "02-quiz"
    (module / unicodedata.normalize("NFD", "transcription-é.md")).write_text("Bonjour.\n", encoding="utf-8")
    (module / "02-video.md").write_text(
        "---\ntitle: Vidéo\ntype: video\nurl: https://www.youtube.com/watch?v=dQw4w9WgXcQ\n"
        "transcript: transcription-é.md\noutcomes: [CO1]\n---\n", encoding="utf-8")
    video = read_course(root).item("quiz/video")
    assert "Bonjour." in video.transcript.html
