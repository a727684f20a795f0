"""Acceptance: a captions file that is not WebVTT is an error at the ``captions:`` line.

Found by building a course written from SOURCE_FORMAT.md alone: a ``.vtt`` file holding
something else (an SRT export renamed, a text transcript) built without a word; the
Open edX video then had no transcript at all and browsers showed no captions, so the
video failed WCAG 1.2.2 although the check for captions had passed.
"""

from __future__ import annotations

import pytest

from ilead_shell.errors import CourseError
from ilead_shell.reader import read_course

VIDEO = "---\ntitle: Vidéo\ntype: video\nurl: https://www.youtube.com/watch?v=dQw4w9WgXcQ\ncaptions: sous-titres.vtt\noutcomes: [CO1]\n---\n"
SRT = "1\n00:00:01,000 --> 00:00:02,000\nBonjour\n"


def _root(copy_root, captions: str):
    root = copy_root("acceptance-unicode")
    module = root / "modules" / "02-quiz"
    (module / "02-video.md").write_text(VIDEO, encoding="utf-8")
    (module / "sous-titres.vtt").write_text(captions, encoding="utf-8")
    return root


def test_an_srt_file_named_vtt_is_an_error(copy_root):
    with pytest.raises(CourseError) as caught:
        read_course(_root(copy_root, SRT))
    (message,) = [d.format() for d in caught.value.diagnostics]
    assert "02-video.md:5: error:" in message and "WEBVTT" in message, message


@pytest.mark.parametrize("header", ["WEBVTT\n", "\ufeffWEBVTT\r\n", "WEBVTT - Français\n"])
def test_webvtt_files_are_accepted(copy_root, header):
    course = read_course(_root(copy_root, header + "\n00:00:01.000 --> 00:00:02.000\nBonjour\n"))
    assert course.item("quiz/video").captions


def test_a_transcript_key_with_a_yaml_comment_still_names_the_transcript(copy_root):
    root = copy_root("acceptance-unicode")
    module = root / "modules" / "02-quiz"
    (module / "talk transcript.md").write_text("Bonjour.\n", encoding="utf-8")
    (module / "02-video.md").write_text(
        "---\ntitle: Vidéo\ntype: video\nurl: https://www.youtube.com/watch?v=dQw4w9WgXcQ\n"
        "transcript: talk transcript.md   # written by Zoë\noutcomes: [CO1]\n---\n", encoding="utf-8")
    assert "Bonjour." in read_course(root).item("quiz/video").transcript.html
