"""``import`` reads Common Cartridge only: a SCORM package, a Moodle backup or an OLX archive is
recognised before reading and refused with one line (what it is, what import reads, what to export
instead), exit 1, nothing written; and a cartridge page whose scripts, styles or other embedded
files point at nothing in the archive still imports (nothing user-made reaches "please report it")."""

from __future__ import annotations

import tarfile
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from ilead_shell.cli import main
from ilead_shell.pipeline import build

from test_import_hostile import MANIFEST, PAGE, make_zip

FIDELITY = Path(__file__).parent / "roots" / "fidelity"
CARTRIDGE_LINE = "import reads IMS Common Cartridge (plain, Canvas and Moodle exports)"
SCORM_2004 = b"""<?xml version="1.0"?>
<manifest identifier="M" xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3">
  <metadata><schema>ADL SCORM</schema><schemaversion>2004 4th Edition</schemaversion></metadata>
  <organizations default="O"><organization identifier="O"><title>T</title>
    <item identifier="I" identifierref="R"><title>P</title></item></organization></organizations>
  <resources><resource identifier="R" type="webcontent" adlcp:scormType="sco" href="p.html">
    <file href="p.html"/></resource></resources>
</manifest>"""


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("foreign")
    results, _ = build(FIDELITY, "scorm12,mbz,edx", out, offering="mooc")
    return {r.target: r.path for r in results}


def refused(archive: Path, tmp_path: Path) -> str:
    out = tmp_path / "imported"
    result = CliRunner().invoke(main, ["import", str(archive), "--out", str(out)])
    assert result.exit_code == 1, result.output
    assert not out.exists() and not any(p.name.startswith(".imported") for p in tmp_path.iterdir())
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {archive}: ") and CARTRIDGE_LINE in line
    assert "please report" not in line and "Traceback" not in result.output
    return line


def test_a_scorm_package_is_refused_as_what_it_is(built, tmp_path):
    line = refused(built["scorm12"], tmp_path)
    assert "a SCORM 1.2 package" in line and "import the .imscc built next to it" in line


def test_an_unzipped_scorm_2004_package_is_refused_too(tmp_path):
    folder = tmp_path / "package"
    folder.mkdir()
    (folder / "imsmanifest.xml").write_bytes(SCORM_2004)
    (folder / "p.html").write_bytes(PAGE)
    assert "a SCORM 2004 package" in refused(folder, tmp_path)


def test_a_moodle_backup_is_refused_gzipped_or_zipped(built, tmp_path):
    line = refused(built["mbz"], tmp_path)
    assert "a Moodle course backup" in line and "restore this .mbz in Moodle" in line
    with tarfile.open(built["mbz"]) as archive:
        members = [(m.name.removeprefix("./"), archive.extractfile(m).read()) for m in archive if m.isfile()]
    zipped = make_zip(tmp_path / "old-style.mbz", members)
    assert "a Moodle course backup" in refused(zipped, tmp_path)


def test_an_olx_archive_is_refused_and_so_is_any_other_tarball(built, tmp_path):
    assert "an Open edX OLX course archive" in refused(built["edx"], tmp_path)
    other = tmp_path / "notes.tar.gz"
    with tarfile.open(other, "w:gz") as archive:
        readme = tmp_path / "readme.txt"
        readme.write_text("hello")
        archive.add(readme, "readme.txt")
    assert "a gzipped tar archive, not a Common Cartridge" in refused(other, tmp_path)


def test_a_cartridge_with_a_course_xml_file_is_still_read_as_a_cartridge(tmp_path):
    archive = make_zip(tmp_path / "c.imscc", [("imsmanifest.xml", MANIFEST), ("p.html", PAGE),
                                              ("web_resources/course.xml", b"<course/>")])
    result = CliRunner().invoke(main, ["import", str(archive), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output


def test_links_to_missing_scripts_styles_and_embedded_files_are_reported_not_written(tmp_path):
    page = (b"<html><head><title>P</title></head><body><p>Hello</p>"
            b'<script src="lib/player.js"></script><link rel="stylesheet" href="css/site.css">'
            b'<input type="image" src="img/go.png" alt="Go"><svg><image href="img/map.png"/></svg>'
            b"</body></html>")
    archive = make_zip(tmp_path / "c.imscc", [("imsmanifest.xml", MANIFEST), ("p.html", page)])
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["import", str(archive), "--out", str(out)])
    assert result.exit_code == 0, result.output
    report = (out / "import-report.md").read_text()
    for missing in ("lib/player.js", "css/site.css", "img/go.png", "img/map.png"):
        assert f"a link to '{missing}' points at nothing in the archive" in report
    written = "".join(p.read_text() for p in out.rglob("*.md") if p.name != "import-report.md")
    assert "player.js" not in written and "site.css" not in written
