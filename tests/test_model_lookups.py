"""Course.item, .module and .asset: dictionary lookups that agree with a scan, never stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course

FIDELITY = Path(__file__).parent / "roots" / "fidelity"


@pytest.fixture(scope="module")
def course():
    return read_course(FIDELITY)


def test_every_lookup_finds_what_a_scan_finds(course):
    for module in course.modules:
        assert course.module(module.id) is module
        for item in module.items:
            assert course.item(item.full_id) is item
    for asset in course.assets:
        assert course.asset(asset.key) is asset
    assert course.items() == [i for m in course.modules for i in m.items]


def test_unknown_ids_are_none_or_key_error(course):
    assert course.item("nowhere/nothing") is None
    assert course.module("nowhere") is None
    with pytest.raises(KeyError):
        course.asset("nowhere.png")


def test_a_copy_with_other_modules_answers_for_its_own_modules(course):
    assert course.module(course.modules[0].id) is not None  # the original's index is built
    fewer = course.model_copy(update={"modules": course.modules[1:], "assets": ()})
    assert fewer.module(course.modules[0].id) is None
    assert fewer.item(course.modules[0].items[0].full_id) is None
    with pytest.raises(KeyError):
        fewer.asset(course.assets[0].key)
    assert course.module(course.modules[0].id) is course.modules[0]


def test_an_offering_selection_is_made_once_and_is_its_own_course(course):
    name = course.default_offering
    assert select_offering(course, name) is select_offering(course, name)
    selected = select_offering(course, name)
    for item in selected.items():
        assert selected.item(item.full_id) is item
