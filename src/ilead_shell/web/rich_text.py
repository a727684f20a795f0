"""Author HTML made to work inside one page of a web bundle.

``ilead:`` references become relative URLs.  A link the bundle cannot follow (an item
in another SCO, which the LMS must launch itself) keeps its text and names its target
instead, so no learner meets a dead link.  Links leaving the page can open a new tab,
which a SCO needs: navigating its frame away would end its session.

Tables go into a scrollable, focusable region, so a wide table scrolls on its own at
320 px instead of the whole page; where the source allows they get a caption (a paragraph
``Table: ...`` just before or after the table, as Pandoc writes it) and row headers (a
first column whose every cell is bold).
"""

from __future__ import annotations

import gettext
import hashlib
from dataclasses import dataclass
from typing import Callable

from lxml import html as lxml_html

from ..references import Reference, relative_url, rewrite

_UNLINKED = "ilead-unlinked:"
NEW_TAB_HINT = " (opens in a new tab)"
CAPTION_PREFIX = "Table:"
_NULL = gettext.NullTranslations()


@dataclass(frozen=True)
class Target:
    """Where a reference points: a bundle path (``None``: not linkable) and a readable name."""

    path: str | None
    name: str


def localise(html_text: str, page_path: str, resolve: Callable[[Reference], Target],
             new_tab: bool = False, catalogue: gettext.NullTranslations | None = None) -> str:
    """Rewrite ``html_text`` for the page at ``page_path``."""
    names: dict[str, str] = {}

    def to_url(reference: Reference) -> str:
        target = resolve(reference)
        if target.path is None:
            names[reference.target] = target.name
            return _UNLINKED + reference.target
        url = relative_url(page_path, target.path)
        return f"{url}#{reference.fragment}" if reference.fragment else url

    rewritten = rewrite(html_text, to_url)
    if not names and not (new_tab and "<a" in rewritten) and "<table" not in rewritten:
        return rewritten
    return _adjust(rewritten, names, new_tab, (catalogue or _NULL).gettext)


def _adjust(html_text: str, names: dict[str, str], new_tab: bool, _: Callable[[str], str]) -> str:
    root = lxml_html.fragment_fromstring(html_text, create_parent="div")
    for anchor in list(root.iter("a")):
        href = anchor.get("href", "")
        if href.startswith(_UNLINKED):
            _unlink(anchor, names[href[len(_UNLINKED):]], _)
        elif new_tab and href and not href.startswith("#"):
            anchor.set("target", "_blank")
            anchor.set("rel", "noopener noreferrer")
            hint = lxml_html.Element("span", {"class": "visually-hidden"})
            hint.text = _(NEW_TAB_HINT)
            anchor.append(hint)
    seed = hashlib.sha1(html_text.encode("utf-8")).hexdigest()[:8]
    for number, table in enumerate(list(root.iter("table")), 1):
        _accessible_table(table, f"table-{seed}-{number}", _)
    parts = [root.text or ""]
    parts += [lxml_html.tostring(child, encoding="unicode", method="html") for child in root]
    return "".join(parts)


def _unlink(anchor, target_name: str, _: Callable[[str], str]) -> None:
    anchor.tag = "span"
    anchor.attrib.clear()
    anchor.set("class", "xref")
    note = lxml_html.Element("span", {"class": "xref-target"})
    note.text = _(" (see “%(name)s” in the course outline)") % {"name": target_name}
    anchor.append(note)


def _accessible_table(table, caption_id: str, _: Callable[[str], str]) -> None:
    parent = table.getparent()
    if parent is None or "table-wrap" in (parent.get("class") or ""):
        return
    caption = table.find("caption")
    if caption is None:
        caption = _caption_from_paragraph(table)
    for header in table.xpath("./thead/tr/th"):
        header.set("scope", "col")
    _row_headers(table)
    wrap = lxml_html.Element("div", {"class": "table-wrap", "role": "region", "tabindex": "0"})
    if caption is not None:
        caption.set("id", caption.get("id") or caption_id)
        wrap.set("aria-labelledby", caption.get("id"))
    else:
        wrap.set("aria-label", _("Table"))
    table.addprevious(wrap)
    wrap.tail, table.tail = table.tail, None
    wrap.append(table)


def _caption_from_paragraph(table):
    for paragraph in (table.getprevious(), table.getnext()):
        if paragraph is None or paragraph.tag != "p":
            continue
        text = (paragraph.text or "")
        if not text.lstrip().startswith(CAPTION_PREFIX):
            continue
        caption = lxml_html.Element("caption")
        caption.text = text.lstrip()[len(CAPTION_PREFIX):].lstrip()
        for child in list(paragraph):
            caption.append(child)
        _drop(paragraph)
        table.insert(0, caption)
        return caption
    return None


def _row_headers(table) -> None:
    rows = table.xpath("./tbody/tr") or table.xpath("./tr[td]")
    firsts = [row[0] if len(row) else None for row in rows]
    if not rows or any(cell is None or cell.tag != "td" or not _only_bold(cell) for cell in firsts):
        return
    for cell in firsts:
        strong = cell[0]
        cell.tag = "th"
        cell.set("scope", "row")
        cell.text = strong.text
        for child in list(strong):
            cell.append(child)
        cell.remove(strong)
    corner = table.xpath("./thead/tr/th[1]")
    if corner and not corner[0].text_content().strip():
        corner[0].set("scope", "col")


def _only_bold(cell) -> bool:
    return (len(cell) == 1 and cell[0].tag == "strong" and not (cell.text or "").strip()
            and not (cell[0].tail or "").strip())


def _drop(element) -> None:
    tail = element.tail
    previous, parent = element.getprevious(), element.getparent()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)
