"""Writing small course folders for tests from ``{relative path: content}``, unpacking built
bundles into folders, and reading a course that must fail."""

from __future__ import annotations

import textwrap
from pathlib import Path


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write each file (text is dedented, bytes written as they are) and return ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


def write_bundle(bundle, folder: Path) -> Path:
    """Write every file of a built bundle under ``folder`` (as an LMS would unpack it)."""
    for rel, entry in bundle.files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(entry.read())
    return folder


def errors_of(root: Path) -> list[str]:
    """The formatted errors of reading ``root``, which must fail."""
    import pytest

    from ilead_shell.errors import CourseError
    from ilead_shell.reader import read_course

    with pytest.raises(CourseError) as caught:
        read_course(root)
    return [d.format() for d in caught.value.diagnostics if d.is_error]
