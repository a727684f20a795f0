"""Build a target's real archive for a test and read it back as {member name: bytes}."""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path

from ilead_shell.archive import write_archive
from ilead_shell.model import Course
from ilead_shell.pipeline import exporter_options
from ilead_shell.registry import Registry

#: (name used in reports, registered target, CC version option): every built-in target once,
#: plain CC in both of its versions.
ALL_TARGETS = [("cc-1.3", "cc", "1.3"), ("cc-1.1", "cc", "1.1"), ("canvas", "canvas", None),
               ("moodle", "moodle", None), ("brightspace", "brightspace", None),
               ("blackboard", "blackboard", None), ("scorm12", "scorm12", None), ("edx", "edx", None),
               ("html", "html", None)]
CARTRIDGE_TARGETS = [t for t in ALL_TARGETS if t[1] in ("cc", "canvas", "moodle", "brightspace", "blackboard")]


def build_archive(course: Course, target: str, destination: Path, registry: Registry | None = None) -> Path:
    """Write ``target`` (a name of :data:`ALL_TARGETS`) for an offering-selected course."""
    _, name, version = next(t for t in ALL_TARGETS if t[0] == target)
    cls = (registry or Registry()).load(name)
    options = exporter_options(course, cls, name)
    if version:
        options = options.model_copy(update={"cc_version": version})
    write_archive(cls(options).build_bundle(course), destination)
    return destination


def read_archive(path: Path) -> dict[str, bytes]:
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
            return {m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: archive.read(n) for n in archive.namelist() if not n.endswith("/")}
