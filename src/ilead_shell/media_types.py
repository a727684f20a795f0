"""Media types of course files, from a table of our own.

Python's :mod:`mimetypes` reads the host's database (``/etc/mime.types`` and others) and its
built-in table changes between Python versions, so the same course gave different bundles
on different machines (``.docx``, ``.webp``, ``.m4v``... were known on one host and
``application/octet-stream`` on another).  This table is the only source of media types:
the names are the ones registered with IANA (https://www.iana.org/assignments/media-types/),
or the ``x-`` names browsers use where nothing is registered.  Extensions are matched
without regard to case; anything not listed is ``application/octet-stream``.
"""

from __future__ import annotations

import posixpath

DEFAULT = "application/octet-stream"

_TABLE: dict[str, str] = {
    # images
    "apng": "image/apng", "avif": "image/avif", "bmp": "image/bmp", "gif": "image/gif",
    "heic": "image/heic", "heif": "image/heif", "ico": "image/vnd.microsoft.icon", "jpeg": "image/jpeg",
    "jpg": "image/jpeg", "png": "image/png", "svg": "image/svg+xml", "tif": "image/tiff",
    "tiff": "image/tiff", "webp": "image/webp",
    # audio
    "aac": "audio/aac", "flac": "audio/flac", "m4a": "audio/mp4", "mid": "audio/midi", "midi": "audio/midi",
    "mp3": "audio/mpeg", "oga": "audio/ogg", "ogg": "audio/ogg", "opus": "audio/ogg", "wav": "audio/wav",
    "weba": "audio/webm",
    # video
    "avi": "video/x-msvideo", "m4v": "video/mp4", "mkv": "video/x-matroska", "mov": "video/quicktime",
    "mp4": "video/mp4", "mpeg": "video/mpeg", "mpg": "video/mpeg", "ogv": "video/ogg", "webm": "video/webm",
    # captions, text and data
    "css": "text/css", "csv": "text/csv", "htm": "text/html", "html": "text/html", "ics": "text/calendar",
    "js": "text/javascript", "json": "application/json", "jsonld": "application/ld+json",
    "geojson": "application/geo+json", "md": "text/markdown", "mjs": "text/javascript", "srt": "text/plain",
    "tsv": "text/tab-separated-values", "txt": "text/plain", "vtt": "text/vtt", "xml": "application/xml",
    "yaml": "application/yaml", "yml": "application/yaml", "bib": "application/x-bibtex",
    "ris": "application/x-research-info-systems", "tex": "application/x-tex", "ipynb": "application/x-ipynb+json",
    "py": "text/x-python", "r": "text/plain", "sql": "application/sql", "kml": "application/vnd.google-earth.kml+xml",
    "gpx": "application/gpx+xml",
    # documents
    "doc": "application/msword", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "epub": "application/epub+zip", "odp": "application/vnd.oasis.opendocument.presentation",
    "ods": "application/vnd.oasis.opendocument.spreadsheet", "odt": "application/vnd.oasis.opendocument.text",
    "pdf": "application/pdf", "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "rtf": "application/rtf", "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "h5p": "application/zip",
    # archives and fonts
    "7z": "application/x-7z-compressed", "gz": "application/gzip", "tar": "application/x-tar",
    "tgz": "application/gzip", "zip": "application/zip",
    "otf": "font/otf", "ttf": "font/ttf", "woff": "font/woff", "woff2": "font/woff2",
}


def media_type(name: str) -> str:
    """The media type of a file name (``'Map.PNG'`` -> ``'image/png'``)."""
    base = posixpath.basename(name.replace("\\", "/"))
    stem, dot, extension = base.rpartition(".")
    if not dot or not stem:
        return DEFAULT
    return _TABLE.get(extension.lower(), DEFAULT)


def known_extensions() -> frozenset[str]:
    return frozenset(_TABLE)
