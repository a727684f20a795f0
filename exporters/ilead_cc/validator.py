"""``ilead-shell validate`` for IMS Common Cartridge (``.imscc``), ours or anyone's.

Three layers of rules, each finding naming the readers it affects:

* the packaging rules of IMS CC 1.0-1.3 that no XSD expresses (the Schematron embedded in
  the IMS schemas and the Implementation Guide): identifiers, the organization, files and
  dependencies, descriptors;
* the official XSDs, with ``--schemas DIR`` (``cc11/``, ``cc13/`` as IMS publishes them);
* what the real importers do: Moodle 5.1's CC converter, Canvas's importer, cc2olx and the
  Canvas Commons cartridge viewer (:mod:`.validate_readers`, :mod:`.validate_qti`).

Nothing is extracted: members are read from the zip by :class:`BundleArchive`.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote
from dataclasses import dataclass, field

from lxml import etree

from ilead_shell.validation.api import (
    CC2OLX, EVERY_LMS, BundleValidator, Finding, ValidationContext, error, local, namespace, parse_xml, warning,
)
from ilead_shell.validation.archive import BundleArchive
from ilead_shell.validation.xsd import schema, xsd_findings

from . import validate_readers
from .validate_qti import check_canvas_qti, check_cc_qti

CC_NAMESPACES = {
    "http://www.imsglobal.org/xsd/imscc/imscp_v1p1": "1.0",
    "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1": "1.1",
    "http://www.imsglobal.org/xsd/imsccv1p2/imscp_v1p1": "1.2",
    "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1": "1.3",
}
QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CANVAS = "http://canvas.instructure.com/xsd/cccv1p0"
ASSIGNMENT = "http://www.imsglobal.org/xsd/imscc_extensions/assignment"
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
DESCRIPTOR_PREFIXES = ("imsdt_", "imswl_", "imsqti_", "imsbasiclti_")
LAR = "learning-application-resource"

# Descriptor XSDs by the document's own namespace (Canvas puts 1.1 documents in 1.3 cartridges).
DESCRIPTOR_XSD = {
    "http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1": "cc11/ccv1p1_imsdt_v1p1.xsd",
    "http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1": "cc11/ccv1p1_imswl_v1p1.xsd",
    "http://www.imsglobal.org/xsd/imsccv1p3/imsdt_v1p3": "cc13/ccv1p3_imsdt_v1p3.xsd",
    "http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3": "cc13/ccv1p3_imswl_v1p3.xsd",
    "http://www.imsglobal.org/xsd/imslticc_v1p0": "cc11/imslticc_v1p0p1.xsd",
}
# The CC 1.3 manifest schema ends resources with a strict xs:any, so the CP extension schema
# (cpx:variant) must be compiled in the same set: a driver schema imports both.
CC13_DRIVER = b'''<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:x-ilead-driver">
  <xs:import namespace="http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1" schemaLocation="ccv1p3_imscp_v1p2_v1p0.xsd"/>
  <xs:import namespace="http://www.imsglobal.org/xsd/imsccv1p3/imscp_extensionv1p2"
             schemaLocation="ccv1p3_cpextensionv1p2_v1p0.xsd"/>
</xs:schema>'''
MANIFEST_XSD = {"1.1": "cc11/ccv1p1_imscp_v1p2_v1p0.xsd"}
QTI_XSD = {"1.1": "cc11/ccv1p1_qtiasiv1p2p1_v1p0.xsd", "1.2": "cc11/ccv1p1_qtiasiv1p2p1_v1p0.xsd",
           "1.3": "cc13/ccv1p3_qtiasiv1p2p1_v1p0.xsd"}
MANIFEST = "imsmanifest.xml"


@dataclass
class Cartridge:
    """The parsed manifest and what the rules need to look things up."""

    archive: BundleArchive
    root: etree._Element
    version: str
    ns: dict[str, str]
    resources: dict[str, etree._Element] = field(default_factory=dict)
    documents: dict[str, etree._Element | None] = field(default_factory=dict)  # parsed members, by path
    findings: list[Finding] = field(default_factory=list)

    def resource_type(self, identifier: str | None) -> str:
        resource = self.resources.get(identifier or "")
        return resource.get("type", "") if resource is not None else ""

    def files_of(self, resource: etree._Element) -> list[str]:
        return [f.get("href", "") for f in resource.iterfind("m:file", self.ns)]

    def document(self, member: str) -> etree._Element | None:
        if member not in self.documents:
            data = self.archive.read(member, self.findings)
            self.documents[member] = parse_xml(data, member, self.findings) if data is not None else None
        return self.documents[member]

    @property
    def organization_items(self) -> list[etree._Element]:
        return self.root.findall("m:organizations/m:organization/m:item", self.ns)

    def top_level_items(self) -> list[etree._Element]:
        return [child for root in self.organization_items for child in root.findall("m:item", self.ns)]

    @property
    def is_canvas(self) -> bool:
        """Canvas's own test (lib/canvas/migration/package_identifier.rb): the flag resource."""
        return any(r.get("href") == "course_settings/canvas_export.txt" for r in self.resources.values()) or any(
            r.get("href") == "course_settings/syllabus.html" and "course_settings/course_settings.xml" in
            self.files_of(r) for r in self.resources.values())


class CommonCartridgeValidator(BundleValidator):
    name = "cc"
    description = "IMS Common Cartridge (.imscc)"

    @classmethod
    def claims(cls, archive: BundleArchive) -> bool:
        data = archive.read(MANIFEST)
        if data is None:
            return False
        root = parse_xml(data, MANIFEST, [])
        return root is not None and local(root) == "manifest" and namespace(root) in CC_NAMESPACES

    def validate(self, archive: BundleArchive, context: ValidationContext) -> list[Finding]:
        found: list[Finding] = []
        root = parse_xml(archive.read(MANIFEST, found) or b"", MANIFEST, found)
        if root is None:
            return found
        version = CC_NAMESPACES[namespace(root)]
        cartridge = Cartridge(archive, root, version, {"m": namespace(root)})
        cartridge.resources = {r.get("identifier", ""): r for r in root.iterfind("m:resources/m:resource",
                                                                                  cartridge.ns)}
        found += manifest_xsd(cartridge, context)
        found += identifier_rules(cartridge)
        found += organization_rules(cartridge)
        found += resource_rules(cartridge)
        found += descriptor_rules(cartridge, context)
        found += validate_readers.check(cartridge)
        return found + cartridge.findings


# -- the manifest ------------------------------------------------------------------------------
def manifest_xsd(cartridge: Cartridge, context: ValidationContext) -> list[Finding]:
    if cartridge.version == "1.3":
        checker = schema(context, "cc13/driver.xsd", driver=CC13_DRIVER)
    elif cartridge.version in MANIFEST_XSD:
        checker = schema(context, MANIFEST_XSD[cartridge.version])
    else:
        if context.schemas is not None:
            context.notes.append(f"note: no CC {cartridge.version} manifest XSD is known; that XSD was not run")
        return []
    return xsd_findings(checker, cartridge.root, MANIFEST, "cc/xsd")


def identifier_rules(cartridge: Cartridge) -> list[Finding]:
    found = []
    m = cartridge.ns
    nodes = [cartridge.root, *cartridge.root.iterfind("m:organizations/m:organization", m),
             *cartridge.root.iterfind(".//m:item", m), *cartridge.root.iterfind("m:resources/m:resource", m)]
    seen: dict[str, etree._Element] = {}
    for node in nodes:
        identifier = node.get("identifier")
        if local(node) == "item" and identifier is None:
            continue  # an item's identifier is optional for some readers; the XSD says so when run
        if not identifier or not NCNAME.match(identifier):
            found.append(error("cc/identifier", f"{local(node)} identifier {identifier!r} is not an XML name "
                               "(letters, digits, '_', '-', '.', not starting with a digit)", MANIFEST,
                               node.sourceline))
        elif identifier in seen:
            first = seen[identifier]
            if local(first) == local(node):
                found.append(error("cc/duplicate-identifier", f"two {local(node)}s are identified '{identifier}' "
                                   f"(the first on line {first.sourceline}); a reader takes either", MANIFEST,
                                   node.sourceline))
            else:
                # Canvas's own exports give a file item its resource's identifier; the XSD refuses
                # that (one xs:ID space), but no reader studied is confused by it.
                found.append(warning("cc/shared-identifier", f"item and resource share the identifier "
                                     f"'{identifier}' (line {first.sourceline}); the CC schema forbids it, though "
                                     "Canvas writes it and the readers tolerate it", MANIFEST, node.sourceline))
        else:
            seen[identifier] = node
    return found


def organization_rules(cartridge: Cartridge) -> list[Finding]:
    found = []
    m = cartridge.ns
    organizations = cartridge.root.findall("m:organizations/m:organization", m)
    if len(organizations) > 1:
        found.append(error("cc/organizations", f"{len(organizations)} organizations; a cartridge has at most one",
                           MANIFEST, organizations[1].sourceline))
    for organization in organizations:
        if organization.get("structure") != "rooted-hierarchy":
            found.append(error("cc/organization-structure", "organization structure must be 'rooted-hierarchy'",
                               MANIFEST, organization.sourceline))
        roots = organization.findall("m:item", m)
        if len(roots) != 1:
            found.append(error("cc/root-item", f"the organization needs exactly one root item, has {len(roots)}",
                               MANIFEST, organization.sourceline))
        for root in roots:
            if root.find("m:title", m) is not None:
                found.append(warning("cc/root-title", "the root item has a title; readers ignore it", MANIFEST,
                                     root.sourceline))
            for item in root.iterfind(".//m:item", m):
                found += _item_rules(cartridge, item)
    return found


def _item_rules(cartridge: Cartridge, item: etree._Element) -> list[Finding]:
    m = cartridge.ns
    found = []
    name = item.get("identifier", "?")
    title = item.find("m:title", m)
    if title is None or not (title.text or "").strip():
        found.append(error("cc/item-title", f"item '{name}' has no title; LMSs show it blank or skip it",
                           MANIFEST, item.sourceline))
    ref = item.get("identifierref")
    if ref is None:
        return found
    if ref not in cartridge.resources:
        found.append(error("cc/item-resource", f"item '{name}' refers to resource '{ref}', which the manifest does "
                           "not have; Canvas skips the item and Moodle makes it an empty label", MANIFEST,
                           item.sourceline))
    elif cartridge.resource_type(ref).endswith("question-bank"):
        found.append(error("cc/item-question-bank", f"item '{name}' points at a question bank; banks are not "
                           "course content", MANIFEST, item.sourceline))
    if item.find("m:item", m) is not None:
        found.append(error("cc/item-ref-and-children", f"item '{name}' has both a resource and child items",
                           MANIFEST, item.sourceline))
    return found


def resource_rules(cartridge: Cartridge) -> list[Finding]:
    found = []
    m = cartridge.ns
    listed: set[str] = set()
    lar_folders = [posixpath.dirname(r.get("href", "")) for r in cartridge.resources.values()
                   if LAR in r.get("type", "") and r.get("href")]
    banks = 0
    for identifier, resource in cartridge.resources.items():
        kind = resource.get("type", "")
        line = resource.sourceline
        hrefs = cartridge.files_of(resource)
        listed.update(hrefs)
        for file in resource.iterfind("m:file", m):
            href = file.get("href", "")
            if href and not cartridge.archive.has(href) and not cartridge.archive.has(unquote(href)):
                found.append(error("cc/missing-file", f"resource '{identifier}' lists '{href}', which is not in the "
                                   "cartridge; that content is lost in every LMS", MANIFEST, file.sourceline))
        if len(set(hrefs)) != len(hrefs):
            found.append(error("cc/file-twice", f"resource '{identifier}' lists a file twice", MANIFEST, line))
        if resource.get("href") and resource.get("href") not in hrefs:
            found.append(error("cc/href-not-listed", f"resource '{identifier}': href '{resource.get('href')}' is not "
                               "one of its files (cc2olx reads a resource's first file and skips the item without one; "
                               "Moodle copies only listed files)", MANIFEST, line, (EVERY_LMS, CC2OLX)))
        if kind.startswith(DESCRIPTOR_PREFIXES) and (len(hrefs) != 1 or resource.get("href")):
            found.append(error("cc/descriptor-files", f"resource '{identifier}' ({kind}) needs exactly one file (its "
                               "descriptor) and no href", MANIFEST, line))
        found += _dependency_rules(cartridge, identifier, resource)
        if kind == "webcontent":
            for href in hrefs:
                if any(folder and href.startswith(folder + "/") for folder in lar_folders):
                    found.append(error("cc/lar-folder", f"webcontent '{identifier}' lists '{href}', which belongs "
                                       "to a learning-application resource's folder", MANIFEST, line))
        if cartridge.version in ("1.0", "1.1") and ("v1p3" in kind or kind == "assignment_xmlv1p0"
                                                    or resource.get("intendeduse") == "assignment"):
            found.append(error("cc/version-type", f"resource '{identifier}' uses the CC 1.3 type or intendeduse "
                               f"'{kind or 'assignment'}' in a CC {cartridge.version} cartridge", MANIFEST, line))
        banks += kind.endswith("question-bank")
    if cartridge.version in ("1.0", "1.1") and banks > 1:
        found.append(error("cc/question-banks", f"{banks} question banks; CC {cartridge.version} allows one",
                           MANIFEST))
    unlisted = [name for name in cartridge.archive.files() if name not in listed and name != MANIFEST]
    for name in unlisted[:50]:
        found.append(warning("cc/unlisted-file", "is in the cartridge but no resource lists it; LMSs may not "
                             "import it", name))
    if len(unlisted) > 50:
        found.append(warning("cc/unlisted-file", f"{len(unlisted) - 50} more files no resource lists"))
    return found


def _dependency_rules(cartridge: Cartridge, identifier: str, resource: etree._Element) -> list[Finding]:
    found = []
    kind = resource.get("type", "")
    deps = [d for d in resource.iterfind("m:dependency", cartridge.ns)]
    refs = [d.get("identifierref", "") for d in deps]
    if len(set(refs)) != len(refs) or identifier in refs:
        found.append(error("cc/dependency-repeat", f"resource '{identifier}' depends on itself or on one resource "
                           "twice", MANIFEST, resource.sourceline))
    for dep, ref in zip(deps, refs):
        target = cartridge.resources.get(ref)
        if target is None:
            found.append(error("cc/dependency-missing", f"resource '{identifier}' depends on '{ref}', which the "
                               "manifest does not have", MANIFEST, dep.sourceline))
            continue
        target_kind = target.get("type", "")
        if kind.startswith("imswl_"):
            found.append(error("cc/dependency-type", f"web link '{identifier}' may not have dependencies",
                               MANIFEST, dep.sourceline))
        elif kind.startswith("imsdt_") or kind.endswith(("assessment", "question-bank")):
            if target_kind != "webcontent" and LAR not in target_kind:
                found.append(error("cc/dependency-type", f"'{identifier}' ({kind}) may depend only on webcontent "
                                   f"or associated content, not on '{ref}' ({target_kind})", MANIFEST,
                                   dep.sourceline))
        elif kind == "webcontent" and target_kind != "webcontent":
            found.append(error("cc/dependency-type", f"webcontent '{identifier}' may depend only on webcontent, not "
                               f"on '{ref}' ({target_kind})", MANIFEST, dep.sourceline))
    return found


# -- descriptors -------------------------------------------------------------------------------
def descriptor_rules(cartridge: Cartridge, context: ValidationContext) -> list[Finding]:
    found: list[Finding] = []
    for name in cartridge.archive.files():
        if not name.endswith((".xml", ".qti")) or name == MANIFEST:
            continue
        document = cartridge.document(name)
        if document is None:
            continue
        ns = namespace(document)
        if ns == QTI:
            if name.startswith("non_cc_assessments/"):
                found += check_canvas_qti(document, name)
            else:
                checker = schema(context, QTI_XSD[cartridge.version]) if cartridge.version in QTI_XSD else None
                found += xsd_findings(checker, document, name, "qti/xsd") + check_cc_qti(document, name,
                                                                                        cartridge.version)
        elif ns in DESCRIPTOR_XSD:
            found += xsd_findings(schema(context, DESCRIPTOR_XSD[ns]), document, name, "cc/descriptor-xsd")
            found += _descriptor_structure(document, name)
        elif ns == CANVAS:
            found += validate_readers.canvas_file(document, name)
        elif ns == ASSIGNMENT:
            found += _assignment_structure(document, name)
    return found


def _descriptor_structure(document: etree._Element, member: str) -> list[Finding]:
    ns = {"d": namespace(document)}
    kind = local(document)
    found = []
    if kind == "topic":
        if not (document.findtext("d:title", namespaces=ns) or "").strip():
            found.append(error("cc/topic", "discussion topic has no title", member, document.sourceline))
        if document.find("d:text", ns) is None:
            found.append(error("cc/topic", "discussion topic has no text", member, document.sourceline))
    elif kind == "webLink":
        url = document.find("d:url", ns)
        if url is None or not (url.get("href") or "").strip():
            found.append(error("cc/weblink", "web link has no url href", member, document.sourceline))
    return found


def _assignment_structure(document: etree._Element, member: str) -> list[Finding]:
    a = {"a": ASSIGNMENT}
    found = []
    for child in ("title", "text"):
        if document.find(f"a:{child}", a) is None:
            found.append(error("cc/assignment", f"assignment has no {child}", member, document.sourceline))
    for fmt in document.iterfind("a:submission_formats/a:format", a):
        if fmt.get("type") not in ("html", "url", "file", "text"):
            found.append(warning("cc/assignment", f"submission format {fmt.get('type')!r} is not html, url or file",
                                 member, fmt.sourceline))
    found += validate_readers.viewer_assignment(document, member)
    return found


__all__ = ["CommonCartridgeValidator", "Cartridge", "EVERY_LMS"]
