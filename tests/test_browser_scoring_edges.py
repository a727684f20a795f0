"""Browser-side scoring at the edges the other browser tests leave out (docs/mutation-testing.md).

Each test here kills a mutant of tools/js_mutants.py that survived the rest of the suite: a
percentage that is not a whole number, a short answer typed in capitals, the two ends of a
numeric range, and the SCORM ``correct_responses`` pattern of choice questions.
"""

from __future__ import annotations

import pytest

from browser import support
from conftest import ROOTS
from course_tree import write_bundle
from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course

pytestmark = pytest.mark.skipif(support.missing() is not None, reason=str(support.missing()))

CHECK = "modules/foundations/check.html"



@pytest.fixture(scope="module")
def fidelity():
    return select_offering(read_course(ROOTS / "fidelity"), None)


@pytest.fixture(scope="module")
def site(registry, fidelity, tmp_path_factory):
    return write_bundle(registry.load("html")().build_bundle(fidelity), tmp_path_factory.mktemp("site"))


@pytest.fixture
def page(site):
    page = support.browser().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((site / CHECK).as_uri())
    yield page
    page.close()
    assert errors == []


def _question(page, title):
    return page.get_by_role("group", name=title)


def _check(page):
    page.get_by_role("button", name="Check answers").click()


def _verdict(page, title):
    return _question(page, title).locator("[data-feedback] .result").inner_text()


def test_a_percentage_that_is_not_whole_keeps_two_decimals(page, fidelity):
    quiz = next(i for m in fidelity.modules for i in m.items if i.full_id == "foundations/check")
    possible = sum(q.points for q in quiz.questions if q.auto_scored)
    assert possible == 14  # the one right answer below is 2 of 14 points: 14.2857... %
    _question(page, "Question 1: Equity and equality").get_by_label(
        "Taking difference into account so that process and outcome are fair").check()
    _check(page)
    lines = [line for line in page.locator("[data-summary]").inner_text().splitlines() if line]
    assert lines[1:3] == ["Score: 2 of 14 points (14.29%).", "Not passed yet: 70% is needed."]


@pytest.mark.parametrize("typed", ["ALA", "American Library Association", "  the AMERICAN library   association "])
def test_a_short_answer_is_right_in_any_case_and_spacing(page, typed):
    title = "Question 4: Name the accrediting body"
    _question(page, title).get_by_label("Your answer").fill(typed)
    _check(page)
    assert _verdict(page, title) == "Correct."


@pytest.mark.parametrize("typed, verdict", [
    ("390", "Correct."), ("410", "Correct."), ("400", "Correct."),
    ("389.9", "Not correct."), ("410.1", "Not correct."),
])
def test_both_ends_of_a_numeric_range_are_accepted(page, typed, verdict):
    title = "Question 6: Service population"
    _question(page, title).get_by_label("Your answer").fill(typed)
    _check(page)
    assert _verdict(page, title) == verdict


@pytest.mark.parametrize("typed, verdict", [("2", "Correct."), ("2.0", "Correct."), ("3", "Not correct."),
                                            ("1.9", "Not correct.")])
def test_an_exact_number_is_right_only_when_equal(page, typed, verdict):
    title = "Question 5: Count the branches"
    _question(page, title).get_by_label("Your answer").fill(typed)
    _check(page)
    assert _verdict(page, title) == verdict


# -- SCORM: the pattern an LMS compares a learner's response with --------------------------------

def test_choice_interactions_name_the_correct_choices_as_their_pattern(registry, tmp_path):
    course = select_offering(read_course(ROOTS / "full"), "certificate")
    package = write_bundle(registry.load("scorm12")().build_bundle(course), tmp_path / "scorm")
    href = next(p for p in course_paths(package) if p.endswith("foundations/check.html"))
    with support.serve(package) as (base, _commits):
        page = support.browser().new_page()
        try:
            page.goto(f"{base}/harness/lms.html")
            page.evaluate("([url, previous]) => lms.launch(url, previous)", [f"{base}/pkg/{href}", {}])
            page.wait_for_function("() => lms.result().initialized")
            frame = page.frame_locator("#sco")
            frame.get_by_role("group", name="Question 1:").get_by_label("Giving every patron exactly the same service").check()
            frame.get_by_role("group", name="Question 2:").get_by_label(
                "Offering materials in the languages of the community").check()
            frame.get_by_role("group", name="Question 3:").get_by_label("True").check()
            frame.get_by_role("button", name="Submit answers").click()
            page.wait_for_function("() => lms.result().commitCount > 0")
            values = page.evaluate("() => lms.result()")["values"]
        finally:
            page.close()
    patterns = {values[f"cmi.interactions.{n}.id"]: values.get(f"cmi.interactions.{n}.correct_responses.0.pattern")
                for n in range(3)}
    assert patterns == {"equity-and-equality": "taking-difference-into",
                        "inclusive-practices": "offering-materials-in,holding-events-at-times",
                        "equity-is-the-same-as-equality": "f"}
    # The learner's wrong answers are recorded as given, and judged wrong.
    assert values["cmi.interactions.0.student_response"] == "giving-every-patron"
    assert [values[f"cmi.interactions.{n}.result"] for n in range(3)] == ["wrong"] * 3


def course_paths(package):
    return [str(p.relative_to(package)) for p in package.rglob("*.html")]
