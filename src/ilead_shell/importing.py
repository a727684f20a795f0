"""The whole import, readable top to bottom (the counterpart of :mod:`.pipeline`).

open the archive safely -> find the importer that reads it -> read it into the import form ->
write the course source into a temporary folder beside the output -> read it back and check it
with the normal reader -> move it into place.  A refused archive, an importer failure or a
written course that does not read back leaves the output folder exactly as it was.

``--module`` brings one module of the archive into an existing course: the module folder
goes into ``modules/`` and is listed in course.yml; its outcome ids are renamed where they
clash, and what it named of the other course (course outcomes, grading groups, links to
other modules) is reported.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import CourseError, Diagnostic, IleadError, display_path
from .foreign_archives import foreign_format
from .import_api import ArchiveRefused, ImportedCourse, ImportedGroup, ImportedOutcome, ImportReport
from .registry import ImporterRegistry
from .untrusted import SourceArchive, open_source_archive

REPORT_NAME = "import-report.md"


@dataclass
class ImportResult:
    path: Path
    source_format: str
    counts: dict[str, int]
    report: ImportReport
    warnings: list[Diagnostic] = field(default_factory=list)
    module: str | None = None
    # What --module did to the course beyond writing the folder, for the author to see.
    actions: list[str] = field(default_factory=list)


def choose_importer(archive: SourceArchive, registry: ImporterRegistry):
    for name, cls, problem in registry.load_all():
        if cls is None:
            continue
        importer = cls()
        if importer.detect(archive):
            return importer
    raise ArchiveRefused(f"{archive.path}: no importer reads it (a Common Cartridge has an imsmanifest.xml "
                         "at its top level)")


def read_archive(path: Path, registry: ImporterRegistry | None = None) -> tuple[ImportedCourse, ImportReport, SourceArchive]:
    refusal = foreign_format(Path(path))
    if refusal:
        raise ArchiveRefused(refusal)
    archive = open_source_archive(path)
    try:
        importer = choose_importer(archive, registry or ImporterRegistry())
        report = ImportReport()
        try:
            course = importer.read(archive, report)
        except (ArchiveRefused, IleadError):
            raise
        except KeyError as exc:
            raise ArchiveRefused(f"{path}: the manifest names {exc} but the archive does not have it") from None
        except Exception as exc:  # an importer bug: say which, keep the traceback chained
            raise IleadError(f"importer '{importer.name}' failed on {path}: {type(exc).__name__}: {exc}") from exc
        _note_rendered_references(course, report)
        return course, report, archive
    except BaseException:
        archive.close()
        raise


_RENDERED_REFERENCES = re.compile(r'<ul[^>]*class="(?:readings|references)"')


def _note_rendered_references(course: ImportedCourse, report: ImportReport) -> None:
    """A course built from a source with references.yml carries its Readings and References as
    page HTML; the keys behind them (and the other keys of such a source no LMS format holds)
    are reported once, for the whole course.  So is course.yml's ``checks:``, in no archive."""
    report.limit("course.yml's checks: settings (check families made strict or turned off) are not in "
                 "any archive", ("checks",))
    bodies = [course.description_html] + [m.overview_html for m in course.modules] + \
        [i.body_html for i in course.items()]
    if any(_RENDERED_REFERENCES.search(b or "") for b in bodies):
        report.limit("references.yml works, citations and reading lists arrive as the pages' Readings and "
                     "References sections (HTML), not as keys; effort: estimates and rubric "
                     "performance levels are not in the archive",
                     ("bibliography", "cites", "readings", "references", "effort_minutes", "rubric"))


def default_out(course: ImportedCourse) -> Path:
    from .identifiers import slugify
    return Path(slugify(course.code) or slugify(course.title) or "imported-course")


def _check_destination(out: Path, force: bool) -> None:
    if not out.exists():
        return
    if not out.is_dir():
        raise IleadError(f"{display_path(out)} exists and is not a folder; choose another --out")
    if not any(out.iterdir()):
        return
    if not force:
        raise IleadError(f"{display_path(out)} already exists and is not empty; nothing was written "
                         "(use --force to replace it, or choose another --out)")
    if not (out / "course.yml").is_file():
        raise IleadError(f"{display_path(out)} is not a course source (no course.yml), so --force will not "
                         "replace it; choose another --out")


def _verify(root: Path) -> list[Diagnostic]:
    from .pipeline import read_and_check
    try:
        _, findings = read_and_check(root)
    except CourseError as exc:
        raise IleadError("the imported course does not read back (an importer bug; please report it):\n"
                         + "\n".join(d.format() for d in exc.diagnostics)) from None
    return findings


def import_course(path: Path, out: Path | None = None, force: bool = False,
                  registry: ImporterRegistry | None = None) -> ImportResult:
    from .source_writer import write_source
    from .source_writer.report import report_markdown

    course, report, archive = read_archive(path, registry)
    with archive:
        out = Path(out) if out is not None else default_out(course)
        _check_destination(out, force)
        out.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.import-", dir=out.parent))
        try:
            written = write_source(course, archive, report, staging)
            findings = _verify(staging)
            (staging / REPORT_NAME).write_text(report_markdown(course, report, path), encoding="utf-8")
            _move_into_place(staging, out)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    counts = {"modules": len(course.modules), "items": len(course.items()),
              "questions": sum(len(i.questions) for i in course.items()),
              "files": len(written.placement.file_paths) if written.placement else 0}
    return ImportResult(out, course.source_format, counts, report, [f for f in findings if not f.is_error])


def _move_into_place(staging: Path, out: Path) -> None:
    if out.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{out.name}.replaced-", dir=out.parent))
        os.rmdir(old)
        os.rename(out, old)
        os.rename(staging, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(staging, out)


# -- one module into an existing course -------------------------------------------------------------------
def pick_module(course: ImportedCourse, wanted: str):
    for number, module in enumerate(course.modules, start=1):
        from .identifiers import slugify
        if wanted in (str(number), module.title, module.slug, slugify(module.title)) or \
                wanted.casefold() == module.title.casefold():
            return module
    listing = "; ".join(f"{n}: {m.title}" for n, m in enumerate(course.modules, start=1)) or "none"
    raise IleadError(f"the archive has no module '{wanted}'; its modules are {listing} (give a number or a title)")


def import_module(path: Path, wanted: str, into: Path, registry: ImporterRegistry | None = None) -> ImportResult:
    from .identifiers import is_valid_id
    from .pipeline import read_and_check
    from .source_writer import write_source
    from .source_writer.course_yml import append_module, lists_modules, next_module_folder

    into = Path(into)
    if not (into / "course.yml").is_file():
        raise IleadError(f"{display_path(into)} is not a course source (no course.yml); --module brings a module "
                         "into an existing course given with --out")
    target, _ = read_and_check(into)
    course, report, archive = read_archive(path, registry)
    with archive:
        module = pick_module(course, wanted)
        taken_ids = {m.id for m in target.modules}
        slug = module.slug if module.slug and is_valid_id(module.slug) else None
        from .source_writer.layout import readable_id, unique
        wanted_id = readable_id(slug, module.title, "module")
        module.slug = unique(wanted_id, set(taken_ids))
        actions: list[str] = []
        if module.slug != wanted_id:
            holder = next(m.folder for m in target.modules if m.id == wanted_id)
            actions.append(f"the course already has a module '{wanted_id}' ({holder}), so this one is "
                           f"'{module.slug}'")
        taken_outcomes = set(target.all_outcomes())
        renamed: dict[str, str] = {}
        for outcome in module.outcomes:
            if outcome.id in taken_outcomes:
                new, number = f"{outcome.id}-{2}", 2
                while new in taken_outcomes:
                    number += 1
                    new = f"{outcome.id}-{number}"
                report.changed(module.key, f"module outcome {outcome.id} is {new}: the course already has an "
                                           f"outcome {outcome.id}", fields=("outcomes",))
                renamed[outcome.id] = new
                outcome.id = new
            taken_outcomes.add(outcome.id)
        for item in module.items:
            item.outcomes = [renamed.get(o, o) for o in item.outcomes]
            for question in item.questions:
                question.outcomes = [renamed.get(o, o) for o in question.outcomes]
        single = ImportedCourse(title=target.title, code=target.code, modules=[module], files=course.files,
                                source_format=course.source_format,
                                outcomes=[ImportedOutcome(o.id, o.text) for o in target.outcomes],
                                groups=[ImportedGroup(g.id, g.name, g.weight) for g in target.grading.groups])
        staging = Path(tempfile.mkdtemp(prefix=".module-import-", dir=into))
        try:
            written = write_source(single, archive, report, staging)
            source_folder = staging / written.placement.module_folders[module.key]
            modules_dir = into / "modules"
            modules_dir.mkdir(exist_ok=True)
            name = next_module_folder(modules_dir, module.slug)
            destination = modules_dir / name
            if destination.exists():
                raise IleadError(f"{display_path(destination)} already exists; nothing was written")
            unused = [written.placement.file_paths[k] for k in written.placement.unused_files]
            shutil.copytree(source_folder, destination)
            had_list = lists_modules(into / "course.yml")
            restore = append_module(into / "course.yml", name, [m.folder for m in target.modules], into)
            had = len(target.modules)
            actions.append(f"course.yml: added {name} to modules:" if had_list else
                           f"course.yml: added a modules: list naming the {had} module{'s' if had != 1 else ''} "
                           f"it had, then {name}")
            try:
                findings = _verify(into)
            except BaseException:
                shutil.rmtree(destination, ignore_errors=True)
                restore()
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    # The archive was read whole: what it says of the other modules (and of the course's spare
    # files, which --module does not copy) is not about this import.
    own = {module.key, *(item.key for item in module.items)}
    report.entries = [e for e in report.entries if e.kind == "format-limit" or e.subject in own]
    if unused:
        report.changed(module.key, f"{len(unused)} file(s) of the archive that no item of this module uses were "
                                   "not copied", fields=("assets",))
    counts = {"modules": 1, "items": len(module.items), "questions": sum(len(i.questions) for i in module.items),
              "files": sum(1 for k, p in written.placement.file_paths.items() if p.startswith("modules/"))}
    return ImportResult(destination, course.source_format, counts, report,
                        [f for f in findings if not f.is_error], module=module.title, actions=actions)
