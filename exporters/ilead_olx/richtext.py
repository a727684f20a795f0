"""Author HTML inside an OLX course: links rewritten, markup made safe for both parsers.

Rich text reaches Open edX two ways: as ``html/<name>.html`` files (read with an HTML
parser) and inside CAPA problems and ORA prompts (XML).  Both start from the reader's
HTML with ``ilead:`` links, which become ``/static/<path>`` for files and
``/jump_to_id/<url_name>`` for items and modules; the LMS rewrites both at render time.
"""

from __future__ import annotations

import re
from typing import Callable

import lxml.html
from lxml import etree

from ilead_shell import references
from ilead_shell.model import Course
from ilead_shell.references import Reference

from . import names

STATIC_PREFIX = "/static/"


def static_path(bundle_path: str) -> str:
    """Where a course file lives inside ``static/`` (the bundle path is already safe ASCII)."""
    return bundle_path


class LinkResolver:
    """Maps ``ilead:`` references to URLs that work inside the imported course."""

    def __init__(self, course: Course, warn: Callable[[str], None]):
        self._course = course
        self._warn = warn

    def __call__(self, reference: Reference) -> str:
        if reference.kind == "asset":
            asset = self._course.asset(reference.target)
            return STATIC_PREFIX + static_path(asset.bundle_path)
        if reference.kind == "module":
            module = self._course.module(reference.target)
            if module is not None:
                return "/jump_to_id/" + names.overview_vertical(module)
        else:
            item = self._course.item(reference.target)
            if item is not None:
                # jump_to_id takes a bare url_name; a #fragment would make it unresolvable.
                return "/jump_to_id/" + names.vertical(item, _first_part(item))
        self._warn(f"a link points to '{reference.target}', which is not in offering "
                   f"'{self._course.offering}'; it was left without a target")
        return "#"

    def rewrite(self, html_text: str) -> str:
        return references.rewrite(html_text, self)


def _first_part(item) -> str | None:
    questions = getattr(item, "questions", None)
    return questions[0].id if questions else None


# lxml.html's parser without its Python element classes: libxml2 builds the same tree, and
# no Python lookup runs for each element read (a third of a short fragment's time).
_HTML_PARSER = etree.HTMLParser()
_FULL_DOCUMENT = re.compile(r"^\s*<(?:html|!doctype)", re.IGNORECASE)  # as lxml.html.fragments_fromstring


def _fragment(html_text: str) -> tuple[str | None, list[etree._Element]] | None:
    """What ``lxml.html.fragments_fromstring`` returns (leading text if not blank, then the
    body's elements), parsed alike; None where that function would fail."""
    wrapped = html_text if _FULL_DOCUMENT.match(html_text) else f"<html><body>{html_text}</body></html>"
    document = etree.fromstring(wrapped, _HTML_PARSER)
    bodies = [] if document is None else [e for e in document if e.tag == "body"]
    if len(bodies) != 1:
        return None
    body = bodies[0]
    return (body.text if body.text and body.text.strip() else None), list(body)


def fragment_html(html_text: str) -> str:
    """Re-serialise an HTML fragment so the file holds well-formed, balanced markup."""
    if not html_text.strip():
        return ""
    fragment = _fragment(html_text)
    if fragment is None:
        parts = lxml.html.fragments_fromstring(html_text)  # raises as it always has
    else:
        parts = ([fragment[0]] if fragment[0] is not None else []) + fragment[1]
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(_escape_text(part))
        else:
            out.append(lxml.html.tostring(part, encoding="unicode", method="html"))
    return "".join(out).strip() + "\n"


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_XML_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")  # ASCII names without a prefix, all valid in XML


def to_xml_container(html_text: str, tag: str = "div") -> etree._Element:
    """Parse an HTML fragment into an XML element ``<tag>`` holding it (for CAPA and ORA)."""
    html_text = html_text or ""
    # The parsed elements move into the XML tree as they are, which is the tree that serialising
    # them as XML and parsing that back gives, when they hold only elements (no comment, which
    # may hold "--") and every name is a plain XML name (no prefix, no namespace declaration).
    # Anything else takes that round trip, which refuses what XML cannot hold
    # (tests/test_olx_richtext.py compares the two ways).
    fragment = _fragment(html_text)
    if fragment is not None:
        container = etree.Element(tag)
        container.text, children = fragment
        for child in children:
            container.append(child)
        if all(_plain_element(e) for e in container.iter()):
            return container
    return _to_xml_container_by_reparsing(html_text, tag)


def _plain_element(element: etree._Element) -> bool:
    return isinstance(element.tag, str) and bool(_XML_NAME.fullmatch(element.tag)) and all(
        _XML_NAME.fullmatch(name) and not name.startswith("xmlns") for name in element.attrib)


def _to_xml_container_by_reparsing(html_text: str, tag: str) -> etree._Element:
    wrapper = lxml.html.fragment_fromstring(html_text, create_parent="div")
    xml_text = lxml.html.tostring(wrapper, encoding="unicode", method="xml")
    parsed = etree.fromstring(xml_text)
    container = etree.Element(tag)
    container.text = parsed.text
    for child in list(parsed):
        container.append(child)
    return container


def unwrap_paragraph(element: etree._Element) -> etree._Element:
    """``<x><p>text</p></x>`` -> ``<x>text</x>``: a label or hint holds inline content."""
    children = list(element)
    if len(children) == 1 and children[0].tag == "p" and not (element.text or "").strip() \
            and not (children[0].tail or "").strip():
        paragraph = children[0]
        element.remove(paragraph)
        element.text = paragraph.text
        for child in list(paragraph):
            element.append(child)
    return element


def move_content(source: etree._Element, target: etree._Element) -> None:
    """Append ``source``'s text and children to ``target``."""
    if source.text:
        if len(target):
            last = target[-1]
            last.tail = (last.tail or "") + source.text
        else:
            target.text = (target.text or "") + source.text
    for child in list(source):
        target.append(child)


def plain_text(html_text: str) -> str:
    if not html_text.strip():
        return ""
    return " ".join(lxml.html.fragment_fromstring(html_text, create_parent="div").text_content().split())


def block_html(html_text: str) -> str:
    """HTML for an ORA prompt (stored escaped inside XML, rendered as HTML by ORA)."""
    return fragment_html(html_text).strip()
