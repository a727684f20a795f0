"""imsmanifest.xml for SCORM 1.2, shaped for Moodle's namespace-unaware parser.

Moodle matches literal upper-cased names (``ITEM``, ``ADLCP:SCORMTYPE``), so the IMS CP
elements stay unprefixed in the default namespace and the ADL prefix is exactly ``adlcp``.
Element order follows the XSD: ``adlcp:*`` children come after an item's title.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml import html as lxml_html

from ilead_shell.identifiers import join
from ilead_shell.model import Course

from .structure import SHARED_RESOURCE, ModuleNode, Sco, asset_resource_id

IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
IMSMD = "http://www.imsglobal.org/xsd/imsmd_rootv1p2p1"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NSMAP = {None: IMSCP, "adlcp": ADLCP, "imsmd": IMSMD, "xsi": XSI}
SCHEMA_LOCATION = (f"{IMSCP} imscp_rootv1p1p2.xsd {IMSMD} imsmd_rootv1p2p1.xsd "
                   f"{ADLCP} adlcp_rootv1p2.xsd")


def _cp(parent, tag: str, text: str | None = None, **attributes) -> etree._Element:
    element = etree.SubElement(parent, f"{{{IMSCP}}}{tag}", {k: v for k, v in attributes.items() if v})
    if text is not None:
        element.text = text
    return element


def _title(parent, text: str) -> etree._Element:
    """A ``<title>`` that Moodle reads back whole.

    Moodle's manifest parser (mod/scorm/datamodels/scormlib.php, ``xml2Array::tagdata``)
    drops every character-data chunk that is only white space, and expat hands each escaped
    character (``&amp;``, ``&lt;``, ``&gt;``) over as a chunk of its own: the space in
    ``<Cohort A> & Partners`` would be lost.  White space between two such characters is
    written as no-break spaces, which look the same.  (CDATA does not help: Moodle first
    rewrites every bare ``&`` of the file to ``&amp;``, inside CDATA too.)
    """
    return _cp(parent, "title", _BETWEEN_ESCAPES.sub(lambda m: "\u00a0" * len(m.group()), text))


_BETWEEN_ESCAPES = re.compile(r"(?<=[<>&])[ \t]+(?=[<>&])")


def manifest_identifier(course: Course) -> str:
    return "MANIFEST_" + join(course.code, course.offering)


def organization_identifier(course: Course) -> str:
    return "ORG_" + join(course.code, course.offering)


def build_manifest(course: Course, home: Sco, modules: tuple[ModuleNode, ...],
                   shared_files: list[str], media: dict[str, str]) -> etree._Element:
    """``media`` maps asset keys to their paths in the package."""
    root = etree.Element(f"{{{IMSCP}}}manifest", nsmap=NSMAP)
    root.set("identifier", manifest_identifier(course))
    if course.version:
        root.set("version", course.version[:20])
    root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)

    metadata = _cp(root, "metadata")
    _cp(metadata, "schema", "ADL SCORM")
    _cp(metadata, "schemaversion", "1.2")
    metadata.append(_lom(course))

    organizations = _cp(root, "organizations", default=organization_identifier(course))
    organization = _cp(organizations, "organization", identifier=organization_identifier(course))
    _title(organization, course.display_title)
    _title(_cp(organization, "item", identifier=home.item_id, identifierref=home.resource_id), home.title)
    for module in modules:
        folder = _cp(organization, "item", identifier=module.item_id)
        _title(folder, module.title)
        for sco in module.scos:
            leaf = _cp(folder, "item", identifier=sco.item_id, identifierref=sco.resource_id)
            _title(leaf, sco.title)
            if sco.mastery is not None:
                etree.SubElement(leaf, f"{{{ADLCP}}}masteryscore").text = f"{sco.mastery:g}"

    resources = _cp(root, "resources")
    for sco in (home, *(sco for module in modules for sco in module.scos)):
        resource = _resource(resources, sco.resource_id, "sco", href=sco.href)
        _cp(resource, "file", href=sco.href)
        _cp(resource, "dependency", identifierref=SHARED_RESOURCE)
        for key in sco.assets:
            _cp(resource, "dependency", identifierref=asset_resource_id(key))
    shared = _resource(resources, SHARED_RESOURCE, "asset")
    for path in shared_files:
        _cp(shared, "file", href=path)
    for key, path in sorted(media.items(), key=lambda entry: entry[1]):
        _cp(_resource(resources, asset_resource_id(key), "asset"), "file", href=path)
    return root


def _resource(parent, identifier: str, scormtype: str, href: str | None = None) -> etree._Element:
    resource = _cp(parent, "resource", identifier=identifier, type="webcontent")
    resource.set(f"{{{ADLCP}}}scormtype", scormtype)
    if href:
        resource.set("href", href)
    return resource


def _md(parent, tag: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{IMSMD}}}{tag}")


def _langstring(parent, tag: str, text: str, lang: str) -> etree._Element:
    element = _md(parent, tag)
    string = _md(element, "langstring")
    string.set(XML_LANG, lang)
    string.text = text
    return element


def _lom(course: Course) -> etree._Element:
    lom = etree.Element(f"{{{IMSMD}}}lom", nsmap={"imsmd": IMSMD})
    general = _md(lom, "general")
    _langstring(general, "title", course.display_title, course.language)
    _md(general, "language").text = course.language
    description = _plain_text(course.description.html)
    if description:
        _langstring(general, "description", description, course.language)
    if course.version:
        _langstring(_md(lom, "lifecycle"), "version", course.version, "x-none")
    if course.license:
        rights = _md(lom, "rights")
        restrictions = _md(rights, "copyrightandotherrestrictions")
        _langstring(restrictions, "source", "LOMv1.0", "x-none")
        _langstring(restrictions, "value", "yes", "x-none")
        _langstring(rights, "description", f"License: {course.license}", "en")
    return lom


def _plain_text(html_text: str) -> str:
    if not html_text.strip():
        return ""
    return " ".join(lxml_html.fragment_fromstring(html_text, create_parent="div").text_content().split())
