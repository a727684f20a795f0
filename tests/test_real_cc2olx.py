"""cc2olx (Open edX's own Common Cartridge converter) turns every cartridge into the course model.

Each bundle is converted once; the OLX it writes (``course.xml`` with every block inline, and
``static/``) is compared with the course model.  The named limits are in
tests/real_cartridges.py (``cc2olx:*``).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import etree
from lxml import html as lxml_html

from real_cartridges import (Cartridge, accepted_texts, bundle_keys, cartridges, cc_kind, general_feedback,  # noqa: F401
                             item_kind, limit, links_in, plain, quizzes, same_text, tag_free)
from ilead_shell.model import Assignment, File, Quiz

KEYS = bundle_keys()


@pytest.fixture(scope="session")
def converted(cc2olx, cartridges, tmp_path_factory) -> dict[str, Path]:
    """The extracted OLX of every bundle, each converted once."""
    found = {}
    for key, cartridge in sorted(cartridges.items()):
        found[key] = cc2olx.convert(cartridge.path, tmp_path_factory.mktemp(f"olx-{key}"))
    return found


def course_xml(olx: Path) -> etree._Element:
    return etree.parse(str(olx / "course.xml"), etree.XMLParser(no_network=True)).getroot()


def title(cartridge: Cartridge, text: str) -> str:
    return tag_free(text) if cartridge.target == "moodle" else text


def expected_units(cartridge: Cartridge, item) -> list[str]:
    """The components cc2olx should write for one item, by tag."""
    kind, target = item_kind(item), cartridge.target
    if kind == "quiz":
        return ["openassessment" if cc_kind(q) == "essay" else "problem" for q in item.questions]
    if kind == "discussion":
        return ["html", "discussion"]
    if isinstance(item, Assignment) and target == "cc":
        return ["openassessment"]
    return ["html"]


def expected_outline(cartridge: Cartridge) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    course = cartridge.course
    chapters = []
    if cartridge.target == "moodle":
        chapters.append(("Syllabus", [("Syllabus", ["html"])]))
    for module in course.modules:
        units = [(title(cartridge, f"Overview: {module.title}"), ["html"])]
        units += [(title(cartridge, i.title), expected_units(cartridge, i)) for i in module.items]
        chapters.append((title(cartridge, module.title), units))
    return chapters


def outline(root: etree._Element) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    chapters = []
    for chapter in root.iterchildren("chapter"):
        sequentials = list(chapter.iterchildren("sequential"))
        assert len(sequentials) == 1, "one subsection per module"
        assert sequentials[0].get("display_name") == chapter.get("display_name")
        units = [(v.get("display_name"), [c.tag for c in v]) for v in sequentials[0].iterchildren("vertical")]
        chapters.append((chapter.get("display_name"), units))
    return chapters


@pytest.mark.parametrize("key", KEYS)
def test_every_module_becomes_a_chapter_with_every_item_in_order(key, converted, cartridges):
    cartridge = cartridges[key]
    root = course_xml(converted[key])
    assert root.get("name") == (tag_free if cartridge.target in ("moodle", "canvas") else str)(
        cartridge.course.display_title)
    assert outline(root) == expected_outline(cartridge)
    if any(not i.published for i in cartridge.course.items()):
        assert limit("cc2olx:unpublished", cartridge.target) and cartridge.noted("cc2olx:unpublished")


def units_by_title(root: etree._Element) -> dict[str, list[etree._Element]]:
    found: dict[str, list[etree._Element]] = {}
    for vertical in root.iter("vertical"):
        found.setdefault(vertical.get("display_name"), []).append(vertical)
    return found


def description(problem_body: etree._Element) -> str:
    first = next((c for c in problem_body if c.tag not in ("choicegroup", "checkboxgroup", "additional_answer",
                                                           "textline")), None)
    return "".join(first.itertext()) if first is not None else ""


@pytest.mark.parametrize("key", KEYS)
def test_every_question_keeps_its_type_stem_answer_key_and_alternatives(key, converted, cartridges):
    cartridge = cartridges[key]
    units = units_by_title(course_xml(converted[key]))
    problems = []
    for quiz in quizzes(cartridge.course):
        vertical = units[title(cartridge, quiz.title)].pop(0)
        components = list(vertical)
        assert len(components) == len(quiz.questions), quiz.full_id
        for question, component in zip(quiz.questions, components):
            where, kind = f"{quiz.full_id}/{question.id}", cc_kind(question)
            assert limit("cc2olx:question-titles", cartridge.target)
            if component.get("display_name") != title(cartridge, quiz.title):
                problems.append(f"{where}: named {component.get('display_name')!r}")
            assert limit("cc2olx:points", cartridge.target)
            if component.get("weight") is not None:
                problems.append(f"{where}: weight {component.get('weight')} appeared: update the limit")
            if kind == "essay":
                prompt = component.findtext("prompts/prompt/description")
                if component.tag != "openassessment" or not same_text(plain(prompt or ""), question.stem.html):
                    problems.append(f"{where}: essay {component.tag} {prompt!r}")
                feedback = general_feedback(question)
                general = component.xpath("rubric/criterion/option[name='General']/explanation/text()")
                if feedback and not (general and same_text(plain(general[0]), feedback)):
                    problems.append(f"{where}: essay feedback {general!r}")
                continue
            body = component[0] if len(component) else None
            want_tag = {"multiple_choice": "multiplechoiceresponse", "true_false": "multiplechoiceresponse",
                        "multiple_response": "choiceresponse", "fib": "stringresponse"}[kind]
            if body is None or body.tag != want_tag:
                problems.append(f"{where}: {body.tag if body is not None else None}, want {want_tag}")
                continue
            if not same_text(description(body), question.stem.html):
                problems.append(f"{where}: stem {description(body)!r}")
            if kind == "fib":
                answers = [body.get("answer")] + [a.get("answer") for a in body.iterchildren("additional_answer")]
                if answers != accepted_texts(question) or body.get("type") != "ci":
                    problems.append(f"{where}: answers {answers} ({body.get('type')}), want {accepted_texts(question)}")
                continue
            group = body.find("checkboxgroup" if kind == "multiple_response" else "choicegroup")
            choices = [("".join(c.itertext()), c.get("correct") == "true") for c in group.iterchildren("choice")]
            want = [(c.html, c.correct) for c in question.choices]
            if len(choices) != len(want) or any(not same_text(t, w) or k != wk
                                                for (t, k), (w, wk) in zip(choices, want)):
                problems.append(f"{where}: choices {choices}, want {[(plain(w), k) for w, k in want]}")
    assert not problems, "\n".join(problems)
    if quizzes(cartridge.course):
        for name in ("cc2olx:points", "cc2olx:feedback", "cc2olx:question-titles", "cc2olx:quiz-settings"):
            assert cartridge.noted(name), name


def links_of(component: etree._Element) -> list[str]:
    text = component.text or ""
    if component.tag == "openassessment":
        text = " ".join(component.xpath(".//prompt/description/text()"))
    if not text.strip():
        return []
    document = lxml_html.fromstring(text)
    return [v for e in document.iter() if isinstance(e.tag, str) for a, v in e.attrib.items() if a in ("href", "src")]


@pytest.mark.parametrize("key", KEYS)
def test_files_images_and_links_resolve_in_the_olx(key, converted, cartridges):
    cartridge, olx = cartridges[key], converted[key]
    root, course, target = course_xml(olx), cartridges[key].course, cartridges[key].target
    url_names = {e.get("url_name") for e in root.iter() if e.get("url_name")}
    problems, tokens, relative = [], [], []
    for component in root.iter("html", "openassessment"):
        for url in links_of(component):
            if url.startswith(("http://", "https://", "mailto:", "#")):
                continue
            path = unquote(url.split("#")[0])
            if path.startswith("/static.."):  # $IMS-CC-FILEBASE$ + a path relative to the descriptor
                relative.append(url)
            elif path.startswith("/static/"):
                if not (olx / "static" / path[len("/static/"):]).is_file():
                    problems.append(f"{component.get('display_name')}: {url} is not in static/")
            elif path.startswith("/jump_to_id/"):
                if path[len("/jump_to_id/"):] not in url_names:
                    problems.append(f"{component.get('display_name')}: {url} jumps nowhere")
            elif path.startswith("$CANVAS_OBJECT_REFERENCE$/") and path.split("/")[1] in ("discussion_topics",
                                                                                          "assignments"):
                tokens.append(url)
            elif not path.startswith("$") and not path.startswith("/"):
                relative.append(url)
            else:
                problems.append(f"{component.get('display_name')}: unresolved {url}")
    if tokens:
        assert limit("cc2olx:object-links", target) and cartridge.noted("cc2olx:object-links")
    if relative:
        assert limit("cc2olx:relative-links", target) and cartridge.noted("cc2olx:relative-links")
    assert not problems, "\n".join(problems)
    # Every file of the course is in static/, under its path in web_resources.
    for asset in course.assets:
        assert (olx / "static" / asset.bundle_path).is_file(), asset.key
    # Images and files linked from each page are all there (checked above), and each item's
    # file links survive in its component.
    units = units_by_title(root)
    for item in course.items():
        expected = [r for r in links_in(item.body.html) if r.kind == "asset"]
        vertical = units.get(title(cartridge, item.title), [None])[0]
        if not expected or vertical is None or isinstance(item, Quiz):
            continue
        found = [u for c in vertical for u in links_of(c) if u.startswith("/static/") or not u.startswith(("/", "$", "http"))]
        if len(found) < len(expected):
            problems.append(f"{item.full_id}: {len(found)} file links, want {len(expected)}")
        if isinstance(item, Assignment) and limit("cc2olx:canvas-assignment", target):
            assert cartridge.noted("cc2olx:canvas-assignment")
    for item in course.items():
        if isinstance(item, File):
            vertical = units[title(cartridge, item.title)][0]
            image = next(a for a in course.assets if a.key == item.asset).media_type.startswith("image/")
            text = "".join(vertical.itertext())
            if not image:
                assert "MISSING CONTENT" in text and limit("cc2olx:file-items", target)
                assert cartridge.noted("cc2olx:file-items")
    assert not problems, "\n".join(problems)
