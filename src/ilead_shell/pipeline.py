"""The whole build, readable top to bottom.

read -> check -> choose targets and offerings -> validate options -> build every bundle in
memory -> write archives.  Nothing is written until every bundle has been built, so a
mistake found anywhere leaves the output folder as it was.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from pydantic import ValidationError

from .archive import write_archive
from .audience import links_to_instructor_material
from .checks import run_checks
from .errors import CourseError, Diagnostic, ExporterError, IleadError, Level, display_path, error, warning
from .exporter_api import Bundle, Exporter
from .model import Course
from .offerings import links_leaving_offering, select_offering
from .reader import load_course
from .registry import Registry


@dataclass
class BuildResult:
    target: str
    offering: str
    path: Path
    size: int
    counts: dict[str, int]
    warnings: list[Diagnostic] = field(default_factory=list)
    notes: list[Diagnostic] = field(default_factory=list)  # what the target could not hold


Progress = Callable[[int, int, str], None]


def read_and_check(source: Path, strict: bool = False,
                   registry: Registry | None = None) -> tuple[Course, list[Diagnostic]]:
    """Read the course and run every check; with ``strict`` any warning is an error."""
    course, warnings = load_course(source)
    findings = warnings + run_checks(course) + unknown_exporter_keys(course, registry or Registry())
    # Judged for every offering, as outcome coverage is, so that `check --strict` (the CI
    # gate) fails exactly when `build --strict --offering all` would.
    for offering in course.offerings:
        findings += links_leaving_offering(course, offering.name)
    findings += links_to_instructor_material(course)
    errors = [d for d in findings if d.is_error]
    if strict and findings:
        errors = [Diagnostic(Level.ERROR, f"{d.message} [--strict]", d.location) if not d.is_error else d
                  for d in findings if d.is_error or not d.advisory]
    if errors:
        raise CourseError(errors)
    return course, findings


def unknown_exporter_keys(course: Course, registry: Registry) -> list[Diagnostic]:
    """A warning for an ``exporters:`` key that looks like a misspelt target: its options
    would otherwise be ignored without a word.  Keys unlike every target stay quiet, since a
    course.yml may carry options for a third-party target not installed here."""
    names = registry.names()
    course_yml = Path(course.root) / "course.yml"
    found = []
    for key in course.exporters:
        close = difflib.get_close_matches(key, names, n=1, cutoff=0.75)
        if key not in names and close:
            found.append(warning(f"exporters: '{key}' is not a target, so its options are ignored; "
                                 f"did you mean '{close[0]}'?", course_yml, _line_of_exporter_key(course_yml, key)))
    return found


def offerings_to_build(course: Course, requested: str | None) -> list[str]:
    names = [o.name for o in course.offerings]
    if requested in (None, ""):
        return [course.default_offering]
    if requested == "all":
        return names
    wanted = [n.strip() for n in requested.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in names]
    if unknown:
        raise CourseError([error(f"unknown offering '{unknown[0]}'; the course defines: {', '.join(names)} "
                                 "(or use --offering all)", Path(course.root) / "course.yml")])
    return wanted


def exporter_options(course: Course, cls: type[Exporter], target: str):
    """Validate the target's section of course.yml ``exporters:``, located on error."""
    keys = [k for k in (cls.name, target, *cls.option_keys) if k in course.exporters]
    settings: dict = {}
    for key in dict.fromkeys(keys):
        settings.update(course.exporters[key])
    try:
        return cls.Options.model_validate(settings)
    except ValidationError as exc:
        course_yml = Path(course.root) / "course.yml"
        line = _line_of_exporter_key(course_yml, keys[0] if keys else cls.name)
        raise CourseError([
            error(f"exporters.{keys[0] if keys else cls.name}: '{'.'.join(map(str, p['loc']))}': {p['msg']}",
                  course_yml, line)
            for p in exc.errors()
        ]) from None


def _line_of_exporter_key(course_yml: Path, key: str) -> int:
    lines = course_yml.read_text(encoding="utf-8-sig").split("\n")
    inside = False
    for number, line in enumerate(lines, start=1):
        if re.match(r"^exporters\s*:", line):
            inside = True
        elif inside and re.match(rf"^\s+{re.escape(key)}\s*:", line):
            return number
    return 0


def output_name(course: Course, target: str, offering: str, suffix: str) -> str:
    with_offering = not (len(course.offerings) == 1 and course.offerings[0].name == "default")
    return f"{course.code}-{target}{'-' + offering if with_offering else ''}.{suffix}"


def build(
    source: Path,
    targets: str,
    out_dir: Path,
    offering: str | None = None,
    strict: bool = False,
    registry: Registry | None = None,
    progress: Progress | None = None,
) -> tuple[list[BuildResult], list[Diagnostic]]:
    registry = registry or Registry()
    course, findings = read_and_check(source, strict, registry)
    names = registry.resolve(targets)
    offerings = offerings_to_build(course, offering)

    exporters = {}
    for name in names:
        cls = registry.load(name)
        exporters[name] = cls(exporter_options(course, cls, name))

    jobs = [(name, off) for off in offerings for name in names]
    built: list[tuple[str, str, Bundle, Exporter]] = []
    for index, (name, off) in enumerate(jobs, start=1):
        if progress:
            progress(index, len(jobs), f"{name} ({off})" if len(offerings) > 1 else name)
        selected = select_offering(course, off)
        exporter = exporters[name]
        try:
            bundle = exporter.build_bundle(selected)
        except CourseError:
            raise
        except Exception as exc:  # an exporter bug: say which target, keep the traceback chained
            raise ExporterError(f"target '{name}' failed: {type(exc).__name__}: {exc}") from exc
        if strict and bundle.warnings:
            raise CourseError([Diagnostic(Level.ERROR, f"{name}: {w.message} [--strict]", w.location)
                               for w in bundle.warnings])
        missing = sorted(str(f.source) for f in bundle.files.values() if f.source and not f.source.is_file())
        if missing:  # found now, so that no bundle at all is written
            raise ExporterError(f"target '{name}' added files that do not exist: {', '.join(missing)}")
        built.append((name, off, bundle, exporter))

    out_dir = Path(out_dir)
    results = []
    for name, off, bundle, exporter in built:
        path = out_dir / output_name(course, name, off, exporter.suffix)
        try:
            size = write_archive(bundle, path)
        except OSError as exc:
            detail = exc.strerror or str(exc)
            where = f" ({exc.filename})" if exc.filename and str(exc.filename) != str(path) else ""
            raise IleadError(f"cannot write {display_path(path)}: {detail}{where}") from None
        counts = bundle.counts or select_offering(course, off).counts()
        results.append(BuildResult(name, off, path, size, counts, bundle.warnings, bundle.notes))
    return results, findings
