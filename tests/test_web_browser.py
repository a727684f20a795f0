"""The web layer in Chromium, driven by the keyboard: what the accessibility audit of issue 14
found (focus order at 390 px, the menu, focus after submit, focus-ring contrast, a stray
Enter spending a graded attempt, focus dropped to <body>) and axe-core on every page type
at both widths, in both languages, light and dark.
"""

from __future__ import annotations

import json
import re

import pytest

import web_sites
from browser import support
from ilead_shell.colours import NON_TEXT_AA, contrast

pytestmark = pytest.mark.skipif(support.missing() is not None, reason=str(support.missing()))

QUIZ_SCO = "sco/foundations/check.html"


@pytest.fixture(scope="module")
def english():
    return web_sites.site("en")


@pytest.fixture(scope="module")
def spanish():
    return web_sites.site("es")


@pytest.fixture
def open_page():
    contexts = []

    def make(width=1280, scheme="light", javascript=True):
        context = support.browser().new_context(viewport={"width": width, "height": 900}, color_scheme=scheme,
                                                java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()


def _file(site, relative):
    return "file://" + str(site) + "/" + relative


_FOCUSED = """() => {
  const e = document.activeElement;
  const r = e.getBoundingClientRect();
  return {tag: e.tagName, id: e.id, type: e.type || '',
          text: (e.getAttribute('aria-label') || e.innerText || e.placeholder || e.value || '').trim().slice(0, 80),
          top: r.top + window.scrollY, left: r.left, height: r.height, width: r.width,
          nav: !!e.closest('nav.course-nav'), main: !!e.closest('main'), header: !!e.closest('header'),
          body: e === document.body};
}"""


def _tab(page, times=1):
    """The next ``times`` focus stops, fewer when focus leaves the page (it wraps round)."""
    stops = []
    for _ in range(times):
        page.keyboard.press("Tab")
        stop = page.evaluate(_FOCUSED)
        if stop["body"] or (stops and stop["text"] == "Skip to main content"):
            break
        stops.append(stop)
    return stops


def _in_reading_order(stops):
    """Each stop is below the previous one, or on the same line to its right."""
    for before, after in zip(stops, stops[1:]):
        same_line = abs(after["top"] - before["top"]) < max(before["height"], 8) * 0.75
        if not (after["top"] > before["top"] or (same_line and after["left"] > before["left"])):
            return f"{after['text']!r} comes after {before['text']!r} in focus order but is above it"
    return None


# -- 2.4.3 / 1.3.2: at 390 px the focus order is the visual order ------------------------

@pytest.mark.parametrize("page_kind", ["quiz", "page", "home"])
def test_at_390_px_focus_reaches_the_content_straight_after_the_header(english, open_page, page_kind):
    page = open_page(width=390)
    page.goto(_file(english, web_sites.PAGES[page_kind]))
    stops = _tab(page, 12)
    assert stops[0]["text"] == "Skip to main content"
    header = [s["text"] for s in stops if s["header"]]
    # The home page's heading is the course title: its header does not link to the page itself.
    expected = ["Menu", "Search the course", "Search"] if page_kind == "home" else \
        ["iLead: Leading for Equity, Diversity, and Inclusion (Graduate certificate)", "Menu", "Search the course",
         "Search"]
    assert header == expected and all(s["header"] for s in stops[1:1 + len(header)])
    assert stops[1 + len(header)]["main"], stops[1 + len(header)]  # the closed outline holds no focus stop
    assert not any(s["nav"] for s in stops), "the closed menu's links are in the focus order"
    assert _in_reading_order(stops[1:]) is None


def test_at_390_px_the_open_menu_sits_between_header_and_content_in_both_orders(english, open_page):
    page = open_page(width=390)
    page.goto(_file(english, web_sites.PAGES["quiz"]))
    _tab(page, 3)
    assert page.evaluate(_FOCUSED)["text"] == "Menu"
    page.keyboard.press("Enter")
    stops = [page.evaluate(_FOCUSED)] + _tab(page, 10)
    kinds = ["header" if s["header"] else "nav" if s["nav"] else "main" for s in stops]
    first_nav, first_main = kinds.index("nav"), kinds.index("main")
    assert kinds[:first_nav] == ["header"] * first_nav and set(kinds[first_nav:first_main]) == {"nav"}
    assert stops[first_nav]["text"] == "All modules"
    assert _in_reading_order(stops) is None


def test_without_javascript_the_outline_shows_before_the_content(english, open_page):
    page = open_page(width=390, javascript=False)
    page.goto(_file(english, web_sites.PAGES["quiz"]))
    assert not page.get_by_role("button", name="Menu").is_visible()
    nav = page.get_by_role("navigation", name="Course outline").bounding_box()
    main = page.locator("main").bounding_box()
    assert nav["y"] + nav["height"] <= main["y"]


# -- the menu -------------------------------------------------------------------------------

def test_the_menu_opens_and_closes_from_the_keyboard(english, open_page):
    page = open_page(width=390)
    page.goto(_file(english, web_sites.PAGES["page"]))
    menu = page.get_by_role("button", name="Menu")
    outline = page.get_by_role("navigation", name="Course outline")
    assert menu.get_attribute("aria-expanded") == "false" and not outline.is_visible()
    _tab(page, 3)
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true" and outline.is_visible()
    current = outline.locator("[aria-current=page]")
    assert current.inner_text() == "How this course works" and current.is_visible()
    _tab(page, 4)  # search field, search button, "All modules", the module
    assert page.evaluate(_FOCUSED)["nav"]
    page.keyboard.press("Escape")  # from inside the menu: closed, focus back on its button
    assert menu.get_attribute("aria-expanded") == "false" and not outline.is_visible()
    assert page.evaluate(_FOCUSED)["text"] == "Menu"
    page.keyboard.press("Space")
    assert menu.get_attribute("aria-expanded") == "true"
    page.keyboard.press("Space")
    assert menu.get_attribute("aria-expanded") == "false"
    assert page.errors == []


def test_at_1280_px_the_outline_shows_beside_the_content_and_no_menu_button(english, open_page):
    page = open_page(width=1280)
    page.goto(_file(english, web_sites.PAGES["page"]))
    assert not page.get_by_role("button", name="Menu").is_visible()
    nav = page.get_by_role("navigation", name="Course outline").bounding_box()
    main = page.locator("main").bounding_box()
    assert nav["x"] + nav["width"] <= main["x"]
    # The current module is open, the current page marked.
    assert page.locator("nav.course-nav [aria-current=page]").inner_text() == "How this course works"


# -- focus rings: 3:1 against what is behind them (1.4.11), from computed styles ------------

_RING = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  let node = e.parentElement, behind = null;
  while (node && !behind) {
    const colour = getComputedStyle(node).backgroundColor;
    if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') { behind = colour; }
    node = node.parentElement;
  }
  return {text: (e.getAttribute('aria-label') || e.innerText || e.placeholder || '').trim().slice(0, 60),
          colour: style.outlineColor, style: style.outlineStyle, width: parseFloat(style.outlineWidth),
          behind: behind || getComputedStyle(document.documentElement).backgroundColor};
}"""


def _channels(css_colour: str) -> tuple[int, int, int]:
    return tuple(int(float(v)) for v in re.findall(r"[\d.]+", css_colour)[:3])


def _weak_rings(page, stops: int) -> list[str]:
    weak = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement === document.body"):
            break  # past the last stop: focus left the page
        ring = page.evaluate(_RING)
        ratio = contrast(_channels(ring["colour"]), _channels(ring["behind"]))
        if ring["style"] == "none" or ring["width"] < 2 or ratio < NON_TEXT_AA:
            weak.append(f"{ring['text']!r}: {ring['style']} {ring['width']}px {ring['colour']} on "
                        f"{ring['behind']} ({ratio:.2f}:1)")
    return weak


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
def test_every_focus_ring_has_3_to_1_contrast_with_its_background(english, open_page, scheme, width):
    page = open_page(width=width, scheme=scheme)
    page.goto(_file(english, web_sites.PAGES["quiz"]))
    weak = _weak_rings(page, 30)
    page.goto(_file(english, web_sites.PAGES["home"]))
    weak += _weak_rings(page, 12)
    assert weak == []


def test_a_course_colour_is_used_for_the_ring_only_where_it_contrasts(tmp_path, registry, open_page):
    # A themed course: the header ring stays white on its brand colour, whatever the brand.
    root = web_sites._root("en", tmp_path)
    yml = root / "course.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "theme:\n  brand: \"#6b1d5c\"\n", encoding="utf-8")
    from ilead_shell.reader import read_course

    site = web_sites._write(registry.load("html")().build_bundle(read_course(root)), tmp_path / "site")
    page = open_page(width=1280)
    page.goto(_file(site, "index.html"))
    assert page.evaluate("getComputedStyle(document.querySelector('.site-header')).backgroundColor") == \
        "rgb(107, 29, 92)"
    assert _weak_rings(page, 6) == []


# -- quiz feedback: focus moves to the results; feedback tied to each question -------------

def _tab_to(page, predicate, limit=80):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate):
            return
    raise AssertionError(f"never focused: {predicate}")


def test_after_submitting_from_the_keyboard_focus_is_on_the_results(english, open_page):
    page = open_page(width=390)
    page.goto(_file(english, web_sites.PAGES["quiz"]))
    _tab_to(page, "() => document.activeElement.name === 'equity-and-equality'")
    page.keyboard.press("Space")  # the first choice (wrong)
    _tab_to(page, "() => document.activeElement.type === 'submit' && !!document.activeElement.closest('[data-quiz-key]')")
    page.keyboard.press("Enter")
    focused = page.evaluate("() => document.activeElement.getAttribute('data-summary') !== null")
    assert focused, page.evaluate(_FOCUSED)
    summary = page.locator("[data-summary]")
    assert summary.get_attribute("role") == "status"
    assert "Score: 0 of 6 points (0%)." in summary.inner_text()  # the first choice is wrong
    # The summary is on screen, and links to each question's feedback.
    assert summary.is_visible() and summary.locator("a").count() == 6
    for fieldset in page.locator("fieldset[data-question]").all():
        feedback = fieldset.locator("[data-feedback]")
        assert feedback.get_attribute("id") in fieldset.get_attribute("aria-describedby").split()
        assert feedback.inner_text().strip()


def test_feedback_regions_are_present_and_empty_before_they_fill(english, open_page):
    page = open_page()
    page.goto(_file(english, web_sites.PAGES["quiz"]))
    for region in page.locator("[data-summary], [data-feedback]").all():
        assert region.inner_text() == ""
        assert region.evaluate("e => getComputedStyle(e).display") != "none"
    assert page.locator("[aria-live], [role=status]").count() == 1  # one announcement, not six


def test_enter_in_the_preview_never_submits_the_self_check(english, open_page):
    page = open_page()
    page.goto(_file(english, web_sites.PAGES["quiz"]))
    page.get_by_role("group", name="Question 4:").get_by_label("Your answer").fill("ALA")
    page.get_by_role("group", name="Question 4:").get_by_label("Your answer").press("Enter")
    page.get_by_role("group", name="Question 1:").get_by_role("radio").first.check()
    page.get_by_role("group", name="Question 1:").get_by_role("radio").first.press("Enter")
    assert page.locator("[data-summary]").inner_text() == ""
    assert "You have answered 2 of 6 questions." in page.locator("[data-review]").inner_text()


# -- SCORM: no graded attempt by a stray Enter; attempts left; the last one confirmed -------

@pytest.fixture(scope="module")
def lms():
    package = web_sites.package("en")
    with support.serve(package) as (base, commits):
        page = support.browser().new_page()
        page.goto(f"{base}/harness/lms.html")

        def launch(previous=None):
            page.evaluate("([url, previous]) => lms.launch(url, previous)",
                          [f"{base}/pkg/{QUIZ_SCO}", dict(previous or {}, mastery_score="70")])
            page.wait_for_function("() => lms.result().initialized")
            return page.frame_locator("#sco")

        launch.page = page
        yield launch
        page.close()


def _used(attempts: int) -> dict:
    return {"entry": "resume", "lesson_status": "failed",
            "suspend_data": json.dumps({"v": 1, "a": {}, "s": 1 if attempts else 0, "t": attempts})}


def _leave(lms):
    lms.page.evaluate("() => lms.leave()")
    lms.page.wait_for_function("() => lms.result().finished")
    return lms.page.evaluate("() => lms.result()")


def test_enter_in_a_scorm_quiz_records_nothing(lms):
    frame = lms()
    answer = frame.get_by_role("group", name="Question 4:").get_by_label("Your answer")
    answer.fill("IFLA")
    for _ in range(3):
        answer.press("Enter")  # the audit's three presses that spent every attempt
    frame.get_by_role("group", name="Question 3:").get_by_label("True").check()
    frame.get_by_role("group", name="Question 3:").get_by_label("True").press("Enter")
    lms.page.wait_for_timeout(300)
    result = lms.page.evaluate("() => lms.result()")
    assert result["commitCount"] == 0 and result["interactions"] == 0
    assert frame.locator("[data-summary]").inner_text() == ""
    review = frame.locator("[data-review]").inner_text()
    assert "You have answered 2 of 6 questions." in review and "This is attempt 1 of 3." in review
    frame.get_by_role("button", name="Submit answers").click()  # the button does submit
    lms.page.wait_for_function("() => lms.result().commitCount > 0")
    assert "You have 2 attempts left." in frame.locator("[data-summary]").inner_text()
    _leave(lms)


def test_before_the_last_attempt_the_learner_is_warned(lms):
    frame = lms(_used(1))
    assert "This is attempt 2 of 3." in frame.locator("[data-review]").inner_text()
    frame.get_by_role("button", name="Submit answers").click()
    lms.page.wait_for_function("() => lms.result().commitCount > 0")
    summary = frame.locator("[data-summary]").inner_text()
    assert "You have 1 attempt left. Your next submission is your last attempt: its result will be final." in summary
    assert "This is your last attempt: once you submit, the result is final." in \
        frame.locator("[data-review]").inner_text()
    _leave(lms)


def test_the_last_attempt_asks_to_confirm_and_focus_is_never_dropped(lms):
    frame = lms(_used(2))
    focused = "() => { const e = document.activeElement; return e === document.body ? 'BODY' : " \
              "(e.getAttribute('data-summary') !== null ? 'summary' : e.innerText || e.tagName); }"
    submit = frame.get_by_role("button", name="Submit answers")
    submit.focus()
    submit.press("Enter")
    confirm = frame.locator("[data-confirm]")
    assert confirm.is_visible()
    assert frame.locator("[data-confirm-text]").evaluate("e => e === document.activeElement")
    assert lms.page.evaluate("() => lms.result().commitCount") == 0
    lms.page.keyboard.press("Tab")
    lms.page.keyboard.press("Tab")
    assert frame.locator("body").evaluate(focused) == "Not yet: back to my answers"
    lms.page.keyboard.press("Enter")
    assert not confirm.is_visible() and submit.evaluate("e => e === document.activeElement")
    submit.press("Enter")
    lms.page.keyboard.press("Tab")
    assert frame.locator("body").evaluate(focused) == "Yes, submit my last attempt"
    lms.page.keyboard.press("Enter")  # the button disables itself: focus must not fall to <body>
    lms.page.wait_for_function("() => lms.result().commitCount > 0")
    assert frame.locator("body").evaluate(focused) == "summary"
    assert "That was your last attempt: this result is final." in frame.locator("[data-summary]").inner_text()
    assert submit.is_disabled()
    finish = frame.get_by_role("button", name="Save and finish")
    finish.focus()
    finish.press("Enter")
    lms.page.wait_for_function("() => lms.result().finished")
    assert frame.locator("body").evaluate(focused) != "BODY"
    assert frame.locator("[data-tracking-status]").evaluate("e => e === document.activeElement")


# -- the course's language --------------------------------------------------------------------

def test_a_spanish_course_speaks_spanish_in_the_page_and_its_scripts(spanish, open_page):
    page = open_page()
    page.goto(_file(spanish, web_sites.PAGES["quiz"]))
    assert page.evaluate("document.documentElement.lang") == "es"
    assert page.locator("header [lang]").count() == 0  # the interface is in the page's language
    page.get_by_role("group", name="Pregunta 2:").get_by_label("Requiring a photo ID for every visit").check()
    page.get_by_role("button", name="Comprobar respuestas").click()
    summary = page.locator("[data-summary]").inner_text()
    assert "Sus resultados" in summary and "Puntuación: 0 de 6 puntos (0 %)." in summary
    assert "Todavía no ha aprobado: se necesita un 70 %." in summary
    feedback = page.get_by_role("group", name="Pregunta 2:").locator("[data-feedback]").inner_text()
    assert feedback.startswith("Incorrecto.") and "Las respuestas correctas: «Offering materials" in feedback
    assert "Ha respondido 1 de 6 preguntas." in page.locator("[data-review]").inner_text()
    page.goto(_file(spanish, "search.html?q=equity"))
    assert re.match(r"\d+ páginas? encontradas? para «equity»\.", page.locator("[data-search-status]").inner_text())


def test_a_spanish_scorm_page_says_so_in_spanish(open_page):
    page = open_page()
    page.goto(_file(web_sites.package("es"), "sco/welcome/how-it-works.html"))
    assert page.locator("[data-tracking-status]").inner_text() == \
        "Sin conexión con una plataforma de aprendizaje: no se registra nada de esta página."
    assert page.get_by_role("button", name="Guardar y terminar").is_disabled()


# -- search -------------------------------------------------------------------------------------

def test_search_finds_a_word_from_every_page(english, open_page, registry):
    from ilead_shell.web import PageRenderer, RenderOptions, WebLayout
    from ilead_shell.web.search_index import tokenize

    documents = PageRenderer(web_sites.course("en", english.parent / "again"), WebLayout(),
                             RenderOptions(search=True)).search_documents()
    counts: dict[str, int] = {}
    for document in documents:
        for term in set(tokenize(document.title + " " + document.text)):
            counts[term] = counts.get(term, 0) + 1
    page = open_page()
    for document in documents:
        words = sorted(set(tokenize(document.text or document.title)), key=lambda w: (counts[w], -len(w), w))
        word = words[0]
        page.goto(_file(english, f"search.html?q={word}"))
        found = [a.get_attribute("href") for a in page.locator("[data-search-results] a").all()]
        assert document.url in found, (word, document.url, found)
    page.goto(_file(english, "search.html?q=educacion"))  # accents folded away
    assert page.locator("[data-search-results] a").first.get_attribute("href") == "modules/welcome/how-it-works.html"
    assert page.errors == []


def test_the_shipped_index_is_what_minisearch_builds_itself(english, open_page):
    from ilead_shell.web import PageRenderer, RenderOptions, WebLayout
    from ilead_shell.web.search_index import _excerpt

    documents = PageRenderer(web_sites.course("en", english.parent / "again"), WebLayout(),
                             RenderOptions(search=True)).search_documents()
    page = open_page()
    page.goto(_file(english, "search.html"))
    built = page.evaluate("""docs => {
        const own = new MiniSearch(IleadSearch.options);
        own.addAll(docs);
        return own.toJSON();
    }""", [{"url": d.url, "title": d.title, "module": d.module, "text": d.text, "excerpt": _excerpt(d.text)}
           for d in documents])
    shipped = page.evaluate("() => window.ILEAD_SEARCH_INDEX")
    built["index"] = sorted(built["index"])
    assert json.dumps(built, sort_keys=True) == json.dumps(shipped, sort_keys=True)


# -- axe-core: every page type, both widths, both languages, light and dark -------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("language", ["en", "es"])
def test_axe_finds_nothing_on_any_page_type(language, width, scheme, open_page):
    site = web_sites.site(language)
    page = open_page(width=width, scheme=scheme)
    failures = {}
    with support.serve(site) as (base, _):
        for kind, relative in web_sites.PAGES.items():
            page.goto(f"{base}/pkg/{relative}")
            if kind == "quiz":
                page.locator("form[data-quiz-key] button[type=submit]").click()  # with its feedback
            if width == 390 and kind == "module":
                page.locator(".menu-button").click()  # with the menu open
            found = support.axe_violations(page)
            if found:
                failures[kind] = found
    assert failures == {}
    assert page.errors == []


@pytest.mark.parametrize("language", ["en", "es"])
def test_axe_finds_nothing_on_a_submitted_scorm_quiz_at_390_px_in_the_dark(language, open_page):
    page = open_page(width=390, scheme="dark")
    with support.serve(web_sites.package(language)) as (base, _):
        page.goto(f"{base}/pkg/{QUIZ_SCO}")
        page.locator("form[data-quiz-key] button[type=submit]").click()
        assert support.axe_violations(page) == []
