"""Unsafe content: what an author's HTML can carry into every LMS bundle.

Markdown passes raw HTML through, so a body, a choice or a feedback can hold a ``<script>``,
an event-handler attribute (``onerror=``), a ``javascript:`` or ``data:`` URL, a plug-in
(``<object>``, ``<embed>``) or an ``<iframe>`` from anywhere.  LMSs differ in what they strip
(Canvas and Moodle sanitise some, a SCORM player and the preview site show it all), so the
check warns wherever it is written, and ``--strict`` makes each warning an error (this family
is gated).  An iframe is accepted from the hosts the course lists in course.yml
(``checks: iframe_hosts:``), typically its video platform; the ``url:`` fields of link and video
items are checked by the reader already.
"""

from __future__ import annotations

import html as html_module
import re
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from ..errors import Diagnostic, warning
from ..model import Course
from .config import checks_config
from .source_text import SourceLines, course_texts

FAMILY = "unsafe-content"
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "data", "background", "xlink:href", "srcdoc")
DANGEROUS_SCHEMES = ("javascript", "vbscript", "data")
PLUGINS = ("object", "embed", "applet")
_CONTROL = re.compile(r"[\x00-\x20]")


def scheme_of(url: str) -> str:
    """The scheme as a browser sees it: entities decoded, white space and controls ignored."""
    cleaned = _CONTROL.sub("", html_module.unescape(url)).lower()
    return cleaned.split(":", 1)[0] if ":" in cleaned else ""


def _fragments(text_html: str) -> list[etree._Element]:
    try:
        return lxml.html.fragments_fromstring(text_html)
    except (etree.ParserError, ValueError):
        return []


def _only_plain_tags(text_html: str) -> bool:
    """Whether every '<' opens a tag with no attribute and a name none of the checks below
    looks for ('<p>', '</em>'): the parser then makes elements without attributes of those
    names only, so there is nothing to find (most stems, choices and feedback)."""
    names = _PLAIN_TAG.findall(text_html)
    return len(names) == text_html.count("<") and not any(name.lower() in _LOOKED_FOR for name in names)


_PLAIN_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9]*)>")
_LOOKED_FOR = frozenset(("script", "iframe", *PLUGINS))


def unsafe_parts(text_html: str, hosts: list[str]) -> list[tuple[str, str]]:
    """(what to look for in the source, message) for each unsafe construct of one text."""
    found: list[tuple[str, str]] = []
    if _only_plain_tags(text_html):
        return found
    for root in _fragments(text_html):
        if not isinstance(root, etree._Element):
            continue
        for element in root.iter():
            if not isinstance(element.tag, str):
                continue
            tag = element.tag.lower()
            if tag == "script":
                found.append(("<script", "holds a <script>, which runs in the learner's browser in some LMSs "
                                          "and is silently removed by others; embed tools through the LMS instead"))
            if tag in PLUGINS:
                found.append((f"<{tag}", f"holds an <{tag}> plug-in, which modern browsers block and LMSs strip"))
            for name, value in element.attrib.items():
                lowered = name.lower()
                if lowered.startswith("on"):
                    found.append((name, f"has an event-handler attribute {name}=, which runs script; remove it"))
                elif lowered in URL_ATTRIBUTES and scheme_of(value) in DANGEROUS_SCHEMES:
                    scheme = scheme_of(value)
                    # "javascript" finds the obfuscated forms too (JaVaScRiPt&colon;), as line_of ignores case.
                    needle = scheme if scheme != "data" else "data:"
                    found.append((needle, f"has a {scheme}: URL in {name}=, which runs or hides content "
                                                f"a reader cannot see before following it; link to a page or file "
                                                "instead"))
            if tag == "iframe":
                found += _iframe(element, hosts)
    return found


def _iframe(element: etree._Element, hosts: list[str]) -> list[tuple[str, str]]:
    src = (element.get("src") or "").strip()
    parts = urlsplit(src)
    host = (parts.hostname or "").lower()
    if not src or parts.scheme not in ("https", "http") or not host:
        return [("<iframe", "has an <iframe> without an https address; embed only from a video platform the "
                            "course lists under checks: iframe_hosts")]
    if host not in [h.lower() for h in hosts]:
        listed = ", ".join(hosts) if hosts else "none yet"
        return [("<iframe", f"embeds an <iframe> from {host}, which the course does not list; if the course trusts "
                            f"it, add '{host}' to checks: iframe_hosts in course.yml (listed: {listed})")]
    if parts.scheme != "https":
        return [("<iframe", f"embeds {host} over http; use https so that browsers do not block it")]
    return []


def check_unsafe_content(course: Course) -> list[Diagnostic]:
    config, _ = checks_config(course, [])
    lines = SourceLines(course)
    root = Path(course.root)
    found = []
    for text in course_texts(course):
        if "<" not in text.html:
            continue
        for needle, message in unsafe_parts(text.html, config.iframe_hosts):
            found.append(warning(f"{text.label} {message} [{FAMILY}]", root / text.path, lines.line_of(text, needle)))
    return found
