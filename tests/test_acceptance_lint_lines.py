"""Acceptance: an image without alt text is reported at its own line, however its path is written.

Found by making a real author's mistake in a course written from SOURCE_FORMAT.md alone:
``![](../../assets/logos/logo%20ü.png)`` on line 11 was reported at the first line of
the body, because the warning looked for the decoded name ("logo ü.png") in the source.
"""

from __future__ import annotations

import pytest

from ilead_shell.reader import load_course


@pytest.mark.parametrize("written", ["images/%E5%9C%B0%E5%9B%BE.png", "images/%E5%9C%B0%E5%9B%BE%2Epng",
                                     "<images/地图.png>", "images/地图.png"])
def test_missing_alt_is_reported_at_the_image_line(copy_root, written):
    root = copy_root("acceptance-unicode")
    page = root / "modules" / "01-café" / "01-straße.md"
    page.write_text(page.read_text(encoding="utf-8") + f"\nDeux.\n\n![]({written})\n", encoding="utf-8")
    line = page.read_text(encoding="utf-8").split("\n").index(f"![]({written})") + 1
    _, warnings = load_course(root)
    found = [w.format() for w in warnings if "alternative text" in w.message]
    assert len(found) == 1 and f"01-straße.md:{line}: warning:" in found[0], found
