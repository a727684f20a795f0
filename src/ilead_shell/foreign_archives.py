"""What an archive is when it is not a Common Cartridge, said before ``import`` reads it.

``import`` reads IMS Common Cartridge only.  SCORM packages (an IMS content package too, so they
have an ``imsmanifest.xml``), Moodle backups and Open edX OLX archives are recognised here from
their members, and refused with one line that says what the file is and what to export instead,
rather than being read as a cartridge (a SCORM package's player pages are not a course) or
failing as "not a zip archive".  Only names and the first bytes of a manifest are looked at.
"""

from __future__ import annotations

import posixpath
import tarfile
import zipfile
from pathlib import Path

MANIFEST_SNIFF_BYTES = 1 << 20
MAX_NAMES = 20_000
READS = "import reads IMS Common Cartridge (plain, Canvas and Moodle exports)"
# Marks of the ADL SCORM extensions in an imsmanifest.xml (SCORM 1.2 and 2004 alike); a
# Common Cartridge has none of them.
_SCORM_MARKS = (b"adlnet.org/xsd/adlcp", b"adlcp:scormtype", b"<schema>adl scorm</schema>")
_SCORM_2004_MARKS = (b"adlcp_v1p3", b"<schemaversion>2004", b"<schemaversion>cam 1.3")


def foreign_format(path: Path) -> str | None:
    """The refusal for ``path`` when it is a SCORM package, a Moodle backup or an OLX archive;
    None when it may be a cartridge (or is unreadable: the cartridge reader says why)."""
    try:
        if path.is_dir():
            return _judge(path, _folder_names(path), lambda name: _read_head(path / name))
        with path.open("rb") as handle:
            magic = handle.read(4)
        if magic.startswith(b"PK") and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()[:MAX_NAMES]

                def head(name: str) -> bytes:
                    with archive.open(name) as member:
                        return member.read(MANIFEST_SNIFF_BYTES)
                return _judge(path, names, head)
        if magic.startswith(b"\x1f\x8b"):
            return _judge_tar(path)
    except (OSError, zipfile.BadZipFile, tarfile.TarError, EOFError, RuntimeError, ValueError):
        return None
    return None


def _judge(path: Path, names: list[str], head) -> str | None:
    clean = [name.replace("\\", "/").removeprefix("./") for name in names]
    if "moodle_backup.xml" in clean:
        return _moodle_backup(path)
    if "imsmanifest.xml" not in clean:
        return _olx_archive(path) if _olx(clean) else None
    start = head("imsmanifest.xml").lower()
    if any(mark in start for mark in _SCORM_MARKS):
        version = "2004" if any(mark in start for mark in _SCORM_2004_MARKS) else "1.2"
        return (f"{path}: a SCORM {version} package (its imsmanifest.xml uses the ADL SCORM extensions), not a "
                f"Common Cartridge: {READS}; export the course from its LMS as a Common Cartridge instead, or, "
                "for a course built with ilead-shell, import the .imscc built next to it (target cc, canvas or "
                "moodle)")
    return None  # a content package: the cartridge reader decides


def _judge_tar(path: Path) -> str | None:
    names = []
    with tarfile.open(path, "r:gz") as archive:
        for count, info in enumerate(archive):
            if count >= MAX_NAMES:
                break
            name = info.name.removeprefix("./")
            if name == "moodle_backup.xml":
                return _moodle_backup(path)
            names.append(name)
    if _olx(names):
        return _olx_archive(path)
    return (f"{path}: a gzipped tar archive, not a Common Cartridge (a zip file, usually .imscc): {READS}; "
            "export the course from its LMS as a Common Cartridge")


def _olx(names: list[str]) -> bool:
    return any(posixpath.basename(n) == "course.xml" and n.count("/") <= 1 for n in names)


def _moodle_backup(path: Path) -> str:
    # Moodle 5.1's backup refuses its IMS CC 1.1 format (backup_check_unsupported_format), so
    # there is no cartridge to ask Moodle for.
    return (f"{path}: a Moodle course backup (moodle_backup.xml), not a Common Cartridge: {READS}; Moodle 5.1 "
            "exports no cartridge, so restore this .mbz in Moodle, and for a course built with ilead-shell import "
            "the .imscc built next to it (target moodle or cc)")


def _olx_archive(path: Path) -> str:
    return (f"{path}: an Open edX OLX course archive (course.xml), not a Common Cartridge: {READS}; Open edX "
            "exports no cartridge, so for a course built with ilead-shell import the .imscc built next to it "
            "(target cc)")


def _folder_names(root: Path) -> list[str]:
    names = []
    for top in sorted(root.iterdir())[:MAX_NAMES]:
        names.append(top.name)
        if top.is_dir() and not top.is_symlink():
            names += [f"{top.name}/{child.name}" for child in sorted(top.iterdir())[:MAX_NAMES]]
    return names


def _read_head(path: Path) -> bytes:
    if path.is_symlink() or not path.is_file():
        return b""
    with path.open("rb") as handle:
        return handle.read(MANIFEST_SNIFF_BYTES)
