"""The archive writer's own tar headers, gzip framing and zip records write what the standard
library writes.

``archive._write_tar_gz`` builds GNU tar headers itself and gathers small deflated members
into fewer zlib calls; ``archive._write_plain_zip`` writes zip records without zipfile.  These
tests hold both to the reference: every archive here is also written the way the writer used
to write it (``tarfile`` in GNU format into gzip members, one member per change of level;
``zipfile`` one entry at a time) and the bytes must be equal.  Names of every length class,
empty files, stored media from memory and from disk, and deflated text small and large.
"""

from __future__ import annotations

import gzip
import io
import os
import sys
import tarfile
import zipfile
import zlib
from pathlib import Path

import pytest

from ilead_shell import archive
from ilead_shell.archive import LEVEL, TAR_COPY_CHUNK, ZIP_EPOCH, is_compressed, tar_header, write_bundle
from ilead_shell.exporter_api import Bundle

# Names by their UTF-8 length: a short one, just under, at and just over the 100 bytes of
# the header's name field, long ones that need a GNU longname record (one over 512 bytes:
# its record takes two blocks), and non-ASCII ones whose 100th byte splits a character.
NAMES = [
    "a.txt",
    "d/" + "n" * 93 + ".txt",  # 99 bytes
    "d/" + "n" * 94 + ".txt",  # 100 bytes: fits the field exactly, no NUL after it
    "d/" + "n" * 95 + ".txt",  # 101 bytes: the first that needs a longname record
    "activities/" + "deep/" * 30 + "page.xml",
    "x/" + "y" * 600 + ".xml",
    "images/" + "é" * 46 + "x.png",  # 100 bytes, 46 two-byte characters
    "images/" + "é" * 47 + ".png",  # 105 bytes, cut in the middle of a character
    "media/clip with spaces 日本.mp4",
]


def _reference_tar(entries: list[tuple[str, bytes]]) -> bytes:
    """The uncompressed tar stream tarfile writes for these members, with the writer's fixed fields."""
    stream = io.BytesIO()
    with tarfile.open(fileobj=stream, mode="w", format=tarfile.GNU_FORMAT, encoding="utf-8") as archive:
        for name, data in sorted(entries):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            archive.addfile(info, io.BytesIO(data))
    return stream.getvalue()


class _ReferenceMembers:
    """The writer's former gzip layer: a gzip.GzipFile member per level, each write deflated as it came."""

    def __init__(self, raw):
        self.raw, self.member, self.current, self.offset = raw, None, None, 0

    def level(self, level):
        if level != self.current:
            if self.member is not None:
                self.member.close()
            self.member = gzip.GzipFile(filename="", mode="wb", fileobj=self.raw, mtime=0, compresslevel=level)
            self.current = level

    def write(self, data):
        if self.member is None:
            self.level(LEVEL)
        self.member.write(data)
        self.offset += len(data)
        return len(data)

    def tell(self):
        return self.offset


def _reference_tar_gz(entries: list[tuple[str, bytes]]) -> bytes:
    raw = io.BytesIO()
    members = _ReferenceMembers(raw)
    with tarfile.open(fileobj=members, mode="w", format=tarfile.GNU_FORMAT, encoding="utf-8") as archive:
        for name, data in sorted(entries):
            members.level(0 if is_compressed(name) else LEVEL)
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            archive.addfile(info, io.BytesIO(data))
        members.level(LEVEL)
    members.member.close()
    return raw.getvalue()


def _bundle(entries: list[tuple[str, bytes]], on_disk: Path | None = None, fmt: str = "tar.gz") -> Bundle:
    bundle = Bundle(format=fmt)
    for index, (name, data) in enumerate(entries):
        if on_disk is not None and (is_compressed(name) or name.startswith("media/")):  # streamed from a file
            source = on_disk / f"media-{index}"
            source.write_bytes(data)
            bundle.add_file(name, source)
        else:
            bundle.add_bytes(name, data)
    return bundle


def _written(entries: list[tuple[str, bytes]], on_disk: Path | None = None, fmt: str = "tar.gz") -> bytes:
    raw = io.BytesIO()
    write_bundle(_bundle(entries, on_disk, fmt), raw)
    return raw.getvalue()


def _reference_zip(entries: list[tuple[str, bytes]], raw=None) -> bytes:
    """The writer's former zip: zipfile, one entry at a time, with the writer's fixed fields."""
    raw = raw if raw is not None else io.BytesIO()
    with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as archive_file:
        for name, data in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_STORED if is_compressed(name) else zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            info.file_size = len(data)
            with archive_file.open(info, "w") as out:
                out.write(data)
    return raw.getvalue() if isinstance(raw, io.BytesIO) else b""


def _mixed_entries() -> list[tuple[str, bytes]]:
    text = b"<p>Equity, diversity and inclusion at the centre of library leadership.</p>\n"
    entries = [(name, text * (i + 1)) for i, name in enumerate(NAMES)]
    entries += [
        ("empty.xml", b""),
        ("empty.png", b""),
        ("files/00/stored-exact.jpg", os.urandom(TAR_COPY_CHUNK)),
        ("files/01/stored-one-over.png", os.urandom(TAR_COPY_CHUNK + 1)),
        ("files/02/stored-long.pdf", os.urandom(3 * TAR_COPY_CHUNK + 513)),
        ("files/03/tiny.gif", b"GIF89a"),
        ("questions.xml", text * 5000),  # 380 KB: deflated without being gathered
        ("media/notes.vtt", text * 20000),  # 1.5 MB of text: streamed from disk in more than one piece
        ("moodle_backup.xml", b"<moodle_backup/>\n" * 100),
    ]
    entries += [(f"activities/page_{n}/module.xml", b"<module id='%d'/>\n" % n) for n in range(300)]
    return entries


@pytest.mark.parametrize("names", [NAMES, ["only.txt"], ["only.png"], []], ids=["every-length", "one-text",
                                                                                "one-stored", "empty"])
def test_the_tar_stream_is_the_one_tarfile_writes(names):
    entries = [(name, name.encode() * 3) for name in names]
    assert gzip.decompress(_written(entries)) == _reference_tar(entries)


def test_a_course_like_mix_is_the_tar_stream_tarfile_writes(tmp_path):
    entries = _mixed_entries()
    assert gzip.decompress(_written(entries, on_disk=tmp_path)) == _reference_tar(entries)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="gzip.GzipFile gathers writes from Python 3.12 on, "
                    "so its stored blocks are cut differently from the per-write pieces this compares")
@pytest.mark.parametrize("streamed", [False, True], ids=["media-in-memory", "media-from-disk"])
def test_the_whole_archive_is_byte_for_byte_the_reference(tmp_path, streamed):
    entries = _mixed_entries()
    assert _written(entries, on_disk=tmp_path if streamed else None) == _reference_tar_gz(entries)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("size", [0, 1, 511, 512, 8 ** 11 - 1, 8 ** 11, 20 * 1024 ** 3])
def test_each_header_is_tarfiles_gnu_header(name, size):
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode, info.uid, info.gid, info.uname, info.gname = size, 0, 0o644, 0, 0, "", ""
    assert tar_header(name, size) == info.tobuf(tarfile.GNU_FORMAT, "utf-8", "surrogateescape")


def test_archives_read_back_whole_with_tarfile(tmp_path):
    entries = _mixed_entries()
    with tarfile.open(fileobj=io.BytesIO(_written(entries, on_disk=tmp_path)), mode="r:gz") as archive:
        members = archive.getmembers()
        assert [m.name for m in members] == sorted(name for name, _ in entries)
        assert {m.name: archive.extractfile(m).read() for m in members} == dict(entries)
        assert all((m.mode, m.mtime, m.uid, m.gid, m.uname, m.gname) == (0o644, 0, 0, 0, "", "") for m in members)


def test_stored_media_sit_in_level_zero_members_and_text_is_deflated(tmp_path):
    entries = [("a.xml", b"<a/>" * 1000), ("b.png", os.urandom(5000)), ("c.xml", b"<c/>" * 1000)]
    raw = _written(entries)
    levels = []
    while raw:
        inflate = zlib.decompressobj(-zlib.MAX_WBITS)
        body = inflate.decompress(raw[10:])
        compressed = len(raw) - 10 - len(inflate.unused_data)
        levels.append("stored" if compressed > len(body) else "deflated")
        raw = inflate.unused_data[8:]
    assert levels == ["deflated", "stored", "deflated"]  # the end blocks share c.xml's member


# -- zip ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("streamed", [False, True], ids=["all-in-memory", "media-from-disk"])
def test_the_plain_zip_is_byte_for_byte_the_one_zipfile_writes(tmp_path, streamed):
    entries = _mixed_entries()
    assert _written(entries, on_disk=tmp_path if streamed else None, fmt="zip") == _reference_zip(entries)


@pytest.mark.parametrize("names", [NAMES, ["only.txt"], ["only.png"], ["empty.txt"], []],
                         ids=["every-length", "one-text", "one-stored", "one-empty", "empty"])
def test_small_zips_are_the_ones_zipfile_writes(names):
    entries = [(name, b"" if name.startswith("empty") else name.encode() * 3) for name in names]
    assert _written(entries, fmt="zip") == _reference_zip(entries)


def test_a_zip_written_after_other_bytes_counts_its_offsets_from_the_file_start_as_zipfile_does():
    entries = [("a.txt", b"alpha" * 100), ("b.png", b"png" * 100)]
    ours, reference = io.BytesIO(b"prefix!"), io.BytesIO(b"prefix!")
    ours.seek(0, 2)
    reference.seek(0, 2)
    write_bundle(_bundle(entries, fmt="zip"), ours)
    _reference_zip(entries, reference)
    assert ours.getvalue() == reference.getvalue()


def test_a_zip_that_would_need_zip64_is_left_to_zipfile_and_is_the_same_below_that(tmp_path, monkeypatch):
    entries = _mixed_entries()
    used = []
    real = archive._write_zip_with_zipfile
    monkeypatch.setattr(archive, "_fits_without_zip64", lambda entries, sizes: False)
    monkeypatch.setattr(archive, "_write_zip_with_zipfile", lambda *a: used.append(True) or real(*a))
    assert _written(entries, on_disk=tmp_path, fmt="zip") == _reference_zip(entries)
    assert used


class _Unseekable(io.RawIOBase):
    def __init__(self):
        self.data = bytearray()

    def writable(self):
        return True

    def write(self, b):
        self.data += b
        return len(b)


def test_an_unseekable_output_gets_zipfiles_data_descriptors_and_reads_back():
    entries = [("a.txt", b"alpha" * 100), ("b.png", os.urandom(3000)), ("c/é.xml", b"<c/>")]
    out = _Unseekable()
    write_bundle(_bundle(entries, fmt="zip"), out)
    reference = _Unseekable()
    _reference_zip(entries, reference)
    assert bytes(out.data) == bytes(reference.data)
    with zipfile.ZipFile(io.BytesIO(bytes(out.data))) as read:
        assert {i.filename: read.read(i) for i in read.infolist()} == dict(entries)


def test_zips_read_back_whole_with_zipfile(tmp_path):
    entries = _mixed_entries()
    with zipfile.ZipFile(io.BytesIO(_written(entries, on_disk=tmp_path, fmt="zip"))) as read:
        assert read.testzip() is None
        infos = read.infolist()
        assert [i.filename for i in infos] == sorted(name for name, _ in entries)
        assert {i.filename: read.read(i) for i in infos} == dict(entries)
        for info in infos:
            assert info.date_time == ZIP_EPOCH and info.external_attr >> 16 == 0o100644 and info.create_system == 3
            assert info.compress_type == (zipfile.ZIP_STORED if is_compressed(info.filename) else zipfile.ZIP_DEFLATED)


def test_only_archives_short_of_zip64_limits_are_written_without_zipfile():
    from ilead_shell.exporter_api import BundleFile

    fits = archive._fits_without_zip64
    one = [BundleFile("a.txt", data=b"")]
    assert fits(one, [0])
    assert fits(one * 0xFFFF, [0] * 0xFFFF) and not fits(one * 0x10000, [0] * 0x10000)  # entry count
    assert fits(one, [1_000_000_000]) and not fits(one, [2_100_000_000])  # a file near 2 GiB
    assert not fits(one * 3, [800_000_000] * 3)  # offsets past 2 GiB
    assert not fits([BundleFile("a\0b.txt", data=b"")], [0])  # zipfile would cut the name


# -- files held deflated until they are written (PackedFile) ------------------------------------------
def _packed_bundle(entries: list[tuple[str, bytes]], fmt: str = "zip") -> Bundle:
    from ilead_shell.exporter_api import packing_entries

    with packing_entries():
        return _bundle(entries, fmt=fmt)


def test_a_zip_of_files_held_deflated_is_byte_for_byte_the_one_zipfile_writes(tmp_path, monkeypatch):
    from ilead_shell.exporter_api import PackedFile

    entries = _mixed_entries()
    packed = _packed_bundle(entries)
    kinds = {path: type(entry) for path, entry in packed.files.items()}
    assert kinds["questions.xml"] is PackedFile  # large text: held deflated
    assert kinds["files/02/stored-long.pdf"] is not PackedFile  # already compressed: as it is
    assert kinds["activities/page_7/module.xml"] is not PackedFile  # too small to be worth it
    assert {path: entry.read() for path, entry in packed.files.items()} == dict(entries)
    assert all(entry.size == len(dict(entries)[path]) for path, entry in packed.files.items())
    raw = io.BytesIO()
    write_bundle(packed, raw)
    assert raw.getvalue() == _reference_zip(entries)
    # And through zipfile, for archives that need zip64 or outputs that cannot seek:
    monkeypatch.setattr(archive, "_fits_without_zip64", lambda entries, sizes: False)
    raw = io.BytesIO()
    write_bundle(_packed_bundle(entries), raw)
    assert raw.getvalue() == _reference_zip(entries)


def test_a_tar_gz_bundle_and_a_bundle_made_outside_a_build_hold_their_files_as_they_are():
    from ilead_shell.exporter_api import PackedFile

    entries = _mixed_entries()
    assert not any(isinstance(e, PackedFile) for e in _packed_bundle(entries, fmt="tar.gz").files.values())
    assert not any(isinstance(e, PackedFile) for e in _bundle(entries, fmt="zip").files.values())
    assert _written(entries) == _reference_tar_gz(entries)


def test_a_build_holds_the_text_of_its_zip_bundles_deflated_until_they_are_written(tmp_path, monkeypatch):
    """The memory of a build depends on it (benchmarks: about 15 MB less at 999 pages)."""
    import ilead_shell.pipeline as pipeline
    from ilead_shell.exporter_api import PackedFile

    held = {}
    real = pipeline.write_bundle

    def write(bundle, raw):
        held[bundle.format] = sum(isinstance(e, PackedFile) for e in bundle.files.values())
        return real(bundle, raw)

    monkeypatch.setattr(pipeline, "write_bundle", write)
    fidelity = Path(__file__).parent / "roots" / "fidelity"
    pipeline.build(fidelity, "html", tmp_path / "zip", jobs=1)
    pipeline.build(fidelity, "edx", tmp_path / "tar", jobs=1)
    assert held["zip"] > 10 and held["tar.gz"] == 0
