"""Cartridge writers copy recurring parts (Canvas module rows, outcomes, quiz and topic
settings, manifest resources, QTI parts) from a first build of the same shape and write
only identifiers and texts into each copy (ilead_cc/copies.py).  Every file of every
cartridge must be exactly what building each part afresh gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from ilead_cc import CanvasExporter, CommonCartridgeExporter, MoodleExporter, copies
from course_tree import write_tree
from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course

ROOTS = Path(__file__).parent / "roots"
EXPORTERS = {
    "cc-1.3": lambda: CommonCartridgeExporter(),
    "cc-1.1": lambda: CommonCartridgeExporter(CommonCartridgeExporter.Options(cc_version="1.1")),
    "canvas": CanvasExporter,
    "moodle": MoodleExporter,
}


def alike(n: int) -> dict[str, str]:
    """Module ``n`` of a course whose modules hold items of the same shapes, so that every
    part is copied several times: only titles, ids, texts, addresses and dates differ."""
    folder = f"modules/{n:02d}-m{n}"
    return {
        f"{folder}/module.md": f"---\ntitle: Module {n}\noutcomes: [{{id: M{n}, text: 'Part {n}.', supports: [CO1]}}]\n"
                               f"---\nOverview {n}.\n",
        f"{folder}/01-link.md": f"---\ntitle: Site {n}\ntype: link\nurl: https://example.org/{n}\n---\n",
        f"{folder}/02-task.md": f"---\ntitle: Task {n}\ntype: assignment\npoints: 10\ngroup: work\ndue: week {n}\n"
                                f"outcomes: [M{n}]\nrubric:\n  - {{criterion: Criterion {n}, points: 10, "
                                f"description: Level {n}.}}\n---\nDo part {n}.\n",
        f"{folder}/03-forum.md": f"---\ntitle: Forum {n}\ntype: discussion\npoints: 5\ngroup: work\n"
                                 f"outcomes: [M{n}]\n---\nDiscuss part {n}.\n",
        f"{folder}/04-check.md": f"---\ntitle: Check {n}\ntype: quiz\ngroup: work\nattempts: {2 + n % 2}\noutcomes: [M{n}]\n---\n"
                                 f"Introduction {n}.\n\n### Pick {n}\nWhich {n}?\n\n- [x] Yes {n}\n  > Right {n}.\n"
                                 f"- [ ] No {n}\n- [ ] Maybe {n}\n",
        f"{folder}/05-draft.md": f"---\ntitle: Draft {n}\npublished: false\n---\nDraft {n}.\n",
    }


@pytest.fixture(scope="module")
def courses(tmp_path_factory):
    """Courses whose items differ in everything a copy could carry over: titles, ids, due
    dates, groups, points, publication, rubrics, outcomes and their alignments."""
    root = tmp_path_factory.mktemp("alike") / "src"
    files = {"course.yml": "title: Alike\ncode: A-1\nstart: 2027-01-11\n"
                           "outcomes: [{id: CO1, text: 'The whole.'}]\n"
                           "grading:\n  groups: [{id: work, name: Work, weight: 100}]\n"}
    for n in range(1, 5):
        files.update(alike(n))
    course = read_course(write_tree(root, files))
    found = [select_offering(course, course.default_offering)]
    for name in ("full", "fidelity", "outcomes-aligned", "audience"):
        course = read_course(ROOTS / name)
        names = [o.name for o in course.offerings] or [course.default_offering]
        found += [select_offering(course, name) if course.offerings else course for name in names]
    return found


def files(bundle) -> dict[str, bytes]:
    return {path: entry.read() for path, entry in bundle.files.items()}


@pytest.mark.parametrize("target", sorted(EXPORTERS))
def test_every_file_is_byte_for_byte_what_building_without_copies_gives(target, courses, monkeypatch):
    monkeypatch.setattr(copies, "TEMPLATES", {})
    copied = [files(EXPORTERS[target]().build_bundle(course)) for course in courses]
    monkeypatch.setattr(copies, "LIMIT", 0)
    monkeypatch.setattr(copies, "TEMPLATES", {})
    built = [files(EXPORTERS[target]().build_bundle(course)) for course in courses]
    for one, other in zip(copied, built):
        assert one.keys() == other.keys()
        assert [path for path in one if one[path] != other[path]] == []
