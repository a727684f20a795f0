"""The backup's record builder: ``record``/``element`` copy a prototype per shape of record, and
must build exactly the tree that creating every field one by one (``fill``) builds."""

from __future__ import annotations

import enum

import pytest
from lxml import etree

from ilead_moodle_backup.xml import NULL, NULL_VALUE, container, element, fill, record, text_of


class Level(enum.IntEnum):
    HIDDEN = 0
    SHOWN = 1


class Title(str):
    def __str__(self) -> str:
        return f"«{super().__str__()}»"


def one_by_one(tag, attributes=None, /, **fields) -> etree._Element:
    """The builder as it was: an element, its attributes, then one SubElement per field."""
    node = etree.Element(tag, {k: text_of(v) for k, v in (attributes or {}).items()})
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


def values_of_every_kind():
    return dict(
        name="Équité & <inclusion>", empty="", count=3, zero=0, negative=-2, big=2**70, ratio=0.5,
        yes=True, no=False, missing=None, null=NULL_VALUE, level=Level.SHOWN, title=Title("x"),
        inner=etree.Element("question_reference", id="9"),  # an element mid-record: appended in its place
        answers=[etree.Element("answer", id="1"), etree.Element("answer", id="2")], none_yet=[],
        last="end")


def test_a_record_of_every_kind_of_value_is_the_tree_fill_builds():
    built = record("question", 12, **values_of_every_kind())
    expected = one_by_one("question", {"id": 12}, **values_of_every_kind())
    assert etree.tostring(built, pretty_print=True) == etree.tostring(expected, pretty_print=True)
    assert [child.tag for child in built][:14] == [
        "name", "empty", "count", "zero", "negative", "big", "ratio", "yes", "no", "missing", "null", "level",
        "title", "question_reference"]
    assert built.findtext("missing") == built.findtext("null") == NULL
    assert (built.findtext("yes"), built.findtext("ratio"), built.findtext("level")) == ("1", "0.50000", "1")
    assert built.findtext("title") == "«x»"  # a str subclass is written as str() makes it


def test_one_shape_with_other_kinds_of_values_the_next_time():
    first = dict(a="text", b=[etree.Element("x")], c=etree.Element("c1"))
    second = dict(a=etree.Element("a1"), b="now text", c=[])  # same field names, every kind swapped
    for fields in (first, second, first):
        assert etree.tostring(element("shape", None, **fields)) == etree.tostring(one_by_one("shape", **fields))


def test_shapes_of_one_tag_with_the_same_number_of_fields_keep_their_own_names():
    assert etree.tostring(record("file", 1, a="1", b="2")) == b'<file id="1"><a>1</a><b>2</b></file>'
    assert etree.tostring(record("file", 1, c="1", d="2")) == b'<file id="1"><c>1</c><d>2</d></file>'


def test_records_built_from_one_prototype_do_not_share_children():
    one = record("file", 1, filename="a.png", tags=[])
    two = record("file", 2, filename="b.png", tags=[])
    one.find("tags").append(etree.Element("tag"))
    assert etree.tostring(two) == b'<file id="2"><filename>b.png</filename><tags/></file>'
    assert etree.tostring(record("file", None, filename="c.png", tags=[])) == b"<file><filename>c.png</filename><tags/></file>"


@pytest.mark.parametrize("attributes", [None, {}, {"id": 3, "moduleid": None, "modulename": "quiz", "visible": True}])
def test_attributes_keep_their_order_and_text(attributes):
    built = element("activity", attributes, quiz=record("quiz", 3, name="Check"))
    assert etree.tostring(built) == etree.tostring(one_by_one("activity", attributes, quiz=record("quiz", 3, name="Check")))


def test_a_container_holds_its_children_in_order_from_any_iterable():
    children = (etree.Element(f"c{i}") for i in range(3))
    assert etree.tostring(container("list", children)) == b"<list><c0/><c1/><c2/></list>"


def test_fill_adds_fields_after_the_children_a_node_has():
    node = etree.Element("setting")
    etree.SubElement(node, "level").text = "course"
    fill(node, name="x", value=0, items=[etree.Element("i")], extra=etree.Element("extra"))
    assert etree.tostring(node) == b"<setting><level>course</level><name>x</name><value>0</value><items><i/></items><extra/></setting>"
