"""The cartridge for Moodle: CC 1.1 written the way Moodle's converter reads it.

Moodle's converter (``backup/cc`` in Moodle 5.1, see docs/cartridge-readers.md) resolves
a link in a web page only as a path relative to that page (``entity11.resource.class.php``
looks each one up with ``realpath`` from the page's folder) and a link in a quiz or forum
only relative to its descriptor's folder, after dropping ``$IMS-CC-FILEBASE$``
(``entities.class.php`` ``update_sources``).  Canvas's tokens would stay literal there, so
this flavour writes the links of the CC specification.  It also puts the syllabus first:
the converter makes top-level item *i* section *i - 1*, so the syllabus becomes Moodle's
section 0 ("General") and module *n* section *n*.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from ilead_shell import references
from ilead_shell.model import Link

from . import audience_notes
from .builder import FILEBASE, WEB_RESOURCES, CartridgeBuilder
from .names import without_tags


_ESCAPED_TAG = re.compile(r"&lt;(?=[A-Za-z/!?])([^<>&]*)(&gt;)?")


class MoodleBuilder(CartridgeBuilder):
    page_folder = "pages"
    syllabus_first = True
    # name() notes a renamed title once and resolve() a dropped link once: state of the walk.
    prepares_quizzes = False
    reader_target = "moodle"

    def __init__(self, *args, **kwargs):
        self._reported_links: set[str] = set()
        self._renamed = False
        super().__init__(*args, **kwargs)

    def note_audience(self) -> None:
        audience_notes.note_moodle(self.course, self.bundle)

    def name(self, title: str) -> str:
        written = without_tags(title)
        if written != title and not self._renamed:
            self._renamed = True
            self.bundle.note(f"titles such as {title!r} are written as {written!r}: Moodle drops what looks like an "
                             "HTML tag from names and refuses it in a course name")
        return written

    def course_name(self) -> str:
        return self.name(self.course.display_title)

    # Moodle's converter decodes the entities of every text it copies (entities::safexml), so
    # an escaped "&lt;word&gt;" in a page or a question becomes markup there and disappears.
    def rewrite(self, html: str, from_path: str, descriptor: bool = False) -> str:
        return self.text_without_tags(super().rewrite(html, from_path, descriptor))

    def write_page(self, path: str, title: str, body: str, meta=()) -> None:
        super().write_page(path, self.name(title), self.text_without_tags(body), meta)

    @staticmethod
    def text_without_tags(html: str) -> str:
        return _ESCAPED_TAG.sub(lambda m: "\u2039" + m.group(1) + ("\u203a" if m.group(2) else ""), html)

    def resolve(self, ref: references.Reference, from_path: str, descriptor: bool) -> str:
        fragment = f"#{quote(ref.fragment, safe='')}" if ref.fragment else ""
        if ref.kind == "asset":
            self._used_assets.add(ref.target)
            target = self.asset_path(ref.target)
        else:
            location = self.locations[f"module:{ref.target}" if ref.kind == "module" else ref.target]
            if location.url:
                return location.url
            target = location.path
            if not target.startswith(WEB_RESOURCES):
                self.report_item_link(ref.target if ref.kind == "item" else f"module {ref.target}", target)
            if target.startswith(WEB_RESOURCES):
                item = self.course.item(ref.target)
                if item is not None and not isinstance(item, Link):
                    self._used_assets.add(item.asset)
        url = references.relative_url(from_path, target) + fragment
        # In descriptors (QTI, topics) links are relative to the descriptor's folder via the token.
        return f"{FILEBASE}{url}" if descriptor else url

    def report_item_link(self, what: str, target: str) -> None:
        """Moodle's converter imports no HTML file as a file, so it cannot keep a link to
        another item: the link points at the item's file, which Moodle shows as missing."""
        if what not in self._reported_links:
            self._reported_links.add(what)
            self.bundle.note(f"links to {what} point at its file {target}: Moodle's converter keeps no link "
                             "between items (it imports no page as a file), so in Moodle the link is broken; "
                             "the text of the link stays")
