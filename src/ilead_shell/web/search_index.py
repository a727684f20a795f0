"""The preview's search index, built when the site is built (MiniSearch's own format).

The search page runs MiniSearch (``static/minisearch.js``, 7.2.0) over an index loaded
with ``MiniSearch.loadJS``; building it here, not in the browser, makes it part of the
deterministic bundle and keeps the page fast however large the course.  The structure is
MiniSearch's serialisation (version 2, what its ``toJSON`` writes); the tokenizer is ours
and the same on both sides (``search.js``): accents folded away, lower case, runs of
letters and digits, so "educacion" finds "educación".  A browser test builds the same
index with MiniSearch itself and compares the two.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

FIELDS = ("title", "text")
STORED = ("title", "url", "module", "excerpt")
EXCERPT_CHARS = 180
_WORD = re.compile(r"[^\W_]+")
_ASCII_SEPARATORS = {code: " " for code in range(128) if not chr(code).isalnum()}
_BLOCKS = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dd", "dt", "br")
_FULL_DOCUMENT = re.compile(r"^\s*<(?:html|!doctype)", re.I)  # fragment_fromstring parses these unwrapped
_PARSER = etree.HTMLParser()
_TEXT = etree.XPath("string()")  # what lxml.html's text_content() is


@dataclass(frozen=True)
class SearchDocument:
    url: str      # relative to the site root, where the search page is
    title: str
    module: str   # the module's title ("" for the home page)
    text: str     # plain text of the page


def fold(text: str) -> str:
    """Lower case without accents (NFKD, combining marks dropped): search.js's ``fold``.

    The marks are found among the text's distinct characters and removed in one
    ``str.translate``: the same characters a test per character would drop, with the
    per-character Python work gone (a course has few distinct characters, and ASCII text,
    which NFKD leaves as it is, none to drop)."""
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed.lower()
    marks = {ord(c): None for c in set(decomposed) if unicodedata.category(c).startswith("M")}
    return decomposed.translate(marks).lower()


def tokenize(text: str) -> list[str]:
    folded = fold(text)
    if folded.isascii():
        # Within ASCII the words _WORD finds are the runs of letters and digits: blank out
        # every other character and split, without the regex's per-character test.
        return folded.translate(_ASCII_SEPARATORS).split()
    return _WORD.findall(folded)


def html_text(html: str) -> str:
    """The words of an HTML fragment, one space between blocks."""
    if not html.strip():
        return ""
    if _FULL_DOCUMENT.match(html):
        root = lxml_html.fragment_fromstring(html, create_parent="div")
    else:
        # What fragment_fromstring(create_parent="div") parses, read from the <body> it
        # parses into rather than from a new <div> holding the body's content; and with
        # lxml.etree's parser, whose elements need no Python class lookup each (libxml2's
        # same HTML parser, the same tree).  Leading white space that fragment_fromstring
        # would drop is dropped below with all other runs of white space.
        document = etree.fromstring(f"<html><body>{html}</body></html>", _PARSER)
        (root,) = [element for element in document if element.tag == "body"]
    for block in root.iter(_BLOCKS):
        block.tail = " " + (block.tail or "")
    return " ".join(_TEXT(root).split())


def build_index(documents: list[SearchDocument]) -> dict:
    """The MiniSearch index of ``documents``, as its ``toJSON`` would write it."""
    field_ids = {name: number for number, name in enumerate(FIELDS)}
    average = [0.0] * len(FIELDS)
    document_ids: dict[str, str] = {}
    field_length: dict[str, list[int]] = {}
    stored: dict[str, dict] = {}
    index: dict[str, dict[int, dict[int, int]]] = {}
    for short_id, document in enumerate(documents):
        document_ids[str(short_id)] = document.url
        stored[str(short_id)] = {"title": document.title, "url": document.url, "module": document.module,
                                 "excerpt": _excerpt(document.text)}
        lengths = []
        for field in FIELDS:
            field_id = field_ids[field]
            frequencies = Counter(tokenize(getattr(document, field)))
            unique = len(frequencies)
            lengths.append(unique)
            # The running mean exactly as MiniSearch computes it (same floating-point steps).
            average[field_id] = (average[field_id] * short_id + unique) / (short_id + 1)
            for term, count in frequencies.items():
                index.setdefault(term, {}).setdefault(field_id, {})[short_id] = count
        field_length[str(short_id)] = lengths
    names = list(document_ids)  # short ids as the strings MiniSearch writes
    return {
        "documentCount": len(documents),
        "nextId": len(documents),
        "documentIds": document_ids,
        "fieldIds": field_ids,
        "fieldLength": field_length,
        "averageFieldLength": average,
        "storedFields": stored,
        "dirtCount": 0,
        # Postings were added document by document, so each is already in document order.
        "index": [[term, {str(f): {names[d]: n for d, n in p.items()} for f, p in sorted(fields.items())}]
                  for term, fields in sorted(index.items())],
        "serializationVersion": 2,
    }


def index_script(documents: list[SearchDocument]) -> str:
    """``search-index.js``: the index as a script, so the search page works from file://
    (a page opened from disk may not fetch a JSON file)."""
    data = json.dumps(build_index(documents), ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    return "window.ILEAD_SEARCH_INDEX = " + data.replace("</", "<\\/") + ";\n"


def _excerpt(text: str) -> str:
    if len(text) <= EXCERPT_CHARS:
        return text
    cut = text[:EXCERPT_CHARS].rsplit(" ", 1)[0]
    return cut + " …"
