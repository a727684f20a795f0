"""The one archive writer: deterministic zip and tar.gz files, written atomically.

Same bundle, same bytes: entries sorted, timestamps fixed, modes fixed, no owner names,
gzip header without name or time.  The archive is written to a hidden temporary file in
the output folder and renamed into place, so an interrupted build never leaves a
half-written bundle under the final name.  Files from the course are streamed.
"""

from __future__ import annotations

import gzip
import os
import shutil
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO

from .exporter_api import Bundle, BundleFile, check_bundle_path
from .source_files import open_checked

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can hold
FILE_MODE = 0o644
CHUNK = 1024 * 1024


def write_archive(bundle: Bundle, destination: Path) -> int:
    """Write ``bundle`` to ``destination`` atomically; return the archive's size in bytes."""
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".part",
                                         dir=destination.parent)
    try:
        with os.fdopen(handle, "wb") as raw:
            if bundle.format == "zip":
                _write_zip(bundle, raw)
            else:
                _write_tar_gz(bundle, raw)
        os.chmod(temporary, FILE_MODE)
        os.replace(temporary, destination)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return destination.stat().st_size


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
    with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for entry in _entries(bundle):
            info = zipfile.ZipInfo(entry.path, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the mode below is honoured
            info.external_attr = (0o100000 | FILE_MODE) << 16
            info.file_size = entry.size
            with archive.open(info, "w", force_zip64=entry.size > 0x7FFFFFFF) as out:
                _copy(entry, out)


def _write_tar_gz(bundle: Bundle, raw: BinaryIO) -> None:
    with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as compressed:
        with tarfile.open(fileobj=compressed, mode="w", format=tarfile.GNU_FORMAT) as archive:
            for entry in _entries(bundle):
                info = tarfile.TarInfo(entry.path)
                info.size = entry.size
                info.mtime = 0
                info.mode = FILE_MODE
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                if entry.data is not None:
                    import io
                    archive.addfile(info, io.BytesIO(entry.data))
                else:
                    assert entry.source is not None
                    with open_checked(entry.source, info.size) as source:
                        archive.addfile(info, source)
