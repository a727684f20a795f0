"""course.yml ``theme:``: the logo and colours of the web pages, refused when unreadable.

A colour is checked against what the web layer puts next to it (white header text on
``brand``; ``link`` on the light page, ``link_dark`` on the dark one) and refused below
WCAG 2.1 AA (4.5:1 for text), so no course can publish pages its learners cannot read.
The backgrounds here are the stylesheet's (``ilead_shell/web/static/ilead.css``); a test
keeps the two equal.
"""

from __future__ import annotations

from pathlib import Path

from ..colours import TEXT_AA, contrast
from ..errors import Diagnostic, error
from ..model import Theme
from .markdown_render import CourseFiles, ModuleScope
from .yaml_source import YamlDocument

LIGHT_PAGE = "#ffffff"
DARK_PAGE = "#111820"
HEADER_TEXT = "#ffffff"
LOGO_TYPES = {"image/png", "image/svg+xml", "image/jpeg", "image/webp", "image/gif"}

# (key, what it sits on, its name there)
_PAIRS = (
    ("brand", HEADER_TEXT, "white header and button text"),
    ("link", LIGHT_PAGE, "the light page background"),
    ("link_dark", DARK_PAGE, "the dark page background"),
)


def read_theme(raw, document: YamlDocument, files: CourseFiles, root: Path,
               diagnostics: list[Diagnostic]) -> Theme:
    if raw is None:
        return Theme()
    path = document.path
    for key, other, where in _PAIRS:
        colour = getattr(raw, key)
        if colour is None:
            continue
        ratio = contrast(colour, other)
        if ratio < TEXT_AA:
            diagnostics.append(error(
                f"course.yml: theme.{key} {colour} has a contrast of {ratio:.2f}:1 with {where} "
                f"({other}); WCAG 2.1 AA needs {TEXT_AA}:1: choose a "
                f"{'darker' if other != DARK_PAGE else 'lighter'} colour", path,
                document.line_of(("theme", key))))
    logo = None
    if raw.logo is not None:
        line = document.line_of(("theme", "logo"))
        real, problem = files.locate(raw.logo, root, ModuleScope(module_id="", folder=root / "assets"))
        if problem:
            diagnostics.append(error(f"course.yml: theme.logo: {problem}", path, line))
        elif real is not None:
            asset = files.asset_for(real, ModuleScope(module_id="", folder=root / "assets"))
            files.assets.pop(real, None)  # shown by the web targets only, not a course file
            if asset.media_type not in LOGO_TYPES:
                diagnostics.append(error(f"course.yml: theme.logo '{raw.logo}' is {asset.media_type}; "
                                         "use a PNG, SVG, JPEG, WebP or GIF image", path, line))
            else:
                logo = asset
    return Theme(logo=logo, brand=raw.brand, link=raw.link, link_dark=raw.link_dark)
