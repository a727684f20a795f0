"""Building the XML files of a Moodle backup with lxml.

Moodle writes every field of a record as one child element; a database NULL is the text
``$@NULL@$`` (``backup_xml_transformer``), booleans are ``0``/``1``, and numbers are plain
decimals.  :func:`record` builds such an element from keyword arguments in order, so each
writer reads like the table it fills.
"""

from __future__ import annotations

from typing import Any, Iterable

from lxml import etree

#: How Moodle's backup writes a database NULL (read back as NULL by the restore parser).
NULL = "$@NULL@$"

# Moodle recognises a backup by the first 200 bytes of moodle_backup.xml holding this exact
# declaration (convert_helper::detect_moodle2_format); lxml would write it with single
# quotes, so the declaration is written here and the document after it by lxml.
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


class Null:
    """Marker for a NULL field: ``field=NULL_VALUE``."""


NULL_VALUE = Null()


def text_of(value: Any) -> str:
    if value is None or isinstance(value, Null):
        return NULL
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return number(value)
    return str(value)


def number(value: float, places: int = 5) -> str:
    """A decimal as Moodle stores it (``20.00000``): fixed places, no exponent."""
    return f"{value:.{places}f}"


def element(tag: str, attributes: dict[str, Any] | None = None, /, **fields: Any) -> etree._Element:
    """``<tag attr=...><field>value</field>...</tag>``; a field whose value is an element
    (or a list of elements) is appended as is."""
    node = etree.Element(tag, {k: text_of(v) for k, v in (attributes or {}).items()})
    fill(node, **fields)
    return node


def fill(node: etree._Element, /, **fields: Any) -> etree._Element:
    for name, value in fields.items():
        if isinstance(value, etree._Element):
            node.append(value)
        elif isinstance(value, list):
            holder = etree.SubElement(node, name)
            for child in value:
                holder.append(child)
        else:
            etree.SubElement(node, name).text = text_of(value)
    return node


def record(tag: str, record_id: Any = None, /, **fields: Any) -> etree._Element:
    """A database record: ``<tag id="N">`` (when ``record_id`` is given) with one child per field."""
    return element(tag, {"id": record_id} if record_id is not None else None, **fields)


def container(tag: str, children: Iterable[etree._Element] = ()) -> etree._Element:
    node = etree.Element(tag)
    for child in children:
        node.append(child)
    return node


def serialize(root: etree._Element) -> bytes:
    return DECLARATION + etree.tostring(root, encoding="UTF-8", pretty_print=True)


def serialize_streamed(tag: str, children: Iterable[etree._Element]) -> bytes:
    """``serialize(container(tag, children))`` byte for byte, with one child's tree in memory at a time.

    questions.xml holds every question of the course: as one tree it took three times the
    memory of the rest of the backup.  Pretty printing indents a child of an element-only
    root the same whatever its siblings are, so each child is printed inside a root of its
    own and the pieces are joined.
    """
    opening, closing = f"<{tag}>\n".encode(), f"</{tag}>\n".encode()
    pieces = []
    for child in children:
        holder = etree.Element(tag)
        holder.append(child)
        piece = etree.tostring(holder, encoding="UTF-8", pretty_print=True)
        assert piece.startswith(opening) and piece.endswith(closing), piece[:80]
        pieces.append(piece[len(opening):-len(closing)])
    if not pieces:
        return serialize(etree.Element(tag))
    return b"".join([DECLARATION, opening, *pieces, closing])


def name(text: str) -> str:
    """A title as Moodle keeps names: ``<`` and ``>`` as entities.

    Moodle cleans names as PARAM_TEXT (which strips anything that looks like a tag: the
    restore refuses a course name ``<Cohort A>`` outright) and shows them with
    format_string(), which turns the entities back into the characters.
    """
    return text.replace("<", "&lt;").replace(">", "&gt;")
