"""The .mbz restored by Moodle 5.1 itself, then read back from Moodle's database.

Each backup (the fidelity course and ``course_source/``, every offering) is built once,
restored once through Moodle's restore path (``moodle.import_bundle(mode="restore")``:
restore_controller, precheck, plan) and read back once by ``moodle_php/read_course.php``.
Every expectation below is computed from the course source here, not by the exporter, so a
wrong fraction, weight, order or rubric level in the backup makes a test fail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import pytest
import tarfile
from lxml import etree

from course_tree import write_tree
from ilead_shell.model import Assignment, Course, Discussion, File, Item, Link, Page, Quiz, Video
from ilead_shell.offerings import select_offering
from ilead_shell.pipeline import build
from ilead_shell.reader import read_course

REPO = Path(__file__).resolve().parents[1]
PHP = Path(__file__).parent / "moodle_php"
ROOTS = {"fidelity": REPO / "tests" / "roots" / "fidelity", "course_source": REPO / "course_source",
         "audience": REPO / "tests" / "roots" / "audience"}
CASES = [("fidelity", "mooc"), ("fidelity", "certificate"),
         ("course_source", "mooc"), ("course_source", "certificate"), ("course_source", "onsite"),
         ("edges", "default"), ("audience", "default")]
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6300010000050001a5f645400000000049454e44ae426082")
#: What neither real course has: a video file with captions, an image in a question and in a
#: module overview, three correct choices (fractions of a third), a decimal range, a '*' in an
#: accepted answer, a web-address submission, a graded item outside every grading group.
EDGES = {
    "course.yml": """\
        title: "Edges <and> corners"
        code: EDGE-1
        start: 2027-03-01
        description: "Corners of the format, with a logo: ![The logo](assets/logo.png)"
        grading:
          groups: [{id: work, name: Work, weight: 100}]
          pass: 50
        """,
    "modules/01-only/module.md": """\
        ---
        title: The only module
        ---
        The overview shows a map: ![A map](images/map.png)
        """,
    "modules/01-only/images/map.png": PNG,
    "assets/logo.png": PNG + b"logo",
    "modules/01-only/media/clip.mp4": b"\x00\x00\x00\x18ftypmp42 not really a film",
    "modules/01-only/media/clip.vtt": "WEBVTT\n\n00:00.000 --> 00:01.000\nHello.\n",
    "modules/01-only/01-clip.md": """\
        ---
        title: A short clip
        type: video
        path: media/clip.mp4
        captions: media/clip.vtt
        ---
        One second of film.
        """,
    "modules/01-only/02-check.md": """\
        ---
        title: Edge check
        type: quiz
        group: work
        mastery: 50
        ---
        ### Three of four {type=multiple_answer}
        Which are right? ![The chart](images/map.png)

        - [x] One
        - [x] Two
        - [x] Three
        - [ ] Four

        ### A decimal range {type=numeric}
        Give a number from 1.1 to 1.3.

        = 1.1..1.3

        ### A product {type=short_answer}
        Write the product of two and three as a formula.

        = 2*3

        ### The sky is up
        True or false?

        - [x] True
        - [ ] False
        """,
    "modules/01-only/03-link-task.md": """\
        ---
        title: Share a link
        type: assignment
        points: 10
        submission: [url]
        due: 2027-03-14
        ---
        Post the address of your page.
        """,
}
MODNAME = {"page": "page", "video": "page", "assignment": "assign", "discussion": "forum", "quiz": "quiz",
           "link": "url", "file": "resource"}
WEIGHTED_MEAN, NATURAL = 10, 13
COMPLETE_PASS, COMPLETE_FAIL = 2, 3


@dataclass
class Restored:
    course: Course        # the offering as the source defines it
    bundle: Path
    summary: dict         # import.php's JSON: success, errors, warnings, restore log
    db: dict              # read_course.php's JSON: what Moodle's database holds


@pytest.fixture(scope="module")
def restore(moodle, tmp_path_factory):
    """``restore(case)``: build, restore and read back one offering, once per test run."""
    done: dict[tuple[str, str], Restored] = {}
    roots = {**ROOTS, "edges": write_tree(tmp_path_factory.mktemp("edges") / "course", EDGES)}

    def get(case: tuple[str, str]) -> Restored:
        if case not in done:
            root_name, offering = case
            out = tmp_path_factory.mktemp(f"mbz-{root_name}-{offering}")
            (result,), _ = build(roots[root_name], "mbz", out, offering=offering)
            summary = moodle.import_bundle(result.path, mode="restore")
            db = {}
            if summary.get("course_id"):
                ran = moodle.php(PHP / "read_course.php", f"--moodle={moodle.home / 'moodle'}",
                                 f"--course={summary['course_id']}")
                assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
                db = json.loads(ran.stdout)
            done[case] = Restored(select_offering(read_course(roots[root_name]), offering), result.path, summary, db)
        return done[case]

    return get


@pytest.fixture(params=CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def restored(request, restore) -> Restored:
    return restore(request.param)


# -- helpers -----------------------------------------------------------------------------------
def text(fragment: str | None) -> str:
    """The words of an HTML fragment, whitespace normalised."""
    if not fragment or not fragment.strip():
        return ""
    return " ".join(lxml.html.fragment_fromstring(fragment, create_parent="div").text_content().split())


def name(stored: str) -> str:
    return html.unescape(stored)


def midnight(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.timezone.utc).timestamp())


def day_end(day: dt.date) -> int:
    return int(dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dt.timezone.utc).timestamp())


def activities(db: dict) -> dict[str, dict]:
    """Restored activities by their idnumber (the source's full item id)."""
    return {a["idnumber"]: a for a in db["activities"] if a["idnumber"]}


def for_learners(item: Item) -> bool:
    return item.published and item.audience != "instructors"


def graded_points(item: Item) -> float | None:
    """The points an item counts for in the gradebook: none for instructor material."""
    if item.audience == "instructors":
        return None
    if isinstance(item, Quiz):
        return item.points or None
    if isinstance(item, Assignment):
        return item.points if item.points is not None else (sum(c.points for c in item.rubric) or None)
    if isinstance(item, Discussion) and item.graded:
        return item.points
    return None


def items_of(course: Course, kind: type) -> list:
    return [i for i in course.items() if isinstance(i, kind)]


# -- the restore itself --------------------------------------------------------------------------
def test_moodle_restores_the_backup_without_an_error_or_a_warning(restored):
    summary = restored.summary
    assert summary["format_detected"] == "moodle2"
    assert summary["success"], summary["errors"]
    assert summary["errors"] == [] and summary["warnings"] == [] and summary["restore_log"] == []
    assert not (summary.get("precheck") or {}).get("warnings")
    assert restored.db["printed"] == ""


def test_the_course_has_the_offerings_names_dates_and_language(restored):
    course, found = restored.course, restored.db["course"]
    # A site that already holds a course of that name gets " copy N" / "_N" (Moodle's restore does that).
    assert re.fullmatch(re.escape(course.display_title) + r"( copy \d+)?", name(found["fullname"]))
    short = course.code if course.offering == "default" else f"{course.code}-{course.offering}"
    assert re.fullmatch(re.escape(short) + r"(_\d+)?", found["shortname"])
    assert found["startdate"] == midnight(course.offering_info().start or course.start)
    assert found["lang"] == course.language.split("-")[0]
    assert found["format"] == "topics" and found["enablecompletion"] == 1
    assert text(course.description.html) and text(course.description.html) in text(found["summary"])
    assert "manual" in found["enrol_methods"]


def test_one_named_section_per_module_in_order_with_its_overview(restored):
    course, sections = restored.course, restored.db["sections"]
    assert [s["number"] for s in sections] == list(range(len(course.modules) + 1))
    assert [name(s["name"]) for s in sections[1:]] == [m.title for m in course.modules]
    assert [s["visible"] for s in sections[1:]] == [0 if m.audience == "instructors" else 1 for m in course.modules]
    for module, section in zip(course.modules, sections[1:]):
        summary = text(section["summary"])
        assert text(module.overview.html) in summary
        assert all(o.text in summary for o in module.outcomes)
    assert all(o.text in text(sections[0]["summary"]) for o in course.outcomes)


def test_every_item_is_one_activity_in_its_modules_section_in_order(restored):
    course, db = restored.course, restored.db
    by_cmid = {a["cmid"]: a for a in db["activities"]}
    for module, section in zip(course.modules, db["sections"][1:]):
        found = [(by_cmid[c]["modname"], name(by_cmid[c]["name"]), by_cmid[c]["idnumber"]) for c in section["cmids"]]
        assert found == [(MODNAME[i.type], i.title, i.full_id) for i in module.items]


def test_unpublished_and_instructor_only_items_are_hidden_from_learners(restored):
    found = activities(restored.db)
    for item in restored.course.items():
        assert found[item.full_id]["visible"] == (1 if for_learners(item) else 0), item.full_id
    hidden = [i for i in restored.course.items() if not for_learners(i)]
    if restored.course.code == "FIDELITY-1":
        assert hidden, "the fidelity course has an unpublished item"


def test_each_activity_is_complete_when_the_learner_has_done_what_it_asks(restored):
    found = activities(restored.db)
    for item in restored.course.items():
        activity = found[item.full_id]
        if item.audience == "instructors":
            assert activity["completion"] == 0
            continue
        assert activity["completion"] == 2, item.full_id  # automatic
        if isinstance(item, Quiz):
            assert activity["completiongradeitemnumber"] == 0 and activity["completionview"] == 0
            assert activity["completionpassgrade"] == (1 if item.mastery else 0)
        elif isinstance(item, Assignment):
            assert restored.db and activity["completionsubmit"] == 1
        elif isinstance(item, Discussion):
            assert activity["completionposts"] == 1 and activity["completionview"] == 0
        else:
            assert activity["completionview"] == 1


# -- pages, files, links, videos --------------------------------------------------------------------
def test_pages_hold_their_text_images_and_files(restored):
    course, found = restored.course, activities(restored.db)
    for item in items_of(course, Page):
        page = found[item.full_id]
        assert text(item.body.html) == text(page["content"]), item.full_id
        assert "ilead:" not in page["content"] and "$@" not in page["content"]
        for path in re.findall(r'"@@PLUGINFILE@@(/[^"#?]+)"', page["content"]):
            assert html.unescape(re.sub(r"%([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), path)) \
                in page["files"], (item.full_id, path)
        for key in item.body.assets:
            asset = course.asset(key)
            stored = [f for p, f in page["files"].items() if p.endswith("/" + key.rsplit("/", 1)[-1])]
            assert stored and stored[0]["contenthash"] == _sha1(course.asset_source(asset)), key


def test_links_between_items_and_modules_work_after_the_restore(restored):
    course, db = restored.course, restored.db
    found = activities(db)
    sections = {m.id: s["id"] for m, s in zip(course.modules, db["sections"][1:])}
    kept = {i.full_id for i in course.items()}
    checked = 0
    for item in course.items():
        stored = found[item.full_id]
        bodies = [stored.get("content") if stored["modname"] == "page" else stored["intro"]]
        bodies += stored.get("first_posts", [])  # a single discussion's first post is the prompt again
        for body in bodies:
            for target in item.body.items:
                if target in kept:
                    target_cm = found[target]
                    assert f"/mod/{target_cm['modname']}/view.php?id={target_cm['cmid']}" in body, (item.full_id, target)
                    checked += 1
            for target in re.findall(r'ilead:module/([^"#]+)', item.body.html):
                if target in sections:
                    assert f"/course/section.php?id={sections[target]}" in body, (item.full_id, target)
                    checked += 1
    if course.code == "FIDELITY-1":
        assert checked >= 4
        assert "#weekly-rhythm" in found["practice/plan"]["content"]


def test_files_urls_and_videos(restored):
    course, found = restored.course, activities(restored.db)
    for item in items_of(course, File):
        asset = course.asset(item.asset)
        (stored,) = found[item.full_id]["files"].values()
        assert stored["contenthash"] == _sha1(course.asset_source(asset)) and stored["size"] == asset.size
        assert list(found[item.full_id]["files"])[0].endswith("/" + item.asset.rsplit("/", 1)[-1])
    for item in items_of(course, Link):
        assert found[item.full_id]["externalurl"] == item.url
        assert text(item.body.html) in text(found[item.full_id]["intro"])
    for item in items_of(course, Video):
        page = found[item.full_id]
        if item.captions:
            captions = [p for p in page["files"] if p.endswith(".vtt")]
            assert captions and f"@@PLUGINFILE@@{captions[0]}".replace(" ", "%20") in page["content"]
        if item.transcript is not None:
            assert text(item.transcript.html) in text(page["content"])
        if item.url:
            assert item.url in page["content"]


def test_discussions_are_forums_with_their_prompt_and_points(restored):
    course, found = restored.course, activities(restored.db)
    grades = {g["cmid"]: g for g in restored.db["grade_items"] if g["itemmodule"] == "forum"}
    for item in items_of(course, Discussion):
        forum = found[item.full_id]
        assert forum["type"] == "single" and len(forum["discussions"]) == 1
        assert text(item.body.html) in text(forum["intro"])
        assert text(item.body.html) in text(forum["first_posts"][0])
        if graded_points(item):
            assert forum["grade_forum"] == item.points
            assert grades[forum["cmid"]]["grademax"] == item.points
        else:
            assert forum["grade_forum"] == 0 and forum["cmid"] not in grades


# -- quizzes and questions ---------------------------------------------------------------------------
def test_quizzes_have_every_question_with_its_points_in_the_course_bank(restored):
    course, found = restored.course, activities(restored.db)
    for quiz in items_of(course, Quiz):
        stored = found[quiz.full_id]
        assert stored["attempts"] == (quiz.attempts or 0)
        assert stored["grade"] == pytest.approx(graded_points(quiz) or 0)
        assert stored["sumgrades"] == pytest.approx(quiz.points)
        assert stored["shuffleanswers"] == (1 if quiz.shuffle else 0)
        assert [(s["name"], s["idnumber"], s["maxmark"]) for s in stored["slots"]] == [
            (q.title, q.id, pytest.approx(q.points)) for q in quiz.questions]
        for slot in stored["slots"]:
            assert slot["bank"] == {"modname": "qbank", "name": f"{course.code} question bank",
                                    "course": restored.db["course"]["id"]}


def test_every_question_has_its_correct_answers_fractions_and_feedback(restored):
    course, found = restored.course, activities(restored.db)
    qtypes = {"multiple_choice": "multichoice", "multiple_answer": "multichoice", "true_false": "truefalse",
              "short_answer": "shortanswer", "numeric": "numerical", "essay": "essay"}
    for quiz in items_of(course, Quiz):
        for question, slot in zip(quiz.questions, found[quiz.full_id]["slots"]):
            where = f"{quiz.full_id}/{question.id}"
            assert slot["qtype"] == qtypes[question.type], where
            assert text(question.stem.html) == text(slot["questiontext"]), where
            general = text(question.feedback.html) if question.feedback else ""
            assert text(slot["generalfeedback"]) == general, where
            answers = slot["answers"]
            if question.type in ("multiple_choice", "multiple_answer"):
                assert slot["single"] == (1 if question.type == "multiple_choice" else 0), where
                correct = sum(1 for c in question.choices if c.correct)
                expected = [(1.0 if c.correct else 0.0) if question.type == "multiple_choice"
                            else (1 / correct if c.correct else -1.0) for c in question.choices]
                assert [text(a["answer"]) for a in answers] == [text(c.html) for c in question.choices], where
                assert [a["fraction"] for a in answers] == pytest.approx(expected, abs=1e-6), where
                assert [text(a["feedback"]) for a in answers] == [
                    text(c.feedback.html) if c.feedback else "" for c in question.choices], where
            elif question.type == "true_false":
                right = next(c for c in question.choices if c.correct)
                assert slot["rightanswer"] == (1 if right.text.strip().lower() == "true" else 0), where
                feedback = {c.text.strip().lower(): text(c.feedback.html) if c.feedback else "" for c in question.choices}
                assert (text(slot["truefeedback"]), text(slot["falsefeedback"])) == (feedback["true"], feedback["false"])
            elif question.type == "short_answer":
                assert slot["usecase"] == 0, where
                assert [(a["answer"].replace("\\*", "*"), a["fraction"]) for a in answers] == [
                    (a, 1.0) for a in question.answers], where
            elif question.type == "numeric":
                assert [(float(a["answer"]), a["tolerance"], a["fraction"]) for a in answers] == [
                    (pytest.approx((n.minimum + n.maximum) / 2), pytest.approx((n.maximum - n.minimum) / 2), 1.0)
                    for n in question.numeric], where
            else:
                assert answers == [], where
                assert text(slot["graderinfo"]) == general, where


# -- assignments and rubrics ---------------------------------------------------------------------
def test_assignments_have_points_due_dates_submissions_and_their_rubric(restored):
    course, found = restored.course, activities(restored.db)
    events = {e["cmid"]: e for e in restored.db["events"] if e["modulename"] == "assign"}
    for item in items_of(course, Assignment):
        stored = found[item.full_id]
        points = item.points if item.points is not None else sum(c.points for c in item.rubric)
        assert stored["grade"] == (graded_points(item) or 0), item.full_id
        assert text(item.body.html) in text(stored["intro"])
        if item.due:
            assert stored["duedate"] == day_end(item.due)
            assert events[stored["cmid"]]["timestart"] == day_end(item.due)
        plugins = stored["plugins"]
        assert plugins["assignsubmission_onlinetext"] == int(bool({"text", "url"} & set(item.submission)))
        assert plugins["assignsubmission_file"] == int("file" in item.submission)
        if not item.rubric:
            assert stored["rubric"] is None
            continue
        rubric = stored["rubric"]
        assert stored["grading_method"] == "rubric" and rubric["status"] == 20  # ready to grade with
        assert len(rubric["criteria"]) == len(item.rubric)
        for source, criterion in zip(item.rubric, rubric["criteria"]):
            assert criterion["description"].startswith(source.criterion)
            assert source.description in criterion["description"]
            levels = sorted(getattr(source, "levels", None) or (), key=lambda level: level.points)
            if levels:  # the source's performance levels, lowest first as Moodle shows them
                assert [level["score"] for level in criterion["levels"]] == [float(v.points) for v in levels]
                for level, stored_level in zip(levels, criterion["levels"]):
                    assert level.label in stored_level["definition"], source.criterion
                    assert text(level.description) in text(stored_level["definition"]), source.criterion
            else:  # two levels: none of the points, or all of them
                assert [level["score"] for level in criterion["levels"]] == [0.0, float(source.points)]
        assert sum(c["levels"][-1]["score"] for c in rubric["criteria"]) == pytest.approx(points)


# -- the gradebook ----------------------------------------------------------------------------------
def test_one_grade_category_per_group_with_its_weight_and_the_course_pass_mark(restored):
    course, db = restored.course, restored.db
    categories = db["grade_categories"]
    top = next(c for c in categories if c["is_course"])
    groups = course.grading.groups
    assert top["aggregation"] == (WEIGHTED_MEAN if groups else NATURAL)
    children = [c for c in categories if not c["is_course"]]
    assert [(name(c["fullname"]), c["idnumber"], c["weight"], c["aggregation"], c["parent"]) for c in children] == [
        (g.name, g.id, pytest.approx(g.weight), NATURAL, top["id"]) for g in groups]
    assert top["gradepass"] == pytest.approx(course.grading.pass_percent or 0)
    assert top["grademax"] == 100


def test_every_graded_item_is_in_its_groups_category_with_its_points(restored):
    course, db = restored.course, restored.db
    found = activities(db)
    names = {g.id: g.name for g in course.grading.groups}
    graded = {found[i.full_id]["cmid"]: (i, graded_points(i)) for i in course.items() if graded_points(i)}
    stored = {g["cmid"]: g for g in db["grade_items"]}
    assert set(stored) == set(graded)
    for cmid, (item, points) in graded.items():
        grade = stored[cmid]
        assert grade["grademax"] == pytest.approx(points), item.full_id
        if item.group is None:
            assert grade["category"] is None, item.full_id
        else:
            assert name(grade["category"]) == names[item.group], item.full_id
        mastery = getattr(item, "mastery", None)
        assert grade["gradepass"] == pytest.approx(points * mastery / 100 if mastery else 0), item.full_id


# -- a learner answers a restored quiz ----------------------------------------------------------------
def responses(quiz: Quiz, right: bool) -> dict[str, dict]:
    """What a learner posts, slot by slot: the source's answers when ``right``, wrong ones otherwise."""
    posted = {}
    for slot, question in enumerate(quiz.questions, start=1):
        if question.type == "multiple_choice":
            choice = next(c for c in question.choices if c.correct == right)
            posted[str(slot)] = {"answer": text(choice.html)}
        elif question.type == "multiple_answer":
            posted[str(slot)] = {text(c.html): 1 for c in question.choices if c.correct == right}
        elif question.type == "true_false":
            choice = next(c for c in question.choices if c.correct == right)
            posted[str(slot)] = {"answer": 1 if choice.text.strip().lower() == "true" else 0}
        elif question.type == "short_answer":
            posted[str(slot)] = {"answer": question.answers[-1].upper() if right else "not an answer"}
        elif question.type == "numeric":
            low, high = question.numeric[0].minimum, question.numeric[0].maximum
            posted[str(slot)] = {"answer": f"{(high if right else high + 1000):g}"}
        else:
            posted[str(slot)] = {"answer": "<p>A considered answer.</p>", "answerformat": 1}
    return posted


def attempt(moodle, tmp_path, cmid: int, posted: dict, manual: dict) -> dict:
    answers = tmp_path / "responses.json"
    answers.write_text(json.dumps(posted), encoding="utf-8")
    ran = moodle.php(PHP / "attempt_quiz.php", f"--moodle={moodle.home / 'moodle'}", f"--cmid={cmid}",
                     f"--responses={answers}", f"--manual={json.dumps(manual)}")
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    return json.loads(ran.stdout)


@pytest.mark.parametrize("right", [True, False], ids=["right", "wrong"])
@pytest.mark.parametrize("case, quiz_id", [(("fidelity", "certificate"), "foundations/check"),
                                           (("edges", "default"), "only/check")], ids=["fidelity", "edges"])
def test_a_restored_quiz_is_attempted_and_graded_by_moodle(restore, moodle, tmp_path, case, quiz_id, right):
    restored = restore(case)
    quiz = restored.course.item(quiz_id)
    cmid = activities(restored.db)[quiz.full_id]["cmid"]
    essays = {str(n): q.points - 1 for n, q in enumerate(quiz.questions, start=1) if q.type == "essay"}
    manual = essays if right else {k: 0 for k in essays}
    result = attempt(moodle, tmp_path, cmid, responses(quiz, right), manual)
    assert result["state"] == "finished", result
    scored = sum(q.points for q in quiz.questions if q.auto_scored)
    expected = (scored + sum(manual.values())) if right else 0.0
    marks = [result["slots"][str(n)]["mark"] for n in range(1, len(quiz.questions) + 1)]
    expected_marks = [(q.points if q.auto_scored else manual[str(n)]) if right else 0
                      for n, q in enumerate(quiz.questions, start=1)]
    assert marks == pytest.approx(expected_marks), result["slots"]
    assert result["quiz_grade"] == pytest.approx(expected)
    assert result["gradebook"]["grade"] == pytest.approx(expected)
    assert result["gradebook"]["gradepass"] == pytest.approx(quiz.points * quiz.mastery / 100)
    assert result["completionstate"] == (COMPLETE_PASS if right else COMPLETE_FAIL)


# -- the same shape as Moodle's own backups ------------------------------------------------------------
def element_paths(folder: Path, pattern: str) -> set[str]:
    """Every element path (``quiz/question_instances/question_instance/maxmark``) of the matching files."""
    found = set()
    for path in folder.glob(pattern):
        tree = etree.parse(str(path))
        for node in tree.iter():
            found.add(path.name + ":" + "/".join([a.tag for a in node.iterancestors()][::-1] + [node.tag]))
    return found


def extracted(archive: Path, into: Path) -> Path:
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    return into


@pytest.fixture(scope="module")
def moodles_own(moodle, tmp_path_factory) -> Path:
    """A backup Moodle 5.1 made itself of a course with every kind of activity we write."""
    out = tmp_path_factory.mktemp("reference")
    ran = moodle.php(PHP / "make_reference_backup.php", f"--moodle={moodle.home / 'moodle'}",
                     f"--out={out / 'reference.mbz'}")
    assert ran.returncode == 0 and (out / "reference.mbz").is_file(), ran.stdout[-3000:] + ran.stderr[-3000:]
    return extracted(out / "reference.mbz", out / "x")


def test_every_file_has_the_element_layout_of_a_backup_moodle_made(restore, moodles_own, tmp_path):
    ours = extracted(restore(("fidelity", "certificate")).bundle, tmp_path / "ours")
    # Left out on purpose: enrolment methods (the restore adds a new course's defaults) and
    # the role definitions and references they would need.
    def kept(found: set[str]) -> set[str]:
        return {p for p in found if p.split(":")[0] not in ("enrolments.xml", "roles.xml") and "/roleref" not in p}

    for pattern in ("*.xml", "course/*.xml", "sections/*/*.xml"):
        assert kept(element_paths(ours, pattern)) == kept(element_paths(moodles_own, pattern)), pattern
    modnames = {p.name.rsplit("_", 1)[0] for p in (ours / "activities").iterdir()}
    assert modnames == {"page", "url", "resource", "forum", "quiz", "assign", "qbank"}
    for modname in modnames:
        assert element_paths(ours, f"activities/{modname}_*/*.xml") == element_paths(
            moodles_own, f"activities/{modname}_*/*.xml"), modname


# -- instructor material --------------------------------------------------------------------------
def test_instructor_material_is_kept_whole_for_teachers_and_out_of_learners_way(restore):
    restored = restore(("audience", "default"))
    course, found = restored.course, activities(restored.db)
    instructor = [i for i in course.items() if i.audience == "instructors"]
    assert instructor and all(found[i.full_id]["visible"] == 0 for i in instructor)
    notes = found["session/facilitator-notes"]
    assert "Room plan" in notes["content"] and list(notes["files"]) == ["/images/room-plan.png"]
    assert len(found["session/calibration"]["slots"]) == 1
    assert found["session/slides"]["modname"] == "resource" and found["session/slides"]["files"]
    welcome = found["session/welcome"]["content"]
    assert "facilitator notes" in welcome and f"view.php?id={notes['cmid']}" not in welcome
    graded = {g["idnumber"] for g in restored.db["grade_items"]}
    assert not graded & {i.full_id for i in instructor}


# -- what only the edges course has ----------------------------------------------------------------
def test_a_video_file_plays_in_the_page_with_its_captions_track(restore):
    restored = restore(("edges", "default"))
    page = activities(restored.db)["only/clip"]
    assert set(page["files"]) == {"/media/clip.mp4", "/media/clip.vtt"}
    player = lxml.html.fragment_fromstring(page["content"], create_parent="div").find(".//video")
    assert player.find("source").get("src") == "@@PLUGINFILE@@/media/clip.mp4"
    track = player.find("track")
    assert (track.get("kind"), track.get("src")) == ("captions", "@@PLUGINFILE@@/media/clip.vtt")


def test_images_in_questions_and_overviews_live_in_their_own_file_areas(restore):
    restored = restore(("edges", "default"))
    slot = activities(restored.db)["only/check"]["slots"][0]
    assert list(slot["files"]) == ["/images/map.png"]
    assert '"@@PLUGINFILE@@/images/map.png"' in slot["questiontext"]
    summary = restored.db["course"]
    assert list(summary["summary_files"]) == ["/assets/logo.png"]
    assert '"@@PLUGINFILE@@/assets/logo.png"' in summary["summary"]
    section = restored.db["sections"][1]
    assert list(section["files"]) == ["/images/map.png"]
    assert '"@@PLUGINFILE@@/images/map.png"' in section["summary"]


def test_a_graded_item_outside_every_group_counts_nothing_in_the_course_total(restore):
    restored = restore(("edges", "default"))
    grade = next(g for g in restored.db["grade_items"] if g["idnumber"] == "only/link-task")
    assert grade["category"] is None and grade["weight"] == 0 and grade["grademax"] == 10


def _sha1(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest()
