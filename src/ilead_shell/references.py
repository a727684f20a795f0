"""References from rich text to files and items, and how exporters rewrite them.

The reader turns every relative link or image in Markdown into one of three URLs:

* ``ilead:asset/<asset key>``      a file of the course (image, PDF, captions...)
* ``ilead:item/<module>/<item>``   another item, optionally with ``#fragment``
* ``ilead:module/<module>``        a module's overview

Exporters call :func:`rewrite` with a function that maps a :class:`Reference` to the URL
that works inside their bundle, so the link logic lives in one place.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Callable, Literal
from urllib.parse import quote, unquote

SCHEME = "ilead:"
_ATTRIBUTE = re.compile(r"""(?P<name>\b(?:href|src|poster|data)\s*=\s*)(?P<q>["'])(?P<value>ilead:[^"']*)(?P=q)""")
_NEEDS_QUOTING = re.compile(r"[^A-Za-z0-9_.~/-]")  # what quote(safe="/") changes


@dataclass(frozen=True)
class Reference:
    kind: Literal["asset", "item", "module"]
    target: str  # asset key, "module/item" full id, or module id
    fragment: str = ""

    def url(self) -> str:
        fragment = f"#{quote(self.fragment, safe='')}" if self.fragment else ""
        return f"{SCHEME}{self.kind}/{quote(self.target, safe='/')}{fragment}"


def parse(url: str) -> Reference | None:
    if not url.startswith(SCHEME):
        return None
    body, _, fragment = url[len(SCHEME):].partition("#")
    kind, _, target = body.partition("/")
    if kind not in ("asset", "item", "module"):
        return None
    return Reference(kind, unquote(target), unquote(fragment))  # type: ignore[arg-type]


def rewrite(html_text: str, resolve: Callable[[Reference], str]) -> str:
    """Replace every ``ilead:`` URL in ``href``/``src`` attributes with ``resolve(ref)``."""

    def substitute(match: re.Match[str]) -> str:
        reference = parse(html.unescape(match.group("value")))
        if reference is None:
            return match.group(0)
        new = html.escape(resolve(reference), quote=True)
        return f'{match.group("name")}{match.group("q")}{new}{match.group("q")}'

    # _ATTRIBUTE.sub(substitute, html_text), with the pattern tried only near an "ilead:"
    # (a match's value starts with one) rather than at every character of the text.  A match
    # whose value starts at an occurrence begins after the last "<" or ">" before it: between
    # an attribute's name and its value come only letters, spaces, "=" and a quote.  Searching
    # from there finds the leftmost match, as sub does (a match for a later occurrence cannot
    # begin before this one: its name-to-quote part cannot hold the "i", "l" or ":" of "ilead:").
    pieces = []
    done = 0
    while (found := html_text.find(SCHEME, done)) >= 0:
        start = max(html_text.rfind("<", done, found), html_text.rfind(">", done, found), done - 1) + 1
        match = _ATTRIBUTE.search(html_text, start)
        if match is None:
            break
        pieces += [html_text[done:match.start()], substitute(match)]
        done = match.end()
    if not pieces:
        return html_text
    pieces.append(html_text[done:])
    return "".join(pieces)


def relative_url(from_path: str, to_path: str) -> str:
    """A percent-encoded relative URL between two POSIX bundle paths (files, not folders)."""
    source = from_path.split("/")[:-1]
    target = to_path.split("/")
    common = 0
    while common < min(len(source), len(target) - 1) and source[common] == target[common]:
        common += 1
    path = "/".join([".."] * (len(source) - common) + target[common:])
    # quote() leaves a path of only these characters as it is; most bundle paths are such.
    return quote(path, safe="/") if _NEEDS_QUOTING.search(path) else path
