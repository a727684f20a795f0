"""The html target: a static, accessible preview site whose links all work offline."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html as lxml_html

from ilead_shell.colours import contrast
from ilead_shell.reader import read_course


@pytest.fixture(scope="module")
def exporter(registry):
    return registry.load("html")()


@pytest.fixture(scope="module")
def site(exporter, full_course_for):
    return exporter.build_bundle(full_course_for("certificate"))


def _page(bundle, path):
    return lxml_html.fromstring(bundle.files[path].read())


def _pages(bundle):
    return [p for p in bundle.paths() if p.endswith(".html")]


def test_target_identity(registry):
    cls = registry.load("html")
    assert (cls.name, cls.format, cls.suffix) == ("html", "zip", "zip")


def test_home_module_and_item_pages_exist_for_the_offering(site, full_course_for):
    course = full_course_for("certificate")
    expected = {"index.html", "search.html"} | {f"modules/{m.id}.html" for m in course.modules}
    expected |= {f"modules/{i.module_id}/{i.id}.html" for i in course.items()}
    assert set(_pages(site)) == expected
    assert {"static/ilead.css", "static/quiz.js"} <= set(site.files)
    for asset in course.assets:
        assert site.files[f"media/{asset.bundle_path}"].source == course.asset_source(asset)


def test_the_mooc_preview_leaves_out_the_certificate_assignment(exporter, full_course_for):
    bundle = exporter.build_bundle(full_course_for("mooc"))
    assert "modules/foundations/action-plan.html" not in bundle.files
    assert "Inclusive service proposal" not in bundle.files["index.html"].read().decode()


def test_home_lists_outcomes_and_links_every_module(site, full_course_for):
    course = full_course_for("certificate")
    home = _page(site, "index.html")
    assert home.findtext(".//h1") == course.display_title
    text = home.text_content()
    for outcome in course.outcomes:
        assert outcome.text in text
    links = {a.get("href") for a in home.iter("a")}
    for module in course.modules:
        assert f"modules/{module.id}.html" in links


def test_every_link_and_source_resolves_inside_the_site(site):
    for path in _pages(site):
        page = _page(site, path)
        for element, attribute, url, _ in page.iterlinks():
            parts = urlsplit(url)
            if parts.scheme or url.startswith("#"):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(parts.path)))
            assert target in site.files, f"{path}: {element.tag} {attribute}={url} is broken"


def test_links_between_items_are_relative_page_links(site):
    page = _page(site, "modules/welcome/how-it-works.html")
    anchor = next(a for a in page.iter("a") if a.text_content() == "the introductions discussion")
    assert anchor.get("href") == "introductions.html"
    image_link = next(a for a in page.iter("a") if a.text_content() == "course map")
    assert image_link.get("href") == "../../media/modules/welcome/images/map.png"


@pytest.mark.parametrize("path_index", range(11))
def test_pages_have_the_accessible_skeleton(site, path_index):
    path = _pages(site)[path_index]
    page = _page(site, path)
    assert page.get("lang") == "en"
    assert page.findtext(".//title").strip()
    assert len(page.findall(".//h1")) == 1
    assert page.find(".//main[@id='main']") is not None
    assert page.find(".//a[@class='skip-link']").get("href") == "#main"
    assert page.find(".//header") is not None and page.find(".//nav[@aria-label]") is not None
    levels = [int(h.tag[1]) for h in page.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), f"{path}: heading levels {levels}"
    for image in page.iter("img"):
        assert image.get("alt") is not None
    labelled = {label.get("for") for label in page.iter("label")}
    for control in page.xpath("//input | //textarea | //select"):
        assert control.get("id") in labelled, f"{path}: unlabelled {control.get('id')}"


def test_current_page_is_marked_in_the_navigation(site):
    page = _page(site, "modules/foundations/check.html")
    current = page.xpath("//nav[@aria-label='Course outline']//a[@aria-current='page']")
    assert [a.text_content() for a in current] == ["Knowledge check"]


def test_quiz_is_an_accessible_form(site, full_course_for):
    quiz = full_course_for("certificate").item("foundations/check")
    page = _page(site, "modules/foundations/check.html")
    (form,) = page.xpath("//form[@data-quiz-key]")
    fieldsets = form.findall(".//fieldset")
    assert len(fieldsets) == len(quiz.questions)
    for fieldset, question in zip(fieldsets, quiz.questions):
        assert question.title in fieldset.find("legend").text_content()
        inputs = fieldset.xpath(".//input | .//textarea")
        if question.type in ("multiple_choice", "true_false"):
            assert {i.get("type") for i in inputs} == {"radio"}
        elif question.type == "multiple_answer":
            assert {i.get("type") for i in inputs} == {"checkbox"}
        elif question.type == "essay":
            assert [i.tag for i in inputs] == ["textarea"]
        else:
            assert [i.get("type") for i in inputs] == ["text"]
        for choice, control in zip(question.choices, inputs):
            label = fieldset.find(f".//label[@for='{control.get('id')}']")
            assert label.text_content() == choice.text
        # Feedback is tied to its question, and is no live region of its own (six regions
        # announcing at once drowned each other): the one status region is the summary.
        feedback = fieldset.find(".//*[@data-feedback]")
        assert feedback.get("id") in fieldset.get("aria-describedby").split()
        assert feedback.get("aria-live") is None and feedback.text_content() == ""
    assert form.find(".//button[@type='submit']").text_content() == "Check answers"
    (summary,) = form.xpath(".//*[@role='status']")
    assert summary.get("data-summary") is not None and summary.get("tabindex") == "-1"


def test_videos_have_a_captions_track_and_a_transcript(exporter, copy_root):
    root = copy_root("full")
    media = root / "modules" / "02-foundations" / "media"
    (media / "clip.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42")
    (root / "modules" / "02-foundations" / "06-clip.md").write_text(
        "---\ntitle: Short clip\ntype: video\npath: media/clip.mp4\ncaptions: media/talk.vtt\n"
        "transcript: media/talk-transcript.md\n---\nA short clip.\n", encoding="utf-8")
    bundle = exporter.build_bundle(read_course(root))
    page = _page(bundle, "modules/foundations/clip.html")
    video = page.find(".//video")
    assert video.get("controls") is not None
    assert video.find("source").get("src") == "../../media/modules/foundations/media/clip.mp4"
    track = video.find(".//track")  # lxml's HTML 4 parser nests it in <source>
    assert (track.get("kind"), track.get("srclang")) == ("captions", "en")
    assert track.get("src") == "../../media/modules/foundations/media/talk.vtt"
    transcript = page.xpath("//section[h2='Transcript']")
    assert transcript and "Welcome to this talk" in transcript[0].text_content()
    youtube = _page(bundle, "modules/foundations/talk.html")
    assert youtube.xpath("//a[contains(., 'Watch the video on YouTube')]")
    assert youtube.xpath("//section[h2='Transcript']")


def test_assignment_page_shows_the_rubric_as_a_table(site):
    page = _page(site, "modules/foundations/action-plan.html")
    table = page.find(".//table[@class='rubric']")
    assert table.findtext("caption") == "Rubric"
    rows = [[c.text_content() for c in row] for row in table.findall("tbody/tr")]
    assert rows[0] == ["Analysis of the current service", "Names barriers with evidence.", "8"]
    assert "week 2" in page.text_content()


def test_build_is_deterministic(exporter, full_course_for):
    first = exporter.build_bundle(full_course_for("mooc"))
    second = exporter.build_bundle(full_course_for("mooc"))
    assert {p: f.read() for p, f in first.files.items()} == {p: f.read() for p, f in second.files.items()}


def test_handmade_course_builds_with_every_link_resolving(exporter):
    from conftest import ROOTS

    bundle = exporter.build_bundle(read_course(ROOTS / "handmade"))
    for path in _pages(bundle):
        for _, _, url, _ in _page(bundle, path).iterlinks():
            parts = urlsplit(url)
            if parts.scheme or url.startswith("#"):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(parts.path)))
            assert target in bundle.files, f"{path}: {url}"


# -- colour contrast of the stylesheet (WCAG 2.1 AA: 4.5:1 text, 3:1 focus ring) ---------

def _scheme_colours(css: str) -> dict[str, dict[str, str]]:
    """The custom properties of the light :root and of the dark one, var() resolved."""
    light_block = re.search(r":root\s*{(.*?)}", css, re.S).group(1)
    dark_block = re.search(r"prefers-color-scheme:\s*dark\)\s*{\s*:root\s*{(.*?)}", css, re.S).group(1)

    def props(block):
        return dict(re.findall(r"--([a-z-]+):\s*([^;]+);", block))

    light = props(light_block)
    dark = {**light, **props(dark_block)}
    resolved = {}
    for name, values in (("light", light), ("dark", dark)):
        def value(key, values=values):
            found = values[key].strip()
            return value(found[6:-1]) if found.startswith("var(--") else found
        resolved[name] = {key: value(key) for key in values if value(key).startswith("#")}
    return resolved


TEXT_PAIRS = [("text", "background"), ("muted", "background"), ("muted", "surface"), ("text", "surface"),
              ("link", "background"), ("link-visited", "background"), ("link", "surface"),
              ("correct-text", "correct-background"), ("wrong-text", "wrong-background"),
              ("note", "note-background"), ("tip", "tip-background"), ("warning", "warning-background"),
              ("important", "important-background"), ("warning", "surface"), ("text", "warning-background")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_stylesheet_colours_meet_wcag_aa_contrast(site, scheme):
    colours = _scheme_colours(site.files["static/ilead.css"].read().decode())[scheme]
    for foreground, background in TEXT_PAIRS + [("on-brand", "brand")]:
        assert contrast(colours[foreground], colours[background]) >= 4.5, (scheme, foreground, background)
    for ring, background in [("focus", "background"), ("focus", "surface"), ("focus-on-brand", "brand"),
                             ("control", "background")]:
        assert contrast(colours[ring], colours[background]) >= 3, (scheme, ring, background)


def test_the_reader_checks_theme_colours_against_the_stylesheet_backgrounds(site):
    from ilead_shell.reader import theme

    colours = _scheme_colours(site.files["static/ilead.css"].read().decode())
    assert (theme.LIGHT_PAGE, theme.DARK_PAGE) == (colours["light"]["background"], colours["dark"]["background"])
    assert theme.HEADER_TEXT == colours["light"]["on-brand"]


def test_unpublished_items_are_previewed_with_a_warning(exporter):
    from conftest import ROOTS

    course = read_course(ROOTS / "handmade")
    hidden = next(i for i in course.items() if not i.published)
    bundle = exporter.build_bundle(course)
    page = _page(bundle, f"modules/{hidden.module_id}/{hidden.id}.html")
    assert "Unpublished:" in page.find(".//p[@class='note unpublished']").text_content()
    nav = page.xpath("//nav[@aria-label='Course outline']//a[@aria-current='page']")[0]
    assert nav.text_content().endswith("(unpublished)")
