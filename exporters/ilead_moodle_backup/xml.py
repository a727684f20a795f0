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
    kind = type(value)
    if kind is str:
        return value
    if kind is int:
        return str(value)
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
    node = _with_fields(tag, fields)
    if attributes:
        for key, value in attributes.items():
            node.set(key, text_of(value))
    return node


def record(tag: str, record_id: Any = None, /, **fields: Any) -> etree._Element:
    """A database record: ``<tag id="N">`` (when ``record_id`` is given) with one child per field."""
    node = _with_fields(tag, fields)
    if record_id is not None:
        node.set("id", text_of(record_id))
    return node


#: One empty ``<tag><field/>...</tag>`` per shape of record built so far.  A backup has
#: some 300,000 fields in a few dozen shapes; lxml copies a prototype's children in C,
#: where creating each child from Python costs a call, so copying and then setting the
#: texts builds the same tree in half the time of :func:`fill`.
_PROTOTYPES: dict[tuple[str, ...], etree._Element] = {}


def _with_fields(tag: str, fields: dict[str, Any]) -> etree._Element:
    """``fill(etree.Element(tag), **fields)``, the same tree, built from a copied prototype."""
    key = (tag, *fields)
    prototype = _PROTOTYPES.get(key)
    if prototype is None:
        prototype = _PROTOTYPES[key] = etree.Element(tag)
        for name in fields:
            etree.SubElement(prototype, name)
    node = prototype.__copy__()  # lxml copies the whole subtree, as deepcopy would, without its memo
    elements = None
    for child, value in zip(node, fields.values()):
        kind = type(value)  # exact types first: the common cases, none of them an element or a list
        if kind is str:
            child.text = value
        elif kind is int:
            child.text = str(value)
        elif isinstance(value, etree._Element):
            elements = elements or []
            elements.append((child, value))  # replaced after the loop, which walks these children
        elif isinstance(value, list):
            child.extend(value)
        else:
            child.text = text_of(value)
    for child, value in elements or ():
        node.replace(child, value)  # in its field's place, where fill() appends it
    return node


def fill(node: etree._Element, /, **fields: Any) -> etree._Element:
    for name, value in fields.items():
        if isinstance(value, etree._Element):
            node.append(value)
        elif isinstance(value, list):
            etree.SubElement(node, name).extend(value)
        else:
            etree.SubElement(node, name).text = text_of(value)
    return node


def container(tag: str, children: Iterable[etree._Element] = ()) -> etree._Element:
    node = etree.Element(tag)
    node.extend(children)
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
