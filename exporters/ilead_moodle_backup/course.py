"""``course/`` (the course record and its settings) and ``sections/`` (one per module).

The course's full name is the offering's title, its short name the course code with the
offering (``ILEAD-101-mooc``: short names are unique on a site, and each offering is its
own course), its summary the description.  Section 0, Moodle's general section, shows the
course outcomes; each module is a named section whose summary is the module's overview and
outcomes, in source order.
"""

from __future__ import annotations

import lxml.html
from lxml import etree
from lxml.html import builder as H

from ilead_shell.model import Course, Module

from .files import Area, FileStore
from .plan import COURSE_CATEGORY, COURSE_ID, Plan, Section
from .richtext import Texts
from .xml import NULL_VALUE, container, element
from .xml import name as moodle_name

FORMAT = "topics"
NEWS_ITEMS = 5  # a new Moodle course's default: its Announcements forum appears on first view


def short_name(course: Course) -> str:
    only_default = len(course.offerings) <= 1 and course.offering in ("default", "")
    return course.code if only_default else f"{course.code}-{course.offering}"


def moodle_language(tag: str) -> str:
    """A BCP 47 tag as a Moodle language pack name: ``en``, ``en-US`` -> ``en_us``, ``pt-BR`` -> ``pt_br``."""
    parts = tag.replace("_", "-").lower().split("-")
    if len(parts) > 1 and parts[0] == "en" and parts[1] == "gb":
        return "en"  # Moodle's "en" is British English
    return "_".join(parts[:2]) if len(parts) > 1 and len(parts[1]) == 2 else parts[0]


class CourseWriter:
    def __init__(self, course: Course, plan: Plan, texts: Texts, files: FileStore, epoch: int, start: int):
        self.course = course
        self.plan = plan
        self.texts = texts
        self.files = files
        self.epoch = epoch
        self.start = start

    def course_files(self) -> dict[str, etree._Element]:
        area = Area(self.plan.course_context, "course", "summary", 0, "course")
        summary = self.texts.html(self.course.description, area)
        course = element(
            "course", {"id": COURSE_ID, "contextid": self.plan.course_context},
            shortname=short_name(self.course), fullname=moodle_name(self.course.display_title), idnumber="",
            summary=summary, summaryformat=1, format=FORMAT, showgrades=1, newsitems=NEWS_ITEMS, startdate=self.start,
            enddate=0, marker=0, maxbytes=0, legacyfiles=0, showreports=0, visible=1, groupmode=0,
            groupmodeforce=0, defaultgroupingid=0, lang=moodle_language(self.course.language or "en"), theme="",
            timecreated=self.epoch, timemodified=self.epoch, requested=0, showactivitydates=1,
            showcompletionconditions=1, pdfexportfont=NULL_VALUE, enablecompletion=1, completionnotify=0,
            enableaitools=NULL_VALUE)
        course.append(element("category", {"id": COURSE_CATEGORY}, name="Miscellaneous", description=NULL_VALUE))
        course.append(etree.Element("tags"))
        course.append(etree.Element("customfields"))
        options = etree.SubElement(course, "courseformatoptions")
        for name, value in (("hiddensections", 1), ("coursedisplay", 0)):
            options.append(element("courseformatoption", None, format=FORMAT, sectionid=0, name=name, value=value))
        files = {
            "course.xml": course,
            "roles.xml": element("roles", None, role_overrides=[], role_assignments=[]),
            "filters.xml": element("filters", None, filter_actives=[], filter_configs=[]),
            "calendar.xml": container("events"),
            "competencies.xml": element("course_competencies", None, competencies=[], user_competencies=[]),
            "completiondefaults.xml": container("course_completion_defaults"),
            "contentbank.xml": container("contents"),
            "enrolments.xml": element("enrolments", None, enrols=[]),
        }
        inforef = etree.Element("inforef")
        owned = self.files.ids_owned_by("course")
        if owned:
            inforef.append(container("fileref", [element("file", None, id=i) for i in owned]))
        files["inforef.xml"] = inforef
        return files

    def section_files(self, section: Section) -> dict[str, etree._Element]:
        area = Area(self.plan.course_context, "course", "section", section.id, section.key)
        if section.module is None:
            name, summary = NULL_VALUE, self._course_outcomes()
        else:
            name, summary = moodle_name(section.module.title), self._module_summary(section.module, area)
        record = element(
            "section", {"id": section.id}, number=section.number, name=name, summary=summary, summaryformat=1,
            sequence=",".join(str(a.cmid) for a in section.activities), visible=1 if section.visible else 0, availabilityjson=NULL_VALUE,
            component=NULL_VALUE, itemid=NULL_VALUE, timemodified=self.epoch)
        inforef = etree.Element("inforef")
        owned = self.files.ids_owned_by(section.key)
        if owned:
            inforef.append(container("fileref", [element("file", None, id=i) for i in owned]))
        return {"section.xml": record, "inforef.xml": inforef}

    def _module_summary(self, module: Module, area: Area) -> str:
        overview = self.texts.html(module.overview, area)
        if not module.outcomes:
            return overview
        listing = H.DIV(H.H3("Outcomes"), H.UL(*[H.LI(outcome.text) for outcome in module.outcomes]),
                        H.CLASS("module-outcomes"))
        return overview + lxml.html.tostring(listing, encoding="unicode")

    def _course_outcomes(self) -> str:
        if not self.course.outcomes:
            return ""
        listing = H.DIV(H.H3("Course outcomes"), H.UL(*[H.LI(o.text) for o in self.course.outcomes]),
                        H.CLASS("course-outcomes"))
        return lxml.html.tostring(listing, encoding="unicode")
