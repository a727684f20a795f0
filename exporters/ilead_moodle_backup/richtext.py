"""Author HTML as Moodle stores it in a backup.

The reader's ``ilead:`` links become what Moodle's own backup writes: a file becomes
``@@PLUGINFILE@@/<path>`` in the file area of the text that shows it, a link to another
item becomes the activity's encoded link (``$@PAGEVIEWBYID*12@$``) and a link to a module
becomes its section's (``$@COURSESECTIONBYID*3@$``).  The restore turns the encoded links
into links to the new course's activities and sections, so links between items still work
after a restore into any site.
"""

from __future__ import annotations

from typing import Callable
from urllib.parse import quote

from ilead_shell import references
from ilead_shell.model import Course, RichText
from ilead_shell.references import Reference

from .files import Area, FileStore
from .plan import Plan

#: The decode rule each activity's restore task knows for "view this activity".
VIEW_LINK = {
    "page": "PAGEVIEWBYID",
    "assign": "ASSIGNVIEWBYID",
    "forum": "FORUMVIEWBYID",
    "quiz": "QUIZVIEWBYID",
    "url": "URLVIEWBYID",
    "resource": "RESOURCEVIEWBYID",
}
SECTION_LINK = "COURSESECTIONBYID"


def encoded_link(rule: str, number: int) -> str:
    return f"$@{rule}*{number}@$"


class Texts:
    def __init__(self, course: Course, plan: Plan, files: FileStore, note: Callable[[str], None]):
        self._course = course
        self._plan = plan
        self._files = files
        self._note = note

    def html(self, text: RichText | str | None, area: Area) -> str:
        """``text`` with every ``ilead:`` link rewritten; its files put into ``area``."""
        if text is None:
            return ""
        source = text.html if isinstance(text, RichText) else text
        return references.rewrite(source, lambda reference: self._resolve(reference, area)).strip()

    def _resolve(self, reference: Reference, area: Area) -> str:
        fragment = f"#{quote(reference.fragment, safe='')}" if reference.fragment else ""
        if reference.kind == "asset":
            return self._files.add(area, self._course.asset(reference.target)).url
        if reference.kind == "module":
            section = self._plan.by_module.get(reference.target)
            if section is not None:
                return encoded_link(SECTION_LINK, section.id) + fragment
        else:
            activity = self._plan.by_item.get(reference.target)
            if activity is not None:
                return encoded_link(VIEW_LINK[activity.modname], activity.cmid) + fragment
        # The offering left the target out; the core already turns such links into text,
        # so this is only reached by a link the core did not see.
        self._note(f"a link points to '{reference.target}', which is not in offering "
                   f"'{self._course.offering}'; it was left without a target")
        return "#"
