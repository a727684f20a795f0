"""The contract between the core and an importer, and the *import form* they exchange.

An importer (Pandoc's "reader") turns an archive made by an LMS into an
:class:`ImportedCourse`: the course as the source format says it (titles, settings, HTML
bodies, questions in the quiz syntax's terms), with no file names, slugs or line numbers
yet.  The core's source writer (:mod:`ilead_shell.source_writer`) turns that form into
course.yml and Markdown files, and the normal reader then reads them back: the written
folder is the import's only output, so what was imported is exactly what a later build
sees.

Rich text in the form is HTML.  A link or image that points at something in the archive
is written as an ``ilead:`` reference (:mod:`ilead_shell.references`) to a *key* of the
form: ``ilead:asset/<file key>``, ``ilead:item/<item key>``, ``ilead:module/<module key>``;
the source writer turns each into a relative path.  Keys are any text unique within their
kind (an importer usually takes the archive's own identifiers).

What an importer cannot express it records in the :class:`ImportReport`, with where it was
and why; the report is written beside the course as ``import-report.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from .references import Reference
from .untrusted import ArchiveRefused, SourceArchive, parse_untrusted_xml

ReportKind = Literal["lost", "changed", "kept-as-html", "format-limit"]


@dataclass(frozen=True)
class ReportEntry:
    """One thing the import could not carry over as it was.

    ``subject`` is ``course``, a module key or an item key (``where`` says it for people: a
    title and the archive file); ``fields`` names the model fields it affects (``points``,
    ``questions``, ``due``...), so a round-trip test can match every difference to an entry.
    """

    kind: ReportKind
    subject: str
    message: str
    where: str = ""
    fields: tuple[str, ...] = ()
    detail: str = ""  # Markdown kept for the author (a question that had no place, say)


@dataclass
class ImportReport:
    entries: list[ReportEntry] = field(default_factory=list)

    def add(self, kind: ReportKind, subject: str, message: str, where: str = "",
            fields: tuple[str, ...] | list[str] = (), detail: str = "") -> None:
        entry = ReportEntry(kind, subject, message, where, tuple(fields), detail)
        if entry not in self.entries:
            self.entries.append(entry)

    def lost(self, subject: str, message: str, where: str = "", fields=(), detail: str = "") -> None:
        self.add("lost", subject, message, where, fields, detail)

    def changed(self, subject: str, message: str, where: str = "", fields=(), detail: str = "") -> None:
        self.add("changed", subject, message, where, fields, detail)

    def limit(self, message: str, fields=(), subject: str = "course") -> None:
        """What the archive's format cannot hold at all (so it was never there to import)."""
        self.add("format-limit", subject, message, "", fields)


# -- the import form ------------------------------------------------------------------------------
@dataclass
class ImportedFile:
    """A file of the archive the course uses; ``name`` is the entry to read, ``filename`` the
    name it had for people (Canvas's display name, say)."""

    key: str
    name: str
    filename: str
    hidden: bool = False  # locked or for instructors only


@dataclass
class ImportedChoice:
    html: str
    correct: bool
    feedback_html: str = ""
    ident: str | None = None  # the archive's id for it, pinned when it is a readable id


@dataclass
class ImportedQuestion:
    title: str
    type: str  # one of model.QuestionType
    stem_html: str
    points: float | None = None
    choices: list[ImportedChoice] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)  # short_answer
    numeric: list[tuple[float, float]] = field(default_factory=list)  # numeric: (minimum, maximum)
    feedback_html: str = ""
    ident: str | None = None  # a readable id to keep (``Q_<id>`` in our own cartridges)
    outcomes: list[str] = field(default_factory=list)


@dataclass
class ImportedRubricRow:
    criterion: str
    points: float
    description: str = ""


@dataclass
class ImportedItem:
    key: str
    type: str  # one of model.ItemType
    title: str
    body_html: str = ""
    slug: str | None = None  # a readable identifier the archive already gives it
    published: bool = True
    audience: str = "learners"
    outcomes: list[str] = field(default_factory=list)
    points: float | None = None
    group: str | None = None
    submission: list[str] = field(default_factory=list)
    due: dt.date | None = None
    rubric: list[ImportedRubricRow] = field(default_factory=list)
    url: str | None = None
    file: str | None = None  # file key (file items, video files)
    captions: str | None = None  # file key of a .vtt
    transcript_html: str = ""
    questions: list[ImportedQuestion] = field(default_factory=list)
    points_per_question: float | None = None
    attempts: int | None = None
    mastery: float | None = None
    shuffle: bool = False


@dataclass
class ImportedOutcome:
    id: str
    text: str
    links: list[str] = field(default_factory=list)  # competencies (course) or supports (module)


@dataclass
class ImportedModule:
    key: str
    title: str
    overview_html: str = ""
    slug: str | None = None
    outcomes: list[ImportedOutcome] = field(default_factory=list)
    published: bool = True
    audience: str = "learners"
    items: list[ImportedItem] = field(default_factory=list)


@dataclass
class ImportedGroup:
    id: str
    name: str
    weight: float


@dataclass
class ImportedCompetency:
    id: str
    name: str
    description: str = ""


@dataclass
class ImportedCourse:
    title: str
    code: str
    language: str = "en"
    description_html: str = ""
    license: str | None = None
    authors: list[str] = field(default_factory=list)
    version: str | None = None
    start: dt.date | None = None
    outcomes: list[ImportedOutcome] = field(default_factory=list)
    groups: list[ImportedGroup] = field(default_factory=list)
    pass_percent: float | None = None
    competencies_title: str = ""
    competencies: list[ImportedCompetency] = field(default_factory=list)
    modules: list[ImportedModule] = field(default_factory=list)
    files: dict[str, ImportedFile] = field(default_factory=dict)
    source_format: str = ""  # "Canvas export (CC 1.1)", "Common Cartridge 1.3"...

    def items(self) -> list[ImportedItem]:
        return [i for m in self.modules for i in m.items]


def asset_url(file_key: str) -> str:
    return Reference("asset", file_key).url()


def item_url(item_key: str, fragment: str = "") -> str:
    return Reference("item", item_key, fragment).url()


def module_url(module_key: str, fragment: str = "") -> str:
    return Reference("module", module_key, fragment).url()


class Importer:
    """Base class of every importer.  ``detect`` says whether it reads an archive, ``read``
    reads it; neither writes anything."""

    name: ClassVar[str]
    description: ClassVar[str] = ""

    def detect(self, archive: SourceArchive) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def read(self, archive: SourceArchive, report: ImportReport) -> ImportedCourse:  # pragma: no cover
        raise NotImplementedError


__all__ = [
    "ArchiveRefused", "ImportReport", "ImportedChoice", "ImportedCompetency", "ImportedCourse", "ImportedFile",
    "ImportedGroup", "ImportedItem", "ImportedModule", "ImportedOutcome", "ImportedQuestion",
    "ImportedRubricRow", "Importer", "ReportEntry", "SourceArchive", "asset_url", "item_url", "module_url",
    "parse_untrusted_xml",
]
