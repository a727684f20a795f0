"""The course model every exporter reads.

Frozen pydantic models with ``extra="forbid"``: once the reader has built a
:class:`Course`, nothing can change it, and a typo in a field name is a bug caught at
once.  Every node that comes from a file carries a :class:`SourceLocation` so checks
and exporters can point at the line that caused a problem.

Rich text is stored as HTML produced by the reader.  References inside that HTML use
the ``ilead:`` scheme (see :mod:`ilead_shell.references`) so each exporter decides how a
link to a file or to another item looks in its own bundle.
"""

from __future__ import annotations

import datetime as dt
import os
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

ItemType = Literal["page", "assignment", "discussion", "quiz", "link", "file", "video"]
QuestionType = Literal[
    "multiple_choice", "multiple_answer", "true_false", "short_answer", "numeric", "essay"
]
SubmissionType = Literal["text", "file", "url"]
# Who an item or module is for: "instructors" material (facilitator notes, answer guides)
# reaches teachers in every LMS and never learners.  See :mod:`ilead_shell.audience`.
Audience = Literal["learners", "instructors"]


class Node(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class SourceLocation(Node):
    """A file relative to the course root (POSIX) and a 1-based line (0: whole file)."""

    path: str
    line: int = 0


class RichText(Node):
    """HTML converted from Markdown, plus what it refers to.

    ``assets`` lists the keys of :class:`Asset` entries the HTML embeds or links;
    ``items`` the full ids (``module/item``) of items it links to; ``link_lines`` the
    source line of each link to an item or module (``("item/m/i", 12)``, ``("module/m", 3)``),
    so a warning about a link can point at it.
    """

    html: str = ""
    assets: tuple[str, ...] = ()
    items: tuple[str, ...] = ()
    link_lines: tuple[tuple[str, int], ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.html.strip()


class Asset(Node):
    """A file of the course source copied into bundles.

    ``key`` names it logically: ``modules/<module id>/<path in the module>`` or
    ``assets/<path>``, so a reused module's files keep their names in any course.
    ``source`` is where it is on disk, relative to the course root (it may start with
    ``..`` for a module listed from outside the course folder).
    ``bundle_path`` is a safe, ASCII, collision-free relative path for bundles.
    """

    key: str
    source: str
    bundle_path: str
    size: int
    media_type: str


class CompetencyIndicators(Node):
    """What a competency looks like at one proficiency level: observable statements."""

    level: str  # id of a ProficiencyLevel
    statements: tuple[str, ...]


class CrosswalkEntry(Node):
    """The elements of one published framework that a competency corresponds to."""

    framework: str  # id of a CrosswalkFramework
    elements: tuple[str, ...]


class Competency(Node):
    id: str
    name: str
    description: str = ""
    indicators: tuple[CompetencyIndicators, ...] = ()
    maps_to: tuple[CrosswalkEntry, ...] = ()
    location: SourceLocation


class CompetencyDomain(Node):
    id: str
    name: str
    description: str = ""
    competencies: tuple[Competency, ...]
    location: SourceLocation


class ProficiencyLevel(Node):
    id: str
    name: str
    description: str = ""


class CrosswalkFramework(Node):
    """A published framework the competencies are mapped to; ``reference`` is a work's id."""

    id: str
    name: str
    reference: str = ""


class CompetencyFramework(Node):
    title: str = "Competency framework"
    status: str = ""
    description: str = ""
    levels: tuple[ProficiencyLevel, ...] = ()
    crosswalk: tuple[CrosswalkFramework, ...] = ()
    domains: tuple[CompetencyDomain, ...] = ()

    def all(self) -> tuple[Competency, ...]:
        return tuple(c for d in self.domains for c in d.competencies)


class CourseOutcome(Node):
    id: str
    text: str
    competencies: tuple[str, ...] = ()
    location: SourceLocation


class ModuleOutcome(Node):
    id: str
    text: str
    supports: tuple[str, ...] = ()
    location: SourceLocation


class GradingGroup(Node):
    id: str
    name: str
    weight: float


class Grading(Node):
    groups: tuple[GradingGroup, ...] = ()
    pass_percent: float | None = None

    def group(self, group_id: str | None) -> GradingGroup | None:
        return next((g for g in self.groups if g.id == group_id), None)


class Theme(Node):
    """The course's look on web pages (course.yml ``theme:``), checked for contrast when read.

    ``brand`` is the header and button colour (white text on it), ``link`` the colour of
    links on the light page, ``link_dark`` on the dark one; ``None`` keeps the default.
    ``logo`` is a file of ``assets/`` shown in the page header; it is not one of the
    course's :attr:`Course.assets`, as only the web targets show it.
    """

    logo: Asset | None = None
    brand: str | None = None
    link: str | None = None
    link_dark: str | None = None


class Offering(Node):
    name: str
    title: str = ""
    title_suffix: str = ""
    description: str = ""
    start: dt.date | None = None
    credits: float | None = None
    hours_per_credit: float = 45
    weeks: int | None = None
    completion: str = ""
    grading: Grading | None = None  # replaces the course's grading in this offering

    @property
    def expected_hours(self) -> float | None:
        return self.credits * self.hours_per_credit if self.credits is not None else None


class RubricLevel(Node):
    """One performance level of a rubric criterion (highest first in a criterion)."""

    label: str
    points: float
    description: str = ""


class RubricCriterion(Node):
    criterion: str
    points: float
    description: str = ""
    levels: tuple[RubricLevel, ...] = ()


class Contributor(Node):
    """A person (``family``, ``given``) or an organization (``literal``)."""

    family: str = ""
    given: str = ""
    literal: str = ""


class Work(Node):
    """A published work from a references.yml file (a subset of CSL-YAML fields).

    ``read_at`` is where the text was read when that differs from ``url`` (a reproduction,
    an accepted manuscript), so a program team can verify it.
    """

    id: str
    type: str = "webpage"
    author: tuple[Contributor, ...] = ()
    editor: tuple[Contributor, ...] = ()
    issued: str = ""  # a year, a date, or "" for no date
    title: str
    container_title: str = ""
    publisher: str = ""
    edition: str = ""
    volume: str = ""
    issue: str = ""
    page: str = ""
    doi: str = ""
    url: str = ""
    read_at: str = ""
    note: str = ""
    location: SourceLocation


class Reading(Node):
    """An entry of an item's reading list: a work, or a reading still to be chosen."""

    work: str | None = None  # a Work id; None for a pending reading
    note: str = ""
    location: SourceLocation

    @property
    def pending(self) -> bool:
        return self.work is None


class ItemBase(Node):
    id: str
    module_id: str
    title: str
    outcomes: tuple[str, ...] = ()
    offerings: tuple[str, ...] | None = None
    published: bool = True
    audience: Audience = "learners"
    body: RichText = RichText()
    cites: tuple[str, ...] = ()  # ids of the works cited in the body or listed in references:
    readings: tuple[Reading, ...] = ()
    effort_minutes: int | None = None  # the author's estimate; None: estimated from content
    location: SourceLocation

    @property
    def full_id(self) -> str:
        return f"{self.module_id}/{self.id}"

    @property
    def for_instructors(self) -> bool:
        return self.audience == "instructors"


class Page(ItemBase):
    type: Literal["page"] = "page"


class Assignment(ItemBase):
    type: Literal["assignment"] = "assignment"
    points: float | None = None
    group: str | None = None
    submission: tuple[SubmissionType, ...] = ("text",)
    due: dt.date | None = None
    due_week: int | None = None
    rubric: tuple[RubricCriterion, ...] = ()


class Discussion(ItemBase):
    type: Literal["discussion"] = "discussion"
    points: float | None = None
    group: str | None = None

    @property
    def graded(self) -> bool:
        return self.points is not None


class Choice(Node):
    id: str
    html: str
    text: str
    correct: bool
    feedback: RichText | None = None


class NumericAnswer(Node):
    """An exact value (``minimum == maximum``) or an inclusive range."""

    minimum: float
    maximum: float

    @property
    def exact(self) -> bool:
        return self.minimum == self.maximum


class Question(Node):
    id: str
    title: str
    type: QuestionType
    points: float
    outcomes: tuple[str, ...] = ()
    stem: RichText
    choices: tuple[Choice, ...] = ()
    answers: tuple[str, ...] = ()
    numeric: tuple[NumericAnswer, ...] = ()
    feedback: RichText | None = None
    location: SourceLocation

    @property
    def auto_scored(self) -> bool:
        return self.type != "essay"


class Quiz(ItemBase):
    type: Literal["quiz"] = "quiz"
    points_per_question: float = 1
    attempts: int | None = None
    mastery: float | None = None
    group: str | None = None
    shuffle: bool = False
    questions: tuple[Question, ...]

    @property
    def points(self) -> float:
        return sum(q.points for q in self.questions)


class Link(ItemBase):
    type: Literal["link"] = "link"
    url: str


class File(ItemBase):
    type: Literal["file"] = "file"
    asset: str


class Video(ItemBase):
    type: Literal["video"] = "video"
    url: str | None = None
    asset: str | None = None
    youtube_id: str | None = None
    captions: str | None = None
    transcript: RichText | None = None


Item = Annotated[
    Union[Page, Assignment, Discussion, Quiz, Link, File, Video], Field(discriminator="type")
]


class Module(Node):
    id: str
    title: str
    outcomes: tuple[ModuleOutcome, ...] = ()
    offerings: tuple[str, ...] | None = None
    # A module for instructors holds only instructor items (the reader sees to it).
    audience: Audience = "learners"
    overview: RichText = RichText()
    cites: tuple[str, ...] = ()
    readings: tuple[Reading, ...] = ()
    items: tuple[Item, ...] = ()
    folder: str
    location: SourceLocation

    @property
    def for_instructors(self) -> bool:
        return self.audience == "instructors"


class Course(Node):
    title: str
    code: str
    language: str = "en"
    description: RichText = RichText()
    license: str | None = None
    authors: tuple[str, ...] = ()
    version: str | None = None
    start: dt.date | None = None
    competencies: CompetencyFramework = CompetencyFramework()
    outcomes: tuple[CourseOutcome, ...] = ()
    grading: Grading = Grading()
    theme: Theme = Theme()
    offerings: tuple[Offering, ...] = ()
    default_offering: str = "default"
    offering: str = "default"
    exporters: dict[str, dict] = {}
    checks: dict = {}  # course.yml checks: (see ilead_shell.checks.config)
    modules: tuple[Module, ...] = ()
    assets: tuple[Asset, ...] = ()
    bibliography: tuple[Work, ...] = ()
    location: SourceLocation
    root: str = Field(default="", exclude=True)

    # -- lookups used by exporters and checks -------------------------------------------
    # Exporters call these inside loops over every item, link and file, so they are
    # dictionary lookups, not scans (see _Index below).
    def items(self) -> list[Item]:
        return [item for module in self.modules for item in module.items]

    def item(self, full_id: str) -> Item | None:
        return _index(self).items.get(full_id)

    def module(self, module_id: str) -> Module | None:
        return _index(self).modules.get(module_id)

    def work(self, work_id: str) -> Work | None:
        return next((w for w in self.bibliography if w.id == work_id), None)

    def asset(self, key: str) -> Asset:
        return _index(self).assets[key]

    def asset_source(self, asset: Asset | str) -> Path:
        """Absolute path of an asset on disk, for streaming into an archive.

        The real path the reader checked, not resolved again: a link swapped in since then
        must make the archive writer fail, not follow it (``source_files.open_checked``).
        """
        found = asset if isinstance(asset, Asset) else self.asset(asset)
        return Path(os.path.normpath(os.path.join(self.root, *found.source.split("/"))))

    def open_asset(self, asset: Asset | str):
        """A context manager reading exactly the asset's checked bytes (to hash a large file, say)."""
        from .source_files import open_checked

        return open_checked(self.asset_source(asset))

    def read_asset(self, asset: Asset | str) -> bytes:
        """The bytes of an asset (captions an exporter converts), read as the reader checked it."""
        from .source_files import read_checked

        return read_checked(self.asset_source(asset))

    def all_outcomes(self) -> dict[str, CourseOutcome | ModuleOutcome]:
        found: dict[str, CourseOutcome | ModuleOutcome] = {o.id: o for o in self.outcomes}
        for module in self.modules:
            found.update({o.id: o for o in module.outcomes})
        return found

    def pass_mark(self, quiz: Quiz) -> float | None:
        """The percent ``quiz`` is passed at, one rule for every target: its own ``mastery:``,
        else the course's ``grading: pass:``; None with neither, or when nothing in it is scored
        automatically (essays only).  SCORM reports passed/failed against it and the preview
        tells the learner the same."""
        if not any(question.auto_scored for question in quiz.questions):
            return None
        return quiz.mastery if quiz.mastery is not None else self.grading.pass_percent

    def offering_info(self, name: str | None = None) -> Offering:
        name = name or self.offering
        return next(
            (o for o in self.offerings if o.name == name), Offering(name=name)
        )

    @property
    def display_title(self) -> str:
        info = self.offering_info()
        # An offering's own title replaces the course's in its bundles; the suffix follows either.
        title = info.title or self.title
        return f"{title} {info.title_suffix}".strip() if info.title_suffix else title

    def counts(self) -> dict[str, int]:
        items = self.items()
        return {
            "modules": len(self.modules),
            "items": len(items),
            "questions": sum(len(i.questions) for i in items if isinstance(i, Quiz)),
            "files": len(self.assets),
        }


@dataclass(frozen=True)
class _Index:
    """A course's items, modules and files by id, built on first lookup.

    The first entry of a repeated id wins, as the scans this replaces did (the reader
    refuses repeated ids, so only hand-built models can have them).
    """

    items: dict[str, Item]
    modules: dict[str, Module]
    assets: dict[str, Asset]


# Kept beside the model rather than in it: a private attribute would take part in ``==``
# and be copied, stale, by ``model_copy(update=...)``.  A course is frozen, so its index
# never goes stale; it is dropped when the course is.
_INDEXES: dict[int, _Index] = {}


def _index(course: Course) -> _Index:
    found = _INDEXES.get(id(course))
    if found is None:
        items: dict[str, Item] = {}
        for module in course.modules:
            for item in module.items:
                items.setdefault(item.full_id, item)
        modules: dict[str, Module] = {}
        for module in course.modules:
            modules.setdefault(module.id, module)
        assets: dict[str, Asset] = {}
        for asset in course.assets:
            assets.setdefault(asset.key, asset)
        found = _INDEXES[id(course)] = _Index(items, modules, assets)
        weakref.finalize(course, _INDEXES.pop, id(course), None)
    return found
