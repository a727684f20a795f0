"""Canvas's own files in an export (``course_settings/``, topic and quiz settings), read back.

The inverse of :mod:`.canvas_meta`: course settings, module states and completion
requirements, assignment groups with weights, rubrics, learning outcomes with their
alignments, assignment settings (points, due dates, submission types, groups, rubrics),
graded discussions (``topicMeta``) and quiz settings (``assessment_meta.xml``).  Element
names follow real Canvas exports; anything missing is simply not set.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re

from bs4 import BeautifulSoup

from ilead_shell.identifiers import OUTCOME_ID_PATTERN, slugify
from ilead_shell.import_api import (ImportedCourse, ImportedGroup, ImportedItem, ImportedModule, ImportedOutcome,
                                    ImportedRubricRow, ImportReport, SourceArchive)

from .qti_scoring import children, descendants, local, to_number

LICENCES = {"cc_by": "CC-BY-4.0", "cc_by_sa": "CC-BY-SA-4.0", "cc_by_nc": "CC-BY-NC-4.0",
            "cc_by_nc_sa": "CC-BY-NC-SA-4.0", "cc_by_nd": "CC-BY-ND-4.0", "cc_by_nc_nd": "CC-BY-NC-ND-4.0",
            "public_domain": "CC0-1.0"}
SUBMISSIONS = {"online_text_entry": "text", "online_upload": "file", "online_url": "url"}
_ID_TITLE = re.compile(r"^(?P<id>[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*): (?P<text>.+)$", re.DOTALL)
_LINKS = re.compile(r"^(?P<kind>Supports|Competencies): (?P<ids>.+)$")


def _field(node, name: str) -> str:
    if node is None:
        return ""
    found = children(node, name)
    return (found[0].text or "").strip() if found else ""


def _date(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return dt.date.fromisoformat(text[:10])
        except ValueError:
            return None


def _visible(fragment: str) -> list[str]:
    soup = BeautifulSoup(fragment or "", "html.parser")
    paragraphs = [" ".join(p.get_text().split()) for p in soup.find_all("p")]
    return [p for p in paragraphs if p] or ([" ".join(soup.get_text().split())] if soup.get_text().strip() else [])


class CanvasSettings:
    def __init__(self, archive: SourceArchive, report: ImportReport):
        self.archive = archive
        self.report = report
        self.docs: dict[str, object] = {}
        self.module_rows: dict[str, object] = {}
        self.item_rows: dict[str, object] = {}
        self.requirements: dict[str, float] = {}  # org item identifier -> min score
        self.group_ids: dict[str, str] = {}  # Canvas group identifier -> source id
        self.object_ids: dict[str, str] = {}  # graded assignment identifier -> resource id
        self.display_names: dict[str, str] = {}

    @classmethod
    def load(cls, archive: SourceArchive, resources, report: ImportReport) -> "CanvasSettings":
        settings = cls(archive, report)
        for name in ("course_settings", "module_meta", "assignment_groups", "rubrics", "learning_outcomes",
                     "files_meta"):
            path = f"course_settings/{name}.xml"
            if archive.exists(path):
                settings.docs[name] = archive.parse_xml(path)
        for module in descendants(settings.docs.get("module_meta", _empty()), "module"):
            settings.module_rows[module.get("identifier", "")] = module
            for row in descendants(module, "item"):
                settings.item_rows[row.get("identifier", "")] = row
            for requirement in descendants(module, "completionRequirement"):
                if requirement.get("type") == "min_score":
                    score = to_number(_field(requirement, "min_score"))
                    if score is not None:
                        settings.requirements[_field(requirement, "identifierref")] = score
        by_id = {r.identifier: r for r in resources.values()}
        for entry in descendants(settings.docs.get("files_meta", _empty()), "file"):
            resource = by_id.get(entry.get("identifier", ""))
            name = _field(entry, "display_name")
            if resource is not None and name and resource.href:
                settings.display_names[posixpath.normpath(resource.href)] = name
        return settings

    @property
    def course(self):
        return self.docs.get("course_settings")

    @property
    def title(self) -> str:
        return _field(self.course, "title")

    @property
    def code(self) -> str:
        return _field(self.course, "course_code")

    def display_name(self, name: str) -> str | None:
        return self.display_names.get(name)

    # -- the course ---------------------------------------------------------------------------------------
    def fill_course(self, course: ImportedCourse) -> None:
        settings = self.course
        if settings is not None:
            course.title = self.title or course.title
            course.start = _date(_field(settings, "start_at"))
            licence = _field(settings, "license")
            course.license = LICENCES.get(licence)
            course.language = _field(settings, "locale") or course.language
        taken: set[str] = set()
        for group in descendants(self.docs.get("assignment_groups", _empty()), "assignmentGroup"):
            identifier = group.get("identifier", "")
            title = _field(group, "title") or "Assignments"
            wanted = identifier[2:] if identifier.startswith("G_") else (slugify(title) or "group")
            gid, number = wanted, 2
            while gid in taken:
                gid, number = f"{wanted}-{number}", number + 1
            taken.add(gid)
            self.group_ids[identifier] = gid
            course.groups.append(ImportedGroup(gid, title, to_number(_field(group, "group_weight")) or 0.0))

    def fill_module(self, module: ImportedModule) -> None:
        row = self.module_rows.get(module.key)
        if row is not None and _field(row, "workflow_state") == "unpublished":
            module.published = False

    def fill_item_state(self, item: ImportedItem, org_identifier: str) -> None:
        row = self.item_rows.get(org_identifier)
        if row is not None:
            if _field(row, "workflow_state") == "unpublished":
                item.published = False
            if int(to_number(_field(row, "indent")) or 0) > 0:
                self.report.changed(item.key, f"'{_field(row, 'title')}' was indented in its Canvas module; the "
                                              "source format has no indentation", "course_settings/module_meta.xml",
                                    ("items",))
        self.requirement = self.requirements.get(org_identifier)

    def unlisted_resources(self, resources, listed: set) -> list[str]:
        dependencies = {d for r in resources.values() for d in r.dependencies}
        found = []
        for resource in resources.values():
            if resource.identifier in listed or resource.identifier in dependencies or resource.intendeduse:
                continue
            kind = resource.type.lower()
            href = (resource.href or "").lower()
            if (kind == "webcontent" and href.startswith("wiki_content/")) or kind.startswith("imsdt") \
                    or (kind.startswith("imsqti") and "assessment" in kind) or kind.startswith("assignment_xml") \
                    or any(f.endswith("assignment_settings.xml") for f in resource.files):
                found.append(resource.identifier)
        return found

    def group(self, identifier: str) -> str | None:
        return self.group_ids.get(identifier) if identifier else None

    # -- items ------------------------------------------------------------------------------------------------
    def assignment_fields(self, item: ImportedItem, node) -> None:
        points = to_number(_field(node, "points_possible"))
        if _field(node, "grading_type") not in ("not_graded",) and points is not None:
            item.points = points
        due = _date(_field(node, "due_at"))
        if due:
            item.due = due
        group = self.group(_field(node, "assignment_group_identifierref"))
        if group:
            item.group = group
        if _field(node, "workflow_state") == "unpublished":
            item.published = False

    def fill_assignment(self, item: ImportedItem, settings) -> None:
        item.title = item.title or _field(settings, "title")
        self.assignment_fields(item, settings)
        types = [t.strip() for t in _field(settings, "submission_types").split(",") if t.strip()]
        item.submission = [SUBMISSIONS[t] for t in types if t in SUBMISSIONS] or ["text"]
        unknown = [t for t in types if t not in SUBMISSIONS and t != "none"]
        if unknown:
            self.report.changed(item.key, f"'{item.title}': submission types {', '.join(unknown)} have no place in the "
                                          "source format", "assignment_settings.xml", ("submission",))
        rubric = _field(settings, "rubric_identifierref")
        if rubric:
            item.rubric = self.rubric(rubric, item)

    def fill_assignment_extension(self, item: ImportedItem, root) -> None:
        for node in descendants(root, "assignment"):
            if node is root:
                continue
            self.assignment_fields(item, node)
            types = [t.strip() for t in _field(node, "submission_types").split(",") if t.strip()]
            if types:
                item.submission = [SUBMISSIONS[t] for t in types if t in SUBMISSIONS] or item.submission
            rubric = _field(node, "rubric_identifierref")
            if rubric:
                item.rubric = self.rubric(rubric, item)

    def rubric(self, identifier: str, item: ImportedItem) -> list[ImportedRubricRow]:
        for rubric in descendants(self.docs.get("rubrics", _empty()), "rubric"):
            if rubric.get("identifier") != identifier:
                continue
            rows = []
            for criterion in descendants(rubric, "criterion"):
                ratings = descendants(criterion, "rating")
                points = to_number(_field(criterion, "points")) or 0.0
                levels = sorted(to_number(_field(r, "points")) or 0.0 for r in ratings)
                if levels and levels not in ([0.0, points], [points]):
                    self.report.changed(item.key, f"rubric criterion '{_field(criterion, 'description')}' had "
                                                  f"{len(levels)} rating levels; the source format keeps its points",
                                        "course_settings/rubrics.xml", ("rubric",))
                rows.append(ImportedRubricRow(_field(criterion, "description") or "Criterion", points,
                                              " ".join(_field(criterion, "long_description").split())))
            return rows
        self.report.lost(item.key, f"'{item.title}': its rubric '{identifier}' is not in rubrics.xml",
                         "course_settings/rubrics.xml", ("rubric",))
        return []

    def meta_document(self, resource, resources, root_name: str):
        for dependency in resource.dependencies:
            meta = resources.get(dependency)
            if meta is None:
                continue
            for path in meta.files:
                if path.endswith(".xml") and self.archive.exists(path):
                    root = self.archive.parse_xml(path)
                    if local(root) == root_name:
                        return root, path, meta
        return None, None, None

    def fill_discussion(self, item: ImportedItem, resource, resources) -> None:
        root, path, _ = self.meta_document(resource, resources, "topicMeta")
        if root is None:
            return
        if _field(root, "workflow_state") == "unpublished":
            item.published = False
        if _field(root, "type") == "announcement":
            self.report.changed(item.key, f"announcement '{item.title}' is a discussion", path, ("type",))
        for assignment in children(root, "assignment"):
            self.object_ids[assignment.get("identifier", "")] = resource.identifier
            self.assignment_fields(item, assignment)
            item.due = None

    def quiz_file(self, resource, resources) -> str | None:
        for dependency in resource.dependencies:
            meta = resources.get(dependency)
            for path in (meta.files if meta else []):
                if path.startswith("non_cc_assessments/") and self.archive.exists(path):
                    return path
        return None

    def fill_quiz(self, item: ImportedItem, resource, resources, rich) -> None:
        root, path, _ = self.meta_document(resource, resources, "quiz")
        if root is None:
            return
        item.title = _field(root, "title") or item.title
        description = _field(root, "description")
        if description or children(root, "description"):
            item.body_html = rich(description, path) + "".join(
                t for t in [item.body_html] if t and t not in description)
        item.shuffle = _field(root, "shuffle_answers") == "true"
        attempts = to_number(_field(root, "allowed_attempts"))
        item.attempts = int(attempts) if attempts and attempts > 0 else None
        if _field(root, "available") == "false" or _field(root, "workflow_state") == "unpublished":
            item.published = False
        group = self.group(_field(root, "assignment_group_identifierref"))
        for assignment in children(root, "assignment"):
            self.object_ids[assignment.get("identifier", "")] = resource.identifier
            group = group or self.group(_field(assignment, "assignment_group_identifierref"))
            if _field(assignment, "workflow_state") == "unpublished":
                item.published = False
        if group:
            item.group = group
        total = sum(q.points or 1 for q in item.questions)
        if self.requirement is not None and total:
            item.mastery = round(self.requirement * 100 / total, 2)

    def resource_for_object(self, identifier: str) -> str | None:
        return self.object_ids.get(identifier)

    # -- outcomes -----------------------------------------------------------------------------------------------
    def fill_outcomes(self, course: ImportedCourse, resource_keys: dict[str, str]) -> None:
        document = self.docs.get("learning_outcomes")
        if document is None:
            return
        modules = {m.slug: m for m in course.modules if m.slug}
        items = {i.key: i for i in course.items()}
        counter = 0
        existing = {o.id: o for o in course.outcomes}
        existing.update({o.id: o for m in course.modules for o in m.outcomes})
        taken = set(existing)
        for group in [g for g in document.iter() if isinstance(g.tag, str) and local(g) == "learningOutcomeGroup"] \
                or [document]:
            identifier = group.get("identifier", "")
            module = modules.get(identifier[3:]) if identifier.startswith("OG_") else None
            holder = children(group, "learningOutcomes")
            outcomes = [o for h in holder for o in children(h, "learningOutcome")] if holder else \
                children(group, "learningOutcome")
            for entry in outcomes:
                title = " ".join(_field(entry, "title").split())
                paragraphs = _visible(_field(entry, "description"))
                links: list[str] = []
                if paragraphs and (match := _LINKS.match(paragraphs[-1])):
                    links = [x.strip() for x in match.group("ids").split(",")]
                    paragraphs = paragraphs[:-1]
                match = _ID_TITLE.match(title)
                if match and OUTCOME_ID_PATTERN.match(match.group("id")):
                    oid, text = match.group("id"), match.group("text")
                elif OUTCOME_ID_PATTERN.match(title) and paragraphs:
                    oid, text = title, paragraphs[0]
                else:
                    counter += 1
                    oid, text = f"LO{counter}", title or (paragraphs[0] if paragraphs else "Outcome")
                    while oid in taken:
                        counter += 1
                        oid = f"LO{counter}"
                if oid in existing:
                    existing[oid].links = existing[oid].links or links
                elif oid not in taken:
                    taken.add(oid)
                    outcome = ImportedOutcome(oid, text, links)
                    existing[oid] = outcome
                    (module.outcomes if module is not None else course.outcomes).append(outcome)
                for alignment in descendants(entry, "alignment"):
                    content = _field(alignment, "content_id")
                    key = resource_keys.get(content) or resource_keys.get(self.object_ids.get(content, ""))
                    if key in items and oid not in items[key].outcomes:
                        items[key].outcomes.append(oid)


def _empty():
    from lxml import etree
    return etree.Element("empty")
