"""Helpers for the authoring-loop tests: edit a copy of a course, run the CLI, read JSON output."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from click.testing import CliRunner

from ilead_shell.cli import main

DOCS = Path(__file__).resolve().parents[1] / "docs"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@lru_cache(maxsize=1)
def output_schema() -> dict:
    """The JSON Schema documented in docs/diagnostics.md (its ```json schema block)."""
    text = (DOCS / "diagnostics.md").read_text(encoding="utf-8")
    block = re.search(r"```json schema\n(.*?)\n```", text, re.DOTALL)
    assert block, "docs/diagnostics.md has no ```json schema block"
    return json.loads(block.group(1))


def validated(stdout: str) -> dict:
    """The JSON document on stdout, checked against the documented schema."""
    import jsonschema

    document = json.loads(stdout)
    jsonschema.Draft202012Validator.check_schema(output_schema())
    jsonschema.Draft202012Validator(output_schema()).validate(document)
    return document
