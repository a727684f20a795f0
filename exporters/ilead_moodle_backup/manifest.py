"""``moodle_backup.xml``: what the backup is (a Moodle 5.1 course backup without user data),
what it holds (every section and activity, each with its folder) and the backup settings
Moodle's own "Backup" would write for it.  The restore reads this file first.

The site fields name no real site: the site hash never matches one, so every restore is a
restore from another site (questions and users are never matched against existing ones).
"""

from __future__ import annotations

import hashlib

from lxml import etree

from ilead_shell.model import Course

from .plan import COURSE_ID, SYSTEM_CONTEXT, Plan
from .xml import element, fill
from .xml import name as moodle_name

MOODLE_VERSION = 2025100600
MOODLE_RELEASE = "5.1"
BACKUP_MODE_GENERAL = 10
ORIGINAL_SITE = "https://ilead-shell.invalid"
#: Root settings as Moodle's "Backup" of a course without users writes them; each is also
#: a promise about which files the backup holds.
ROOT_SETTINGS = (
    ("imscc11", 0), ("users", 0), ("anonymize", 0), ("role_assignments", 0), ("activities", 1),
    ("blocks", 0), ("files", 1), ("filters", 1), ("comments", 0), ("badges", 0), ("calendarevents", 1),
    ("userscompletion", 0), ("logs", 0), ("grade_histories", 0), ("groups", 1), ("competencies", 1),
    ("customfield", 1), ("contentbankcontent", 1), ("xapistate", 0), ("legacyfiles", 0),
)


def site_hash() -> str:
    return hashlib.md5(ORIGINAL_SITE.encode("ascii")).hexdigest()


def moodle_backup_xml(course: Course, plan: Plan, filename: str, shortname: str, start: int,
                      epoch: int) -> etree._Element:
    root = etree.Element("moodle_backup")
    information = etree.SubElement(root, "information")
    fill(information, name=filename, moodle_version=MOODLE_VERSION, moodle_release=MOODLE_RELEASE,
         backup_version=MOODLE_VERSION, backup_release=MOODLE_RELEASE, backup_date=epoch, mnet_remoteusers=0,
         include_files=1, include_file_references_to_external_content=0, original_wwwroot=ORIGINAL_SITE,
         original_site_identifier_hash=site_hash(), original_course_id=COURSE_ID, original_course_format="topics",
         original_course_fullname=moodle_name(course.display_title), original_course_shortname=shortname,
         original_course_startdate=start, original_course_enddate=0,
         original_course_contextid=plan.course_context, original_system_contextid=SYSTEM_CONTEXT)
    detail = element("detail", {"backup_id": hashlib.md5(f"{course.code}/{course.offering}".encode()).hexdigest()},
                     type="course", format="moodle2", interactive=0, mode=BACKUP_MODE_GENERAL, execution=1,
                     executiontime=0)
    information.append(element("details", None, detail=detail))

    contents = etree.SubElement(information, "contents")
    activities = etree.SubElement(contents, "activities")
    for activity in plan.activities():
        activities.append(element("activity", None, moduleid=activity.cmid, sectionid=activity.section.id,
                                  modulename=activity.modname, title=activity.name, directory=activity.directory,
                                  insubsection=""))
    sections = etree.SubElement(contents, "sections")
    for section in plan.sections:
        title = moodle_name(section.module.title) if section.module is not None else str(section.number)
        sections.append(element("section", None, sectionid=section.id, title=title, directory=section.directory,
                                parentcmid="", modname=""))
    contents.append(element("course", None, courseid=COURSE_ID, title=shortname, directory="course"))

    settings = etree.SubElement(information, "settings")
    settings.append(_setting("root", None, "filename", filename))
    for name, value in ROOT_SETTINGS:
        settings.append(_setting("root", None, name, value))
    activities_by_section: dict[int, list] = {}
    for activity in plan.activities():
        activities_by_section.setdefault(activity.section.id, []).append(activity)
    for section in plan.sections:
        settings.append(_setting("section", ("section", section.key), f"{section.key}_included", 1))
        settings.append(_setting("section", ("section", section.key), f"{section.key}_userinfo", 0))
        for activity in activities_by_section.get(section.id, []):
            settings.append(_setting("activity", ("activity", activity.key), f"{activity.key}_included", 1))
            settings.append(_setting("activity", ("activity", activity.key), f"{activity.key}_userinfo", 0))
    return root


def _setting(level: str, owner: tuple[str, str] | None, name: str, value) -> etree._Element:
    node = etree.Element("setting")
    fill(node, level=level)
    if owner is not None:
        fill(node, **{owner[0]: owner[1]})
    fill(node, name=name, value=value)
    return node
