"""Acceptance: files whose names have no ASCII letters (图书馆.png) keep their extension.

Found by writing a course from SOURCE_FORMAT.md alone: ``images/图书馆.png`` was bundled as
``images/png``, so LMSs that choose a file's type by its extension (Canvas, Moodle, Open
edX's static files) would not show it as an image.
"""

from __future__ import annotations

import posixpath

import pytest

from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course

from conftest import ROOTS

ROOT = ROOTS / "acceptance-unicode"


@pytest.fixture(scope="module")
def course():
    return read_course(ROOT)


def test_bundle_paths_of_cjk_named_images_keep_the_extension_and_stay_distinct(course):
    paths = {a.source.rsplit("/", 1)[-1]: a.bundle_path for a in course.assets}
    assert set(paths) == {"图书馆.png", "地图.png"}
    for bundle_path in paths.values():
        assert posixpath.splitext(bundle_path)[1] == ".png", bundle_path
        assert bundle_path.startswith("modules/cafe/images/")
    assert len(set(paths.values())) == 2


@pytest.mark.parametrize("target", ["html", "cc", "canvas", "scorm12", "edx"])
def test_every_target_bundles_them_as_png_files(course, registry, target):
    bundle = registry.load(target)().build_bundle(select_offering(course, None))
    images = [p for p in bundle.paths() if "/images/" in p]
    assert len(images) == 2, images
    assert all(p.endswith(".png") for p in images), images
