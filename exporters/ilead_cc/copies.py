"""Recurring parts of XML documents, copied from a first build of the same shape.

lxml spends most of the time of building an element on its tag and attributes, and a
2,000-question bank is ~90,000 elements per QTI dialect.  So a part that recurs (a choice
list, a scoring condition, a module row, a manifest resource) is built once per *shape*
and then copied, which lxml does in C; ``fill`` writes into each copy the identifiers and
texts that its shape leaves out.  A part's key must hold everything its build depends on
except what its fill writes: tests/test_cc_copies.py and tests/test_cc_qti_copies.py
compare every copied document with the same document built without copies.

A copy serializes byte for byte as a built part does: on ``append`` lxml gives the copy's
elements the document's own declaration of their namespace (by URI), as it gives a built
element, and ``set`` changes an attribute's value where the attribute stands.
"""

from __future__ import annotations

from typing import Callable

from lxml import etree

Build = Callable[[etree._Element], None]
Fill = Callable[[etree._Element], None]

TEMPLATES: dict[tuple, etree._Element] = {}
LIMIT = 1024  # distinct keys; keys holding points or counts could otherwise grow it


def copy_of(key: tuple, make: Callable[[], etree._Element]) -> etree._Element | None:
    """A copy of the element ``make()`` returned for ``key`` first, or None past the limit."""
    template = TEMPLATES.get(key)
    if template is None:
        if len(TEMPLATES) >= LIMIT:
            return None
        template = TEMPLATES[key] = make()
    return template.__copy__()


def _built_in_holder(build: Build) -> Callable[[], etree._Element]:
    def make() -> etree._Element:
        holder = etree.Element("holder")
        build(holder)
        return holder[0]
    return make


def append_copy(parent: etree._Element, key: tuple, build: Build, fill: Fill | None = None) -> etree._Element:
    """``build(parent)``'s one child: a copy of the first build with the same key, into which
    ``fill`` writes this call's identifiers and texts."""
    node = copy_of(key, _built_in_holder(build))
    if node is None:
        build(parent)
        return parent[-1]
    parent.append(node)
    if fill is not None:
        fill(node)
    return node


def fill_text(path: tuple[int, ...], text: str) -> Fill:
    """A fill that writes ``text`` into the descendant at ``path`` (child indexes)."""
    def fill(node: etree._Element) -> None:
        for index in path:
            node = node[index]
        node.text = text
    return fill
