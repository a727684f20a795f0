"""What the real importers do with a cartridge, rule by rule (sources in docs/validate.md).

* Moodle 5.1 (``backup/converter/imscc11/lib.php``, ``backup/cc/cc2moodle.php``,
  ``entities.class.php``, ``backup/util/settings/base_setting.class.php``);
* Canvas (``lib/canvas/migration/package_identifier.rb``, ``lib/cc/importer/standard/converter.rb``,
  ``lib/cc/importer/canvas/quiz_converter.rb``);
* cc2olx 0.4.0 (``content_processors/html.py``, ``content_post_processors/static_links.py``);
* the Canvas Commons cartridge viewer (``src/constants.js``, ``src/Assignment.js``).

QTI rules are in :mod:`.validate_qti`.
"""

from __future__ import annotations

import html as html_module
import posixpath
import re
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import lxml.html
from lxml import etree

from ilead_shell.validation.api import (
    CANVAS, CC2OLX, EVERY_LMS, MOODLE, VIEWER, Finding, error, local, namespace, warning,
)

if TYPE_CHECKING:
    from .validator import Cartridge

MANIFEST = "imsmanifest.xml"
QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
FILEBASE = re.compile(r"\$IMS[-_]CC[-_]FILEBASE\$")
TOKEN = re.compile(r"\$(IMS[-_]CC[-_]FILEBASE|WIKI_REFERENCE|CANVAS_OBJECT_REFERENCE|CANVAS_COURSE_REFERENCE)\$")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
TAG_LIKE = re.compile(r"<[A-Za-z/!?]")  # what PHP's strip_tags removes
# Canvas common-cartridge-viewer src/constants.js resourceTypes
VIEWER_TYPES = {"imsqti_xmlv1p2/imscc_xmlv1p1/assessment", "assignment_xmlv1p0",
                "associatedcontent/imscc_xmlv1p1/learning-application-resource", "imsbasiclti_xmlv1p0",
                "imsdt_xmlv1p1", "external_tool", "imsqti_xmlv1p2/imscc_xmlv1p1/question-bank", "webcontent",
                "imswl_xmlv1p1"}
# cc2olx enums.py CommonCartridgeResourceType: everything else becomes "Not imported content"
CC2OLX_TYPES = re.compile(r"^(webcontent|imswl_xmlv\d+p\d+|imsbasiclti_xmlv\d+p\d+|imsdt_xmlv\d+p\d+|"
                          r"imsqti_xmlv\d+p\d+/imscc_xmlv\d+p\d+/assessment|assignment_xmlv\d+p\d+)$")
CANVAS_SCHEMA = re.compile(r"IMS(?: Thin)? Common Cartridge", re.IGNORECASE)
CANVAS_VERSIONS = ("1.0.0", "1.1.0", "1.2.0", "1.3.0")
# Canvas lib/cc/importer/standard/converter.rb UNSUPPORTED_RESOURCE_TYPES
CANVAS_UNSUPPORTED = ("imsapip_zipv1p0", "imsiwb_iwbv1p0", "idpfepub_epubv3p0")
IMAGE = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".bmp")
CANVAS_ROOTS = {"course", "modules", "assignmentGroups", "rubrics", "learningOutcomes", "fileMeta", "assignment",
                "topicMeta", "quiz", "media_tracks", "externalViewers", "events", "gradingStandards",
                "externalTools", "blueprintSettings", "late_policy", "coursePaces", "contextControls"}
CANVAS_CONTENT_TYPES = {"WikiPage", "Assignment", "Quizzes::Quiz", "DiscussionTopic", "Attachment", "ExternalUrl",
                        "ContextExternalTool", "ContextModuleSubHeader"}
SAMPLE_LINKS = 3


def moodle_reads(cartridge: "Cartridge") -> bool:
    """Moodle converts CC 1.0 and 1.1 only; its other rules do not apply to a 1.3 cartridge."""
    return cartridge.version in ("1.0", "1.1")


def check(cartridge: "Cartridge") -> list[Finding]:
    return (moodle_rules(cartridge) + canvas_rules(cartridge) + viewer_rules(cartridge) + cc2olx_rules(cartridge)
            + link_rules(cartridge))


# -- Moodle ------------------------------------------------------------------------------------
def moodle_rules(cartridge: "Cartridge") -> list[Finding]:
    found: list[Finding] = []
    m = cartridge.ns
    if cartridge.version not in ("1.0", "1.1"):
        found.append(warning("moodle/cc-version", f"Moodle imports Common Cartridge 1.0 and 1.1 only; this CC "
                             f"{cartridge.version} cartridge is 'Unknown backup format' there", MANIFEST, 1, (MOODLE,)))
        return found
    head = re.sub(r"\s", "", (cartridge.archive.read(MANIFEST) or b"")[:1024].decode("utf-8", "replace").lower())
    wanted = "xmlns=" + namespace(cartridge.root).lower()
    if wanted not in head.replace('"', "").replace("'", ""):
        found.append(error("moodle/namespace-declaration", "Moodle recognises a cartridge only when the default "
                           f"namespace declaration xmlns=\"{namespace(cartridge.root)}\" appears in the manifest's first "
                           "1024 bytes; here it does not, so Moodle calls it 'Unknown backup format'", MANIFEST,
                           cartridge.root.sourceline, (MOODLE,)))
    if cartridge.root.find("{*}authorizations") is not None:
        found.append(error("moodle/protected", "the cartridge declares authorizations (a protected cartridge); Moodle "
                           "refuses it (protected_cc_not_supported)", MANIFEST, cartridge.root.sourceline, (MOODLE,)))
    title = _course_title(cartridge)
    if title is not None and TAG_LIKE.search(title.text or ""):
        found.append(error("moodle/course-title", f"the course title {title.text!r} contains tag-like text; Moodle "
                           "strips tags from a course name and, since the name then differs, the whole restore fails "
                           "with error/setting_invalid_text", MANIFEST, title.sourceline, (MOODLE,)))
    for item in cartridge.root.iterfind("m:organizations/m:organization/m:item//m:item", m):
        item_title = item.find("m:title", m)
        if item_title is not None and TAG_LIKE.search(item_title.text or ""):
            found.append(warning("moodle/title-tags", f"title {item_title.text!r} contains tag-like text, which Moodle "
                                 "strips from section and activity names", MANIFEST, item_title.sourceline, (MOODLE,)))
    for item in cartridge.root.iterfind("m:organizations/m:organization/m:item//m:item[@identifierref]", m):
        resource = cartridge.resources.get(item.get("identifierref", ""))
        href = resource.get("href", "") if resource is not None else ""
        if resource is not None and "learning-application-resource" in resource.get("type", "") and \
                href.lower().endswith((".html", ".htm", ".xhtml")):
            title = (item.findtext("m:title", namespaces=m) or "").strip()
            found.append(warning("moodle/lar-item", f"item '{title}' is associated content whose page is {href}; "
                                 "Moodle makes it a file resource but copies no pages into the course, so it opens "
                                 "nothing (an assignment reaches Moodle only as a webcontent page)", MANIFEST,
                                 item.sourceline, (MOODLE,)))
    tops = cartridge.top_level_items()
    if tops and tops[0].find("m:item", m) is not None:
        name = (tops[0].findtext("m:title", namespaces=m) or "").strip()
        found.append(warning("moodle/first-section", f"the first top-level item ('{name}') holds items; Moodle maps "
                             "top-level item n to section n-1, so it becomes section 0 'General' and its items merge "
                             "into it (put an overview or syllabus item first)", MANIFEST, tops[0].sourceline,
                             (MOODLE,)))
    return found


def _course_title(cartridge: "Cartridge") -> etree._Element | None:
    for string in cartridge.root.iterfind("m:metadata/{*}lom/{*}general/{*}title/{*}string", cartridge.ns):
        return string
    return None


# -- Canvas ------------------------------------------------------------------------------------
def canvas_rules(cartridge: "Cartridge") -> list[Finding]:
    found: list[Finding] = []
    m = cartridge.ns
    metadata = cartridge.root.find("m:metadata", m)
    schema_name = (metadata.findtext("m:schema", namespaces=m) or "") if metadata is not None else ""
    schema_version = (metadata.findtext("m:schemaversion", namespaces=m) or "").strip() if metadata is not None else ""
    line = metadata.sourceline if metadata is not None else cartridge.root.sourceline
    if not CANVAS_SCHEMA.search(schema_name):
        found.append(error("canvas/schema", f"metadata schema is {schema_name.strip()!r}; Canvas recognises a "
                           "cartridge only by 'IMS Common Cartridge' there, and reports 'Unsupported content "
                           "package' otherwise", MANIFEST, line, (CANVAS,)))
    elif not cartridge.is_canvas and schema_version not in CANVAS_VERSIONS:
        found.append(error("canvas/schemaversion", f"metadata schemaversion is {schema_version!r}; Canvas knows "
                           f"{', '.join(CANVAS_VERSIONS)} and reports 'Unsupported content package' otherwise",
                           MANIFEST, line, (CANVAS,)))
    for identifier, resource in cartridge.resources.items():
        if resource.get("type") in CANVAS_UNSUPPORTED:
            found.append(warning("canvas/unsupported-type", f"resource '{identifier}' is {resource.get('type')}, "
                                 "which Canvas drops with a warning", MANIFEST, resource.sourceline, (CANVAS,)))
    standards = cartridge.root.find(".//{*}curriculumStandardsMetadata")
    if standards is not None:
        found.append(warning("canvas/curriculum-standards", "curriculum standards metadata is dropped by Canvas "
                             "with a warning", MANIFEST, standards.sourceline, (CANVAS,)))
    has_canvas_files = any(n.startswith("course_settings/") and n.endswith(".xml") for n in cartridge.archive.files())
    if has_canvas_files and not cartridge.is_canvas:
        found.append(warning("canvas/flag", "course_settings/ holds Canvas files, but no resource has "
                             "href=\"course_settings/canvas_export.txt\"; Canvas then imports it as a plain cartridge "
                             "and ignores modules, assignment groups and quiz settings", MANIFEST, 1, (CANVAS,)))
    if cartridge.is_canvas:
        for identifier, resource in cartridge.resources.items():
            if resource.get("type", "").endswith("/assessment") and \
                    not cartridge.archive.has(f"non_cc_assessments/{identifier}.xml.qti"):
                found.append(error("canvas/quiz-dialect", f"quiz '{identifier}' has no non_cc_assessments/"
                                   f"{identifier}.xml.qti; the Canvas-flavoured importer reads quizzes only from "
                                   "there, so Canvas imports no such quiz", MANIFEST, resource.sourceline, (CANVAS,)))
    return found


def canvas_file(document: etree._Element, member: str) -> list[Finding]:
    """A Canvas-namespace file: the structure the Canvas-flavoured importer reads."""
    name = local(document)
    if name not in CANVAS_ROOTS:
        return [warning("canvas/file-root", f"unknown Canvas root element <{name}>; Canvas ignores the file",
                        member, document.sourceline, (CANVAS,))]
    found = []
    c = {"c": CANVAS_NS}
    if name == "modules":
        for module in document.iterfind("c:module", c):
            if module.find("c:title", c) is None:
                found.append(error("canvas/module-meta", f"module '{module.get('identifier')}' has no title",
                                   member, module.sourceline, (CANVAS,)))
            for item in module.iterfind("c:items/c:item", c):
                kind = item.findtext("c:content_type", namespaces=c)
                if kind not in CANVAS_CONTENT_TYPES:
                    found.append(warning("canvas/module-meta", f"module item '{item.get('identifier')}' has "
                                         f"content_type {kind!r}, which Canvas does not place", member,
                                         item.sourceline, (CANVAS,)))
    return found


# -- the Canvas Commons viewer -----------------------------------------------------------------
def viewer_rules(cartridge: "Cartridge") -> list[Finding]:
    found = []
    m = cartridge.ns
    for item in cartridge.root.iterfind("m:organizations/m:organization/m:item//m:item[@identifierref]", m):
        kind = cartridge.resource_type(item.get("identifierref"))
        if kind and kind not in VIEWER_TYPES:
            title = (item.findtext("m:title", namespaces=m) or "").strip()
            found.append(warning("viewer/resource-type", f"item '{title}' is a {kind} resource; the Canvas Commons "
                                 "viewer knows the CC 1.1 type names only (as Canvas's own 1.3 exports write them) "
                                 "and shows it as unidentified", MANIFEST, item.sourceline, (VIEWER,)))
    return found


def viewer_assignment(document: etree._Element, member: str) -> list[Finding]:
    if document.find(".//{*}submission_types") is None:
        return [error("viewer/assignment-submission-types", "this assignment has no Canvas "
                      "<extensions><assignment><submission_types>; the Canvas Commons viewer reads it "
                      "unconditionally and the whole preview goes blank", member, document.sourceline, (VIEWER,))]
    return []


# -- cc2olx ------------------------------------------------------------------------------------
def cc2olx_rules(cartridge: "Cartridge") -> list[Finding]:
    found = []
    m = cartridge.ns
    for item in cartridge.root.iterfind("m:organizations/m:organization/m:item//m:item[@identifierref]", m):
        resource = cartridge.resources.get(item.get("identifierref", ""))
        if resource is None:
            continue
        kind = resource.get("type", "")
        title = (item.findtext("m:title", namespaces=m) or "").strip()
        if not CC2OLX_TYPES.match(kind):
            found.append(warning("cc2olx/not-imported", f"item '{title}' is a {kind} resource; cc2olx writes "
                                 "'Not imported content' for it (an assignment reaches Open edX only as "
                                 "assignment_xmlv1p0)", MANIFEST, item.sourceline, (CC2OLX,)))
        elif kind == "webcontent":
            first = next(iter(cartridge.files_of(resource)), "")
            if first.startswith("web_resources/") and not first.lower().endswith((".html", ".htm") + IMAGE):
                found.append(warning("cc2olx/missing-content", f"item '{title}' is the file '{first}'; cc2olx "
                                     "writes 'MISSING CONTENT' for files in web_resources/ that are not pages or "
                                     "images (PDFs convert only with -c pdf)", MANIFEST, item.sourceline, (CC2OLX,)))
    return found


# -- links in pages and descriptors ------------------------------------------------------------
def link_rules(cartridge: "Cartridge") -> list[Finding]:
    files = set(cartridge.archive.files())
    page_hrefs = {href for r in cartridge.resources.values() if r.get("type") == "webcontent"
                  for href in cartridge.files_of(r) if href.lower().endswith((".html", ".htm"))}
    # Moodle copies the files of webcontent and associated-content resources into the course,
    # except pages (entities11::get_all_files skips .html, .htm and .xhtml).
    moodle_files = {href for r in cartridge.resources.values()
                    if r.get("type") == "webcontent" or "learning-application-resource" in r.get("type", "")
                    for href in cartridge.files_of(r) if not href.lower().endswith((".html", ".htm", ".xhtml"))}
    descriptors = {href for r in cartridge.resources.values()
                   if r.get("type", "").startswith(("imsdt_", "imswl_", "imsqti_", "imsbasiclti_"))
                   for href in cartridge.files_of(r)}
    found: list[Finding] = []
    for member in sorted(page_hrefs & files):
        data = cartridge.archive.read(member, cartridge.findings)
        if data:
            found += _judge(member, _links_in_html(data), files, page_hrefs, moodle_files, descriptors, page=True,
                            moodle=moodle_reads(cartridge))
    for member in sorted(descriptors & files):
        document = cartridge.document(member)
        if document is None or namespace(document) not in (QTI,) and local(document) != "topic":
            continue
        links: list[str] = []
        for text in document.iter("{*}mattext", "{*}text"):
            if (text.get("texttype") or "") == "text/html" and text.text:
                links += _links_in_html(text.text.encode("utf-8"))
        found += _judge(member, links, files, page_hrefs, moodle_files, descriptors, page=False,
                        moodle=moodle_reads(cartridge))
    return found


def _links_in_html(data: bytes) -> list[str]:
    try:
        tree = lxml.html.fromstring(data)
    except (etree.ParserError, ValueError):
        return []
    return [value for element in tree.iter() if isinstance(element.tag, str)
            for value in (element.get("href"), element.get("src")) if value]


def _judge(member: str, links: list[str], files: set[str], pages: set[str], moodle_files: set[str],
           descriptors: set[str], page: bool, moodle: bool) -> list[Finding]:
    """One finding per reader per member, naming a few of the links it cannot follow."""
    broken: dict[str, list[str]] = {MOODLE: [], CC2OLX: [], EVERY_LMS: []}
    folder = posixpath.dirname(member)
    for raw in dict.fromkeys(links):
        link = html_module.unescape(raw).strip()
        if not link or link.startswith(("#", "//")) or (SCHEME.match(link) and not TOKEN.search(unquote(link))):
            continue
        decoded = unquote(link)
        path = unquote(urlsplit(link).path) if not TOKEN.search(decoded) else decoded.split("?")[0].split("#")[0]
        if not TOKEN.search(decoded):
            target = posixpath.normpath(posixpath.join(folder, path)) if path else member
            if path and target not in files:
                broken[EVERY_LMS].append(link)
                continue
            if not path:
                continue
            # cc2olx rewrites only its tokens; a relative link reaches Open edX unchanged and breaks.
            broken[CC2OLX].append(link)
            if target not in moodle_files:
                broken[MOODLE].append(link)
            continue
        # A Canvas token.  Moodle strips only $IMS-CC-FILEBASE$, and only in descriptors.
        if page or not link.startswith("$IMS-CC-FILEBASE$") or "$WIKI" in link or "$CANVAS" in link:
            broken[MOODLE].append(link)
        else:
            target = posixpath.normpath(posixpath.join(folder, path.replace("$IMS-CC-FILEBASE$", "").lstrip("/")))
            if target not in moodle_files:
                broken[MOODLE].append(link)
        if FILEBASE.search(decoded):
            static = decoded.replace("$IMS-CC-FILEBASE$", "/static").split("?")[0]
            if not static.startswith("/static/") or \
                    "web_resources/" + unquote(static[len("/static/"):]).split("#")[0] not in files:
                broken[CC2OLX].append(link)
        elif "$WIKI_REFERENCE$" in decoded:
            slug = decoded.split("$WIKI_REFERENCE$/pages/")[-1].split("?")[0].split("#")[0] + ".html"
            if not any(p.endswith(slug) for p in pages):
                broken[CC2OLX].append(link)
        elif "$CANVAS_OBJECT_REFERENCE$" in decoded and "$CANVAS_OBJECT_REFERENCE$/quizzes/" not in decoded:
            broken[CC2OLX].append(link)
    found = []
    explain = {
        EVERY_LMS: ("links/broken", "links to files that are not in the cartridge"),
        MOODLE: ("moodle/links", "Moodle cannot follow these links (it leaves Canvas tokens in pages as written and "
                 "copies only the non-page files of webcontent resources, so a link to another page or item breaks)"),
        CC2OLX: ("cc2olx/links", "cc2olx cannot follow these links (it rewrites only $IMS-CC-FILEBASE$/, "
                 "$WIKI_REFERENCE$/pages/ and $CANVAS_OBJECT_REFERENCE$/quizzes/ and leaves the rest as written)"),
    }
    if not moodle:
        broken[MOODLE] = []
    for reader, links_found in broken.items():
        if not links_found:
            continue
        rule, why = explain[reader]
        shown = ", ".join(repr(link) for link in links_found[:SAMPLE_LINKS])
        more = f" and {len(links_found) - SAMPLE_LINKS} more" if len(links_found) > SAMPLE_LINKS else ""
        found.append(warning(rule, f"{why}: {shown}{more}", member, 0, (reader,)))
    return found
