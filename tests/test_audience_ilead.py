"""The iLead course with its facilitator notes marked for instructors (in a copy: course_source/
is marked by the content work once this lands): nothing else changes, and no learner sees them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from audience_support import build, files
from ilead_shell.offerings import select_offering
from ilead_shell.pipeline import read_and_check

COURSE_SOURCE = Path(__file__).resolve().parents[1] / "course_source"
CANVAS = "{http://canvas.instructure.com/xsd/cccv1p0}"


@pytest.fixture(scope="module")
def marked(tmp_path_factory):
    root = tmp_path_factory.mktemp("ilead") / "course_source"
    shutil.copytree(COURSE_SOURCE, root)
    notes = []
    for path in sorted(root.glob("modules/*/*.md")):
        text = path.read_text(encoding="utf-8")
        front = text.split("---", 2)[1] if text.startswith("---") else ""
        if "title: \"Facilitator notes" in front or "title: Facilitator notes" in front:
            if "audience:" not in front:
                path.write_text(text.replace("---\n", "---\naudience: instructors\n", 1), encoding="utf-8")
            notes.append(path)
        elif "audience: instructors" in front:  # marked in course_source itself (the facilitator guide)
            notes.append(path)
    assert notes, "the iLead course has facilitator notes"
    course, findings = read_and_check(root)
    return course, findings, len(notes)


def test_marking_the_notes_adds_no_warning(marked):
    _, findings, _ = marked
    # The advisory quality checks (docs/checks.md) judge the course's writing, not the marking.
    assert [d.message for d in findings if not d.advisory] == []


def test_the_onsite_offering_keeps_the_notes_from_learners_in_every_target(marked):
    course, _, count = marked
    onsite = select_offering(course, "onsite")
    notes = {i.title for i in onsite.items() if i.for_instructors}
    assert len(notes) == count
    scorm = b"".join(files(build("scorm12", onsite)).values())
    html = b"".join(files(build("html", onsite)).values())
    assert not [t for t in notes if t.encode() in scorm or t.encode() in html]
    meta = etree.fromstring(files(build("canvas", onsite))["course_settings/module_meta.xml"])
    states = {i.findtext(f"{CANVAS}title"): i.findtext(f"{CANVAS}workflow_state") for i in meta.iter(f"{CANVAS}item")}
    assert {states[t] for t in notes} == {"unpublished"}
    olx = files(build("edx", onsite))
    hidden = {etree.fromstring(d).get("display_name") for p, d in olx.items()
              if p.startswith("course/sequential/") and b'visible_to_staff_only="true"' in d}
    assert hidden >= notes
