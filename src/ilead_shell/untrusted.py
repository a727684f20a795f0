"""Reading an archive someone else made: a cartridge is untrusted input.

:func:`open_source_archive` checks a whole zip (or an unzipped folder) before anything in it
is read, and refuses it with a clear message when any entry is unsafe: a name that climbs out
(``../``, zip-slip), an absolute or drive-letter name, a symbolic link, an encrypted entry, a
name that is not UTF-8 or holds control characters, two entries with one name, too many
entries, an entry or a total that would unpack past the limits, or an entry compressed far
more than real documents are (a zip bomb).  Nothing is ever extracted under an archive's own
names: importers read entries into memory through :class:`SourceArchive`, and the source
writer chooses every file name it writes.

XML is parsed with entity resolution, DTD loading and network access off, and a document
that declares a DTD at all is refused: a cartridge never needs one, and an internal subset
is how entity expansion ("billion laughs") and external entities (XXE) arrive.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .errors import IleadError

_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Limits:
    """What an import accepts.  Real LMS exports stay far inside every one."""

    max_entries: int = 50_000
    max_entry_bytes: int = 1 << 30        # one file unpacked: 1 GiB
    max_total_bytes: int = 4 << 30        # everything unpacked: 4 GiB
    max_ratio: int = 200                  # unpacked / packed, for entries over ratio_floor
    ratio_floor: int = 1 << 20            # small entries (1 MiB) may compress as well as they like
    max_document_bytes: int = 64 << 20    # one XML or HTML document read into memory: 64 MiB
    max_name_length: int = 1024


DEFAULT_LIMITS = Limits()


class ArchiveRefused(IleadError):
    """The archive is unsafe or not one we can read; nothing was written."""


class SourceArchive:
    """The entries of a checked archive, by POSIX name, read into memory on request."""

    def __init__(self, path: Path, names: dict[str, int], limits: Limits, zip_file: zipfile.ZipFile | None):
        self.path = path
        self._sizes = names  # name -> unpacked size
        self.limits = limits
        self._zip = zip_file
        self._folded = {name.lower(): name for name in names}

    # -- listing ---------------------------------------------------------------------------------
    def names(self) -> list[str]:
        return sorted(self._sizes)

    def exists(self, name: str) -> bool:
        return self.find(name) is not None

    def find(self, name: str) -> str | None:
        """The entry called ``name`` (after ``./`` and ``..`` are resolved), also when only its
        case differs: LMS exports written on Windows often disagree with their manifest."""
        clean = normalise(name)
        if clean is None:
            return None
        if clean in self._sizes:
            return clean
        return self._folded.get(clean.lower())

    def size(self, name: str) -> int:
        return self._sizes[self._require(name)]

    def _require(self, name: str) -> str:
        found = self.find(name)
        if found is None:
            raise KeyError(name)
        return found

    # -- reading -----------------------------------------------------------------------------------
    def read(self, name: str, limit: int | None = None) -> bytes:
        found = self._require(name)
        cap = self.limits.max_entry_bytes if limit is None else limit
        if self._sizes[found] > cap:
            raise ArchiveRefused(f"{self.path}: {found}: {self._sizes[found]:,} bytes is more than the "
                                 f"{cap:,} bytes an import reads from one file")
        if self._zip is not None:
            with self._zip.open(found) as handle:
                data = handle.read(cap + 1)
        else:
            data = _read_regular_file(self.path / found, cap + 1)
        if len(data) > cap:  # a size header that lied
            raise ArchiveRefused(f"{self.path}: {found}: unpacks to more than its header says")
        return data

    def read_document(self, name: str) -> bytes:
        return self.read(name, self.limits.max_document_bytes)

    def text(self, name: str) -> str:
        data = self.read_document(name)
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        return data.decode("latin-1")

    def parse_xml(self, name: str) -> etree._Element:
        return parse_untrusted_xml(self.read_document(name), f"{self.path}: {self._require(name)}")

    def copy_to(self, name: str, destination: Path) -> int:
        """Stream one entry into a new file (the destination is ours, never the archive's name)."""
        found = self._require(name)
        written = 0
        with destination.open("xb") as out:
            if self._zip is not None:
                with self._zip.open(found) as handle:
                    while chunk := handle.read(1 << 20):
                        written += len(chunk)
                        if written > self._sizes[found]:
                            raise ArchiveRefused(f"{self.path}: {found}: unpacks to more than its header says")
                        out.write(chunk)
            else:
                data = _read_regular_file(self.path / found, self._sizes[found] + 1)
                if len(data) > self._sizes[found]:  # it grew after the check: refuse it, never cut it
                    raise ArchiveRefused(f"{self.path}: {found}: holds more than when the export was checked")
                out.write(data)
                written = len(data)
        return written

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> "SourceArchive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def normalise(name: str) -> str | None:
    """A relative POSIX name inside the archive, or None when it would leave it."""
    name = name.replace("\\", "/")
    if not name or name.startswith("/") or _DRIVE.match(name):
        return None
    clean = posixpath.normpath(name)
    if clean == "." or clean.startswith("../") or clean == "..":
        return None
    return clean


def _read_regular_file(path: Path, cap: int) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ArchiveRefused(f"{path}: not a regular file")
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            return handle.read(cap)
    finally:
        if fd >= 0:
            os.close(fd)


def _refuse(path: Path, name: str, reason: str) -> ArchiveRefused:
    shown = name.encode("unicode_escape").decode("ascii") if _CONTROL.search(name) else name
    return ArchiveRefused(f"{path}: refused: entry '{shown}' {reason}; nothing was imported")


def _entry_name(info: zipfile.ZipInfo, path: Path) -> str:
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    if name.isascii():
        return name
    # Without the UTF-8 flag zipfile decodes names as code page 437; many tools write UTF-8
    # anyway, so take the bytes as UTF-8 when they are, and refuse a name that is neither.
    raw = name.encode("cp437")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _refuse(path, name, "has a name that is not UTF-8 (written in a legacy code page); "
                                  "re-create the archive with UTF-8 names") from None


def open_source_archive(path: Path, limits: Limits = DEFAULT_LIMITS) -> SourceArchive:
    """Check ``path`` (a zip such as ``.imscc``, or an unzipped folder) and open it."""
    path = Path(path)
    if not path.exists():
        raise ArchiveRefused(f"{path}: no such file or folder")
    if path.is_dir():
        return _open_folder(path, limits)
    if not zipfile.is_zipfile(path):
        raise ArchiveRefused(f"{path}: not a zip archive (a Common Cartridge is a zip file, usually .imscc)")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ArchiveRefused(f"{path}: cannot be read as a zip archive: {exc}") from None
    try:
        return SourceArchive(path, _check_zip(archive, path, limits), limits, archive)
    except BaseException:
        archive.close()
        raise


def _check_zip(archive: zipfile.ZipFile, path: Path, limits: Limits) -> dict[str, int]:
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise ArchiveRefused(f"{path}: refused: {len(infos):,} entries, more than the {limits.max_entries:,} "
                             "an import accepts; nothing was imported")
    names: dict[str, int] = {}
    total = 0
    for info in infos:
        name = _entry_name(info, path)
        if len(name) > limits.max_name_length:
            raise _refuse(path, name[:80] + "...", f"has a name longer than {limits.max_name_length} characters")
        if _CONTROL.search(name):
            raise _refuse(path, name, "has a control character in its name")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise _refuse(path, name, "is a symbolic link (an archive may only hold files and folders)")
        if mode and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)) and stat.S_IFMT(mode):
            raise _refuse(path, name, "is a special file (device, pipe or socket)")
        if info.flag_bits & 0x1:
            raise _refuse(path, name, "is encrypted")
        raw = name.replace("\\", "/")
        if raw.startswith("/") or _DRIVE.match(raw):
            raise _refuse(path, name, "has an absolute name")
        if ".." in raw.split("/"):
            raise _refuse(path, name, "climbs out of the archive with '..' (zip-slip)")
        if info.is_dir() or raw.endswith("/"):
            continue
        clean = normalise(raw)
        if clean is None:
            raise _refuse(path, name, "has a name that leaves the archive")
        if clean in names:
            raise _refuse(path, name, "appears twice in the archive")
        if info.file_size > limits.max_entry_bytes:
            raise _refuse(path, name, f"unpacks to {info.file_size:,} bytes, more than the "
                                      f"{limits.max_entry_bytes:,} an import accepts for one file")
        if info.file_size > limits.ratio_floor and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise _refuse(path, name, f"unpacks to {info.file_size / max(info.compress_size, 1):,.0f} times its "
                                      f"packed size (more than {limits.max_ratio}: a zip bomb)")
        total += info.file_size
        if total > limits.max_total_bytes:
            raise ArchiveRefused(f"{path}: refused: unpacks to more than {limits.max_total_bytes:,} bytes in "
                                 "total (a zip bomb, or far larger than a course); nothing was imported")
        names[clean] = info.file_size
    return names


def _open_folder(root: Path, limits: Limits) -> SourceArchive:
    names: dict[str, int] = {}
    total = 0
    for folder, dirs, files in os.walk(root, followlinks=False):
        for entry in list(dirs) + files:
            full = Path(folder, entry)
            name = full.relative_to(root).as_posix()
            info = full.lstat()
            if stat.S_ISLNK(info.st_mode):
                raise _refuse(root, name, "is a symbolic link (an export folder may only hold files and folders)")
            if stat.S_ISDIR(info.st_mode):
                continue
            if not stat.S_ISREG(info.st_mode):
                raise _refuse(root, name, "is a special file (device, pipe or socket)")
            if _CONTROL.search(name):
                raise _refuse(root, name, "has a control character in its name")
            if info.st_size > limits.max_entry_bytes:
                raise _refuse(root, name, f"is {info.st_size:,} bytes, more than the {limits.max_entry_bytes:,} "
                                          "an import accepts for one file")
            total += info.st_size
            if total > limits.max_total_bytes or len(names) >= limits.max_entries:
                raise ArchiveRefused(f"{root}: refused: more than {limits.max_total_bytes:,} bytes or "
                                     f"{limits.max_entries:,} files; nothing was imported")
            names[name] = info.st_size
    return SourceArchive(root, names, limits, None)


_XML_PARSER_OPTIONS = dict(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def parse_untrusted_xml(data: bytes, where: str) -> etree._Element:
    """An XML document from an archive: no DTD, no entities, no network, no huge trees."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf")
    if b"<!DOCTYPE" in head.upper() or b"<!ENTITY" in data.upper():
        raise ArchiveRefused(f"{where}: refused: the XML declares a DTD or entities (entity expansion and "
                             "external entities are never read); nothing was imported")
    parser = etree.XMLParser(**_XML_PARSER_OPTIONS)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ArchiveRefused(f"{where}: not well-formed XML: {exc}") from None
    if root is None:
        raise ArchiveRefused(f"{where}: empty XML document")
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.externalDTD is not None or docinfo.doctype:
        raise ArchiveRefused(f"{where}: refused: the XML declares a DTD; nothing was imported")
    return root
