"""The CSS and JavaScript every rendered page links to, read from package data."""

from __future__ import annotations

from importlib import resources

#: File names under ``static/``; pages link them from the layout's static folder.
STYLESHEET = "ilead.css"
SITE_SCRIPT = "site.js"        # the menu of the preview's pages
QUIZ_SCRIPT = "quiz.js"
SEARCH_SCRIPT = "search.js"    # the search page, over search-index.js
SEARCH_LIBRARY = "minisearch.js"  # MiniSearch 7.2.0 (MIT), unchanged from its npm package
SEARCH_LICENCE = "minisearch.LICENSE.txt"

_SHARED = (STYLESHEET, QUIZ_SCRIPT)
_SITE = (SITE_SCRIPT, SEARCH_SCRIPT, SEARCH_LIBRARY, SEARCH_LICENCE)


def static_files(site: bool = False) -> dict[str, bytes]:
    """Name -> content of the shared static files; ``site``: also the preview's own (menu
    and search), which a SCORM package does not use."""
    folder = resources.files(__package__).joinpath("static")
    names = _SHARED + (_SITE if site else ())
    return {name: folder.joinpath(name).read_bytes() for name in names}
