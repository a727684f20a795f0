"""Identifiers: derived from the author's slugs, stable under renumbering, reordering, editing."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from ilead_shell import identifiers as ids
from ilead_shell.cli import main

HANDMADE = Path(__file__).parent / "roots" / "handmade"


# -- the functions -------------------------------------------------------------------------
@pytest.mark.parametrize("stem, slug", [
    ("01-welcome", "welcome"),
    ("1_welcome", "welcome"),
    ("001 Welcome Home", "welcome-home"),
    ("welcome", "welcome"),
    ("02-Équité & Inclusion", "equite-inclusion"),
    ("10-2024-review", "2024-review"),
    ("07-", ""),
    ("03-«Equity» first!", "equity-first"),  # punctuation at either end leaves no dash behind
])
def test_slug_from_filename_drops_the_order_prefix(stem, slug):
    assert ids.slug_from_filename(stem) == slug


@pytest.mark.parametrize("value, valid", [
    ("welcome", True), ("how-it-works", True), ("a_b-c9", True), ("0", True),
    ("Welcome", False), ("a--b", False), ("a__b", False), ("-a", False), ("a-", False), ("", False),
    ("a b", False), ("a.b", False), ("é", False),
])
def test_valid_ids(value, valid):
    assert ids.is_valid_id(value) is valid


def test_join_is_unambiguous_because_ids_never_contain_a_double_underscore():
    assert ids.join("a-b", "c") != ids.join("a", "b-c")
    assert ids.join("a_b", "c") != ids.join("a", "b_c")
    assert ids.join("a", "b", "c") == "a__b__c"


@pytest.mark.parametrize("parts", [("welcome", "how-it-works"), ("0", "1"), ("a_b", "c-d")])
def test_ncname_is_a_valid_xml_id(parts):
    name = ids.ncname("I", *parts)
    etree.fromstring(f'<x xml:id="{name}"/>')  # raises if not an NCName
    assert name.startswith("I_")


def test_short_hash_is_stable_and_content_derived():
    assert ids.short_hash("modules/a/x.png") == ids.short_hash("modules/a/x.png")
    assert ids.short_hash("modules/a/x.png") != ids.short_hash("modules/a/y.png")
    assert len(ids.short_hash("x", 6)) == 6
    # A fixed value: the hash must never depend on the process (PYTHONHASHSEED) or the clock.
    assert ids.short_hash("ilead") == "53a4578235"


@pytest.mark.parametrize("segment, safe", [
    ("data flow.png", "data-flow.png"), ("Résumé.pdf", "Resume.pdf"), ("..", "file"),
    ("日本.png", "file.png"), (".png", "png"), ("a/b", "a-b"), ("normal-name_1.txt", "normal-name_1.txt"),
    ("X-ray scan.png", "X-ray-scan.png"), ("Box X", "Box-X"), ("-draft-.md", "draft-.md"),
    ("图书馆.2024.png", "2024.png"),  # the last dot starts the extension; what folds to ASCII is kept
    ("..png", "png"),  # only dots before the extension: like ".png", the extension is the name
])
def test_safe_path_segment(segment, safe):
    assert ids.safe_path_segment(segment) == safe
    assert re.fullmatch(r"[A-Za-z0-9._-]+", ids.safe_path_segment(segment))


def test_a_choice_whose_first_word_is_longer_than_an_id_is_cut_to_the_id_length():
    slug = ids.choice_slug("Antidisestablishmentarianism, in libraries")
    assert slug == "antidisestablishmentarianism"[:ids.CHOICE_ID_LENGTH]
    assert ids.choice_slug("Intersectionality matters in every library") == "intersectionality"


# -- stability of a whole course through dump-model -----------------------------------------
def _ids(root: Path) -> dict:
    result = CliRunner().invoke(main, ["dump-model", str(root)])
    assert result.exit_code == 0, result.output
    model = json.loads(result.output)
    return {
        "modules": sorted(m["id"] for m in model["modules"]),
        "items": sorted(f'{m["id"]}/{i["id"]}' for m in model["modules"] for i in m["items"]),
        "questions": sorted(f'{m["id"]}/{i["id"]}/{q["id"]}' for m in model["modules"] for i in m["items"]
                            for q in i.get("questions", [])),
        "assets": sorted((a["key"], a["bundle_path"]) for a in model["assets"]),
        "outcomes": sorted(o["id"] for o in model["outcomes"]),
    }


@pytest.fixture
def course(tmp_path: Path) -> Path:
    target = tmp_path / "course"
    shutil.copytree(HANDMADE, target, symlinks=True)
    return target


@pytest.fixture(scope="module")
def original() -> dict:
    return _ids(HANDMADE)


def _rename(root: Path, old: str, new: str) -> None:
    """Rename a file or folder the way an author would: links and course.yml follow."""
    (root / old).rename(root / new)
    old_name, new_name = Path(old).name, Path(new).name
    for path in [root / "course.yml", *root.rglob("*.md")]:
        text = path.read_text()
        path.write_text(text.replace(f"modules: [{old_name}", f"modules: [{new_name}")
                        .replace(f"{old_name}/", f"{new_name}/").replace(f"({old_name}", f"({new_name}"))


def test_renumbering_a_module_keeps_every_id(course, original):
    _rename(course, "modules/01-orientation", "modules/05-orientation")
    assert _ids(course) == original


def test_renumbering_items_keeps_every_id(course, original):
    for old, new in [("01-tidy-data.md", "40-tidy-data.md"), ("03-self-check.md", "7-self-check.md"),
                     ("02-walkthrough.md", "2-walkthrough.md")]:
        _rename(course, f"modules/02-cleaning/{old}", f"modules/02-cleaning/{new}")
    after = _ids(course)
    assert after == original


def test_reordering_modules_and_items_keeps_every_id(course, original):
    course_yml = course / "course.yml"
    course_yml.write_text(course_yml.read_text().replace(
        "modules: [01-orientation, 02-cleaning, library/ethics]",
        "modules: [library/ethics, 02-cleaning, 01-orientation]"))
    _rename(course, "modules/01-orientation/01-start-here.md", "modules/01-orientation/09-start-here.md")
    _rename(course, "modules/01-orientation/04-handbook.md", "modules/01-orientation/00-handbook.md")
    result = CliRunner().invoke(main, ["dump-model", str(course)])
    order = [m["id"] for m in json.loads(result.output)["modules"]]
    assert order == ["data-ethics", "cleaning", "orientation"]
    assert _ids(course) == original


def test_editing_titles_and_text_keeps_every_id(course, original):
    for path in course.rglob("*.md"):
        text = path.read_text()
        text = re.sub(r'^title: ("?)(.*)$', r"title: \1Edited \2", text, count=1, flags=re.MULTILINE)
        path.write_text(text + "\nAn added closing paragraph.\n")
    quiz = course / "modules/02-cleaning/03-self-check.md"
    # Question ids follow their titles unless pinned with {id=...}; the pinned one must not move.
    assert "{id=merged-cells}" in quiz.read_text()
    after = _ids(course)
    assert after["modules"] == original["modules"]
    assert after["items"] == original["items"]
    assert after["assets"] == original["assets"]


def test_a_pinned_question_id_survives_a_title_edit(course, original):
    quiz = course / "modules/02-cleaning/03-self-check.md"
    quiz.write_text(quiz.read_text().replace("### Merged cells are tidy {id=merged-cells}",
                                             "### Are merged cells tidy? {id=merged-cells}"))
    assert _ids(course)["questions"] == original["questions"]


def test_the_model_dump_is_identical_for_identical_sources(course):
    first = CliRunner().invoke(main, ["dump-model", str(HANDMADE)]).output
    second = CliRunner().invoke(main, ["dump-model", str(course)]).output
    assert first == second


# -- choice ids: from the choice's words, never from its place ----------------------------
def _choices(tmp_path: Path, body: str) -> list[tuple[str, str]]:
    from test_reader_quiz import questions
    (question,) = questions(tmp_path, body)
    return [(c.id, c.text) for c in question.choices]


def _choice_errors(tmp_path: Path, body: str) -> list[str]:
    from test_reader_quiz import errors
    return errors(tmp_path, body)


MIXED = """\
### Equity
Which statement describes equity?

- [ ] Giving every patron exactly the same service
- [x] Taking difference into account so that process and outcome are fair
- [ ] Counting how many groups are represented on staff
- [ ] Counting how many groups are represented in leadership
- [ ] 图书馆
"""


def test_choice_ids_are_slugs_of_their_first_words_and_hashes_only_where_needed(tmp_path):
    assert _choices(tmp_path, MIXED) == [
        ("giving-every-patron", "Giving every patron exactly the same service"),
        ("taking-difference-into", "Taking difference into account so that process and outcome are fair"),
        ("counting-how-many-groups-096fad", "Counting how many groups are represented on staff"),
        ("counting-how-many-groups-919167", "Counting how many groups are represented in leadership"),
        ("choice-78e295", "图书馆"),
    ]


def test_reordering_choices_keeps_each_choice_id(tmp_path):
    head, *lines = MIXED.split("\n- ")
    shuffled = "\n- ".join([head, *reversed([line.strip("\n") for line in lines])]) + "\n"
    assert dict(_choices(tmp_path / "a", MIXED)) == dict(_choices(tmp_path / "b", shuffled))
    assert [i for i, _ in _choices(tmp_path / "a", MIXED)] != [i for i, _ in _choices(tmp_path / "b", shuffled)]


def test_markdown_decoration_links_and_tags_are_not_part_of_a_choice_id(tmp_path):
    assert [i for i, _ in _choices(tmp_path, "### Q\nWhich?\n\n- [x] **Read** the [policy](https://example.org/p)\n"
                                             "- [ ] Skip <em>it</em>\n")] == ["read-the-policy", "skip-it"]


def test_true_false_choices_are_true_and_false(tmp_path):
    assert [i for i, _ in _choices(tmp_path, "### Q\nTrue?\n\n- [ ] True\n- [x] False\n")] == ["true", "false"]


def test_a_pinned_choice_id_survives_editing_the_choice(tmp_path):
    first = _choices(tmp_path / "a", "### Q\nWhich?\n\n- [x] The community's needs {id=needs}\n- [ ] The budget\n")
    edited = _choices(tmp_path / "b", "### Q\nWhich?\n\n- [ ] The budget\n"
                                      "- [x] What the community says it needs {id=needs}\n")
    assert first == [("needs", "The community's needs"), ("the-budget", "The budget")]
    assert dict(edited)["needs"] == "What the community says it needs"


def test_a_derived_id_that_equals_a_pin_takes_a_hash(tmp_path):
    ids_found = [i for i, _ in _choices(tmp_path, "### Q\nWhich?\n\n- [x] Budget\n- [ ] Other {id=budget}\n")]
    assert ids_found[1] == "budget" and ids_found[0].startswith("budget-") and len(set(ids_found)) == 2


@pytest.mark.parametrize("body, line, words", [
    ("### Q\nWhich?\n\n- [x] Same\n- [ ] Same\n", 5, "two choices read the same ('Same', the other is at line 8)"),
    ("### Q\nWhich?\n\n- [x] One {id=x}\n- [ ] Two {id=x}\n", 5, "two choices have the id 'x' (the other is at line 8)"),
    ("### Q\nWhich?\n\n- [x] One {id=Bad Id}\n- [ ] Two\n", 4, "choice id 'Bad Id' must be lower-case"),
    ("### Q\nWhich?\n\n- [x] One {id=a--b}\n- [ ] Two\n", 4, "choice id 'a--b' must be lower-case"),
])
def test_choice_id_mistakes_are_located(tmp_path, body, line, words):
    from test_reader_quiz import at
    found = _choice_errors(tmp_path, body)
    assert any(at(line) in m and words in m for m in found), found
