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
from .api import EVERY_LMS, BundleValidator, Finding, ValidationContext, error
from .archive import ArchiveError, BundleArchive, archive_findings


@dataclass
class BundleReport:
    path: Path
    format: str  # the validator's name, or "" when none claimed the bundle
    findings: list[Finding] = field(default_factory=list)

    @property
    def shown(self) -> str:
        return display_path(self.path)

    @property
    def errors(self) -> int:
        return sum(f.is_error for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(not f.is_error for f in self.findings)


def validate_bundles(paths: list[Path], schemas: Path | None = None,
                     registry: ValidatorRegistry | None = None) -> tuple[list[BundleReport], list[str]]:
    """A report per bundle, and notes about the run (a validator that failed to load, skipped XSDs)."""
    registry = registry or ValidatorRegistry()
    found = registry.load_all()
    context = ValidationContext(schemas=schemas)
    notes = [f"note: {problem}" for _, cls, problem in found if cls is None]
    reports = [validate_one(Path(path), [cls for _, cls, _ in found if cls is not None], context) for path in paths]
    return reports, notes + list(dict.fromkeys(context.notes))


def validate_one(path: Path, validators: list[type[BundleValidator]], context: ValidationContext) -> BundleReport:
    try:
        archive = BundleArchive(path)
    except ArchiveError as exc:
        return BundleReport(path, "", [error("archive/unreadable", str(exc))])
    with archive:
        chosen = next((cls for cls in validators if _claims(cls, archive)), None)
        if chosen is None:
            known = ", ".join(cls.description or cls.name for cls in validators) or "none installed"
            findings = archive_findings(archive) + [error(
                "archive/unknown-format", f"no validator recognises this bundle (known formats: {known}); "
                "a cartridge or SCORM package needs imsmanifest.xml at the top, an OLX archive course.xml")]
            return BundleReport(path, "", findings)
        try:
            findings = chosen().validate(archive, context)
        except Exception as exc:  # noqa: BLE001 - a validator bug must not hide the other bundles
            findings = [error("validator/crashed", f"the {chosen.name} validator failed: {type(exc).__name__}: {exc}; "
                              "please report this bug")]
        findings = archive_findings(archive) + findings
    return BundleReport(path, chosen.name, _ordered(findings))


def _claims(cls: type[BundleValidator], archive: BundleArchive) -> bool:
    try:
        return bool(cls.claims(archive))
    except Exception:  # noqa: BLE001 - a validator that cannot tell does not claim
        return False


def _ordered(findings: list[Finding]) -> list[Finding]:
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=lambda f: (f.member, f.line, not f.is_error, f.rule, f.message))


# -- output ------------------------------------------------------------------------------------
def render_text(reports: list[BundleReport]) -> tuple[list[str], list[str]]:
    """(finding lines for standard error, one summary line per bundle for standard output)."""
    lines, summaries = [], []
    for report in reports:
        lines += [finding.format(report.shown) for finding in report.findings]
        what = report.format or "unknown format"
        verdict = "errors" if report.errors else "ok"
        summaries.append(f"{report.shown}  {what}: {report.errors} error{'s' if report.errors != 1 else ''}, "
                         f"{report.warnings} warning{'s' if report.warnings != 1 else ''} ({verdict})")
    return lines, summaries


def render_json(reports: list[BundleReport], notes: list[str]) -> str:
    data = {"bundles": [{"bundle": r.shown, "format": r.format, "errors": r.errors, "warnings": r.warnings,
                         "findings": [f.as_json(r.shown) for f in r.findings]} for r in reports],
            "notes": notes}
    return json.dumps(data, indent=2, ensure_ascii=False)


__all__ = ["BundleReport", "EVERY_LMS", "Finding", "ValidationContext", "render_json", "render_text",
           "validate_bundles"]
