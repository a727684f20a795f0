"""Validation of built cartridges: official XSDs plus the CC packaging rules lxml cannot run.

``validate(files, schemas)`` returns a list of problems (empty when the cartridge is
sound).  The rules are the Schematron and Implementation-Guide rules listed in
shared/reference/COMMON_CARTRIDGE.md §4, §6 and §8; Canvas extension files, whose XSD
does not compile, are checked structurally.  Used by tests only: the product never
depends on shared/.
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from pathlib import Path

from lxml import etree

QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CANVAS = "http://canvas.instructure.com/xsd/cccv1p0"
ASSIGNMENT = "http://www.imsglobal.org/xsd/imscc_extensions/assignment"
NCNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
DESCRIPTOR_TYPES = ("imsdt_", "imswl_", "imsqti_", "imsbasiclti_")
CANVAS_ROOTS = {"course", "modules", "assignmentGroups", "rubrics", "learningOutcomes", "fileMeta", "assignment",
                "topicMeta", "quiz", "media_tracks"}

DRIVER = b'''<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:x-ilead-driver">
  <xs:import namespace="http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1" schemaLocation="ccv1p3_imscp_v1p2_v1p0.xsd"/>
  <xs:import namespace="http://www.imsglobal.org/xsd/imsccv1p3/imscp_extensionv1p2" schemaLocation="ccv1p3_cpextensionv1p2_v1p0.xsd"/>
</xs:schema>'''

SCHEMA_FILES = {
    "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1": "cc11/ccv1p1_imscp_v1p2_v1p0.xsd",
    "http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1": "cc11/ccv1p1_imsdt_v1p1.xsd",
    "http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1": "cc11/ccv1p1_imswl_v1p1.xsd",
    "http://www.imsglobal.org/xsd/imsccv1p3/imsdt_v1p3": "cc13/ccv1p3_imsdt_v1p3.xsd",
    "http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3": "cc13/ccv1p3_imswl_v1p3.xsd",
    "qti-1.1": "cc11/ccv1p1_qtiasiv1p2p1_v1p0.xsd",
    "qti-1.3": "cc13/ccv1p3_qtiasiv1p2p1_v1p0.xsd",
}


@lru_cache(maxsize=None)
def schema(schemas: Path, key: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    if key == "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1":
        return etree.XMLSchema(etree.fromstring(DRIVER, parser, base_url=str(schemas / "cc13" / "driver.xsd")))
    return etree.XMLSchema(etree.parse(str(schemas / SCHEMA_FILES[key]), parser))


def xsd_errors(schemas: Path, key: str, document: etree._Element, name: str) -> list[str]:
    checker = schema(schemas, key)
    if checker.validate(document):
        return []
    return [f"{name}: XSD: {e.message} (line {e.line})" for e in checker.error_log]


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False))


def local(node: etree._Element) -> str:
    return etree.QName(node).localname


def validate(files: dict[str, bytes], schemas: Path) -> list[str]:
    """Every problem found in a cartridge given as {path: bytes}."""
    problems: list[str] = []
    for path in files:
        if path.startswith("/") or ".." in path.split("/") or "\\" in path:
            problems.append(f"unsafe path {path!r}")
    if "imsmanifest.xml" not in files:
        return problems + ["no imsmanifest.xml"]
    manifest = parse(files["imsmanifest.xml"])
    ns = etree.QName(manifest).namespace
    version = "1.3" if "imsccv1p3" in ns else "1.1"
    problems += xsd_errors(schemas, ns, manifest, "imsmanifest.xml")
    problems += manifest_rules(manifest, files, version)
    for path, data in sorted(files.items()):
        if path.endswith((".xml", ".qti")) and path != "imsmanifest.xml":
            problems += descriptor_problems(path, data, version, schemas)
        elif path.endswith(".html"):
            problems += html_problems(path, data)
    return problems


def manifest_rules(manifest: etree._Element, files: dict[str, bytes], version: str) -> list[str]:
    ns = {"m": etree.QName(manifest).namespace}
    problems: list[str] = []
    ids = [manifest.get("identifier")]
    ids += [n.get("identifier") for n in manifest.iterfind("m:organizations/m:organization", ns)]
    ids += [n.get("identifier") for n in manifest.iterfind(".//m:item", ns)]
    ids += [r.get("identifier") for r in manifest.iterfind("m:resources/m:resource", ns)]
    resources = {r.get("identifier"): r for r in manifest.iterfind("m:resources/m:resource", ns)}
    for identifier in ids:
        if not identifier or not NCNAME.match(identifier):
            problems.append(f"identifier {identifier!r} is not an NCName")
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        problems.append(f"duplicate identifiers across items and resources: {duplicates}")

    organizations = manifest.findall("m:organizations/m:organization", ns)
    if len(organizations) > 1:
        problems.append("more than one organization")
    for organization in organizations:
        if organization.get("structure") != "rooted-hierarchy":
            problems.append("organization structure is not rooted-hierarchy")
        roots = organization.findall("m:item", ns)
        if len(roots) != 1:
            problems.append("organization needs exactly one root item")
        for root in roots:
            if root.find("m:title", ns) is not None:
                problems.append("the root item has a title")
            for item in root.iterfind(".//m:item", ns):
                title = item.find("m:title", ns)
                if title is None or not (title.text or "").strip():
                    problems.append(f"item {item.get('identifier')} has no title")
                ref = item.get("identifierref")
                if ref is not None:
                    if ref not in resources:
                        problems.append(f"item {item.get('identifier')} refers to missing resource {ref}")
                    if item.find("m:item", ns) is not None:
                        problems.append(f"item {item.get('identifier')} has an identifierref and children")
                    elif ref in resources and resources[ref].get("type", "").endswith("question-bank"):
                        problems.append(f"item {item.get('identifier')} refers to a question bank")

    listed: set[str] = set()
    lar_folders = [posixpath.dirname(r.get("href")) for r in resources.values()
                   if "learning-application-resource" in r.get("type", "") and r.get("href")]
    for identifier, resource in resources.items():
        kind = resource.get("type", "")
        hrefs = [f.get("href") for f in resource.iterfind("m:file", ns)]
        deps = [d.get("identifierref") for d in resource.iterfind("m:dependency", ns)]
        listed.update(hrefs)
        for href in hrefs:
            if href not in files:
                problems.append(f"resource {identifier} lists missing file {href}")
        if len(set(hrefs)) != len(hrefs):
            problems.append(f"resource {identifier} lists a file twice")
        if resource.get("href") and resource.get("href") not in hrefs:
            problems.append(f"resource {identifier}: href is not one of its files")
        if kind.startswith(DESCRIPTOR_TYPES) or kind.endswith(("assessment", "question-bank")):
            if len(hrefs) != 1 or resource.get("href"):
                problems.append(f"descriptor resource {identifier} needs exactly one file and no href")
        if len(set(deps)) != len(deps) or identifier in deps:
            problems.append(f"resource {identifier} has duplicate or self dependencies")
        for dep in deps:
            target = resources.get(dep)
            if target is None:
                problems.append(f"resource {identifier} depends on missing {dep}")
                continue
            target_kind = target.get("type", "")
            if kind.startswith("imswl_"):
                problems.append(f"web link {identifier} has a dependency")
            elif kind.startswith("imsdt_") or kind.endswith(("assessment", "question-bank")):
                if target_kind != "webcontent" and "learning-application-resource" not in target_kind:
                    problems.append(f"{identifier} depends on {dep} of type {target_kind}")
            elif kind == "webcontent" and target_kind != "webcontent":
                problems.append(f"webcontent {identifier} depends on {dep} of type {target_kind}")
        if kind == "webcontent":
            for href in hrefs:
                if any(folder and href.startswith(folder + "/") for folder in lar_folders):
                    problems.append(f"webcontent {identifier} lists {href} inside a learning-application folder")
        if version == "1.1" and ("v1p3" in kind or resource.get("intendeduse") == "assignment"):
            problems.append(f"resource {identifier} uses a CC 1.3 type in a CC 1.1 cartridge")
    banks = [r for r in resources.values() if r.get("type", "").endswith("question-bank")]
    if version == "1.1" and len(banks) > 1:
        problems.append("CC 1.1 allows one question bank")
    unlisted = sorted(set(files) - listed - {"imsmanifest.xml"})
    if unlisted:
        problems.append(f"files not listed in the manifest: {unlisted}")
    return problems


def descriptor_problems(path: str, data: bytes, version: str, schemas: Path) -> list[str]:
    try:
        document = parse(data)
    except etree.XMLSyntaxError as exc:
        return [f"{path}: not well-formed: {exc}"]
    ns = etree.QName(document).namespace
    if ns == QTI:
        if path.startswith("non_cc_assessments/"):
            return canvas_qti_problems(path, document)
        return xsd_errors(schemas, f"qti-{version}", document, path) + qti_rules(path, document, version)
    if ns in SCHEMA_FILES:
        return xsd_errors(schemas, ns, document, path)
    if ns == CANVAS:
        return canvas_problems(path, document)
    if ns == ASSIGNMENT:
        return assignment_problems(path, document)
    return [f"{path}: XML in an unexpected namespace {ns!r}"]


def qti_rules(path: str, document: etree._Element, version: str) -> list[str]:
    q = {"q": QTI}
    problems = []
    for section in document.iterfind(".//q:section", q):
        if section.find("q:item", q) is None and section.find("q:section", q) is None:
            problems.append(f"{path}: empty section {section.get('ident')}")
        if local(section.getparent()) == "assessment" and section.get("ident") != "root_section":
            problems.append(f"{path}: section ident is not root_section")
    idents = [i.get("ident") for i in document.iterfind(".//q:item", q)]
    if len(set(idents)) != len(idents):
        problems.append(f"{path}: duplicate item idents")
    for item in document.iterfind(".//q:item", q):
        name = f"{path} item {item.get('ident')}"
        if not item.get("title"):
            problems.append(f"{name}: no title")
        fields = {f.findtext("q:fieldlabel", namespaces=q): f.findtext("q:fieldentry", namespaces=q)
                  for f in item.iterfind("q:itemmetadata/q:qtimetadata/q:qtimetadatafield", q)}
        profile = fields.get("cc_profile")
        weighting = fields.get("cc_weighting", "1")
        if not weighting.isdigit() or not 1 <= int(weighting) <= 99:
            problems.append(f"{name}: cc_weighting {weighting!r} is not an integer 1-99")
        labels = item.findall("q:presentation//q:response_label", q)
        lid = item.find("q:presentation/q:response_lid", q)
        string = item.find("q:presentation/q:response_str", q)
        varequals = item.findall(".//q:varequal", q)
        if item.find(".//q:varsubstring", q) is not None and profile != "cc.pattern_match.v0p1":
            problems.append(f"{name}: varsubstring outside pattern match")
        if profile in ("cc.multiple_choice.v0p1", "cc.multiple_response.v0p1", "cc.true_false.v0p1"):
            if lid is None or string is not None:
                problems.append(f"{name}: choice question without response_lid or with response_str")
            minimum = {"cc.multiple_choice.v0p1": 3 if version == "1.1" else 2}.get(profile, 2)
            if len(labels) < minimum or (profile == "cc.true_false.v0p1" and len(labels) != 2):
                problems.append(f"{name}: {len(labels)} choices for {profile}")
            known = {label.get("ident") for label in labels}
            for varequal in varequals:
                if varequal.text not in known:
                    problems.append(f"{name}: varequal {varequal.text!r} names no choice")
        elif profile in ("cc.fib.v0p1", "cc.pattern_match.v0p1", "cc.essay.v0p1"):
            if lid is not None or string is None:
                problems.append(f"{name}: text question without response_str or with response_lid")
            if profile == "cc.essay.v0p1":
                if varequals:
                    problems.append(f"{name}: essay with varequal")
                if fields.get("qmd_computerscored") != "No":
                    problems.append(f"{name}: essay must say qmd_computerscored No")
                if len(item.findall("q:itemfeedback/q:solution", q)) > 1:
                    problems.append(f"{name}: essay with more than one solution")
            else:
                for varequal in varequals:
                    if varequal.get("respident") != string.get("ident"):
                        problems.append(f"{name}: varequal respident does not match response_str")
        else:
            problems.append(f"{name}: unknown cc_profile {profile!r}")
        if profile != "cc.essay.v0p1" and item.find("q:resprocessing", q) is None:
            problems.append(f"{name}: no resprocessing")
    return problems


CANVAS_QUESTION_TYPES = {"multiple_choice_question", "multiple_answers_question", "true_false_question",
                         "short_answer_question", "numerical_question", "essay_question"}


def canvas_qti_problems(path: str, document: etree._Element) -> list[str]:
    """Canvas's QTI dialect: structure only (its numeric conditions are outside the CC XSD)."""
    q = {"q": QTI}
    problems = []
    assessment = document.find("q:assessment", q)
    if assessment is None or assessment.find("q:section", q) is None:
        return [f"{path}: no assessment with a section"]
    for item in document.iterfind(".//q:item", q):
        fields = {f.findtext("q:fieldlabel", namespaces=q): f.findtext("q:fieldentry", namespaces=q)
                  for f in item.iterfind("q:itemmetadata/q:qtimetadata/q:qtimetadatafield", q)}
        if fields.get("question_type") not in CANVAS_QUESTION_TYPES:
            problems.append(f"{path}: item {item.get('ident')} has question_type {fields.get('question_type')!r}")
        try:
            float(fields.get("points_possible", ""))
        except ValueError:
            problems.append(f"{path}: item {item.get('ident')} has no numeric points_possible")
        if item.find("q:presentation/q:material/q:mattext", q) is None:
            problems.append(f"{path}: item {item.get('ident')} has no question text")
    return problems


CANVAS_REQUIRED = {
    "course": ["title", "course_code"],
    "modules": [],
    "assignment": ["title", "workflow_state", "points_possible", "grading_type", "submission_types"],
    "topicMeta": ["topic_id", "title", "type", "workflow_state"],
    "quiz": ["title", "quiz_type", "allowed_attempts"],
}


def canvas_problems(path: str, document: etree._Element) -> list[str]:
    name = local(document)
    if name not in CANVAS_ROOTS:
        return [f"{path}: unknown Canvas root element {name}"]
    problems = []
    c = {"c": CANVAS}
    for child in CANVAS_REQUIRED.get(name, []):
        if document.find(f"c:{child}", c) is None:
            problems.append(f"{path}: {name} lacks {child}")
    if name in ("course", "assignment", "topicMeta", "quiz") and not NCNAME.match(document.get("identifier", "")):
        problems.append(f"{path}: {name} identifier is not an NCName")
    if name == "modules":
        for module in document.iterfind("c:module", c):
            if module.find("c:title", c) is None or module.find("c:items", c) is None:
                problems.append(f"{path}: module {module.get('identifier')} lacks title or items")
            for item in module.iterfind("c:items/c:item", c):
                if item.findtext("c:content_type", namespaces=c) not in (
                        "WikiPage", "Assignment", "Quizzes::Quiz", "DiscussionTopic", "Attachment", "ExternalUrl",
                        "ContextExternalTool", "ContextModuleSubHeader"):
                    problems.append(f"{path}: item {item.get('identifier')} has an unknown content_type")
    return problems


def assignment_problems(path: str, document: etree._Element) -> list[str]:
    a = {"a": ASSIGNMENT}
    problems = []
    for child in ("title", "text", "gradable", "submission_formats"):
        if document.find(f"a:{child}", a) is None:
            problems.append(f"{path}: assignment lacks {child}")
    for fmt in document.iterfind("a:submission_formats/a:format", a):
        if fmt.get("type") not in ("html", "url", "file", "text"):
            problems.append(f"{path}: unknown submission format {fmt.get('type')}")
    return problems


def html_problems(path: str, data: bytes) -> list[str]:
    from lxml import html as lxml_html

    problems = []
    document = lxml_html.document_fromstring(data)
    if not document.get("lang"):
        problems.append(f"{path}: html has no lang")
    if not (document.findtext(".//title") or "").strip():
        problems.append(f"{path}: no title")
    for image in document.iter("img"):
        if image.get("alt") is None:
            problems.append(f"{path}: image without alt")
    for frame in document.iter("iframe"):
        if not frame.get("title"):
            problems.append(f"{path}: iframe without title")
    return problems


def bundle_files(bundle) -> dict[str, bytes]:
    """A built bundle as {path: bytes}, the way an LMS sees the unzipped cartridge."""
    return {path: entry.read() for path, entry in bundle.files.items()}
