"""The preview site in headless Chromium, opened from file:// with no server."""

from __future__ import annotations

import pytest

from browser import support

pytestmark = pytest.mark.skipif(support.missing() is not None, reason=str(support.missing()))


@pytest.fixture(scope="module")
def site(registry, full_course_for, tmp_path_factory):
    bundle = registry.load("html")().build_bundle(full_course_for("certificate"))
    folder = tmp_path_factory.mktemp("site")
    for path, entry in bundle.files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(entry.read())
    return folder


@pytest.fixture
def page():
    page = support.browser().new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" and "Failed to load resource" not in message.text else None)
    page.on("response", lambda response: errors.append(f"HTTP {response.status}: {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
    yield page
    page.close()
    assert errors == []


def _question(page, number):
    return page.get_by_role("group", name=f"Question {number}:")


def test_navigation_from_home_to_the_quiz(site, page):
    page.goto((site / "index.html").as_uri())
    page.get_by_role("navigation", name="Course outline").get_by_role("link", name="Knowledge check").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Knowledge check"
    page.get_by_role("link", name="Previous: Talk: equity in public libraries").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Talk: equity in public libraries"


def test_self_check_scores_correct_answers_from_file_url(site, page):
    page.goto((site / "modules" / "foundations" / "check.html").as_uri())
    _question(page, 1).get_by_label("Taking difference into account so that process and outcome are fair").check()
    _question(page, 2).get_by_label("Offering materials in the languages of the community").check()
    _question(page, 2).get_by_label("Holding events at times that suit working patrons").check()
    _question(page, 3).get_by_label("False").check()
    _question(page, 4).get_by_label("Your answer").fill("  ala ")
    _question(page, 5).get_by_label("Your answer").fill("400")
    page.get_by_role("button", name="Check answers").click()
    summary = page.locator("[data-summary]")
    lines = summary.inner_text().splitlines()
    assert [line for line in lines if line][:3] == ["Your results", "Score: 6 of 6 points (100%).",
                                                   "Passed: the pass mark is 70%."]
    assert page.evaluate("document.activeElement.hasAttribute('data-summary')")
    first = _question(page, 1).locator("[data-feedback]").inner_text()
    assert "Correct." in first and "Yes: equity adjusts" in first and "Equity is about fair outcomes" in first
    assert "not scored automatically" in _question(page, 6).locator("[data-feedback]").inner_text()


def test_self_check_reports_wrong_answers_and_teaches_the_right_ones(site, page):
    page.goto((site / "modules" / "foundations" / "check.html").as_uri())
    _question(page, 1).get_by_label("Counting how many groups are represented on staff").check()
    _question(page, 2).get_by_label("Offering materials in the languages of the community").check()
    _question(page, 5).get_by_label("Your answer").fill("4,000")
    page.get_by_role("button", name="Check answers").click()
    summary = page.locator("[data-summary]").inner_text()
    assert "Score: 0 of 6 points (0%).\n" in summary and "Not passed yet: 70% is needed." in summary
    assert "Question 2: not correct" in summary and "Question 4: not answered" in summary
    # No feedback on the chosen choice: the right answer, in the choices' own words.
    second = _question(page, 2).locator("[data-feedback]").inner_text()
    assert second.startswith("Not correct.")
    assert ("The right answers: “Offering materials in the languages of the community”; "
            "“Holding events at times that suit working patrons”.") in second
    assert "An accepted answer: “ALA”." in _question(page, 4).locator("[data-feedback]").inner_text()
    assert "any number from 390 to 410" in _question(page, 5).locator("[data-feedback]").inner_text()


def test_numeric_answers_accept_thousands_separators(site, page):
    page.goto((site / "modules" / "foundations" / "check.html").as_uri())
    parse = "value => IleadQuiz.parseNumber(value)"
    assert page.evaluate(parse, "4,000") == 4000
    assert page.evaluate(parse, "3,5") == 3.5
    assert page.evaluate(parse, " 400 ") == 400
    assert page.evaluate(parse, "four") is None


def test_every_page_passes_axe_wcag_21_aa(site, page):
    # Served over http: axe reads stylesheets with XHR, which file:// pages may not do.
    failures = {}
    with support.serve(site) as (base, _):
        for path in sorted(site.rglob("*.html")):
            page.goto(f"{base}/pkg/{path.relative_to(site).as_posix()}")
            if path.name == "check.html":
                page.get_by_role("button", name="Check answers").click()  # feedback shown too
            found = support.axe_violations(page)
            if found:
                failures[path.relative_to(site).as_posix()] = found
    assert failures == {}


def test_skip_link_is_first_and_moves_focus_to_main(site, page):
    page.goto((site / "modules" / "welcome" / "how-it-works.html").as_uri())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
