"""The one archive writer: deterministic zip and tar.gz files, written atomically.

Same bundle, same bytes: entries sorted, timestamps fixed, modes fixed, no owner names,
gzip header without name or time.  The archive is written to a hidden temporary file in
the output folder and renamed into place (:mod:`.staging`), so an interrupted build
never leaves a half-written bundle under the final name.  Files from the course are
streamed.

Files whose format is already compressed (images, audio, video, PDF, office and zip
containers; :data:`STORED_SUFFIXES`) are stored, not deflated: deflating them again
costs time and gains nothing.  The choice depends on the path's suffix alone, so it is
the same on every host.
"""

from __future__ import annotations

import gzip
import io
import shutil
import tarfile
import zipfile
from pathlib import Path
from typing import BinaryIO

from .exporter_api import Bundle, BundleFile, check_bundle_path
from .source_files import open_checked
from .staging import FILE_MODE, Staging

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
CHUNK = 1024 * 1024
LEVEL = 6
STORED_SUFFIXES = frozenset("""
    png jpg jpeg gif webp avif heic heif jxl
    mp4 m4v mov webm mkv ogv 3gp
    mp3 m4a aac ogg oga opus flac weba
    pdf epub docx xlsx pptx odt ods odp odg
    zip gz tgz bz2 xz 7z rar zst imscc
    woff woff2
""".split())


def is_compressed(path: str) -> bool:
    """Whether the file at bundle ``path`` is already compressed (stored, not deflated)."""
    name = path.rsplit("/", 1)[-1]
    return "." in name and name.rsplit(".", 1)[1].lower() in STORED_SUFFIXES


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
    return [bundle.files[path] for path in sorted(bundle.files, key=lambda p: check_bundle_path(p))]


def _copy(entry: BundleFile, out: BinaryIO) -> None:
    if entry.data is not None:
        out.write(entry.data)
    else:
        assert entry.source is not None
        # Opened without following links, checked against what the reader saw, exactly its size.
        with open_checked(entry.source, entry.size) as source:
            shutil.copyfileobj(source, out, CHUNK)


def _write_zip(bundle: Bundle, raw: BinaryIO) -> None:
    with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=LEVEL) as archive:
        for entry in _entries(bundle):
            info = zipfile.ZipInfo(entry.path, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_STORED if is_compressed(entry.path) else zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the mode below is honoured
            info.external_attr = (0o100000 | FILE_MODE) << 16
            info.file_size = entry.size
            with archive.open(info, "w", force_zip64=entry.size > 0x7FFFFFFF) as out:
                _copy(entry, out)


def _write_tar_gz(bundle: Bundle, raw: BinaryIO) -> None:
    compressed = _GzipMembers(raw)
    with tarfile.open(fileobj=compressed, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for entry in _entries(bundle):
            compressed.level(0 if is_compressed(entry.path) else LEVEL)
            info = tarfile.TarInfo(entry.path)
            info.size = entry.size
            info.mtime = 0
            info.mode = FILE_MODE
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            if entry.data is not None:
                archive.addfile(info, io.BytesIO(entry.data))
            else:
                assert entry.source is not None
                with open_checked(entry.source, info.size) as source:
                    archive.addfile(info, source)
        compressed.level(LEVEL)  # the end-of-archive blocks
    compressed.close()


class _GzipMembers:
    """A gzip stream that can change its compression level between tar entries.

    zlib cannot change level inside one gzip member from Python, so a change ends the
    member and starts another: a gzip file may hold several members, read back as one
    stream by gzip, tar and Python's tarfile alike.  Already-compressed media go into
    level-0 members (stored deflate blocks: a copy and a CRC), the rest at level 6.
    """

    def __init__(self, raw: BinaryIO):
        self._raw = raw
        self._member: gzip.GzipFile | None = None
        self._level: int | None = None
        self._offset = 0

    def level(self, level: int) -> None:
        if level == self._level:
            return
        if self._member is not None:
            self._member.close()  # writes the member's trailer; ``raw`` stays open
        self._member = gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0, compresslevel=level)
        self._level = level

    def write(self, data: bytes) -> int:
        if self._member is None:
            self.level(LEVEL)
        assert self._member is not None
        self._member.write(data)
        self._offset += len(data)
        return len(data)

    def tell(self) -> int:  # tarfile asks where it is in the uncompressed stream
        return self._offset

    def close(self) -> None:
        if self._member is not None:
            self._member.close()
            self._member = None
