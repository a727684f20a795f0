"""Acceptance: an offering's ``title`` names the course in every target's bundle.

Found by building a course written from SOURCE_FORMAT.md alone: ``onsite: {title:
"On-site edition"}`` renamed the course in the Open edX archive only; the preview,
SCORM package and every cartridge kept the course title, although README says an
offering's title is used in its bundles.
"""

from __future__ import annotations

import pytest

from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course


@pytest.fixture(scope="module")
def onsite(tmp_path_factory):
    import shutil

    from conftest import ROOTS

    root = tmp_path_factory.mktemp("titled") / "acceptance-unicode"
    shutil.copytree(ROOTS / "acceptance-unicode", root)
    yml = root / "course.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace(
        "  onsite: {}\n", '  onsite: {title: "Sur place : édition 现场", title_suffix: "(2027)"}\n'), encoding="utf-8")
    return select_offering(read_course(root), "onsite")


def test_the_model_title_of_the_offering(onsite):
    assert onsite.display_title == "Sur place : édition 现场 (2027)"


@pytest.mark.parametrize("target, path", [("html", "index.html"), ("scorm12", "imsmanifest.xml"),
                                          ("cc", "imsmanifest.xml"), ("canvas", "course_settings/course_settings.xml"),
                                          ("edx", "course/course/")])
def test_every_target_uses_it(onsite, registry, target, path):
    bundle = registry.load(target)().build_bundle(onsite)
    (name,) = [p for p in bundle.paths() if p == path or (path.endswith("/") and p.startswith(path))]
    text = bundle.files[name].read().decode("utf-8")
    assert "Sur place : édition 现场 (2027)" in text
    assert "Acceptation : café 图书馆" not in text
