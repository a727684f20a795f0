"""Images and links in Markdown bodies: resolved inside the course, rewritten to ilead: URLs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ilead_shell.errors import CourseError
from ilead_shell.reader import read_course
from ilead_shell.references import parse

HANDMADE = Path(__file__).parent / "roots" / "handmade"
COURSE = "title: L\ncode: L-1\n"
FILES = {
    "course.yml": COURSE,
    "assets/logo.png": b"png-logo",
    "modules/01-m/module.md": "---\ntitle: M\n---\nOverview.\n",
    "modules/01-m/02-other.md": "---\ntitle: Other\n---\n## Part two\n\nx\n",
    "modules/01-m/images/a b.png": b"png-ab",
    "modules/01-m/images/plain.png": b"png-plain",
    "modules/01-m/docs/notes.txt": "notes",
    "modules/02-n/module.md": "---\ntitle: N\n---\nOverview N.\n",
    "modules/02-n/01-far.md": "---\ntitle: Far\n---\nx\n",
    "modules/02-n/secret.png": b"png-n",
}


def make(root: Path, body: str, extra: dict | None = None) -> Path:
    files = {**FILES, "modules/01-m/01-page.md": "---\ntitle: Page\n---\n" + body, **(extra or {})}
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


def page_html(tmp_path: Path, body: str, extra: dict | None = None):
    course = read_course(make(tmp_path, body, extra))
    return course, course.item("m/page").body


def errors(tmp_path: Path, body: str, extra: dict | None = None) -> list[str]:
    with pytest.raises(CourseError) as caught:
        read_course(make(tmp_path, body, extra))
    return [d.format() for d in caught.value.diagnostics]


@pytest.mark.parametrize("markdown, key", [
    ("![Plain](images/plain.png)", "modules/m/images/plain.png"),
    ("![Space](images/a%20b.png)", "modules/m/images/a b.png"),
    ("![Angle](<images/a b.png>)", "modules/m/images/a b.png"),
    ("![Dotted](./images/../images/plain.png)", "modules/m/images/plain.png"),
    ("[Notes](docs/notes.txt)", "modules/m/docs/notes.txt"),
    ("![Logo](../../assets/logo.png)", "assets/logo.png"),
    ('<img src="images/plain.png" alt="Raw HTML">', "modules/m/images/plain.png"),
    ("![Ref][pic]\n\n[pic]: images/plain.png", "modules/m/images/plain.png"),
])
def test_relative_files_become_asset_references(tmp_path, markdown, key):
    course, body = page_html(tmp_path, markdown + "\n")
    assert body.assets == (key,)
    assert f"ilead:asset/" in body.html
    urls = [parse(u) for u in _ilead_urls(body.html)]
    assert [(r.kind, r.target) for r in urls] == [("asset", key)]
    assert course.asset(key).source.endswith(key.split("/")[-1])


def test_an_asset_keeps_its_name_but_gets_a_safe_bundle_path(tmp_path):
    course, _ = page_html(tmp_path, "![Space](images/a%20b.png)\n")
    asset = course.asset("modules/m/images/a b.png")
    assert asset.bundle_path == "modules/m/images/a-b.png"
    assert asset.media_type == "image/png" and asset.size == len(b"png-ab")


def test_links_to_other_items_become_item_references_with_their_fragment(tmp_path):
    _, body = page_html(tmp_path, "See [part two](02-other.md#part-two) and [far](../02-n/01-far.md).\n")
    refs = [parse(u) for u in _ilead_urls(body.html)]
    assert [(r.kind, r.target, r.fragment) for r in refs] == [
        ("item", "m/other", "part-two"), ("item", "n/far", "")]
    assert body.items == ("m/other", "n/far") and body.assets == ()


def test_a_link_to_module_md_is_a_link_to_the_module(tmp_path):
    _, body = page_html(tmp_path, "Back to [the overview](module.md) or [the next module](../02-n/module.md).\n")
    assert [(r.kind, r.target) for r in map(parse, _ilead_urls(body.html))] == [
        ("module", "m"), ("module", "n")]


@pytest.mark.parametrize("url", [
    "https://example.org/x.png", "mailto:someone@example.org", "#part", "//cdn.example.org/a.js",
    "tel:+100", "?q=1",
])
def test_external_urls_and_fragments_are_left_alone(tmp_path, url):
    _, body = page_html(tmp_path, f"[Somewhere]({url})\n")
    assert body.assets == () and body.items == () and "ilead:" not in body.html


@pytest.mark.parametrize("markdown, line, says", [
    ("Intro.\n\n![Missing](images/missing.png)\n", 6, "images/missing.png' does not exist"),
    ("![Missing](images/no%20such.png)\n", 4, "does not exist"),
    ("![Missing](<images/no such.png>)\n", 4, "does not exist"),
    ("One.\n\nTwo [next](03-nothing.md).\n", 6, "03-nothing.md' does not exist"),
    ("[Far away](../02-n/secret.png)\n", 4, "outside the module folder"),
    ("[Up](../../course.yml)\n", 4, "outside the module folder"),
    ("[Etc](/etc/hostname)\n", 4, "absolute path"),
    ("[Folder](images/)\n", 4, "is a folder"),
    ("[Escaped](%2e%2e/%2e%2e/course.yml)\n", 4, "outside"),
    ('Line.\n<img src="../../../../outside.png" alt="x">\n', 5, "outside"),
    ("[Ref][r]\n\n[r]: images/gone.png\n", 6, "gone.png"),
])
def test_bad_targets_are_errors_at_path_and_line(tmp_path, markdown, line, says):
    (tmp_path.parent / "outside.png").write_bytes(b"x")
    found = errors(tmp_path, markdown)
    assert any(f"modules/01-m/01-page.md:{line}: error: broken link" in m and says in m for m in found), found


def test_a_symlink_inside_the_module_to_a_file_outside_is_refused(tmp_path):
    outside = tmp_path / "outside.png"
    outside.write_bytes(b"secret")
    root = tmp_path / "course"
    make(root, "![Leak](images/leak.png)\n")
    (root / "modules/01-m/images/leak.png").symlink_to(outside)
    with pytest.raises(CourseError, match="outside the module folder"):
        read_course(root)


def test_a_symlink_inside_the_module_to_a_file_of_the_module_is_fine(tmp_path):
    root = make(tmp_path, "![Alias](images/alias.png)\n")
    (root / "modules/01-m/images/alias.png").symlink_to(root / "modules/01-m/images/plain.png")
    course = read_course(root)
    assert course.item("m/page").body.assets == ("modules/m/images/plain.png",)


def test_links_in_the_module_overview_and_question_feedback_resolve_too(tmp_path):
    root = make(tmp_path, "x\n", {
        "modules/01-m/module.md": "---\ntitle: M\n---\n![Plain](images/plain.png)\n",
        "modules/01-m/03-quiz.md": "---\ntitle: Q\ntype: quiz\n---\n### Q\n![Stem](images/a%20b.png)\n\n"
                                   "- [x] a\n  > [Why](02-other.md)\n- [ ] b\n\n> [Logo](../../assets/logo.png)\n",
    })
    course = read_course(root)
    assert course.module("m").overview.assets == ("modules/m/images/plain.png",)
    q = course.item("m/quiz").questions[0]
    assert q.stem.assets == ("modules/m/images/a b.png",)
    assert q.choices[0].feedback.items == ("m/other",)
    assert q.feedback.assets == ("assets/logo.png",)


def test_a_bad_link_in_choice_feedback_points_at_its_line(tmp_path):
    found = errors(tmp_path, "x\n", {
        "modules/01-m/03-quiz.md": "---\ntitle: Q\ntype: quiz\n---\n### Q\nPick.\n\n- [x] a\n  > [Why](nowhere.md)\n- [ ] b\n",
    })
    assert any("modules/01-m/03-quiz.md:9: error: broken link" in m for m in found), found


def test_the_handmade_links_resolve_to_the_expected_references():
    course = read_course(HANDMADE)
    start = course.item("orientation/start-here").body
    assert start.items == ("orientation/say-hello",)
    assert set(start.assets) == {"modules/orientation/images/data flow.png", "assets/banner.png"}
    refs = {(r.kind, r.target, r.fragment) for r in map(parse, _ilead_urls(start.html))}
    assert ("item", "orientation/say-hello", "prompt") in refs
    assert ("module", "cleaning", "") in refs
    overview = course.module("orientation").overview
    assert overview.items == ("orientation/handbook",)
    # Linking to an item file does not make the file an asset.
    assert not any(a.key.endswith(".md") and "transcript" not in a.key for a in course.assets)


def _ilead_urls(html: str) -> list[str]:
    import re
    return re.findall(r'(?:href|src)="(ilead:[^"]+)"', html)


def test_html_examples_inside_code_are_text_not_links(tmp_path):
    _, body = page_html(tmp_path, 'Embed it with `<img src="logo.png">`:\n\n'
                                  '```html\n<a href="page.html">x</a>\n```\n\n'
                                  '    <img src="indented.png">\n\n'
                                  'And a real one: ![Plain](images/plain.png)\n')
    assert body.assets == ("modules/m/images/plain.png",)
    assert 'src="logo.png"' in body.html and "indented.png" in body.html


def test_a_link_to_a_named_pipe_says_what_it_is(tmp_path):
    make(tmp_path, "")
    os.mkfifo(tmp_path / "modules" / "01-m" / "images" / "pipe")
    found = errors(tmp_path, "[Pipe](images/pipe)\n")
    assert any("modules/01-m/01-page.md:4: error: broken link" in m
               and "'images/pipe' is a FIFO (named pipe), not a regular file" in m for m in found), found
