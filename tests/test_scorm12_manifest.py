"""The SCORM 1.2 package: manifest valid against the ADL XSDs and readable by Moodle."""

from __future__ import annotations

import re

import pytest
from lxml import etree
from lxml import html as lxml_html

from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course

from conftest import ROOTS

IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
NS = {"cp": IMSCP, "adlcp": ADLCP}


class _PatchedXsd(etree.Resolver):
    """Fixes the two known defects of the shipped XSDs in memory (see SCORM12.md §4)."""

    FIXES = {"ims_xml.xsd": (b'xmlns="http://www.w3.org/XML/1998/namespace"', b""),
             "imsmd_rootv1p2p1.xsd": (b'namespace="##any"', b'namespace="##other"')}

    def __init__(self, folder):
        super().__init__()
        self.folder = folder

    def resolve(self, url, pubid, context):
        name = url.rsplit("/", 1)[-1]
        if name in self.FIXES:
            old, new = self.FIXES[name]
            data = (self.folder / name).read_bytes().replace(old, new)
            return self.resolve_string(data, context, base_url=str(self.folder / name))
        return None


@pytest.fixture(scope="module")
def scorm_schema(shared_dir):
    folder = shared_dir / "schemas" / "scorm12"
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_PatchedXsd(folder))
    return etree.XMLSchema(etree.parse(str(folder / "scorm12_all.xsd"), parser))


@pytest.fixture(scope="module")
def exporter_class(registry):
    return registry.load("scorm12")


def _build(exporter_class, course):
    return exporter_class().build_bundle(course)


def _manifest(bundle):
    return etree.fromstring(bundle.files["imsmanifest.xml"].read())


@pytest.fixture(scope="module", params=["mooc", "certificate", "handmade"])
def bundle(request, exporter_class, full_course_for):
    if request.param == "handmade":
        course = read_course(ROOTS / "handmade")
        return _build(exporter_class, select_offering(course, None))
    return _build(exporter_class, full_course_for(request.param))


def test_scorm_alias_loads_the_same_exporter(registry, exporter_class):
    assert registry.load("scorm") is exporter_class
    assert (exporter_class.name, exporter_class.format, exporter_class.suffix) == ("scorm12", "zip", "zip")


def test_manifest_is_valid_against_the_adl_xsds(bundle, scorm_schema):
    manifest = _manifest(bundle)
    assert scorm_schema.validate(manifest), scorm_schema.error_log


def test_the_patched_schema_still_rejects_what_the_xsd_forbids(bundle, scorm_schema):
    manifest = _manifest(bundle)
    item = manifest.find(".//cp:item[@identifierref]", NS)
    etree.SubElement(item, f"{{{ADLCP}}}masteryscore").text = "80"
    item.append(item.find("cp:title", NS))  # title after adlcp:masteryscore: wrong order
    assert not scorm_schema.validate(manifest)


def test_manifest_is_at_the_root_and_declares_scorm_12(bundle):
    manifest = _manifest(bundle)
    assert "imsmanifest.xml" in bundle.files
    assert manifest.findtext("cp:metadata/cp:schema", namespaces=NS) == "ADL SCORM"
    assert manifest.findtext("cp:metadata/cp:schemaversion", namespaces=NS) == "1.2"


def test_prefixes_are_the_ones_moodle_matches_literally(bundle):
    text = bundle.files["imsmanifest.xml"].read().decode()
    # Moodle's parser is namespace-unaware: CP elements unprefixed, ADL prefix exactly adlcp.
    assert re.search(r"<manifest [^>]*xmlns=\"http://www.imsproject.org/xsd/imscp_rootv1p1p2\"", text)
    assert 'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"' in text
    assert not re.search(r"</?(imscp|cp|ns\d+):", text)
    assert "adlcp:scormtype=\"sco\"" in text


def test_references_resolve_and_every_listed_file_is_in_the_package(bundle):
    manifest = _manifest(bundle)
    ids = {e.get("identifier") for e in manifest.iter() if e.get("identifier")}
    assert len(ids) == len([e for e in manifest.iter() if e.get("identifier")]), "duplicate identifiers"
    organizations = manifest.find("cp:organizations", NS)
    assert organizations.get("default") in ids
    resources = {r.get("identifier"): r for r in manifest.iterfind("cp:resources/cp:resource", NS)}
    for item in manifest.iterfind(".//cp:item[@identifierref]", NS):
        assert item.get("identifierref") in resources
    for dependency in manifest.iterfind(".//cp:dependency", NS):
        assert dependency.get("identifierref") in resources
    listed = {f.get("href") for f in manifest.iterfind(".//cp:file", NS)}
    assert listed == set(bundle.files) - {"imsmanifest.xml"}
    for resource in resources.values():
        assert resource.get(f"{{{ADLCP}}}scormtype") in ("sco", "asset")
        if resource.get(f"{{{ADLCP}}}scormtype") == "sco":
            assert resource.get("href") in bundle.files


def test_one_sco_per_item_grouped_by_module(exporter_class, full_course_for):
    course = full_course_for("certificate")
    manifest = _manifest(_build(exporter_class, course))
    organization = manifest.find("cp:organizations/cp:organization", NS)
    home, *folders = organization.findall("cp:item", NS)
    assert (home.get("identifier"), home.findtext("cp:title", namespaces=NS)) == ("I_home", "About this course")
    assert [f.findtext("cp:title", namespaces=NS) for f in folders] == [m.title for m in course.modules]
    for folder, module in zip(folders, course.modules):
        assert folder.get("identifierref") is None  # a folder is not launchable
        launched = [i.get("identifier") for i in folder.findall("cp:item", NS)]
        assert launched == [f"IO_{module.id}"] + [f"I_{module.id}__{i.id}" for i in module.items]


def test_quiz_scos_carry_the_mastery_score_and_pages_do_not(bundle):
    manifest = _manifest(bundle)
    for item in manifest.iterfind(".//cp:item[@identifierref]", NS):
        score = item.findtext("adlcp:masteryscore", namespaces=NS)
        if item.get("identifier") == "I_foundations__check":
            assert score == "70"
        if score is not None:
            assert 0 <= float(score) <= 100
            # adlcp elements follow the title (XSD order)
            assert item[0].tag == f"{{{IMSCP}}}title"


def test_essay_only_quiz_has_no_mastery_score(exporter_class, copy_root):
    root = copy_root("full")
    (root / "modules" / "02-foundations" / "05-reflection.md").write_text(
        "---\ntitle: Reflection\ntype: quiz\nmastery: 80\n---\n\n### Reflect {type=essay}\nWrite.\n",
        encoding="utf-8")
    course = read_course(root)
    manifest = _manifest(_build(exporter_class, course))
    item = manifest.find(".//cp:item[@identifier='I_foundations__reflection']", NS)
    assert item is not None
    assert item.find("adlcp:masteryscore", NS) is None


def test_package_works_offline(bundle):
    for path, entry in bundle.files.items():
        if path.endswith((".html", ".css", ".js")):
            text = entry.read().decode()
            for url in re.findall(r"(?:src|href)=\"([^\"]+)\"", text):
                if path.endswith(".html") and url.startswith("http"):
                    # only author links to other sites, never code or styles from a CDN
                    assert not url.endswith((".js", ".css")), url
            assert "fonts.googleapis" not in text and "cdn." not in text


def test_build_is_deterministic(exporter_class, full_course_for):
    first = _build(exporter_class, full_course_for("mooc"))
    second = _build(exporter_class, full_course_for("mooc"))
    assert first.paths() == second.paths()
    for path in first.paths():
        assert first.files[path].read() == second.files[path].read()


def test_unpublished_items_stay_out_of_the_package(exporter_class):
    course = read_course(ROOTS / "handmade")
    hidden = [i for i in course.items() if not i.published]
    assert hidden, "the handmade root has an unpublished item"
    bundle = _build(exporter_class, course)
    manifest = _manifest(bundle)
    for item in hidden:
        assert manifest.find(f".//cp:item[@identifier='I_{item.module_id}__{item.id}']", NS) is None
        assert f"sco/{item.module_id}/{item.id}.html" not in bundle.files


def test_course_home_sco_shows_outcomes_and_modules_without_links_into_other_scos(exporter_class, full_course_for):
    course = full_course_for("mooc")
    bundle = _build(exporter_class, course)
    page = lxml_html.fromstring(bundle.files["index.html"].read())
    assert page.findtext(".//h1") == course.display_title
    text = page.text_content()
    assert all(o.text in text for o in course.outcomes)
    assert all(m.title in text for m in course.modules)
    # Only the stylesheet and scripts are linked: the LMS, not the page, launches other SCOs.
    assert [url for _, _, url, _ in page.iterlinks() if not url.startswith(("shared/", "#"))] == []


def test_the_built_zip_has_the_manifest_at_its_root(tmp_path):
    import zipfile

    from click.testing import CliRunner

    from ilead_shell.cli import main

    result = CliRunner().invoke(main, ["build", str(ROOTS / "full"), "--target", "scorm", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    (archive,) = tmp_path.glob("*.zip")
    names = zipfile.ZipFile(archive).namelist()
    assert "imsmanifest.xml" in names
    assert all("\\" not in n and not n.startswith(("/", "..")) for n in names)
    assert {n.split("/", 1)[0] for n in names} == {"imsmanifest.xml", "index.html", "sco", "shared", "media"}
