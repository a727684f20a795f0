"""Sections a cartridge writer adds to pages, read back as the data they state.

Plain cartridges have no field for a module's outcomes, a course's grading or an
assignment's due date, so writers (ours among them) state them in the page: a "Learning
outcomes" list under a module overview, "Course outcomes", the competency framework and a
"Grading" table in the syllabus, "Submission and grading" under an assignment.  A section is
taken out of the page, and its data kept, only when it has exactly that form (a heading and
a list of ``id: text`` entries, a captioned table); anything else stays page content.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup, Tag

_ID_TEXT = re.compile(r"^(?P<id>[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*): (?P<text>.+)$", re.DOTALL)
_COMPETENCIES = re.compile(r"\s*\(competencies: (?P<ids>[^()]+)\)$")


@dataclass
class Extracted:
    html: str
    outcomes: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (id, text, links)
    competencies: list[tuple[str, str, str]] = field(default_factory=list)  # (id, name, description)
    competencies_title: str = ""
    groups: list[tuple[str, float]] = field(default_factory=list)  # (name, weight)
    pass_percent: float | None = None
    points: float | None = None
    due: str | None = None
    submission: list[str] = field(default_factory=list)
    group_name: str | None = None
    rubric: list[tuple[str, str, float]] = field(default_factory=list)  # (criterion, description, points)


SUBMISSION_WORDS = {"text entry": "text", "file upload": "file", "website address": "url"}


def _next_tag(node: Tag) -> Tag | None:
    sibling = node.next_sibling
    while sibling is not None and not isinstance(sibling, Tag):
        if str(sibling).strip():
            return None
        sibling = sibling.next_sibling
    return sibling


def _id_list(ul: Tag | None, span_class: str) -> list[tuple[str, str]] | None:
    if ul is None or ul.name != "ul":
        return None
    found = []
    for li in ul.find_all("li", recursive=False):
        span = li.find("span", class_=span_class, recursive=False)
        if span is None:
            return None
        match = _ID_TEXT.match(" ".join(li.get_text().split()))
        if not match or match.group("id") != span.get_text().strip():
            return None
        found.append((match.group("id"), match.group("text")))
    return found or None


def _number(text: str) -> float | None:
    try:
        return float(text.strip().rstrip("%"))
    except ValueError:
        return None


def _table(soup: BeautifulSoup, caption: str) -> tuple[Tag, list[list[str]]] | None:
    for table in soup.find_all("table"):
        found = table.find("caption")
        if found is None or found.get_text().strip() != caption:
            continue
        rows = []
        body = table.find("tbody") or table
        for tr in body.find_all("tr"):
            rows.append([" ".join(c.get_text().split()) for c in tr.find_all(["th", "td"], recursive=False)])
        return table, rows
    return None


def module_overview(html_text: str) -> Extracted:
    soup = BeautifulSoup(html_text, "html.parser")
    result = Extracted(html_text)
    for heading in soup.find_all("h2"):
        if heading.get_text().strip() != "Learning outcomes":
            continue
        intro = _next_tag(heading)
        listing = _next_tag(intro) if intro is not None and intro.name == "p" else intro
        entries = _id_list(listing, "outcome-id")
        if entries is None:
            continue
        result.outcomes = [(i, t, []) for i, t in entries]
        for node in {id(n): n for n in (heading, intro, listing) if n is not None}.values():
            node.extract()
        result.html = str(soup)
        break
    return result


def syllabus(html_text: str) -> Extracted:
    soup = BeautifulSoup(html_text, "html.parser")
    result = Extracted(html_text)
    for heading in list(soup.find_all("h2")):
        listing = _next_tag(heading)
        if heading.get_text().strip() == "Course outcomes":
            entries = _id_list(listing, "outcome-id")
            if entries is None:
                continue
            for oid, text in entries:
                links: list[str] = []
                match = _COMPETENCIES.search(text)
                if match:
                    links = [c.strip() for c in match.group("ids").split(",") if c.strip()]
                    text = text[:match.start()]
                result.outcomes.append((oid, text, links))
            heading.extract()
            listing.extract()
        else:
            entries = _id_list(listing, "competency-id")
            if entries is None:
                continue
            result.competencies_title = heading.get_text().strip()
            for cid, text in entries:
                name, _, description = text.partition(": ")
                result.competencies.append((cid, name, description))
            heading.extract()
            listing.extract()
    grading = _table(soup, "Grading")
    if grading is not None:
        table, rows = grading
        parsed = [(r[0], _number(r[1])) for r in rows if len(r) == 2]
        if parsed and all(w is not None for _, w in parsed):
            result.groups = [(name, weight) for name, weight in parsed]  # type: ignore[misc]
            table.extract()
    for paragraph in soup.find_all("p"):
        match = re.fullmatch(r"Passing score: ([0-9.]+)%\.", paragraph.get_text().strip())
        if match:
            result.pass_percent = float(match.group(1))
            paragraph.extract()
    result.html = str(soup)
    return result


def assignment_page(html_text: str) -> Extracted:
    soup = BeautifulSoup(html_text, "html.parser")
    result = Extracted(html_text)
    for heading in soup.find_all("h2"):
        if heading.get_text().strip() != "Submission and grading":
            continue
        listing = _next_tag(heading)
        if listing is None or listing.name != "ul":
            continue
        for li in listing.find_all("li", recursive=False):
            label, _, value = " ".join(li.get_text().split()).partition(": ")
            if label == "Points":
                result.points = _number(value)
            elif label == "Due":
                result.due = value
            elif label == "Submit as":
                result.submission = [SUBMISSION_WORDS[w.strip()] for w in value.split(",")
                                     if w.strip() in SUBMISSION_WORDS]
            elif label == "Grading group":
                result.group_name = value
        heading.extract()
        listing.extract()
        rubric = _table(soup, "Rubric")
        if rubric is not None:
            table, rows = rubric
            for row in rows:
                if len(row) == 3 and _number(row[2]) is not None:
                    result.rubric.append((row[0], row[1], _number(row[2])))  # type: ignore[arg-type]
            table.extract()
        result.html = str(soup)
        break
    return result
