"""Accessibility checks beyond the reader's (alt text, vague link text, captions).

Each names the WCAG 2.1 success criterion it serves (https://www.w3.org/TR/WCAG21/):

* a table without header cells (1.3.1 Info and Relationships): Markdown tables always have a
  header row, raw HTML tables may not;
* a heading that skips a level (1.3.1, 2.4.6): every target shows a body under its title (h1),
  so a body's first heading is h2 and each next one at most one level deeper;
* an image without an ``alt`` attribute written as raw HTML in a choice or feedback (1.1.1),
  where the reader does not look, and alt text longer than 150 characters (1.1.1: a long
  description belongs in the text, where it can be navigated, not in one attribute read in one
  breath);
* the same link text for different targets in one text (2.4.4 Link Purpose);
* instructions that rely on colour, shape, position or sound (1.3.3 Sensory Characteristics,
  1.4.1 Use of Color): "click the red button", "the box on the right";
* audio or video embedded in a text with no transcript linked from it (1.2.1, 1.2.2);
PDF, Word, PowerPoint and Excel files are not warned about: their accessibility (tags, reading
order, alt text) cannot be checked from here, so :func:`files_for_review` lists them, and
``check`` and ``check --report`` print that list for review by hand.
"""

from __future__ import annotations

import html as html_module
import re
from pathlib import Path

import lxml.html
from lxml import etree

from ..errors import Diagnostic, warning
from ..model import Course, File
from ..references import Reference
from .caseless import CaselessSearch
from .source_text import SourceLines, Text, course_texts, plain_text

FAMILY = "accessibility"
LONG_ALT = 150
MEDIA_SUFFIXES = (".mp3", ".m4a", ".wav", ".ogg", ".oga", ".mp4", ".m4v", ".webm", ".mov")
REVIEW_SUFFIXES = {".pdf": "PDF", ".doc": "Word", ".docx": "Word", ".ppt": "PowerPoint", ".pptx": "PowerPoint",
                   ".xls": "Excel", ".xlsx": "Excel", ".odt": "OpenDocument", ".odp": "OpenDocument",
                   ".epub": "EPUB"}
_COLOUR = r"(?:red|green|blue|yellow|orange|purple|pink|grey|gray|black|white|brown)"
_THING = r"(?:button|link|box|icon|text|tab|option|arrow|circle|square|bar|field|label|area|section)s?"
SENSORY = tuple(re.compile(p, re.IGNORECASE) for p in (
    rf"\b{_COLOUR} {_THING}\b",
    rf"\b(?:highlighted|marked|shown|written|coloured|colored) in {_COLOUR}\b",
    rf"\b{_THING} (?:on|at|to) the (?:left|right|top|bottom)\b",
    rf"\bthe (?:left|right|top|bottom)(?:-hand)? {_THING}\b",
    r"\b(?:round|square|circular|triangular|star-shaped) (?:button|icon)s?\b",
    r"\b(?:when you hear|after the beep|at the (?:sound|tone))\b",
))
# Where none of them matches, no one of them can: one pass instead of six for most texts.
_ANY_SENSORY = CaselessSearch("|".join(f"(?:{p.pattern})" for p in SENSORY))
# The elements the checks below look at; a text without any of them is not parsed.
_LOOKED_AT = re.compile(r"<(?:table|img|a|audio|video)\b", re.IGNORECASE)
_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1>", re.IGNORECASE | re.DOTALL)


def _tag(message: str) -> str:
    return f"{message} [{FAMILY}]"


def _elements(text_html: str) -> list[etree._Element]:
    if not _LOOKED_AT.search(text_html):
        return []
    try:
        roots = lxml.html.fragments_fromstring(text_html)
    except (etree.ParserError, ValueError):
        return []
    return [e for root in roots if isinstance(root, etree._Element) for e in root.iter()
            if isinstance(e.tag, str)]


def check_accessibility(course: Course) -> list[Diagnostic]:
    lines = SourceLines(course)
    root = Path(course.root)
    found: list[Diagnostic] = []
    for text in course_texts(course):
        found += [warning(_tag(message), root / text.path, lines.line_of(text, needle))
                  for needle, message in text_findings(text)]
    return found


def text_findings(text: Text) -> list[tuple[str, str]]:
    """(what to look for in the source, message) for one text."""
    found: list[tuple[str, str]] = []
    elements = _elements(text.html)
    for table in (e for e in elements if e.tag == "table"):
        if not any(cell.tag == "th" for cell in table.iter()):
            found.append(("<table", f"{text.label} has a table without header cells; give it a header row "
                                    "(<th>) so that screen readers can name each cell (WCAG 1.3.1)"))
    found += _heading_levels(text)
    for image in (e for e in elements if e.tag == "img"):
        alt = image.get("alt")
        src = image.get("src", "")
        if alt is None and text.kind in ("choice", "feedback", "stem"):
            found.append((src.rsplit("/", 1)[-1] or "<img", f"{text.label} has an image without alt text (WCAG 1.1.1)"))
        elif alt is not None and len(alt) > LONG_ALT:
            found.append((alt[:30], f"{text.label} has alt text of {len(alt)} characters; keep it under {LONG_ALT} "
                                    "and put a long description in the text or a linked page (WCAG 1.1.1)"))
    found += _duplicate_link_text(text, elements)
    words = plain_text(text.html)
    for pattern in SENSORY if _ANY_SENSORY.found_in(words) else ():
        for match in pattern.finditer(words):
            found.append((match.group(0), f"{text.label} says '{match.group(0)}': an instruction that relies on "
                                          "colour, shape, position or sound fails learners who cannot perceive "
                                          "it; name the control by its label too (WCAG 1.3.3, 1.4.1)"))
    found += _media_without_transcript(text, elements)
    return found


def _heading_levels(text: Text) -> list[tuple[str, str]]:
    found = []
    previous = 1  # the title every target shows above the body
    for match in _HEADING.finditer(text.html):
        level = int(match.group(1))
        words = plain_text(match.group(2)).strip()
        if level > previous + 1:
            found.append((words[:40], f"{text.label}: heading '{words}' is h{level} after h{previous}, skipping a "
                                      "level; screen-reader users navigate by heading levels (WCAG 1.3.1)"))
        previous = level
    return found


def _href_target(href: str) -> str:
    if href.startswith(Reference.SCHEME if hasattr(Reference, "SCHEME") else "ilead:"):
        return href.split("#")[0]
    return html_module.unescape(href).rstrip("/")


def _duplicate_link_text(text: Text, elements: list[etree._Element]) -> list[tuple[str, str]]:
    targets: dict[str, set[str]] = {}
    for link in (e for e in elements if e.tag == "a" and e.get("href")):
        label = " ".join("".join(link.itertext()).split()).lower()
        if label:
            targets.setdefault(label, set()).add(_href_target(link.get("href", "")))
    return [(f"[{label}", f"{text.label} uses the link text '{label}' for {len(hrefs)} different targets; "
                          "make each say where it goes (WCAG 2.4.4)")
            for label, hrefs in targets.items() if len(hrefs) > 1]


def _media_without_transcript(text: Text, elements: list[etree._Element]) -> list[tuple[str, str]]:
    media = [e for e in elements if e.tag in ("audio", "video")]
    media += [e for e in elements if e.tag == "a" and (e.get("href", "").lower().split("#")[0]).endswith(
        MEDIA_SUFFIXES)]
    if not media:
        return []
    mentions = [e for e in elements if e.tag == "a" and "transcript" in (
        " ".join(e.itertext()) + " " + e.get("href", "")).lower()]
    if mentions or "transcript" in plain_text(text.html).lower():
        return []
    name = media[0].get("src") or media[0].get("href") or media[0].tag
    return [(name.rsplit("/", 1)[-1], f"{text.label} has audio or video ({name.rsplit('/', 1)[-1]}) with no "
                                     "transcript linked from it; link one next to it (WCAG 1.2.1, 1.2.2)")]


def files_for_review(course: Course) -> list[tuple[str, str, str]]:
    """(file name, kind, item title) for every document learners get that needs checking by hand."""
    found = []
    seen: set[str] = set()
    for item in course.items():
        keys = ([item.asset] if isinstance(item, File) else []) + list(item.body.assets)
        for key in keys:
            suffix = Path(key).suffix.lower()
            if suffix in REVIEW_SUFFIXES and key not in seen:
                seen.add(key)
                found.append((key.rsplit("/", 1)[-1], REVIEW_SUFFIXES[suffix], item.title))
    return found


REVIEW_ADVICE = ("check by hand that each is tagged, has a title and a language, a reading order, alt text and real "
                 "headings (for PDFs, a checker such as PAC or Acrobat's); ilead-shell cannot look inside them")
