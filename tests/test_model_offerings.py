"""Offerings: what one offering of a course keeps, and links to what it leaves out."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from course_tree import write_tree

from ilead_shell.offerings import belongs, links_leaving_offering, select_offering
from ilead_shell.reader import read_course
from ilead_shell.references import parse

HANDMADE = Path(__file__).parent / "roots" / "handmade"

FILES = {
    "course.yml": """\
        title: Offerings
        code: OFF-1
        start: 2027-01-04
        offerings:
          open: {title_suffix: (open)}
          paid: {title: Paid edition, start: 2027-03-01}
          onsite: {}
        default_offering: open
        """,
    "modules/01-shared/module.md": "---\ntitle: Shared\n---\n[Paid module](../02-paid/module.md)\n",
    "modules/01-shared/01-intro.md": "---\ntitle: Intro\n---\nSee [the project](02-project.md#top) and "
                                     "[the outline](03-outline.md).\n\n![Everyone](all.png)\n",
    "modules/01-shared/02-project.md": "---\ntitle: Project\ntype: assignment\ndue: week 3\n"
                                       "offerings: [paid, onsite]\n---\n![Paid only](paid.png)\n",
    "modules/01-shared/03-outline.md": "---\ntitle: Outline\n---\nx\n",
    "modules/01-shared/04-quiz.md": "---\ntitle: Q\ntype: quiz\n---\n### Q\nPick.\n\n"
                                    "- [x] [Project](02-project.md)\n  > See [project](02-project.md).\n- [ ] b\n",
    "modules/01-shared/all.png": b"all",
    "modules/01-shared/paid.png": b"paid",
    "modules/02-paid/module.md": "---\ntitle: Paid module\nofferings: [paid]\n---\n![Paid](pic.png)\n",
    "modules/02-paid/01-page.md": "---\ntitle: Paid page\n---\nx\n",
    "modules/02-paid/pic.png": b"pic",
}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("offerings")
    return read_course(write_tree(root, FILES))


def test_belongs():
    assert belongs(None, "x") and belongs(("x", "y"), "x") and not belongs(("y",), "x") and not belongs((), "x")


def test_the_whole_course_keeps_everything(course):
    assert [o.name for o in course.offerings] == ["open", "paid", "onsite"]
    assert len(course.items()) == 5 and len(course.assets) == 3


def test_an_offering_keeps_only_its_modules_items_and_files(course):
    open_ = select_offering(course, "open")
    assert open_.offering == "open" and open_.display_title == "Offerings (open)"
    assert [m.id for m in open_.modules] == ["shared"]
    assert [i.id for i in open_.items()] == ["intro", "outline", "quiz"]
    assert [a.key for a in open_.assets] == ["modules/shared/all.png"]
    paid = select_offering(course, "paid")
    assert [m.id for m in paid.modules] == ["shared", "paid"]
    assert [a.key for a in paid.assets] == ["modules/paid/pic.png", "modules/shared/all.png",
                                           "modules/shared/paid.png"]


def test_the_default_offering_is_used_without_a_name(course):
    assert select_offering(course).offering == "open"


def test_an_unknown_offering_is_a_key_error(course):
    with pytest.raises(KeyError):
        select_offering(course, "evening")


def test_due_weeks_count_from_the_offering_start_or_the_course_start(course):
    assert select_offering(course, "paid").item("shared/project").due == dt.date(2027, 3, 21)
    assert select_offering(course, "onsite").item("shared/project").due == dt.date(2027, 1, 24)
    assert course.item("shared/project").due is None  # the unselected course keeps 'week 3'


def test_links_to_items_outside_the_offering_become_plain_text(course):
    intro = select_offering(course, "open").item("shared/intro").body
    assert "the project" in intro.html and "ilead:item/shared/project" not in intro.html
    assert [parse(u).target for u in _urls(intro.html, "item")] == ["shared/outline"]
    assert intro.items == ("shared/outline",)
    paid = select_offering(course, "paid").item("shared/intro").body
    assert {parse(u).target for u in _urls(paid.html, "item")} == {"shared/project", "shared/outline"}


def test_links_in_quiz_choices_and_feedback_and_module_overviews_are_pruned_too(course):
    selected = select_offering(course, "open")
    question = selected.item("shared/quiz").questions[0]
    assert "ilead:" not in question.choices[0].html and "Project" in question.choices[0].html
    assert "ilead:" not in question.choices[0].feedback.html
    assert "ilead:module/paid" not in selected.module("shared").overview.html
    assert "Paid module" in selected.module("shared").overview.html


def test_each_link_leaving_the_offering_is_a_located_warning(course):
    found = links_leaving_offering(course, "open")
    where = sorted((Path(d.location.path).name, d.message.split("link to ")[1].split(" is")[0]) for d in found)
    assert where == [("01-intro.md", "item 'shared/project'"), ("04-quiz.md", "item 'shared/project'"),
                     ("04-quiz.md", "item 'shared/project'"), ("module.md", "module 'paid'")]
    assert all(d.level.value == "warning" for d in found)
    assert links_leaving_offering(course, "paid") == []


def test_selection_keeps_the_original_course_unchanged(course):
    before = course.model_dump()
    select_offering(course, "open")
    assert course.model_dump() == before


def test_handmade_offerings():
    course = read_course(HANDMADE)
    mooc, certificate = select_offering(course, "mooc"), select_offering(course, "certificate")
    assert "cleaning/project" not in [i.full_id for i in mooc.items()]
    assert certificate.item("cleaning/project").due == dt.date(2027, 4, 18)
    assert certificate.offering_info().title == "Open Data Literacy certificate"
    assert links_leaving_offering(course, "mooc") == []


def _urls(html: str, kind: str) -> list[str]:
    import re
    return re.findall(rf'href="(ilead:{kind}/[^"]+)"', html)
