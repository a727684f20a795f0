"""References: ``references.yml`` files, citations in Markdown, and the sections they render.

A course may keep works in ``references.yml`` beside ``course.yml`` and in any module folder
(so a reused module carries its sources).  The file is CSL-YAML, the format Pandoc, Zotero
and citeproc read: ``references:`` holds a list of works with ``id``, ``type``, ``author``
(``family``/``given`` or ``literal``), ``issued``, ``title``, ``container-title``... plus
``read-at``, where the text was read when that is not its ``URL``.

Bodies cite works as Pandoc does: ``[@key]`` or ``[@key, p. 12; @other]`` in parentheses,
``@key`` in running text.  Front matter lists further works with ``references:`` and the
reading list with ``readings:`` (a work's id, ``{ref: id, note: ...}``, or
``{select: what the reading should cover}`` for one the program team has still to choose).

The reader renders citations as author-date text and appends *Readings* and
*References* to the body's HTML, in one citation style (:mod:`ilead_shell.citations`), so
every target carries them without knowing about references.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from lxml import html as lxml_html
from pydantic import Field, field_validator

from .. import citations
from ..errors import Diagnostic, error
from ..model import Contributor, Reading, RichText, SourceLocation, Work
from . import source_schema as schema
from .text_files import read_text
from .yaml_source import YamlDocument, YamlSyntaxError, load_yaml

FILE_NAME = "references.yml"
WORK_ID = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DOI = r"^10\.\d{4,9}/\S+$"
PENDING_LABEL = "To be selected by the program team:"

# [@key], [@key, p. 12], [@a; @b, chap. 2]: a bracketed group of one or more citations.
_GROUP = re.compile(r"\[(?P<body>@[a-z0-9][a-z0-9-]*(?:[^\]\[]*?))\]")
_ITEM = re.compile(r"^\s*@(?P<key>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)\s*(?:,\s*(?P<locator>.*?))?\s*$")
# @key in running text: not part of an address (name@example.org) or a bracketed group.
_NARRATIVE = re.compile(r"(?<![\w@.\[/])@(?P<key>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)")
# How alike (difflib's ratio) an unknown narrative '@word' must be to a known id to be reported as
# a misspelt citation: 'tervalon-1999' is 0.92 like tervalon-1998; handles are rarely above 0.6.
NARRATIVE_CUTOFF = 0.8
_FENCE = re.compile(r"^\s*(```|~~~)")
_INLINE_CODE = re.compile(r"`[^`]*`")
_SKIP_TAGS = {"code", "pre", "a", "script", "style"}

schema.PATTERN_MEANING.setdefault(WORK_ID, "lower-case letters and digits joined by single '-', such as tervalon-1998")
schema.PATTERN_MEANING.setdefault(DOI, "a DOI such as 10.1353/hpu.2010.0233, without https://doi.org/")


# -- the file format -------------------------------------------------------------------------
class RawName(schema.Raw):
    family: str | None = None
    given: str | None = None
    literal: str | None = None


class RawWork(schema.Raw):
    id: str = Field(pattern=WORK_ID)
    type: str = "webpage"
    author: list[RawName] = []
    editor: list[RawName] = []
    issued: int | str | dt.date | None = None
    title: str = Field(min_length=1)
    container_title: str = Field(default="", alias="container-title")
    publisher: str = ""
    edition: int | str = ""
    volume: int | str = ""
    issue: int | str = ""
    page: int | str = ""
    doi: str | None = Field(default=None, alias="DOI", pattern=DOI)
    url: str | None = Field(default=None, alias="URL", pattern=schema.LINK_URL)
    read_at: str | None = Field(default=None, alias="read-at", pattern=schema.LINK_URL)
    note: str = ""

    @field_validator("edition", "volume", "issue", "page", mode="before")
    @classmethod
    def _as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


class RawReferences(schema.Raw):
    references: list[RawWork]


class RawReading(schema.Raw):
    ref: str | None = Field(default=None, pattern=WORK_ID)
    select: str | None = Field(default=None, min_length=1)
    note: str = ""


# -- loading ----------------------------------------------------------------------------------
@dataclass
class Bibliography:
    """Every work of the course, and the labels citations show for them."""

    works: dict[str, Work] = field(default_factory=dict)
    year_labels: dict[str, str] = field(default_factory=dict)

    def finish(self) -> None:
        self.year_labels = citations.year_labels(list(self.works.values()))

    def ordered(self, ids) -> list[Work]:
        return sorted((self.works[i] for i in dict.fromkeys(ids) if i in self.works), key=citations.sort_key)


def load_bibliography(files: list[tuple[Path, str]], rel, diagnostics: list[Diagnostic]) -> Bibliography:
    """Read each existing ``(path, what)`` references file; ids must be unique across them
    (the same work written identically in two module files is one work, so modules that
    share a source can each carry it)."""
    found = Bibliography()
    for path, what in files:
        if not path.is_file():
            continue
        text = read_text(path, diagnostics)
        if text is None:
            continue
        try:
            document = load_yaml(text, str(path))
        except YamlSyntaxError as exc:
            diagnostics.append(exc.diagnostic)
            continue
        raw, problems = schema.validate(RawReferences, document, what)
        diagnostics.extend(problems)
        if raw is None:
            continue
        for index, entry in enumerate(raw.references):
            line = document.line_of(("references", index))
            work, problems = _work(entry, rel(path), line, path)
            diagnostics.extend(problems)
            if work is None:
                continue
            earlier = found.works.get(work.id)
            if earlier is None:
                found.works[work.id] = work
            elif earlier.model_dump(exclude={"location"}) != work.model_dump(exclude={"location"}):
                diagnostics.append(error(
                    f"reference id '{work.id}' is also defined, differently, at {earlier.location.path}:"
                    f"{earlier.location.line}; give one of them another id", path, line))
    found.finish()
    return found


def _work(raw: RawWork, rel_path: str, line: int, path: Path) -> tuple[Work | None, list[Diagnostic]]:
    problems = []
    if raw.type not in citations.KNOWN_TYPES:
        problems.append(error(f"reference '{raw.id}': unknown type '{raw.type}'; expected one of: "
                              f"{', '.join(sorted(citations.KNOWN_TYPES))}", path, line))
    names = []
    for role, people in (("author", raw.author), ("editor", raw.editor)):
        written = []
        for person in people:
            if person.literal and not (person.family or person.given):
                written.append(Contributor(literal=person.literal))
            elif person.family and not person.literal:
                written.append(Contributor(family=person.family, given=person.given or ""))
            else:
                problems.append(error(f"reference '{raw.id}': each {role} needs 'family' (and 'given') "
                                      "for a person, or 'literal' for an organization", path, line))
        names.append(tuple(written))
    if not (raw.url or raw.doi) and raw.type in {"webpage", "post-weblog"}:
        problems.append(error(f"reference '{raw.id}': a web page needs its URL", path, line))
    if problems:
        return None, problems
    issued = raw.issued.isoformat() if isinstance(raw.issued, dt.date) else ("" if raw.issued is None else str(raw.issued))
    return Work(
        id=raw.id, type=raw.type, author=names[0], editor=names[1], issued=issued, title=raw.title.strip(),
        container_title=raw.container_title, publisher=raw.publisher, edition=str(raw.edition),
        volume=str(raw.volume), issue=str(raw.issue), page=str(raw.page), doi=raw.doi or "",
        url=raw.url or "", read_at=raw.read_at or "", note=raw.note,
        location=SourceLocation(path=rel_path, line=line)), []


# -- citing -----------------------------------------------------------------------------------
@dataclass
class Citing:
    """What one body cites, reads and renders; built by :func:`attach`."""

    body: RichText
    cites: tuple[str, ...]
    readings: tuple[Reading, ...]


def attach(bibliography: Bibliography, body: RichText, markdown_text: str, body_line: int, path: Path,
           rel_path: str, document: YamlDocument, front_references: list[str], front_readings: list[Any],
           anchor: str, diagnostics: list[Diagnostic]) -> Citing:
    """Check the citations of one body, render them, and append *Readings* and *References*."""
    works = bibliography.works
    cited: list[str] = []
    for key, line in _cited_in_markdown(markdown_text, works):
        if key in works:
            cited.append(key)
        else:
            diagnostics.append(error(f"citation '@{key}' names no work in any {FILE_NAME}"
                                     f"{_suggestion(key, works, '@')}{_known(works)}", path, body_line + line))
    for index, key in enumerate(front_references):
        if key in works:
            cited.append(key)
        else:
            diagnostics.append(error(f"references: '{key}' names no work in any {FILE_NAME}"
                                     f"{_suggestion(key, works)}{_known(works)}",
                                     path, document.line_of(("references", index))))
    readings = []
    for index, entry in enumerate(front_readings):
        line = document.line_of(("readings", index))
        reading = _reading(entry, works, path, line, diagnostics)
        if reading is not None:
            readings.append(reading.model_copy(update={"location": SourceLocation(path=rel_path, line=line)}))
    cites = tuple(dict.fromkeys(cited))
    if not cites and not readings:
        return Citing(body, (), ())
    html_text = _render(bibliography, body.html, cites, readings, anchor)
    return Citing(body.model_copy(update={"html": html_text}), cites, tuple(readings))


def _close_keys(key: str, works: dict[str, Work], cutoff: float = 0.6) -> list[str]:
    """Known ids the key may be a slip for: alike by difflib, or the key is an author-year id
    without its year ('@tervalon' for tervalon-1998; '@ala' is no slip for ala-edi)."""
    close = difflib.get_close_matches(key, sorted(works), n=1, cutoff=cutoff)
    return close or [k for k in sorted(works) if re.match(re.escape(key) + r"-\d", k)][:1]


def _suggestion(key: str, works: dict[str, Work], prefix: str = "") -> str:
    close = _close_keys(key, works)
    return f"; did you mean '{prefix}{close[0]}'?" if close else ""


def _known(works: dict[str, Work]) -> str:
    return "" if works else f" (no {FILE_NAME} defines any work yet)"


def _reading(entry: Any, works: dict[str, Work], path: Path, line: int,
             diagnostics: list[Diagnostic]) -> Reading | None:
    placeholder = SourceLocation(path="", line=line)
    if isinstance(entry, str):
        if entry not in works:
            diagnostics.append(error(f"readings: '{entry}' names no work in any {FILE_NAME}"
                                     f"{_suggestion(entry, works)}{_known(works)}",
                                     path, line))
            return None
        return Reading(work=entry, location=placeholder)
    if not isinstance(entry, dict):
        diagnostics.append(error("readings: each entry is a work's id, {ref: id, note: ...} or "
                                 "{select: what the reading should cover}", path, line))
        return None
    try:
        raw = RawReading.model_validate(entry)
    except Exception as exc:  # pydantic's message, located at the entry
        first = getattr(exc, "errors", lambda: [{"msg": str(exc), "loc": ()}])()[0]
        where = ".".join(str(s) for s in first.get("loc", ()))
        diagnostics.append(error(f"readings: {where + ': ' if where else ''}{first['msg']}", path, line))
        return None
    if bool(raw.ref) == bool(raw.select):
        diagnostics.append(error("readings: give either 'ref' (a work's id) or 'select' (what a reading "
                                 "still to be chosen should cover), not both or neither", path, line))
        return None
    if raw.ref and raw.ref not in works:
        diagnostics.append(error(f"readings: '{raw.ref}' names no work in any {FILE_NAME}"
                                 f"{_suggestion(raw.ref, works)}{_known(works)}",
                                 path, line))
        return None
    return Reading(work=raw.ref, note=raw.select or raw.note, location=placeholder)


def _cited_in_markdown(text: str, works: dict[str, Work]) -> list[tuple[str, int]]:
    """(key, 0-based line) of each citation in Markdown, outside code."""
    found: list[tuple[str, int]] = []
    if "@" not in text:
        return found  # every citation has one
    fenced = False
    for number, line in enumerate(text.split("\n")):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced or "@" not in line:
            continue
        line = _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), line)
        for group in _GROUP.finditer(line):
            for part in group.group("body").split(";"):
                item = _ITEM.match(part)
                if item:
                    found.append((item.group("key"), number))
        rest = _GROUP.sub(lambda m: " " * len(m.group(0)), line)
        # A narrative @key cites only a known work, and '@handle' in prose stays text; but a word
        # this close to a known id is a misspelt citation, which would otherwise print as typed.
        found += [(m.group("key"), number) for m in _NARRATIVE.finditer(rest)
                  if m.group("key") in works or _close_keys(m.group("key"), works, NARRATIVE_CUTOFF)]
    return found


def _render(bibliography: Bibliography, body_html: str, cites: tuple[str, ...], readings: list[Reading],
            anchor: str) -> str:
    root = lxml_html.fragment_fromstring(body_html, create_parent="div") if body_html.strip() else \
        lxml_html.fragment_fromstring("<div></div>")
    _link_citations(root, bibliography, anchor)
    taken = {node.get("id") for node in root.iter() if node.get("id")}
    if readings:
        heading = etree.SubElement(root, "h2", id=_heading_id("readings", taken))
        heading.text = "Readings"
        listing = etree.SubElement(root, "ul", {"class": "readings"})
        for reading in readings:
            entry = etree.SubElement(listing, "li")
            if reading.pending:
                label = etree.SubElement(entry, "em")
                label.text = PENDING_LABEL
                label.tail = f" {reading.note}"
                continue
            citations.append_html(entry, citations.reference(bibliography.works[reading.work],
                                                             bibliography.year_labels[reading.work]))
            if reading.note:
                note = etree.SubElement(entry, "span", {"class": "reading-note"})
                note.text = f" {reading.note}"
    if cites:
        heading = etree.SubElement(root, "h2", id=_heading_id("references", taken))
        heading.text = "References"
        listing = etree.SubElement(root, "ul", {"class": "references"})
        for work in bibliography.ordered(cites):
            entry = etree.SubElement(listing, "li", id=f"ref-{anchor}-{work.id}")
            citations.append_html(entry, citations.reference(work, bibliography.year_labels[work.id]))
    lead = root.text or ""
    inner = "".join(lxml_html.tostring(child, encoding="unicode") for child in root)
    return _escape_text(lead) + inner


def _heading_id(slug: str, taken: set[str]) -> str:
    """The id Python-Markdown's table of contents would give the heading (``slug``, then
    ``slug_1``...), so the section reads the same when a page is written back as Markdown."""
    found, number = slug, 0
    while found in taken:
        number += 1
        found = f"{slug}_{number}"
    taken.add(found)
    return found


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _link_citations(root: etree._Element, bibliography: Bibliography, anchor: str) -> None:
    """Replace ``[@key]`` and ``@key`` in text (not in code or links) with author-date citations.

    Plain text, not links to the References section: an in-page ``#fragment`` is a route in
    some LMS viewers (the Canvas cartridge viewer's hash router) and leads nowhere there."""
    for element in list(root.iter()):
        if not isinstance(element.tag, str) or element.tag in _SKIP_TAGS or _inside_skipped(element):
            continue
        if element.text:
            _replace_in(element, "text", bibliography, anchor)
        for child in list(element):
            if child.tail and isinstance(child.tag, str):
                _replace_in(child, "tail", bibliography, anchor)


def _inside_skipped(element: etree._Element) -> bool:
    return any(a.tag in _SKIP_TAGS for a in element.iterancestors())


_ANY = re.compile(_GROUP.pattern + "|" + _NARRATIVE.pattern)


def _replace_in(element: etree._Element, slot: str, bibliography: Bibliography, anchor: str) -> None:
    text = getattr(element, slot)
    pieces: list[Any] = []  # strings and elements, in order
    position = 0
    for match in _ANY.finditer(text):
        made = _citation_nodes(match, bibliography, anchor)
        if made is None:
            continue
        pieces.append(text[position:match.start()])
        pieces.extend(made)
        position = match.end()
    if not pieces:
        return
    pieces.append(text[position:])
    # Text before the first new element stays in its slot; the rest goes into tails.
    if slot == "text":
        element.text = pieces[0]
        insert_at, parent, after = 0, element, None
    else:
        element.tail = pieces[0]
        parent, after = element.getparent(), element
        insert_at = parent.index(element) + 1
    last = after
    for piece in pieces[1:]:
        if isinstance(piece, str):
            if last is None:
                parent.text = (parent.text or "") + piece
            else:
                last.tail = (last.tail or "") + piece
        else:
            parent.insert(insert_at, piece)
            insert_at += 1
            last = piece


def _citation_nodes(match: re.Match[str], bibliography: Bibliography, anchor: str) -> list[Any] | None:
    works = bibliography.works
    if match.group("body") is not None:
        items = [_ITEM.match(part) for part in match.group("body").split(";")]
        if not all(items) or any(i.group("key") not in works for i in items):
            return None
        nodes: list[Any] = ["("]
        for index, item in enumerate(items):
            key, locator = item.group("key"), (item.group("locator") or "").strip()
            if index:
                nodes.append("; ")
            nodes.append(citations.in_text(works[key], bibliography.year_labels[key]))
            if locator:
                nodes.append(f", {locator}")
        nodes.append(")")
        return nodes
    key = match.group("key")
    if key not in works:
        return None
    return [citations.author_label(works[key], narrative=True) + f" ({bibliography.year_labels[key]})"]
