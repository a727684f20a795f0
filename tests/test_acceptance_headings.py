"""Acceptance: a body that starts with a '# Heading' keeps every page's outline sound.

Found by writing a course from SOURCE_FORMAT.md alone: a page body opening with
``# Titre de la page`` (the most common way to start a Markdown file) gave the preview,
SCORM and cartridge pages two ``h1`` (the item title and the author's), and an Open edX
component an ``h1`` under the unit's ``h2``.  The item title is the page's only ``h1``,
so the author's headings are nested under it.
"""

from __future__ import annotations

import lxml.html
import pytest

from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course

from conftest import ROOTS

LEVELS = ("h1", "h2", "h3", "h4", "h5", "h6")


@pytest.fixture(scope="module")
def course():
    return select_offering(read_course(ROOTS / "acceptance-unicode"), None)


def _page_with(bundle, text: str) -> tuple[str, list[int]]:
    for path in bundle.paths():
        if path.endswith(".html"):
            data = bundle.files[path].read().decode("utf-8")
            if text in data:
                document = lxml.html.fromstring(f"<div>{data}</div>" if "<html" not in data else data)
                return path, [int(h.tag[1]) for h in document.iter(*LEVELS)]
    raise AssertionError(f"no page holds {text!r}")


@pytest.mark.parametrize("target", ["html", "scorm12", "cc"])
def test_standalone_pages_have_one_h1_and_no_skipped_level(course, registry, target):
    path, levels = _page_with(registry.load(target)().build_bundle(course), "Titre de la page")
    assert levels.count(1) == 1 and levels[0] == 1, (path, levels)
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), (path, levels)


def test_open_edx_component_starts_below_the_unit_title(course, registry):
    path, levels = _page_with(registry.load("edx")().build_bundle(course), "Titre de la page")
    assert levels[0] == 2 and min(levels) >= 2, (path, levels)
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), (path, levels)


def test_the_model_keeps_the_authors_relative_levels(course):
    body = course.modules[0].items[0].body.html
    assert '<h2 id="titre-de-la-page">Titre de la page</h2>' in body
    assert '<h3 id="sous-titre">Sous-titre</h3>' in body
