"""The ``ilead-shell`` command line."""

from __future__ import annotations

import contextlib
import errno
import gc
import sys
from pathlib import Path

import click

from . import __version__
from .counting import counted, counts_text

# The pipeline (lxml, pydantic, the reader) and the registry are imported inside the
# commands that use them, so that --version, --help and `targets` start in a few
# hundredths of a second.

# What the command had done when its output could not be written (a full disk under standard
# output): said with that error, so that exit 1 is not taken for a failed build.  Set by the
# command, emptied by run() before it.
_done_before_output: list[str] = []

# No default: the nearest folder at or above the current one with a course.yml, else
# ./course_source (ilead_shell.discovery), decided when the command runs.
SOURCE = click.argument("source", type=click.Path(path_type=Path), required=False)
FORMAT = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                      help="'path:line: level: message' lines, or one JSON document on standard output "
                           "(docs/diagnostics.md).")


def _source(source: Path | None) -> Path:
    from .discovery import source_or_discovered
    return source_or_discovered(source)


def _emit_json(command: str, source: Path | None, diagnostics, course=None, exit_code: int = 0, **extra) -> None:
    from .json_output import document
    diagnostics = list(diagnostics)
    extra.setdefault("checks_waiting", [])
    for diagnostic in diagnostics:  # also as lines, for CI logs and problem matchers
        click.echo(diagnostic.format(), err=True)
    click.echo(document(command, source, diagnostics, course, **extra))
    if exit_code:
        sys.exit(exit_code)


def _failure_diagnostics(exc: Exception):
    """What a failed command reports in JSON: its diagnostics, or one for its message."""
    from .errors import CourseError, Diagnostic, Level, UnknownTargetError
    if isinstance(exc, CourseError):
        return exc.diagnostics
    code = "unknown-target" if isinstance(exc, UnknownTargetError) else getattr(exc, "code", "build-failed")
    return [Diagnostic(Level.ERROR, exc.format_message(), code=code)]


def _human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def _print_findings(findings) -> None:
    for finding in findings:
        click.echo(finding.format(), err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ilead-shell")
def main() -> None:
    """Package a course written as Markdown modules for Canvas, Moodle, Brightspace,
    Blackboard (Common Cartridge), any SCORM 1.2 player, and Open edX."""


@main.command()
@SOURCE
@click.option("--target", "-t", default="all", show_default=True, metavar="NAME[,NAME...]|all",
              help="Targets to build; see 'ilead-shell targets'.")
@click.option("--out", "-o", type=click.Path(path_type=Path, file_okay=False), default="build",
              show_default=True, help="Folder for the bundles; nothing is written anywhere else.")
@click.option("--offering", metavar="NAME[,NAME...]|all",
              help="Offering to build (default: the course's default_offering).")
@click.option("--strict", is_flag=True, help="Treat every warning as an error.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
@click.option("--verbose", "-v", is_flag=True,
              help="List each note on what a target simplified (by default only counted).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), metavar="N",
              help="Processes at most: bundles built at once, each in its own process, and the checks "
                   "beside them; a process left over helps a bundle (default: one per CPU when the "
                   "course is large enough for that to help; 1 builds in this process).")
@FORMAT
def build(source: Path | None, target: str, out: Path, offering: str | None, strict: bool, quiet: bool,
          verbose: bool, jobs: int | None, fmt: str) -> None:
    """Build bundles from the course in SOURCE (default: the nearest folder at or above this
    one with a course.yml, else ./course_source).

    Warnings are about the source and are fatal with --strict.  Notes say what a target's
    format cannot hold and how it was simplified; they are counted per bundle and listed
    with --verbose, and never fail a build.  Exit status: 0 built, 1 errors (nothing written),
    2 unknown target or wrong option, 128+N stopped by signal N.
    """
    as_json = fmt == "json"

    def progress(index: int, total: int, label: str) -> None:
        if total > 1 and not quiet and not as_json:
            click.echo(f"[{index}/{total}] building {label}", err=True)

    from .errors import IleadError
    from .pipeline import build as run_build
    from .staging import BuildInterrupted

    # What is loaded by now (modules, classes, schemas) lives as long as the process: kept out
    # of the cyclic collector's passes, which a build's hundreds of thousands of objects
    # trigger and which walked all of it each time (~5 % of a build's CPU on the bank).
    gc.freeze()
    try:
        source = _source(source)
        results, findings = run_build(source, target, out, offering=offering, strict=strict, progress=progress,
                                      jobs=jobs)
    except BuildInterrupted as stop:
        # The temporary files are gone by now; exit as a process killed by that signal would.
        click.echo(f"error: interrupted by {stop.name}; no bundle was written", err=True)
        if as_json:
            from .errors import Diagnostic, Level
            _emit_json("build", source, [Diagnostic(Level.ERROR, f"interrupted by {stop.name}; no bundle was "
                                                                 "written", code="build-failed")])
        sys.exit(128 + stop.signum)
    except IleadError as exc:
        if not as_json:
            raise
        _emit_json("build", source, _failure_diagnostics(exc), exit_code=exc.exit_code,
                   checks_waiting=list(getattr(exc, "waiting_checks", ())),
                   out=str(out), bundles=[])
    count = len(results)
    _done_before_output[:] = [f"the build itself succeeded: {count} bundle{'s' if count != 1 else ''} "
                              f"written to {out}"]
    if as_json:
        from .json_output import bundle_record
        every = list(findings) + [w for r in results for w in r.warnings]
        _emit_json("build", source, every, out=str(out), bundles=[bundle_record(r) for r in results])
        return
    if not quiet:
        _print_findings(findings)
    for result in results:
        if quiet:
            continue
        _print_findings(result.warnings)
        if verbose:
            for note in result.notes:
                click.echo(f"note: {result.target}: {note.message}", err=True)
        counts = counts_text(result.counts)
        click.echo(f"{result.path}  {_human_size(result.size)}  {counts}")
        if result.notes and not verbose:
            count = len(result.notes)
            click.echo(f"  {count} note{'s' if count != 1 else ''} on what {result.target} simplified "
                       "(--verbose lists them)", err=True)


@main.command()
def targets() -> None:
    """List the available targets."""
    from .errors import IleadError
    from .registry import Registry

    registry = Registry()
    for target in registry.targets():
        try:
            description = registry.describe(target.name)
        except IleadError as exc:
            description = f"(unavailable: {exc.format_message()})"
        aliases = f" (alias: {', '.join(target.aliases)})" if target.aliases else ""
        click.echo(f"{target.name:<12} {description}{aliases}")


@main.command()
@SOURCE
@click.option("--strict", is_flag=True, help="Treat every warning as an error.")
@click.option("--coverage", is_flag=True, help="Also print which outcomes are assessed and which competencies served.")
@click.option("--report", "report", type=click.Path(path_type=Path, dir_okay=False),
              help="Also write one HTML page with every finding by module, outcome coverage, readability "
                   "and quiz statistics.")
@FORMAT
def check(source: Path | None, strict: bool, coverage: bool, report: Path | None, fmt: str) -> None:
    """Read and check the course without exporting anything.

    Exit status: 0 no errors (warnings allowed, unless --strict), 1 errors."""
    from .checks.accessibility import REVIEW_ADVICE, files_for_review
    from .errors import IleadError
    from .pipeline import read_and_check

    try:
        source = _source(source)
        course, findings = read_and_check(source, strict)
    except IleadError as exc:
        if fmt != "json":
            raise
        _emit_json("check", source, _failure_diagnostics(exc), exit_code=exc.exit_code, files_for_review=[],
                   checks_waiting=list(getattr(exc, "waiting_checks", ())))
    review = files_for_review(course)
    if fmt == "json":
        if report is not None or coverage:
            raise click.UsageError("--format json gives the findings only; run --report or --coverage separately")
        _emit_json("check", source, findings, course, files_for_review=[name for name, _, _ in review])
        return
    _print_findings(findings)
    if review:
        click.echo(f"{len(review)} file{'s' if len(review) != 1 else ''} to review by hand ({REVIEW_ADVICE}): "
                   + ", ".join(name for name, _, _ in review), err=True)
    if coverage:
        from .checks.bibliography import readings_table
        from .checks.outcomes import coverage_table
        click.echo(coverage_table(course))
        click.echo(readings_table(course))
    if report is not None:
        from .checks.report import render_report
        from .errors import IleadError
        from .staging import write_file

        try:  # all of it or nothing, as outline --out
            write_file(report, render_report(course, findings).encode("utf-8"))
        except OSError as exc:
            raise IleadError(f"cannot write {report}: {exc.strerror or exc}") from None
        click.echo(f"{report}  quality report", err=True)
    counts = course.counts()
    warnings = sum(1 for f in findings if not f.is_error)
    click.echo(f"{course.code}: {counts_text(counts)}; {counted(warnings, 'warnings')}")


@main.command()
@SOURCE
@click.option("--offering", help="Offering to outline (default: the course's default_offering).")
@click.option("--format", "fmt", type=click.Choice(["html", "md"]), default="html", show_default=True,
              help="An accessible, printable HTML page or Markdown.")
@click.option("--out", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="File to write (default: standard output).")
def outline(source: Path | None, offering: str | None, fmt: str, out: Path | None) -> None:
    """Write the curriculum outline: description, competencies, outcomes, module plan, alignment."""
    from .offerings import select_offering
    from .outline import render_outline
    from .pipeline import offerings_to_build, read_and_check

    course, findings = read_and_check(_source(source))
    _print_findings(findings)
    names = ", ".join(o.name for o in course.offerings)
    if offering == "all" or (offering and "," in offering):
        raise click.BadParameter(f"the outline describes one offering; name one of: {names}",
                                 param_hint="--offering")
    chosen = offerings_to_build(course, offering, allow_all=False)
    text = render_outline(select_offering(course, chosen[0]), fmt)
    if out is None:
        click.echo(text, nl=False)
        return
    from .errors import IleadError, display_path
    from .staging import write_file

    try:  # all of it or nothing: a full or read-only disk leaves no truncated file
        write_file(out, text.encode("utf-8"))
    except OSError as exc:
        raise IleadError(f"cannot write {display_path(out)}: {exc.strerror or exc}") from None
    click.echo(f"{out}  {chosen[0]} outline ({fmt})", err=True)


@main.command()
@click.argument("bundles", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--schemas", type=click.Path(path_type=Path, file_okay=False, exists=True),
              help="Folder with the official IMS/ADL XSDs (cc11/, cc13/, scorm12/) to run as well.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="Findings as 'bundle:member:line: level: ...' lines, or one JSON document.")
@click.option("--strict", is_flag=True, help="Fail on warnings too (what some LMS will misread or drop).")
@click.option("--lms", type=click.Choice(["any", "canvas", "moodle", "openedx"]), default="any", show_default=True,
              help="The LMS you will import into: keep only its importer's rules (and the format's own).")
def validate(bundles: tuple[Path, ...], schemas: Path | None, fmt: str, strict: bool, lms: str) -> None:
    """Check Common Cartridge, SCORM 1.2, OLX and Moodle backup bundles, made here or elsewhere,
    against their format and the rules of the LMSs that import them.

    An error is something an LMS refuses or a rule of the format broken; a warning is
    something a named LMS will misread, drop or show broken.  Exits 1 when any bundle has
    errors (or, with --strict, warnings)."""
    from .validation import render_json, render_text, validate_bundles

    reports, notes = validate_bundles(list(bundles), schemas, lms=lms)
    if fmt == "json":
        click.echo(render_json(reports, notes, strict, lms))
    else:
        lines, summaries = render_text(reports, strict, lms)
        for line in lines + notes:
            click.echo(line, err=True)
        for summary in summaries:
            click.echo(summary)
    if any(report.fails(strict) for report in reports):
        sys.exit(1)


@main.command("dump-model")
@SOURCE
@click.option("--offering", help="Dump one offering's view of the course instead of the whole course.")
def dump_model(source: Path | None, offering: str | None) -> None:
    """Print the course model as JSON (stable key order, for diffs and golden tests)."""
    import json

    from .offerings import select_offering
    from .pipeline import offerings_to_build, read_and_check

    course, _ = read_and_check(_source(source))
    if offering:
        course = select_offering(course, offerings_to_build(course, offering)[0])
    data = course.model_dump(mode="json")
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, sort_keys=True)
    sys.stdout.write("\n")


@main.command("import")
@click.argument("cartridge", type=click.Path(path_type=Path))
@click.option("--out", "-o", type=click.Path(path_type=Path, file_okay=False),
              help="Folder to write the course source into (default: a folder named after the course code). "
                   "With --module: the existing course to add the module to (default: the course you are in, found as "
                   "check finds it).")
@click.option("--force", is_flag=True, help="Replace --out when it already holds a course source.")
@click.option("--module", "module_name", metavar="NUMBER|TITLE",
              help="Bring only this module of the archive into the existing course given by --out.")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors.")
def import_command(cartridge: Path, out: Path | None, force: bool, module_name: str | None, quiet: bool) -> None:
    """Import a Common Cartridge, Canvas or Moodle export (.imscc, .zip or an unzipped folder)
    as a course source that builds for every target.  What could not be carried over is listed
    in import-report.md."""
    from .importing import REPORT_NAME, import_course, import_module

    if module_name:
        # The course to add to: --out, else the one the author stands in (as check and new module find it).
        result = import_module(cartridge, module_name, _source(out))
    else:
        result = import_course(cartridge, out, force=force)
    if quiet:
        return
    counts = counts_text(result.counts)
    what = f"module '{result.module}'" if result.module else "course"
    click.echo(f"{result.path}  {what} from {result.source_format}: {counts}")
    for action in result.actions:
        click.echo(f"  {action}")
    entries = len(result.report.entries)
    if entries and not result.module:
        click.echo(f"  {entries} thing{'s' if entries != 1 else ''} imported differently or not at all: see "
                   f"{result.path / REPORT_NAME}", err=True)
    elif entries:
        # A module folder gets no report file (a .md there would be read as an item): every entry is here.
        click.echo(f"  {entries} thing{'s' if entries != 1 else ''} imported differently or not at all:", err=True)
        for entry in result.report.entries:
            kind = "not in the archive's format" if entry.kind == "format-limit" else entry.kind
            where = f" ({entry.where})" if entry.where else ""
            click.echo(f"    {kind}: {entry.message}{where}", err=True)
    warnings = len(result.warnings)
    if warnings:
        click.echo(f"  {warnings} warning{'s' if warnings != 1 else ''} from 'ilead-shell check' on the imported "
                   "source (run it to list them)", err=True)


@main.command()
@SOURCE
@click.option("--port", "-p", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--offering", help="Offering to preview (default: the course's default_offering).")
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in the web browser.")
def serve(source: Path | None, port: int, offering: str | None, open_browser: bool) -> None:
    """Preview the course in a browser while you edit it: builds the html target, serves it on
    127.0.0.1, and rebuilds and reloads the open page after each change.  A mistake in the source
    is shown on the page and here, with its path:line, and the last good build stays served.
    Nothing is written into the course source or build/."""
    from .serving import serve as run_serve

    run_serve(_source(source), port, offering, open_browser,
              say=lambda text: click.echo(text), tell=lambda text: click.echo(text, err=True))


@main.group()
def new() -> None:
    """Start a course, or add a module to the course you are in."""


@new.command("course")
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--title", help="The course title (default: from the folder name).")
@click.option("--code", help="The course code: letters, digits, - and _ (default: from the folder name).")
def new_course_command(folder: Path, title: str | None, code: str | None) -> None:
    """Write a small starter course into FOLDER (new or empty): every item type once, a quiz with
    every question type, an assignment with a rubric, a competency and outcomes.  It passes
    'check --strict' and builds for every target; edit it under 'ilead-shell serve'."""
    from .scaffold import new_course

    created = new_course(folder, title, code)
    counts = counts_text(created.counts)
    click.echo(f"{created.path}  new course {created.title!r}: {counts}")
    click.echo(f"next: cd {created.path} && ilead-shell serve   (then edit any file: the page in the browser "
               "follows)", err=True)


@new.command("module")
@click.argument("name")
@click.option("--course", "course", type=click.Path(path_type=Path, file_okay=False),
              help="The course to add it to (default: the course you are in).")
def new_module_command(name: str, course: Path | None) -> None:
    """Add a module NAME to the course: a folder in modules/ with its overview, a page and a
    quiz, listed in course.yml's modules: when the course lists its modules there."""
    from .scaffold import new_module

    created = new_module(_source(course), name)
    counts = counts_text(created.counts)
    listed = "; listed in course.yml's modules:" if created.listed else ""
    click.echo(f"{created.path}  new module {created.title!r}: {counts}{listed}")


def run() -> None:
    """The ``ilead-shell`` executable: the command, then an exit without the interpreter's teardown.

    Python frees every object and module one by one before it exits: after a build of a
    2,000-question bank, about a tenth of a second of the command, spent on memory the system
    takes back at once.  So, as mypy does, the process leaves with ``os._exit`` once the
    command is done.  Nothing is left to do by then: every file was written and closed inside
    the command, click flushes after each line it prints, and no ``atexit`` handler is
    registered.  With another thread still running (none should be), the exit is Python's
    own, which waits for it."""
    import os
    import threading

    output_lost = False
    _done_before_output.clear()  # this process's command only (tests run several in one process)
    try:
        main.main(prog_name="ilead-shell")  # click's standalone mode: it always raises SystemExit
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    except OSError as exc:
        # A full disk under a write the command does not report itself: printed output
        # (dump-model, --format json), or a file of `new` or `import`.  Bundles are written through
        # staging, which says what failed and writes nothing; a closed pipe is click's.
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT):
            raise
        _say_cannot_write(exc.filename or "standard output", exc)
        code, output_lost = 1, exc.filename is None
    if threading.active_count() > 1:
        sys.exit(code)
    if code is None:
        code = 0
    elif not isinstance(code, int):  # sys.exit("message"): Python prints it and exits with 1
        if sys.stderr is not None:
            print(code, file=sys.stderr)
        code = 1
    os._exit(_flushed(code, output_lost))


def _flushed(code: int, output_lost: bool = False) -> int:
    """Flush what was written past click.echo, as Python's exit does.  Output that cannot be
    written is an error (exit 1), said on standard error unless the reader just left (| head);
    ``output_lost``: that was said already, and what is still buffered is dropped."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None or stream.closed:  # started with it closed (>&-): nothing to flush
            continue
        if name == "stdout" and output_lost:
            continue
        try:
            stream.flush()
        except BrokenPipeError:
            code = 1
        except OSError as exc:  # a full disk: the output is lost, which must not go unsaid
            code = 1
            if name == "stdout":
                _say_cannot_write("standard output", exc)
    return code


def _say_cannot_write(what, exc: OSError) -> None:
    if sys.stderr is not None and not sys.stderr.closed:
        with contextlib.suppress(OSError):
            done = "".join(f"; {what_was_done}" for what_was_done in _done_before_output)
            sys.stderr.write(f"error: cannot write {what}: {exc.strerror or exc}{done}\n")
            sys.stderr.flush()


if __name__ == "__main__":  # pragma: no cover
    run()
