"""Reading a Common Cartridge back into the import form: the inverse of :mod:`.builder`.

Reads IMS CC 1.0-1.3 and Thin CC manifests (the organization gives the modules, resources
give the items), Canvas exports (``course_settings/``: :mod:`.canvas_reader`) and Moodle's
CC 1.1 export.  Elements are matched by local name, whatever the namespace version.  Links
inside pages and descriptors (relative paths, ``$IMS-CC-FILEBASE$``, ``$WIKI_REFERENCE$``,
``$CANVAS_OBJECT_REFERENCE$``) become references to the form's items and files.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup, Tag

from ilead_shell.identifiers import slugify
from ilead_shell.import_api import (ArchiveRefused, ImportedCourse, ImportedFile, ImportedItem, ImportedModule,
                                    ImportedOutcome, Importer, ImportReport, SourceArchive, asset_url, item_url,
                                    module_url)

from . import generated_sections, lom_reader as lom, video_page
from .canvas_reader import CanvasSettings
from .qti_reader import QtiReader
from .qti_scoring import children, descendants, local

_TOKEN = re.compile(r"^(?:\$|%24)(?:IMS[-_]CC[-_]FILEBASE|1EdTech[-_]CC[-_]FILEBASE)(?:\$|%24)", re.IGNORECASE)
_WIKI = re.compile(r"^(?:\$|%24)WIKI_REFERENCE(?:\$|%24)/pages/(?P<slug>[^?#]+)", re.IGNORECASE)
_OBJECT = re.compile(r"^(?:\$|%24)CANVAS_OBJECT_REFERENCE(?:\$|%24)/(?P<kind>[a-z_]+)/(?P<id>[^?#/]+)", re.IGNORECASE)
_COURSE = re.compile(r"^(?:\$|%24)CANVAS_COURSE_REFERENCE(?:\$|%24)", re.IGNORECASE)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_OURS = re.compile(r"^I_(?P<module>[a-z0-9]+(?:[-_][a-z0-9]+)*)__(?P<item>[a-z0-9]+(?:[-_][a-z0-9]+)*)$")
_OUR_MODULE = re.compile(r"^M_(?P<module>[a-z0-9]+(?:[-_][a-z0-9]+)*)$")
_OUR_OVERVIEW = re.compile(r"^O_(?P<module>[a-z0-9]+(?:[-_][a-z0-9]+)*)$")
LAR = "learning-application-resource"


@dataclass
class Resource:
    identifier: str
    type: str
    href: str | None
    files: list[str]
    dependencies: list[str]
    intendeduse: str = ""
    instructor: bool = False
    element: object = None


@dataclass
class OrgNode:
    identifier: str
    title: str
    identifierref: str | None
    children: list["OrgNode"] = field(default_factory=list)


def _text(node, name: str) -> str:
    found = [c for c in children(node, name)]
    return (found[0].text or "").strip() if found else ""


class CartridgeImporter(Importer):
    name = "cartridge"
    description = "IMS Common Cartridge 1.0-1.3 and Thin CC, Canvas course exports, Moodle's CC 1.1 export"

    def detect(self, archive: SourceArchive) -> bool:
        return archive.exists("imsmanifest.xml")

    def read(self, archive: SourceArchive, report: ImportReport) -> ImportedCourse:
        return CartridgeReading(archive, report).read()


class CartridgeReading:
    def __init__(self, archive: SourceArchive, report: ImportReport):
        self.archive = archive
        self.report = report
        self.files: dict[str, ImportedFile] = {}
        self.resource_keys: dict[str, str] = {}  # resource id -> item key (or "module:<key>")
        self.page_keys: dict[str, str] = {}  # archive path of a page or descriptor -> item key
        self.wiki_keys: dict[str, str] = {}  # wiki page slug (lower case) -> item key
        self.broken: set[str] = set()
        self.used_keys: set[str] = set()

    # -- the manifest ------------------------------------------------------------------------------
    def read(self) -> ImportedCourse:
        manifest = self.archive.parse_xml("imsmanifest.xml")
        if local(manifest) != "manifest":
            raise ArchiveRefused(f"{self.archive.path}: imsmanifest.xml is not a content package manifest")
        self.namespace = manifest.nsmap.get(None, "")
        metadata = (children(manifest, "metadata") or [None])[0]
        version = _text(metadata, "schemaversion") if metadata is not None else ""
        schema = _text(metadata, "schema") if metadata is not None else ""
        self.resources = self.read_resources(manifest)
        self.canvas = CanvasSettings.load(self.archive, self.resources, self.report) \
            if any(r.href == "course_settings/canvas_export.txt" for r in self.resources.values()) else None
        flavour = "Canvas export" if self.canvas else ("Thin Common Cartridge" if "Thin" in schema
                                                       else "Common Cartridge")
        self.source_format = f"{flavour} {version or _version_from_namespace(self.namespace)}".strip()
        title = self.lom_title(metadata) or (self.canvas.title if self.canvas else "") or "Imported course"
        course = ImportedCourse(title=title, code=self.course_code(title, manifest), source_format=self.source_format)
        lom.fill_course(course, metadata)
        if self.canvas:
            self.canvas.fill_course(course)
        self.limits(course)
        tree = self.organization(manifest)
        modules = self.plan(tree)
        course.modules = modules
        for module, node in zip(modules, self.module_nodes):
            self.fill_module(module, node)
        self.read_syllabus(course)
        if self.canvas:
            self.canvas.fill_outcomes(course, self.resource_keys)
        self.collect_unlisted_files()
        course.files = self.files
        return course

    def lom_title(self, metadata) -> str:
        if metadata is None:
            return ""
        for title in descendants(metadata, "title"):
            strings = descendants(title, "string") or [title]
            text = " ".join((strings[0].text or "").split())
            if text:
                return text.replace("\u2039", "<").replace("\u203a", ">")
        return ""

    def course_code(self, title: str, manifest) -> str:
        if self.canvas and self.canvas.code:
            return self.canvas.code
        keyword = lom.keyword(manifest)
        if keyword:
            return keyword
        words = [w for w in slugify(title).split("-") if w][:4]
        return "-".join(words).upper() or "IMPORTED"

    def limits(self, course: ImportedCourse) -> None:
        report = self.report
        if self.canvas:
            report.limit("a Canvas export holds one offering of a course: offerings, the course's own title "
                         "without the offering's suffix, competency domains and question-level outcomes are not "
                         "in it; outcomes are aligned only to graded items", ("offerings", "title", "competencies",
                                                                               "default_offering", "offering"))
            report.limit("Canvas keeps due dates as dates ('due: week N' arrives as the date), file names as their "
                         "safe names, no description for file and link items, and instructor material as unpublished "
                         "items; the outcomes of a quiz's questions arrive as the quiz's own; exporter options are not in a cartridge",
                         ("due", "due_week", "assets", "link.body", "file.body", "audience", "published",
                          "exporters", "question.outcomes", "quiz.outcomes", "page.outcomes", "video.outcomes", "discussion.outcomes"))
        else:
            report.limit("a plain cartridge holds one offering and no points, grading groups, due dates, rubrics, "
                         "outcomes of items, mastery scores, published state (unpublished and instructor material are both "
                         "for the Instructor role), file and link descriptions; grading group ids are their names' "
                         "slugs; numeric answers arrive as text answers, ranges as essays graded by hand",
                         ("offerings", "title", "default_offering", "offering", "points", "group", "due", "due_week",
                          "rubric", "outcomes", "mastery", "published", "body", "type", "asset", "url", "captions",
                          "transcript", "youtube_id", "questions", "submission", "grading", "competencies",
                          "license", "authors", "version", "start", "assets", "attempts", "shuffle",
                          "points_per_question", "language", "description", "exporters", "audience"))

    def read_resources(self, manifest) -> dict[str, Resource]:
        found = {}
        for holder in children(manifest, "resources"):
            for node in children(holder, "resource"):
                identifier = node.get("identifier", "")
                role = " ".join((v.text or "") for v in descendants(node, "intendedEndUserRole")
                                for v in descendants(v, "value"))
                found[identifier] = Resource(
                    identifier, node.get("type", ""), node.get("href"),
                    [f.get("href", "") for f in children(node, "file")],
                    [d.get("identifierref", "") for d in children(node, "dependency")],
                    node.get("intendeduse", ""), "Instructor" in role or "Mentor" in role, node)
        return found

    def organization(self, manifest) -> list[OrgNode]:
        def node(element) -> OrgNode:
            return OrgNode(element.get("identifier", ""), _text(element, "title"), element.get("identifierref"),
                           [node(c) for c in children(element, "item")])

        for holder in children(manifest, "organizations"):
            for organization in children(holder, "organization"):
                top = [node(c) for c in children(organization, "item")]
                if len(top) == 1 and not top[0].identifierref and not top[0].title:
                    return top[0].children  # the one untitled root item
                if len(top) == 1 and not top[0].identifierref and all(c.children for c in top[0].children):
                    return top[0].children
                return top
        return []

    # -- planning: keys for every item, before any text is read -------------------------------------------
    def plan(self, tree: list[OrgNode]) -> list[ImportedModule]:
        modules: list[ImportedModule] = []
        self.module_nodes: list[list[OrgNode]] = []
        loose: list[OrgNode] = []
        for node in tree:
            if node.children or not node.identifierref:
                modules.append(self.new_module(node))
                self.module_nodes.append(node.children)
            else:
                loose.append(node)
        if loose:
            syllabus = [n for n in loose if self.resources.get(n.identifierref or "", Resource("", "", None, [], []))
                        .intendeduse == "syllabus"]
            rest = [n for n in loose if n not in syllabus]
            if rest:
                module = ImportedModule(key="module:__loose__", title="Course content")
                modules.insert(0, module)
                self.module_nodes.insert(0, rest)
                self.report.changed("module:__loose__", f"{len(rest)} item(s) outside every module are in a "
                                                        "module 'Course content'", "imsmanifest.xml", ("modules",))
        if self.canvas:
            extra = self.canvas.unlisted_resources(self.resources, {n.identifierref for ns in self.module_nodes
                                                                   for n in _leaves(ns)})
            if extra:
                module = ImportedModule(key="module:__unlisted__", title="Not in a module")
                modules.append(module)
                self.module_nodes.append([OrgNode(f"unlisted:{r}", "", r) for r in extra])
                self.report.changed("module:__unlisted__", f"{len(extra)} page(s) or activities that are in no "
                                                           "Canvas module are in a module 'Not in a module'",
                                    "course_settings/module_meta.xml", ("modules",))
        for module, nodes in zip(modules, self.module_nodes):
            for node in _leaves(nodes):
                if _OUR_OVERVIEW.match(node.identifier) and node.identifierref:
                    self.resource_keys.setdefault(node.identifierref, f"module:{module.key}")
                    self.remember_paths(node.identifierref, f"module:{module.key}")
                    continue
                if not node.identifierref or node.identifierref not in self.resources:
                    continue
                key = f"item:{node.identifier}"
                self.resource_keys.setdefault(node.identifierref, key)
                self.remember_paths(node.identifierref, key)
        return modules

    def remember_paths(self, resource_id: str, key: str) -> None:
        resource = self.resources[resource_id]
        for path in ([resource.href] if resource.href else []) + resource.files[:1]:
            clean = posixpath.normpath(path)
            self.page_keys.setdefault(clean.lower(), key)
            if clean.lower().startswith("wiki_content/"):
                self.wiki_keys.setdefault(posixpath.splitext(clean[len("wiki_content/"):])[0].lower(), key)

    def new_module(self, node: OrgNode) -> ImportedModule:
        ours = _OUR_MODULE.match(node.identifier)
        module = ImportedModule(key=node.identifier, title=node.title or "Module",
                                slug=ours.group("module") if ours else None)
        if self.canvas:
            self.canvas.fill_module(module)
        return module

    # -- reading ---------------------------------------------------------------------------------------------
    def fill_module(self, module: ImportedModule, nodes: list[OrgNode]) -> None:
        for node in _flatten(nodes, module, self.report):
            resource = self.resources.get(node.identifierref or "")
            if _OUR_OVERVIEW.match(node.identifier) and resource is not None:
                try:
                    self.read_overview(module, resource)
                except KeyError:
                    pass
                continue
            if resource is None:
                if node.identifierref:
                    self.report.lost(module.key, f"'{node.title}' points at a resource the manifest does not have",
                                     "imsmanifest.xml", ("items",))
                else:
                    self.report.lost(module.key, f"text header '{node.title}' has no place in the source format",
                                     "imsmanifest.xml", ("items",))
                continue
            try:
                item = self.read_item(node, resource, module)
            except KeyError as missing:
                self.report.lost(module.key, f"'{node.title}' was not imported: the archive has no file "
                                             f"{missing}, which the manifest names", "imsmanifest.xml", ("items",))
                continue
            if item is not None:
                if item.key in self.used_keys:  # a manifest with duplicate identifiers
                    item.key = f"{item.key}~{len(self.used_keys)}"
                self.used_keys.add(item.key)
                # An unpublished item is hidden from learners as instructor material is, and
                # writers mark both for the Instructor role: unpublished says it already.
                if resource.instructor and item.audience == "learners" and item.published:
                    item.audience = "instructors"
                module.items.append(item)
        if module.items and all(i.audience == "instructors" for i in module.items) and not module.published:
            module.audience = "instructors"
            for item in module.items:
                item.published = True

    def read_item(self, node: OrgNode, resource: Resource, module: ImportedModule) -> ImportedItem | None:
        kind = resource.type.lower()
        ours = _OURS.match(node.identifier)
        item = ImportedItem(key=f"item:{node.identifier}", type="page", title=node.title,
                            slug=ours.group("item") if ours else None)
        if self.canvas:
            self.canvas.fill_item_state(item, node.identifier)
        href = resource.href or (resource.files[0] if resource.files else "")
        if kind.startswith("imsdt"):
            self.read_discussion(item, resource)
        elif kind.startswith("imswl"):
            self.read_web_link(item, resource)
        elif "assessment" in kind and kind.startswith("imsqti"):
            self.read_quiz(item, resource)
        elif kind.startswith("assignment_xml"):
            self.read_cc_assignment(item, resource)
        elif kind.startswith("imsbasiclti"):
            self.report.lost(module.key, f"external tool '{node.title}' (LTI) needs the tool's own set-up in the "
                                         "LMS; not imported", href, ("items",), self.lti_detail(href))
            return None
        elif LAR in kind and any(f.endswith("assignment_settings.xml") for f in resource.files):
            self.read_canvas_assignment(item, resource)
        elif kind == "webcontent" or LAR in kind:
            if not href:
                self.report.lost(module.key, f"'{node.title}' has no file", "imsmanifest.xml", ("items",))
                return None
            if href.lower().endswith((".html", ".htm", ".xhtml")):
                self.read_page(item, href)
            else:
                item.type = "file"
                item.file = self.file_key(href)
        else:
            self.report.lost(module.key, f"'{node.title}' is a '{resource.type}' resource, which has no place in the "
                                         "source format", href, ("items",))
            return None
        if not item.title:
            item.title = "Untitled"
        return item

    def lti_detail(self, href: str) -> str:
        if not href or not self.archive.exists(href):
            return ""
        root = self.archive.parse_xml(href)
        urls = [(u.text or "").strip() for u in descendants(root, "launch_url") + descendants(root, "secure_launch_url")]
        return "Launch URL: " + ", ".join(u for u in urls if u) if any(urls) else ""

    # -- pages ---------------------------------------------------------------------------------------------
    def page_parts(self, href: str) -> tuple[str, dict[str, str], str]:
        """(title, meta tags, body HTML) of an HTML page; a standalone page's own h1 removed."""
        soup = BeautifulSoup(self.archive.text(href), "html.parser")
        title = " ".join(soup.title.get_text().split()) if soup.title else ""
        meta = {m.get("name", ""): m.get("content", "") for m in soup.find_all("meta") if m.get("name")}
        body = soup.body or soup
        main = body.find("main", recursive=False)
        container = main if main is not None else body
        first = container.find(True, recursive=False)
        if first is not None and first.name == "h1" and " ".join(first.get_text().split()) == title:
            first.extract()
        if container is soup:
            for tag in soup.find_all(["html", "head", "title", "meta", "style", "link"]):
                tag.extract()
        inner = "".join(str(c) for c in container.children)
        return title, meta, self.rich(inner, href)

    def read_page(self, item: ImportedItem, href: str) -> None:
        title, meta, body = self.page_parts(href)
        item.title = item.title or title
        item.body_html = body
        if meta.get("workflow_state") == "unpublished":
            item.published = False
        video_page.read_video(item)

    def read_overview(self, module: ImportedModule, resource: Resource) -> None:
        _, _, body = self.page_parts(resource.href or resource.files[0])
        extracted = generated_sections.module_overview(body)
        module.overview_html = extracted.html
        if extracted.outcomes and not module.outcomes:
            module.outcomes = [ImportedOutcome(i, t) for i, t, _ in extracted.outcomes]
        if resource.instructor:
            module.audience = "instructors"

    def read_syllabus(self, course: ImportedCourse) -> None:
        syllabus = next((r for r in self.resources.values() if r.intendeduse == "syllabus"), None)
        if syllabus is None or not (syllabus.href or syllabus.files):
            return
        try:
            _, _, body = self.page_parts(syllabus.href or syllabus.files[0])
        except KeyError:
            self.report.lost("course", "the syllabus page the manifest names is not in the archive",
                             "imsmanifest.xml", ("description",))
            return
        extracted = generated_sections.syllabus(body)
        course.description_html = extracted.html
        if extracted.outcomes and not course.outcomes:
            course.outcomes = [ImportedOutcome(i, t, links) for i, t, links in extracted.outcomes]
        elif extracted.outcomes:
            links = {i: links for i, _, links in extracted.outcomes}
            for outcome in course.outcomes:
                outcome.links = outcome.links or links.get(outcome.id, [])
        if extracted.competencies:
            from ilead_shell.import_api import ImportedCompetency
            course.competencies = [ImportedCompetency(i, n, d) for i, n, d in extracted.competencies]
            course.competencies_title = extracted.competencies_title
        if extracted.groups and not course.groups:
            from ilead_shell.import_api import ImportedGroup
            course.groups = [ImportedGroup(slugify(name) or f"group-{n}", name, weight)
                             for n, (name, weight) in enumerate(extracted.groups, start=1)]
        if extracted.pass_percent is not None:
            course.pass_percent = extracted.pass_percent

    # -- descriptors -------------------------------------------------------------------------------------------
    def read_discussion(self, item: ImportedItem, resource: Resource) -> None:
        item.type = "discussion"
        path = resource.files[0] if resource.files else resource.href
        root = self.archive.parse_xml(path)
        item.title = item.title or _text(root, "title")
        text = children(root, "text")
        if text:
            raw = text[0].text or ""
            item.body_html = self.rich(raw if text[0].get("texttype", "text/html") == "text/html"
                                       else f"<p>{_escape(raw)}</p>", path)
        for attachment in descendants(root, "attachment"):
            href = attachment.get("href", "")
            key = self.link_target(href, path)
            if key:
                item.body_html += f'<p><a href="{key}">{_escape(posixpath.basename(href))}</a></p>'
        if self.canvas:
            self.canvas.fill_discussion(item, resource, self.resources)

    def read_web_link(self, item: ImportedItem, resource: Resource) -> None:
        item.type = "link"
        path = resource.files[0] if resource.files else resource.href
        root = self.archive.parse_xml(path)
        item.title = item.title or _text(root, "title")
        url = descendants(root, "url")
        item.url = (url[0].get("href") or "").strip() if url else ""

    def read_quiz(self, item: ImportedItem, resource: Resource) -> None:
        item.type = "quiz"
        path = resource.files[0] if resource.files else resource.href
        canvas_path = self.canvas.quiz_file(resource, self.resources) if self.canvas else None
        source = canvas_path or path
        reader = QtiReader(lambda h: self.rich(h, source), self.report, item.key, source)
        quiz = reader.read(self.archive.parse_xml(source))
        item.title = item.title or quiz.title
        item.body_html = "".join([quiz.description_html] + quiz.texts)
        item.questions = quiz.questions
        item.attempts = quiz.attempts
        if self.canvas:
            self.canvas.fill_quiz(item, resource, self.resources, lambda h, p: self.rich(h, p))
        if not item.questions:
            self.report.changed(item.key, f"quiz '{item.title}' has no question the quiz syntax can hold; "
                                          "written as a page", source, ("type",))
            item.type = "page"

    def read_cc_assignment(self, item: ImportedItem, resource: Resource) -> None:
        item.type = "assignment"
        path = resource.href or resource.files[0]
        root = self.archive.parse_xml(path)
        item.title = item.title or _text(root, "title")
        text = children(root, "text")
        body = self.rich(text[0].text or "", path) if text else ""
        extracted = generated_sections.assignment_page(body)
        item.body_html = extracted.html
        gradable = children(root, "gradable")
        if gradable and (gradable[0].text or "").strip().lower() == "true":
            try:
                item.points = float(gradable[0].get("points_possible", ""))
            except ValueError:
                pass
        if item.points is None:
            item.points = extracted.points
        formats = [f.get("type", "") for f in descendants(root, "format")]
        item.submission = [s for s in dict.fromkeys({"html": "text", "text": "text", "file": "file",
                                                     "url": "url"}.get(f, "") for f in formats) if s]
        if not item.submission:
            item.submission = extracted.submission
        self.apply_extracted(item, extracted)
        if self.canvas:
            self.canvas.fill_assignment_extension(item, root)

    def read_canvas_assignment(self, item: ImportedItem, resource: Resource) -> None:
        item.type = "assignment"
        href = resource.href or next(f for f in resource.files if f.lower().endswith((".html", ".htm")))
        _, _, body = self.page_parts(href)
        item.body_html = body
        settings = next(f for f in resource.files if f.endswith("assignment_settings.xml"))
        if self.canvas:
            self.canvas.fill_assignment(item, self.archive.parse_xml(settings))

    def apply_extracted(self, item: ImportedItem, extracted) -> None:
        import datetime as dt
        if extracted.due and item.due is None:
            try:
                item.due = dt.date.fromisoformat(extracted.due)
            except ValueError:
                pass
        if extracted.rubric and not item.rubric:
            from ilead_shell.import_api import ImportedRubricRow
            item.rubric = [ImportedRubricRow(c, p, d) for c, d, p in extracted.rubric]
        if extracted.group_name and not item.group:
            item.group = slugify(extracted.group_name)

    # -- links -------------------------------------------------------------------------------------------------
    def file_key(self, path: str) -> str:
        found = self.archive.find(path)
        if found is None:
            raise KeyError(path)
        name = key = found
        if key not in self.files:
            display = self.canvas.display_name(name) if self.canvas else None
            self.files[key] = ImportedFile(key, name, display or posixpath.basename(name))
        return key

    def link_target(self, url: str, from_path: str) -> str | None:
        """The import-form URL for a link found in ``from_path``; None when it points at nothing kept."""
        url = url.strip()
        if not url or url.startswith("#") or url.startswith("//"):
            return url or None
        token = _TOKEN.match(url)
        if token:
            rest = unquote(urlsplit(url[token.end():]).path)
            fragment = urlsplit(url).fragment
            candidates = [("web_resources/" + rest.lstrip("/"))] if rest.startswith("/") else \
                [posixpath.join(posixpath.dirname(from_path), rest), "web_resources/" + rest, rest]
            return self.existing(candidates, fragment)
        wiki = _WIKI.match(url)
        if wiki:
            key = self.wiki_keys.get(unquote(wiki.group("slug")).lower())
            return self.reference(key, urlsplit(url).fragment)
        found = _OBJECT.match(url)
        if found:
            key = self.resource_keys.get(unquote(found.group("id")))
            if key is None and self.canvas:
                key = self.resource_keys.get(self.canvas.resource_for_object(unquote(found.group("id"))) or "")
            return self.reference(key, urlsplit(url).fragment)
        if _COURSE.match(url):
            return None
        if _SCHEME.match(url):
            return url
        parts = urlsplit(url)
        path = unquote(parts.path)
        if not path:
            return url
        return self.existing([posixpath.join(posixpath.dirname(from_path), path)], parts.fragment)

    def existing(self, candidates: list[str], fragment: str) -> str | None:
        for candidate in candidates:
            clean = posixpath.normpath(candidate)
            if clean.startswith("../"):
                continue
            key = self.page_keys.get(clean.lower())
            if key:
                return self.reference(key, fragment)
            if self.archive.exists(clean):
                return asset_url(self.file_key(clean))
        return None

    @staticmethod
    def reference(key: str | None, fragment: str = "") -> str | None:
        if key is None:
            return None
        if key.startswith("module:"):
            return module_url(key[len("module:"):], fragment)
        return item_url(key, fragment)

    def rich(self, html_text: str, from_path: str) -> str:
        """``html_text`` with every link and embedded file pointing into the import form."""
        if not html_text or ("href" not in html_text and "src" not in html_text and "data" not in html_text):
            return html_text or ""
        soup = BeautifulSoup(html_text, "html.parser")
        for node, attribute in _url_attributes(soup):
            value = node[attribute]
            target = self.link_target(value, from_path)
            if target is not None:
                node[attribute] = target
                continue
            if value not in self.broken:
                self.broken.add(value)
                self.report.lost("course", f"a link to '{value}' points at nothing in the archive; its text "
                                           "is kept", from_path, ("body",))
            if node.name == "a":
                node.unwrap()
            else:
                del node[attribute]
        return str(soup)

    def collect_unlisted_files(self) -> None:
        """Course files nothing links to are kept too (in assets/), so nothing is lost."""
        for resource in self.resources.values():
            if resource.type.lower() != "webcontent":
                continue
            for path in resource.files:
                if not path.lower().endswith((".html", ".htm", ".xhtml")) and self.archive.exists(path):
                    if posixpath.normpath(path).lower() not in self.page_keys:
                        self.file_key(path)


def _url_attributes(soup: BeautifulSoup) -> list[tuple[Tag, str]]:
    """Every attribute that names a file or page: the course reader checks href, src and poster
    on any element (a page's <script src>, <link href>, <input src>, xlink:href too), so each must
    be resolved or dropped here, or the written source would not read back."""
    found = []
    for node in soup.find_all(True):
        for attribute in list(node.attrs):
            name = attribute.lower().rpartition(":")[2]
            if name in ("href", "src", "poster") or (node.name, name) == ("object", "data"):
                if isinstance(node.get(attribute), str):
                    found.append((node, attribute))
    return found


def _leaves(nodes: list[OrgNode]) -> list[OrgNode]:
    found = []
    for node in nodes:
        found.append(node)
        found += _leaves(node.children)
    return found


def _flatten(nodes: list[OrgNode], module: ImportedModule, report: ImportReport) -> list[OrgNode]:
    flat = []
    for node in nodes:
        if node.children:
            report.changed(module.key, f"sub-folder '{node.title}' of module '{module.title}' is flattened into it "
                                       "(a module holds items, not folders)", "imsmanifest.xml", ("items",))
            if node.identifierref:
                flat.append(OrgNode(node.identifier, node.title, node.identifierref))
            flat += _flatten(node.children, module, report)
        else:
            flat.append(node)
    return flat


def _version_from_namespace(namespace: str) -> str:
    match = re.search(r"imsccv(\d)p(\d)", namespace)
    if match:
        return f"{match.group(1)}.{match.group(2)}.0"
    return "1.0.0" if "imscc" in namespace else ""


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
