"""The one archive writer: deterministic zip and tar.gz files, written atomically.

Same bundle, same bytes: entries sorted, timestamps fixed, modes fixed, no owner names,
gzip header without name or time.  The archive is written to a hidden temporary file in
the output folder and renamed into place (:mod:`.staging`), so an interrupted build
never leaves a half-written bundle under the final name.  Files from the course are
streamed.

What is stored and what is deflated, and how, is :mod:`.compression`'s (shared with the
bundles, which may hold their files deflated already: :class:`~.exporter_api.PackedFile`).
"""

from __future__ import annotations

import shutil
import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO, Iterator

from .compression import LEVEL, STORED_SUFFIXES, deflated, is_compressed  # noqa: F401 - re-exported
from .exporter_api import Bundle, BundleFile, PackedFile
from .source_files import open_checked
from .staging import FILE_MODE, Staging

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
CHUNK = 1024 * 1024


def write_archive(bundle: Bundle, destination: Path) -> int:
    """Write ``bundle`` to ``destination`` atomically; return the archive's size in bytes."""
    destination = Path(destination)
    with Staging(destination.parent) as staging:
        size = staging.write(destination.name, lambda raw: write_bundle(bundle, raw))
        staging.commit()
    return size


def write_bundle(bundle: Bundle, raw: BinaryIO) -> None:
    """Write ``bundle`` as its archive format into the binary file ``raw``."""
    if bundle.format == "zip":
        _write_zip(bundle, raw)
    else:
        _write_tar_gz(bundle, raw)


def _entries(bundle: Bundle) -> list[BundleFile]:
    return bundle.sorted_entries()  # every path checked: no member lands outside the extraction folder


def _copy(entry: BundleFile, out: BinaryIO) -> None:
    if isinstance(entry, PackedFile):
        out.write(entry.read())
    elif entry.data is not None:
        out.write(entry.data)
    else:
        assert entry.source is not None
        # Opened without following links, checked against what the reader saw, exactly its size.
        with open_checked(entry.source, entry.size) as source:
            shutil.copyfileobj(source, out, CHUNK)


def _write_zip(bundle: Bundle, raw: BinaryIO) -> None:
    entries = _entries(bundle)
    sizes = [entry.size for entry in entries]
    if raw.seekable() and _fits_without_zip64(entries, sizes):
        _write_plain_zip(entries, sizes, raw)
    else:
        _write_zip_with_zipfile(entries, raw)


def _write_zip_with_zipfile(entries: list[BundleFile], raw: BinaryIO) -> None:
    with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as archive:
        for entry in entries:
            info = zipfile.ZipInfo(entry.path, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_STORED if is_compressed(entry.path) else zipfile.ZIP_DEFLATED
            info.create_system = _UNIX  # so the mode below is honoured
            info.external_attr = _ZIP_MODE
            info.file_size = entry.size
            with archive.open(info, "w", force_zip64=entry.size > 0x7FFFFFFF) as out:
                _copy(entry, out)


# -- zip without zipfile --------------------------------------------------------------------
# zipfile spends more time per entry (a ZipInfo, a writer object, two seeks back to the local
# header and forth) than deflating a small page takes.  For archives that need no zip64
# record (every bundle short of 2 GiB and 65,535 entries) the records are simple enough to
# write directly: :func:`_write_plain_zip` writes the bytes :func:`_write_zip_with_zipfile`
# writes (tests/test_archive_reference.py compares them), anything larger goes to zipfile.
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zipfile's structFileHeader
_CENTRAL_HEADER = struct.Struct("<4s4B4HL2L5H2L")  # structCentralDir
_END_RECORD = struct.Struct("<4s4H2LH")  # structEndArchive
_ZIP_VERSION = 20  # zipfile's DEFAULT_VERSION: what deflate without zip64 needs
_UNIX = 3
_DOS_TIME, _DOS_DATE = 0, (ZIP_EPOCH[0] - 1980) << 9 | ZIP_EPOCH[1] << 5 | ZIP_EPOCH[2]
_ZIP_MODE = (0o100000 | FILE_MODE) << 16
_ZIP64_LIMIT = (1 << 31) - 1  # zipfile.ZIP64_LIMIT
_ZIP_STORED, _ZIP_DEFLATED = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED


def _fits_without_zip64(entries: list[BundleFile], sizes: list[int]) -> bool:
    """Whether zipfile would write this archive with no zip64 field or record.

    zipfile adds them for a file over ZIP64_LIMIT / 1.05 bytes, for an offset or a central
    directory past ZIP64_LIMIT and for more than 65,535 entries; deflate grows incompressible
    data by far less than the 5 % and 64 bytes an entry allowed here.
    """
    if len(entries) > 0xFFFF or any("\0" in entry.path for entry in entries):  # zipfile cuts names at NUL
        return False
    if sizes and max(sizes) * 1.05 > _ZIP64_LIMIT:
        return False
    names = sum(4 * len(entry.path) for entry in entries)  # UTF-8 takes at most 4 bytes a character
    return sum(sizes) * 1.05 + len(entries) * (30 + 46 + 64) + 2 * names + 22 <= _ZIP64_LIMIT


def _zip_name(path: str) -> tuple[bytes, int]:
    """The name's bytes and flags, as zipfile encodes them: ASCII, else UTF-8 with flag 0x800."""
    try:
        return path.encode("ascii"), 0
    except UnicodeEncodeError:
        return path.encode("utf-8"), 0x800


def _write_plain_zip(entries: list[BundleFile], sizes: list[int], raw: BinaryIO) -> None:
    offset = start = raw.tell()  # zipfile's offsets count from the start of the file, as these do
    directory = []
    for entry, size in zip(entries, sizes):
        name, flags = _zip_name(entry.path)
        method = _ZIP_STORED if is_compressed(entry.path) else _ZIP_DEFLATED

        def local_header(crc: int, compressed: int) -> bytes:
            return _LOCAL_HEADER.pack(b"PK\3\4", _ZIP_VERSION, 0, flags, method, _DOS_TIME, _DOS_DATE, crc,
                                      compressed, size, len(name), 0) + name

        if entry.source is None:  # in memory
            crc, body = _zip_body(entry, method)
            compressed = len(body)
            raw.write(local_header(crc, compressed))
            raw.write(body)
        else:
            # The size is known, the CRC and compressed size only once the file is read: its
            # header is written again after it, as zipfile does.
            raw.write(local_header(0, 0))
            crc, compressed = _copy_zip_member(entry, size, method, raw)
            end = raw.tell()
            raw.seek(offset)
            raw.write(local_header(crc, compressed))
            raw.seek(end)
        directory.append(_CENTRAL_HEADER.pack(
            b"PK\1\2", _ZIP_VERSION, _UNIX, _ZIP_VERSION, 0, flags, method, _DOS_TIME, _DOS_DATE, crc, compressed,
            size, len(name), 0, 0, 0, 0, _ZIP_MODE, offset) + name)
        offset += _LOCAL_HEADER.size + len(name) + compressed
    listing = b"".join(directory)
    raw.write(listing)
    raw.write(_END_RECORD.pack(b"PK\5\6", 0, 0, len(directory), len(directory), len(listing), offset, 0))
    assert raw.tell() == offset + len(listing) + _END_RECORD.size, (start, offset)


def _zip_body(entry: BundleFile, method: int) -> tuple[int, bytes]:
    """The CRC and the bytes of an entry held in memory, as its zip entry holds them."""
    if isinstance(entry, PackedFile):  # deflated when it was added: the same bytes, made then
        return entry.crc, entry.deflated
    assert entry.data is not None
    return zlib.crc32(entry.data), entry.data if method == _ZIP_STORED else deflated(entry.data)


def _copy_zip_member(entry: BundleFile, size: int, method: int, raw: BinaryIO) -> tuple[int, int]:
    """Stream a course file into the archive; return its CRC and the bytes written."""
    assert entry.source is not None
    crc = written = 0
    deflate = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS) if method == _ZIP_DEFLATED else None
    with open_checked(entry.source, size) as source:
        while piece := source.read(CHUNK):
            crc = zlib.crc32(piece, crc)
            if deflate is not None:
                piece = deflate.compress(piece)
            raw.write(piece)
            written += len(piece)
    if deflate is not None:
        tail = deflate.flush()
        raw.write(tail)
        written += len(tail)
    return crc, written


def _write_tar_gz(bundle: Bundle, raw: BinaryIO) -> None:
    """A GNU tar stream, gzipped, byte for byte what ``tarfile`` writes for these members.

    tarfile copies every TarInfo, builds its header field by field and makes three writes
    per member; with 27,000 members of a Moodle backup that was most of the writing time.
    The members here differ only in name and size, so their header is built directly
    (:func:`tar_header`, tested equal to tarfile's) and small deflated members are
    compressed together (:class:`_GzipMembers`).
    """
    out = _GzipMembers(raw)
    offset = 0
    for entry in _entries(bundle):
        stored = is_compressed(entry.path)
        out.level(0 if stored else LEVEL)
        size = entry.size
        header = tar_header(entry.path, size)
        out.write(header)
        if isinstance(entry, PackedFile):  # a tar.gz bundle never packs its files; one put in by hand
            out.write(entry.read())
        elif entry.data is not None:
            if stored:
                view = memoryview(entry.data)
                for start in range(0, size, TAR_COPY_CHUNK):
                    out.write(view[start:start + TAR_COPY_CHUNK])
            elif size:
                out.write(entry.data)
        else:
            assert entry.source is not None
            with open_checked(entry.source, size) as source:
                for piece in _pieces(source, size, TAR_COPY_CHUNK if stored else CHUNK):
                    out.write(piece)
        padding = -size % BLOCK
        if padding:
            out.write(bytes(padding))
        offset += len(header) + size + padding
    out.level(LEVEL)  # the end-of-archive blocks
    offset += 2 * BLOCK
    out.write(bytes(2 * BLOCK + (-offset % RECORD)))
    out.close()


def _pieces(source, size: int, chunk: int) -> Iterator[bytes]:
    """``size`` bytes of ``source`` in pieces of exactly ``chunk`` bytes (the last one shorter)."""
    left = size
    while left:
        want = min(chunk, left)
        piece = source.read(want)
        while len(piece) < want:  # a short read (not seen on regular files): pieces keep their size
            piece += source.read(want - len(piece))
        left -= want
        yield piece


# -- tar headers ----------------------------------------------------------------------------
# The layout of a GNU tar header block (offsets in bytes): name 0-99, mode 100, uid 108,
# gid 116, size 124, mtime 136, checksum 148-155, type 156, linkname 157-256, magic 257,
# uname 265, gname 297, devmajor 329, devminor 337, prefix 345-499, padding to 512.
BLOCK = 512
RECORD = 20 * BLOCK  # tarfile ends an archive on a record boundary
NAME_FIELD = 100
GNU_MAGIC = b"ustar  \0"
#: tarfile.copyfileobj's buffer size.  A stored (level-0) deflate stream depends on how its
#: input was cut into pieces, so stored members are fed in the pieces tarfile fed them in.
TAR_COPY_CHUNK = 16 * 1024
_ZERO_ID = b"0000000\0"  # uid and gid 0
_ZERO_TIME = b"00000000000\0"  # mtime 0
_AFTER_TYPE = bytes(NAME_FIELD) + GNU_MAGIC + bytes(32 + 32 + 8 + 8 + 155 + 12)  # no link, owner names, devices
_AFTER_TYPE_SUM = sum(_AFTER_TYPE)


def tar_header(path: str, size: int) -> bytes:
    """The header block(s) tarfile's GNU format writes for a regular file at ``path``.

    Fixed fields as :func:`_write_tar_gz` wants them: mode 0644, owner 0/0 without names,
    mtime 0.  A name over 100 bytes is first written whole in a ``././@LongLink`` record
    (type ``L``), then cut to 100 bytes in the file's own header, as GNU tar does.
    """
    name = path.encode("utf-8", "surrogateescape")
    if len(name) <= NAME_FIELD:
        return _header_block(name, FILE_MODE, size, b"0")
    long_name = name + b"\0"
    return (_header_block(b"././@LongLink", 0, len(long_name), b"L") + long_name
            + bytes(-len(long_name) % BLOCK) + _header_block(name[:NAME_FIELD], FILE_MODE, size, b"0"))


def _header_block(name: bytes, mode: int, size: int, kind: bytes) -> bytes:
    head = b"".join((name.ljust(NAME_FIELD, b"\0"), b"%07o\0" % mode, _ZERO_ID, _ZERO_ID, _size_field(size),
                     _ZERO_TIME))
    # The checksum is the sum of the block's bytes with its own field as eight spaces, written
    # as six octal digits, a NUL and one of those spaces left in place.
    checksum = sum(head) + 8 * ord(" ") + kind[0] + _AFTER_TYPE_SUM
    return b"".join((head, b"%06o\0 " % checksum, kind, _AFTER_TYPE))


def _size_field(size: int) -> bytes:
    if size < 8 ** 11:
        return b"%011o\0" % size
    return b"\x80" + size.to_bytes(11, "big")  # GNU's base-256 form beyond 8 GiB


class _GzipMembers:
    """A gzip stream that can change its compression level between tar entries.

    zlib cannot change level inside one gzip member from Python, so a change ends the
    member and starts another: a gzip file may hold several members, read back as one
    stream by gzip, tar and Python's tarfile alike.  Already-compressed media go into
    level-0 members (stored deflate blocks: a copy and a CRC), the rest at level 6.

    Each member is framed as :class:`gzip.GzipFile` frames it (no name, mtime 0).  Level-6
    output does not depend on how its input is cut, so small writes are gathered and
    deflated together; level-0 output does, so each write there is deflated as it comes.
    """

    GATHER = 128 * 1024

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._deflate = None
        self._level: int | None = None
        self._crc = 0
        self._size = 0
        self._pending: list = []
        self._pending_size = 0

    def level(self, level: int) -> None:
        if level == self._level:
            return
        self._end_member()
        xfl = {9: 2, 1: 4}.get(level, 0)  # "best" / "fastest", as gzip.GzipFile marks them
        self._raw.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00" + bytes((xfl, 255)))
        self._deflate = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS, zlib.DEF_MEM_LEVEL, 0)
        self._level = level

    def write(self, data) -> None:
        if self._level is None:
            self.level(LEVEL)
        if self._level == 0 or len(data) >= self.GATHER:
            self._flush_pending()
            self._deflate_now(data)
        else:
            self._pending.append(data)
            self._pending_size += len(data)
            if self._pending_size >= self.GATHER:
                self._flush_pending()

    def _flush_pending(self) -> None:
        if self._pending:
            self._deflate_now(b"".join(self._pending))
            self._pending.clear()
            self._pending_size = 0

    def _deflate_now(self, data) -> None:
        self._crc = zlib.crc32(data, self._crc)
        self._size += len(data)
        compressed = self._deflate.compress(data)
        if compressed:
            self._raw.write(compressed)

    def _end_member(self) -> None:
        if self._deflate is None:
            return
        self._flush_pending()
        self._raw.write(self._deflate.flush() + struct.pack("<II", self._crc, self._size & 0xFFFFFFFF))
        self._deflate = None
        self._crc = self._size = 0

    def close(self) -> None:
        self._end_member()
        self._level = None
