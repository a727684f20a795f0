"""Acceptance: mistakes in course.yml's ``exporters:`` section are caught and explained.

Found by writing a course from SOURCE_FORMAT.md alone:

* ``cc: {cc_version: 1.1}`` (YAML reads an unquoted 1.1 as a number) was refused with
  "Input should be '1.1' or '1.3'", although the author wrote 1.1;
* a misspelt target (``canvass: {...}``) was silently ignored, so the options meant for
  Canvas never applied and nothing said so.
"""

from __future__ import annotations

import zipfile

from click.testing import CliRunner

from ilead_shell.cli import main


def _with_exporters(copy_root, section: str):
    root = copy_root("acceptance-unicode")
    yml = root / "course.yml"
    yml.write_text(yml.read_text(encoding="utf-8") + f"exporters:\n{section}", encoding="utf-8")
    return root


def test_an_unquoted_cc_version_number_is_read_as_that_version(copy_root, tmp_path):
    root = _with_exporters(copy_root, "  cc: {cc_version: 1.1}\n")
    result = CliRunner().invoke(main, ["build", str(root), "--target", "cc", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    (cartridge,) = (tmp_path / "o").glob("*.imscc")
    assert b"imsccv1p1" in zipfile.ZipFile(cartridge).read("imsmanifest.xml")


def test_a_misspelt_target_under_exporters_is_a_located_warning(copy_root):
    root = _with_exporters(copy_root, "  olx: {org: Acc}\n  canvass: {x: 1}\n")
    relaxed = CliRunner().invoke(main, ["check", str(root)])
    assert relaxed.exit_code == 0, relaxed.output
    (line,) = [l for l in relaxed.output.splitlines() if "canvass" in l]
    assert "course.yml:13: warning:" in line and "canvas" in line.split("canvass", 1)[1], line
    assert "'olx'" not in relaxed.output
    strict = CliRunner().invoke(main, ["check", str(root), "--strict"])
    assert strict.exit_code == 1 and "canvass" in strict.output
