"""``ilead-shell validate`` for Open edX OLX course archives (``.tar.gz``), ours or Studio's.

The checks are :mod:`ilead_olx.verify`'s, which look at an unpacked ``course/`` folder.  The
archive is never extracted as it is: every XML member is first parsed here with the safe
parser (entities refused), then text members (XML, HTML, JSON) are written into a temporary
folder under the names this module chose, and every other member as an empty file of the
same name (the folder checks ask only whether a static file exists).  Nothing outside the
temporary folder is written and nothing larger than the archive reader's limit is read.

verify.py was written for our own archives; on a Studio export some of its rules describe
our conventions rather than what Studio refuses, so :data:`LEVELS` says which are errors.
"""

from __future__ import annotations

import posixpath
import re
import tempfile
from pathlib import Path

from ilead_shell.validation.api import (
    OPEN_EDX, BundleValidator, Finding, ValidationContext, error, local, parse_xml, warning,
)
from ilead_shell.validation.archive import BundleArchive

from .verify import check_course_folder

TEXT_SUFFIXES = (".xml", ".html", ".htm", ".json", ".txt", ".csv", ".srt", ".sjson", ".vtt", ".js", ".css")
AFFECTS = (OPEN_EDX,)
# verify.py's messages -> (level, rule).  First match wins; anything else is an error.
LEVELS: tuple[tuple[re.Pattern[str], str, str], ...] = tuple((re.compile(p), level, rule) for p, level, rule in (
    (r"is not expected inside", "warning", "olx/unknown-block"),
    (r"url_name inside differs", "warning", "olx/url-name-mismatch"),
    (r"has no <label>", "warning", "olx/problem-label"),
    (r"no response element", "warning", "olx/no-response"),
    (r"^course_image", "warning", "olx/course-image"),
    (r"is not \[A-Za-z0-9_-\]\+", "warning", "olx/url-name"),
    (r"is not in static/|transcript static/", "error", "olx/static-file"),
    (r"points at no block", "error", "olx/jump-link"),
    (r"unrewritten reference", "error", "olx/ilead-reference"),
    (r"grading policy|grader|graded=", "error", "olx/grading"),
    (r"must carry only url_name", "error", "olx/pointer"),
    (r"duplicate .* url_name", "error", "olx/duplicate-url-name"),
    (r"openassessment", "error", "olx/ora"),
    (r"become the same Studio asset", "error", "olx/static-names"),
    (r"static tabs", "warning", "olx/tabs"),
))


class OlxValidator(BundleValidator):
    name = "olx"
    description = "Open edX OLX course archive (.tar.gz)"

    @classmethod
    def claims(cls, archive: BundleArchive) -> bool:
        # A Moodle backup holds course/course.xml too; it is the mbz validator's.
        return (archive.format == "tar.gz" and not archive.has("moodle_backup.xml")
                and any(posixpath.basename(n) == "course.xml" for n in archive.files()))

    def validate(self, archive: BundleArchive, context: ValidationContext) -> list[Finding]:
        found: list[Finding] = []
        names = archive.files()
        tops = sorted({n.split("/", 1)[0] for n in archive.members})
        course_xml = [n for n in names if posixpath.basename(n) == "course.xml"]
        top = tops[0] if len(tops) == 1 else ""
        if len(tops) != 1:
            found.append(error("olx/top-folder", f"the archive should hold one top folder (Studio imports the folder "
                               f"with course.xml), found {', '.join(tops)}", affects=AFFECTS))
        if course_xml != [f"{top}/course.xml"]:
            found.append(error("olx/course-xml", "expected exactly one course.xml, directly inside the top folder; "
                               f"found {', '.join(course_xml) or 'none'}", affects=AFFECTS))
            return found
        for name in names:
            if name.endswith(".xml"):
                data = archive.read(name, found)
                if data is None or parse_xml(data, name, found, AFFECTS) is None:
                    continue
        if any(f.is_error for f in found) or any(f.is_error for f in archive.findings):
            return found  # the folder checks would read what was refused
        with tempfile.TemporaryDirectory(prefix="ilead-validate-") as temporary:
            root = Path(temporary) / "course"
            for name in names:
                relative = name[len(top) + 1:]
                target = root.joinpath(*relative.split("/"))
                target.parent.mkdir(parents=True, exist_ok=True)
                data = archive.read(name, found) if name.lower().endswith(TEXT_SUFFIXES) else b""
                target.write_bytes(data or b"")
            for problem in check_course_folder(root):
                found.append(_finding(problem, top, names))
        return found


def _finding(problem: str, top: str, names: list[str]) -> Finding:
    member, _, message = problem.partition(": ")
    if f"{top}/{member}" in names:
        member = f"{top}/{member}"
    else:
        member, message = "", problem
    level, rule = next(((lvl, rule) for pattern, lvl, rule in LEVELS if pattern.search(message)),
                       ("error", "olx/structure"))
    make = error if level == "error" else warning
    return make(rule, message, member, 0, AFFECTS)


__all__ = ["OlxValidator", "local"]
