"""Open edX OLX course archive exporter (target ``edx``, alias ``olx``).

Writes the ``.tar.gz`` that Studio's *Import course* accepts: one ``course/`` folder
holding ``course.xml``, the block tree, ``policies/<run>/`` and ``static/``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from ilead_shell.errors import CourseError, error
from ilead_shell.exporter_api import Bundle, Exporter, ExporterOptions
from ilead_shell.model import Assignment, Course

from . import names
from .builder import OlxWriter, RunSettings

KEY = r"^[A-Za-z0-9_-]+$"
FALLBACK_START = dt.date(2000, 1, 1)
FALLBACK_END = dt.date(2099, 12, 31)  # with no dates at all, keep the run open rather than closed
DEFAULT_LENGTH = dt.timedelta(days=365)


class OlxOptions(ExporterOptions):
    """``exporters: {olx: {...}}`` (or ``edx:``) in course.yml."""

    org: str | None = Field(None, pattern=KEY, description="Organisation; default: course code up to its first '-'")
    course: str | None = Field(None, pattern=KEY, description="Course number; default: the course code")
    run: str | None = Field(None, pattern=KEY, description="Run; default: <start year>_<offering>")
    start: dt.date | None = Field(None, description="Course start; default: the offering's or course's start")
    end: dt.date | None = Field(None, description="Course end; default: a year after start, or later")
    ora_assessment: Literal["staff", "self", "peer"] = Field(
        "staff", description="Who grades open response assessments (assignments and essays)")

    @model_validator(mode="after")
    def _end_after_start(self):
        if self.start and self.end and self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class OlxExporter(Exporter):
    name = "edx"
    description = "Open edX OLX course archive for Studio's Import (tar.gz)"
    format = "tar.gz"
    suffix = "tar.gz"
    build_cost = 1.3  # against a plain cartridge: see Exporter.build_cost
    Options = OlxOptions
    option_keys = ("olx",)

    def build_bundle(self, course: Course) -> Bundle:
        bundle = Bundle(format="tar.gz")
        settings = run_settings(course, self.options, bundle)
        OlxWriter(course, settings, bundle).write()
        bundle.warnings = list(dict.fromkeys(bundle.warnings))  # one message per fact
        bundle.notes = list(dict.fromkeys(bundle.notes))
        bundle.counts = course.counts()
        return bundle


def run_settings(course: Course, options: OlxOptions, bundle: Bundle) -> RunSettings:
    start = options.start or course.offering_info().start or course.start
    if start is None:
        bundle.warn(f"the course has no start date; the Open edX run opens on {FALLBACK_START} "
                    "(set start in course.yml, or exporters.olx.start)")
        start = FALLBACK_START
        end = options.end or FALLBACK_END
    else:
        end = options.end or default_end(course, start)
    if end <= start:
        raise CourseError([error(f"exporters.olx.end ({end}) must be after the course start ({start})",
                                 f"{course.root}/course.yml")])
    org = options.org or names.safe(course.code.replace("_", "-").split("-")[0], "iLead")
    run = options.run or names.safe(f"{start.year}_{course.offering}", "run")
    return RunSettings(org=org, number=options.course or course.code, run=run, start=start, end=end,
                       assessment_step=options.ora_assessment)


def default_end(course: Course, start: dt.date) -> dt.date:
    """A year after start, or a week after the last due date if that is later."""
    dues = [i.due for i in course.items() if isinstance(i, Assignment) and i.due]
    return max([start + DEFAULT_LENGTH, *[d + dt.timedelta(days=7) for d in dues]])


__all__ = ["OlxExporter", "OlxOptions"]
