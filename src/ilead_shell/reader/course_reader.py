"""Read a course folder into a validated :class:`~ilead_shell.model.Course`.

Two passes: the first finds every module and item (so links between items can be
resolved whichever comes first), the second renders bodies and quizzes.  Problems are
collected, not raised one by one, so the author sees every mistake in one run.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..errors import CourseError, Diagnostic, error, warning
from ..identifiers import ID_PATTERN, is_valid_id, slug_from_filename
from ..model import (
    Assignment, CompetencyDomain, CompetencyFramework, Competency, CompetencyIndicators, Course,
    CourseOutcome, CrosswalkEntry, CrosswalkFramework, Discussion, File, Grading, GradingGroup, Link,
    Module, ModuleOutcome, Offering, Page, ProficiencyLevel, Quiz, RichText, SourceLocation, Video,
)
from ..source_files import kind_of, remember
from . import bibliography as refs
from . import limits
from . import source_schema as schema
from .cross_references import Tolerated
from .durations import MEANING as DURATION_MEANING, parse_duration
from .rubrics import build_rubric
from .markdown_render import CourseFiles, MarkdownRenderer, ModuleScope, existing_path
from .real_paths import RealPaths
from .quiz_syntax import introduction_problems, parse_question, split_questions
from .text_files import describe, forbidden_character, read_text
from .theme import read_theme
from .yaml_source import YamlDocument, YamlSyntaxError, load_yaml, split_front_matter

ORDER = re.compile(r"^(\d+)")
# 'id: M2.1' or '- id: C1' in a file that is not valid YAML: the ids it meant to define.
_WRITTEN_ID = re.compile(r"^[\s-]*id\s*:\s*[\"']?([A-Za-z0-9][A-Za-z0-9._-]*)", re.MULTILINE)
WEEK = re.compile(r"^week\s+(\d+)$", re.IGNORECASE)
# Below this much Markdown, building the modules takes less than about 0.05 s: a second process
# would cost more than it saves (benchmarks/bench_build.py --only scaling,text2qti).
PARALLEL_MIN_BUILD_CHARACTERS = 30_000


@dataclass
class _ItemSource:
    path: Path
    real: Path
    front: schema.RawItemCommon
    document: YamlDocument
    body: str
    body_line: int
    id: str
    # Keys left out after their error was reported: nothing that depends on them is checked.
    touched: frozenset[str] = frozenset()


@dataclass
class _ModuleSource:
    folder: Path
    real: Path
    path: Path  # module.md
    front: schema.RawModule
    document: YamlDocument
    body: str
    body_line: int
    id: str
    items: list[_ItemSource] = field(default_factory=list)


def _order_key(path: Path) -> tuple[int, str]:
    match = ORDER.match(path.name)
    return (int(match.group(1)) if match else 1_000_000, path.name)


def _kind(path: Path) -> tuple[str | None, str | None]:
    """(``'folder'``, ``'file'``, another kind in words, or None when missing; a problem or None).

    ``Path.is_dir()`` raises for a folder that cannot be searched; the reader must say so instead.
    """
    try:
        status = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        return None, None
    except PermissionError:
        return None, "permission denied"
    except (OSError, ValueError) as exc:
        if isinstance(exc, OSError) and exc.errno == 40:  # ELOOP: a link to itself
            return None, "it is a link that leads to itself"
        return None, getattr(exc, "strerror", None) or str(exc)
    kind = kind_of(status.st_mode)
    return ("folder" if kind == "a folder" else "file" if kind is None else kind), None


def _list(folder: Path) -> tuple[list[Path], str | None]:
    try:
        return list(folder.iterdir()), None
    except OSError as exc:
        return [], exc.strerror or str(exc)


@dataclass
class _BuiltModule:
    """A module built in a process of its own, with what building it added to the reader."""

    module: Module | None
    diagnostics: list[Diagnostic]
    journal: list[tuple[str, Any, Any]]


def _nested(folders: list[Path]) -> bool:
    """Whether a module folder holds another.  Only then can two modules name the same file
    outside assets/ (a module names only files in its folder or assets/), and a file of the
    inner one gets the key of the first module to name it, which only a serial build knows."""
    outer = None
    for folder in sorted(folders, key=lambda f: f.parts):  # a folder comes right before what it holds
        if outer is not None and folder.is_relative_to(outer):
            return True
        outer = folder
    return False


def _module_weight(source: _ModuleSource) -> int:
    """About how long a module takes to build: its Markdown, which every part of the build reads."""
    return len(source.body) + sum(len(item.body) for item in source.items)


class CourseReader:
    def __init__(self, source: Path, markdown_cache: dict[str, str] | None = None, processes: int | None = None):
        self.source = source
        # At most this many processes read the course (None: one per CPU).
        self.processes = processes
        self.diagnostics: list[Diagnostic] = []
        self.texts: dict[Path, str] = {}  # every Markdown file read so far, by real path: read once
        self.item_count = 0
        self.tolerated = Tolerated()
        # Files whose front matter is not valid YAML: (that YAML text, the body, its first line).
        self.unparsed: dict[Path, tuple[str, str, int]] = {}
        self.markdown_cache = markdown_cache
        self.relative: dict[Path, str] = {}  # rel() of each path asked
        self.real = RealPaths()

    # -- small helpers ------------------------------------------------------------------
    def fail(self, message: str, path: Path | str | None = None, line: int = 0) -> None:
        self.diagnostics.append(error(message, path, line))

    def rel(self, path: Path) -> str:
        # Asked again for every question and citation of a file: computed once per path.
        relative = self.relative.get(path)
        if relative is None:
            relative = self.relative[path] = Path(os.path.relpath(path, self.root)).as_posix()
        return relative

    def loc(self, path: Path, line: int = 0) -> SourceLocation:
        return SourceLocation(path=self.rel(path), line=line)

    def load_yaml_file(self, path: Path, real: Path) -> YamlDocument | None:
        text = read_text(path, self.diagnostics, real)
        self.last_text = text or ""
        if text is None:
            return None
        try:
            return load_yaml(text, str(path))
        except YamlSyntaxError as exc:
            self.diagnostics.append(exc.diagnostic)
            return None

    def load_markdown(self, path: Path, real: Path, what: str) -> tuple[YamlDocument, str, int] | None:
        text = read_text(path, self.diagnostics, real)
        return None if text is None else self.parse_front_matter(path, text, what)

    def parse_front_matter(self, path: Path, text: str, what: str,
                           problems: list[Diagnostic] | None = None) -> tuple[YamlDocument, str, int] | None:
        """The front matter as YAML, the body, and the body's first line; None after an error
        (added to ``problems``, the reader's diagnostics unless given)."""
        problems = self.diagnostics if problems is None else problems
        try:
            split = split_front_matter(text)
        except ValueError as exc:
            problems.append(error(str(exc), path, 1))
            return None
        if split.yaml_text is None:
            # Authors keep notes beside their items; say why such a file is read at all.
            why = ("; every .md file in a module folder is an item (except module.md and video transcripts), "
                   "so move other notes out of the folder") if what == "item" else ""
            problems.append(error(f"{what} has no front matter: start the file with '---', a 'title:' line "
                                  f"and '---'{why}", path, 1))
            return None
        try:
            document = load_yaml(split.yaml_text, str(path), split.yaml_first_line)
        except YamlSyntaxError as exc:
            problems.append(exc.diagnostic)
            # The body is still the author's text: its links are checked in this run too.
            self.unparsed[path] = (split.yaml_text, split.body, split.body_first_line)
            return None
        return document, split.body, split.body_first_line

    # -- the read ---------------------------------------------------------------------
    def read(self) -> Course:
        source = self.source
        kind, problem = _kind(source)
        if problem:
            raise CourseError([error(f"cannot read the course source '{source}': {problem}")])
        if kind is None:
            raise CourseError([error(f"course source '{source}' does not exist; name the folder that holds the "
                                     "course.yml (ilead-shell check path/to/course), or run the command inside it "
                                     "with no folder named", code="source-missing")])
        if kind != "folder":
            raise CourseError([error(f"course source '{source}' is not a folder")])
        self.root = source.resolve()
        self.real = RealPaths(self.root)
        course_yml = self.root / "course.yml"
        kind, problem = _kind(course_yml)
        if problem:
            raise CourseError([error(f"cannot read the file: {problem}", course_yml, 1)])
        if kind is None:
            raise CourseError([error("no course.yml in the course source folder; name the folder that holds "
                                     "course.yml, or start a course with: ilead-shell new course DIR", source,
                                     code="source-missing")])
        if kind != "file":
            raise CourseError([error(f"course.yml is {'a folder' if kind == 'folder' else kind}, "
                                     "not a file", course_yml, 1)])
        if not course_yml.resolve().is_relative_to(self.root):
            raise CourseError([error("course.yml is a link to a file outside the course source", course_yml, 1)])
        document = self.load_yaml_file(course_yml, course_yml.resolve())
        if document is None:
            text = self.last_text
            if not text or re.search(r"^modules\s*:", text, re.MULTILINE):
                # Which modules the course has is unknown: checking any would mislead.
                raise CourseError(self.diagnostics)
            # Read on with the default modules/ folder, so the modules' mistakes show in this run too;
            # nothing course.yml defines is reported as unknown.
            document = YamlDocument({}, None, str(course_yml), 1)
            raw = schema.RawCourse(title="(untitled)", code="COURSE")
            self.tolerated.outcomes |= set(_WRITTEN_ID.findall(text))
            self.tolerated.every_offering = self.tolerated.every_group = self.tolerated.every_competency = True
            self.tolerated.course_keys |= set(schema.RawCourse.model_fields) | {"pass"}
        else:
            raw, problems = schema.validate(schema.RawCourse, document, "course.yml")
            self.diagnostics += problems
            if raw is None:
                # Read on without the faulty keys, so the modules' mistakes show in this run too.
                raw, touched = schema.lenient(schema.RawCourse, document.data)
                if raw is None:
                    raise CourseError(self.diagnostics)
                self.tolerate_course_keys(document.data, touched)
        self.course_yml, self.course_doc, self.raw = course_yml, document, raw

        assets_dir = self.root / "assets"
        assets_kind, problem = _kind(assets_dir)
        if problem:
            self.fail(f"cannot read the folder assets/: {problem}", assets_dir)
            raise CourseError(self.diagnostics)
        if assets_kind == "folder" and not assets_dir.resolve().is_relative_to(self.root):
            self.fail("assets/ is a link to a folder outside the course source; copy the files into the course",
                      assets_dir)
            raise CourseError(self.diagnostics)
        self.files = CourseFiles(root=self.root,
                                 assets_dir=assets_dir.resolve() if assets_kind == "folder" else None,
                                 real=self.real)
        self.renderer = MarkdownRenderer(self.files, self.markdown_cache)

        framework = self.read_competencies()
        offerings = self.read_offerings()
        modules = self.discover_modules()
        self.bibliography = refs.load_bibliography(self.references_files(modules), self.rel, self.diagnostics)
        self.check_crosswalk_references(framework)
        # Module overviews and every item body but a quiz's (split into its questions first).
        self.renderer.convert_ahead([m.body for m in modules] + [i.body for m in modules for i in m.items
                                                                 if not isinstance(i.front, schema.RawQuiz)],
                                    self.process_count())
        built_modules = self.build_modules(modules)
        course_scope = ModuleScope(module_id="", folder=self.root / "assets")
        description = self.render(raw.description, course_yml, document.line_of(("description",)) + 1,
                                  course_scope) if raw.description else RichText()
        grading = Grading(
            groups=tuple(GradingGroup(id=g.id, name=g.name, weight=g.weight) for g in raw.grading.groups),
            pass_percent=raw.grading.pass_percent,
        ) if raw.grading else Grading()
        theme = read_theme(raw.theme, document, self.files, self.root, self.diagnostics)
        settings = dict(
            title=raw.title,
            code=raw.code,
            language=raw.language,
            description=description,
            license=raw.license,
            authors=tuple(raw.authors),
            version=raw.version,
            start=raw.start,
            competencies=framework,
            outcomes=tuple(
                CourseOutcome(id=o.id, text=o.text, competencies=tuple(o.competencies),
                              location=self.loc(course_yml, document.line_of(("outcomes", i))))
                for i, o in enumerate(raw.outcomes)
            ),
            grading=grading,
            theme=theme,
            offerings=offerings,
            default_offering=raw.default_offering or offerings[0].name,
            offering=raw.default_offering or offerings[0].name,
            exporters={k: dict(v or {}) for k, v in raw.exporters.items()},
            checks=dict(raw.checks or {}),
            location=self.loc(course_yml, 1),
            root=str(self.root),
        )
        from .cross_references import check_references
        course = Course(**settings, modules=tuple(m for m in built_modules if m is not None),
                        assets=self.files.final_assets(),
                        bibliography=tuple(self.bibliography.ordered(self.bibliography.works)))
        front_matter = {self.rel(m.path): m.document for m in modules}
        front_matter.update({self.rel(i.path): i.document for m in modules for i in m.items})
        # Also after errors elsewhere: every independent mistake is reported in this run.
        self.diagnostics += check_references(course, self.course_doc, front_matter, self.tolerated)
        if any(d.is_error for d in self.diagnostics):
            failure = CourseError(self.diagnostics)
            failure.course = course  # what could be read, for checks of course.yml alone
            raise failure
        return course

    def tolerate_course_keys(self, data: Any, touched: set[str]) -> None:
        """What course.yml's faulty keys meant to define, so nothing naming it is a second error."""
        self.tolerated.course_keys |= touched
        data = data if isinstance(data, dict) else {}
        if "outcomes" in touched:
            self.tolerated.outcomes |= _ids_in(data.get("outcomes"))
        if "offerings" in touched:
            if isinstance(data.get("offerings"), dict):
                self.tolerated.offerings |= {str(k) for k in data["offerings"]}
            else:
                self.tolerated.every_offering = True
        if "grading" in touched:
            grading = data.get("grading")
            groups = grading.get("groups") if isinstance(grading, dict) else None
            if isinstance(groups, list):
                self.tolerated.groups |= _ids_in(groups)
            else:
                self.tolerated.every_group = True
        if "competencies" in touched:
            self.tolerated.every_competency = True

    def render(self, text: str, path: Path, line: int, scope: ModuleScope) -> RichText:
        return self.renderer.render(text, path, line, scope, self.diagnostics)

    def read_competencies(self) -> CompetencyFramework:
        name = self.raw.competencies
        line = self.course_doc.line_of(("competencies",))
        if name is None:
            kind, problem = _kind(self.root / "competencies.yml")
            if kind is None and problem is None:
                return CompetencyFramework()
            name, line = "competencies.yml", 1
        path = (self.root / name)
        real = path.resolve()
        where = (self.course_yml, line) if self.raw.competencies is not None else (path, 1)
        # From here on, a failure leaves the competencies unknown: outcomes naming them are not errors.
        self.tolerated.every_competency = True
        if not real.is_relative_to(self.root):
            self.fail(f"competencies file '{name}' is outside the course source", *where)
            return CompetencyFramework()
        kind, problem = _kind(real)
        if problem:
            self.fail(f"cannot read the competencies file '{name}': {problem}", *where)
            return CompetencyFramework()
        if kind is None:
            self.fail(f"competencies file '{name}' does not exist", *where)
            return CompetencyFramework()
        if kind != "file":
            self.fail(f"competencies file '{name}' is {'a folder' if kind == 'folder' else kind}, not a file",
                      *where)
            return CompetencyFramework()
        document = self.load_yaml_file(path, real)
        if document is None:
            return CompetencyFramework()
        raw, problems = schema.validate(schema.RawFramework, document, path.name)
        self.diagnostics += problems
        if raw is None:
            return CompetencyFramework()
        self.tolerated.every_competency = False
        seen: dict[str, int] = {}
        domain_lines: dict[str, int] = {}
        domains = []
        levels = [lv.id for lv in raw.levels]
        frameworks = [f.id for f in raw.crosswalk]
        for kind, ids, key in (("proficiency level", levels, "levels"), ("crosswalk framework", frameworks, "crosswalk")):
            for index, value in enumerate(ids):
                if ids.index(value) != index:
                    self.fail(f"{kind} id '{value}' is used twice", path, document.line_of((key, index)))
        for di, d in enumerate(raw.domains):
            domain_line = document.line_of(("domains", di))
            if d.id in domain_lines:
                self.fail(f"domain id '{d.id}' is used twice (also at line {domain_lines[d.id]})", path, domain_line)
            domain_lines.setdefault(d.id, domain_line)
            competencies = []
            for ci, c in enumerate(d.competencies):
                line = document.line_of(("domains", di, "competencies", ci))
                if c.id in seen:
                    self.fail(f"competency id '{c.id}' is used twice (also at line {seen[c.id]})", path, line)
                seen.setdefault(c.id, line)
                competencies.append(Competency(
                    id=c.id, name=c.name, description=c.description,
                    indicators=self.competency_map(c.indicators, levels, "indicators", "proficiency level",
                                                   path, document, ("domains", di, "competencies", ci),
                                                   CompetencyIndicators, "level", "statements"),
                    maps_to=self.competency_map(c.maps_to, frameworks, "maps_to", "crosswalk framework",
                                                path, document, ("domains", di, "competencies", ci),
                                                CrosswalkEntry, "framework", "elements"),
                    location=self.loc(path, line)))
            domains.append(CompetencyDomain(id=d.id, name=d.name, description=d.description,
                                            competencies=tuple(competencies),
                                            location=self.loc(path, document.line_of(("domains", di)))))
        self.framework_document = document
        return CompetencyFramework(
            title=raw.title, status=raw.status, description=raw.description,
            levels=tuple(ProficiencyLevel(id=lv.id, name=lv.name, description=lv.description) for lv in raw.levels),
            crosswalk=tuple(CrosswalkFramework(id=f.id, name=f.name, reference=f.reference or "")
                            for f in raw.crosswalk),
            domains=tuple(domains))

    def competency_map(self, written: dict, known: list[str], key: str, kind: str, path: Path,
                       document: YamlDocument, where: tuple, model, name_field: str, list_field: str) -> tuple:
        """``indicators:``/``maps_to:`` as model entries, in the order the framework lists
        levels or frameworks; an id the framework does not declare is an error."""
        for name in written:
            if name not in known:
                listed = ", ".join(known) or f"none: declare them under '{'levels' if key == 'indicators' else 'crosswalk'}:'"
                self.fail(f"{key}: '{name}' is not a {kind} of this framework (declared: {listed})",
                          path, document.key_line(where + (key, name)))
        return tuple(model(**{name_field: name, list_field: tuple(written[name])})
                     for name in known if name in written)

    def references_files(self, modules) -> list[tuple[Path, str]]:
        """The course's references.yml, then each module's (only inside its own folder)."""
        files = []
        course_file = self.root / refs.FILE_NAME
        if course_file.exists() and not course_file.resolve().is_relative_to(self.root):
            self.fail(f"{refs.FILE_NAME} is a link to a file outside the course source", course_file)
        else:
            files.append((course_file, refs.FILE_NAME))
        for module in modules:
            path = module.folder / refs.FILE_NAME
            if path.exists() and not path.resolve().is_relative_to(module.real):
                self.fail(f"{refs.FILE_NAME} is a link to a file outside its module folder", path)
                continue
            files.append((path, f"{module.folder.name}/{refs.FILE_NAME}"))
        return files

    def check_crosswalk_references(self, framework: CompetencyFramework) -> None:
        for index, entry in enumerate(framework.crosswalk):
            if entry.reference and entry.reference not in self.bibliography.works:
                self.fail(f"crosswalk framework '{entry.id}': reference '{entry.reference}' names no work in "
                          f"any {refs.FILE_NAME}", self.root / (self.raw.competencies or "competencies.yml"),
                          self.framework_document.line_of(("crosswalk", index, "reference")))

    def cite(self, body: RichText, text: str, line: int, path: Path, document: YamlDocument, front,
             anchor: str) -> refs.Citing:
        return refs.attach(self.bibliography, body, text, line, path, self.rel(path), document,
                           front.references, front.readings, anchor, self.diagnostics)

    def read_offerings(self) -> tuple[Offering, ...]:
        raw = self.raw
        if not raw.offerings:
            if raw.default_offering not in (None, "default") and not self.tolerated.every_offering \
                    and "offerings" not in self.tolerated.course_keys:
                self.fail(f"default_offering '{raw.default_offering}' names no offering "
                          "(the course defines none)", self.course_yml, self.course_doc.line_of(("default_offering",)))
            return (Offering(name="default"),)
        offerings = []
        for name, value in raw.offerings.items():
            if not ID_PATTERN.match(str(name)):
                self.fail(f"offering name '{name}' must be lower-case letters and digits joined by '-' or '_'",
                          self.course_yml, self.course_doc.key_line(("offerings", name)))
            value = value or schema.RawOffering()
            grading = Grading(
                groups=tuple(GradingGroup(id=g.id, name=g.name, weight=g.weight) for g in value.grading.groups),
                pass_percent=value.grading.pass_percent) if value.grading else None
            offerings.append(Offering(name=str(name), title=value.title, title_suffix=value.title_suffix,
                                      description=value.description, start=value.start, credits=value.credits,
                                      hours_per_credit=value.hours_per_credit, weeks=value.weeks,
                                      completion=value.completion, grading=grading))
        if raw.default_offering and raw.default_offering not in raw.offerings:
            self.fail(f"default_offering '{raw.default_offering}' is not one of the offerings: "
                      f"{', '.join(raw.offerings)}", self.course_yml, self.course_doc.line_of(("default_offering",)))
        return tuple(offerings)

    # -- pass 1: find modules and items -------------------------------------------------
    def module_folders(self) -> list[tuple[Path, int]]:
        """Module folders in course order, each with the course.yml line that named it."""
        listed = self.raw.modules
        if listed is None:
            container = self.root / "modules"
            kind, problem = _kind(container)
            if problem is None and kind == "folder":
                entries, problem = _list(container)
            if problem:
                self.fail(f"cannot read the folder modules/: {problem}", self.course_yml, 1)
                return []
            if kind != "folder":
                self.fail("no modules/ folder and no 'modules:' list in course.yml", self.course_yml, 1)
                return []
            folders = []
            for path in sorted(entries, key=_order_key):
                if path.name.startswith("."):
                    continue
                kind, problem = _kind(path)
                if problem:
                    self.fail(f"cannot read the module folder '{path.name}': {problem}", path)
                    continue
                if kind != "folder":
                    continue
                if not self.real(path).is_relative_to(self.root):
                    # Only folders named in course.yml 'modules:' may live outside the course.
                    self.fail(f"module folder '{path.name}' is a link to a folder outside the course "
                              "source; list it by path in course.yml 'modules:' to reuse it", path)
                    continue
                folders.append(path)
            return [(p, 0) for p in folders]
        found = []
        lines_by_folder: dict[Path, int] = {}
        for index, entry in enumerate(listed):
            line = self.course_doc.line_of(("modules", index))
            at = forbidden_character(entry)
            if at is not None:
                self.fail(f"module '{entry.encode('unicode_escape').decode('ascii')}' holds "
                          f"{describe(ord(entry[at]))}; no folder name may hold one", self.course_yml, line)
                continue
            relative = Path(entry)
            if relative.is_absolute():
                self.fail(f"module '{entry}' is an absolute path; write it relative to course.yml",
                          self.course_yml, line)
                continue
            folder = self.root / entry if ("/" in entry or entry.startswith(".")) else self.root / "modules" / entry
            kind, problem = _kind(folder)
            if kind is None and problem is None:
                # The disk may store the name in the other Unicode form (macOS archives).
                folder = existing_path(folder) or folder
                kind, problem = _kind(folder)
            if problem:
                self.fail(f"cannot read the module folder '{entry}': {problem}", self.course_yml, line)
                continue
            if kind != "folder":
                what = "does not exist" if kind is None else f"is {kind}, not a folder"
                self.fail(f"module folder '{entry}' {what} (looked for {folder})", self.course_yml, line)
                continue
            if self.real(folder) in lines_by_folder:
                # Not an id clash between two modules: the same folder is named again.
                self.fail(f"module '{entry}' is listed twice in modules: (also at line "
                          f"{lines_by_folder[self.real(folder)]}); remove one entry", self.course_yml, line)
                continue
            lines_by_folder[self.real(folder)] = line
            found.append((folder, line))
        self.warn_unlisted_modules(set(lines_by_folder))
        return found

    def warn_unlisted_modules(self, listed: set[Path]) -> None:
        """A module folder under modules/ that course.yml's list leaves out is in no bundle:
        most often a module added, or imported, and never listed."""
        container = self.root / "modules"
        kind, problem = _kind(container)
        if problem or kind != "folder":
            return
        entries, problem = _list(container)
        if problem:
            return
        line = self.course_doc.key_line(("modules",))
        for path in sorted(entries, key=_order_key):
            if path.name.startswith(".") or _kind(path) != ("folder", None) or self.real(path) in listed:
                continue
            if _kind(path / "module.md") == ("file", None):
                self.diagnostics.append(warning(
                    f"modules/{path.name} is not in course.yml modules:, so no bundle holds it; "
                    "add it, or remove the folder", self.course_yml, line, code="unlisted-module"))

    def discover_modules(self) -> list[_ModuleSource]:
        modules: list[_ModuleSource] = []
        by_id: dict[str, Path] = {}
        for folder, line in self.module_folders():
            module_md = folder / "module.md"
            # Named by course.yml's modules: entry when there is one, else by the file itself.
            where = (self.course_yml, line) if line else (module_md, 1)
            entries, problem = _list(folder)
            if problem:
                self.fail(f"cannot read the module folder '{folder.name}': {problem}", *where)
                continue
            kind, problem = _kind(module_md)
            if problem:
                self.fail(f"cannot read module.md: {problem}", module_md, 1)
                continue
            if kind != "file":
                what = "has no module.md" if kind is None else f"has a module.md that is {kind}, not a file"
                self.fail(f"module folder '{folder.name}' {what}", module_md if line == 0 else self.course_yml, line)
                continue
            if not self.real(module_md).is_relative_to(self.real(folder)):
                self.fail("module.md is a link to a file outside its module folder", *where)
                continue
            # Until the module is known to read, links into it are not the author's mistake.
            unread = {self.real(p) for p in entries if p.suffix == ".md"}
            self.files.unread |= unread
            text = read_text(module_md, self.diagnostics, self.real(module_md))
            loaded = self.parse_front_matter(module_md, text, "module.md") if text is not None else None
            unreadable = loaded is None
            if loaded is None:
                # Its error is reported; its items are still read and checked, and the outcomes it
                # meant to define (the 'id:' lines it has) are not reported as unknown.
                yaml_text, body, body_line = self.unparsed.get(module_md, (text or "", "", 1))
                self.tolerated.outcomes |= set(_WRITTEN_ID.findall(yaml_text))
                document = YamlDocument({}, None, str(module_md), 1)
                front = schema.RawModule(title="(untitled)")
            else:
                document, body, body_line = loaded
                front, problems = schema.validate(schema.RawModule, document, "module front matter")
                self.diagnostics += problems
                if front is None:
                    front, touched = schema.lenient(schema.RawModule, document.data)
                    if front is None:
                        front, touched = schema.RawModule(title="(untitled)"), {"outcomes"}
                    if "outcomes" in touched:
                        data = document.data if isinstance(document.data, dict) else {}
                        self.tolerated.outcomes |= _ids_in(data.get("outcomes"))
                    if "offerings" in touched:
                        front = front.model_copy(update={"offerings": None})
            module_id = front.id or slug_from_filename(folder.name)
            if not module_id:
                # Only a-z and digits survive in a slug, so '03-图书馆' gives nothing to show.
                self.fail(f"the folder name '{folder.name}' gives no identifier (only Latin letters and "
                          "digits are kept); set 'id:' in module.md, for example 'id: library'", module_md, 1)
                continue
            if not is_valid_id(module_id):
                self.fail(f"module id '{module_id}' must be lower-case letters and digits joined by '-' or '_'",
                          module_md, document.line_of(("id",)) if front.id else 1)
                continue
            if module_id in by_id:
                self.fail(f"module id '{module_id}' is also the id of {self.rel(by_id[module_id])}; "
                          "rename a folder or set 'id:' in module.md", module_md,
                          document.line_of(("id",)) if front.id else 1)
                continue
            self.files.unread -= unread
            if unreadable:
                self.tolerated.modules_without_outcomes.add(module_id)
            by_id[module_id] = module_md
            module = _ModuleSource(folder, self.real(folder), module_md, front, document, body, body_line, module_id)
            self.files.module_files[self.real(module_md)] = module_id
            self.discover_items(module, entries)
            modules.append(module)
        return modules

    def discover_items(self, module: _ModuleSource, entries: list[Path]) -> None:
        # Hidden files are editors' and macOS's ('._01-x.md'), never the author's items.
        candidates = []
        for path in sorted((p for p in entries if p.suffix == ".md" and p.name != "module.md"
                            and not p.name.startswith(".")), key=_order_key):
            kind, problem = _kind(path)
            if problem or kind not in ("file", "folder"):
                # A FIFO would stall the build and a device never ends: say so instead of skipping.
                self.fail(f"cannot read '{path.name}': {problem}" if problem else
                          f"'{path.name}' is {kind}, not a regular file; every .md file in a module folder "
                          "is read as an item", path, 1)
                continue
            if kind == "file":
                candidates.append(path)
        loaded = []
        transcripts: set[Path] = set()
        for path in candidates:
            real = self.real(path)
            if not real.is_relative_to(module.real):
                self.fail(f"'{path.name}' is a link to a file outside its module folder", path, 1)
                continue
            text = read_text(path, self.diagnostics, real)
            if text is None:
                self.files.unread.add(real)
                continue
            self.texts[real] = text
            # Parsed once, here; its problems count only if the file turns out to be an item.
            problems: list[Diagnostic] = []
            parsed = self.parse_front_matter(path, text, "item", problems)
            loaded.append((path, real, parsed, problems))
            # Only the front matter names a transcript; a body line "transcript: x.md" is text.
            data = parsed[0].data if parsed is not None else None
            named_text = data.get("transcript") if isinstance(data, dict) else None
            if isinstance(named_text, str) and named_text and forbidden_character(named_text) is None:
                named = path.parent / named_text
                transcripts.add(existing_path(named) or named.resolve())  # NFD names as links find them
        ids: dict[str, Path] = {}
        for path, real, parsed, problems in loaded:
            if real in transcripts:
                continue  # a video's transcript, not an item
            self.diagnostics += problems
            if parsed is None and path in self.unparsed:
                # Front matter that is not YAML: its error is reported, its body still checked.
                _, body, body_line = self.unparsed[path]
                parsed = (YamlDocument({}, None, str(path), 1), body, body_line)
                item = self.discover_item(path, real, parsed, module, unreadable=True)
            else:
                item = self.discover_item(path, real, parsed, module) if parsed is not None else None
            if item is None:
                self.files.unread.add(real)
                continue
            if item.id in ids:
                self.fail(f"item id '{item.id}' is also the id of {self.rel(ids[item.id])}; "
                          "rename a file or set 'id:' in its front matter", path,
                          item.document.line_of(("id",)) if item.front.id else 1)
                self.files.unread.add(real)
                continue
            self.item_count += 1
            if self.item_count > limits.MAX_ITEMS:
                if self.item_count == limits.MAX_ITEMS + 1:
                    self.fail(f"the course has more than {limits.MAX_ITEMS} items, the most one build reads; "
                              "split it into several courses", path, 1)
                self.files.unread.add(real)
                continue
            ids[item.id] = path
            module.items.append(item)
            self.files.item_files[real] = f"{module.id}/{item.id}"

    def discover_item(self, path: Path, real: Path, parsed: tuple[YamlDocument, str, int],
                      module: _ModuleSource, unreadable: bool = False) -> _ItemSource | None:
        document, body, body_line = parsed
        data = document.data if isinstance(document.data, dict) else {}
        item_type = data.get("type", "page")
        model = schema.ITEM_MODELS.get(item_type) if isinstance(item_type, str) else None
        touched: set[str] = set()
        if unreadable:
            front, touched = schema.RawPage(title="(untitled)"), set(schema.RawVideo.model_fields) | \
                set(schema.RawAssignment.model_fields) | set(schema.RawQuiz.model_fields)
        elif model is None:
            close = difflib.get_close_matches(str(item_type), list(schema.ITEM_MODELS), n=1, cutoff=0.5)
            hint = f"did you mean '{close[0]}'? The types are" if close else "expected one of"
            self.diagnostics.append(error(f"unknown item type {item_type!r}; {hint}: {', '.join(schema.ITEM_MODELS)}",
                                          path, document.line_of(("type",)), code="unknown-item-type"))
            # Read on as a page, so that its body and other keys are still checked.
            page_data = {k: v for k, v in data.items() if k in schema.RawItemCommon.model_fields and k != "type"}
            front, touched = schema.lenient(schema.RawPage, page_data)
            touched |= set(data) | {"type"}
        else:
            front, problems = schema.validate(model, document, f"{item_type} front matter")
            self.diagnostics += problems
            if front is None:
                front, touched = schema.lenient(model, data)
        if front is None:
            return None
        if "offerings" in touched:
            front = front.model_copy(update={"offerings": None})
        item_id = front.id or slug_from_filename(path.stem)
        if not item_id:
            # Only a-z and digits survive in a slug, so '02-图书馆.md' gives nothing to show.
            self.fail(f"the file name '{path.name}' gives no identifier (only Latin letters and digits "
                      "are kept); set 'id:' in its front matter, for example 'id: library'", path, 1)
            return None
        if not is_valid_id(item_id):
            self.fail(f"item id '{item_id}' must be lower-case letters and digits joined by '-' or '_'",
                      path, document.line_of(("id",)) if front.id else 1)
            return None
        return _ItemSource(path, real, front, document, body, body_line, item_id, frozenset(touched))

    # -- pass 2: build ------------------------------------------------------------------
    def build_modules(self, modules: list[_ModuleSource]) -> list[Module | None]:
        """Each module built, in two processes where the course is large enough for that to help.

        A module's build depends on what pass 1 found and, through the assets, media files and
        cached Markdown it uses, on what earlier modules used: each module journals those, and
        they are taken in course order, the first module to use a thing keeping it, as in a
        serial read.  A module folder inside another makes an asset's key depend on which
        module names it first: such a course is built here, in order."""
        from .. import workers

        weights = [_module_weight(m) for m in modules]
        if self.process_count() < 2 or len(modules) < 2 or sum(weights) < PARALLEL_MIN_BUILD_CHARACTERS \
                or not workers.can_fork() or _nested([m.real for m in modules]):
            return [self.build_module(m) for m in modules]
        assets, checked = dict(self.files.assets), dict(self.files.checked)
        # Each module's journal holds all it used, whatever this process knew already (a module
        # built here again after the other process died finds its files known).
        built: list[_BuiltModule] = workers.map_in_two(self.build_recorded, modules, weights)
        self.files.assets, self.files.checked = assets, checked
        for one in built:
            self.diagnostics += one.diagnostics
            for kind, key, value in one.journal:
                if kind == "asset":
                    assets.setdefault(key, value)
                elif kind == "checked":
                    if key not in checked:
                        checked[key] = value
                        remember(key, value[0])  # the stamp the files are packaged against
                else:  # set again where it was found: serve's cache counts what each read used
                    self.markdown_cache[key] = value
        return [one.module for one in built]

    def process_count(self) -> int:
        from .. import workers

        return workers.available_cpus() if self.processes is None else self.processes

    def build_recorded(self, source: _ModuleSource) -> _BuiltModule:
        diagnostics, self.diagnostics = self.diagnostics, []
        self.files.journal = []
        try:
            module = self.build_module(source)
            return _BuiltModule(module, self.diagnostics, self.files.journal)
        finally:
            self.diagnostics, self.files.journal = diagnostics, None

    def build_module(self, source: _ModuleSource) -> Module | None:
        scope = ModuleScope(module_id=source.id, folder=source.real)
        overview = self.render(source.body, source.path, source.body_line, scope)
        citing = self.cite(overview, source.body, source.body_line, source.path, source.document, source.front,
                           f"{source.id}-overview")
        outcomes = tuple(
            ModuleOutcome(id=o.id, text=o.text, supports=tuple(o.supports),
                          location=self.loc(source.path, source.document.line_of(("outcomes", i))))
            for i, o in enumerate(source.front.outcomes)
        )
        items = [self.build_item(item, source, scope) for item in source.items]
        return Module(
            id=source.id,
            title=source.front.title,
            outcomes=outcomes,
            offerings=tuple(source.front.offerings) if source.front.offerings is not None else None,
            audience=source.front.audience or "learners",
            overview=citing.body,
            cites=citing.cites,
            readings=citing.readings,
            items=tuple(i for i in items if i is not None),
            folder=self.rel(source.folder),
            location=self.loc(source.path, 1),
        )

    def file_field(self, item: _ItemSource, key: str, scope: ModuleScope, suffixes: tuple[str, ...] = ()) -> Path | None:
        value = getattr(item.front, key)
        line = item.document.line_of((key,))
        real, problem = self.files.locate(value, item.path.parent, scope, open_file=key != "transcript")
        if problem:
            self.fail(f"{key}: {problem}", item.path, line)
            return None
        assert real is not None
        if real in self.files.item_files or real in self.files.module_files or real in self.files.unread:
            self.fail(f"{key}: '{value}' is an item of the course, not a file", item.path, line)
            return None
        if suffixes and real.suffix.lower() not in suffixes:
            self.fail(f"{key}: '{value}' should be a {' or '.join(suffixes)} file", item.path, line)
            return None
        return real

    def audience(self, item: _ItemSource, module: _ModuleSource) -> str:
        """An item's own audience, or its module's; a module for instructors has nothing else."""
        if module.front.audience == "instructors" and item.front.audience == "learners":
            self.fail(f"audience: 'learners', but its module is for instructors ({self.rel(module.path)}); "
                      "move the item to a module for learners", item.path, item.document.line_of(("audience",)))
        return item.front.audience or module.front.audience or "learners"

    def build_item(self, item: _ItemSource, module: _ModuleSource, scope: ModuleScope):
        front = item.front
        common: dict[str, Any] = dict(
            id=item.id, module_id=module.id, title=front.title, outcomes=tuple(front.outcomes),
            offerings=tuple(front.offerings) if front.offerings is not None else None,
            published=front.published, audience=self.audience(item, module),
            location=self.loc(item.path, 1),
        )
        if front.effort is not None:
            common["effort_minutes"] = parse_duration(front.effort)
            if common["effort_minutes"] is None:
                self.fail(f"effort: {front.effort!r} should be {DURATION_MEANING}", item.path,
                          item.document.line_of(("effort",)))
            elif common["effort_minutes"] > limits.MAX_ITEM_EFFORT_HOURS * 60:
                # It would swamp the outline's hours and the workload check; a slip more often than not.
                self.diagnostics.append(warning(
                    f"effort: {front.effort} is {common['effort_minutes'] / 60:g} hours for one item, more than "
                    f"{limits.MAX_ITEM_EFFORT_HOURS}; write how long a learner spends on this item (a course's "
                    "total hours come from its items, and an offering's credits say what they should be)",
                    item.path, item.document.line_of(("effort",)), code="effort"))
        if isinstance(front, schema.RawQuiz):
            return self.build_quiz(item, front, common, scope)
        common["body"] = self.render(item.body, item.path, item.body_line, scope)
        self.cite_item(common, item, item.body, item.body_line)
        if isinstance(front, schema.RawPage):
            return Page(**common)
        if isinstance(front, schema.RawAssignment):
            due, week = None, None
            if isinstance(front.due, dt.date):
                due = front.due
            elif isinstance(front.due, str):
                match = WEEK.match(front.due.strip())
                if match and int(match.group(1)) < 1:
                    self.fail(f"due: '{front.due}': weeks are counted from 1 ('week 1' ends 7 days after start)",
                              item.path, item.document.line_of(("due",)))
                elif not match:
                    self.fail(f"due: '{front.due}' is neither a date (YYYY-MM-DD) nor 'week N'",
                              item.path, item.document.line_of(("due",)))
                else:
                    week = int(match.group(1))
            return Assignment(
                **common, points=front.points, group=front.group, submission=tuple(front.submission),
                due=due, due_week=week,
                rubric=build_rubric(front.rubric, item.path, item.document, self.diagnostics),
            )
        if isinstance(front, schema.RawDiscussion):
            return Discussion(**common, points=front.points, group=front.group)
        if isinstance(front, schema.RawLink):
            return Link(**common, url=front.url)
        if isinstance(front, schema.RawFile):
            if "path" in item.touched:
                return None  # its error is reported
            real = self.file_field(item, "path", scope)
            return File(**common, asset=self.files.asset_for(real, scope).key) if real else None
        if isinstance(front, schema.RawVideo):
            return self.build_video(item, front, common, scope)
        raise AssertionError(type(front))

    def cite_item(self, common: dict, item: _ItemSource, text: str, line: int) -> None:
        citing = self.cite(common["body"], text, line, item.path, item.document, item.front,
                           f"{common['module_id']}-{item.id}")
        common.update(body=citing.body, cites=citing.cites, readings=citing.readings)

    def build_video(self, item: _ItemSource, front: schema.RawVideo, common: dict, scope: ModuleScope):
        line = item.document.line_of(())
        if item.touched & {"url", "path", "captions", "transcript"}:
            return None  # its error is reported; what it needs depends on the faulty keys
        if bool(front.url) == bool(front.path):
            self.fail("a video needs exactly one of 'url' or 'path'", item.path, line)
            return None
        if not front.captions and not front.transcript:
            self.fail("a video needs 'captions' (a .vtt file) or a 'transcript' (a .md file) "
                      "so that everyone can follow it (WCAG 1.2.2)", item.path, line)
            return None
        asset = captions = None
        youtube = None
        if front.path:
            real = self.file_field(item, "path", scope, (".mp4", ".webm", ".ogv", ".ogg", ".m4v", ".mov"))
            asset = self.files.asset_for(real, scope).key if real else None
        else:
            youtube = _youtube_id(front.url)
        if front.captions:
            real = self.file_field(item, "captions", scope, (".vtt",))
            if real and not _is_webvtt(self.files.checked[real][1]):
                # Players and Open edX ignore such a file: the video would have no captions at all.
                self.fail(f"captions: '{front.captions}' is not a WebVTT file (its first line must be 'WEBVTT'); "
                          "export the captions as WebVTT", item.path, item.document.line_of(("captions",)))
                real = None
            captions = self.files.asset_for(real, scope).key if real else None
        transcript = None
        if front.transcript:
            real = self.file_field(item, "transcript", scope, (".md",))
            if real:
                text = self.texts.get(real)
                if text is None:
                    text = read_text(real, self.diagnostics, real)
                if text is not None:
                    transcript = self.render(text, real, 1, scope)
        return Video(**common, url=front.url, asset=asset, youtube_id=youtube, captions=captions,
                     transcript=transcript)

    def build_quiz(self, item: _ItemSource, front: schema.RawQuiz, common: dict, scope: ModuleScope):
        intro, intro_line, drafts = split_questions(item.body, item.body_line)
        self.diagnostics.extend(introduction_problems(intro, intro_line, item.path))
        common["body"] = self.render(intro, item.path, intro_line, scope)
        self.cite_item(common, item, intro, intro_line)
        if not drafts:
            self.fail("quiz has no questions: each question starts with a '### ' heading", item.path,
                      item.body_line)
            return None
        if len(drafts) > limits.MAX_QUESTIONS:
            self.fail(f"the quiz has {len(drafts)} questions, more than the {limits.MAX_QUESTIONS} one quiz may hold; "
                      "split it into several quizzes", item.path, drafts[limits.MAX_QUESTIONS].line)
            return None
        taken: dict[str, int] = {}

        def render(text: str, line: int) -> RichText:
            return self.render(text, item.path, line, scope)

        questions = [parse_question(d, item.path, self.rel(item.path), front.points_per_question, render,
                                    taken, self.diagnostics) for d in drafts]
        # A faulty question has its error; the quiz keeps the others, so their outcomes are checked too.
        questions = [q for q in questions if q is not None]
        return Quiz(**common, points_per_question=front.points_per_question, attempts=front.attempts,
                    mastery=front.mastery, group=front.group, shuffle=front.shuffle,
                    questions=tuple(questions))


def _ids_in(entries: Any) -> set[str]:
    """The ``id:`` values of a list of mappings, as far as they are text."""
    if not isinstance(entries, list):
        return set()
    return {str(e["id"]) for e in entries if isinstance(e, dict) and isinstance(e.get("id"), (str, int, float))}


def _is_webvtt(head: bytes) -> bool:
    head = head.removeprefix(b"\xef\xbb\xbf")
    return head.startswith(b"WEBVTT") and (len(head) == 6 or head[6:7] in (b" ", b"\t", b"\n", b"\r"))


def _youtube_id(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.").removeprefix("m.")
    if host == "youtu.be":
        return parts.path.strip("/").split("/")[0] or None
    if host in ("youtube.com", "youtube-nocookie.com"):
        if parts.path == "/watch":
            return (parse_qs(parts.query).get("v") or [None])[0]
        for prefix in ("/embed/", "/shorts/", "/v/"):
            if parts.path.startswith(prefix):
                return parts.path[len(prefix):].split("/")[0] or None
    return None
