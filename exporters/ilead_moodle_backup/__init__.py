"""Native Moodle course backup (target ``mbz``, alias ``moodlebackup``).

Writes the ``.mbz`` that Moodle's own *Backup* makes and *Restore* reads (format
``moodle2``, Moodle 5.1): ``moodle_backup.xml``, ``course/``, ``sections/``,
``activities/``, ``questions.xml``, ``gradebook.xml``, ``files.xml`` and the content-hashed
``files/``.  Unlike the Common Cartridge route (target ``moodle``), it carries what Moodle's
cartridge converter cannot: named sections, assignments with due dates and rubrics, graded
forums, every question type, grade categories with weights, pass marks and completion.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from pydantic import Field, field_validator

from ilead_shell.errors import CourseError, error
from ilead_shell.exporter_api import Bundle, Exporter, ExporterOptions
from ilead_shell.model import Assignment, Course, Discussion

from .activities import ActivityWriter, Context
from .course import CourseWriter, short_name
from .files import FileStore
from .gradebook import Gradebook, assignment_points
from .manifest import moodle_backup_xml
from .plan import Plan
from .questions import QuestionBank
from .richtext import Texts
from .xml import container, element, serialize
from .xml import name as moodle_name

FALLBACK_START = dt.date(2000, 1, 1)


class MbzOptions(ExporterOptions):
    """``exporters: {mbz: {...}}`` in course.yml."""

    timezone: str = Field("UTC", description="IANA time zone of the course's dates: a due day ends at "
                                             "23:59:59 there, the course starts at 00:00 there")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            zone(value)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone '{value}' (an IANA name such as Europe/London)") from None
        return value


class MbzExporter(Exporter):
    name = "mbz"
    description = "Moodle course backup (.mbz) for Moodle 5.1+: Restore brings back the whole course"
    format = "tar.gz"
    suffix = "mbz"
    build_cost = 2.8  # against a plain cartridge: see Exporter.build_cost
    Options = MbzOptions
    option_keys = ("moodlebackup",)

    def build_bundle(self, course: Course) -> Bundle:
        bundle = Bundle(format="tar.gz")
        refuse_what_moodle_cannot_hold(course)
        BackupWriter(course, self.options, bundle).write()
        for item in course.items():
            if item.for_instructors and _has_points(item):
                bundle.note(f"'{item.title}' is for instructors: a hidden activity that counts in no grade")
        if any(q.type == "multiple_answer" for i in course.items() for q in getattr(i, "questions", ())):
            bundle.note("multiple-answer questions give part of the marks for some of the correct choices and "
                        "no wrong one (Moodle's multiple choice has no all-or-nothing mode); the full set "
                        "still scores full marks")
        bundle.warnings = list(dict.fromkeys(bundle.warnings))
        bundle.notes = list(dict.fromkeys(bundle.notes))
        bundle.counts = course.counts()
        return bundle


def _has_points(item) -> bool:
    if isinstance(item, Assignment):
        return bool(assignment_points(item))
    if isinstance(item, Discussion):
        return item.graded
    return bool(getattr(item, "questions", ()))


#: Moodle's column sizes for names (course fullname is 254; every other name 255).
NAME_LIMIT = 254


def refuse_what_moodle_cannot_hold(course: Course) -> None:
    """What no Moodle can store: a name longer than its column, a fractional maximum grade
    on an assignment or forum (integer columns)."""
    problems = []

    def too_long(title: str, what: str, location) -> None:
        if len(moodle_name(title)) > NAME_LIMIT:
            problems.append(error(f"{what} is {len(title)} characters long; Moodle keeps at most {NAME_LIMIT}",
                                  f"{course.root}/{location.path}", location.line))

    too_long(course.display_title, "the course title (with the offering's suffix)", course.location)
    for module in course.modules:
        too_long(module.title, "the module title", module.location)
        for item in module.items:
            too_long(item.title, "the title", item.location)
            for question in getattr(item, "questions", ()):
                too_long(question.title, "the question title", question.location)
    for item in course.items():
        points = assignment_points(item) if isinstance(item, Assignment) else (
            item.points if isinstance(item, Discussion) and item.graded else None)
        if points is not None and not float(points).is_integer():
            kind = "assignment" if isinstance(item, Assignment) else "graded discussion"
            problems.append(error(f"points: {points:g}: a Moodle {kind} is graded out of a whole number of "
                                  "points; use a whole number (rubric points may stay fractional)",
                                  f"{course.root}/{item.location.path}", item.location.line))
    if problems:
        raise CourseError(problems)


def zone(name: str) -> dt.tzinfo:
    # UTC needs no time zone database (a minimal system may have none); other names do.
    return dt.timezone.utc if name == "UTC" else zoneinfo.ZoneInfo(name)


class Dates:
    """Timestamps of the backup, all from the course start: no clock is read."""

    def __init__(self, course: Course, timezone: str, warn):
        self.zone = zone(timezone)
        start = course.offering_info().start or course.start
        if start is None:
            warn(f"the course has no start date; the Moodle course starts on {FALLBACK_START} "
                 "(set start in course.yml)")
            start = FALLBACK_START
        self.start = self.at(start, dt.time(0, 0, 0))
        self.epoch = self.start  # every "created"/"modified" time of the backup

    def at(self, day: dt.date, time: dt.time) -> int:
        return int(dt.datetime.combine(day, time, tzinfo=self.zone).timestamp())

    def due(self, day: dt.date) -> int:
        return self.at(day, dt.time(23, 59, 59))


class BackupWriter:
    def __init__(self, course: Course, options: MbzOptions, bundle: Bundle):
        self.course = course
        self.bundle = bundle
        self.dates = Dates(course, options.timezone, bundle.warn)
        self.plan = Plan(course)
        self.files = FileStore(course, bundle, self.dates.epoch)
        self.texts = Texts(course, self.plan, self.files, bundle.note)
        self.gradebook = Gradebook(course, self.plan, bundle.warn)
        self.bank = QuestionBank(course, self.plan, self.texts, self.dates.epoch)

    def _xml(self, path: str, root) -> None:
        self.bundle.add_bytes(path, root if isinstance(root, bytes) else serialize(root))

    def write(self) -> None:
        epoch = self.dates.epoch
        shortname = short_name(self.course)
        course_writer = CourseWriter(self.course, self.plan, self.texts, self.files, epoch, self.dates.start)
        for name, root in course_writer.course_files().items():
            self._xml(f"course/{name}", root)
        activities = ActivityWriter(Context(self.course, self.files, self.texts, self.gradebook, self.bank, epoch,
                                            self.dates.due, self.bundle.note))
        for activity in self.plan.activities():
            for name, root in activities.files(activity).items():
                self._xml(f"{activity.directory}/{name}", root)
        for section in self.plan.sections:
            for name, root in course_writer.section_files(section).items():
                self._xml(f"{section.directory}/{name}", root)
        self.bundle.add_bytes("questions.xml", self.bank.questions_xml())  # registers question files: before files.xml
        self._xml("gradebook.xml", self.gradebook.gradebook_xml(epoch))
        self._xml("files.xml", self.files.files_xml())
        for name, root in empty_root_files().items():
            self._xml(name, root)
        filename = f"{shortname}.mbz"
        self._xml("moodle_backup.xml", moodle_backup_xml(self.course, self.plan, filename, shortname,
                                                         self.dates.start, epoch))


def empty_root_files() -> dict:
    return {
        "grade_history.xml": element("grade_history", None, grade_grades=[]),
        "roles.xml": container("roles_definition"),
        "scales.xml": container("scales_definition"),
        "outcomes.xml": container("outcomes_definition"),
        "groups.xml": element("groups", None, groupcustomfields=[], groupings=[element("groupingcustomfields")]),
        "badges.xml": container("badges"),
        "completion.xml": container("course_completion"),
    }


__all__ = ["MbzExporter", "MbzOptions"]
