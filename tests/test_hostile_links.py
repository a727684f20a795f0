"""A file swapped, grown or shrunk while a build runs never puts the wrong bytes in a bundle.

The reader decides what belongs to the course; the archive writer opens each media file
again later.  These tests change the files in between (a link to a secret, a folder
swapped for a link, another file renamed into place, a file that grows or shrinks) and
expect a located error with nothing written, never the secret in a bundle and never a
truncated copy (#11 items 1 and 9).
"""

from __future__ import annotations

import os
import shutil
import tarfile
import threading
import zipfile
from pathlib import Path

import pytest

import ilead_shell.pipeline as pipeline
from ilead_shell import source_files
from ilead_shell.errors import CourseError, IleadError
from ilead_shell.pipeline import build
from ilead_shell.reader import read_course

from course_tree import write_tree

PHOTO = b"\x89PNG\r\n\x1a\n" + b"course-photo" * 50
SECRET = b"\x89PNG\r\n\x1a\n" + b"TOP-SECRET!!" * 50  # as long as the photo
CAPTIONS = "WEBVTT\n\n00:00.000 --> 00:02.000\nHello.\n"


@pytest.fixture
def course(tmp_path: Path) -> Path:
    root = tmp_path / "course"
    write_tree(root, {
        "course.yml": "title: Race\ncode: RACE-1\n",
        "modules/01-m/module.md": "---\ntitle: M\n---\nOverview.\n",
        "modules/01-m/01-page.md": "---\ntitle: Page\n---\n![The photo](images/photo.png)\n",
        "modules/01-m/02-talk.md": "---\ntitle: Talk\ntype: video\nurl: https://youtu.be/abc\n"
                                   "captions: media/talk.vtt\ntranscript: talk-transcript.md\n---\nA talk.\n",
        "modules/01-m/talk-transcript.md": "Hello, and welcome.\n",
        "modules/01-m/images/photo.png": PHOTO,
        "modules/01-m/media/talk.vtt": CAPTIONS,
    })
    secret = tmp_path / "secret"
    write_tree(secret, {"photo.png": SECRET, "talk.vtt": "WEBVTT\n\n00:00.000 --> 00:02.000\nTOP-SECRET\n"})
    return root


def _bundle_bytes(out: Path) -> list[bytes]:
    found = []
    for path in out.iterdir() if out.exists() else []:
        if path.name.endswith(".tar.gz"):
            with tarfile.open(path) as archive:
                found += [archive.extractfile(m).read() for m in archive if m.isfile()]
        else:
            with zipfile.ZipFile(path) as archive:
                found += [archive.read(n) for n in archive.namelist()]
    return found


def _after_planning(monkeypatch, change):
    """Run ``change`` after the first bundle is built and before its archive is written."""
    real = pipeline.write_bundle
    done = []

    def write(bundle, raw):
        if not done:
            done.append(change())
        return real(bundle, raw)

    monkeypatch.setattr(pipeline, "write_bundle", write)


def _swap_for_link(path: Path, target: Path) -> None:
    link = path.with_name(path.name + ".swap")
    link.symlink_to(target)
    os.replace(link, path)  # atomic, as an attacker would do it


def _fails_cleanly(course: Path, target: str, out: Path, says: str) -> str:
    with pytest.raises(CourseError) as caught:
        build(course, target, out)
    message = caught.value.format_message()
    assert says in message, message
    assert "modules/01-m/" in message, message  # names the file that changed
    assert not any(SECRET[8:20] in data or b"TOP-SECRET" in data for data in _bundle_bytes(out))
    assert not out.exists() or list(out.iterdir()) == [], list(out.iterdir())
    return message


@pytest.mark.parametrize("target", ["html", "edx", "cc"])  # zip and tar.gz writers
def test_an_image_swapped_for_a_link_during_the_build_is_never_packaged(course, tmp_path, monkeypatch, target):
    photo = course / "modules/01-m/images/photo.png"
    _after_planning(monkeypatch, lambda: _swap_for_link(photo, tmp_path / "secret/photo.png"))
    _fails_cleanly(course, target, tmp_path / "out", "became a link")


def test_forked_workers_check_what_the_reader_checked_too(course, tmp_path, monkeypatch, forking):
    """Bundles built in forked worker processes stream media through the same checks."""
    photo = course / "modules/01-m/images/photo.png"
    _after_planning(monkeypatch, lambda: _swap_for_link(photo, tmp_path / "secret/photo.png"))
    out = tmp_path / "out"
    with pytest.raises(CourseError) as caught:
        build(course, "html,edx,cc,scorm12", out, jobs=2)
    assert "became a link" in caught.value.format_message()
    assert not out.exists() or list(out.iterdir()) == []


def test_a_folder_swapped_for_a_link_during_the_build_is_never_followed(course, tmp_path, monkeypatch):
    images = course / "modules/01-m/images"

    def swap():
        shutil.rmtree(images)
        images.symlink_to(tmp_path / "secret", target_is_directory=True)

    _after_planning(monkeypatch, swap)
    _fails_cleanly(course, "html", tmp_path / "out", "became a link")


def test_another_file_renamed_into_place_is_not_packaged(course, tmp_path, monkeypatch):
    photo = course / "modules/01-m/images/photo.png"

    def replace():
        stranger = photo.with_name("stranger.png")
        stranger.write_bytes(SECRET)  # the same size, another file
        os.replace(stranger, photo)

    _after_planning(monkeypatch, replace)
    _fails_cleanly(course, "html", tmp_path / "out", "replaced or rewritten")


@pytest.mark.parametrize("target", ["html", "edx"])
@pytest.mark.parametrize("change, says", [
    (lambda p: p.open("ab").write(b"more bytes"), "is 618 bytes now"),
    (lambda p: os.truncate(p, 100), "is 100 bytes now"),
])
def test_an_image_that_grows_or_shrinks_during_the_build_is_an_error_not_truncated(course, tmp_path, monkeypatch,
                                                                                    target, change, says):
    photo = course / "modules/01-m/images/photo.png"
    assert len(PHOTO) == len(SECRET) == 608
    _after_planning(monkeypatch, lambda: change(photo))
    message = _fails_cleanly(course, target, tmp_path / "out", "changed while the build ran")
    assert "608 bytes when the course was checked" in message and says in message


def test_a_file_growing_while_it_is_streamed_is_an_error(course):
    read_course(course)
    photo = course / "modules/01-m/images/photo.png"
    with pytest.raises(CourseError, match="grew while the build ran"):
        with source_files.open_checked(photo, len(PHOTO)) as reader:
            first = reader.read(100)
            with photo.open("ab") as handle:
                handle.write(b"appended while streaming")
            rest = reader.read()
            while chunk := reader.read():
                rest += chunk
    assert first + rest == PHOTO  # exactly the checked bytes were handed out, no more


def test_a_file_shrinking_while_it_is_streamed_is_an_error(course):
    read_course(course)
    photo = course / "modules/01-m/images/photo.png"
    with pytest.raises(CourseError, match="shrank while the build ran"):
        with source_files.open_checked(photo, len(PHOTO)) as reader:
            reader.read(100)
            os.truncate(photo, 200)
            while reader.read():
                pass


def test_captions_swapped_for_a_link_are_not_converted_into_the_edx_bundle(course, tmp_path, monkeypatch):
    import ilead_olx.builder as olx_builder

    captions = course / "modules/01-m/media/talk.vtt"
    real = olx_builder.OlxWriter._transcript

    def swapped_first(self, item):
        if not captions.is_symlink():
            _swap_for_link(captions, tmp_path / "secret/talk.vtt")
        return real(self, item)

    monkeypatch.setattr(olx_builder.OlxWriter, "_transcript", swapped_first)
    _fails_cleanly(course, "edx", tmp_path / "out", "became a link")


def test_a_file_swapped_for_a_link_while_the_reader_opens_it_is_refused(course, tmp_path, monkeypatch):
    import ilead_shell.reader.markdown_render as render

    photo = course / "modules/01-m/images/photo.png"
    real = render.check_source

    def swap_then_check(path, head=0):
        # The reader has resolved the path and found it inside the course; now it changes.
        if path.name == "photo.png" and not photo.is_symlink():
            _swap_for_link(photo, tmp_path / "secret/photo.png")
        return real(path, head)

    monkeypatch.setattr(render, "check_source", swap_then_check)
    with pytest.raises(CourseError) as caught:
        read_course(course)
    message = caught.value.format_message()
    assert "modules/01-m/01-page.md:4: error: broken link: 'images/photo.png': cannot read it: it became a link" \
        in message, message


def test_an_item_swapped_for_a_link_while_the_reader_opens_it_is_refused(course, tmp_path, monkeypatch):
    import ilead_shell.reader.text_files as text_files

    page = course / "modules/01-m/01-page.md"
    (tmp_path / "secret/page.md").write_text("---\ntitle: TOP-SECRET\n---\nTOP-SECRET\n")
    real = text_files.read_source

    def swap_then_read(path, limit=None):
        if path.name == "01-page.md" and not page.is_symlink():
            _swap_for_link(page, tmp_path / "secret/page.md")
        return real(path, limit)

    monkeypatch.setattr(text_files, "read_source", swap_then_read)
    with pytest.raises(CourseError) as caught:
        read_course(course)
    message = caught.value.format_message()
    assert "01-page.md:1: error: cannot read the file: it became a link" in message, message
    assert "TOP-SECRET" not in message


def test_a_link_flipping_during_many_builds_never_puts_the_secret_in_a_bundle(course, tmp_path):
    """The real race: another process keeps swapping the image for a link and back."""
    photo = course / "modules/01-m/images/photo.png"
    spare = tmp_path / "photo-copy.png"
    spare.write_bytes(PHOTO)
    stop = threading.Event()

    def flip():
        while not stop.is_set():
            _swap_for_link(photo, tmp_path / "secret/photo.png")
            stop.wait(0.001)
            shutil.copyfile(spare, photo.with_name("back.png"))
            os.replace(photo.with_name("back.png"), photo)
            stop.wait(0.15)  # long enough, often, for a whole build to run unhindered

    flipper = threading.Thread(target=flip, daemon=True)
    flipper.start()
    outcomes = []
    try:
        for attempt in range(25):
            out = tmp_path / f"out{attempt}"
            try:
                build(course, "html", out)
            except IleadError as exc:  # a located 'changed', 'link' or 'does not exist' error
                outcomes.append(exc.format_message().splitlines()[0])
                assert not out.exists() or list(out.iterdir()) == []
                continue
            outcomes.append("built")
            assert not any(b"TOP-SECRET" in data for data in _bundle_bytes(out))
            assert PHOTO in _bundle_bytes(out)
    finally:
        stop.set()
        flipper.join()
    assert len(outcomes) == 25, outcomes  # every build ended, one way or the other


def test_a_fifo_in_place_of_an_image_is_refused_without_blocking(course, tmp_path, monkeypatch):
    photo = course / "modules/01-m/images/photo.png"

    def swap():
        photo.unlink()
        os.mkfifo(photo)

    _after_planning(monkeypatch, swap)
    _fails_cleanly(course, "html", tmp_path / "out", "FIFO")


def test_files_the_reader_checked_are_opened_once_by_the_reader(course, monkeypatch):
    """Open each source file once: the reader never opens a media or text file twice."""
    opened: list[str] = []
    real = source_files.open_regular
    monkeypatch.setattr(source_files, "open_regular", lambda path: opened.append(str(path)) or real(path))
    read_course(course)
    assert len(opened) == len(set(opened)), sorted(opened)
    assert {Path(p).name for p in opened} >= {"course.yml", "module.md", "01-page.md", "02-talk.md",
                                              "photo.png", "talk.vtt", "talk-transcript.md"}
