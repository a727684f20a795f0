"""Canvas-flavoured cartridge: CC 1.1 plus the files Canvas itself exports.

The plain CC parts stay complete (organization, QTI in the CC profile, imsdt topics,
web links), so other LMSs still read the cartridge; Canvas reads its own files for what
CC cannot say: module settings, points, due dates, groups and weights, rubrics,
outcomes with alignments, published state, and full-fidelity quizzes.
"""

from __future__ import annotations

from ilead_shell.audience import module_visible_to_learners, visible_to_learners
from ilead_shell.exporter_api import ExporterOptions
from ilead_shell.model import Assignment, Discussion, File, Link, Page, Quiz, Video

from . import audience_notes, canvas_meta, ids, pages
from .descriptors import topic
from .builder import CartridgeBuilder
from .canvas_qti import CanvasQtiWriter
from .cartridge import Resource
from .names import without_tags
from .profiles import CC11
from .targets import CommonCartridgeExporter

CONTENT_TYPES = {Page: "WikiPage", Video: "WikiPage", Assignment: "Assignment", Quiz: "Quizzes::Quiz",
                 Discussion: "DiscussionTopic", File: "Attachment", Link: "ExternalUrl"}


class CanvasBuilder(CartridgeBuilder):
    page_folder = "wiki_content"
    standalone_pages = False  # Canvas wraps a wiki page's body in its own page and heading
    assignments_are_pages = False  # learning-application resources with Canvas's settings
    reader_target = "canvas"
    prepares_quizzes = True  # its quiz documents keep nothing and note through the writer only

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.module_rows: list[dict] = []
        self.positions: dict[str, int] = {}
        self.alignments: dict[str, list[tuple[str, str]]] = {}

    # -- paths ---------------------------------------------------------------------------------
    def item_path(self, item):
        if isinstance(item, Assignment):
            return f"{ids.resource_id(item)}/{item.id}.html"
        return super().item_path(item)

    def course_name(self) -> str:
        """Canvas takes the course title from course_settings.xml; the manifest's copy is what
        Moodle restores, and Moodle refuses a course name with a tag-like ``<...>`` in it."""
        title = self.course.display_title
        written = without_tags(title)
        if written != title:
            self.bundle.note(f"the manifest's course title is written as {written!r} so that Moodle can restore "
                             "the cartridge (Canvas reads the title from course_settings.xml)")
        return written

    def page_meta(self, identifier: str, published: bool) -> list[tuple[str, str]]:
        return [("identifier", identifier), ("editing_roles", "teachers"),
                ("workflow_state", "active" if published else "unpublished")]

    # -- walk hooks -------------------------------------------------------------------------
    def add_overview(self, module):
        org_item = super().add_overview(module)
        shown = module_visible_to_learners(module)  # else unpublished: teachers see it, learners never
        self.module_rows.append({"identifier": ids.module_item(module), "title": module.title, "items": [],
                                 "requirements": [], "published": shown})
        self._row(org_item.identifier, "WikiPage", org_item.title, org_item.identifierref, shown)
        return org_item

    def add_item(self, item):
        self.positions[item.full_id] = len(self.positions) + 1
        org_item = super().add_item(item)
        self._row(org_item.identifier, CONTENT_TYPES[type(item)], item.title, org_item.identifierref,
                  visible_to_learners(item), item.url if isinstance(item, Link) else None)
        if isinstance(item, Quiz) and item.mastery is not None:
            self.module_rows[-1]["requirements"].append(
                (org_item.identifier, round(item.points * item.mastery / 100, 2)))
        return org_item

    def _row(self, identifier, content_type, title, identifierref, published, url=None) -> None:
        self.module_rows[-1]["items"].append({"identifier": identifier, "content_type": content_type, "title": title,
                                              "identifierref": identifierref, "published": published, "url": url})

    def align(self, item, content_type: str, content_id: str) -> None:
        outcomes = list(item.outcomes)
        if isinstance(item, Quiz):
            outcomes += [o for q in item.questions for o in q.outcomes]
        for outcome in dict.fromkeys(outcomes):
            self.alignments.setdefault(outcome, []).append((content_type, content_id))

    # -- items ------------------------------------------------------------------------------
    def add_file(self, item: File) -> str:
        if not item.body.is_empty:
            self.bundle.note(f"file item {item.full_id}: its description is not carried (Canvas module "
                             "items link the file itself)")
        return ids.asset_resource_id(self.assets[item.asset])

    def add_discussion(self, item: Discussion) -> str:
        path = self.item_path(item)
        self.bundle.add_xml(path, topic(CC11, item.title, self.rewrite(item.body.html, path, True)))
        resource = self.new_resource(item, CC11.discussion_type, [path])
        meta_path = f"{ids.resource_id(item)}/topic_meta.xml"
        self.bundle.add_xml(meta_path, canvas_meta.topic_meta(self.course, item, self.positions[item.full_id]))
        self.cartridge.add_resource(Resource(ids.meta_resource_id(item), CC11.lar_type, [meta_path], href=meta_path))
        resource.depend_on(ids.meta_resource_id(item))
        if item.graded:
            self.align(item, "Assignment", canvas_meta.graded_assignment_id(item))
        return resource.identifier

    @staticmethod
    def canvas_qti_path(item: Quiz) -> str:
        return f"non_cc_assessments/{ids.resource_id(item)}.xml.qti"

    def quiz_documents(self, item: Quiz, note):
        # assessment_qti.xml is for other LMSs only (Canvas reads non_cc_assessments), so its
        # simplifications are not reported for this target.
        plain = super().quiz_documents(item, lambda message: None)
        if not plain:
            return []
        canvas_path = self.canvas_qti_path(item)
        canvas = CanvasQtiWriter(CC11, lambda html: self.rewrite(html, canvas_path, True), note)
        return [*plain, (canvas_path, canvas.document(item, ids.resource_id(item)))]

    def add_quiz(self, item: Quiz) -> str:
        identifier = ids.resource_id(item)
        path = self.item_path(item)
        canvas_path = self.canvas_qti_path(item)
        if not self.add_quiz_files(item):
            return self.add_quiz_as_page(item)
        meta_path = f"{identifier}/assessment_meta.xml"
        description = self.rewrite(item.body.html, meta_path, True)
        self.bundle.add_xml(meta_path, canvas_meta.assessment_meta(self.course, item, description,
                                                                   self.positions[item.full_id]))
        resource = self.new_resource(item, CC11.assessment_type, [path])
        self.cartridge.add_resource(Resource(ids.meta_resource_id(item), CC11.lar_type, [meta_path, canvas_path],
                                             href=meta_path))
        resource.depend_on(ids.meta_resource_id(item))
        self.align(item, "Assignment", canvas_meta.graded_assignment_id(item))
        return identifier

    def add_assignment(self, item: Assignment) -> str:
        path = self.item_path(item)
        self.write_page(path, f"Assignment: {item.title}", self.rewrite(item.body.html, path))
        settings_path = f"{ids.resource_id(item)}/assignment_settings.xml"
        self.bundle.add_xml(settings_path, canvas_meta.assignment_settings(self.course, item,
                                                                           self.positions[item.full_id]))
        resource = self.new_resource(item, CC11.lar_type, [path, settings_path], href=path)
        self.align(item, "Assignment", ids.resource_id(item))
        return resource.identifier

    # -- course level ---------------------------------------------------------------------------
    def add_syllabus(self):
        path = "course_settings/syllabus.html"
        body = pages.syllabus_body(self.course, self.rewrite(self.course.description.html, path))
        self.write_page(path, "Syllabus", body)
        resource = Resource("RS_syllabus", CC11.lar_type, [path], href=path, intendeduse="syllabus")
        self.take_used_assets(resource)
        resource.dependencies = []  # LAR dependencies are not needed: Canvas resolves the tokens
        self.cartridge.add_resource(resource)
        return None  # Canvas shows it as the course's Syllabus page, outside the modules

    def note_audience(self) -> None:
        audience_notes.note_canvas(self.course, self.bundle)

    def finish(self) -> None:
        folder = "course_settings"
        files = {
            "course_settings.xml": canvas_meta.course_settings(self.course),
            "module_meta.xml": canvas_meta.module_meta(self.module_rows),
            "assignment_groups.xml": canvas_meta.assignment_groups(self.course),
            "rubrics.xml": canvas_meta.rubrics(self.course),
            "learning_outcomes.xml": canvas_meta.learning_outcomes(self.course, self.alignments),
            "files_meta.xml": canvas_meta.files_meta(
                self.course, {a.key for a in self.course.assets if self.asset_hidden(a.key)}),
        }
        for name, document in files.items():
            self.bundle.add_xml(f"{folder}/{name}", document)
        # Canvas recognises its own cartridges by this file's resource; the content does not matter.
        self.bundle.add_text(f"{folder}/canvas_export.txt", "Exported by ilead-shell for Canvas.\n")
        paths = [f"{folder}/{name}" for name in files] + [f"{folder}/canvas_export.txt"]
        self.cartridge.add_resource(Resource("RS_course_settings", CC11.lar_type, paths,
                                             href=f"{folder}/canvas_export.txt"))


class CanvasExporter(CommonCartridgeExporter):
    name = "canvas"
    description = "Canvas-flavoured Common Cartridge 1.1 (modules, points, due dates, rubrics, outcomes)"
    Options = ExporterOptions
    builder = CanvasBuilder
    build_cost = 1.3  # against a plain cartridge: see Exporter.build_cost

    def profile(self):
        return CC11
