"""One citation style for every target: author-date, following APA (7th edition) conventions.

A reference is built once as a list of :class:`Segment` (text, italic or not, link or not) and
then written as HTML (bodies, the outline), plain text or Markdown, so the three never drift
apart.  Only the work types the source format documents are styled specially; any other type
is styled like a web page or report (title in italics, then publisher or site).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

from lxml import etree

from .model import Contributor, Work

ARTICLE_TYPES = {"article-journal", "article-magazine", "article-newspaper", "article"}
BOOK_TYPES = {"book"}
CHAPTER_TYPES = {"chapter", "entry-encyclopedia", "paper-conference"}
KNOWN_TYPES = ARTICLE_TYPES | BOOK_TYPES | CHAPTER_TYPES | {
    "report", "webpage", "post-weblog", "legislation", "legal_case", "standard", "dataset",
    "document", "speech", "motion_picture", "broadcast", "interview", "thesis"}

# Journal articles, books and chapters show the year alone; other works their full date.
YEAR_ONLY_TYPES = {"article-journal", "article"} | BOOK_TYPES | CHAPTER_TYPES | {"report", "thesis"}

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class Segment:
    text: str
    italic: bool = False
    link: str = ""  # an address the text links to (the text is the address itself)


@dataclass(frozen=True)
class Name:
    family: str
    given: str = ""  # empty for an organization or a single name

    @property
    def initials(self) -> str:
        parts = [p for p in re.split(r"[\s]+", self.given.strip()) if p]
        out = []
        for part in parts:
            # "Mary-Ann" -> "M.-A."; "A." stays "A."
            pieces = [p for p in part.split("-") if p]
            out.append("-".join(f"{p[0]}." for p in pieces))
        return " ".join(out)


def parse_name(contributor: Contributor | str) -> Name:
    """A contributor as a name; a string ``"Family, Given"`` is a person, one without a
    comma an organization (for works built by hand)."""
    if isinstance(contributor, Contributor):
        if contributor.literal:
            return Name(contributor.literal)
        return Name(contributor.family, contributor.given)
    family, comma, given = contributor.partition(",")
    return Name(family.strip(), given.strip()) if comma else Name(contributor.strip())


def year(work: Work) -> str:
    match = _DATE.match(work.issued or "")
    return match.group(1) if match else (work.issued or "n.d.")


def _date_in_reference(work: Work, label: str = "") -> str:
    """``(2021, July 28)`` for a dated web page or news item; ``(1998)`` otherwise.
    ``label`` is the year as cited in text (``2012a``), so the list shows the same letter."""
    match = _DATE.match(work.issued or "")
    if not match:
        return label or work.issued or "n.d."
    y, m, d = match.groups()
    y = label or y
    if m and work.type not in YEAR_ONLY_TYPES:
        month = calendar.month_name[int(m)]
        return f"{y}, {month} {int(d)}" if d else f"{y}, {month}"
    return y


# -- in-text citations ---------------------------------------------------------------------
def author_label(work: Work, narrative: bool = False) -> str:
    names = [parse_name(a) for a in work.author]
    if not names:
        return _short_title(work)
    if len(names) == 1:
        return names[0].family
    if len(names) == 2:
        joiner = " and " if narrative else " & "
        return f"{names[0].family}{joiner}{names[1].family}"
    return f"{names[0].family} et al."


def _short_title(work: Work) -> str:
    title = work.title.split(":")[0].strip()
    return title if len(title) <= 60 else title[:57].rstrip() + "..."


def year_labels(works: list[Work]) -> dict[str, str]:
    """Work id -> the year shown in text, with a, b... where one author label has two works
    in the same year (APA's rule), ordered by title."""
    groups: dict[tuple[str, str], list[Work]] = {}
    for work in works:
        groups.setdefault((author_label(work), year(work)), []).append(work)
    labels = {}
    for (_, shown), members in groups.items():
        if len(members) == 1:
            labels[members[0].id] = shown
            continue
        for index, work in enumerate(sorted(members, key=lambda w: w.title.lower())):
            suffix = chr(ord("a") + index)
            labels[work.id] = f"{shown}{suffix}" if shown != "n.d." else f"n.d.-{suffix}"
    return labels


def in_text(work: Work, year_label: str, locator: str = "", narrative: bool = False) -> str:
    """``Tervalon & Murray-García, 1998, p. 123`` (inside parentheses) or, narrative,
    ``Tervalon and Murray-García (1998, p. 123)``."""
    when = f"{year_label}, {locator}" if locator else year_label
    if narrative:
        return f"{author_label(work, narrative=True)} ({when})"
    return f"{author_label(work)}, {when}"


# -- the reference list entry ----------------------------------------------------------------
def _names_for_reference(names: list[Name]) -> str:
    def one(name: Name) -> str:
        return f"{name.family}, {name.initials}" if name.given else name.family

    shown = [one(n) for n in names]
    if len(shown) > 20:  # APA: the first 19, an ellipsis, the last
        return ", ".join(shown[:19]) + ", . . . " + shown[-1]
    if len(shown) == 1:
        return shown[0]
    if len(shown) == 2:
        return f"{shown[0]}, & {shown[1]}" if names[0].given else f"{shown[0]} & {shown[1]}"
    return ", ".join(shown[:-1]) + f", & {shown[-1]}"


def _editors(names: list[Name]) -> str:
    def one(name: Name) -> str:
        return f"{name.initials} {name.family}".strip() if name.given else name.family

    shown = [one(n) for n in names]
    joined = shown[0] if len(shown) == 1 else (
        f"{shown[0]} & {shown[1]}" if len(shown) == 2 else ", ".join(shown[:-1]) + f", & {shown[-1]}")
    return f"{joined} ({'Ed.' if len(shown) == 1 else 'Eds.'})"


def _sentence(text: str) -> str:
    """Text ending with one full stop, unless it already ends with . ? or !"""
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else text + "."


def doi_url(work: Work) -> str:
    return f"https://doi.org/{work.doi}" if work.doi else ""


def address(work: Work) -> str:
    return doi_url(work) or work.url


def reference(work: Work, label: str = "") -> list[Segment]:
    """The reference list entry for ``work`` as segments; ``label`` is its year as cited in
    text when letters tell apart works of one author and year (see :func:`year_labels`)."""
    authors = [parse_name(a) for a in work.author]
    editors = [parse_name(e) for e in work.editor]
    date = _date_in_reference(work, label)
    out: list[Segment] = []
    title_italic = work.type not in ARTICLE_TYPES | CHAPTER_TYPES

    if authors:
        out.append(Segment(_sentence(_names_for_reference(authors)) + " "))
        out.append(Segment(f"({date}). "))
        out.append(Segment(_sentence(work.title) if not title_italic else work.title, italic=title_italic))
    else:  # APA: the title moves to the author position
        out.append(Segment(work.title, italic=title_italic))
        out.append(Segment(f". ({date})." if not work.title.endswith((".", "?", "!")) else f" ({date})."))
        title_italic = False  # already written

    if work.type in ARTICLE_TYPES:
        out.append(Segment(" "))
        if work.container_title:
            out.append(Segment(work.container_title, italic=True))
            if work.volume:
                out.append(Segment(", "))
                out.append(Segment(work.volume, italic=True))
                if work.issue:
                    out.append(Segment(f"({work.issue})"))
            if work.page:
                out.append(Segment(f", {_pages(work.page)}"))
            out.append(Segment("."))
    elif work.type in CHAPTER_TYPES:
        out.append(Segment(" In "))
        if editors:
            out.append(Segment(_editors(editors) + ", "))
        out.append(Segment(work.container_title or "[book title]", italic=True))
        extras = [e for e in (f"{_ordinal_edition(work.edition)}" if work.edition else "",
                              f"pp. {_pages(work.page)}" if work.page else "") if e]
        if extras:
            out.append(Segment(f" ({', '.join(extras)})"))
        out.append(Segment("."))
        if work.publisher:
            out.append(Segment(f" {_sentence(work.publisher)}"))
    else:
        if authors:
            if work.edition:
                out.append(Segment(f" ({_ordinal_edition(work.edition)})"))
            out.append(Segment("." if not work.title.endswith((".", "?", "!")) else ""))
        source = [s for s in (work.container_title, work.publisher) if s]
        organization = authors[0].family if len(authors) == 1 and not authors[0].given else ""
        source = [s for s in source if s != organization]  # APA: do not repeat the author
        for part in source:
            out.append(Segment(f" {_sentence(part)}"))

    link = address(work)
    if link:
        out.append(Segment(" "))
        out.append(Segment(link, link=link))
    return _merge(out)


def _pages(page: str) -> str:
    return page.replace("--", "\u2013").replace("-", "\u2013")


def _ordinal_edition(edition: str) -> str:
    if not edition.isdigit():
        return edition if edition.endswith("ed.") else f"{edition} ed."
    number = int(edition)
    suffix = "th" if 11 <= number % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix} ed."


def _merge(segments: list[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for segment in segments:
        if not segment.text:
            continue
        if merged and not segment.italic and not segment.link and not merged[-1].italic and not merged[-1].link:
            merged[-1] = Segment(merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return merged


def sort_key(work: Work) -> tuple[str, str, str]:
    """APA order: by the first author's family name (or title), then year with undated works
    first, then title (the order the a, b... letters follow)."""
    first = parse_name(work.author[0]).family if work.author else work.title
    shown = year(work)
    return (first.lower(), "" if shown == "n.d." else shown, work.title.lower())


def plain(segments: list[Segment]) -> str:
    return "".join(s.text for s in segments)


def markdown(segments: list[Segment]) -> str:
    out = []
    for s in segments:
        text = s.text.replace("*", "\\*").replace("_", "\\_") if not s.link else s.text
        if s.italic:
            lead = len(text) - len(text.lstrip())
            trail = len(text) - len(text.rstrip())
            core = text.strip()
            text = f"{text[:lead]}*{core}*{text[len(text) - trail:] if trail else ''}" if core else text
        elif s.link:
            text = f"<{s.link}>"
        out.append(text)
    return "".join(out)


def append_html(parent: etree._Element, segments: list[Segment]) -> None:
    """Append the segments to ``parent`` as text, ``<em>`` and ``<a>`` (never by concatenating
    markup, so titles with ``<`` or ``&`` stay text)."""
    last: etree._Element | None = None

    def add_text(text: str) -> None:
        if last is None:
            parent.text = (parent.text or "") + text
        else:
            last.tail = (last.tail or "") + text

    for segment in segments:
        if segment.italic:
            last = etree.SubElement(parent, "em")
            last.text = segment.text
        elif segment.link:
            last = etree.SubElement(parent, "a", href=segment.link)
            last.text = segment.text
        else:
            add_text(segment.text)


def html(segments: list[Segment]) -> str:
    """The segments as an HTML fragment (text escaped, titles in ``<em>``, addresses linked)."""
    holder = etree.Element("span")
    append_html(holder, segments)
    inner = (holder.text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return inner + "".join(etree.tostring(child, encoding="unicode", method="html") for child in holder)
