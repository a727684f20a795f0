"""Round trip: build a cartridge, import it, and the course model is the original's, except
for what the import report lists.

For course_source/ and the fidelity root (every feature once), through the Canvas cartridge
and the plain CC 1.3 cartridge: ``build --target X`` -> ``import`` -> ``dump-model`` compared
field by field with the original offering's model.  Every difference must be named by a report
entry (its subject, or a format limit of the whole course, lists the field), so a difference
nobody reported fails.  Locations (file paths and line numbers) are where the new files put
things and are left out; white space between tags is folded; the order of an item's outcome ids
carries no meaning and is compared as a set.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from ilead_shell.importing import import_course
from ilead_shell.offerings import select_offering
from ilead_shell.pipeline import build
from ilead_shell.reader import read_course

ROOT = Path(__file__).resolve().parents[1]
COURSES = {"course_source": ROOT / "course_source", "fidelity": ROOT / "tests" / "roots" / "fidelity"}
CASES = [(c, t) for c in COURSES for t in ("canvas", "cc")]


@pytest.fixture(scope="session")
def round_trips(tmp_path_factory):
    cache = {}

    def run(course: str, target: str):
        if (course, target) not in cache:
            work = tmp_path_factory.mktemp(f"rt-{course}-{target}")
            results, _ = build(COURSES[course], target, work / "bundles")
            imported = import_course(results[0].path, work / "imported")
            cache[(course, target)] = (results[0], imported, work)
        return cache[(course, target)]

    return run


def _fold(value):
    if isinstance(value, dict):
        return {k: _fold(v) for k, v in value.items() if k != "location"}
    if isinstance(value, list):
        return [_fold(v) for v in value]
    if isinstance(value, str):
        return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", value)).strip()
    return value


def _differences(a, b, path=()):
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            yield from _differences(a.get(key), b.get(key), path + (key,))
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b) and path[-1:] != ("outcomes",):
        for index, (x, y) in enumerate(zip(a, b)):
            yield from _differences(x, y, path + (index,))
    elif isinstance(a, list) and isinstance(b, list) and path[-1:] == ("outcomes",) and \
            all(isinstance(v, str) for v in a + b):
        if sorted(a) != sorted(b):
            yield path, a, b
    elif a != b:
        yield path, a, b


def _renamed_assets(original: dict, imported: dict) -> dict:
    """Cartridges keep a file's safe name: map each original asset key to the imported one."""
    new_keys = {a["key"] for a in imported["assets"]}
    return {a["key"]: a["bundle_path"] for a in original["assets"]
            if a["key"] not in new_keys and a["bundle_path"] in new_keys}


def _apply_renames(data: dict, renames: dict) -> dict:
    from urllib.parse import quote
    text = json.dumps(data)
    for old, new in renames.items():
        text = text.replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1])
        text = text.replace(quote(old, safe="/"), quote(new, safe="/"))
    return json.loads(text)


def _fields(path: tuple, original: dict) -> tuple[str | None, set[str]]:
    """(item full id or module id or None for the course, the field names that cover it)."""
    if "link_lines" in path:
        return "", set()  # line numbers of links: locations in the new files
    if path[0] != "modules" or len(path) < 3:
        return None, {str(path[0])}
    module = original["modules"][path[1]]
    if path[2] != "items" or len(path) < 5:
        return module["id"], {str(path[2]), f"module.{path[2]}"}
    item = module["items"][path[3]]
    field = str(path[4])
    names = {field, f"{item['type']}.{field}"}
    if field == "questions" and len(path) > 6:
        names |= {f"question.{path[6]}"}
    return f"{module['id']}/{item['id']}", names


def _covered(subject: str | None, names: set[str], report) -> bool:
    for entry in report.entries:
        if not names & set(entry.fields):
            continue
        if entry.subject == "course" or subject is None:
            return True
        module, _, item = (subject or "").partition("/")
        if entry.subject.endswith(f"I_{module}__{item}") or entry.subject in (f"M_{module}", subject):
            return True
    return False


@pytest.mark.parametrize("course, target", CASES)
def test_every_difference_after_a_round_trip_is_in_the_import_report(round_trips, course, target):
    result, imported, _ = round_trips(course, target)
    original = select_offering(read_course(COURSES[course]), result.offering).model_dump(mode="json")
    again = read_course(imported.path).model_dump(mode="json")
    original = _apply_renames(original, _renamed_assets(original, again))
    unreported = []
    for path, before, after in _differences(_fold(original), _fold(again)):
        subject, names = _fields(path, original)
        if subject == "":
            continue
        if not _covered(subject, names, imported.report):
            unreported.append(f"{'.'.join(map(str, path))}: {json.dumps(before)[:200]} -> {json.dumps(after)[:200]}")
    assert not unreported, "differences the import report does not list:\n" + "\n".join(unreported)


@pytest.mark.parametrize("course, target", CASES)
def test_what_learners_read_and_answer_survives_a_round_trip(round_trips, course, target):
    """Bodies, questions, choices, answer keys and feedback come back exactly (white space folded),
    so the report's format limits never hide a change in content."""
    result, imported, _ = round_trips(course, target)
    original = select_offering(read_course(COURSES[course]), result.offering)
    again = read_course(imported.path)
    renames = _renamed_assets(original.model_dump(mode="json"), again.model_dump(mode="json"))

    def norm(html: str) -> str:
        for old, new in renames.items():
            from urllib.parse import quote
            html = html.replace(quote(old, safe="/"), quote(new, safe="/"))
        return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", html)).strip()

    assert [m.id for m in again.modules] == [m.id for m in original.modules]
    for before_module, after_module in zip(original.modules, again.modules):
        assert after_module.title == before_module.title
        assert norm(after_module.overview.html) == norm(before_module.overview.html)
        assert [i.id for i in after_module.items] == [i.id for i in before_module.items]
        for before, after in zip(before_module.items, after_module.items):
            assert after.title == before.title
            if before.type not in ("link", "file"):
                assert norm(after.body.html) == norm(before.body.html), before.full_id
            if before.type != "quiz":
                continue
            assert [q.id for q in after.questions] == [q.id for q in before.questions]
            for q0, q1 in zip(before.questions, after.questions):
                assert q1.title == q0.title and norm(q1.stem.html) == norm(q0.stem.html)
                assert [(c.id, c.text, c.correct) for c in q1.choices] == \
                    [(c.id, c.text, c.correct) for c in q0.choices], f"{before.full_id}/{q0.id}"
                assert [norm(c.feedback.html) if c.feedback else "" for c in q1.choices] == \
                    [norm(c.feedback.html) if c.feedback else "" for c in q0.choices]
                if target == "canvas" or q0.type not in ("numeric",):
                    assert q1.type == q0.type or (q0.type, q1.type) == ("numeric", "short_answer"), q0.id
                    assert q1.points == q0.points or target == "cc"
                    assert [a.lower() for a in q1.answers] == [a.lower() for a in q0.answers] or \
                        q0.type == "numeric"
                    if q1.type == "numeric":
                        assert q1.numeric == q0.numeric
                    assert norm(q1.feedback.html if q1.feedback else "") == \
                        norm(q0.feedback.html if q0.feedback else "")


@pytest.mark.parametrize("course, target", [("fidelity", "canvas"), ("fidelity", "cc")])
def test_the_imported_course_builds_again_for_every_target(round_trips, course, target, tmp_path):
    _, imported, _ = round_trips(course, target)
    results, findings = build(imported.path, "all", tmp_path)
    assert not [f for f in findings if f.is_error]
    assert {r.target for r in results} >= {"canvas", "cc", "moodle", "scorm12", "edx", "html"}


def test_importing_the_same_cartridge_twice_writes_the_same_files(round_trips, tmp_path):
    result, imported, _ = round_trips("fidelity", "canvas")
    again = import_course(result.path, tmp_path / "again")

    def tree(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}

    assert tree(again.path) == tree(imported.path)


def test_canvas_round_trip_keeps_points_groups_due_dates_rubrics_and_outcomes(round_trips):
    _, imported, _ = round_trips("fidelity", "canvas")
    course = read_course(imported.path)
    assert [(g.id, g.name, g.weight) for g in course.grading.groups] == \
        [("participation", "Participation", 20), ("assignments", "Assignments", 50), ("quizzes", "Knowledge checks", 30)]
    assert course.grading.pass_percent is None or course.grading.pass_percent == 70
    discussion = course.item("welcome/introductions")
    assert (discussion.points, discussion.group) == (5, "participation")
    quiz = course.item("foundations/check")
    assert (quiz.mastery, quiz.attempts, quiz.group, quiz.points_per_question) == (70, 3, "quizzes", 2)
    assert [o.id for o in course.outcomes] == ["CO1", "CO2"]
    assert [o.supports for o in course.module("welcome").outcomes] == [("CO1",)]
    draft = course.item("welcome/draft-notes")
    assert draft.published is False


def test_certificate_offering_round_trip_keeps_the_assignment_with_its_rubric(tmp_path):
    results, _ = build(COURSES["fidelity"], "canvas", tmp_path / "b", offering="certificate")
    imported = import_course(results[0].path, tmp_path / "imported")
    course = read_course(imported.path)
    plan = course.item("foundations/action-plan")
    assert (plan.points, plan.group, plan.submission) == (20, "assignments", ("text", "file"))
    assert plan.due is not None
    assert [(r.criterion, r.points, r.description) for r in plan.rubric] == [
        ("Analysis of the current service", 8, "Names barriers with evidence."),
        ("Proposed change", 8, "Specific, feasible and inclusive."),
        ("Writing", 4, "Clear and well organised.")]
    results, _ = build(COURSES["fidelity"], "cc", tmp_path / "c", offering="certificate")
    plain = read_course(import_course(results[0].path, tmp_path / "plain").path)
    plan = plain.item("foundations/action-plan")
    assert plan.points == 20 and [r.criterion for r in plan.rubric] == \
        ["Analysis of the current service", "Proposed change", "Writing"]


@pytest.mark.parametrize("target", ["cc", "canvas", "moodle"])
def test_an_admonition_comes_back_as_an_admonition(tmp_path, target):
    # It was converted by calling the converter on the admonition itself, which called it again.
    handmade = ROOT / "tests" / "roots" / "handmade"
    results, _ = build(handmade, target, tmp_path / "b")
    imported = import_course(results[0].path, tmp_path / "imported")
    page = (imported.path / "modules" / "02-cleaning" / "01-tidy-data.md").read_text(encoding="utf-8")
    assert "\n!!! note\n    Admonitions are on.\n" in page
    assert read_course(imported.path).item("cleaning/tidy-data").body.html.count('class="admonition note"') == 1


def test_the_report_is_written_beside_the_course(round_trips):
    _, imported, _ = round_trips("fidelity", "cc")
    text = (imported.path / "import-report.md").read_text(encoding="utf-8")
    assert text.startswith("# Import report: Fidelity")
    assert "numeric answers arrive as text answers, ranges as essays" in text
