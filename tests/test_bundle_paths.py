"""Which paths a bundle accepts: ``check_bundle_path`` refuses exactly what the regular
expression it used to run refused, with the same normpath check after it."""

from __future__ import annotations

import posixpath
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ilead_shell.exporter_api import check_bundle_path

# The expression check_bundle_path ran before it was written as string tests.
REFERENCE = re.compile(r"(^/|^\\|\\|(^|/)\.\.?(/|$)|//|^[A-Za-z]:)")


def refused_by_reference(path: str) -> bool:
    return not path or bool(REFERENCE.search(path)) or path.endswith("/") or posixpath.normpath(path) != path


def refused(path: str) -> bool:
    try:
        check_bundle_path(path)
    except ValueError as exc:
        assert "unsafe path inside a bundle" in str(exc)
        return True
    return False


# Paths made of the characters that matter, so that every kind of segment turns up often.
PIECES = st.text(alphabet="./\\:aZé 0", max_size=12)


@settings(max_examples=3000, deadline=None)
@given(PIECES)
@example("...")
@example("a/.../b")
@example(".a/b.")
@example("é:/x")
def test_the_string_tests_refuse_what_the_expression_refused(path):
    assert refused(path) == refused_by_reference(path)


@pytest.mark.parametrize("path", [
    "", "/", "/a", "\\a", "a\\b", "a//b", "a/", ".", "..", "./a", "../a", "a/.", "a/..", "a/./b", "a/../b",
    "C:/x", "c:x", "z:", "a:b", "./", "../",
])
def test_unsafe_paths_are_refused(path):
    assert refused(path) and refused_by_reference(path)


@pytest.mark.parametrize("path", [
    "a", "a.txt", ".hidden", "a/.b", "a/b..", "...", "a/.../b", "files/0a/0a1b", "é:x", "1:x", "ab:c", "a b/c d.png",
])
def test_ordinary_paths_pass(path):
    assert not refused(path) and not refused_by_reference(path)
