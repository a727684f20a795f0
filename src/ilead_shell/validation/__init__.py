"""``ilead-shell validate``: check any bundle before it reaches an LMS.

Each bundle is opened once (:class:`~.archive.BundleArchive`), offered to every registered
validator (``ilead_shell.validators`` entry points) until one claims it, and checked by that
one.  The result is a :class:`BundleReport` per bundle; :func:`render_text` and
:func:`render_json` print them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import display_path
from ..registry import ValidatorRegistry
from .api import (
    CANVAS, CC2OLX, EVERY_LMS, MOODLE, OPEN_EDX, SCORM_PLAYERS, VIEWER, BundleValidator, Finding,
    ValidationContext, error, note,
)
from .archive import ArchiveError, BundleArchive, archive_findings

# ``--lms NAME``: the readers whose rules matter to an admin importing into that LMS.  The
# format's own rules (every LMS, any SCORM player) always apply.
LMS_READERS: dict[str, tuple[str, ...]] = {
    "canvas": (CANVAS, VIEWER),
    "moodle": (MOODLE,),
    "openedx": (OPEN_EDX, CC2OLX),
}
LMS_CHOICES = ("any", *LMS_READERS)
FORMAT_OWN = (EVERY_LMS, SCORM_PLAYERS)
# Formats only one LMS imports: every rule of theirs is that LMS's, and is never filtered.
SINGLE_LMS_FORMATS = ("mbz", "olx")


@dataclass
class BundleReport:
    path: Path
    format: str  # the validator's name, or "" when none claimed the bundle
    findings: list[Finding] = field(default_factory=list)
    hidden: int = 0  # findings of other LMSs' rules left out by --lms

    @property
    def shown(self) -> str:
        return display_path(self.path)

    @property
    def errors(self) -> int:
        return sum(f.level == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.level == "warning" for f in self.findings)

    @property
    def notes(self) -> int:
        return sum(f.level == "note" for f in self.findings)

    def fails(self, strict: bool = False) -> bool:
        return bool(self.errors or (strict and self.warnings))

    def only_importers_warned(self) -> bool:
        """Whether there are warnings and every one is an importer's rule, not the format's own."""
        warned = [f for f in self.findings if f.level == "warning"]
        return bool(warned) and self.format not in SINGLE_LMS_FORMATS and \
            not any(reader in FORMAT_OWN for f in warned for reader in f.affects)


def validate_bundles(paths: list[Path], schemas: Path | None = None,
                     registry: ValidatorRegistry | None = None, lms: str = "any"
                     ) -> tuple[list[BundleReport], list[str]]:
    """A report per bundle, and notes about the run (a validator that failed to load, skipped XSDs).
    ``lms`` (``--lms``) keeps only the format's own rules and that LMS's importer's."""
    registry = registry or ValidatorRegistry()
    found = registry.load_all()
    context = ValidationContext(schemas=schemas)
    notes = [f"note: {problem}" for _, cls, problem in found if cls is None]
    reports = [validate_one(Path(path), [cls for _, cls, _ in found if cls is not None], context) for path in paths]
    if lms != "any":
        reports = [for_lms(report, lms) for report in reports]
    return reports, notes + list(dict.fromkeys(context.notes))


def for_lms(report: BundleReport, lms: str) -> BundleReport:
    """``report`` without the findings of other LMSs' importers."""
    if report.format in SINGLE_LMS_FORMATS:
        return report
    wanted = FORMAT_OWN + LMS_READERS[lms]
    kept = [f for f in report.findings if any(reader in wanted for reader in f.affects)]
    return BundleReport(report.path, report.format, kept, report.hidden + len(report.findings) - len(kept))


def validate_one(path: Path, validators: list[type[BundleValidator]], context: ValidationContext) -> BundleReport:
    try:
        archive = BundleArchive(path)
    except ArchiveError as exc:
        if _is_html_page(path):
            return BundleReport(path, "html page", [note(
                "site/page", "an HTML page (such as the build's report.html or outline.html), not a bundle: "
                "nothing to validate for an LMS")])
        return BundleReport(path, "", [error("archive/unreadable", str(exc))])
    with archive:
        chosen = next((cls for cls in validators if _claims(cls, archive)), None)
        if chosen is None:
            known = ", ".join(cls.description or cls.name for cls in validators) or "none installed"
            findings = archive_findings(archive) + [error(
                "archive/unknown-format", f"no validator recognises this bundle (known formats: {known}); "
                "a cartridge or SCORM package needs imsmanifest.xml at the top, an OLX archive course.xml, "
                "a Moodle backup moodle_backup.xml")]
            return BundleReport(path, "", findings)
        try:
            findings = chosen().validate(archive, context)
        except Exception as exc:  # noqa: BLE001 - a validator bug must not hide the other bundles
            findings = [error("validator/crashed", f"the {chosen.name} validator failed: {type(exc).__name__}: {exc}; "
                              "please report this bug")]
        findings = archive_findings(archive) + findings
    return BundleReport(path, chosen.name, _ordered(findings))


def _is_html_page(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            start = handle.read(512).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    except OSError:
        return False
    return start.startswith((b"<!doctype html", b"<html"))


def _claims(cls: type[BundleValidator], archive: BundleArchive) -> bool:
    try:
        return bool(cls.claims(archive))
    except Exception:  # noqa: BLE001 - a validator that cannot tell does not claim
        return False


def _ordered(findings: list[Finding]) -> list[Finding]:
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=lambda f: (f.member, f.line, not f.is_error, f.rule, f.message))


# -- output ------------------------------------------------------------------------------------
def _count(number: int, what: str) -> str:
    return f"{number} {what}{'s' if number != 1 else ''}"


def verdict(report: BundleReport, strict: bool) -> str:
    """The status word of a summary line; it agrees with the exit status."""
    if report.errors:
        return "errors"
    if strict and report.warnings:
        return "fails with --strict"
    return "ok"


def render_text(reports: list[BundleReport], strict: bool = False, lms: str = "any"
                ) -> tuple[list[str], list[str]]:
    """(finding lines and hints for standard error, one summary line per bundle for standard output)."""
    lines, summaries = [], []
    for report in reports:
        lines += [finding.format(report.shown) for finding in report.findings]
        what = report.format or "unknown format"
        counts = f"{_count(report.errors, 'error')}, {_count(report.warnings, 'warning')}"
        if report.notes:
            counts += f", {_count(report.notes, 'note')}"
        if report.hidden:
            counts += f"; {report.hidden} for other LMSs left out by --lms {lms}"
        summaries.append(f"{report.shown}  {what}: {counts} ({verdict(report, strict)})")
    return lines + _lms_hint(reports, lms), summaries


def _lms_hint(reports: list[BundleReport], lms: str) -> list[str]:
    """When every warning of a bundle is about how one importer reads it, say how to keep only the
    rules of the LMS the admin imports into."""
    if lms != "any":
        return []
    warned = [r for r in reports if r.only_importers_warned()]
    if not warned:
        return []
    readers = sorted({reader for r in warned for f in r.findings if f.level == "warning" for reader in f.affects})
    which = ", ".join(r.shown for r in warned) if len(warned) <= 2 else f"{len(warned)} bundles"
    return [f"note: every warning of {which} is about how an importer reads it ({', '.join(readers)}), not a "
            f"rule of the format; importing into one LMS? --lms {'|'.join(LMS_READERS)} keeps only its rules"]


def render_json(reports: list[BundleReport], notes: list[str], strict: bool = False, lms: str = "any") -> str:
    """One document in the shape of check's and build's (docs/diagnostics.md), with a record per bundle."""
    from ..json_output import VERSION

    diagnostics = [_finding_record(r, f) for r in reports for f in r.findings]
    diagnostics += [{"level": "note", "code": "validate/run", "file": None, "member": None, "line": None,
                     "message": text.removeprefix("note: "), "check": None, "affects": []} for text in notes]
    body = {
        "tool": "ilead-shell",
        "command": "validate",
        "version": VERSION,
        "ok": not any(r.fails(strict) for r in reports),
        "source": None,
        "course": None,
        "summary": {"errors": sum(r.errors for r in reports), "warnings": sum(r.warnings for r in reports)},
        "diagnostics": diagnostics,
        "strict": strict,
        "lms": lms,
        "bundles": [{"path": r.shown, "format": r.format or None, "ok": not r.fails(strict),
                     "verdict": verdict(r, strict),
                     "summary": {"errors": r.errors, "warnings": r.warnings, "notes": r.notes, "hidden": r.hidden}}
                    for r in reports],
    }
    return json.dumps(body, indent=2, ensure_ascii=False)


def _finding_record(report: BundleReport, finding: Finding) -> dict:
    return {"level": finding.level, "code": finding.rule or "validate/finding", "file": report.shown,
            "member": finding.member or None, "line": finding.line or None, "message": finding.message,
            "check": report.format or None, "affects": list(finding.affects)}


__all__ = ["BundleReport", "EVERY_LMS", "Finding", "LMS_CHOICES", "ValidationContext", "for_lms", "render_json",
           "render_text", "validate_bundles", "verdict"]
