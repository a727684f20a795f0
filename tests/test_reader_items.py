"""Items: one Markdown file each, every type and key of SOURCE_FORMAT.md."""

from __future__ import annotations

import datetime as dt
import textwrap
from pathlib import Path

import pytest

from course_tree import write_tree

from ilead_shell.errors import CourseError
from ilead_shell.model import Assignment, Discussion, File, Link, Page, Quiz, Video
from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course

HANDMADE = Path(__file__).parent / "roots" / "handmade"

COURSE = """\
title: Items
code: ITEMS-1
start: 2027-01-04
outcomes: [{id: CO1, text: 'Explain items.'}]
grading:
  groups: [{id: work, name: Work, weight: 100}]
offerings: {open: {}, paid: {start: 2027-02-01}}
"""


def make(root: Path, files: dict[str, str | bytes]) -> Path:
    files = {"course.yml": COURSE, "modules/01-m/module.md": "---\ntitle: M\n---\n", **files}
    return write_tree(root, files)


def one_item(tmp_path: Path, front: str, body: str = "Body text.\n", **extra: str | bytes):
    root = make(tmp_path, {"modules/01-m/01-thing.md": f"---\n{front}---\n{body}", **extra})
    return read_course(root).modules[0].items[0]


def errors(tmp_path: Path, front: str, body: str = "Body.\n", **extra: str | bytes) -> list[str]:
    root = make(tmp_path, {"modules/01-m/01-thing.md": f"---\n{front}---\n{body}", **extra})
    with pytest.raises(CourseError) as caught:
        read_course(root)
    return [d.format() for d in caught.value.diagnostics]


# -- common keys --------------------------------------------------------------------------
def test_an_item_is_a_page_by_default_with_the_common_keys(tmp_path):
    item = one_item(tmp_path, "title: Hello\noutcomes: [CO1]\nofferings: [paid]\npublished: false\n",
                    "# Heading\n\nText with *emphasis*.\n")
    assert isinstance(item, Page)
    assert (item.id, item.module_id, item.full_id) == ("thing", "m", "m/thing")
    assert item.outcomes == ("CO1",) and item.offerings == ("paid",) and item.published is False
    assert "<em>emphasis</em>" in item.body.html
    assert item.location.path == "modules/01-m/01-thing.md" and item.location.line == 1


def test_published_defaults_to_true_and_offerings_to_all(tmp_path):
    item = one_item(tmp_path, "title: Hello\n")
    assert item.published is True and item.offerings is None


def test_explicit_id_overrides_the_slug(tmp_path):
    assert one_item(tmp_path, "title: Hello\nid: greeting\n").id == "greeting"


@pytest.mark.parametrize("front, line, says", [
    ("type: page\n", 2, "missing required key 'title'"),
    ("title: ''\n", 2, "title"),
    ("title: A\ntype: lesson\n", 3, "unknown item type 'lesson'"),
    ("title: A\ntype: [quiz]\n", 3, "unknown item type"),
    ("title: A\npublished: maybe\n", 3, "published"),
    ("title: A\noutcomes: CO1\n", 3, "outcomes"),
    ("title: A\nid: Bad_\n", 3, "item id 'Bad_'"),
    ("title: A\npoints: 3\n", 3, "unknown key 'points'"),
    ("title: A\ntitle: B\n", 3, "written twice"),
])
def test_invalid_common_keys(tmp_path, front, line, says):
    found = errors(tmp_path, front)
    assert any(f"01-thing.md:{line}: error:" in m and says in m for m in found), found


# -- assignment ----------------------------------------------------------------------------
def test_assignment_keys(tmp_path):
    item = one_item(tmp_path, textwrap.dedent("""\
        title: Essay
        type: assignment
        points: 10
        group: work
        submission: [text, url]
        due: 2027-03-01
        rubric:
          - {criterion: Argument, points: 6, description: Clear claim.}
          - {criterion: Style, points: 4}
        """), "Write the *essay*.\n")
    assert isinstance(item, Assignment)
    assert (item.points, item.group, item.submission) == (10, "work", ("text", "url"))
    assert item.due == dt.date(2027, 3, 1) and item.due_week is None
    assert [(c.criterion, c.points, c.description) for c in item.rubric] == [
        ("Argument", 6, "Clear claim."), ("Style", 4, "")]
    assert "<em>essay</em>" in item.body.html


def test_assignment_defaults_and_single_submission(tmp_path):
    item = one_item(tmp_path, "title: E\ntype: assignment\nsubmission: file\n")
    assert item.submission == ("file",) and item.points is None and item.rubric == ()
    assert one_item(tmp_path / "b", "title: E\ntype: assignment\n").submission == ("text",)


def test_due_week_is_relative_to_the_offering_start_or_the_course_start(tmp_path):
    root = make(tmp_path, {"modules/01-m/01-e.md": "---\ntitle: E\ntype: assignment\ndue: week 2\n---\nx\n"})
    course = read_course(root)
    item = course.modules[0].items[0]
    assert item.due is None and item.due_week == 2
    # The week ends on the sixth day after the start of week 2.
    assert select_offering(course, "open").modules[0].items[0].due == dt.date(2027, 1, 17)
    assert select_offering(course, "paid").modules[0].items[0].due == dt.date(2027, 2, 14)


@pytest.mark.parametrize("front, says", [
    ("due: week 0\n", "week 0"),
    ("due: someday\n", "someday"),
    ("due: 2027-02-30\n", "date"),
    ("submission: [paper]\n", "submission"),
    ("points: -1\n", "points"),
    ("points: .inf\n", "points"),
    ("rubric: [{criterion: A}]\n", "missing required key 'points' in rubric item 1"),
    ("rubric: [{points: 2}]\n", "missing required key 'criterion' in rubric item 1"),
    ("rubric: [{criterion: A, points: 1, weight: 2}]\n", "unknown key 'weight' in rubric item 1"),
    ("group: elsewhere\n", "elsewhere"),
])
def test_invalid_assignment_keys(tmp_path, front, says):
    found = errors(tmp_path, "title: E\ntype: assignment\n" + front)
    assert any("01-thing.md:" in m and says in m for m in found), found


def test_due_week_needs_a_start_date(tmp_path):
    root = make(tmp_path, {"course.yml": "title: T\ncode: T\n",
                           "modules/01-m/01-e.md": "---\ntitle: E\ntype: assignment\ndue: week 1\n---\nx\n"})
    with pytest.raises(CourseError, match="needs a 'start:' date"):
        read_course(root)


# -- discussion -----------------------------------------------------------------------------
def test_a_discussion_is_graded_when_it_has_points(tmp_path):
    graded = one_item(tmp_path, "title: D\ntype: discussion\npoints: 3\ngroup: work\n", "Discuss.\n")
    plain = one_item(tmp_path / "b", "title: D\ntype: discussion\n")
    assert isinstance(graded, Discussion) and graded.graded and graded.group == "work"
    assert not plain.graded
    assert "Discuss." in graded.body.html


def test_a_discussion_takes_no_submission(tmp_path):
    assert any("submission" in m for m in errors(tmp_path, "title: D\ntype: discussion\nsubmission: text\n"))


# -- quiz keys (the questions have their own test module) -----------------------------------
def test_quiz_keys(tmp_path):
    quiz = one_item(tmp_path, "title: Q\ntype: quiz\npoints_per_question: 2\nattempts: 3\nmastery: 80\n"
                              "group: work\nshuffle: true\n", "Intro.\n\n### One\nPick.\n\n- [x] a\n- [ ] b\n")
    assert isinstance(quiz, Quiz)
    assert (quiz.points_per_question, quiz.attempts, quiz.mastery, quiz.group, quiz.shuffle) == (2, 3, 80, "work", True)
    assert quiz.points == 2 and "Intro." in quiz.body.html


@pytest.mark.parametrize("front, says", [
    ("attempts: 0\n", "attempts"),
    ("mastery: 101\n", "mastery"),
    ("points_per_question: 0\n", "points_per_question"),
    ("shuffle: often\n", "shuffle"),
])
def test_invalid_quiz_keys(tmp_path, front, says):
    found = errors(tmp_path, "title: Q\ntype: quiz\n" + front, "### One\n- [x] a\n- [ ] b\n")
    assert any("01-thing.md:4: error:" in m and says in m for m in found), found


# -- link --------------------------------------------------------------------------------------
def test_link_item(tmp_path):
    item = one_item(tmp_path, "title: L\ntype: link\nurl: https://example.org/a?b=c\n", "")
    assert isinstance(item, Link) and item.url == "https://example.org/a?b=c" and item.body.is_empty


@pytest.mark.parametrize("front", ["", "url: example.org\n", "url: file:///etc/passwd\n", "url: javascript:alert(1)\n"])
def test_a_link_needs_a_web_url(tmp_path, front):
    assert any("url" in m for m in errors(tmp_path, "title: L\ntype: link\n" + front))


@pytest.mark.parametrize("kind, url", [("link", "https://example.org/annual report.pdf"),
                                       ("video", "https://example.org/talk one.mp4")])
def test_an_address_with_a_space_is_refused_in_plain_words(tmp_path, kind, url):
    extra = "transcript: t.md\n" if kind == "video" else ""
    found = errors(tmp_path, f"title: L\ntype: {kind}\nurl: {url}\n{extra}", **{"modules/01-m/t.md": "Words.\n"})
    assert any("01-thing.md:4: error:" in m and "with any space written as %20" in m for m in found), found


# -- file ------------------------------------------------------------------------------------
def test_file_item_becomes_an_asset(tmp_path):
    item = one_item(tmp_path, "title: F\ntype: file\npath: docs/Guide (v2).pdf\n", "The guide.\n",
                    **{"modules/01-m/docs/Guide (v2).pdf": b"%PDF-1.4"})
    course = read_course(tmp_path)
    assert isinstance(item, File) and item.asset == "modules/m/docs/Guide (v2).pdf"
    asset = course.asset(item.asset)
    assert asset.bundle_path == "modules/m/docs/Guide-v2-.pdf"
    assert " " not in asset.bundle_path and asset.media_type == "application/pdf" and asset.size == 8


@pytest.mark.parametrize("front, extra, says", [
    ("", {}, "missing required key 'path'"),
    ("path: nothing.pdf\n", {}, "does not exist"),
    ("path: docs\n", {"modules/01-m/docs/a.pdf": b"x"}, "is a folder"),
    ("path: /etc/hostname\n", {}, "absolute"),
    ("path: ../../shared.pdf\n", {"shared.pdf": b"x"}, "outside the module"),
    ("path: 02-other.md\n", {"modules/01-m/02-other.md": "---\ntitle: O\n---\nx\n"}, "is an item"),
])
def test_invalid_file_paths(tmp_path, front, extra, says):
    found = errors(tmp_path, "title: F\ntype: file\n" + front, **extra)
    assert any("01-thing.md:" in m and says in m for m in found), found


def test_a_file_item_may_use_the_course_assets_folder(tmp_path):
    item = one_item(tmp_path, "title: F\ntype: file\npath: ../../assets/shared.pdf\n",
                    **{"assets/shared.pdf": b"%PDF"})
    assert item.asset == "assets/shared.pdf"


# -- video ---------------------------------------------------------------------------------------
def test_video_from_a_file_with_captions(tmp_path):
    item = one_item(tmp_path, "title: V\ntype: video\npath: v.mp4\ncaptions: v.vtt\n", "About it.\n",
                    **{"modules/01-m/v.mp4": b"\0mp4", "modules/01-m/v.vtt": "WEBVTT\n"})
    assert isinstance(item, Video)
    assert (item.asset, item.captions, item.url, item.transcript) == (
        "modules/m/v.mp4", "modules/m/v.vtt", None, None)


@pytest.mark.parametrize("url, youtube", [
    ("https://www.youtube.com/watch?v=abc123XYZ_-&t=3", "abc123XYZ_-"),
    ("https://youtu.be/abc123", "abc123"),
    ("https://www.youtube-nocookie.com/embed/abc123", "abc123"),
    ("https://vimeo.com/12345", None),
])
def test_video_from_a_url_with_a_transcript(tmp_path, url, youtube):
    item = one_item(tmp_path, f"title: V\ntype: video\nurl: '{url}'\ntranscript: 02-v-transcript.md\n", "",
                    **{"modules/01-m/02-v-transcript.md": "What was *said*.\n"})
    course = read_course(tmp_path)
    assert item.youtube_id == youtube and item.url == url
    assert "<em>said</em>" in item.transcript.html
    # The transcript sits beside the items but is part of the video, not an item.
    assert [i.id for i in course.modules[0].items] == ["thing"]


@pytest.mark.parametrize("front, extra, says", [
    ("url: https://v.example/1\n", {}, "captions"),
    ("captions: v.vtt\n", {"modules/01-m/v.vtt": "WEBVTT\n"}, "exactly one of 'url' or 'path'"),
    ("url: https://v.example/1\npath: v.mp4\ncaptions: v.vtt\n",
     {"modules/01-m/v.vtt": "WEBVTT\n", "modules/01-m/v.mp4": b"x"}, "exactly one of"),
    ("path: v.txt\ncaptions: v.vtt\n", {"modules/01-m/v.vtt": "WEBVTT\n", "modules/01-m/v.txt": "x"}, ".mp4"),
    ("url: https://v.example/1\ncaptions: v.srt\n", {"modules/01-m/v.srt": "1\n"}, ".vtt"),
    ("url: https://v.example/1\ntranscript: t.txt\n", {"modules/01-m/t.txt": "x"}, ".md"),
    ("url: ftp://v.example/1\ncaptions: v.vtt\n", {"modules/01-m/v.vtt": "WEBVTT\n"}, "url"),
])
def test_invalid_videos(tmp_path, front, extra, says):
    found = errors(tmp_path, "title: V\ntype: video\n" + front, **extra)
    assert any("01-thing.md:" in m and says in m for m in found), found


# -- identifiers and clashes ---------------------------------------------------------------------
def test_items_are_ordered_by_their_number_and_identified_by_their_slug(tmp_path):
    root = make(tmp_path, {
        "modules/01-m/10-ten.md": "---\ntitle: Ten\n---\nx\n",
        "modules/01-m/2-two.md": "---\ntitle: Two\n---\nx\n",
        "modules/01-m/01-One Thing.md": "---\ntitle: One\n---\nx\n",
        "modules/01-m/unnumbered.md": "---\ntitle: U\n---\nx\n",
        "modules/01-m/._01-resource-fork.md": b"\x00\x05\x16\x07binary",
        "modules/01-m/notes.txt": "not an item",
        "modules/01-m/sub/01-nested.md": "---\ntitle: Nested\n---\nx\n",
    })
    assert [i.id for i in read_course(root).modules[0].items] == ["one-thing", "two", "ten", "unnumbered"]


def test_two_items_with_one_id_name_both_files(tmp_path):
    root = make(tmp_path, {"modules/01-m/01-intro.md": "---\ntitle: A\n---\nx\n",
                           "modules/01-m/02-intro.md": "---\ntitle: B\n---\nx\n"})
    with pytest.raises(CourseError) as caught:
        read_course(root)
    (message,) = [d.format() for d in caught.value.diagnostics]
    assert "modules/01-m/02-intro.md:1: error:" in message and "modules/01-m/01-intro.md" in message
    assert str(tmp_path) not in message.split("error:")[1]


def test_the_same_item_slug_in_two_modules_is_fine(tmp_path):
    root = make(tmp_path, {"modules/01-m/01-intro.md": "---\ntitle: A\n---\nx\n",
                           "modules/02-n/module.md": "---\ntitle: N\n---\n",
                           "modules/02-n/01-intro.md": "---\ntitle: B\n---\nx\n"})
    assert [i.full_id for i in read_course(root).items()] == ["m/intro", "n/intro"]


def test_two_modules_with_one_id_name_both_files(tmp_path):
    root = make(tmp_path, {"modules/02-m/module.md": "---\ntitle: Again\n---\n"})
    with pytest.raises(CourseError) as caught:
        read_course(root)
    (message,) = [d.format() for d in caught.value.diagnostics]
    assert "modules/02-m/module.md:1: error:" in message and "modules/01-m/module.md" in message


def test_every_item_type_in_the_handmade_root():
    course = read_course(HANDMADE)
    types = {i.type for i in course.items()}
    assert types == {"page", "assignment", "discussion", "quiz", "link", "file", "video"}
    handbook = course.item("orientation/handbook")
    assert handbook.published is False and handbook.asset == "modules/orientation/handbook.pdf"
    video = course.item("cleaning/walkthrough")
    assert video.asset.endswith("walkthrough.mp4") and video.captions.endswith(".vtt")
    assert "merged cells" in video.transcript.html
    assert course.item("data-ethics/consent").due == dt.date(2027, 5, 1)


def test_only_a_videos_front_matter_makes_a_file_its_transcript(tmp_path):
    root = make(tmp_path, {
        "modules/01-m/01-notes.md": "---\ntitle: Notes\n---\nA line in the body:\n\ntranscript: 02-talk.md\n",
        "modules/01-m/02-talk.md": "---\ntitle: Talk notes\n---\nA page, not a transcript.\n",
    })
    assert [i.id for i in read_course(root).modules[0].items] == ["notes", "talk"]
