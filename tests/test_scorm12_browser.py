"""Play the built SCORM 1.2 package in headless Chromium against scorm-again 3.4.3.

The test LMS (tests/browser/lms.html) wraps the runtime in a strict API that records
what Moodle would reject.  Quizzes are answered through their accessible labels.
"""

from __future__ import annotations

import json

import pytest
from lxml import etree

from browser import support
from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course

pytestmark = pytest.mark.skipif(support.missing() is not None, reason=str(support.missing()))

NS = {"cp": "http://www.imsproject.org/xsd/imscp_rootv1p1p2",
      "adlcp": "http://www.adlnet.org/xsd/adlcp_rootv1p2"}
QUIZ = "I_foundations__check"
ESSAY_ONLY = "I_foundations__reflection"


def _package(registry, course, folder):
    bundle = registry.load("scorm12")().build_bundle(course)
    for path, entry in bundle.files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(entry.read())
    return folder


def _scos(package):
    """(item identifier, launch href, mastery score) in manifest order, as an LMS reads them."""
    manifest = etree.parse(str(package / "imsmanifest.xml")).getroot()
    resources = {r.get("identifier"): r for r in manifest.iterfind(".//cp:resource", NS)}
    default = manifest.find("cp:organizations", NS).get("default")
    organization = manifest.find(f"cp:organizations/cp:organization[@identifier='{default}']", NS)
    return [(item.get("identifier"), resources[item.get("identifierref")].get("href"),
             item.findtext("adlcp:masteryscore", default="", namespaces=NS))
            for item in organization.iterfind(".//cp:item[@identifierref]", NS)]


@pytest.fixture(scope="module")
def lms(registry, copy_root, tmp_path_factory):
    """A served package of the full course plus an essay-only quiz, and a page on the test LMS."""
    root = copy_root("full")
    (root / "modules" / "02-foundations" / "05-reflection.md").write_text(
        "---\ntitle: Reflection\ntype: quiz\n---\nThink about your own library.\n\n"
        "### Barriers {type=essay}\nDescribe one barrier to access.\n", encoding="utf-8")
    course = select_offering(read_course(root), "certificate")
    package = _package(registry, course, tmp_path_factory.mktemp("scorm"))
    with support.serve(package) as (base, commits):
        page = support.browser().new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("console", lambda message: problems.append(f"console {message.type}: {message.text}")
                if message.type in ("error", "warning") and "Failed to load resource" not in message.text
                else None)
        # Browsers ask for /favicon.ico on their own; any other missing file is a packaging bug.
        page.on("response", lambda response: problems.append(f"HTTP {response.status}: {response.url}")
                if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
        page.goto(f"{base}/harness/lms.html")
        player = _Player(page, base, {sco[0]: sco for sco in _scos(package)}, commits, problems)
        yield player
        page.close()


# copy_root is function-scoped in conftest; the module fixture needs its own copy.
@pytest.fixture(scope="module")
def copy_root(tmp_path_factory):
    import shutil

    from conftest import ROOTS

    def copy(name):
        target = tmp_path_factory.mktemp("root") / name
        shutil.copytree(ROOTS / name, target)
        return target

    return copy


class _Player:
    def __init__(self, page, base, scos, commits, problems):
        self.page, self.base, self.scos, self.commits, self.problems = page, base, scos, commits, problems

    def launch(self, identifier, previous=None):
        _, href, mastery = self.scos[identifier]
        state = dict(previous or {}, mastery_score=mastery)
        self.problems.clear()
        self.page.evaluate("([url, previous]) => lms.launch(url, previous)", [f"{self.base}/pkg/{href}", state])
        self.page.wait_for_function("() => lms.result().initialized")
        return self.page.frame_locator("#sco")

    def leave(self):
        self.page.evaluate("() => lms.leave()")
        self.page.wait_for_function("() => lms.result().finished")
        return self.result()

    def result(self):
        return self.page.evaluate("() => lms.result()")

    def assert_clean(self, result):
        assert result["violations"] == []
        assert result["errors"] == []
        assert result["pageErrors"] == []
        assert self.problems == []
        assert result["finishCount"] == 1


def _question(frame, number):
    return frame.get_by_role("group", name=f"Question {number}:")


def _answer_correctly(frame):
    _question(frame, 1).get_by_label("Taking difference into account so that process and outcome are fair").check()
    _question(frame, 2).get_by_label("Offering materials in the languages of the community").check()
    _question(frame, 2).get_by_label("Holding events at times that suit working patrons").check()
    _question(frame, 3).get_by_label("False").check()
    _question(frame, 4).get_by_label("Your answer").fill("american library association")
    _question(frame, 5).get_by_label("Your answer").fill("400")
    _question(frame, 6).get_by_label("Your answer").fill("Opening hours exclude shift workers.")


def _answer_wrongly(frame):
    _question(frame, 1).get_by_label("Giving every patron exactly the same service").check()
    _question(frame, 2).get_by_label("Requiring a photo ID for every visit").check()
    _question(frame, 3).get_by_label("True").check()
    _question(frame, 4).get_by_label("Your answer").fill("IFLA")
    _question(frame, 5).get_by_label("Your answer").fill("4000")


def _submit_and_finish(frame, player):
    frame.get_by_role("button", name="Submit answers").click()
    player.page.wait_for_function("() => lms.result().commitCount > 0")
    frame.get_by_role("button", name="Save and finish").click()
    player.page.wait_for_function("() => lms.result().finished")
    return player.result()


def test_every_sco_initializes_and_finishes_without_violations(lms):
    inaccessible = {}
    for identifier, (_, href, _) in lms.scos.items():
        if identifier in (QUIZ, ESSAY_ONLY):
            continue
        frame = lms.launch(identifier)
        frame.get_by_role("heading", level=1).wait_for()
        found = support.axe_violations(lms.page.locator("#sco").element_handle().content_frame())
        if found:
            inaccessible[href] = found
        result = lms.leave()
        lms.assert_clean(result)
        assert result["lesson_status"] == "completed", href
        assert result["values"]["cmi.core.exit"] == ""
        assert result["commitCount"] == 1, href  # once, when the page is viewed
    assert inaccessible == {}


def test_correct_answers_pass_with_score_100(lms):
    frame = lms.launch(QUIZ)
    _answer_correctly(frame)
    result = _submit_and_finish(frame, lms)
    lms.assert_clean(result)
    assert result["lesson_status"] == "passed"
    assert float(result["score_raw"]) == 100
    assert result["commitCount"] == 2  # on submit and on "Save and finish"
    assert result["interactions"] == 6
    values = result["values"]
    assert [values[f"cmi.interactions.{n}.result"] for n in range(6)] == ["correct"] * 5 + ["neutral"]
    assert values["cmi.interactions.0.id"] == "equity-and-equality"
    assert values["cmi.interactions.0.type"] == "choice"
    assert values["cmi.interactions.1.student_response"] == "offering-materials-in,holding-events-at-times"
    assert values["cmi.interactions.2.type"] == "true-false"
    assert values["cmi.interactions.2.student_response"] == "f"
    assert values["cmi.core.score.min"] == "0" and values["cmi.core.score.max"] == "100"
    feedback = _question(frame, 1).locator("[data-feedback]")
    assert "Yes: equity adjusts for different starting points." in feedback.inner_text()
    assert "Equity is about fair outcomes" in feedback.inner_text()
    assert support.axe_violations(lms.page.locator("#sco").element_handle().content_frame()) == []
    # What reached the LMS server agrees with the runtime.
    statuses = [c.get("cmi", {}).get("core", {}).get("lesson_status") for c in lms.commits]
    assert "passed" in statuses


def test_wrong_answers_fail(lms):
    frame = lms.launch(QUIZ)
    _answer_wrongly(frame)
    result = _submit_and_finish(frame, lms)
    lms.assert_clean(result)
    assert result["lesson_status"] == "failed"
    assert float(result["score_raw"]) == 0
    assert result["values"]["cmi.core.exit"] == "suspend"  # attempts are left: come back
    assert "Not correct." in _question(frame, 1).locator("[data-feedback]").inner_text()


def test_a_relaunch_resumes_answers_and_position(lms):
    frame = lms.launch(QUIZ)
    _question(frame, 1).get_by_label("Taking difference into account so that process and outcome are fair").check()
    _question(frame, 4).get_by_label("Your answer").fill("ALA")
    _question(frame, 4).get_by_label("Your answer").blur()
    first = lms.leave()
    lms.assert_clean(first)
    assert first["lesson_status"] == "incomplete"
    assert first["values"]["cmi.core.exit"] == "suspend"
    assert first["lesson_location"] == "name-the-accrediting-body"
    assert len(first["suspend_data"]) <= 4096
    assert json.loads(first["suspend_data"])["a"]["name-the-accrediting-body"] == "ALA"

    frame = lms.launch(QUIZ, {"entry": "resume", "suspend_data": first["suspend_data"],
                              "lesson_location": first["lesson_location"],
                              "lesson_status": first["lesson_status"]})
    assert _question(frame, 1).get_by_label(
        "Taking difference into account so that process and outcome are fair").is_checked()
    assert _question(frame, 4).get_by_label("Your answer").input_value() == "ALA"
    _answer_correctly(frame)
    result = _submit_and_finish(frame, lms)
    lms.assert_clean(result)
    assert result["lesson_status"] == "passed"


def test_a_long_essay_keeps_suspend_data_under_the_limit(lms):
    frame = lms.launch(QUIZ)
    _question(frame, 6).get_by_label("Your answer").fill("word " * 2000)
    _question(frame, 6).get_by_label("Your answer").blur()
    result = lms.leave()
    lms.assert_clean(result)
    assert 0 < len(result["suspend_data"]) <= 4096


def test_essay_only_quiz_reports_completed_without_score(lms):
    frame = lms.launch(ESSAY_ONLY)
    _question(frame, 1).get_by_label("Your answer").fill("Signage only in one language.")
    result = _submit_and_finish(frame, lms)
    lms.assert_clean(result)
    assert result["lesson_status"] == "completed"
    assert result["score_raw"] == ""
    assert result["values"]["cmi.interactions.0.result"] == "neutral"


def test_a_popup_sco_finds_the_api_through_its_opener(lms):
    _, href, _ = lms.scos["I_foundations__key-terms"]
    lms.problems.clear()
    with lms.page.expect_popup() as opened:
        lms.page.evaluate("([url]) => lms.launchPopup(url, {})", [f"{lms.base}/pkg/{href}"])
    popup = opened.value
    lms.page.wait_for_function("() => lms.result().initialized")
    popup.get_by_role("button", name="Save and finish").click()
    lms.page.wait_for_function("() => lms.result().finished")
    result = lms.result()
    lms.assert_clean(result)
    assert result["lesson_status"] == "completed"
    popup.close()


def test_a_fresh_attempt_ignores_stale_suspend_data(lms):
    stale = json.dumps({"v": 1, "a": {"name-the-accrediting-body": "ALA"}, "s": 0, "t": 0})
    frame = lms.launch(QUIZ, {"entry": "ab-initio", "suspend_data": stale})
    assert _question(frame, 4).get_by_label("Your answer").input_value() == ""
    result = lms.leave()
    lms.assert_clean(result)


def test_no_submission_beyond_the_allowed_attempts(lms):
    used = json.dumps({"v": 1, "a": {"name-the-accrediting-body": "IFLA"}, "s": 1, "t": 3})
    frame = lms.launch(QUIZ, {"entry": "resume", "suspend_data": used, "lesson_status": "failed"})
    assert frame.get_by_role("button", name="Submit answers").is_disabled()
    assert "No attempts left" in frame.locator("[data-summary]").inner_text()
    assert _question(frame, 4).get_by_label("Your answer").input_value() == "IFLA"
    result = lms.leave()
    lms.assert_clean(result)
    assert result["values"]["cmi.core.exit"] == ""  # nothing left to resume


def _seconds(timespan: str) -> float:
    hours, minutes, seconds = timespan.split(":")
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def test_leaving_a_page_reports_the_whole_visit_as_session_time(lms):
    # An LMS adds session_time to total_time on LMSFinish: the value at launch (about 0 s)
    # or at the last 15-second tick would record a short visit as no time at all.
    frame = lms.launch("I_foundations__key-terms")
    frame.get_by_role("heading", level=1).wait_for()
    lms.page.wait_for_timeout(1500)
    result = lms.leave()
    lms.assert_clean(result)
    assert _seconds(result["values"]["cmi.core.session_time"]) >= 1.4


def test_a_quiz_counts_the_time_after_submitting_too(lms):
    frame = lms.launch(QUIZ)
    _answer_correctly(frame)
    frame.get_by_role("button", name="Submit answers").click()
    lms.page.wait_for_function("() => lms.result().commitCount > 0")
    at_submit = _seconds(lms.result()["values"]["cmi.core.session_time"])
    lms.page.wait_for_timeout(1500)
    result = lms.leave()
    lms.assert_clean(result)
    assert _seconds(result["values"]["cmi.core.session_time"]) >= at_submit + 1.4
