"""The import report (``import-report.md``): what the import could not carry over, and why."""

from __future__ import annotations

from pathlib import Path

from ..import_api import ImportedCourse, ImportReport

HEADINGS = {
    "format-limit": "What the archive's format cannot hold",
    "lost": "Not imported",
    "changed": "Imported differently",
    "kept-as-html": "Kept as HTML",
}


def report_markdown(course: ImportedCourse, report: ImportReport, archive: Path) -> str:
    titles = {m.key: m.title for m in course.modules}
    titles.update({i.key: i.title for i in course.items()})
    lines = [f"# Import report: {course.title}", "",
             f"Imported from `{archive.name}` ({course.source_format}) by `ilead-shell import`.",
             f"{len(course.modules)} modules, {len(course.items())} items, "
             f"{sum(len(i.questions) for i in course.items())} questions, {len(course.files)} files.", ""]
    if not report.entries:
        lines += ["Everything in the archive was imported.", ""]
    for kind, heading in HEADINGS.items():
        entries = [e for e in report.entries if e.kind == kind]
        if not entries:
            continue
        lines += [f"## {heading}", ""]
        for entry in entries:
            subject = titles.get(entry.subject)
            where = f" ({entry.where})" if entry.where else ""
            prefix = f"**{subject}**: " if subject and subject not in entry.message else ""
            lines.append(f"- {prefix}{entry.message}{where}")
            if entry.detail:
                lines += ["", *[f"    {line}" if line else "" for line in entry.detail.split("\n")], ""]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"
