"""Checks of instructor material: links from learners' text, outcomes, the outline."""

from __future__ import annotations

from click.testing import CliRunner

from audience_support import INSTRUCTOR_TITLES, ROOT, course
from ilead_shell.cli import main
from ilead_shell.offerings import select_offering
from ilead_shell.outline import build_outline, render_outline
from ilead_shell.pipeline import read_and_check
from ilead_shell.reader import read_course

LINK_WARNING = ("the link to item 'session/facilitator-notes' is plain text for learners: that item is for "
                "instructors only")


def _findings(root=ROOT):
    return read_and_check(root)[1]


def test_a_learner_page_linking_to_instructor_material_gets_one_warning_at_the_link():
    (found,) = [d for d in _findings() if "instructors" in d.message]
    assert LINK_WARNING in found.message
    assert (found.location.path, found.location.line) == (str(ROOT / "modules/01-session/01-welcome.md"), 7)


def test_the_rest_of_the_root_is_clean():
    # Instructor items that name no outcome ("Running the sessions", the facilitators' forum) are fine.
    assert [d.message for d in _findings() if LINK_WARNING not in d.message] == []


def test_that_link_is_plain_text_for_learners_and_other_links_stay():
    welcome = course().item("session/welcome").body
    assert "ilead:item/session/facilitator-notes" not in welcome.html
    assert "facilitator notes" in welcome.html  # its text stays
    assert "ilead:item/session/introductions" in welcome.html
    assert welcome.items == ("session/introductions",)
    assert [key for key, _ in welcome.link_lines] == ["item/session/introductions"]
    # instructor material may link to learners' pages and to other instructor material
    assert "ilead:item/session/welcome" in course().item("session/facilitator-notes").body.html
    assert "ilead:item/session/facilitator-notes" in course().item("facilitator-guide/running-sessions").body.html


def test_links_to_an_instructor_module_from_learners_text_and_the_description_go_too(copy_root):
    root = copy_root("audience")
    page = root / "modules" / "03-wrap-up" / "01-next-steps.md"
    page.write_text(page.read_text() + "\nFacilitators: [the guide](../02-facilitator-guide/module.md).\n")
    yml = root / "course.yml"
    yml.write_text(yml.read_text().replace(
        "between learner modules.\n",
        "between learner modules.\n  See [the calibration](modules/01-session/04-calibration.md).\n"))
    warnings = {(d.location.path.rsplit("/", 1)[-1], d.message.split(":")[0]) for d in _findings(root)
                if "for instructors only" in d.message}
    assert warnings == {("01-welcome.md", "the link to item 'session/facilitator-notes' is plain text for learners"),
                        ("01-next-steps.md", "the link to module 'facilitator-guide' is plain text for learners"),
                        ("course.yml", "the link to item 'session/calibration' is plain text for learners")}
    selected = select_offering(read_course(root))
    assert "ilead:module/facilitator-guide" not in selected.item("wrap-up/next-steps").body.html
    assert "ilead:" not in selected.description.html


def test_an_outcome_assessed_only_by_instructor_material_is_not_assessed_for_learners(copy_root):
    root = copy_root("audience")
    forum = root / "modules" / "01-session" / "02-introductions.md"
    forum.write_text(forum.read_text().replace("outcomes: [M1.1]\n", "outcomes: []\n"))
    messages = [d.message for d in _findings(root)]
    (m11,) = [m for m in messages if m.startswith("module outcome M1.1")]
    assert m11 == ("module outcome M1.1 is not assessed: only instructor material lists it "
                   "('Facilitator calibration'), which learners never see")
    assert any(m.startswith("course outcome CO1 is not assessed") for m in messages)


def test_check_strict_fails_on_the_link_warning():
    result = CliRunner().invoke(main, ["check", str(ROOT), "--strict"])
    assert result.exit_code == 1
    assert LINK_WARNING in result.output


def test_the_curriculum_outline_plans_only_what_learners_do():
    outline = build_outline(course())
    assert [m.title for m in outline.modules] == ["First session", "Wrap-up"]
    titles = {a.title for m in outline.modules for a in m.activities}
    assert titles == {"Welcome to the session", "Introductions", "Next steps"}
    for fmt in ("html", "md"):
        text = render_outline(course(), fmt)
        assert not [t for t in INSTRUCTOR_TITLES if t in text], fmt
