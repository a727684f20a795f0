"""What a bundle deflates, and how: shared by the archive writer and the bundles it writes.

Files whose format is already compressed (images, audio, video, PDF, office and zip
containers; :data:`STORED_SUFFIXES`) are stored, not deflated: deflating them again costs
time and gains nothing.  The choice depends on the path's suffix alone, so it is the same
on every host.  Everything else is deflated at :data:`LEVEL`, zlib's default, as zipfile does.
"""

from __future__ import annotations

import zlib

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


def deflated(data: bytes) -> bytes:
    """``data`` as a zip entry holds it: a raw deflate stream at :data:`LEVEL` (zipfile's compressor)."""
    deflate = zlib.compressobj(LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
    return deflate.compress(data) + deflate.flush()


def inflated(data: bytes) -> bytes:
    return zlib.decompress(data, -zlib.MAX_WBITS)
