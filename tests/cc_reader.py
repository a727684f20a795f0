"""A structural Common Cartridge reader: which files an importer would look at, and what they name.

It knows nothing of ilead_cc: it reads only the zip's files.  ``read_as_moodle`` walks the
organization the way Moodle's converter lays out sections (each child of the root item is a
section, a leaf at that level a section of its own; leaves become activities by resource
type, questions by ``cc_profile``); ``read_as_canvas`` reads the files Canvas's
Canvas-flavoured importer reads (modules from module_meta.xml, quizzes only from
non_cc_assessments, outcomes, rubrics, groups and points from course_settings).  It is a
fast structural check, not an importer: what the real importers make of a cartridge is
measured by tests/test_real_*.py (Moodle 5.1, cc2olx, the Canvas cartridge viewer).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from lxml import etree

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CANVAS = "{http://canvas.instructure.com/xsd/cccv1p0}"
CC_PROFILES = {"cc.multiple_choice.v0p1": "multichoice", "cc.multiple_response.v0p1": "multichoice-multi",
               "cc.true_false.v0p1": "truefalse", "cc.fib.v0p1": "shortanswer",
               "cc.pattern_match.v0p1": "shortanswer", "cc.essay.v0p1": "essay"}


@dataclass
class Activity:
    title: str
    kind: str  # page, file, url, forum, quiz, assignment, label
    questions: list[tuple[str, str]] = field(default_factory=list)  # (title, kind)
    hidden: bool = False


@dataclass
class Section:
    title: str
    activities: list[Activity] = field(default_factory=list)


def _xml(files: dict[str, bytes], path: str) -> etree._Element:
    return etree.fromstring(files[path], etree.XMLParser(no_network=True, resolve_entities=False))


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname


def _children(node: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in node if isinstance(c.tag, str) and _local(c) == name]


def _child_text(node: etree._Element, name: str) -> str | None:
    found = _children(node, name)
    return found[0].text if found else None


def read_as_moodle(files: dict[str, bytes]) -> list[Section]:
    manifest = _xml(files, "imsmanifest.xml")
    resources = {r.get("identifier"): r for r in manifest.iter() if isinstance(r.tag, str)
                 and _local(r) == "resource"}
    sections = []
    for organization in manifest.iter():
        if not isinstance(organization.tag, str) or _local(organization) != "organization":
            continue
        for root in _children(organization, "item"):
            for top in _children(root, "item"):
                if top.get("identifierref"):  # a leaf at section level is a section of its own
                    sections.append(Section("", [_activity(top, resources, files)]))
                    continue
                section = Section(_child_text(top, "title") or "")
                for leaf in _children(top, "item"):
                    section.activities.append(_activity(leaf, resources, files))
                sections.append(section)
    return sections


def _activity(item: etree._Element, resources: dict, files: dict[str, bytes]) -> Activity:
    title = _child_text(item, "title") or ""
    ref = item.get("identifierref")
    if ref is None:
        return Activity(title, "label")
    resource = resources[ref]
    kind = resource.get("type")
    hidden = any(_local(n) == "value" and n.text in ("Instructor", "Mentor")
                 for n in resource.iter() if isinstance(n.tag, str))
    file_hrefs = [f.get("href") for f in _children(resource, "file")]
    if kind == "webcontent":
        href = resource.get("href") or file_hrefs[0]
        return Activity(title, "page" if href.endswith((".html", ".htm", ".xhtml")) else "file", hidden=hidden)
    if kind.startswith("imswl_"):
        return Activity(title, "url", hidden=hidden)
    if kind.startswith("imsdt_"):
        return Activity(title, "forum", hidden=hidden)
    if kind.endswith("/assessment"):
        document = _xml(files, file_hrefs[0])
        questions = []
        for question in document.iter(f"{QTI}item"):
            fields = {f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry")
                      for f in question.iter(f"{QTI}qtimetadatafield")}
            questions.append((question.get("title"), CC_PROFILES[fields["cc_profile"]]))
        return Activity(title, "quiz", questions, hidden)
    if kind.startswith("assignment_"):
        return Activity(title, "assignment", hidden=hidden)
    if "learning-application-resource" in kind:
        return Activity(title, "file", hidden=hidden)
    raise AssertionError(f"unknown resource type {kind}")


@dataclass
class CanvasCourse:
    modules: list[tuple[str, list[tuple[str, str, str]]]]  # (title, [(title, content_type, workflow_state)])
    quizzes: dict[str, list[tuple[str, str, float]]]  # quiz id -> [(title, question_type, points)]
    assignments: dict[str, dict[str, str | None]]
    groups: dict[str, tuple[str, float]]
    rubrics: dict[str, list[tuple[str, float]]]
    outcomes: dict[str, list[str]]  # outcome title -> aligned content ids
    files: list[str]
    pages: list[str]


def is_canvas_cartridge(files: dict[str, bytes]) -> bool:
    manifest = _xml(files, "imsmanifest.xml")
    return any(r.get("href") == "course_settings/canvas_export.txt" for r in manifest.iter()
               if isinstance(r.tag, str) and _local(r) == "resource")


def read_as_canvas(files: dict[str, bytes]) -> CanvasCourse:
    assert is_canvas_cartridge(files), "Canvas would read this with its plain-CC converter"
    modules = []
    for module in _xml(files, "course_settings/module_meta.xml").iter(f"{CANVAS}module"):
        rows = [(i.findtext(f"{CANVAS}title"), i.findtext(f"{CANVAS}content_type"),
                 i.findtext(f"{CANVAS}workflow_state")) for i in module.iter(f"{CANVAS}item")]
        modules.append((module.findtext(f"{CANVAS}title"), rows))
    quizzes = {}
    for path in sorted(p for p in files if p.startswith("non_cc_assessments/")):
        document = _xml(files, path)
        questions = []
        for question in document.iter(f"{QTI}item"):
            fields = {f.findtext(f"{QTI}fieldlabel"): f.findtext(f"{QTI}fieldentry")
                      for f in question.iter(f"{QTI}qtimetadatafield")}
            questions.append((question.get("title"), fields["question_type"], float(fields["points_possible"])))
        quizzes[posixpath.basename(path).split(".")[0]] = questions
    assignments = {}
    for path in sorted(p for p in files if p.endswith("assignment_settings.xml")):
        node = _xml(files, path)
        assignments[node.get("identifier")] = {child: node.findtext(f"{CANVAS}{child}") for child in (
            "title", "points_possible", "due_at", "assignment_group_identifierref", "rubric_identifierref",
            "submission_types", "workflow_state")}
    groups = {g.get("identifier"): (g.findtext(f"{CANVAS}title"), float(g.findtext(f"{CANVAS}group_weight")))
              for g in _xml(files, "course_settings/assignment_groups.xml").iter(f"{CANVAS}assignmentGroup")}
    rubrics = {}
    if "course_settings/rubrics.xml" in files:
        for rubric in _xml(files, "course_settings/rubrics.xml").iter(f"{CANVAS}rubric"):
            rubrics[rubric.get("identifier")] = [
                (c.findtext(f"{CANVAS}description"), float(c.findtext(f"{CANVAS}points")))
                for c in rubric.iter(f"{CANVAS}criterion")]
    outcomes = {}
    if "course_settings/learning_outcomes.xml" in files:
        for outcome in _xml(files, "course_settings/learning_outcomes.xml").iter(f"{CANVAS}learningOutcome"):
            outcomes[outcome.findtext(f"{CANVAS}title")] = [
                a.findtext(f"{CANVAS}content_id") for a in outcome.iter(f"{CANVAS}alignment")]
    return CanvasCourse(modules, quizzes, assignments, groups, rubrics, outcomes,
                        sorted(p for p in files if p.startswith("web_resources/")),
                        sorted(p for p in files if p.startswith("wiki_content/")))
