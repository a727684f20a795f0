"""``ilead-shell validate`` on Moodle course backups (.mbz): our own validates clean, and each
rule read in Moodle's restore code fires on a broken variant of it."""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

import pytest
from lxml import etree

from ilead_shell.pipeline import build
from ilead_shell.validation import validate_bundles

from validation_support import rules, write_zip

FIDELITY = Path(__file__).parent / "roots" / "fidelity"
Files = dict[str, bytes]


@pytest.fixture(scope="module")
def mbz(tmp_path_factory) -> Files:
    """Our own backup of the fidelity course, as {member: bytes}."""
    out = tmp_path_factory.mktemp("mbz")
    (result,), _ = build(FIDELITY, "mbz", out, offering="mooc")
    with tarfile.open(result.path) as archive:
        return {m.name.removeprefix("./"): archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()}


def write_tar(files: Files, path: Path) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def validate(files: Files, tmp_path: Path, name: str = "course.mbz"):
    (report,), _ = validate_bundles([write_tar(files, tmp_path / name)])
    return report


def pooled(files: Files) -> str:
    return next(n for n in sorted(files) if n.startswith("files/"))


def activity(files: Files, kind: str) -> str:
    """The folder of the first activity of that module type."""
    return next(n.rsplit("/", 1)[0] for n in sorted(files) if n.startswith(f"activities/{kind}_")
                and n.endswith("/module.xml"))


def without(files: Files, *names: str) -> Files:
    return {n: d for n, d in files.items() if n not in names}


def edit(files: Files, member: str, change) -> Files:
    root = etree.fromstring(files[member])
    change(root)
    # Moodle's format detection wants this declaration byte for byte (lxml would write single quotes).
    return {**files, member: b'<?xml version="1.0" encoding="UTF-8"?>\n' + etree.tostring(root, encoding="UTF-8")}


def _rename_first_directory(root):
    root.find("information/contents/activities/activity/directory").text = "activities/nowhere_99"


def _climbing_directory(root):
    root.find("information/contents/sections/section/directory").text = "../sections/section_1"


def _drop_pooled_file(files):
    return without(files, pooled(files))


def _change_pooled_bytes(files):
    return {**files, pooled(files): files[pooled(files)] + b"changed"}


CASES = [
    ("error", "mbz/format", lambda f: {**f, "moodle_backup.xml": b"<?xml version='1.0'?>\n" +
                                       f["moodle_backup.xml"].split(b"?>", 1)[1]}),
    ("error", "xml/well-formed", lambda f: {**f, "questions.xml": b"<question_categories>"}),
    ("error", "xml/entities", lambda f: {**f, "groups.xml": b'<!DOCTYPE g [<!ENTITY e "x">]><groups>&e;</groups>'}),
    ("error", "mbz/missing-folder", lambda f: edit(f, "moodle_backup.xml", _rename_first_directory)),
    ("error", "mbz/missing-folder", lambda f: edit(f, "moodle_backup.xml", _climbing_directory)),
    ("error", "mbz/missing-xml", lambda f: without(f, f"{activity(f, 'quiz')}/quiz.xml")),
    ("error", "mbz/missing-xml", lambda f: without(f, f"{activity(f, 'page')}/module.xml")),
    ("error", "mbz/missing-xml", lambda f: without(f, "sections/section_1/section.xml")),
    ("error", "mbz/missing-xml", lambda f: without(f, "files.xml")),
    ("error", "mbz/missing-xml", lambda f: without(f, "course/course.xml")),
    ("warning", "mbz/file-missing", _drop_pooled_file),
    ("error", "mbz/file-hash", _change_pooled_bytes),
]


def test_our_backup_is_claimed_as_a_moodle_backup_and_is_clean(mbz, tmp_path):
    report = validate(mbz, tmp_path)
    assert report.format == "mbz" and report.findings == []


def test_the_pool_really_is_named_by_sha1(mbz):
    for name in (n for n in mbz if n.startswith("files/")):
        assert name.rsplit("/", 1)[1] == hashlib.sha1(mbz[name]).hexdigest()


@pytest.mark.parametrize("level,rule,change", CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CASES)])
def test_each_backup_rule_fires_on_its_broken_variant(mbz, tmp_path, level, rule, change):
    report = validate(change(dict(mbz)), tmp_path)
    assert report.format == "mbz"
    fired = [f for f in report.findings if f.rule == rule]
    assert fired, f"{rule} did not fire; found {sorted(rules(report))}"
    assert {f.level for f in fired} == {level}
    assert all("Moodle" in f.affects for f in fired)


def test_a_missing_file_names_it_and_says_the_restore_goes_on_without_it(mbz, tmp_path):
    report = validate(_drop_pooled_file(dict(mbz)), tmp_path)
    (finding,) = [f for f in report.findings if f.rule == "mbz/file-missing"]
    assert finding.member == "files.xml" and finding.line > 0 and "Missing file in backup" in finding.message
    assert report.errors == 0


def test_a_backup_made_without_files_is_a_note_not_a_missing_file(mbz, tmp_path):
    files = edit(mbz, "moodle_backup.xml", lambda r: setattr(r.find("information/include_files"), "text", "0"))
    files = {n: d for n, d in files.items() if not n.startswith("files/")}
    report = validate(files, tmp_path)
    assert rules(report) == {("note", "mbz/no-files")} and report.errors == report.warnings == 0


def test_a_zipped_backup_is_recognised_too_and_neither_is_taken_for_olx(mbz, tmp_path):
    from ilead_olx.validator import OlxValidator

    from ilead_shell.validation.archive import BundleArchive

    (zipped,), _ = validate_bundles([write_zip(mbz, tmp_path / "course.mbz")])
    assert zipped.format == "mbz" and zipped.findings == []
    assert "course/course.xml" in mbz  # what made the OLX validator claim it before
    with BundleArchive(write_tar(mbz, tmp_path / "tar.mbz")) as archive:
        assert not OlxValidator.claims(archive)


def test_a_static_site_zip_is_one_note_and_a_zip_with_a_manifest_is_not_a_site(tmp_path):
    site = write_zip({"index.html": b"<!DOCTYPE html><title>x</title>", "modules/a.html": b"<p>a</p>"},
                     tmp_path / "site.zip")
    scorm_like = write_zip({"index.html": b"<p>x</p>", "content/imsmanifest.xml": b"<manifest/>"},
                           tmp_path / "nested.zip")
    (report, other), _ = validate_bundles([site, scorm_like])
    assert report.format == "static site" and rules(report) == {("note", "site/static")}
    assert report.errors == report.warnings == 0 and report.notes == 1
    assert other.format != "static site"
