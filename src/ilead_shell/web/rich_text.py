"""Author HTML made to work inside one page of a web bundle.

``ilead:`` references become relative URLs.  A link the bundle cannot follow (an item
in another SCO, which the LMS must launch itself) keeps its text and names its target
instead, so no learner meets a dead link.  Links leaving the page can open a new tab,
which a SCO needs: navigating its frame away would end its session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from lxml import html as lxml_html

from ..references import Reference, relative_url, rewrite

_UNLINKED = "ilead-unlinked:"
NEW_TAB_HINT = " (opens in a new tab)"


@dataclass(frozen=True)
class Target:
    """Where a reference points: a bundle path (``None``: not linkable) and a readable name."""

    path: str | None
    name: str


def localise(html_text: str, page_path: str, resolve: Callable[[Reference], Target],
             new_tab: bool = False) -> str:
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
    if not names and not (new_tab and "<a" in rewritten):
        return rewritten
    return _adjust_anchors(rewritten, names, new_tab)


def _adjust_anchors(html_text: str, names: dict[str, str], new_tab: bool) -> str:
    root = lxml_html.fragment_fromstring(html_text, create_parent="div")
    for anchor in list(root.iter("a")):
        href = anchor.get("href", "")
        if href.startswith(_UNLINKED):
            _unlink(anchor, names[href[len(_UNLINKED):]])
        elif new_tab and href and not href.startswith("#"):
            anchor.set("target", "_blank")
            anchor.set("rel", "noopener noreferrer")
            hint = lxml_html.Element("span", {"class": "visually-hidden"})
            hint.text = NEW_TAB_HINT
            anchor.append(hint)
    parts = [root.text or ""]
    parts += [lxml_html.tostring(child, encoding="unicode", method="html") for child in root]
    return "".join(parts)


def _unlink(anchor, target_name: str) -> None:
    anchor.tag = "span"
    anchor.attrib.clear()
    anchor.set("class", "xref")
    note = lxml_html.Element("span", {"class": "xref-target"})
    note.text = f" (see “{target_name}” in the course outline)"
    anchor.append(note)
