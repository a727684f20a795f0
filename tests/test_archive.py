"""The one archive writer: same bundle, same bytes; atomic; media streamed from disk."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import tarfile
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from ilead_shell.archive import write_archive
from ilead_shell.exporter_api import Bundle


def synthetic_bundle(media: Path, fmt: str = "zip", reverse: bool = False) -> Bundle:
    """A bundle with text, XML, bytes and a streamed file, added in either order."""
    media.parent.mkdir(parents=True, exist_ok=True)
    if not media.exists():
        media.write_bytes(bytes(range(256)) * 64)
    adds = [
        lambda b: b.add_text("index.html", "<!doctype html><title>é</title>"),
        lambda b: b.add_xml("imsmanifest.xml", etree.fromstring("<manifest><item id='I_a__b'/></manifest>")),
        lambda b: b.add_bytes("web_resources/data.bin", b"\x00\x01\x02"),
        lambda b: b.add_file("web_resources/images/photo.png", media),
        lambda b: b.add_text("a/deeper/page.html", "<p>x</p>"),
    ]
    bundle = Bundle(format=fmt)
    for add in (reversed(adds) if reverse else adds):
        add(bundle)
    return bundle


@pytest.mark.parametrize("fmt, suffix", [("zip", "zip"), ("tar.gz", "tar.gz")])
def test_two_writes_are_byte_identical_whatever_the_insertion_order_or_mtime(tmp_path, fmt, suffix):
    media = tmp_path / "src" / "photo.png"
    first = tmp_path / "one" / f"bundle.{suffix}"
    second = tmp_path / "two" / f"bundle.{suffix}"
    write_archive(synthetic_bundle(media, fmt), first)
    os.utime(media, (1_000_000_000, 1_000_000_000))  # a different file time must not leak in
    os.chmod(media, 0o600)  # nor a different mode
    write_archive(synthetic_bundle(media, fmt, reverse=True), second)
    assert first.read_bytes() == second.read_bytes()
    assert hashlib.sha256(first.read_bytes()).hexdigest() == hashlib.sha256(second.read_bytes()).hexdigest()


def test_zip_entries_are_sorted_with_fixed_time_and_mode(tmp_path):
    path = tmp_path / "b.zip"
    size = write_archive(synthetic_bundle(tmp_path / "photo.png"), path)
    assert size == path.stat().st_size
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names)
        assert names == ["a/deeper/page.html", "imsmanifest.xml", "index.html", "web_resources/data.bin",
                         "web_resources/images/photo.png"]
        for info in infos:
            assert info.date_time == (1980, 1, 1, 0, 0, 0)
            assert stat.S_IMODE(info.external_attr >> 16) == 0o644
            assert stat.S_ISREG(info.external_attr >> 16)
            stored = info.filename.endswith(".png")  # already compressed: deflating it gains nothing
            assert info.compress_type == (zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
        assert archive.read("web_resources/images/photo.png") == (tmp_path / "photo.png").read_bytes()
        assert archive.read("index.html").decode("utf-8") == "<!doctype html><title>é</title>"
        assert archive.read("imsmanifest.xml").startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
        assert archive.testzip() is None


def test_tar_gz_entries_are_sorted_with_fixed_time_mode_and_owner(tmp_path):
    path = tmp_path / "b.tar.gz"
    write_archive(synthetic_bundle(tmp_path / "photo.png", "tar.gz"), path)
    raw = path.read_bytes()
    assert raw[4:8] == b"\x00\x00\x00\x00"  # gzip MTIME field
    with tarfile.open(path, "r:gz") as archive:
        members = archive.getmembers()
        names = [m.name for m in members]
        assert names == sorted(names)
        for member in members:
            assert member.isfile()
            assert (member.mtime, member.mode, member.uid, member.gid, member.uname, member.gname) == (
                0, 0o644, 0, 0, "", "")
        assert archive.extractfile("web_resources/images/photo.png").read() == (tmp_path / "photo.png").read_bytes()


def _gzip_members(raw: bytes) -> list[tuple[bytes, int]]:
    """(header, level-hint) of each member of a gzip stream, walked with zlib."""
    import zlib

    members = []
    while raw:
        header = raw[:10]
        assert header[:3] == b"\x1f\x8b\x08", "not a gzip member"
        inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        inflate.decompress(raw[10:])
        members.append((header, len(raw) - 10 - len(inflate.unused_data) - 8))
        raw = inflate.unused_data[8:]  # after the CRC and size trailer
    return members


def test_gzip_header_holds_no_file_name(tmp_path):
    path = tmp_path / "named-after-the-course.tar.gz"
    write_archive(synthetic_bundle(tmp_path / "photo.png", "tar.gz"), path)
    members = _gzip_members(path.read_bytes())
    assert len(members) > 1  # text deflated, the image stored, the end blocks deflated
    for header, _ in members:
        assert header[3] & 0x08 == 0  # FNAME not set
        assert header[4:8] == b"\x00\x00\x00\x00"  # MTIME


COMPRESSIBLE = b"the same sentence again and again. " * 3000  # 105 KB that deflate to almost nothing


@pytest.mark.parametrize("name, stored", [
    ("photo.png", True), ("PHOTO.JPG", True), ("clip.mp4", True), ("reading.pdf", True),
    ("template.docx", True), ("chart.svg", False), ("data.csv", False), ("notes", False),
])
def test_already_compressed_media_are_stored_and_everything_else_deflated(tmp_path, name, stored):
    media = tmp_path / name
    media.write_bytes(COMPRESSIBLE)  # compressible on purpose: only the suffix decides
    for fmt in ("zip", "tar.gz"):
        bundle = Bundle(format=fmt)
        bundle.add_file(f"media/{name}", media)
        bundle.add_text("index.html", "<p>x</p>" * 1000)
        path = tmp_path / f"out.{fmt}"
        write_archive(bundle, path)
        size = path.stat().st_size
        if stored:
            assert len(COMPRESSIBLE) < size < len(COMPRESSIBLE) + 2000, (fmt, size)
        else:
            assert size < 5000, (fmt, size)
        if fmt == "zip":
            with zipfile.ZipFile(path) as archive:
                assert archive.read(f"media/{name}") == COMPRESSIBLE
                assert archive.getinfo("index.html").compress_type == zipfile.ZIP_DEFLATED
        else:
            with tarfile.open(path, "r:gz") as archive:
                assert archive.extractfile(f"media/{name}").read() == COMPRESSIBLE
                assert archive.extractfile("index.html").read() == b"<p>x</p>" * 1000


def test_the_archive_gets_a_fixed_mode_whatever_the_umask(tmp_path):
    old = os.umask(0o077)
    try:
        path = tmp_path / "b.zip"
        write_archive(synthetic_bundle(tmp_path / "photo.png"), path)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_failed_write_leaves_no_temporary_file_and_keeps_the_previous_archive(tmp_path):
    out = tmp_path / "out"
    good = synthetic_bundle(tmp_path / "photo.png")
    target = out / "course-html.zip"
    write_archive(good, target)
    before = target.read_bytes()
    broken = synthetic_bundle(tmp_path / "photo.png")
    broken.add_file("web_resources/vanished.mp4", tmp_path / "vanished.mp4")
    with pytest.raises(FileNotFoundError):
        write_archive(broken, target)
    assert sorted(p.name for p in out.iterdir()) == ["course-html.zip"]
    assert target.read_bytes() == before


def test_a_failed_first_write_removes_the_folder_it_created(tmp_path):
    out = tmp_path / "out" / "deeper"
    broken = Bundle()
    broken.add_file("missing.bin", tmp_path / "missing.bin")
    with pytest.raises(FileNotFoundError):
        write_archive(broken, out / "x.zip")
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_into_an_existing_folder_leaves_it_as_it_was(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    broken = Bundle()
    broken.add_file("missing.bin", tmp_path / "missing.bin")
    with pytest.raises(FileNotFoundError):
        write_archive(broken, tmp_path / "x.zip")
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_an_interrupted_write_cleans_up_too(tmp_path, monkeypatch):
    import ilead_shell.archive as archive

    def interrupted(bundle, raw):
        raw.write(b"partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(archive, "_write_zip", interrupted)
    (tmp_path / "out").mkdir()
    with pytest.raises(KeyboardInterrupt):
        write_archive(synthetic_bundle(tmp_path / "photo.png"), tmp_path / "out" / "x.zip")
    assert list((tmp_path / "out").iterdir()) == []


def test_large_media_are_streamed_not_read_whole(tmp_path):
    big = tmp_path / "big.bin"
    with open(big, "wb") as handle:
        for _ in range(24):
            handle.write(os.urandom(1024 * 1024))
    for fmt in ("zip", "tar.gz"):
        bundle = Bundle(format=fmt)
        bundle.add_file("media/big.bin", big)
        tracemalloc.start()
        write_archive(bundle, tmp_path / f"big.{fmt}")
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < 8 * 1024 * 1024, f"{fmt}: peak {peak} bytes for a 24 MB file"


def test_archives_round_trip_every_byte(tmp_path):
    media = tmp_path / "photo.png"
    for fmt in ("zip", "tar.gz"):
        path = tmp_path / f"b.{fmt}"
        write_archive(synthetic_bundle(media, fmt), path)
        if fmt == "zip":
            with zipfile.ZipFile(path) as archive:
                files = {n: archive.read(n) for n in archive.namelist()}
        else:
            with tarfile.open(path) as archive:
                files = {m.name: archive.extractfile(m).read() for m in archive.getmembers()}
        assert files["web_resources/data.bin"] == b"\x00\x01\x02"
        assert files["web_resources/images/photo.png"] == media.read_bytes()


@pytest.mark.parametrize("bad", ["/abs.txt", "../up.txt", "a/../b.txt", "a//b.txt", "./a.txt", "a\\b.txt",
                                 "C:/x.txt", "dir/", ""])
def test_unsafe_bundle_paths_are_refused(bad):
    with pytest.raises(ValueError, match="unsafe path"):
        Bundle().add_text(bad, "x")


def test_the_same_file_twice_is_harmless_but_two_contents_for_one_path_are_refused(tmp_path):
    bundle = Bundle()
    bundle.add_text("a.txt", "same")
    bundle.add_text("a.txt", "same")
    with pytest.raises(ValueError, match="two different files"):
        bundle.add_text("a.txt", "different")
    assert bundle.paths() == ["a.txt"]


def test_reading_back_a_zip_entry_in_memory_matches(tmp_path):
    path = tmp_path / "b.zip"
    write_archive(synthetic_bundle(tmp_path / "photo.png"), path)
    data = io.BytesIO(path.read_bytes())
    with zipfile.ZipFile(data) as archive:
        assert archive.read("web_resources/data.bin") == b"\x00\x01\x02"


@pytest.mark.parametrize("fmt", ["zip", "tar.gz"])
@pytest.mark.parametrize("bad", ["../up.txt", "/abs.txt", "a//b.txt", "dir/"])
def test_an_unsafe_path_put_into_the_files_by_hand_is_refused_when_written(tmp_path, fmt, bad):
    from ilead_shell.exporter_api import BundleFile

    bundle = synthetic_bundle(tmp_path / "photo.png", fmt)
    bundle.files[bad] = BundleFile(bad, data=b"x")  # around add_*, which would refuse it
    with pytest.raises(ValueError, match="unsafe path"):
        write_archive(bundle, tmp_path / "out" / f"b.{fmt}")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("fmt", ["zip", "tar.gz"])
def test_a_file_filed_under_a_path_that_is_not_its_own_is_refused_when_written(tmp_path, fmt):
    from ilead_shell.exporter_api import BundleFile

    bundle = synthetic_bundle(tmp_path / "photo.png", fmt)
    bundle.files["index.html"] = BundleFile("../../escape.html", data=b"x")  # a checked key, an unsafe name
    with pytest.raises(ValueError, match="holds the file of"):
        write_archive(bundle, tmp_path / "out" / f"b.{fmt}")
    assert not (tmp_path / "out").exists()
