"""Reading an untrusted export, entry by entry: the edges mutation testing found untested
(docs/mutation-testing.md).  An unzipped export folder is read the way a zip is: exactly
the bytes that were checked, never through a link, never past a limit."""

from __future__ import annotations

import errno
import os
import random
import zipfile

import pytest

from ilead_shell.untrusted import ArchiveRefused, Limits, open_source_archive


def _zip(path, entries):
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def _folder(root, entries):
    for name, data in entries.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return root


@pytest.fixture(params=["zip", "folder"])
def make(request, tmp_path):
    def make(entries, limits=Limits()):
        if request.param == "zip":
            return open_source_archive(_zip(tmp_path / "export.imscc", entries), limits)
        return open_source_archive(_folder(tmp_path / "export", entries), limits)
    return make


def test_an_entry_is_found_whatever_the_case_of_its_name(make):
    with make({"Web Resources/Photo.PNG": b"png"}) as archive:
        assert archive.find("web resources/photo.png") == "Web Resources/Photo.PNG"
        assert archive.find("WEB RESOURCES/PHOTO.PNG") == "Web Resources/Photo.PNG"
        assert archive.read("web resources/photo.png") == b"png"
        assert archive.find("web resources/other.png") is None
        with pytest.raises(KeyError, match="other.png"):
            archive.read("other.png")


def test_an_entry_exactly_at_the_limit_is_read_whole_and_one_byte_more_is_refused(make):
    with make({"a.xml": b"x" * 100, "b.xml": b"x" * 101}) as archive:
        assert archive.read("a.xml", limit=100) == b"x" * 100
        with pytest.raises(ArchiveRefused, match=r"b.xml: 101 bytes is more than the 100 bytes"):
            archive.read("b.xml", limit=100)
        assert archive.read("b.xml") == b"x" * 101  # without a limit: the entry limit


def test_documents_are_capped_at_the_document_limit(make):
    with make({"big.html": b"x" * 11, "ok.html": b"x" * 10}, Limits(max_document_bytes=10)) as archive:
        assert archive.read_document("ok.html") == b"x" * 10
        with pytest.raises(ArchiveRefused, match="11 bytes is more than the 10"):
            archive.read_document("big.html")


def test_text_is_utf8_then_windows_1252(make):
    entries = {"utf8.html": "café".encode("utf-8"), "bom.html": "\ufeffcafé".encode("utf-8"),
               "cp1252.html": "café – “quoted”".encode("cp1252"), "latin1.html": b"\x81\x8d"}
    with make(entries) as archive:
        assert archive.text("utf8.html") == "café"
        assert archive.text("bom.html") == "café"
        assert archive.text("cp1252.html") == "café – “quoted”"
        assert archive.text("latin1.html") == "\x81\x8d"  # neither: read as Latin-1, nothing lost


def test_a_malformed_document_names_the_archive_and_the_entry(make, tmp_path):
    with make({"course_settings/Settings.xml": b"<a><b></a>"}) as archive:
        with pytest.raises(Exception) as raised:
            archive.parse_xml("course_settings/settings.xml")
    assert "course_settings/Settings.xml" in str(raised.value)
    assert str(tmp_path) in str(raised.value)


@pytest.mark.parametrize("size", [0, 1, (1 << 20) - 1, (1 << 20) + 1, 3 * (1 << 20) + 5])
def test_copy_to_writes_exactly_the_entry(make, tmp_path, size):
    data = random.Random(size).randbytes(size)  # incompressible: no zip-bomb ratio
    with make({"media/clip.mp4": data}) as archive:
        target = tmp_path / "copy.bin"
        assert archive.copy_to("MEDIA/clip.mp4", target) == size
    assert target.read_bytes() == data


def test_copy_to_never_overwrites_a_file(make, tmp_path):
    (tmp_path / "exists.bin").write_bytes(b"mine")
    with make({"a.bin": b"theirs"}) as archive:
        with pytest.raises(FileExistsError):
            archive.copy_to("a.bin", tmp_path / "exists.bin")
    assert (tmp_path / "exists.bin").read_bytes() == b"mine"


# -- an export folder that changes after it was checked --------------------------------------------

def test_a_file_that_grew_after_the_check_is_refused_not_cut(tmp_path):
    root = _folder(tmp_path / "export", {"page.html": b"x" * 10})
    with open_source_archive(root) as archive:
        (root / "page.html").write_bytes(b"x" * 11)
        with pytest.raises(ArchiveRefused, match="unpacks to more than"):
            archive.read("page.html", limit=10)
        with pytest.raises(ArchiveRefused, match="more than"):
            archive.copy_to("page.html", tmp_path / "copy.html")


def test_a_file_swapped_for_a_link_after_the_check_is_not_followed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"private")
    root = _folder(tmp_path / "export", {"page.html": b"public!"})
    with open_source_archive(root) as archive:
        (root / "page.html").unlink()
        (root / "page.html").symlink_to(secret)
        with pytest.raises(OSError) as raised:
            archive.read("page.html")
        assert raised.value.errno == errno.ELOOP
        with pytest.raises(OSError):
            archive.copy_to("page.html", tmp_path / "copy.html")
    assert not (tmp_path / "copy.html").exists() or (tmp_path / "copy.html").read_bytes() == b""


def test_a_file_swapped_for_a_folder_after_the_check_is_refused(tmp_path):
    root = _folder(tmp_path / "export", {"page.html": b"x"})
    with open_source_archive(root) as archive:
        (root / "page.html").unlink()
        (root / "page.html").mkdir()
        before = len(os.listdir("/proc/self/fd"))
        with pytest.raises(ArchiveRefused, match="not a regular file"):
            archive.read("page.html")
        assert len(os.listdir("/proc/self/fd")) == before  # the descriptor was closed


def test_a_folder_export_refuses_links_and_lists_every_file(tmp_path):
    root = _folder(tmp_path / "export", {"a.xml": b"1", "sub/b.xml": b"22", "sub/deeper/c.xml": b"333"})
    with open_source_archive(root) as archive:
        assert archive.names() == ["a.xml", "sub/b.xml", "sub/deeper/c.xml"]
        assert [archive.size(n) for n in archive.names()] == [1, 2, 3]
    (root / "sub" / "link").symlink_to(tmp_path)
    with pytest.raises(ArchiveRefused, match=r"export: refused: entry 'sub/link' is a symbolic link"):
        open_source_archive(root)


def test_a_folder_export_past_the_limits_is_refused(tmp_path):
    root = _folder(tmp_path / "export", {"a.xml": b"1" * 5, "b.xml": b"2" * 5})
    assert open_source_archive(root, Limits(max_entries=2, max_total_bytes=10)).names() == ["a.xml", "b.xml"]
    with pytest.raises(ArchiveRefused, match="more than"):
        open_source_archive(root, Limits(max_entries=1))
    with pytest.raises(ArchiveRefused, match="more than"):
        open_source_archive(root, Limits(max_total_bytes=9))
    with pytest.raises(ArchiveRefused, match=r"/export: refused: entry '[ab].xml' is 5 bytes, more than the 4 an import"):
        open_source_archive(root, Limits(max_entry_bytes=4))
    assert open_source_archive(root, Limits(max_entry_bytes=5)).size("a.xml") == 5


def test_a_refused_name_with_a_control_character_is_shown_escaped(tmp_path):
    root = _folder(tmp_path / "export", {"bad\tname.xml": b"1"})
    with pytest.raises(ArchiveRefused) as raised:
        open_source_archive(root)
    assert "'bad\\tname.xml' has a control character" in str(raised.value)


def test_a_zip_export_with_exactly_the_most_entries_is_read_and_one_more_is_refused(tmp_path):
    entries = {"a.xml": b"1", "b.xml": b"2"}
    assert open_source_archive(_zip(tmp_path / "two.imscc", entries), Limits(max_entries=2)).names() == ["a.xml", "b.xml"]
    with pytest.raises(ArchiveRefused, match="more than"):
        open_source_archive(_zip(tmp_path / "three.imscc", {**entries, "c.xml": b"3"}), Limits(max_entries=2))
