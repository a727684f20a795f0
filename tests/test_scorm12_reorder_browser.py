"""A learner's saved SCORM answers survive the author reordering choices and questions.

A learner answers part of the fidelity quiz in headless Chromium (scorm-again behind the test
LMS, as in test_scorm12_browser.py) and leaves; the LMS keeps ``cmi.suspend_data``.  The author
then reverses the order of the quiz's questions and of every question's choices and publishes
a new package.  Resumed in the new package, the same choices (by their words) must be
selected, and the interactions the SCO reports must name the same responses as before.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from browser import support
from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course
from test_bundle_identifiers import FIDELITY, _reverse_questions
from test_scorm12_browser import _package, _scos

pytestmark = pytest.mark.skipif(support.missing() is not None, reason=str(support.missing()))

QUIZ = "I_foundations__check"
QUIZ_FILE = Path("modules/02-foundations/03-check.md")
PICKS = {  # question title -> the choices the learner picks, by their words
    "Equity and equality": ["Taking difference into account so that process and outcome are fair"],
    "Inclusive practices": ["Offering materials in the languages of the community", "Requiring a photo ID for every visit"],
    "Equity is the same as equality": ["False"],
}


def _choice_texts(course) -> dict[str, list[str]]:
    quiz = next(i for i in course.items() if i.id == "check")
    return {q.title: [c.text for c in q.choices] for q in quiz.questions if q.choices}


def _question(frame, title):
    return frame.get_by_role("group", name=re.compile(rf"^Question \d+: {re.escape(title)}\b"))


class _Lms:
    """One package served and played on the test LMS page."""

    def __init__(self, package: Path):
        self.package = package
        self.scos = {sco[0]: sco for sco in _scos(package)}

    def __enter__(self):
        self._server = support.serve(self.package)
        self.base, self.commits = self._server.__enter__()
        self.page = support.browser().new_page()
        self.page.goto(f"{self.base}/harness/lms.html")
        return self

    def __exit__(self, *exc):
        self.page.close()
        self._server.__exit__(*exc)

    def launch(self, previous=None):
        _, href, mastery = self.scos[QUIZ]
        self.page.evaluate("([url, previous]) => lms.launch(url, previous)",
                           [f"{self.base}/pkg/{href}", dict(previous or {}, mastery_score=mastery)])
        self.page.wait_for_function("() => lms.result().initialized")
        return self.page.frame_locator("#sco")

    def leave(self):
        self.page.evaluate("() => lms.leave()")
        self.page.wait_for_function("() => lms.result().finished")
        return self.page.evaluate("() => lms.result()")


@pytest.fixture(scope="module")
def packages(registry, tmp_path_factory):
    """The SCORM package before and after the author reverses questions and choices."""
    built = {}
    for edit in ("original", "reordered"):
        root = tmp_path_factory.mktemp(f"{edit}-src") / "fidelity"
        shutil.copytree(FIDELITY, root)
        if edit == "reordered":
            quiz = root / QUIZ_FILE
            quiz.write_text(_reverse_questions(quiz.read_text(encoding="utf-8")), encoding="utf-8")
        course = select_offering(read_course(root), "mooc")
        built[edit] = course, _package(registry, course, tmp_path_factory.mktemp(f"{edit}-pkg"))
    return built


def test_the_author_really_reversed_the_choices(packages):
    before, after = (_choice_texts(packages[e][0]) for e in ("original", "reordered"))
    assert before.keys() == after.keys() and all(after[t] == list(reversed(before[t])) for t in before)


def _responses(result) -> dict[str, frozenset[str]]:
    """interaction id -> its response; a choice response is a set (RTE 1.2), so order is not kept."""
    values = result["values"]
    return {values[f"cmi.interactions.{n}.id"]: frozenset(values[f"cmi.interactions.{n}.student_response"].split(","))
            for n in range(result["interactions"])}


def test_resumed_answers_select_the_same_choices_after_a_reorder(packages):
    with _Lms(packages["original"][1]) as lms:
        frame = lms.launch()
        for title, texts in PICKS.items():
            for text in texts:
                _question(frame, title).get_by_label(text, exact=True).check()
        saved = lms.leave()
        assert saved["values"]["cmi.core.exit"] == "suspend"
        assert json.loads(saved["suspend_data"])["a"]  # the answers are in suspend_data

        # The same answers submitted in the original package: what the LMS records.
        frame = lms.launch({"entry": "resume", "suspend_data": saved["suspend_data"],
                            "lesson_status": saved["lesson_status"]})
        frame.get_by_role("button", name="Submit answers").click()
        lms.page.wait_for_function("() => lms.result().commitCount > 0")
        before = _responses(lms.leave())

    with _Lms(packages["reordered"][1]) as lms:
        frame = lms.launch({"entry": "resume", "suspend_data": saved["suspend_data"],
                            "lesson_status": saved["lesson_status"]})
        for title, texts in _choice_texts(packages["reordered"][0]).items():
            for text in texts:
                checked = _question(frame, title).get_by_label(text, exact=True).is_checked()
                assert checked == (text in PICKS[title]), (title, text, checked)
        frame.get_by_role("button", name="Submit answers").click()
        lms.page.wait_for_function("() => lms.result().commitCount > 0")
        after = _responses(lms.leave())
    assert after == before
    assert before["equity-and-equality"] == {"taking-difference-into"}
