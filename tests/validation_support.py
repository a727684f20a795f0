"""Helpers for the ``ilead-shell validate`` tests: base bundles that validate clean, and
small edits that break one rule each.

The bases are hand-made trees in tests/fixtures/validate (a CC 1.1 cartridge in the form every
reader reads right, a Canvas-flavoured CC 1.3 one) so that the rule tests do not move when the
exporters change; the exporters' own bundles are tested separately.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Callable

from lxml import etree

from ilead_shell.validation import validate_bundles

FIXTURES = Path(__file__).parent / "fixtures" / "validate"
SCHEMAS = Path(__file__).resolve().parents[2] / "shared" / "schemas"
CC11 = "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
CC13 = "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"
QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"

Files = dict[str, bytes]


def tree(name: str) -> Files:
    root = FIXTURES / name
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def write_zip(files: Files, path: Path) -> Path:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    path.write_bytes(buffer.getvalue())
    return path


def validate_files(files: Files, tmp_path: Path, name: str = "bundle.imscc", schemas: Path | None = None):
    path = write_zip(files, tmp_path / name)
    (report,), _ = validate_bundles([path], schemas)
    return report


def edit_xml(files: Files, member: str, change: Callable[[etree._Element], None]) -> Files:
    """A copy of ``files`` with ``member`` parsed, changed in place by ``change`` and written back."""
    root = etree.fromstring(files[member])
    change(root)
    changed = dict(files)
    changed[member] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return changed


def find(root: etree._Element, path: str, ns: str) -> etree._Element:
    found = root.find(path, {"m": ns, "q": QTI})
    assert found is not None, path
    return found


def rules(report) -> set[tuple[str, str]]:
    return {(f.level, f.rule) for f in report.findings}
