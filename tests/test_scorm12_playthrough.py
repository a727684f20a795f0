"""Every SCO of whole courses played in Chromium against scorm-again, as an LMS would.

Quizzes are answered from the course model through the accessible labels only (choice
text, "Your answer"), once right and once wrong, and must report the status and score
their mastery score implies.  Courses: the 'handmade' root (written from
SOURCE_FORMAT.md alone) and the real course in course_source/.
"""

from __future__ import annotations

import pytest
from lxml import etree

from browser import support
from conftest import ROOTS
from course_tree import write_bundle
from ilead_shell.model import Quiz
from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course

pytestmark = pytest.mark.skipif(support.missing() is not None, reason=str(support.missing()))

NS = {"cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
      "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2"}
COURSE_SOURCE = ROOTS.parents[1] / "course_source"
COURSES = [("handmade", ROOTS / "handmade", None), ("course_source", COURSE_SOURCE, "certificate")]



def _launch_order(folder):
    manifest = etree.parse(str(folder / "imsmanifest.xml")).getroot()
    hrefs = {r.get("identifier"): r.get("href") for r in manifest.iterfind(".//cp:resource", NS)}
    default = manifest.find("cp:organizations", NS).get("default")
    organization = manifest.find(f"cp:organizations/cp:organization[@identifier='{default}']", NS)
    return [(i.get("identifier"), hrefs[i.get("identifierref")],
             i.findtext("adlcp:masteryscore", default="", namespaces=NS))
            for i in organization.iterfind(".//cp:item[@identifierref]", NS)]


def _answer(frame, quiz: Quiz, right: bool):
    for number, question in enumerate(quiz.questions, 1):
        group = frame.get_by_role("group", name=f"Question {number}:")
        if question.choices:
            wanted = [c for c in question.choices if c.correct == right]
            if question.type != "multiple_answer":
                wanted = wanted[:1]
            for choice in wanted:
                group.get_by_label(choice.text, exact=True).check()
        elif question.type == "essay":
            group.get_by_label("Your answer").fill("A considered answer.")
        elif question.type == "short_answer":
            group.get_by_label("Your answer").fill(question.answers[0] if right else "no such answer")
        else:
            value = question.numeric[0].minimum if right else question.numeric[0].maximum + 1000
            group.get_by_label("Your answer", exact=False).fill(f"{value:g}")


def _expected(quiz: Quiz, mastery: str, right: bool) -> tuple[str, str]:
    if not any(q.auto_scored for q in quiz.questions):
        return "completed", ""
    score = "100" if right else "0"
    if mastery == "":
        return "completed", score
    return ("passed" if right or float(mastery) == 0 else "failed"), score


@pytest.mark.parametrize("name, root, offering", COURSES, ids=[c[0] for c in COURSES])
def test_every_sco_of_the_course_plays_cleanly(name, root, offering, registry, tmp_path):
    if not root.is_dir():
        pytest.skip(f"{root} is not in this checkout")
    course = select_offering(read_course(root), offering)
    write_bundle(registry.load("scorm12")().build_bundle(course), tmp_path)
    items = {f"I_{i.module_id}__{i.id}": i for i in course.items()}
    played = quizzes = 0
    with support.serve(tmp_path) as (base, commits):
        page = support.browser().new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning")
                and "Failed to load resource" not in m.text else None)
        page.on("response", lambda r: problems.append(f"HTTP {r.status} {r.url}")
                if r.status >= 400 and not r.url.endswith("/favicon.ico") else None)
        page.goto(f"{base}/harness/lms.html")
        for identifier, href, mastery in _launch_order(tmp_path):
            item = items.get(identifier)
            attempts = [True, False] if isinstance(item, Quiz) else [None]
            for right in attempts:
                page.evaluate("([url, previous]) => lms.launch(url, previous)",
                              [f"{base}/pkg/{href}", {"mastery_score": mastery}])
                page.wait_for_function("() => lms.result().initialized")
                frame = page.frame_locator("#sco")
                if right is not None:
                    _answer(frame, item, right)
                    frame.get_by_role("button", name="Submit answers").click()
                    page.wait_for_function("() => lms.result().commitCount > 0")
                    frame.get_by_role("button", name="Save and finish").click()
                else:
                    frame.get_by_role("heading", level=1).wait_for()
                    page.evaluate("() => lms.leave()")
                page.wait_for_function("() => lms.result().finished")
                result = page.evaluate("() => lms.result()")
                where = f"{identifier} ({'right' if right else 'wrong' if right is False else 'page'})"
                assert (result["violations"], result["errors"], problems) == ([], [], []), where
                assert result["finishCount"] == 1, where
                if right is None:
                    assert result["lesson_status"] == "completed", where
                else:
                    quizzes += 1
                    status, score = _expected(item, mastery, right)
                    assert result["lesson_status"] == status, where
                    assert (float(result["score_raw"]) if score else "") == (float(score) if score else ""), where
                    assert result["interactions"] == len(item.questions), where
            played += 1
        page.close()
    assert played == sum(1 for _ in _launch_order(tmp_path))
    assert quizzes == 2 * sum(isinstance(i, Quiz) for i in course.items())
