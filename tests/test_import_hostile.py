"""A cartridge is untrusted input: every hostile archive is refused with a clear message, exit 1,
no traceback, and nothing written (the output folder does not appear, nothing lands outside)."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from ilead_shell.cli import main
from ilead_shell.untrusted import ArchiveRefused, Limits, open_source_archive, parse_untrusted_xml

MANIFEST = b"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="M1" xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1">
  <metadata><schema>IMS Common Cartridge</schema><schemaversion>1.1.0</schemaversion></metadata>
  <organizations><organization identifier="O" structure="rooted-hierarchy"><item identifier="R">
    <item identifier="M_a"><title>A</title><item identifier="I_a__p" identifierref="RES"><title>P</title></item></item>
  </item></organization></organizations>
  <resources><resource identifier="RES" type="webcontent" href="p.html"><file href="p.html"/></resource></resources>
</manifest>"""
PAGE = b"<html><head><title>P</title></head><body><p>Hello</p></body></html>"


def make_zip(path: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return path


def run_import(archive: Path, out: Path):
    result = CliRunner().invoke(main, ["import", str(archive), "--out", str(out)])
    return result


def assert_refused(result, out: Path, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)
    for word in words:
        assert word in result.output, result.output
    assert not out.exists(), "nothing may be written for a refused archive"
    assert not [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}.")], "no staging left behind"


def test_a_good_archive_imports(tmp_path):
    archive = make_zip(tmp_path / "good.imscc", [("imsmanifest.xml", MANIFEST), ("p.html", PAGE)])
    result = run_import(archive, tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "modules" / "01-a" / "01-p.md").read_text().endswith("Hello\n")


def test_zip_slip_is_refused(tmp_path):
    archive = make_zip(tmp_path / "slip.imscc", [("imsmanifest.xml", MANIFEST), ("p.html", PAGE),
                                                 ("../../evil.txt", b"owned")])
    assert_refused(run_import(archive, tmp_path / "out"), tmp_path / "out", "zip-slip", "../../evil.txt")
    assert not (tmp_path.parent / "evil.txt").exists()


def test_zip_slip_with_backslashes_is_refused(tmp_path):
    archive = make_zip(tmp_path / "slip.imscc", [("imsmanifest.xml", MANIFEST), ("web\\..\\..\\evil.txt", b"x")])
    assert_refused(run_import(archive, tmp_path / "out"), tmp_path / "out", "zip-slip")


@pytest.mark.parametrize("name", ["/etc/cron.d/evil", "C:/Windows/evil.dll", "\\\\server\\share\\x"])
def test_absolute_names_are_refused(tmp_path, name):
    archive = make_zip(tmp_path / "abs.imscc", [("imsmanifest.xml", MANIFEST), (name, b"x")])
    assert_refused(run_import(archive, tmp_path / "out"), tmp_path / "out", "absolute name")


def test_symbolic_links_in_a_zip_are_refused(tmp_path):
    link = zipfile.ZipInfo("p.html")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = make_zip(tmp_path / "link.imscc", [("imsmanifest.xml", MANIFEST), (link, b"/etc/passwd")])
    assert_refused(run_import(archive, tmp_path / "out"), tmp_path / "out", "symbolic link")


def test_symbolic_links_in_an_export_folder_are_refused(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "imsmanifest.xml").write_bytes(MANIFEST)
    os.symlink("/etc/passwd", folder / "p.html")
    assert_refused(run_import(folder, tmp_path / "out"), tmp_path / "out", "symbolic link")


def test_a_zip_bomb_by_compression_ratio_is_refused(tmp_path):
    bomb = b"\0" * (20 << 20)  # 20 MiB of zeros packs into about 20 KB
    archive = make_zip(tmp_path / "bomb.imscc", [("imsmanifest.xml", MANIFEST), ("p.html", PAGE),
                                                 ("web_resources/zeros.bin", bomb)])
    assert_refused(run_import(archive, tmp_path / "out"), tmp_path / "out", "zip bomb", "times its packed size")


def test_a_zip_bomb_by_total_size_is_refused(tmp_path):
    archive = make_zip(tmp_path / "big.imscc", [("imsmanifest.xml", MANIFEST)] +
                       [(f"web_resources/{n}.bin", os.urandom(64 << 10)) for n in range(8)])
    with pytest.raises(ArchiveRefused, match="in total"):
        open_source_archive(archive, Limits(max_total_bytes=256 << 10))


def test_a_huge_file_is_refused(tmp_path):
    archive = make_zip(tmp_path / "huge.imscc", [("imsmanifest.xml", MANIFEST), ("big.bin", os.urandom(300 << 10))])
    with pytest.raises(ArchiveRefused, match="more than the 204,800 an import accepts for one file"):
        open_source_archive(archive, Limits(max_entry_bytes=200 << 10))


def test_a_huge_xml_document_is_refused(tmp_path):
    archive = make_zip(tmp_path / "huge.imscc", [("imsmanifest.xml", MANIFEST + b" " * (300 << 10))])
    with open_source_archive(archive, Limits(max_document_bytes=200 << 10)) as opened:
        with pytest.raises(ArchiveRefused, match="an import reads from one file"):
            opened.parse_xml("imsmanifest.xml")


def test_a_size_header_that_lies_is_caught_while_reading(tmp_path):
    path = make_zip(tmp_path / "lie.imscc", [("imsmanifest.xml", MANIFEST), ("p.html", PAGE * 100)])
    data = bytearray(path.read_bytes())
    # Shrink the declared size of p.html in its central directory entry.
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("p.html")
    central = data.rfind(b"PK\x01\x02")
    while central >= 0 and data[central + 46:central + 46 + 6] != b"p.html":
        central = data.rfind(b"PK\x01\x02", 0, central)
    data[central + 24:central + 28] = (10).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with open_source_archive(path) as opened:
        with pytest.raises(Exception):
            opened.read("p.html")
    assert info.file_size == len(PAGE * 100)


def test_entity_expansion_is_refused(tmp_path):
    laughs = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<manifest identifier="M1"><metadata>&lol3;</metadata></manifest>"""
    archive = make_zip(tmp_path / "lol.imscc", [("imsmanifest.xml", laughs)])
    assert_refused(run_import(archive, tmp_path / "out"), tmp_path / "out", "DTD or entities")


def test_external_entities_are_refused_and_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xxe = f"""<?xml version="1.0"?>
<!DOCTYPE m [<!ENTITY xxe SYSTEM "file://{secret}">]>
<manifest identifier="M1"><metadata><schema>&xxe;</schema></metadata></manifest>""".encode()
    archive = make_zip(tmp_path / "xxe.imscc", [("imsmanifest.xml", xxe)])
    result = run_import(archive, tmp_path / "out")
    assert_refused(result, tmp_path / "out", "DTD or entities")
    assert "TOP SECRET" not in result.output


def test_a_dtd_without_entities_is_refused_by_the_parser_itself():
    with pytest.raises(ArchiveRefused, match="DTD"):
        parse_untrusted_xml(b'<?xml version="1.0"?>\n<!DOCTYPE manifest SYSTEM "http://example.org/x.dtd">'
                            b"<manifest/>", "x.xml")


def test_entities_in_a_page_are_not_expanded(tmp_path):
    """HTML pages are parsed as HTML: an entity declaration there is just text."""
    page = b'<!DOCTYPE html [<!ENTITY x SYSTEM "file:///etc/passwd">]><html><body><p>&x;</p></body></html>'
    archive = make_zip(tmp_path / "page.imscc", [("imsmanifest.xml", MANIFEST), ("p.html", page)])
    result = run_import(archive, tmp_path / "out")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out" / "modules" / "01-a" / "01-p.md").read_text()
    assert "root:" not in text


def test_non_utf8_names_are_refused(tmp_path):
    path = tmp_path / "legacy.imscc"
    make_zip(path, [("imsmanifest.xml", MANIFEST), ("caf\u00e9.txt", b"x")])
    data = path.read_bytes()
    # Rewrite the name as Latin-1 bytes (0xE9) and clear the UTF-8 flag, as old Windows tools write.
    data = data.replace("caf\u00e9.txt".encode("utf-8"), b"caf\xe9.txt\x00")
    patched = bytearray(data)
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := patched.find(signature, start)) >= 0:
            flags = int.from_bytes(patched[start + flag_offset:start + flag_offset + 2], "little") & ~0x800
            patched[start + flag_offset:start + flag_offset + 2] = flags.to_bytes(2, "little")
            start += 4
    path.write_bytes(bytes(patched))
    assert_refused(run_import(path, tmp_path / "out"), tmp_path / "out", "not UTF-8")


def test_control_characters_in_names_are_refused(tmp_path):
    archive = make_zip(tmp_path / "ctl.imscc", [("imsmanifest.xml", MANIFEST), ("evil\x1b[2J.txt", b"x")])
    assert_refused(run_import(archive, tmp_path / "out"), tmp_path / "out", "control character")


def test_duplicate_entries_are_refused(tmp_path):
    path = tmp_path / "dup.imscc"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("imsmanifest.xml", MANIFEST)
        archive.writestr("p.html", PAGE)
        with pytest.warns(UserWarning):
            archive.writestr("p.html", b"<p>other</p>")
    assert_refused(run_import(path, tmp_path / "out"), tmp_path / "out", "appears twice")


def test_too_many_entries_are_refused(tmp_path):
    archive = make_zip(tmp_path / "many.imscc", [("imsmanifest.xml", MANIFEST)] +
                       [(f"f{n}.txt", b"x") for n in range(30)])
    with pytest.raises(ArchiveRefused, match="more than the 20 an import accepts"):
        open_source_archive(archive, Limits(max_entries=20))


def test_not_a_zip_and_no_manifest_are_clear(tmp_path):
    junk = tmp_path / "junk.imscc"
    junk.write_bytes(b"not a zip at all")
    assert_refused(run_import(junk, tmp_path / "out"), tmp_path / "out", "not a zip archive")
    archive = make_zip(tmp_path / "empty.imscc", [("readme.txt", b"hello")])
    assert_refused(run_import(archive, tmp_path / "out"), tmp_path / "out", "no importer reads it")


def test_a_manifest_that_names_paths_outside_the_archive_reads_nothing_outside(tmp_path):
    outside = tmp_path / "outside.html"
    outside.write_bytes(b"<p>SECRET OUTSIDE</p>")
    manifest = MANIFEST.replace(b'href="p.html"><file href="p.html"/>',
                                b'href="../outside.html"><file href="../outside.html"/>')
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "imsmanifest.xml").write_bytes(manifest)
    result = run_import(folder, tmp_path / "out")
    assert result.exit_code == 0, result.output
    written = "".join(p.read_text() for p in (tmp_path / "out").rglob("*.md"))
    assert "SECRET OUTSIDE" not in written
