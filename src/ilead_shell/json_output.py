"""``check --format json`` and ``build --format json``: one JSON document on standard output.

The shape is a contract for CI scripts and editors, documented with its JSON Schema in
docs/diagnostics.md (the tests validate every document against that schema).  Fields are
only ever added; ``version`` changes if one is removed or changes meaning.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterable

from .diagnostic_codes import code_of
from .errors import Diagnostic, Level, display_path

VERSION = 1


def diagnostic_record(diagnostic: Diagnostic) -> dict[str, Any]:
    location = diagnostic.location
    return {
        "level": diagnostic.level.value,
        "code": code_of(diagnostic),
        "file": display_path(location.path) if location else None,
        "line": location.line if location and location.line else None,
        "message": diagnostic.message,
        "check": diagnostic.check or None,
    }


def _summary(diagnostics: list[Diagnostic]) -> dict[str, int]:
    return {"errors": sum(1 for d in diagnostics if d.level is Level.ERROR),
            "warnings": sum(1 for d in diagnostics if d.level is Level.WARNING)}


def _course(course) -> dict[str, Any] | None:
    if course is None:
        return None
    return {"code": course.code, "title": course.title, "counts": course.counts()}


def document(command: str, source: Path | None, diagnostics: Iterable[Diagnostic], course=None,
             **extra: Any) -> str:
    """The whole document for ``command`` ('check' or 'build'), as text."""
    found = sorted(diagnostics, key=lambda d: (d.location.path if d.location else "", d.location.line
                                                if d.location else 0, d.message))
    summary = _summary(found)
    body: dict[str, Any] = {
        "tool": "ilead-shell",
        "command": command,
        "version": VERSION,
        "ok": summary["errors"] == 0,
        "source": display_path(source) if source is not None else None,
        "course": _course(course),
        "summary": summary,
        "diagnostics": [diagnostic_record(d) for d in found],
    }
    body.update(extra)
    return json.dumps(body, indent=2, ensure_ascii=False)


def bundle_record(result) -> dict[str, Any]:
    return {
        "target": result.target,
        "offering": result.offering,
        "path": display_path(result.path),
        "size": result.size,
        "counts": dict(result.counts),
        "notes": [{"code": code_of(n), "message": n.message} for n in result.notes],
    }
