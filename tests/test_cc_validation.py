"""The cartridge validator itself must catch what it claims to: tried on known-bad cartridges."""

from __future__ import annotations

from cc_validation import bundle_files, validate
from ilead_cc import CommonCartridgeExporter


def sample_files(shared_dir, name):
    root = shared_dir / "samples" / name
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_it_reports_the_known_defects_of_a_real_canvas_export(shared_dir):
    problems = validate(sample_files(shared_dir, "canvas-export-cc11/modules"), shared_dir / "schemas")
    assert any("empty section root_section" in p for p in problems)
    assert any("refers to missing resource gd19488bad58f5c27e2343b42fdaf3f7b" in p for p in problems)


def test_it_reports_cpx_variant_before_file_in_canvas_cc_1_3(shared_dir):
    problems = validate(sample_files(shared_dir, "canvas-exports/single-assignment"), shared_dir / "schemas")
    assert any("imsmanifest.xml: XSD" in p for p in problems)


def test_it_reports_duplicate_and_malformed_identifiers_and_unlisted_files(full_course, shared_dir):
    files = bundle_files(CommonCartridgeExporter().build_bundle(full_course))
    text = files["imsmanifest.xml"].decode()
    broken = text.replace('identifier="RO_welcome"', 'identifier="R_welcome__how-it-works"', 1)
    broken = broken.replace('identifier="ORG"', 'identifier="1ORG"')
    files["imsmanifest.xml"] = broken.encode()
    files["stray.txt"] = b"not listed"
    problems = validate(files, shared_dir / "schemas")
    assert any("duplicate identifiers" in p for p in problems)
    assert any("'1ORG' is not an NCName" in p for p in problems)
    assert any(p.startswith("files not listed in the manifest") and "'stray.txt'" in p for p in problems)


def test_it_reports_a_descriptor_with_an_href_and_a_missing_file(full_course, shared_dir):
    files = bundle_files(CommonCartridgeExporter().build_bundle(full_course))
    text = files["imsmanifest.xml"].decode().replace(
        'type="imswl_xmlv1p1">', 'type="imswl_xmlv1p1" href="R_welcome__programme-site/weblink.xml">')
    files["imsmanifest.xml"] = text.encode()
    del files["web_resources/assets/logo.png"]
    problems = validate(files, shared_dir / "schemas")
    assert any("descriptor resource R_welcome__programme-site needs exactly one file and no href" in p
               for p in problems)
    assert any("lists missing file web_resources/assets/logo.png" in p for p in problems)
