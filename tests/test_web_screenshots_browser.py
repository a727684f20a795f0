"""Screenshots of what learners see: home, module, page, quiz with feedback and assignment, at
1280 and 390 px, in Chromium.

They are written under the test's temporary folder (the path is printed with -s) to be looked
at by eye.  ``ILEAD_SCREENSHOTS=docs`` also refreshes the few in docs/screenshots/ that
README.md shows:  ILEAD_SCREENSHOTS=docs .venv/bin/python -m pytest tests/test_web_screenshots_browser.py
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

import pytest

import web_sites
from browser import support

pytestmark = pytest.mark.skipif(support.missing() is not None, reason=str(support.missing()))

DOCS = Path(__file__).parent.parent / "docs" / "screenshots"
SHOTS = ["home", "module", "page", "quiz", "assignment"]
# name in docs/screenshots -> (page, width); viewport-sized, so they stay small
FOR_DOCS = {"home-1280.png": ("home", 1280), "page-1280.png": ("page", 1280),
            "quiz-feedback-1280.png": ("quiz", 1280), "page-390.png": ("page", 390),
            "quiz-feedback-390.png": ("quiz", 390), "menu-390.png": ("menu", 390)}


def _size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


def _answer_some_wrongly(page) -> None:
    page.get_by_role("group", name="Question 1:").get_by_label("Giving every patron exactly the same service").check()
    page.get_by_role("group", name="Question 2:").get_by_label("Offering materials in the languages of the community").check()
    page.get_by_role("group", name="Question 3:").get_by_label("False").check()
    page.get_by_role("group", name="Question 4:").get_by_label("Your answer").fill("IFLA")
    page.get_by_role("group", name="Question 5:").get_by_label("Your answer").fill("400")
    page.get_by_role("button", name="Check answers").click()


def _prepare(page, site, kind: str) -> None:
    page.goto("file://" + str(site) + "/" + web_sites.PAGES["page" if kind == "menu" else kind])
    if kind == "quiz":
        _answer_some_wrongly(page)
    if kind == "menu":
        page.get_by_role("button", name="Menu").click()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    found = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots in {found}")
    return found


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("kind", SHOTS)
def test_screenshot_of_each_page_type(kind, width, folder):
    site = web_sites.site("en")
    for scheme in ("light", "dark"):
        context = support.browser().new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        page = context.new_page()
        _prepare(page, site, kind)
        if kind == "quiz":  # the feedback, from the first question to the results
            page.locator("fieldset[data-question]").first.scroll_into_view_if_needed()
        else:
            page.evaluate("window.scrollTo(0, 0)")
        png = page.screenshot(full_page=True, path=str(folder / f"{kind}-{width}-{scheme}.png"))
        context.close()
        shot_width, height = _size(png)
        assert shot_width == width and height >= 600
        # Nothing wider than the screen: no sideways scrolling at 390 px (the audit's 33 pages).
        assert len(png) > 20_000


@pytest.mark.parametrize("width", [390, 320])
def test_no_page_scrolls_sideways_on_a_phone(width):
    site = web_sites.site("en")
    context = support.browser().new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    wide = {}
    for kind, relative in web_sites.PAGES.items():
        page.goto("file://" + str(site) + "/" + relative)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        if scroll > width:
            wide[kind] = scroll
    context.close()
    assert wide == {}


@pytest.mark.skipif(os.environ.get("ILEAD_SCREENSHOTS") != "docs", reason="set ILEAD_SCREENSHOTS=docs to refresh")
def test_refresh_the_screenshots_in_docs():
    site = web_sites.site("en")
    DOCS.mkdir(exist_ok=True)
    for name, (kind, width) in FOR_DOCS.items():
        context = support.browser().new_context(viewport={"width": width, "height": 760 if width > 400 else 800})
        page = context.new_page()
        _prepare(page, site, kind)
        if kind == "quiz":
            page.get_by_role("group", name="Question 1:").scroll_into_view_if_needed()
            page.evaluate("window.scrollBy(0, -16)")
        page.screenshot(path=str(DOCS / name))
        context.close()
