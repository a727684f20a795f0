"""The preview is what learners see; instructor material only in a separate, marked section."""

from __future__ import annotations

import posixpath
import re

import pytest
from lxml import html as lxml_html

from audience_support import INSTRUCTOR_FILES, INSTRUCTOR_TITLES, LEARNER_TITLES, build, files
from browser import support

SECTION = "facilitator/"
MARK = b"For instructors only"
HREFS = re.compile(rb"""(?:href|src)="([^"#:]+)(?:#[^"]*)?\"""")


def _pages(found: dict[str, bytes]) -> dict[str, bytes]:
    return {path: data for path, data in found.items() if path.endswith(".html")}


def test_by_default_the_preview_leaves_instructor_material_out_and_says_how_to_add_it():
    bundle = build("html")
    found = files(bundle)
    assert not [p for p in found if p.startswith(SECTION)]
    assert not [p for p in found if p.removeprefix("media/") in INSTRUCTOR_FILES]
    text = b"".join(_pages(found).values())
    assert not [t for t in INSTRUCTOR_TITLES if t.encode() in text] and MARK not in text
    assert any("instructor_material: true" in n.message for n in bundle.notes)


@pytest.fixture(scope="module")
def with_section():
    return build("html", instructor_material=True)


def test_the_option_adds_the_facilitator_section_with_every_instructor_item(with_section):
    section = {p for p in files(with_section) if p.startswith(SECTION)}
    assert section == {"facilitator/index.html", "facilitator/modules/session.html",
                       "facilitator/modules/facilitator-guide.html",
                       *(f"facilitator/modules/session/{i}.html" for i in
                         ("facilitator-notes", "calibration", "slides", "draft-plan")),
                       *(f"facilitator/modules/facilitator-guide/{i}.html" for i in
                         ("running-sessions", "facilitator-forum"))}
    assert with_section.counts["facilitator pages"] == len(section)
    assert {f"media/{f}" for f in INSTRUCTOR_FILES} <= set(files(with_section))


def test_every_section_page_is_marked_and_its_outline_lists_only_instructor_material(with_section):
    for path, data in _pages(files(with_section)).items():
        if not path.startswith(SECTION):
            continue
        assert MARK in data, path
        nav = lxml_html.fromstring(data).xpath("//nav[@aria-label='Course outline']//a")
        listed = {a.text_content().removesuffix(" (unpublished)") for a in nav}
        # a learner module appears by its title, holding only its instructor items; the
        # section's home carries its whole outline, every other page its own module's part
        # and a link to that outline (tests/test_web_navigation.py)
        if path == f"{SECTION}index.html":
            assert listed == INSTRUCTOR_TITLES | {"First session"}, (path, listed ^ INSTRUCTOR_TITLES)
        else:
            assert listed - {"All modules"} <= INSTRUCTOR_TITLES | {"First session"}, (path, listed)
            outline = [a.get("href") for a in nav if a.text_content() == "All modules"]
            assert [posixpath.normpath(posixpath.join(posixpath.dirname(path), h.split("#")[0]))
                    for h in outline] == [f"{SECTION}index.html"], (path, outline)


def test_learner_pages_stay_as_learners_see_them_apart_from_one_marked_link_home(with_section):
    default = _pages(files(build("html")))
    pages = _pages(files(with_section))
    learner = {p: d for p, d in pages.items() if not p.startswith(SECTION)}
    assert set(learner) == set(default)
    assert [p for p, d in learner.items() if d != default[p]] == ["index.html"]
    assert b'href="facilitator/index.html"' in learner["index.html"] and MARK in learner["index.html"]
    text = b"".join(learner.values())
    assert not [t for t in INSTRUCTOR_TITLES if t.encode() in text]
    assert all(t.encode() in text for t in LEARNER_TITLES)


def test_every_link_of_the_section_leads_to_a_file_of_the_bundle(with_section):
    found = files(with_section)
    for path, data in _pages(found).items():
        for href in HREFS.findall(data):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), href.decode()))
            assert target in found, (path, href)
    notes = found["facilitator/modules/session/facilitator-notes.html"]
    assert b'href="../../../modules/session/welcome.html"' in notes  # back into the learner site
    guide = found["facilitator/modules/facilitator-guide/running-sessions.html"]
    assert b'href="../session/facilitator-notes.html"' in guide  # within the section


@pytest.mark.skipif(support.missing() is not None, reason=str(support.missing()))
def test_the_section_passes_axe_wcag_21_aa(with_section, tmp_path):
    for path, entry in with_section.files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(entry.read())
    page = support.browser().new_page()
    failures = {}
    try:
        with support.serve(tmp_path) as (base, _):
            for path in sorted(p for p in with_section.files if p.startswith(SECTION) or p == "index.html"):
                page.goto(f"{base}/pkg/{path}")
                found = support.axe_violations(page)
                if found:
                    failures[path] = found
    finally:
        page.close()
    assert failures == {}


def test_the_section_is_the_same_bytes_on_every_build(with_section):
    again = build("html", instructor_material=True)
    assert files(again) == files(with_section)
