"""The whole build, readable top to bottom.

read -> check -> choose targets and offerings -> validate options -> plan one job per
distinct bundle -> build each and write it to a temporary file -> rename them all into
place.  A mistake found anywhere, a full disk or SIGTERM leaves the output folder as it
was (:mod:`.staging`).
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from pydantic import ValidationError

from .archive import write_bundle
from .audience import links_to_instructor_material
from .diagnostic_codes import code_of
from .errors import CourseError, Diagnostic, ExporterError, IleadError, Level, display_path, error, warning
from .exporter_api import Bundle, Exporter, lending_processes, packing_entries
from .model import Course
from .offerings import links_leaving_offering, select_offering
from .reader import load_course
from .registry import Registry
from .source_files import source_lines
from .staging import FILE_MODE, Staging, interrupt_on_signals, signals_held
from .workers import WorkerFailed, available_cpus, batch_collections, can_fork, descriptor, run_forked


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


def read_and_check(source: Path, strict: bool = False, registry: Registry | None = None,
                   markdown_cache: dict[str, str] | None = None) -> tuple[Course, list[Diagnostic]]:
    """Read the course and run every check; with ``strict`` any warning is an error.

    ``markdown_cache`` is the reader's (see :func:`ilead_shell.reader.load_course`)."""
    course, warnings = read_course(source, registry, markdown_cache)
    return course, check_course(course, warnings, strict, registry)


def read_course(source: Path, registry: Registry | None = None, markdown_cache: dict[str, str] | None = None,
                processes: int | None = None) -> tuple[Course, list[Diagnostic]]:
    """The course and the reader's warnings, read by at most ``processes`` processes; a course
    with errors raises them, together with what the checks that judge each part as it reads find."""
    try:
        return load_course(source, markdown_cache, processes)
    except CourseError as failure:
        partial = getattr(failure, "course", None)
        if partial is None:
            raise
        # The modules have errors; what course.yml says about checks and targets is checked too.
        from .checks.config import checks_config
        from .checks import registered_checks

        families = [c.name for c in registered_checks()[0]]
        extra = checks_config(partial, families)[1] + unknown_exporter_keys(partial, registry or Registry())
        # Every mistake in one run: the checks that judge each part as it reads run now too.
        from .checks import run_checks_on_partial

        findings, waiting = run_checks_on_partial(partial)
        raise CourseError(failure.diagnostics + extra + findings, waiting) from None


def check_course(course: Course, warnings: list[Diagnostic], strict: bool = False,
                 registry: Registry | None = None) -> list[Diagnostic]:
    """Every check's findings on a course read without errors (``warnings`` are the reader's);
    raises CourseError for errors, and with ``strict`` for any warning that is not advisory."""
    # Imported here, by the process that runs the checks: beside the bundles, that is not the
    # one that builds them.  Their model classes are built with signals held (see signals_held).
    with signals_held():
        from .checks import run_checks

    findings = warnings + run_checks(course) + unknown_exporter_keys(course, registry or Registry())
    # Judged for every offering, as outcome coverage is, so that `check --strict` (the CI
    # gate) fails exactly when `build --strict --offering all` would.
    for offering in course.offerings:
        findings += links_leaving_offering(course, offering.name)
    findings += links_to_instructor_material(course)
    errors = [d for d in findings if d.is_error]
    if strict and findings:
        errors = [replace(d, level=Level.ERROR, message=f"{d.message} [--strict]", code=code_of(d))
                  if not d.is_error else d for d in findings if d.is_error or not d.advisory]
    if errors:
        raise CourseError(errors)
    return findings


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


def offerings_to_build(course: Course, requested: str | None, allow_all: bool = True) -> list[str]:
    """The offerings ``--offering`` names; ``allow_all`` False for a command that takes one."""
    names = [o.name for o in course.offerings]
    if requested in (None, ""):
        return [course.default_offering]
    if requested == "all" and allow_all:
        return names
    wanted = [n.strip() for n in requested.split(",") if n.strip()]
    unknown = [n for n in wanted if n not in names]
    if unknown:
        raise CourseError([error(f"unknown offering '{unknown[0]}'; the course defines: {', '.join(names)}"
                                 + (" (or use --offering all)" if allow_all else ""),
                                 Path(course.root) / "course.yml", code="unknown-offering-option")])
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
    lines = source_lines(course_yml)
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


@dataclass
class Job:
    """One bundle to build, and every output file that holds it.

    Targets whose exporters declare the same :meth:`Exporter.bundle_key` make the same
    bytes for the same offering (plain CC 1.3, Brightspace and Blackboard do), so they
    are one job: built and compressed once, copied to each name.
    """

    targets: list[str]
    offering: str
    exporter: Exporter
    outputs: list[str]

    @property
    def label(self) -> str:
        shown = self.targets[0] if len(self.targets) == 1 else f"{', '.join(self.targets)} (one bundle)"
        return shown


def plan_jobs(course: Course, names: list[str], offerings: list[str],
              exporters: dict[str, Exporter]) -> list[Job]:
    jobs: list[Job] = []
    by_key: dict[tuple, Job] = {}
    for off in offerings:
        for name in names:
            exporter = exporters[name]
            output = output_name(course, name, off, exporter.suffix)
            key = (exporter.bundle_key(), off)
            if key in by_key:
                by_key[key].targets.append(name)
                by_key[key].outputs.append(output)
                continue
            job = by_key[key] = Job([name], off, exporter, [output])
            jobs.append(job)
    return jobs


# Below this much work (modules, items and files, times bundles) forking workers costs more
# than it saves.  benchmarks/bench_build.py --only workers: 30 pages (about 420) were slower
# in two processes, 99 pages (about 1,400) faster; README "Benchmarks".
PARALLEL_MIN_WORK = 1000


def worker_count(course: Course, jobs: list[Job], requested: int | None, extra_jobs: int = 0) -> int:
    """How many processes build the bundles: ``requested``, or as many as help.
    ``extra_jobs`` are jobs beside the bundles (the checks), about as long as one bundle."""
    count = len(jobs) + extra_jobs
    if count < 2 or not can_fork():
        return 1
    if requested is not None:
        return max(1, min(requested, count))
    work = (len(course.items()) + len(course.modules) + len(course.assets)) * count
    return min(available_cpus(), count) if work >= PARALLEL_MIN_WORK else 1


def lent_count(plan: list[Job], workers: int, requested: int | None) -> int:
    """How many processes each bundle may use for work it splits (``parallel_map``).

    With ``--jobs N``, what the bundles and the checks leave of N: never more than N processes
    at once.  By default, also the process of the checks, a short job (a fifth of a canvas
    bundle on the question bank): with one target on two cores, the bundle's second half then
    starts while the checks end, which measured faster than waiting for them (README,
    "Benchmarks").  None in a build of one process."""
    if workers < 2:
        return 0
    if requested is not None:
        return max(0, requested - len(plan) - 1)
    return max(0, available_cpus() - len(plan))


def build(
    source: Path,
    targets: str,
    out_dir: Path,
    offering: str | None = None,
    strict: bool = False,
    registry: Registry | None = None,
    progress: Progress | None = None,
    jobs: int | None = None,
) -> tuple[list[BuildResult], list[Diagnostic]]:
    """Build every (target, offering) bundle into ``out_dir``: all of them, or none.

    The checks run beside the bundles, as one more job (with two processes, the build
    does not wait for them); their errors win over anything a bundle says, as if they
    had run first, and nothing is written unless they pass.  Each bundle is written to
    its temporary file as soon as it is built (so memory holds one bundle at a time), by
    ``jobs`` processes (default: as many as help); only when all succeeded are they
    renamed into place (:mod:`.staging`).
    """
    with batch_collections():
        return _build(source, targets, out_dir, offering, strict, registry, progress, jobs)


def _build(source: Path, targets: str, out_dir: Path, offering: str | None, strict: bool,
           registry: Registry | None, progress: Progress | None,
           jobs: int | None) -> tuple[list[BuildResult], list[Diagnostic]]:
    registry = registry or Registry()
    course, reader_warnings = read_course(source, registry, processes=jobs)

    def judge() -> list[Diagnostic]:
        return check_course(course, reader_warnings, strict, registry)

    try:
        names = registry.resolve(targets)
        offerings = offerings_to_build(course, offering)
        exporters = {}
        for name in names:
            cls = registry.load(name)
            exporters[name] = cls(exporter_options(course, cls, name))
    except IleadError:
        judge()  # the course's own errors come first, as when the checks ran before the options
        raise

    plan = plan_jobs(course, names, offerings, exporters)
    out_dir = Path(out_dir)
    every_output = [output for job in plan for output in job.outputs]
    workers = worker_count(course, plan, jobs, extra_jobs=1)
    findings: list[Diagnostic] = []
    if workers == 1:  # one process: check first, so that a course with errors builds nothing
        findings = judge()
    with interrupt_on_signals(), Staging(out_dir) as staging:
        try:
            staging.open()
        except OSError as exc:
            raise _cannot_write(out_dir, exc, every_output, out_dir) from None
        for output in every_output:  # named here, so that this process can rename what workers write
            staging.temporary(output)

        lent = lent_count(plan, workers, jobs)
        lock = [fd for fd in [staging.lock_fd] if fd is not None]
        lock_descriptors = [found for found in map(descriptor, lock) if found is not None]

        def make(index: int) -> tuple[str, object]:
            try:
                with lending_processes(lent, close_in_workers=lock_descriptors):
                    return "built", _make_bundle(course, plan[index], staging, strict, every_output)
            except IleadError as exc:
                return "failed", exc

        def announce(index: int, started: int) -> None:
            """Say that job ``index`` of the plan starts, the ``started``-th to start."""
            if progress:
                progress(started, len(plan), _progress_label(plan[index], len(offerings)))

        answers: list = []
        if workers > 1:
            # Job 0 is the checks, started first: their errors win over a bundle's, so they must
            # finish even when a failed bundle stops the jobs not yet begun.
            def run(index: int) -> tuple[str, object]:
                if index == 0:
                    try:
                        return "checked", judge()
                    except IleadError as exc:
                        return "failed", exc
                return make(index - 1)

            # The checks first, then the bundles longest first: the last job to finish is then
            # a short one, and no process waits long for the other.
            order = [0] + sorted(range(1, len(plan) + 1), key=lambda index: (-plan[index - 1].exporter.build_cost,
                                                                                index))
            started = {job: position for position, job in enumerate(order)}
            try:
                answers = run_forked(lambda index: _portable(run(index)), len(plan) + 1, workers, order=order,
                                     on_dispatch=lambda index: index and announce(index - 1, started[index]),
                                     failed=lambda answer: answer[0] == "failed",
                                     close_in_workers=lock)
            except WorkerFailed as exc:
                failed_at = "the checks" if exc.index == 0 else f"target '{plan[exc.index - 1].targets[0]}'"
                raise ExporterError(f"{failed_at} failed: {exc.reason}") from None
            answers = [_restore(answer) for answer in answers]
            checked, answers = answers[0], answers[1:]
            if checked is not None and checked[0] == "failed":
                raise checked[1]
            findings = checked[1] if checked is not None else []
        else:
            for index in range(len(plan)):
                announce(index, index + 1)
                answers.append(make(index))
                if answers[-1][0] == "failed":
                    break
        # The first failure in job order: the one a serial build stops at.
        failed = next((answer[1] for answer in answers if answer is not None and answer[0] == "failed"), None)
        if failed is not None:
            raise failed
        try:
            staging.commit()
        except OSError as exc:
            final = getattr(exc, "filename2", None) or exc.filename or out_dir
            raise _cannot_write(Path(final), exc, every_output, out_dir) from None

    by_output = {result.path.name: result for answer in answers for result in answer[1]}
    # Reported in the order the user asked for: offerings, then targets.
    results = [by_output[output_name(course, name, off, exporters[name].suffix)]
               for off in offerings for name in names]
    return results, findings


def _progress_label(job: Job, offerings: int) -> str:
    return f"{job.label} ({job.offering})" if offerings > 1 else job.label


def _make_bundle(course: Course, job: Job, staging: Staging, strict: bool,
                 every_output: list[str]) -> list[BuildResult]:
    """Build one job's bundle, write it to its temporary file(s); errors as IleadError."""
    name = job.targets[0]
    selected = select_offering(course, job.offering)
    try:
        with packing_entries():  # written to its archive next: held deflated until then
            bundle = job.exporter.build_bundle(selected)
    except CourseError:
        raise
    except Exception as exc:  # an exporter bug: say which target, keep the traceback chained
        raise ExporterError(f"target '{name}' failed: {type(exc).__name__}: {exc}") from exc
    if strict and bundle.warnings:
        raise CourseError([Diagnostic(Level.ERROR, f"{name}: {w.message} [--strict]", w.location,
                                      code=w.code or "target-warning") for w in bundle.warnings])
    missing = sorted(str(f.source) for f in bundle.files.values() if f.source and not f.source.is_file())
    if missing:  # found now, so that no bundle at all is written
        raise ExporterError(f"target '{name}' added files that do not exist: {', '.join(missing)}")
    first = job.outputs[0]
    try:
        size = staging.write(first, lambda raw: write_bundle(bundle, raw))
        for other in job.outputs[1:]:  # the same bytes under another target's name
            shutil.copyfile(staging.temporary(first), staging.temporary(other))
            os.chmod(staging.temporary(other), FILE_MODE)
    except OSError as exc:
        failed = next((o for o in job.outputs if exc.filename and Path(exc.filename).name.startswith(f".{o}.")),
                      first)
        raise _cannot_write(staging.folder / failed, exc, every_output, staging.folder) from None
    counts = bundle.counts or selected.counts()
    return [BuildResult(target, job.offering, staging.folder / output, size, counts, bundle.warnings, bundle.notes)
            for target, output in zip(job.targets, job.outputs)]


def _cannot_write(path: Path, exc: OSError, every_output: list[str], folder: Path) -> IleadError:
    """'cannot write <path>: <reason>', and which bundles this leaves unwritten."""
    detail = exc.strerror or str(exc)
    named = str(exc.filename) if exc.filename else ""
    temporary = Path(named).name.endswith(".part")
    where = f" ({named})" if named and not temporary and Path(named) not in (path, folder) else ""
    message = f"cannot write {display_path(path)}: {detail}{where}"
    if len(every_output) > 1:
        message += (f"\nnothing was written: none of the {len(every_output)} bundles of this build "
                    f"({', '.join(every_output)}) is in {display_path(folder)}")
    return IleadError(message)


def _portable(answer: tuple[str, object]) -> tuple[str, object]:
    """An answer as plain data, to cross from a worker process (CourseError does not pickle)."""
    kind, value = answer
    if kind in ("built", "checked"):
        return answer
    if isinstance(value, CourseError):
        return kind, ("course", value.diagnostics)
    assert isinstance(value, IleadError)
    return kind, ("ilead", type(value), value.format_message())


def _restore(answer: tuple[str, object] | None) -> tuple[str, object] | None:
    if answer is None or answer[0] in ("built", "checked"):
        return answer
    portable = answer[1]
    assert isinstance(portable, tuple)
    if portable[0] == "course":
        return "failed", CourseError(list(portable[1]))
    cls, message = portable[1], portable[2]
    try:
        return "failed", cls(message)
    except Exception:  # noqa: BLE001 - an IleadError subclass with another signature
        return "failed", IleadError(message)
