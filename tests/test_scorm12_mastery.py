"""Pass marks at the boundary: exactly the pass mark passes, one point below fails.

The 'mastery' root has four quizzes with the same questions, worth 69, 1 and 30 points
(plus an essay, never scored): the first two right make exactly 70 %, the first alone 69 %.
'Own pass mark' has ``mastery: 70``; 'Course pass mark' has none and passes at the course's
``grading: pass: 70``.  Each is played in Chromium against scorm-again's SCORM 1.2 API with
the LMS's ``cmi.student_data.mastery_score`` empty (an LMS that gives none), equal to the
package's, lower and higher.

Which wins when they differ: the LMS's.  SCORM 1.2 defines mastery_score as the passing score
"determined outside the SCO" and lets the LMS judge ``cmi.core.lesson_status`` against it
(RTE 3.4.4, cmi.core.lesson_status; Conformance Requirements 2-19), and Moodle does so on
LMSFinish when *Mastery score overrides status* is on; a SCO that judged against its own mark
would disagree with the LMS.  The package's own mark (the same number as its manifest's
``adlcp:masteryscore``) applies only when the LMS gives none.
"""

from __future__ import annotations

import pytest
from lxml import etree

from browser import support
from conftest import ROOTS
from course_tree import write_bundle
from ilead_shell.model import Quiz
from ilead_shell.reader import read_course

ROOT = ROOTS / "mastery"
NS = {"cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
      "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2"}
OWN, COURSE = "I_checks__own-mark", "I_checks__course-mark"
AT_MARK, BELOW = (True, True, False), (True, False, False)   # per scored question: right or not

browser_only = pytest.mark.skipif(support.missing() is not None, reason=str(support.missing()))



def _manifest_items(folder):
    manifest = etree.parse(str(folder / "imsmanifest.xml")).getroot()
    hrefs = {r.get("identifier"): r.get("href") for r in manifest.iterfind(".//cp:resource", NS)}
    return {i.get("identifier"): (hrefs[i.get("identifierref")], i.findtext("adlcp:masteryscore", namespaces=NS))
            for i in manifest.iterfind(".//cp:item[@identifierref]", NS)}


def _without_course_pass(copy_root):
    root = copy_root("mastery")
    course_yml = root / "course.yml"
    course_yml.write_text(course_yml.read_text(encoding="utf-8").replace("  pass: 70\n", ""), encoding="utf-8")
    return root


# -- the manifest: what the LMS is told --------------------------------------------------------

def test_a_quiz_without_mastery_takes_the_course_pass_mark(registry, tmp_path):
    items = _manifest_items(write_bundle(registry.load("scorm12")().build_bundle(read_course(ROOT)), tmp_path))
    assert items[OWN][1] == "70"
    assert items[COURSE][1] == "70"      # grading: pass: 70, the quiz has no mastery of its own


def test_own_mastery_wins_over_the_course_pass_mark(registry, copy_root, tmp_path):
    root = copy_root("mastery")
    own = root / "modules" / "01-checks" / "01-own-mark.md"
    own.write_text(own.read_text(encoding="utf-8").replace("mastery: 70", "mastery: 85"), encoding="utf-8")
    items = _manifest_items(write_bundle(registry.load("scorm12")().build_bundle(read_course(root)), tmp_path / "p"))
    assert (items[OWN][1], items[COURSE][1]) == ("85", "70")


def test_with_neither_there_is_no_pass_mark(registry, copy_root, tmp_path):
    course = read_course(_without_course_pass(copy_root))
    items = _manifest_items(write_bundle(registry.load("scorm12")().build_bundle(course), tmp_path / "p"))
    assert items[COURSE][1] is None and items[OWN][1] == "70"


# -- the page: what the SCO reports --------------------------------------------------------------

class _Lms:
    """The test LMS page (tests/browser/lms.html) over one served package."""

    def __init__(self, page, base, items, quizzes):
        self.page, self.base, self.items, self.quizzes = page, base, items, quizzes

    def play(self, identifier, answers, lms_mastery):
        href, _ = self.items[identifier]
        self.page.evaluate("([url, previous]) => lms.launch(url, previous)",
                           [f"{self.base}/pkg/{href}", {"mastery_score": lms_mastery}])
        self.page.wait_for_function("() => lms.result().initialized")
        frame = self.page.frame_locator("#sco")
        _answer(frame, self.quizzes[identifier], answers)
        frame.get_by_role("button", name="Submit answers").click()
        self.page.wait_for_function("() => lms.result().commitCount > 0")
        summary = frame.locator("[data-summary]").inner_text()
        self.page.evaluate("() => lms.leave()")
        self.page.wait_for_function("() => lms.result().finished")
        result = self.page.evaluate("() => lms.result()")
        assert (result["violations"], result["errors"], result["pageErrors"]) == ([], [], [])
        result["summary"] = summary
        return result


def _answer(frame, quiz: Quiz, rights):
    scored = iter(rights)
    for number, question in enumerate(quiz.questions, 1):
        group = frame.get_by_role("group", name=f"Question {number}:")
        if question.type == "essay":
            group.get_by_label("Your answer").fill("Signage in one language only.")
            continue
        right = next(scored)
        if question.choices:
            choice = next(c for c in question.choices if c.correct == right)
            group.get_by_label(choice.text, exact=True).check()
        else:
            group.get_by_label("Your answer").fill(question.answers[0] if right else "no such body")


@pytest.fixture(scope="module")
def lms(registry, tmp_path_factory):
    yield from _served(registry, read_course(ROOT), tmp_path_factory.mktemp("mastery"))


def _served(registry, course, folder):
    write_bundle(registry.load("scorm12")().build_bundle(course), folder)
    quizzes = {f"I_{i.module_id}__{i.id}": i for i in course.items() if isinstance(i, Quiz)}
    with support.serve(folder) as (base, _commits):
        page = support.browser().new_page()
        page.goto(f"{base}/harness/lms.html")
        yield _Lms(page, base, _manifest_items(folder), quizzes)
        page.close()


# (quiz, LMS mastery_score, answers, status, score): "" is an LMS that gives no mastery score.
CASES = [
    ("own mark, exactly at it", OWN, "", AT_MARK, "passed", 70),
    ("own mark, one point below", OWN, "", BELOW, "failed", 69),
    ("LMS mark equal, exactly at it", OWN, "70", AT_MARK, "passed", 70),
    ("LMS mark equal, one point below", OWN, "70", BELOW, "failed", 69),
    ("LMS mark lower wins: 69 passes at 60", OWN, "60", BELOW, "passed", 69),
    ("LMS mark lower, exactly at it", OWN, "69", BELOW, "passed", 69),
    ("LMS mark higher wins: 70 fails at 80", OWN, "80", AT_MARK, "failed", 70),
    ("LMS mark one above the score", OWN, "71", AT_MARK, "failed", 70),
    ("course mark, exactly at it", COURSE, "", AT_MARK, "passed", 70),
    ("course mark, one point below", COURSE, "", BELOW, "failed", 69),
]


@browser_only
@pytest.mark.parametrize("case, quiz, lms_mastery, answers, status, score", CASES, ids=[c[0] for c in CASES])
def test_status_at_the_pass_mark(lms, case, quiz, lms_mastery, answers, status, score):
    result = lms.play(quiz, answers, lms_mastery)
    assert float(result["score_raw"]) == score
    assert result["lesson_status"] == status
    assert result["values"]["cmi.core.lesson_status"] == status


@browser_only
def test_the_page_says_the_mark_it_judged_against(lms):
    result = lms.play(OWN, AT_MARK, "80")
    assert "Not passed yet: 80% is needed." in result["summary"]
    assert "Score: 70 of 100 points (70%)" in result["summary"]


@pytest.fixture(scope="module")
def lms_without_pass_mark(registry, tmp_path_factory):
    import shutil

    root = tmp_path_factory.mktemp("root") / "mastery"
    shutil.copytree(ROOT, root)
    course_yml = root / "course.yml"
    course_yml.write_text(course_yml.read_text(encoding="utf-8").replace("  pass: 70\n", ""), encoding="utf-8")
    yield from _served(registry, read_course(root), tmp_path_factory.mktemp("no-pass"))


@browser_only
@pytest.mark.parametrize("answers, score", [(AT_MARK, 70), (BELOW, 69)], ids=["70", "69"])
def test_with_no_pass_mark_anywhere_a_quiz_is_completed_with_its_score(lms_without_pass_mark, answers, score):
    result = lms_without_pass_mark.play(COURSE, answers, "")
    assert result["lesson_status"] == "completed"
    assert float(result["score_raw"]) == score
