"""The preview site's outline: the full one on the home page, each page its own module.

The whole outline on every page made the site grow with the square of its pages; these
tests pin the shape that keeps it linear, without timing anything.
"""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html as lxml_html

from course_tree import write_tree
from ilead_shell.reader import read_course


def _course(tmp_path, modules: int):
    files = {"course.yml": "title: Navigation\ncode: NAV\noutcomes: [{id: CO1, text: 'Find the way.'}]\n"}
    for n in range(1, modules + 1):
        files[f"modules/{n:02d}-m{n}/module.md"] = f"---\ntitle: Module {n}\n---\nOverview {n}.\n"
        for p in range(1, 4):
            files[f"modules/{n:02d}-m{n}/{p:02d}-page-{p}.md"] = f"---\ntitle: Page {p} of {n}\n---\nText {p}.\n"
    return read_course(write_tree(tmp_path / f"course-{modules}", files))


def _outline_links(bundle, path):
    page = lxml_html.fromstring(bundle.files[path].read())
    (nav,) = page.xpath("//nav[@aria-label='Course outline']")
    return nav, nav.xpath(".//a")


def _target(page_path, href):
    return posixpath.normpath(posixpath.join(posixpath.dirname(page_path), unquote(urlsplit(href).path)))


@pytest.fixture(scope="module")
def exporter(registry):
    return registry.load("html")()


def test_the_home_page_carries_the_whole_outline(tmp_path, exporter):
    course = _course(tmp_path, 3)
    bundle = exporter.build_bundle(course)
    nav, links = _outline_links(bundle, "index.html")
    assert nav.get("id") == "course-outline"
    assert [a.text_content() for a in links] == [t for m in course.modules for t in (m.title, *(i.title for i in m.items))]
    for link in links:
        assert _target("index.html", link.get("href")) in bundle.files


def test_other_pages_list_their_own_module_mark_their_place_and_link_to_the_whole_outline(tmp_path, exporter):
    course = _course(tmp_path, 3)
    bundle = exporter.build_bundle(course)
    module = course.modules[1]
    item = module.items[2]
    path = f"modules/{module.id}/{item.id}.html"
    _, links = _outline_links(bundle, path)
    assert [a.text_content() for a in links] == ["All modules", module.title, *(i.title for i in module.items)]
    assert links[0].get("href") == "../../index.html#course-outline"
    assert [a.text_content() for a in links if a.get("aria-current") == "page"] == [item.title]
    for link in links:
        assert _target(path, link.get("href")) in bundle.files
    _, overview_links = _outline_links(bundle, f"modules/{module.id}.html")
    assert [a.text_content() for a in overview_links if a.get("aria-current") == "page"] == [module.title]


def test_the_outline_grows_with_the_pages_not_with_their_square(tmp_path, exporter):
    def outline_links(modules: int) -> int:
        bundle = exporter.build_bundle(_course(tmp_path, modules))
        return sum(len(_outline_links(bundle, p)[1]) for p in bundle.paths() if p.endswith(".html"))

    small, large = outline_links(5), outline_links(20)
    assert large / small < 4.5, (small, large)  # 4x pages: about 4x links (it was 16x)
