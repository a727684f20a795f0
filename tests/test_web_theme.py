"""course.yml theme: the logo and colours of the preview and SCORM pages, refused below AA."""

from __future__ import annotations

import shutil

import pytest
from lxml import html as lxml_html

from conftest import ROOTS
from ilead_shell.colours import contrast
from ilead_shell.errors import CourseError
from ilead_shell.reader import read_course

LOGO = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><circle cx="4" cy="4" r="4" fill="#fff"/></svg>'


def _themed(tmp_path, theme: str, logo: bytes | None = LOGO):
    root = tmp_path / "course"
    shutil.copytree(ROOTS / "full", root)
    if logo is not None:
        (root / "assets" / "ilead-logo.svg").write_bytes(logo)
    yml = root / "course.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + "theme:\n" + theme, encoding="utf-8")
    return root


def _errors(root) -> list[str]:
    with pytest.raises(CourseError) as caught:
        read_course(root)
    return [d.format() for d in caught.value.diagnostics if d.is_error]


def _line_of(root, text: str) -> int:
    lines = (root / "course.yml").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line)


def test_the_course_logo_and_colours_reach_every_preview_page(tmp_path, registry):
    root = _themed(tmp_path, '  logo: assets/ilead-logo.svg\n  brand: "#5a1e4f"\n  link: "#7a1f5c"\n'
                             '  link_dark: "#f0a6d8"\n')
    course = read_course(root)
    assert course.theme.logo.key == "assets/ilead-logo.svg"
    assert "assets/ilead-logo.svg" not in {a.key for a in course.assets}  # not one of the course's files
    bundle = registry.load("html")().build_bundle(course)
    assert bundle.files["static/logo/ilead-logo.svg"].read() == LOGO
    for path in ("index.html", "modules/foundations/check.html"):
        page = lxml_html.fromstring(bundle.files[path].read())
        style = page.findtext(".//head/style")
        assert "--brand: #5a1e4f;" in style and "--link-light: #7a1f5c;" in style and "--link-dark: #f0a6d8;" in style
        (logo,) = page.xpath("//header//img[@class='site-logo']")
        assert logo.get("alt") == ""  # the course title beside it names the link
        assert logo.get("src").endswith("static/logo/ilead-logo.svg")


def test_scorm_pages_show_the_logo_and_list_it_in_the_manifest(tmp_path, registry):
    course = read_course(_themed(tmp_path, "  logo: assets/ilead-logo.svg\n"))
    bundle = registry.load("scorm12")().build_bundle(course)
    assert bundle.files["shared/logo/ilead-logo.svg"].read() == LOGO
    assert b'href="shared/logo/ilead-logo.svg"' in bundle.files["imsmanifest.xml"].read()
    page = lxml_html.fromstring(bundle.files["sco/foundations/check.html"].read())
    assert page.xpath("//header//img/@src") == ["../../shared/logo/ilead-logo.svg"]


def test_lms_cartridges_do_not_carry_the_logo(tmp_path, registry):
    course = read_course(_themed(tmp_path, "  logo: assets/ilead-logo.svg\n"))
    bundle = registry.load("cc")().build_bundle(course)
    assert not any("ilead-logo" in path for path in bundle.files)


@pytest.mark.parametrize("key, colour, against, advice", [
    ("brand", "#7a9cc6", "white header and button text", "darker"),
    ("link", "#6fa8dc", "the light page background", "darker"),
    ("link_dark", "#15365c", "the dark page background", "lighter"),
])
def test_a_colour_below_aa_is_refused_at_its_line(tmp_path, key, colour, against, advice):
    root = _themed(tmp_path, f'  {key}: "{colour}"\n', logo=None)
    (message,) = _errors(root)
    assert message.startswith(f"{root / 'course.yml'}:{_line_of(root, key + ':')}: error: course.yml: theme.{key} ") \
        or f"course.yml:{_line_of(root, key + ':')}: error: course.yml: theme.{key} {colour}" in message
    assert against in message and "4.5:1" in message and f"choose a {advice} colour" in message


def test_colours_just_at_aa_are_accepted(tmp_path):
    # #767676 is the lightest grey with 4.5:1 on white; the dark link colour at 4.5:1 on #111820.
    assert contrast("#767676", "#ffffff") >= 4.5
    course = read_course(_themed(tmp_path, '  brand: "#767676"\n  link_dark: "#7f8a99"\n', logo=None))
    assert course.theme.brand == "#767676"


@pytest.mark.parametrize("theme, expected", [
    ('  brand: "navy"\n', "theme.brand: 'navy' should be a colour written #rrggbb, such as #15365c"),
    ("  logo: assets/missing.png\n", "theme.logo: 'assets/missing.png' does not exist"),
    ("  logo: assets/logo.txt\n", "theme.logo 'assets/logo.txt' is text/plain; use a PNG, SVG, JPEG, WebP or GIF image"),
    ("  logo: modules/01-welcome/images/map.png\n", "is outside the module folder and assets/"),
    ("  colour: \"#000000\"\n", "unknown key 'colour' in theme; expected one of: brand, link, link_dark, logo"),
])
def test_a_wrong_theme_is_a_located_error(tmp_path, theme, expected):
    root = _themed(tmp_path, theme, logo=None)
    (root / "assets" / "logo.txt").write_text("not an image", encoding="utf-8")
    (message,) = _errors(root)
    assert expected in message and ":" + str(_line_of(root, theme.strip().split(":")[0] + ":")) + ": error:" in message
