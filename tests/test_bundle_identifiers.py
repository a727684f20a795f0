"""Identifiers are stable in the bundles themselves, for every target.

The fidelity root (every feature once: files and images with spaces, links between items,
every question type) is built for every target, then edited the way authors reorganise a
course and built again:

- **renumbered**: every ``NN-`` prefix of module folders and item files moves up by four
  (``01-welcome`` -> ``05-welcome``), links following;
- **reordered**: modules, the items of each module, the questions of each quiz and the choices
  of each question in reverse order.

Every identifier a bundle holds must be the same afterwards, and must still name the same
thing: manifest and organization ids with their titles, QTI item idents with their titles,
choice idents with the choice's text, feedback idents with the feedback's text, Open edX
url_names with their display names, SCORM/HTML input ids with their labels, the quiz keys'
ids, and every file's path in the archive.  Only order may change.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

import qti_evaluator as qti
from built_bundles import ALL_TARGETS, build_archive, read_archive
from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course
from ilead_shell.registry import Registry

FIDELITY = Path(__file__).parent / "roots" / "fidelity"
PREFIX = re.compile(r"^(\d+)-")
#: Attributes that hold identifiers in cartridges, QTI, SCORM manifests, OLX and HTML.
ID_ATTRIBUTES = ("identifier", "identifierref", "ident", "url_name", "id", "for", "data-question",
                 "data-choice-feedback", "data-quiz-key")
OFFERINGS = ("mooc", "certificate")


# -- the author's edits ---------------------------------------------------------------------
def _renames(root: Path, new_prefix) -> dict[Path, Path]:
    """old -> new path of every module folder and item file, by ``new_prefix(number, index, count)``."""
    moves: dict[Path, Path] = {}
    folders = sorted(p for p in (root / "modules").iterdir() if p.is_dir() and PREFIX.match(p.name))
    for index, folder in enumerate(folders):
        items = sorted(p for p in folder.glob("*.md") if PREFIX.match(p.name))
        for position, item in enumerate(items):
            moves[item] = item.with_name(PREFIX.sub(new_prefix(int(PREFIX.match(item.name)[1]), position,
                                                                len(items)) + "-", item.name))
        moves[folder] = folder.with_name(PREFIX.sub(new_prefix(int(PREFIX.match(folder.name)[1]), index,
                                                                len(folders)) + "-", folder.name))
    return moves


def _apply_renames(root: Path, moves: dict[Path, Path]) -> None:
    names = {old.name: new.name for old, new in moves.items()}
    assert len(names) == len(moves), "the edit needs unique file and folder names"
    for path in [root / "course.yml", *root.rglob("*.md")]:
        text = path.read_text(encoding="utf-8")
        for old, new in names.items():
            # Links name them as path segments: (02-intro.md), ../01-welcome/x.md, <01-a b.md>
            text = re.sub(rf"(?<=[(/<\s\[]){re.escape(old)}(?=[/)#>\s]|$)", new, text)
        path.write_text(text, encoding="utf-8")
    for old in sorted(moves, key=lambda p: len(p.parts), reverse=True):  # files before their folders
        old.rename(moves[old])


def renumber(root: Path) -> None:
    _apply_renames(root, _renames(root, lambda number, index, count: f"{number + 4:02d}"))


def reorder(root: Path) -> None:
    _apply_renames(root, _renames(root, lambda number, index, count: f"{count - index + 10:02d}"))
    for path in root.rglob("*.md"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"^type:\s*quiz\s*$", text, re.MULTILINE):
            path.write_text(_reverse_questions(text), encoding="utf-8")


def _reverse_questions(text: str) -> str:
    parts = re.split(r"(?m)^(?=### )", text)
    intro, questions = parts[0], parts[1:]
    return intro + "".join(_reverse_choices(q).rstrip("\n") + "\n\n" for q in reversed(questions))


def _reverse_choices(question: str) -> str:
    lines = question.split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith("- [")), None)
    if start is None:
        return question
    end = start
    while end < len(lines) and (lines[end].startswith("- [") or lines[end].startswith("  ")):
        end += 1
    choices: list[list[str]] = []
    for line in lines[start:end]:
        if line.startswith("- ["):
            choices.append([line])
        else:
            choices[-1].append(line)
    return "\n".join(lines[:start] + [line for choice in reversed(choices) for line in choice] + lines[end:])


# -- the identifiers of a bundle ------------------------------------------------------------
def _label(element: etree._Element) -> str:
    """What an identified element names, so a swapped mapping shows up as a change."""
    name = qti._local(element) if isinstance(element.tag, str) else ""
    if name in ("response_label", "itemfeedback"):
        return qti.visible_text(element)
    if name == "label":
        return " ".join(element.text_content().split())
    if name == "input":
        return element.get("value", "")
    if name == "template":
        return " ".join(element.text_content().split()) if hasattr(element, "text_content") else ""
    titles = [c for c in element if isinstance(c.tag, str) and qti._local(c) == "title"]
    return " ".join(filter(None, [element.get("title", ""), element.get("display_name", ""), element.get("href", ""),
                                  " ".join((titles[0].text or "").split()) if titles else ""]))


def identifiers(files: dict[str, bytes]) -> set[tuple[str, ...]]:
    """Every file path, and every identified element as (tag, attribute, value, what it names).

    Elements are not tied to the file they are in: a quiz's introduction sits in the Open edX
    unit of whichever question comes first, which is order, not identity."""
    found: set[tuple[str, ...]] = {("file", path) for path in files}
    for path, data in files.items():
        if path.endswith((".html", ".htm")):
            root = lxml_html.document_fromstring(data)
        elif path.endswith((".xml", ".qti")):
            root = etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False))
        else:
            continue
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            for attribute in ID_ATTRIBUTES:
                if element.get(attribute) is not None:
                    found.add((qti._local(element), attribute, element.get(attribute), _label(element)))
            if element.tag == "script" and element.get("type") == "application/json":
                found |= {("json", *entry) for entry in _json_ids(json.loads(element.text or "null"))}
    return found


def _json_ids(value) -> set[tuple[str, ...]]:
    """Every object with an ``id`` in embedded JSON (quiz keys), with its scalar fields."""
    found: set[tuple[str, ...]] = set()
    if isinstance(value, dict):
        if "id" in value:
            scalars = sorted((k, json.dumps(v)) for k, v in value.items() if not isinstance(v, (dict, list)))
            found.add(tuple(f"{k}={v}" for k, v in scalars))
        for v in value.values():
            found |= _json_ids(v)
    elif isinstance(value, list):
        for v in value:
            found |= _json_ids(v)
    return found


# -- the tests ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    """{edit: {(target, offering): identifiers}} for the original, renumbered and reordered course."""
    registry = Registry()
    found = {}
    for edit, change in (("original", None), ("renumbered", renumber), ("reordered", reorder)):
        root = tmp_path_factory.mktemp(edit) / "fidelity"
        shutil.copytree(FIDELITY, root)
        if change:
            change(root)
        course = read_course(root)
        out = tmp_path_factory.mktemp(f"{edit}-out")
        found[edit] = {
            (target, offering): identifiers(read_archive(build_archive(
                select_offering(course, offering), target, out / f"{target}-{offering}.bin", registry)))
            for target, _, _ in ALL_TARGETS for offering in OFFERINGS}
        found[f"{edit}-course"] = course
    return found


def test_the_edits_really_renumber_and_reorder(bundles):
    original, renumbered, reordered = (bundles[f"{e}-course"] for e in ("original", "renumbered", "reordered"))
    assert [Path(m.folder).name[:2] for m in original.modules] == ["01", "02", "03"]
    assert [Path(m.folder).name[:2] for m in renumbered.modules] == ["05", "06", "07"]
    assert [m.id for m in reordered.modules] == [m.id for m in reversed(original.modules)]
    for before, after in zip(original.modules, reversed(reordered.modules)):
        assert [i.id for i in after.items] == [i.id for i in reversed(before.items)]
    quiz = next(i for i in original.items() if i.id == "check")
    moved = next(i for i in reordered.items() if i.id == "check")
    assert [q.id for q in moved.questions] == [q.id for q in reversed(quiz.questions)]
    assert [c.text for c in moved.questions[-1].choices] == [c.text for c in reversed(quiz.questions[0].choices)]
    assert len(quiz.questions[0].choices) > 2


@pytest.mark.parametrize("edit", ["renumbered", "reordered"])
@pytest.mark.parametrize("target", [t for t, _, _ in ALL_TARGETS])
def test_every_identifier_of_every_bundle_survives(bundles, edit, target):
    for offering in OFFERINGS:
        before, after = bundles["original"][(target, offering)], bundles[edit][(target, offering)]
        lost, gained = sorted(before - after), sorted(after - before)
        assert not lost and not gained, (f"{target} ({offering}) after the course was {edit}:\n"
                                         f"  lost:   {lost[:8]}\n  gained: {gained[:8]}")


# -- from release to release ----------------------------------------------------------------
#: The identifiers the fidelity course's bundles hold, as this release writes them.  An LMS
#: matches a re-imported course to the one it already holds by these (Canvas's migration ids,
#: Moodle's and Open edX's url_names), so changing one makes a re-import duplicate the item
#: instead of updating it, and loses the learners' grades attached to it.  New identifiers pass;
#: record them (and make a deliberate change) with
#: ``ILEAD_WRITE_IDENTIFIERS=1 pytest tests/test_bundle_identifiers.py -k previous_release``.
RELEASED = Path(__file__).parent / "fixtures" / "released-identifiers.json"


def _released_form(found: set[tuple[str, ...]]) -> list[str]:
    return sorted({f"{entry[1]}={entry[2]}" for entry in found if entry[0] not in ("file", "json")})


@pytest.fixture(scope="module")
def released_now(tmp_path_factory):
    """target -> {offering: identifiers} of the fidelity course as built now, one target at a time."""
    course, found = read_course(FIDELITY), {}

    def build(target: str) -> dict[str, list[str]]:
        if target not in found:
            out = tmp_path_factory.mktemp(f"released-{target}")
            found[target] = {offering: _released_form(identifiers(read_archive(build_archive(
                select_offering(course, offering), target, out / f"{offering}.bin")))) for offering in OFFERINGS}
        return found[target]
    return build


@pytest.mark.parametrize("target", [t for t, _, _ in ALL_TARGETS])
def test_identifiers_are_the_ones_the_previous_release_wrote(released_now, target):
    now = released_now(target)
    released = json.loads(RELEASED.read_text(encoding="utf-8")) if RELEASED.exists() else {}
    if os.environ.get("ILEAD_WRITE_IDENTIFIERS"):
        released.update({f"{target} {offering}": ids for offering, ids in now.items()})
        RELEASED.write_text(json.dumps(dict(sorted(released.items())), indent=0, ensure_ascii=False) + "\n",
                            encoding="utf-8")
    for offering, ids in now.items():
        # A new identifier (a new feature) is harmless; one the release wrote must still be there.
        lost = sorted(set(released[f"{target} {offering}"]) - set(ids))
        assert not lost, f"{target} ({offering}) no longer writes {len(lost)} identifiers: {lost[:8]}"
