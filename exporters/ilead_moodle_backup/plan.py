"""What goes where: every section and activity of the backup with its numeric ids.

A backup names its records by numbers (course module ids, context ids, instance ids...)
that only have to agree with each other inside the file: the restore maps each to a new
record.  They are handed out here in course order, so the same source gives the same
numbers, and the identifiers that survive a restore (course module and grade item
``idnumber``, question ``idnumber``) are the source's own ids.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from ilead_shell.audience import module_visible_to_learners, visible_to_learners
from ilead_shell.model import Course, Item, Module

from .xml import name as moodle_name

#: Which Moodle activity holds each item type.
MODULE_OF = {
    "page": "page",
    "video": "page",
    "assignment": "assign",
    "discussion": "forum",
    "quiz": "quiz",
    "link": "url",
    "file": "resource",
}
SYSTEM_CONTEXT = 1
COURSE_ID = 1
COURSE_CATEGORY = 1


class Numbers:
    """One increasing counter per kind of record."""

    def __init__(self) -> None:
        self._counters: dict[str, itertools.count] = {}

    def next(self, kind: str, start: int = 1) -> int:
        counter = self._counters.setdefault(kind, itertools.count(start))
        return next(counter)


IDNUMBER_LIMIT = 100  # course_modules.idnumber, question idnumbers


def idnumber(identifier: str) -> str | None:
    """The source identifier as a Moodle ID number, or none when it is longer than Moodle keeps."""
    return identifier if len(identifier) <= IDNUMBER_LIMIT else None


@dataclass
class Activity:
    modname: str
    cmid: int
    instance: int
    context: int
    section: "Section"
    name: str
    item: Item | None = None  # None for the course's question bank

    @property
    def directory(self) -> str:
        return f"activities/{self.modname}_{self.cmid}"

    @property
    def key(self) -> str:
        return f"{self.modname}_{self.cmid}"

    @property
    def visible(self) -> bool:
        """Unpublished and instructor-only items are hidden: only teachers see them."""
        return self.item is not None and visible_to_learners(self.item)

    @property
    def idnumber(self) -> str | None:
        return idnumber(self.item.full_id) if self.item is not None else None


@dataclass
class Section:
    number: int
    id: int
    module: Module | None  # None for section 0, the course's general section
    activities: list[Activity] = field(default_factory=list)

    @property
    def visible(self) -> bool:
        """A module for instructors is a hidden section: teachers see it, learners do not."""
        return self.module is None or module_visible_to_learners(self.module)

    @property
    def directory(self) -> str:
        return f"sections/section_{self.id}"

    @property
    def key(self) -> str:
        return f"section_{self.id}"


class Plan:
    def __init__(self, course: Course):
        self.course = course
        self.numbers = Numbers()
        self.course_context = self.numbers.next("context", start=SYSTEM_CONTEXT + 1)
        self.sections: list[Section] = [Section(0, self.numbers.next("section"), None)]
        self.by_item: dict[str, Activity] = {}
        self.by_module: dict[str, Section] = {}
        for number, module in enumerate(course.modules, start=1):
            section = Section(number, self.numbers.next("section"), module)
            self.sections.append(section)
            self.by_module[module.id] = section
            for item in module.items:
                activity = self._activity(MODULE_OF[item.type], section, moodle_name(item.title), item)
                self.by_item[item.full_id] = activity
        self.question_bank: Activity | None = None
        if any(item.type == "quiz" for item in course.items()):
            # Moodle 5 keeps a course's shared questions in a question bank activity of
            # section 0, which the course page never shows.
            self.question_bank = self._activity("qbank", self.sections[0], f"{course.code} question bank")

    def _activity(self, modname: str, section: Section, name: str, item: Item | None = None) -> Activity:
        activity = Activity(modname=modname, cmid=self.numbers.next("cm"), instance=self.numbers.next(f"instance-{modname}"),
                            context=self.numbers.next("context"), section=section, name=name, item=item)
        section.activities.append(activity)
        return activity

    def activities(self) -> list[Activity]:
        return [a for s in self.sections for a in s.activities]

    def next(self, kind: str) -> int:
        return self.numbers.next(kind)
