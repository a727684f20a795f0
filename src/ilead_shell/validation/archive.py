"""Reading a bundle someone else made, without extracting it and without trusting it.

A bundle is a zip (``.imscc``, SCORM ``.zip``) or a gzipped tar (OLX ``.tar.gz``).  Members are
listed once and read on demand, straight from the archive, up to :data:`MAX_MEMBER_BYTES` each
whatever size the archive claims, so a zip bomb costs at most that much memory.  Unsafe
member names (absolute, ``..``, backslashes, drive letters), links, devices and duplicates are
findings, and such members are never read.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import stat
import tarfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .api import EVERY_LMS, Finding, error, warning

MAX_MEMBERS = 20_000
MAX_MEMBER_BYTES = 32 * 1024 * 1024  # the largest member a validator reads (XML, HTML, JSON)
MAX_TOTAL_BYTES = 8 * 1024 * 1024 * 1024  # the sum of declared member sizes a bundle may have
_UNSAFE = re.compile(r"(^/|\\|(^|/)\.\.(/|$)|^[A-Za-z]:|\x00)")


class ArchiveError(Exception):
    """The file is not an archive this command can read; the message says why."""


@dataclass(frozen=True)
class Member:
    name: str
    size: int  # as declared by the archive
    kind: str = "file"  # file, dir, link, other


class BundleArchive:
    """The members of one bundle, readable by name."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.findings: list[Finding] = []
        self.members: dict[str, Member] = {}
        self._zip: zipfile.ZipFile | None = None
        self._tar: tarfile.TarFile | None = None
        self._tar_members: dict[str, tarfile.TarInfo] = {}
        self.format = ""
        self._open()

    # -- opening ---------------------------------------------------------------------------------
    def _open(self) -> None:
        if not self.path.is_file():
            raise ArchiveError("no such file" if not self.path.exists() else "not a file")
        with self.path.open("rb") as handle:
            magic = handle.read(4)
        if magic.startswith(b"PK"):
            self._open_zip()
        elif magic.startswith(b"\x1f\x8b"):
            self._open_tar()
        else:
            raise ArchiveError("not a zip or gzipped tar archive (a .imscc, a SCORM .zip or an OLX .tar.gz)")

    def _open_zip(self) -> None:
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ArchiveError(f"not a readable zip archive ({exc})") from None
        self.format = "zip"
        infos = self._zip.infolist()
        if len(infos) > MAX_MEMBERS:
            self.findings.append(error("archive/too-many-members",
                                       f"{len(infos)} members; more than {MAX_MEMBERS} were not looked at"))
            infos = infos[:MAX_MEMBERS]
        for info in infos:
            mode = info.external_attr >> 16
            kind = "dir" if info.is_dir() else "link" if stat.S_ISLNK(mode) else "file"
            self._add(info.filename.rstrip("/") if kind == "dir" else info.filename, info.file_size, kind)

    def _open_tar(self) -> None:
        try:
            self._tar = tarfile.open(self.path, "r:gz")
            self.format = "tar.gz"
            count = 0
            for info in self._tar:
                count += 1
                if count > MAX_MEMBERS:
                    self.findings.append(error("archive/too-many-members",
                                               f"more than {MAX_MEMBERS} members; the rest were not looked at"))
                    break
                kind = "file" if info.isfile() else "dir" if info.isdir() else \
                    "link" if (info.issym() or info.islnk()) else "other"
                name = info.name[2:] if info.name.startswith("./") else info.name
                if self._add(name, info.size, kind) and kind == "file":
                    self._tar_members[name] = info
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise ArchiveError(f"not a readable gzipped tar archive ({exc})") from None

    def _add(self, name: str, size: int, kind: str) -> bool:
        if _UNSAFE.search(name) or (name and posixpath.normpath(name) != name.rstrip("/")):
            self.findings.append(error("archive/unsafe-path", f"member name {name!r} is absolute, climbs out with "
                                       "'..' or uses '\\'; an LMS may write it outside its folder, so it was not read"))
            return False
        if kind in ("link", "other"):
            what = "a link" if kind == "link" else "a device or other special file"
            self.findings.append(error("archive/special-member", f"is {what}; bundles hold only files and folders, "
                                       "so it was not followed", name))
            return False
        if name in self.members and kind != "dir":
            self.findings.append(error("archive/duplicate-member", "appears twice in the archive; LMSs differ on "
                                       "which copy they keep", name))
            return False
        self.members[name] = Member(name, size, kind)
        return True

    # -- reading ---------------------------------------------------------------------------------
    def files(self) -> list[str]:
        return sorted(name for name, member in self.members.items() if member.kind == "file")

    def has(self, name: str) -> bool:
        member = self.members.get(name)
        return member is not None and member.kind == "file"

    def declared_total(self) -> int:
        return sum(m.size for m in self.members.values())

    def read(self, name: str, findings: list[Finding] | None = None, limit: int | None = None) -> bytes | None:
        """The member's bytes, or None (with a finding) when it is larger than ``limit``
        (:data:`MAX_MEMBER_BYTES` by default), whatever size the archive declares."""
        limit = limit or MAX_MEMBER_BYTES
        if not self.has(name):
            return None
        handle = self._handle(name)
        if handle is None:
            return None
        with handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            (findings if findings is not None else self.findings).append(warning(
                "archive/member-too-large", f"larger than {limit // (1024 * 1024)} MB, so it was not checked", name))
            return None
        return data

    def sha1(self, name: str) -> str | None:
        """The SHA-1 of the member's bytes, read in chunks (so any size costs little memory), or
        None when it cannot be read."""
        if not self.has(name):
            return None
        handle = self._handle(name)
        if handle is None:
            return None
        digest = hashlib.sha1()
        with handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def _handle(self, name: str) -> IO[bytes] | None:
        try:
            if self._zip is not None:
                return self._zip.open(name)
            assert self._tar is not None
            return self._tar.extractfile(self._tar_members[name])
        except (zipfile.BadZipFile, tarfile.TarError, KeyError, OSError, RuntimeError, NotImplementedError) as exc:
            self.findings.append(error("archive/unreadable-member", f"cannot be read ({exc})", name))
            return None

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
        if self._tar is not None:
            self._tar.close()

    def __enter__(self) -> "BundleArchive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def archive_findings(archive: BundleArchive) -> list[Finding]:
    """What opening the archive found, plus the bound on its declared size."""
    found = list(archive.findings)
    if archive.declared_total() > MAX_TOTAL_BYTES:
        found.append(warning("archive/too-large", f"members add up to {archive.declared_total() // 2**30} GB; "
                             "LMS upload limits are usually far lower", affects=(EVERY_LMS,)))
    return found
