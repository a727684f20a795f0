"""SCORM 1.2 and OLX rules of ``ilead-shell validate``, and reading bundles as untrusted input:
one broken variant per rule, against bases that validate clean."""

from __future__ import annotations

import copy
import io
import tarfile
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from ilead_shell.pipeline import build
from ilead_shell.validation import archive as archive_module
from ilead_shell.validation import validate_bundles

from validation_support import edit_xml, rules, tree, validate_files, write_zip

IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
C = f"{{{IMSCP}}}"
A = f"{{{ADLCP}}}"
MANIFEST = "imsmanifest.xml"
FIDELITY = Path(__file__).parent / "roots" / "fidelity"


def manifest(change):
    return lambda files: edit_xml(files, MANIFEST, change)


def node(root, path):
    found = root.find(path, {"c": IMSCP, "a": ADLCP})
    assert found is not None, path
    return found


def setter(path, attribute, value):
    return manifest(lambda r: node(r, path).set(attribute, value))


def texter(path, value):
    return manifest(lambda r: setattr(node(r, path), "text", value))


def remover(path):
    return manifest(lambda r: node(r, path).getparent().remove(node(r, path)))


def _add_to_item(tag, text):
    def change(root):
        item = node(root, ".//c:item[@identifier='I_quiz']")
        etree.SubElement(item, f"{A}{tag}").text = text
    return manifest(change)


def _prefixed(files):
    text = files[MANIFEST].decode().replace(f'<manifest xmlns="{IMSCP}"', f'<imscp:manifest xmlns:imscp="{IMSCP}"')
    text = text.replace("</manifest>", "</imscp:manifest>")
    for tag in ("metadata", "schema", "schemaversion", "organizations", "organization", "title", "item", "resources",
                "resource", "file", "dependency"):
        text = text.replace(f"<{tag}", f"<imscp:{tag}").replace(f"</{tag}>", f"</imscp:{tag}>")
    return {**files, MANIFEST: text.encode()}


def _other_adl_prefix(files):
    return {**files, MANIFEST: files[MANIFEST].replace(b"xmlns:adlcp=", b"xmlns:adl=").replace(b"adlcp:", b"adl:")}


def _title_entities(files):
    return {**files, MANIFEST: files[MANIFEST].replace(b"<title>Start here</title>",
                                                       b"<title>Rules &lt; &amp; limits</title>")}


def _nested(files):
    return {f"package/{name}": data for name, data in files.items()}


def _duplicate_item(root):
    item = node(root, ".//c:item[@identifier='I_home']")
    item.addnext(copy.deepcopy(item))


SCORM_CASES = [
    ("error", "scorm/manifest-location", _nested),
    ("warning", "scorm/metadata-schema", texter("c:metadata/c:schema", "IMS Content")),
    ("error", "scorm/schemaversion", texter("c:metadata/c:schemaversion", "CAM 1.3")),
    ("warning", "scorm/schemaversion", texter("c:metadata/c:schemaversion", "1.1")),
    ("error", "moodle/scorm-prefix", _prefixed),
    ("error", "moodle/scorm-prefix", _other_adl_prefix),
    ("warning", "moodle/scorm-title-spaces", _title_entities),
    ("error", "scorm/identifier", setter(".//c:item[@identifier='I_home']", "identifier", "1home")),
    ("error", "scorm/duplicate-identifier", manifest(_duplicate_item)),
    ("error", "scorm/organization", remover("c:organizations/c:organization")),
    ("error", "scorm/default-organization", setter("c:organizations", "default", "ORG_GONE")),
    ("error", "scorm/item-title", remover(".//c:item[@identifier='I_home']/c:title")),
    ("error", "scorm/item-resource", setter(".//c:item[@identifier='I_home']", "identifierref", "R_gone")),
    ("error", "scorm/launch", manifest(lambda r: node(r, "c:resources/c:resource[@identifier='R_home']").attrib.pop(
        "href"))),
    ("warning", "scorm/empty-item", manifest(lambda r: node(r, ".//c:item[@identifier='I_home']").attrib.pop(
        "identifierref"))),
    ("error", "scorm/masteryscore", texter(".//c:item[@identifier='I_quiz']/a:masteryscore", "eighty")),
    ("error", "scorm/maxtimeallowed", _add_to_item("maxtimeallowed", "1 hour")),
    ("error", "scorm/timelimitaction", _add_to_item("timelimitaction", "stop")),
    ("error", "scorm/scormtype", manifest(lambda r: node(r, "c:resources/c:resource[@identifier='R_home']").attrib.pop(
        f"{A}scormtype"))),
    ("error", "scorm/launch-file", lambda f: {k: v for k, v in f.items() if k != "index.html"}),
    ("error", "scorm/missing-file", lambda f: {k: v for k, v in f.items() if k != "shared/site.css"}),
    ("error", "scorm/dependency", setter("c:resources/c:resource[@identifier='R_quiz']/c:dependency",
                                         "identifierref", "R_gone")),
    ("warning", "scorm/unlisted-file", lambda f: {**f, "stray.js": b"//"}),
]


@pytest.fixture(scope="module")
def scorm():
    return tree("scorm12")


def test_the_base_package_is_clean(scorm, tmp_path):
    report = validate_files(scorm, tmp_path, "base.zip")
    assert report.format == "scorm12" and report.findings == []


@pytest.mark.parametrize("level,rule,change", SCORM_CASES, ids=[f"{c[1]}-{c[0]}" for c in SCORM_CASES])
def test_each_scorm_rule_fires_on_its_broken_variant(scorm, tmp_path, level, rule, change):
    report = validate_files(change(dict(scorm)), tmp_path, "broken.zip")
    fired = [f for f in report.findings if f.rule == rule]
    assert fired, f"{rule} did not fire; found {sorted(rules(report))}"
    assert {f.level for f in fired} == {level}


# -- OLX ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def olx(tmp_path_factory) -> dict[str, bytes]:
    """Our own OLX archive of the fidelity course, as {member: bytes}."""
    out = tmp_path_factory.mktemp("olx")
    (result,), _ = build(FIDELITY, "edx", out)
    with tarfile.open(result.path) as archive:
        return {m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()}


def write_tar(files: dict[str, bytes], path: Path, links: dict[str, str] | None = None) -> Path:
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            archive.addfile(info)
    return path


def validate_tar(files, tmp_path, links=None):
    (report,), _ = validate_bundles([write_tar(files, tmp_path / "course.tar.gz", links)])
    return report


def _olx_member(files, suffix):
    return next(name for name in sorted(files) if name.endswith(suffix))


def _olx_edit(suffix, change):
    def edit(files):
        return edit_xml(files, _olx_member(files, suffix), change)
    return edit


def _first(files, folder):
    return next(name for name in sorted(files) if f"/{folder}/" in name and name.endswith(".xml"))


def _break_static(files):
    name = next(n for n in sorted(files) if "/html/" in n and n.endswith(".html") and b"/static/" in files[n])
    return {**files, name: files[name].replace(b"/static/", b"/static/missing-", 1)}


def _pointer_with_attribute(files):
    name = _first(files, "chapter")
    return edit_xml(files, name, lambda r: r.find("sequential").set("display_name", "inline"))


def _duplicate_url_name(files):
    name = _first(files, "vertical")
    def change(root):
        first = next(child for child in root if child.get("url_name"))
        root.append(copy.deepcopy(first))
    return edit_xml(files, name, change)


OLX_CASES = [
    ("error", "olx/course-xml", lambda f: {**f, _olx_member(f, "/course.xml").replace("course.xml", "old/course.xml"):
                                           f[_olx_member(f, "/course.xml")]}),
    ("error", "olx/top-folder", lambda f: {**f, "other/readme.txt": b"x"}),
    ("error", "olx/static-file", _break_static),
    ("error", "olx/pointer", _pointer_with_attribute),
    ("error", "olx/duplicate-url-name", _duplicate_url_name),
    ("error", "xml/entities", lambda f: {**f, _first(f, "vertical"): b'<!DOCTYPE v [<!ENTITY e "x">]><vertical>&e;'
                                         b'</vertical>'}),
    ("error", "xml/well-formed", lambda f: {**f, _first(f, "vertical"): b"<vertical>"}),
]


def test_our_olx_archive_is_clean(olx, tmp_path):
    report = validate_tar(olx, tmp_path)
    assert report.format == "olx" and report.findings == []


@pytest.mark.parametrize("level,rule,change", OLX_CASES, ids=[c[1] for c in OLX_CASES])
def test_each_olx_rule_fires_on_its_broken_variant(olx, tmp_path, level, rule, change):
    report = validate_tar(change(dict(olx)), tmp_path)
    fired = [f for f in report.findings if f.rule == rule]
    assert fired, f"{rule} did not fire; found {sorted(rules(report))}"
    assert {f.level for f in fired} == {level}
    assert all(f.affects for f in fired)


# -- untrusted archives ---------------------------------------------------------------------------
def _raw_zip(path: Path, entries: list[tuple[str, bytes]], symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in entries:
            archive.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (0o120777 << 16)
            archive.writestr(info, "/etc/passwd")
    return path


def test_unsafe_member_names_are_errors_and_never_read(scorm, tmp_path):
    entries = list(scorm.items()) + [("../outside.txt", b"x"), ("/abs.txt", b"x"), ("a\\b.txt", b"x")]
    (report,), _ = validate_bundles([_raw_zip(tmp_path / "evil.zip", entries)])
    unsafe = [f for f in report.findings if f.rule == "archive/unsafe-path"]
    assert len(unsafe) == 3 and all(f.is_error for f in unsafe)
    assert not (tmp_path.parent / "outside.txt").exists()


def test_links_and_duplicates_in_an_archive_are_errors(scorm, tmp_path):
    entries = list(scorm.items()) + [("index.html", b"<p>second copy</p>")]
    (report,), _ = validate_bundles([_raw_zip(tmp_path / "twice.zip", entries, symlink="shared/link.css")])
    assert {("error", "archive/duplicate-member"), ("error", "archive/special-member")} <= rules(report)
    (tar_report,) = [validate_tar({"course/course.xml": b"<course/>"}, tmp_path, links={"course/x": "/etc/passwd"})]
    assert ("error", "archive/special-member") in rules(tar_report)


def test_sizes_and_member_counts_are_bounded(scorm, tmp_path, monkeypatch):
    monkeypatch.setattr(archive_module, "MAX_MEMBER_BYTES", 1000)
    big = validate_files(scorm, tmp_path, "big.zip")
    # The manifest (over 1000 bytes) is never parsed, and the report says why nothing was recognised.
    assert {("warning", "archive/member-too-large"), ("error", "archive/unknown-format")} <= rules(big)
    monkeypatch.setattr(archive_module, "MAX_MEMBER_BYTES", 32 * 1024 * 1024)
    monkeypatch.setattr(archive_module, "MAX_MEMBERS", 3)
    many = validate_files(scorm, tmp_path, "many.zip")
    assert ("error", "archive/too-many-members") in rules(many)


def test_a_zip_bomb_member_is_read_only_up_to_the_limit(scorm, tmp_path, monkeypatch):
    monkeypatch.setattr(archive_module, "MAX_MEMBER_BYTES", 1024 * 1024)
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in scorm.items():
            archive.writestr(name, data)
        archive.writestr("shared/bomb.html", b"\0" * (64 * 1024 * 1024))  # 64 MB that compress to ~64 KB
    reader = archive_module.BundleArchive(path)
    findings = []
    assert reader.read("shared/bomb.html", findings) is None
    assert findings[0].rule == "archive/member-too-large"


def test_files_that_are_not_bundles_are_reported_not_raised(tmp_path):
    text = tmp_path / "notes.imscc"
    text.write_text("not an archive")
    empty = write_zip({"readme.txt": b"hello"}, tmp_path / "empty.zip")
    reports, _ = validate_bundles([text, empty, tmp_path / "missing.zip"])
    assert [r.findings[0].rule for r in reports] == ["archive/unreadable", "archive/unknown-format",
                                                      "archive/unreadable"]
    assert all(r.errors == 1 and r.format == "" for r in reports)
