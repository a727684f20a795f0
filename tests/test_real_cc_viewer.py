"""Instructure's cartridge viewer (the Canvas Commons preview) renders every cc and canvas cartridge.

The viewer's own build runs in headless Chromium (Playwright) with each cartridge beside it;
one browser walks every bundle once: the module list, then every module item's page, as a
learner would open it.  What it shows is compared with the course model.  The named limits are
in tests/real_cartridges.py (``viewer:*``).
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import socketserver
import threading
from pathlib import Path

import pytest

from real_cartridges import (Cartridge, bundle_keys, cartridges, cc_kind, item_kind, limit, links_in, plain,  # noqa: F401
                             quizzes, same_text, squashed, tag_free)
from browser import support
from ilead_shell.model import File, Link, Quiz

KEYS = bundle_keys(("cc", "canvas"))
ERRORS = ["Resource Unavailable", "This resource is not included in the package", "Failed to load resource",
          "We had a problem loading the Common Cartridge", "Can't be Previewed", "(unidentified)",
          "Cannot Be Previewed"]
LABELS = {"page": "Page", "video": "Page", "discussion": "Discussion", "link": "External link",
          "quiz": "Classic Quiz", "assignment": "Assignment", "file": ""}
PILLS = {"multiple_choice": "Multiple choice", "multiple_response": "Multiple response",
         "true_false": "True / false", "fib": "Fill in the blank", "essay": "Essay"}

# Reads what the page shows of one module item: its text, images, links and quiz questions.
READ_ITEM = """() => {
  const main = document.querySelector('main');
  const body = main ? main.innerText : document.body.innerText;
  const content = main ? Array.from(main.querySelectorAll('.RichContent')) : [];
  const images = content.flatMap(c => Array.from(c.querySelectorAll('img')))
    .map(i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0}));
  const links = content.flatMap(c => Array.from(c.querySelectorAll('a[href]'))).map(a => a.getAttribute('href'));
  const questions = Array.from(document.querySelectorAll('ol.assessment-questions > li')).map(li => ({
    stem: (li.querySelector('.RichContent') || {innerText: ''}).innerText,
    pill: (li.querySelector('[data-cid="Pill"]') || {textContent: ''}).textContent,
    choices: Array.from(li.querySelectorAll('.question-answers .Assessment--IconCheckMark')).map(mark => ({
      checked: mark.style.visibility === 'visible',
      text: mark.closest('span').parentElement.querySelector('.RichContent').innerText,
    })),
  }));
  const external = Array.from(document.querySelectorAll('main a[target="_blank"]')).map(a => a.getAttribute('href'));
  const label = Array.from(document.querySelectorAll('main .resource-label')).map(e => e.textContent).join(',');
  return {body, images, links, questions, external, label};
}"""

READ_HOME = """() => ({
  title: (document.querySelector('header h1, h1') || {innerText: ''}).innerText,
  modules: Array.from(document.querySelectorAll('ul.ModuleList > li.Module')).map(m => ({
    title: m.querySelector('h2').innerText,
    items: Array.from(m.querySelectorAll('a[href^="#/module-items/"]')).map(a => [a.innerText, a.getAttribute('href')]),
  })),
  body: document.body.innerText,
})"""

LOADED = """() => {
  const main = document.querySelector('main');
  if (!main || /Loading/.test(main.innerText) || main.innerText.trim().length < 10) return false;
  // Rendered: the item's resource label, or a file's download button.
  if (!main.querySelector('.resource-label') && !/Download /.test(main.innerText)) return false;
  // InstUI writes a pill's text (TruncateText) after measuring it.
  if (!Array.from(main.querySelectorAll('[data-cid="Pill"]')).every(p => p.textContent.trim())) return false;
  return Array.from(main.querySelectorAll('img')).every(i => i.complete);
}"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def viewed(cartridge_viewer, cartridges, tmp_path_factory) -> dict[str, dict]:
    """What the viewer shows of every cc and canvas bundle: its home page and every module item."""
    site = tmp_path_factory.mktemp("viewer-site")
    for entry in cartridge_viewer.build.iterdir():
        (site / entry.name).symlink_to(entry)
    (site / "cart").mkdir()
    wanted = {k: c for k, c in cartridges.items() if k in KEYS}
    for key, cartridge in wanted.items():
        shutil.copy(cartridge.path, site / "cart" / f"{key}.imscc")
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    cdn = Path(cartridge_viewer.cdn)

    def route(request_route):
        url = request_route.request.url
        if url.startswith(f"http://127.0.0.1:{port}/"):
            return request_route.continue_()
        # zip.js, sanitize-html and MathJax come from a CDN as "<package>@<version>/<path>".
        found = re.match(r"https?://[^/]+/((?:@[^/@]+/)?[^/@]+)@[^/]+/(.*)$", url.split("?")[0])
        path = cdn / found.group(1) / found.group(2) if found else None
        if path and path.is_file():
            return request_route.fulfill(path=str(path), content_type="application/javascript"
                                         if path.suffix == ".js" else None)
        return request_route.abort()

    seen: dict[str, dict] = {}
    # The session's one Chromium (tests/browser/support.py): a second Playwright in the same
    # thread would refuse to start while the browser tests' one is alive.
    chromium = support.browser()
    try:
        for key in sorted(wanted):
            page = chromium.new_page(viewport={"width": 1280, "height": 900})
            try:
                seen[key] = walk(page, f"http://127.0.0.1:{port}/?cartridge=/cart/{key}.imscc", route,
                                 sum(1 + len(m.items) for m in wanted[key].course.modules))
            finally:
                page.close()
    finally:
        server.shutdown()
    return seen


def walk(page, base: str, route, count: int) -> dict:
    """The home page and every module item's page of one cartridge, as the viewer shows them."""
    page.route("**/*", route)
    crashes: list[str] = []
    page.on("pageerror", lambda error: crashes.append(str(error)))
    page.goto(base + "#/")
    page.wait_for_function("() => /Modules \\(|We had a problem/.test(document.body.innerText)", timeout=60000)
    # Page items get their link once the viewer has read the page: wait for all of them.
    try:
        page.wait_for_function(f"() => document.querySelectorAll('a[href^=\"#/module-items/\"]').length >= {count}",
                               timeout=30000)
    except Exception:  # noqa: BLE001 - the test reports what is missing
        pass
    home = page.evaluate(READ_HOME)
    items = {}
    for module in home["modules"]:
        for _, href in module["items"]:
            for attempt in range(3):  # on a loaded machine a page can take long: look again
                if attempt:
                    page.goto(base + "#/")
                    page.wait_for_timeout(500)
                page.goto(base + href)  # a change of hash: the viewer stays loaded
                try:
                    page.wait_for_function(LOADED, timeout=30000)
                except Exception:  # noqa: BLE001 - recorded as what the viewer showed
                    continue
                page.wait_for_timeout(150)
                break
            items[href] = page.evaluate(READ_ITEM)
    return {"home": home, "items": items, "crashes": crashes}


def resource_ids(cartridge: Cartridge) -> set[str]:
    import zipfile
    from lxml import etree
    manifest = etree.fromstring(zipfile.ZipFile(cartridge.path).read("imsmanifest.xml"))
    return {r.get("identifier") for r in manifest.iter("{*}resource")}


def svg_images(cartridge: Cartridge, fragment: str) -> bool:
    return any(r.kind == "asset" and r.target.lower().endswith(".svg") for r in links_in(fragment))


def expected_modules(cartridge: Cartridge) -> list[tuple[str, list[str]]]:
    return [(m.title, [f"Overview: {m.title}"] + [i.title for i in m.items]) for m in cartridge.course.modules]


def model_items(cartridge: Cartridge):
    """(title, item or None for an overview, rich text) in module order."""
    for module in cartridge.course.modules:
        yield f"Overview: {module.title}", None, module.overview.html
        for item in module.items:
            yield item.title, item, item.body.html


@pytest.mark.parametrize("key", KEYS)
def test_the_viewer_lists_every_module_and_item_in_order(key, viewed, cartridges):
    cartridge, shown = cartridges[key], viewed[key]
    assert shown["crashes"] == []
    home = shown["home"]
    title = cartridge.course.display_title
    if limit("viewer:moodle-title", cartridge.target) and tag_free(title) != title:
        assert cartridge.noted("viewer:moodle-title")
        title = tag_free(title)
    assert title in home["body"]
    assert [(m["title"], [t for t, _ in m["items"]]) for m in home["modules"]] == expected_modules(cartridge)
    assert not [e for e in ERRORS if e in home["body"]]


@pytest.mark.parametrize("key", KEYS)
def test_every_item_renders_with_its_text_images_and_links(key, viewed, cartridges):
    cartridge, shown = cartridges[key], viewed[key]
    identifiers = resource_ids(cartridge)
    hrefs = [href for m in shown["home"]["modules"] for _, href in m["items"]]
    problems = []
    for (title, item, text), href in zip(model_items(cartridge), hrefs):
        page = shown["items"][href]
        errors = [e for e in ERRORS if e in page["body"]]
        if errors:
            problems.append(f"{title}: the viewer shows {errors}")
            continue
        if isinstance(item, File):  # a file's page is its download button
            file_name = next(a.bundle_path for a in cartridge.course.assets if a.key == item.asset).rsplit("/", 1)[-1]
            if f"Download {file_name}" not in page["body"]:
                problems.append(f"{title}: no download of {file_name}")
        elif title not in page["body"]:
            problems.append(f"{title}: title not shown")
        kind = item_kind(item) if item is not None else "page"
        if page["label"] != LABELS[kind]:
            problems.append(f"{title}: shown as {page['label']!r}, want {LABELS[kind]!r}")
        if kind in ("page", "video", "discussion", "assignment") and not isinstance(item, Quiz):
            if plain(text) and squashed(plain(text)) not in squashed(page["body"]):
                problems.append(f"{title}: text not shown: {plain(text)[:80]!r}")
        if isinstance(item, Link) and item.url not in page["external"]:
            problems.append(f"{title}: no link to {item.url}")
        for image in page["images"]:
            if image["ok"]:
                continue
            if (image["src"] or "").startswith("data:application/octet-stream") and svg_images(cartridge, text):
                assert limit("viewer:svg", cartridge.target) and cartridge.noted("viewer:svg")
                continue
            problems.append(f"{title}: image {(image['src'] or '')[:80]} does not load")
        for link in page["links"]:
            if link.startswith(("http://", "https://", "mailto:")):
                continue
            found = re.match(r"#/resources/([^?#]+)", link)
            if not found or found.group(1) not in identifiers:
                problems.append(f"{title}: link {link} leads nowhere")
        if not item or item.published or not limit("viewer:unpublished", cartridge.target):
            continue
        assert cartridge.noted("viewer:unpublished")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("key", KEYS)
def test_every_question_shows_its_stem_type_and_answer_key(key, viewed, cartridges):
    cartridge, shown = cartridges[key], viewed[key]
    hrefs = {t: href for m in shown["home"]["modules"] for t, href in m["items"]}
    problems = []
    for quiz in quizzes(cartridge.course):
        questions = shown["items"][hrefs[quiz.title]]["questions"]
        assert len(questions) == len(quiz.questions), quiz.full_id
        for question, seen in zip(quiz.questions, questions):
            where, kind = f"{quiz.full_id}/{question.id}", cc_kind(question)
            if cartridge.target == "canvas":  # Canvas's own dialect keeps numeric questions
                kind = {"numeric": "numeric"}.get(question.type, kind)
            pill = PILLS.get(kind, "Numerical")
            if cartridge.target == "canvas" and question.type == "short_answer":
                assert limit("viewer:canvas-short-answer", cartridge.target)
                pill = ""
            if seen["pill"] != pill:
                problems.append(f"{where}: shown as {seen['pill']!r}, want {pill!r}")
            if not same_text(seen["stem"], question.stem.html):
                problems.append(f"{where}: stem {seen['stem']!r}")
            choices = [(c["text"], c["checked"]) for c in seen["choices"]]
            if question.type in ("multiple_choice", "multiple_answer", "true_false"):
                want = [(c.html, c.correct) for c in question.choices]
                if len(choices) != len(want) or any(not same_text(t, w) or k != wk
                                                    for (t, k), (w, wk) in zip(choices, want)):
                    problems.append(f"{where}: choices {choices}, want {[(plain(w), k) for w, k in want]}")
            else:
                assert limit("viewer:text-answers", cartridge.target)
                if choices:
                    problems.append(f"{where}: the viewer now shows answers {choices}: update the limit")
    assert not problems, "\n".join(problems)
    if quizzes(cartridge.course):
        for name in ("viewer:text-answers", "viewer:feedback", "viewer:points"):
            assert cartridge.noted(name), name
