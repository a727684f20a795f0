"""Manifest LOM: title, description, language, licence, authors, version.

The CC manifest profile of LOM has no version element and allows only ``contribute``
in ``lifeCycle``; the version therefore travels as a second description string.  No
date is written, so two builds of the same course are byte-identical.
"""

from __future__ import annotations

import html
import re

from lxml import etree

from ilead_shell.model import Course

from .profiles import CcProfile

_TAG = re.compile(r"<[^>]+>")


def plain_text(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed (LOM strings are plain)."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def manifest_metadata(course: Course, profile: CcProfile, title: str | None = None) -> etree._Element:
    """``title`` replaces the course's display title where an LMS needs another spelling."""
    ns = f"{{{profile.manifest_ns}}}"
    lom = f"{{{profile.lom_manifest_ns}}}"
    language = course.language

    def lang_string(parent: etree._Element, tag: str, text: str) -> None:
        etree.SubElement(etree.SubElement(parent, f"{lom}{tag}"), f"{lom}string", language=language).text = text

    metadata = etree.Element(f"{ns}metadata")
    etree.SubElement(metadata, f"{ns}schema").text = "IMS Common Cartridge"
    etree.SubElement(metadata, f"{ns}schemaversion").text = profile.schemaversion
    root = etree.SubElement(metadata, f"{lom}lom")

    general = etree.SubElement(root, f"{lom}general")
    lang_string(general, "title", title if title is not None else course.display_title)
    etree.SubElement(general, f"{lom}language").text = language
    description = plain_text(course.description.html)
    if description:
        lang_string(general, "description", description)
    if course.version:
        lang_string(general, "description", f"Version {course.version}")
    etree.SubElement(etree.SubElement(general, f"{lom}keyword"), f"{lom}string",
                     language=language).text = course.code

    if course.authors:
        life_cycle = etree.SubElement(root, f"{lom}lifeCycle")
        for author in course.authors:
            contribute = etree.SubElement(life_cycle, f"{lom}contribute")
            etree.SubElement(etree.SubElement(contribute, f"{lom}role"), f"{lom}value").text = "author"
            etree.SubElement(contribute, f"{lom}entity").text = vcard(author)

    if course.license:
        rights = etree.SubElement(root, f"{lom}rights")
        etree.SubElement(etree.SubElement(rights, f"{lom}copyrightAndOtherRestrictions"),
                         f"{lom}value").text = "yes"
        lang_string(rights, "description", licence_text(course.license))
    return metadata


def vcard(name: str) -> str:
    """LOM names contributors with a vCard."""
    escaped = name.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return f"BEGIN:VCARD\nVERSION:3.0\nFN:{escaped}\nEND:VCARD"


LICENCE_URLS = {
    "CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC-BY-SA-4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC-BY-NC-4.0": "https://creativecommons.org/licenses/by-nc/4.0/",
    "CC-BY-NC-SA-4.0": "https://creativecommons.org/licenses/by-nc-sa/4.0/",
    "CC-BY-ND-4.0": "https://creativecommons.org/licenses/by-nd/4.0/",
    "CC-BY-NC-ND-4.0": "https://creativecommons.org/licenses/by-nc-nd/4.0/",
    "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}


def licence_text(licence: str) -> str:
    url = LICENCE_URLS.get(licence)
    return f"{licence} - {url}" if url else licence
