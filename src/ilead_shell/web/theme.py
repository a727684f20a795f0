"""The course's colours (course.yml ``theme:``, contrast-checked by the reader) as CSS.

The stylesheet reads every colour from custom properties; a course that sets its own
overrides only those, in a ``<style>`` element of each page, so one stylesheet serves
every course.
"""

from __future__ import annotations

from markupsafe import Markup

from ..model import Theme


def theme_css(theme: Theme) -> Markup | None:
    """``:root`` overrides for the colours ``theme`` sets, or None when it sets none.

    Links have one property per colour scheme (``--link-light``, ``--link-dark``); the
    stylesheet picks one by ``prefers-color-scheme``, so a light-page colour never reaches
    the dark page."""
    declarations: list[str] = []
    if theme.brand:
        declarations.append(f"--brand: {theme.brand};")
    link = theme.link or theme.brand
    if link:
        declarations.append(f"--link-light: {link};")
    if theme.link_dark:
        declarations.append(f"--link-dark: {theme.link_dark};")
    if not declarations:
        return None
    # Colours are #rrggbb, validated when the course was read: nothing else reaches the CSS.
    return Markup(f":root {{ {' '.join(declarations)} }}")
