"""A text whose tags are all plain ('<p>', '</em>') is not parsed for unsafe content: that may
never hide a finding the full parse makes."""

from __future__ import annotations

import random

import pytest

from ilead_shell.checks import unsafe_content
from ilead_shell.checks.unsafe_content import unsafe_parts

PIECES = ["<p>", "</p>", "<em>", "</em>", "<script>", "</script>", "<SCRIPT>", "<iframe>", "<embed>", "<Object>",
          "<applet>", "<p onclick>", "<p id=x>", '<a href="javascript:x">', "<br />", "<", ">", "x", " ", "&lt;",
          "<img src=data:x>", "<p\tonload=y>", "<b/onmouseover=z>", "<!-- c -->", "<svg><a xlink:href=javascript:q>"]


def _texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6))) for _ in range(count)]


def test_the_plain_tag_shortcut_finds_what_the_full_parse_finds(monkeypatch):
    texts = _texts(4000, seed=2)
    fast = [unsafe_parts(t, ["example.org"]) for t in texts]
    monkeypatch.setattr(unsafe_content, "_only_plain_tags", lambda text: False)
    assert fast == [unsafe_parts(t, ["example.org"]) for t in texts]
    assert 300 < sum(bool(f) for f in fast) < 3700  # texts with and without findings


@pytest.mark.parametrize("text, plain", [
    ("<p>Which one?</p>", True), ("<p><em>a</em> b</p>", True), ("<p>a < b</p>", False), ("<p id=x>", False),
    ("<script>x</script>", False), ("<IFRAME>", False), ("<p onclick>", False), ("plain words", True),
])
def test_what_counts_as_plain(text, plain):
    assert unsafe_content._only_plain_tags(text) is plain
