"""Moodle 5.1 restores every cartridge of both courses and holds the course model, limits aside.

Each bundle goes once through Moodle's own Restore path (``../shared/tools/moodle/import.php``:
converter imscc11 -> moodle1 -> moodle2, precheck, plan); what Moodle made of it is compared
with the course model.  The named limits are in tests/real_cartridges.py (``moodle:*``).
"""

from __future__ import annotations

import pytest

from real_cartridges import (Cartridge, bundle_keys, cartridges, continuing_choice_feedback, general_feedback,  # noqa: F401
                             item_kind, limit, links_in, plain, quizzes, same_text, tag_free, accepted_texts,
                             cc_kind)
from ilead_shell.model import File, Link, Quiz

KEYS = bundle_keys()
READABLE = [k for k in KEYS if not k.endswith("-cc")]

ACTIVITY = {"page": "page", "video": "page", "file": "resource", "link": "url", "discussion": "forum",
            "quiz": "quiz"}
QTYPE = {"multiple_choice": "multichoice", "multiple_response": "multichoice", "true_false": "truefalse",
         "fib": "shortanswer", "essay": "essay"}


@pytest.fixture(scope="session")
def restored(moodle, cartridges) -> dict[str, dict]:
    """import.php's JSON for every bundle, each imported once."""
    return {key: moodle.import_bundle(c.path) for key, c in sorted(cartridges.items())}


def name(cartridge: Cartridge, title: str) -> str:
    return tag_free(title) if cartridge.target == "moodle" else title


def sections(report: dict) -> list[dict]:
    found = []
    for section in report["course"]["sections"]:
        activities = [a for a in section["activities"] if a["type"] != "qbank"]  # Moodle's own shared bank
        found.append({**section, "activities": activities})
    return found


def expected_layout(cartridge: Cartridge) -> list[tuple[str, list[tuple[str, str, bool]]]]:
    """Sections as (summary, [(name, activity type, visible)]) the course model asks for."""
    course, target = cartridge.course, cartridge.target
    layout = []
    if target == "moodle":  # the syllabus is the first top-level item, so it is section 0
        layout.append(("", [("Syllabus", "page", True)]))
    for module in course.modules:
        title = name(cartridge, module.title)
        rows = [(f"Overview: {title}", "page", True)]
        for item in module.items:
            kind = ACTIVITY.get(item_kind(item), "page")
            if item.type == "assignment":
                kind = "resource" if limit("moodle:canvas-assignment", target) else "page"
            rows.append((name(cartridge, item.title), kind, item.published and not item.for_instructors))
        summary = plain(title) if limit("moodle:canvas-tag-titles", target) else title
        layout.append((summary, rows))
    return layout  # on the canvas target module 1 lands in section 0 (moodle:canvas-sections)


@pytest.mark.parametrize("key", KEYS)
def test_moodle_restores_every_cc_1_1_cartridge_and_names_the_cc_1_3_one_unknown(key, restored, cartridges):
    report, cartridge = restored[key], cartridges[key]
    if limit("moodle:cc13", cartridge.target):
        assert report["format_detected"] == "unknown" and not report["success"], report["errors"]
        assert cartridge.noted("moodle:cc13")
        return
    assert report["success"], (report["stage"], report["errors"], report.get("trace"))
    assert report["format_detected"] == "imscc11"
    assert [e for e in report["restore_log"] if e.startswith("ERROR")] == []
    title = tag_free(cartridge.course.display_title)  # what both CC 1.1 manifests write (ilead_cc.names)
    fullname = report["course"]["fullname"]
    assert fullname == title or fullname.startswith(f"{title} copy "), fullname  # Moodle numbers repeats


@pytest.mark.parametrize("key", READABLE)
def test_one_section_per_module_in_order_with_its_title_and_every_item(key, restored, cartridges):
    cartridge = cartridges[key]
    found = [(s["summary"], [(a["name"], a["type"], bool(a["visible"])) for a in s["activities"]])
             for s in sections(restored[key])]
    expected = expected_layout(cartridge)
    assert found == expected
    # Section 0 is Moodle's General section: the syllabus, and module n is section n; on the canvas
    # target module n is section n - 1.
    assert [s["section"] for s in sections(restored[key])] == list(range(len(expected)))
    if limit("moodle:canvas-sections", cartridge.target):
        assert cartridge.noted("moodle:canvas-sections")


def activities(report: dict) -> list[dict]:
    return [a for s in sections(report) for a in s["activities"]]


def quiz_activities(cartridge: Cartridge, report: dict) -> list[tuple[Quiz, dict]]:
    by_name = {}
    for activity in activities(report):
        if activity["type"] == "quiz":
            by_name.setdefault(activity["name"], []).append(activity)
    pairs = []
    for quiz in quizzes(cartridge.course):
        pairs.append((quiz, by_name[name(cartridge, quiz.title)].pop(0)))
    return pairs


def expected_answers(question) -> list[tuple[str, float, str]]:
    """(answer text, fraction, feedback) in Moodle's order for the question's CC profile."""
    kind = cc_kind(question)
    if kind in ("multiple_choice", "true_false"):
        return [(c.html, 1.0 if c.correct else 0.0, c.feedback.html if c.feedback else "") for c in question.choices]
    if kind == "multiple_response":
        share = round(1 / sum(c.correct for c in question.choices), 7)
        return [(c.html, share if c.correct else 0.0, c.feedback.html if c.feedback else "")
                for c in question.choices]
    if kind == "fib":
        return [(text, 1.0, "") for text in accepted_texts(question)]
    return []


@pytest.mark.parametrize("key", READABLE)
def test_every_question_keeps_its_type_stem_answer_key_alternatives_points_and_feedback(key, restored, cartridges):
    cartridge = cartridges[key]
    problems = []
    for quiz, activity in quiz_activities(cartridge, restored[key]):
        assert activity["attempts"] == (quiz.attempts or 0), quiz.full_id
        if limit("moodle:quiz-intro", cartridge.target) and not quiz.body.is_empty:
            assert activity.get("intro") == plain(name(cartridge, quiz.title)) and cartridge.noted("moodle:quiz-intro")
        got = activity["questions"]
        assert len(got) == len(quiz.questions), quiz.full_id
        for question, found in zip(quiz.questions, got):
            where = f"{quiz.full_id}/{question.id}"
            kind = cc_kind(question)
            if found["qtype"] != QTYPE[kind]:
                problems.append(f"{where}: qtype {found['qtype']}, want {QTYPE[kind]}")
                continue
            if kind == "multiple_choice" or kind == "multiple_response":
                if found["single"] != (kind == "multiple_choice"):
                    problems.append(f"{where}: single={found['single']}")
            if found["name"] != name(cartridge, question.title):
                problems.append(f"{where}: name {found['name']!r}")
            if not same_text(found["text"], question.stem.html):
                problems.append(f"{where}: text {found['text']!r}")
            weight = min(99, max(1, round(question.points)))
            if found["defaultmark"] != weight:
                problems.append(f"{where}: default mark {found['defaultmark']}, want {weight}")
            assert limit("moodle:slot-mark", cartridge.target)
            if found["maxmark"] != 1:
                problems.append(f"{where}: slot mark {found['maxmark']} (the converter writes 1)")
            feedback = general_feedback(question)
            if limit("moodle:general-feedback", cartridge.target):
                extra = continuing_choice_feedback(question)
                if extra:
                    assert cartridge.noted("moodle:general-feedback")
                feedback = "".join([feedback] + extra)
            if not same_text(found["generalfeedback"], feedback):
                problems.append(f"{where}: general feedback {found['generalfeedback']!r}")
            answers = [(a["answer"], a["fraction"], a["feedback"]) for a in found["answers"]]
            want = expected_answers(question)
            if len(answers) != len(want):
                problems.append(f"{where}: {len(answers)} answers, want {len(want)}: {answers}")
                continue
            for (text, fraction, fb), (want_text, want_fraction, want_fb) in zip(answers, want):
                if kind == "true_false":
                    want_text = want_text.strip()  # Moodle's own True/False answers
                if not same_text(text, want_text) or abs(fraction - want_fraction) > 1e-6 or not same_text(fb, want_fb):
                    problems.append(f"{where}: answer {(text, fraction, fb)!r}, want {(plain(want_text), want_fraction)}")
            if kind == "true_false":
                correct = next(c for c in question.choices if c.correct).text.strip().lower()
                fractions = {a["answer"].lower(): a["fraction"] for a in found["answers"]}
                if fractions.get(correct) != 1.0:
                    problems.append(f"{where}: true/false key {fractions}")
    assert not problems, "\n".join(problems)
    if quizzes(cartridge.course):
        assert cartridge.noted("moodle:slot-mark")


def model_texts(cartridge: Cartridge) -> dict[str, str]:
    """Rich text of each page-like activity, by the name Moodle shows."""
    course = cartridge.course
    texts = {"Syllabus": course.description.html}
    for module in course.modules:
        texts[f"Overview: {name(cartridge, module.title)}"] = module.overview.html
        for item in module.items:
            texts[name(cartridge, item.title)] = item.body.html
    return texts


def is_file_link(cartridge: Cartridge, ref) -> bool:
    if ref.kind == "asset":
        return True
    item = cartridge.course.item(ref.target) if ref.kind == "item" else None
    return isinstance(item, File)


@pytest.mark.parametrize("key", READABLE)
def test_files_images_and_links_arrive(key, restored, cartridges):
    cartridge, report = cartridges[key], restored[key]
    target, course = cartridge.target, cartridge.course
    texts = model_texts(cartridge)
    problems = []
    for activity in activities(report):
        refs = activity.get("refs", [])
        source = texts.get(activity["name"], "")
        wanted = [r for r in links_in(source)]
        file_refs = [r for r in wanted if is_file_link(cartridge, r)]
        item_refs = [r for r in wanted if not is_file_link(cartridge, r)
                     and not (r.kind == "item" and isinstance(course.item(r.target), Link))]
        if activity["type"] == "page":
            resolved = [r for r in refs if r["status"] == "resolved"]
            broken = [r for r in refs if r["status"] not in ("resolved", "external")]
            if limit("moodle:canvas-links", target):
                if wanted:
                    assert cartridge.noted("moodle:canvas-links")
                continue
            distinct_files = {r.target for r in file_refs}
            if len({r["url"].split("#")[0] for r in resolved}) < len(distinct_files):
                problems.append(f"{activity['name']}: files {distinct_files} but resolved {resolved}")
            if len(broken) != len(item_refs):  # each link to another item is broken, and nothing else
                problems.append(f"{activity['name']}: broken {broken}, links to items {item_refs}")
            if item_refs:
                assert limit("moodle:item-links", target) and cartridge.noted("moodle:item-links")
        elif activity["type"] == "forum":
            if file_refs:
                assert limit("moodle:descriptor-files", target) and cartridge.noted("moodle:descriptor-files")
            if not same_text(activity.get("intro", ""), source):
                problems.append(f"{activity['name']}: forum text {activity.get('intro')!r}")
    # File items carry their file; link items their address.
    for item in course.items():
        found = [a for a in activities(report) if a["name"] == name(cartridge, item.title)]
        if isinstance(item, File):
            want = f"/web_resources/{next(a.bundle_path for a in course.assets if a.key == item.asset)}"
            if not found or want not in found[0].get("files", {}):
                problems.append(f"{item.full_id}: file {want} not in {found and found[0].get('files')}")
        if isinstance(item, Link) and (not found or found[0].get("externalurl") != item.url):
            problems.append(f"{item.full_id}: url {found and found[0].get('externalurl')}")
    assert not problems, "\n".join(problems)
