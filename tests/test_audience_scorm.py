"""SCORM 1.2 shows learners every SCO it holds: instructor material stays out, with a note."""

from __future__ import annotations

from lxml import etree

from audience_support import INSTRUCTOR_TITLES, LEARNER_TITLES, build, files


def test_no_sco_page_or_file_of_instructor_material_is_in_the_package():
    bundle = build("scorm12")
    found = files(bundle)
    manifest = etree.fromstring(found["imsmanifest.xml"])
    titles = {t.text for t in manifest.iter("{*}title")}
    assert not titles & INSTRUCTOR_TITLES
    assert {"Welcome to the session", "Introductions", "Next steps", "First session", "Wrap-up"} <= titles
    assert not [p for p in found if "facilitator" in p or "calibration" in p or "room-plan" in p
                or "draft-plan" in p or "slides" in p]
    pages = b"".join(data for path, data in found.items() if path.endswith(".html"))
    assert not [t for t in INSTRUCTOR_TITLES if t.encode() in pages]
    assert all(t.encode() in pages for t in LEARNER_TITLES)
    assert bundle.counts["items"] == 3 and bundle.counts["files"] == 0


def test_a_note_names_each_item_and_module_left_out():
    notes = [n.message for n in build("scorm12").notes]
    left_out = sorted(n.split()[1] for n in notes if "is for instructors and is left out" in n)
    assert left_out == ["facilitator-guide", "session/calibration", "session/draft-plan",
                        "session/facilitator-notes", "session/slides"]
