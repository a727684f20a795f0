"""Bundles do not depend on the host's MIME database (#11 item 7).

Python's ``mimetypes`` answers from ``/etc/mime.types`` and friends, so ``.docx``, ``.webp``,
``.m4v``, ``.ogv`` and ``.epub`` got different types (in Open edX's ``assets.json`` and the
preview and SCORM pages) on different hosts.  The same source must give the same bytes
with the host's database, with none, and with a database that lies about every type.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ilead_shell.media_types import DEFAULT, media_type
from ilead_shell.pipeline import build
from ilead_shell.reader import read_course

from course_tree import write_tree
from test_paths import watch

FILES = ["handout.docx", "photo.webp", "clip.m4v", "clip.ogv", "book.epub", "map.png", "notes.pdf", "data.xyz",
         "UPPER.JPG", "sheet.xlsx", "slides.pptx", "sound.ogg"]
COURSE = {
    "course.yml": "title: Types\ncode: TYPES-1\n",
    "modules/01-m/module.md": "---\ntitle: M\n---\n" + "".join(f"[{name}](files/{name})\n\n" for name in FILES),
    "modules/01-m/01-clip.md": "---\ntitle: Clip\ntype: video\npath: files/clip.m4v\ncaptions: files/clip.vtt\n---\n"
                               "A clip.\n",
    "modules/01-m/02-ogv.md": "---\ntitle: Ogv\ntype: video\npath: files/clip.ogv\ncaptions: files/clip.vtt\n---\n"
                              "A clip.\n",
    "modules/01-m/03-handout.md": "---\ntitle: Handout\ntype: file\npath: files/handout.docx\n---\n",
    "modules/01-m/04-page.md": "---\ntitle: Page\n---\n![A photo](files/photo.webp)\n",
    "modules/01-m/files/clip.vtt": "WEBVTT\n\n00:00.000 --> 00:02.000\nHello.\n",
    **{f"modules/01-m/files/{name}": f"bytes of {name}".encode() for name in FILES},
}
LYING_DATABASE = "".join(f"application/x-lie-{i} {name.rsplit('.', 1)[1].lower()}\n"
                         for i, name in enumerate(FILES + ["clip.vtt", "page.html", "x.css", "x.js", "x.xml"]))
RUN = """
import mimetypes, sys
files = sys.argv[1:2] if sys.argv[1] else []
mimetypes.knownfiles[:] = files
mimetypes.init(files)
from ilead_shell.cli import main
sys.argv = ["ilead-shell", "build", "src", "--target", "all", "--out", sys.argv[2], "--quiet"]
main()
"""


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return write_tree(tmp_path_factory.mktemp("types") / "src", COURSE)


def _digests(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir())}


def _build_with_database(course: Path, database: str, out: str) -> dict[str, str]:
    done = subprocess.run([sys.executable, "-c", RUN, database, out], cwd=course.parent, capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONUTF8": "1"})
    assert done.returncode == 0, done.stderr
    return _digests(course.parent / out)


def test_the_same_source_gives_the_same_bytes_whatever_the_mime_database(course):
    lying = course.parent / "lying.types"
    lying.write_text(LYING_DATABASE)
    assert mimetypes.MimeTypes([str(lying)]).guess_type("x.docx")[0] == "application/x-lie-0"  # it does lie
    host = _build_with_database(course, "/etc/mime.types" if Path("/etc/mime.types").exists() else "", "out-host")
    none = _build_with_database(course, "", "out-none")
    lies = _build_with_database(course, str(lying), "out-lies")
    assert len(host) >= 8
    assert host == none == lies


def test_media_types_come_from_our_table(course):
    types = {a.source.rsplit("/", 1)[-1]: a.media_type for a in read_course(course).assets}
    assert types["handout.docx"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert types["photo.webp"] == "image/webp"
    assert types["clip.m4v"] == "video/mp4"
    assert types["clip.ogv"] == "video/ogg"
    assert types["book.epub"] == "application/epub+zip"
    assert types["UPPER.JPG"] == "image/jpeg"
    assert types["clip.vtt"] == "text/vtt"
    assert types["data.xyz"] == DEFAULT


@pytest.mark.parametrize("name, expected", [
    ("a.PNG", "image/png"), ("archive.tar.gz", "application/gzip"), (".png", DEFAULT), ("png", DEFAULT),
    ("dir.d/file", DEFAULT), ("x.", DEFAULT), ("notes.MD", "text/markdown"),
])
def test_media_type_of_a_name(name, expected):
    assert media_type(name) == expected


def test_a_build_never_opens_a_mime_database(course, tmp_path, monkeypatch):
    monkeypatch.setattr(mimetypes, "inited", False)  # a call to guess_type would read the database now
    monkeypatch.setattr(mimetypes, "_db", None)
    with watch() as record:
        build(course, "all", tmp_path / "out")
    databases = {os.path.realpath(p) for p in mimetypes.knownfiles}
    opened = {os.path.realpath(p) for kind, p, _ in record if kind == "open"}
    assert opened and not opened & databases
    assert not mimetypes.inited
