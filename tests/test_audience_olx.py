"""Instructor material in Open edX: "Hide from learners" (visible_to_staff_only), never graded."""

from __future__ import annotations

import json

from lxml import etree

from audience_support import build
from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course


def _olx(bundle) -> dict[str, bytes]:
    """The archive's files under course/, as Studio reads them."""
    return {path.removeprefix("course/"): entry.read() for path, entry in bundle.files.items()}


def _staff_only(data: dict[str, bytes], kind: str) -> dict[str, bool]:
    found = {}
    for path, content in data.items():
        if path.startswith(f"{kind}/") and path.endswith(".xml"):
            node = etree.fromstring(content)
            found[node.get("display_name")] = node.get("visible_to_staff_only") == "true"
    return found


def test_an_instructor_module_is_a_chapter_hidden_from_learners():
    chapters = _staff_only(_olx(build("edx")), "chapter")
    assert chapters == {"First session": False, "Facilitator guide": True, "Wrap-up": False}


def test_each_instructor_item_is_a_subsection_hidden_from_learners():
    subsections = _staff_only(_olx(build("edx")), "sequential")
    hidden = {title for title, staff in subsections.items() if staff}
    assert hidden == {"Facilitator notes: first session", "Facilitator calibration", "Session slides (facilitators)",
                      "Draft plan for session two", "Running the sessions", "Facilitators' forum"}
    # the guide's overview inherits the chapter's setting (an InheritanceMixin field in Open edX)
    assert subsections["Welcome to the session"] is False


def test_a_graded_instructor_quiz_is_no_graded_subsection_and_counts_in_no_grader(copy_root):
    root = copy_root("audience")
    quiz = root / "modules" / "01-session" / "04-calibration.md"
    quiz.write_text(quiz.read_text().replace("audience: instructors\n", "audience: instructors\ngroup: participation\n"))
    bundle = build("edx", select_offering(read_course(root)))
    data = _olx(bundle)
    calibration = etree.fromstring(data["sequential/seq_session__calibration.xml"])
    assert calibration.get("graded") is None
    run = next(p for p in data if p.startswith("policies/") and p.endswith("grading_policy.json"))
    policy = json.loads(data[run])
    assert [g["min_count"] for g in policy["GRADER"]] == [1]  # nothing learners can earn, not the hidden quiz
    assert any("nothing in this offering can be graded" in n.message for n in bundle.notes)


def test_the_archive_holds_the_instructor_material_for_staff():
    data = _olx(build("edx"))
    assert any(b"Room plan" in content for path, content in data.items() if path.startswith("html/"))
    assert any(path.endswith("room-plan.png") for path in data)
