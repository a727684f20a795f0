"""Plain Common Cartridge: the course mapped onto CC resources, one item type at a time.

:class:`CartridgeBuilder` walks the course once.  Locations of every item and file are
planned first, so links between items can be written whichever comes first.  LMS
flavours (:mod:`.canvas_builder`) subclass it and override the hooks.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote


from ilead_shell import references
from ilead_shell.audience import assets_for_learners, hidden_from_learners, module_visible_to_learners
from ilead_shell.exporter_api import Bundle, BundleFile, parallel_map, serialize_xml
from ilead_shell.model import (Assignment, Course, Discussion, File, Item, Link, Module, Page, Quiz,
                               Video)

from . import audience_notes, canvas_meta, descriptors, ids, pages
from .cartridge import Cartridge, OrgItem, Resource
from .lom import manifest_metadata
from .profiles import CcProfile
from .qti import QtiWriter
from .reader_notes import reader_notes


@dataclass(frozen=True)
class Location:
    """Where an item or file lives in the bundle, for links to it."""

    resource: str
    path: str | None = None  # a file in the bundle
    url: str | None = None  # an outside address (web links)


@dataclass(frozen=True)
class QuizFiles:
    """A quiz's QTI documents as bundle files (none: no question could be written), made ahead
    of the walk (:meth:`CartridgeBuilder.prepare`), with what making them did to the builder:
    the files their links use and the notes written."""

    files: tuple[BundleFile, ...]
    used_assets: frozenset[str]
    notes: tuple[str, ...]


# Below this many questions a second process costs more than it saves (a fork, and the files
# sent back); the 1,998-question benchmark bank has 333 quizzes of six.
PARALLEL_MIN_QUESTIONS = 200

FILEBASE = "$IMS-CC-FILEBASE$"
# Canvas writes its link tokens percent-encoded in HTML, and the cartridge viewer recognises
# $CANVAS_OBJECT_REFERENCE$ only in that form (src/RichContent.js).
ENCODED_FILEBASE, WIKI_REFERENCE, OBJECT_REFERENCE = "%24IMS-CC-FILEBASE%24", "%24WIKI_REFERENCE%24", \
    "%24CANVAS_OBJECT_REFERENCE%24"
WEB_RESOURCES = "web_resources"
OBJECT_PATHS = {Assignment: "assignments", Quiz: "quizzes", Discussion: "discussion_topics"}


class CartridgeBuilder:
    page_folder = "wiki_content"  # where Canvas keeps pages; the viewer resolves page links there
    standalone_pages = True
    syllabus_first = False  # see MoodleBuilder
    #: Whether the QTI documents are made ahead of the walk (see :meth:`prepare`).  Made ahead,
    #: half of them in another process, whatever making them changes in the builder is lost
    #: there: a flavour whose names or links keep state or write notes (MoodleBuilder notes a
    #: renamed title and a link it drops once each) makes them in the walk, where that state lives.
    prepares_quizzes = True
    #: What a quiz's documents call on the builder; a flavour that overrides one must say
    #: whether its documents may still be made ahead (``prepares_quizzes`` in its own body).
    QUIZ_DOCUMENT_HOOKS = ("name", "rewrite", "resolve", "file_url", "qti_writer", "quiz_documents")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        overridden = [hook for hook in CartridgeBuilder.QUIZ_DOCUMENT_HOOKS if hook in cls.__dict__]
        if overridden and "prepares_quizzes" not in cls.__dict__:
            raise TypeError(f"{cls.__name__} overrides {', '.join(overridden)}: set prepares_quizzes in it, "
                            "True only if making its quiz documents in another process changes nothing it "
                            "keeps or notes")

    def __init__(self, course: Course, profile: CcProfile, bundle: Bundle):
        self.course = course
        self.profile = profile
        self.bundle = bundle
        self.cartridge = Cartridge(profile, ids.xml_name("MAN", f"{course.code}_{course.offering}"),
                                   manifest_metadata(course, profile, self.course_name()))
        self.assets = {a.key: a for a in course.assets}
        self.locations: dict[str, Location] = {}
        self._used_assets: set[str] = set()
        self._reported_links: set[str] = set()

    # -- the walk ---------------------------------------------------------------------------
    def build(self) -> Bundle:
        self.plan()
        self.prepare()
        for asset in self.course.assets:
            self.add_asset(asset)
        syllabus = self.add_syllabus()
        if self.syllabus_first:
            self.cartridge.folders.append(syllabus)
        for module in self.course.modules:
            folder = OrgItem(ids.module_item(module), self.name(module.title))
            self.cartridge.folders.append(folder)
            folder.children.append(self.add_overview(module))
            for item in module.items:
                folder.children.append(self.add_item(item))
        self.finish()
        self.note_audience()
        for note in reader_notes(self.course, self.reader_target):
            self.bundle.note(note)
        self.bundle.add_xml("imsmanifest.xml", self.cartridge.to_xml())
        self.bundle.counts = self.course.counts()
        return self.bundle

    def prepare(self) -> None:
        """Make every quiz's QTI documents ahead of the walk, once every location is planned.

        They are most of a quiz bank's bundle, and each depends on its quiz and the planned
        locations alone: so half of them are made in a process the build lends, when it has
        one (:func:`~ilead_shell.exporter_api.parallel_map`).  The walk adds them as a quiz
        comes; the bytes are those of documents made there."""
        self._quiz_files: dict[str, QuizFiles] = {}
        if not self.prepares_quizzes:
            return
        quizzes = [item for module in self.course.modules for item in module.items if isinstance(item, Quiz)]
        made = parallel_map(self.quiz_files, quizzes, weight=lambda quiz: len(quiz.questions),
                            min_weight=PARALLEL_MIN_QUESTIONS)
        self._quiz_files = {quiz.full_id: files for quiz, files in zip(quizzes, made)}

    def quiz_files(self, item: Quiz, note=None) -> QuizFiles:
        """A quiz's files; its notes kept in them, or given to ``note`` as they come."""
        used, self._used_assets = self._used_assets, set()  # what these documents' links use, alone
        notes: list[str] = []
        try:
            files = tuple(self.bundle.entry(path, serialize_xml(document))
                          for path, document in self.quiz_documents(item, note or notes.append))
            return QuizFiles(files, frozenset(self._used_assets), tuple(notes))
        finally:
            self._used_assets = used

    def quiz_documents(self, item: Quiz, note) -> list[tuple[str, object]]:
        """A quiz's QTI documents by bundle path; none when no question can be written.
        ``note`` takes what they simplify."""
        path = self.item_path(item)
        document = self.qti_writer(path, note).document(item, ids.resource_id(item))
        return [] if document is None else [(path, document)]

    def qti_writer(self, path: str, note) -> QtiWriter:
        return QtiWriter(self.profile, lambda html: self.rewrite(html, path, True), note, self.name)

    def add_quiz_files(self, item: Quiz) -> bool:
        """Add the quiz's files, made ahead or now, with their links' files and notes taken into
        the walk; False when no question could be written (nothing is added then)."""
        made = self._quiz_files.pop(item.full_id, None)
        if made is None:  # made now: the notes go to the bundle as they come, among any others
            made = self.quiz_files(item, self.bundle.note)
        self._used_assets |= made.used_assets
        for note in made.notes:
            self.bundle.note(note)
        for entry in made.files:
            self.bundle.add_entry(entry)
        return bool(made.files)

    def add_quiz_as_page(self, item: Quiz) -> str:
        """A quiz with no question it could write, as a page of its introduction."""
        self.bundle.note(f"quiz {item.full_id} has no question; written as a page")
        return self.add_page(Page(**item.model_dump(include={"id", "module_id", "title", "published", "body",
                                                              "location", "outcomes"})))

    def finish(self) -> None:
        """Hook for flavours that add course-level files once every item is known."""

    def note_audience(self) -> None:
        audience_notes.note_plain(self.course, self.bundle)

    @property
    def reader_target(self) -> str:
        """Which notes of :mod:`.reader_notes` describe this cartridge."""
        return f"cc-{self.profile.version}"

    # -- names an LMS shows (hooks for flavours whose LMS restricts them) ----------------------
    def name(self, title: str) -> str:
        """An organization or question title as the bundle writes it."""
        return title

    def course_name(self) -> str:
        """The course title in the manifest's metadata."""
        return self.course.display_title

    # -- locations and links ---------------------------------------------------------------------
    def asset_path(self, key: str) -> str:
        return f"{WEB_RESOURCES}/{self.assets[key].bundle_path}"

    def page_path(self, name: str) -> str:
        return f"{self.page_folder}/{name}.html"

    def overview_path(self, module: Module) -> str:
        return self.page_path(ids.overview_slug(module))

    def item_path(self, item: Item) -> str | None:
        folder = ids.resource_id(item)
        if isinstance(item, (Page, Video)):
            return self.page_path(ids.item_slug(item))
        if isinstance(item, Assignment):
            return f"{folder}/{item.id}.html" if self.profile.has_assignments else self.page_path(ids.item_slug(item))
        if isinstance(item, Discussion):
            return f"{folder}/topic.xml"
        if isinstance(item, Quiz):
            return f"{folder}/assessment_qti.xml"
        if isinstance(item, File):
            return self.asset_path(item.asset)
        return None

    def plan(self) -> None:
        for module in self.course.modules:
            self.locations[f"module:{module.id}"] = Location(ids.overview_resource(module), self.overview_path(module))
            for item in module.items:
                resource = ids.asset_resource_id(self.assets[item.asset]) if isinstance(item, File) \
                    else ids.resource_id(item)
                self.locations[item.full_id] = Location(resource, self.item_path(item),
                                                        item.url if isinstance(item, Link) else None)

    def rewrite(self, html: str, from_path: str, descriptor: bool = False) -> str:
        """``ilead:`` links made to work from ``from_path``; the files used are remembered."""
        return references.rewrite(html, lambda ref: self.resolve(ref, from_path, descriptor))

    def resolve(self, ref: references.Reference, from_path: str, descriptor: bool) -> str:
        """Canvas's link tokens, as its own exports write them: ``$IMS-CC-FILEBASE$/`` is the
        ``web_resources`` folder, ``$WIKI_REFERENCE$/pages/<page>`` a page and
        ``$CANVAS_OBJECT_REFERENCE$/<kind>/<resource>`` an activity.  cc2olx and the Canvas
        cartridge viewer resolve only these (docs/cartridge-readers.md)."""
        fragment = f"#{quote(ref.fragment, safe='')}" if ref.fragment else ""
        # cc2olx looks a page up by everything before '?' plus ".html", so a fragment of a page
        # link follows an empty query ("page?#part"), which every browser reads as "page#part".
        page_fragment = f"?{fragment}" if fragment else ""
        if ref.kind == "asset":
            return self.file_url(ref.target) + fragment
        if ref.kind == "module":
            return f"{WIKI_REFERENCE}/pages/{quote(ids.overview_slug(self.course.module(ref.target)))}{page_fragment}"
        item = self.course.item(ref.target)
        if isinstance(item, Link):
            return item.url
        if isinstance(item, File):
            return self.file_url(item.asset) + fragment
        if isinstance(item, (Page, Video)) or (isinstance(item, Assignment) and self.assignments_are_pages):
            return f"{WIKI_REFERENCE}/pages/{quote(ids.item_slug(item))}{page_fragment}"
        return f"{OBJECT_REFERENCE}/{OBJECT_PATHS[type(item)]}/{ids.resource_id(item)}{fragment}"

    @property
    def assignments_are_pages(self) -> bool:
        """CC 1.1 has no assignment type, so a plain 1.1 cartridge writes instruction pages."""
        return not self.profile.has_assignments

    def file_url(self, key: str) -> str:
        self._used_assets.add(key)
        return f"{ENCODED_FILEBASE}/{quote(self.assets[key].bundle_path, safe='/')}"

    def take_used_assets(self, resource: Resource) -> None:
        for key in sorted(self._used_assets):
            resource.depend_on(ids.asset_resource_id(self.assets[key]))
        self._used_assets.clear()

    # -- course-level resources ---------------------------------------------------------------
    def add_asset(self, asset) -> None:
        path = self.asset_path(asset.key)
        self.bundle.add_file(path, self.course.asset_source(asset))
        self.cartridge.add_resource(Resource(ids.asset_resource_id(asset), "webcontent", [path], href=path,
                                             instructor_only=self.asset_hidden(asset.key)))

    def asset_hidden(self, key: str) -> bool:
        """A file learners never reach (offered only through unpublished file items, or used
        only by instructor material) is for instructors."""
        if not hasattr(self, "_learner_assets"):
            self._learner_assets = assets_for_learners(self.course)
        return key not in self._learner_assets

    def add_syllabus(self) -> OrgItem:
        path = "course/syllabus.html"
        body = pages.syllabus_body(self.course, self.rewrite(self.course.description.html, path))
        self.write_page(path, f"{self.course.display_title}: syllabus", body)
        resource = Resource("RS_syllabus", "webcontent", [path], href=path, intendeduse="syllabus")
        self.take_used_assets(resource)
        self.cartridge.add_resource(resource)
        return OrgItem("I_syllabus", "Syllabus", resource.identifier)

    def write_page(self, path: str, title: str, body: str, meta: list[tuple[str, str]] = ()) -> None:
        self.bundle.add_text(path, pages.document(title, body, self.course.language, self.standalone_pages, meta))

    # -- modules and items -----------------------------------------------------------------------
    def add_overview(self, module: Module) -> OrgItem:
        path = self.overview_path(module)
        title = f"Overview: {module.title}"
        body = pages.overview_body(module, self.rewrite(module.overview.html, path))
        self.write_page(path, title, body, self.page_meta(ids.overview_resource(module),
                                                          module_visible_to_learners(module)))
        resource = Resource(ids.overview_resource(module), "webcontent", [path], href=path,
                            instructor_only=not module_visible_to_learners(module))
        self.take_used_assets(resource)
        self.cartridge.add_resource(resource)
        return OrgItem(ids.overview_item(module), self.name(title), resource.identifier)

    def page_meta(self, identifier: str, published: bool) -> list[tuple[str, str]]:
        return []

    def add_item(self, item: Item) -> OrgItem:
        handler = getattr(self, f"add_{item.type}")
        resource_id = handler(item)
        return OrgItem(ids.item_id(item), self.name(item.title), resource_id)

    def new_resource(self, item: Item, type_: str, files: list[str], href: str | None = None,
                     **extra) -> Resource:
        resource = Resource(ids.resource_id(item), type_, files, href=href,
                            instructor_only=hidden_from_learners(item), **extra)
        self.take_used_assets(resource)
        return self.cartridge.add_resource(resource)

    def add_page(self, item: Page) -> str:
        path = self.item_path(item)
        body = self.rewrite(item.body.html, path)
        self.write_page(path, item.title, body, self.page_meta(ids.resource_id(item), not hidden_from_learners(item)))
        return self.new_resource(item, "webcontent", [path], href=path).identifier

    def add_video(self, item: Video) -> str:
        path = self.item_path(item)
        video_src = self.resolve(references.Reference("asset", item.asset), path, False) if item.asset else None
        captions_src = self.resolve(references.Reference("asset", item.captions), path, False) \
            if item.captions else None
        transcript = self.rewrite(item.transcript.html, path) if item.transcript else None
        body = pages.video_body(item.title, self.course.language, item.url, item.youtube_id, video_src, captions_src,
                                self.rewrite(item.body.html, path), transcript)
        self.write_page(path, item.title, body, self.page_meta(ids.resource_id(item), not hidden_from_learners(item)))
        return self.new_resource(item, "webcontent", [path], href=path).identifier

    def add_file(self, item: File) -> str:
        if not item.body.is_empty:
            self.bundle.note(f"file item {item.full_id}: its description is not carried (a cartridge links "
                             "the file itself)")
        return ids.asset_resource_id(self.assets[item.asset])

    def add_link(self, item: Link) -> str:
        if not item.body.is_empty:
            self.bundle.note(f"link item {item.full_id}: its description is not carried (CC web links have "
                             "a title and an address only)")
        path = f"{ids.resource_id(item)}/weblink.xml"
        self.bundle.add_xml(path, descriptors.web_link(self.profile, item.title, item.url))
        return self.new_resource(item, self.profile.weblink_type, [path]).identifier

    def add_discussion(self, item: Discussion) -> str:
        path = self.item_path(item)
        self.bundle.add_xml(path, descriptors.topic(self.profile, item.title, self.rewrite(item.body.html, path, True)))
        resource = self.new_resource(item, self.profile.discussion_type, [path])
        if item.graded:
            self.bundle.note(f"discussion {item.full_id}: its {pages.number(item.points)} points and grading "
                             "group are not carried (plain CC discussions are ungraded)")
        return resource.identifier

    def add_quiz(self, item: Quiz) -> str:
        path = self.item_path(item)
        if not self.add_quiz_files(item):
            return self.add_quiz_as_page(item)
        lost = [name for name, value in (("mastery score", item.mastery), ("grading group", item.group))
                if value is not None]
        if lost:
            self.bundle.note(f"quiz {item.full_id}: {' and '.join(lost)} not carried (the CC profile has no "
                             "field for them)")
        return self.new_resource(item, self.profile.assessment_type, [path]).identifier

    def add_assignment(self, item: Assignment) -> str:
        group = self.course.grading.group(item.group)
        path = self.item_path(item)
        instructions = self.rewrite(item.body.html, path)
        body = pages.assignment_body(item, instructions, group.name if group else None)
        if not self.profile.has_assignments:
            self.bundle.note(f"assignment {item.full_id}: CC 1.1 has no assignment type; written as an "
                             "instructions page with points, due date, submission types and rubric in its text")
            self.write_page(path, item.title, body)
            return self.new_resource(item, "webcontent", [path], href=path).identifier
        # CC 1.3: the assignment resource, plus a webcontent fallback for LMSs without the type.
        self.write_page(path, item.title, body)
        descriptor_path = f"{ids.resource_id(item)}/assignment.xml"
        descriptor_instructions = self.rewrite(item.body.html, descriptor_path, True)
        # The page's body is a function of the instructions alone; links often read the same.
        descriptor_body = body if descriptor_instructions == instructions else pages.assignment_body(
            item, descriptor_instructions, group.name if group else None)
        self.bundle.add_xml(descriptor_path, descriptors.assignment(ids.resource_id(item), item, descriptor_body,
                                                                    extension=canvas_meta.assignment_extension(item)))
        text_only = [name for name, value in (("due date", item.due), ("grading group", item.group),
                                              ("rubric", item.rubric)) if value]
        if text_only:
            self.bundle.note(f"assignment {item.full_id}: {', '.join(text_only)} in its text only (the CC "
                             "assignment type has no fields for them)")
        resource = self.new_resource(item, "assignment_xmlv1p0", [descriptor_path], href=descriptor_path)
        fallback = Resource(ids.fallback_resource_id(item), "webcontent", [path], href=path,
                            instructor_only=hidden_from_learners(item), variant_of=resource.identifier)
        fallback.dependencies = list(resource.dependencies)
        self.cartridge.add_resource(fallback)
        return resource.identifier
