"""Plain cartridges: options, metadata, links, unpublished items, assignments, pages, boundaries."""

from __future__ import annotations

import ast
import posixpath
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from lxml import etree
from lxml import html as lxml_html
from pydantic import ValidationError

from cc_validation import bundle_files, validate
from ilead_cc import (BlackboardExporter, BrightspaceExporter, CanvasExporter, CommonCartridgeExporter,
                      MoodleExporter)

PACKAGE = Path(__file__).resolve().parents[1] / "exporters" / "ilead_cc"
PUBLIC_CORE = {"ilead_shell.model", "ilead_shell.exporter_api", "ilead_shell.identifiers", "ilead_shell.templating",
               "ilead_shell.errors", "ilead_shell.references", "ilead_shell.audience", "ilead_shell",
               "ilead_shell.import_api",  # the cartridge reader (import) fills the import form
               # the bundle validator's API (validator.py, validate_*.py)
               "ilead_shell.validation.api", "ilead_shell.validation.archive", "ilead_shell.validation.xsd"}


def cc(version: str = "1.3"):
    return CommonCartridgeExporter(CommonCartridgeExporter.Options(cc_version=version))


def manifest(files):
    return etree.fromstring(files["imsmanifest.xml"])


def with_item_unpublished(course, full_id):
    modules = []
    for module in course.modules:
        items = tuple(i.model_copy(update={"published": False}) if i.full_id == full_id else i for i in module.items)
        modules.append(module.model_copy(update={"items": items}))
    return course.model_copy(update={"modules": tuple(modules)})


def test_targets_are_registered_with_their_names_and_suffix(registry):
    for name, cls in {"cc": CommonCartridgeExporter, "canvas": CanvasExporter, "moodle": MoodleExporter,
                      "brightspace": BrightspaceExporter, "blackboard": BlackboardExporter}.items():
        loaded = registry.load(name)
        assert loaded is cls and loaded.name == name
        assert (loaded.suffix, loaded.format) == ("imscc", "zip")


def test_cc_version_defaults_to_1_3_and_refuses_other_values():
    assert CommonCartridgeExporter.Options().cc_version == "1.3"
    with pytest.raises(ValidationError):
        CommonCartridgeExporter.Options(cc_version="1.2")
    with pytest.raises(ValidationError):
        MoodleExporter.Options(cc_version="1.3")  # Moodle's version is not a choice


@pytest.mark.parametrize("exporter, version", [(cc("1.1"), "1.1.0"), (cc("1.3"), "1.3.0"), (MoodleExporter(), "1.1.0"),
                                               (BrightspaceExporter(), "1.3.0"), (BlackboardExporter(), "1.3.0"),
                                               (CanvasExporter(), "1.1.0")])
def test_each_target_writes_its_cc_version(exporter, version, full_course):
    files = bundle_files(exporter.build_bundle(full_course))
    assert manifest(files).findtext("{*}metadata/{*}schemaversion") == version


def test_manifest_lom_carries_title_language_description_licence_authors_and_version(full_course):
    lom = manifest(bundle_files(cc().build_bundle(full_course))).find("{*}metadata/{*}lom")
    text = etree.tostring(lom, encoding="unicode")
    assert f">{full_course.display_title}<" in text
    assert "<lomimscc:language>en</lomimscc:language>" in text
    assert "A placeholder shell" in text and "Version 0.1.0" in text
    assert "CC-BY-4.0 - https://creativecommons.org/licenses/by/4.0/" in text
    assert "FN:iLead programme team" in text
    assert "dateTime" not in text  # no build date: builds are reproducible


def test_organization_has_module_folders_in_source_order_with_overview_first(full_course):
    root = manifest(bundle_files(cc().build_bundle(full_course))).find("{*}organizations/{*}organization/{*}item")
    folders = root.findall("{*}item")
    assert [f.findtext("{*}title") for f in folders] == [m.title for m in full_course.modules]
    for folder, module in zip(folders, full_course.modules):
        ids = [i.get("identifier") for i in folder.findall("{*}item")]
        assert ids == [f"O_{module.id}"] + [f"I_{module.id}__{i.id}" for i in module.items]


def test_links_in_plain_pages_are_relative_and_reach_files_in_the_cartridge(full_course):
    files = bundle_files(cc().build_bundle(full_course))
    checked = 0
    for path, data in files.items():
        if not path.endswith(".html"):
            continue
        for url in re.findall(r'(?:href|src)="([^"#:]+)(?:#[^"]*)?"', data.decode()):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), unquote(url)))
            assert target in files, (path, url)
            checked += 1
    assert checked >= 3


def with_discussion_image(course):
    image = '<p><img alt="Course map" src="ilead:asset/modules/welcome/images/map.png"></p>'
    modules = []
    for module in course.modules:
        items = tuple(i.model_copy(update={"body": i.body.model_copy(update={
            "html": i.body.html + image, "assets": ("modules/welcome/images/map.png",)})})
            if i.type == "discussion" else i for i in module.items)
        modules.append(module.model_copy(update={"items": items}))
    return course.model_copy(update={"modules": tuple(modules)})


@pytest.mark.parametrize("exporter, expected", [
    (cc("1.1"), "$IMS-CC-FILEBASE$../web_resources/modules/welcome/images/map.png"),
    (CanvasExporter(), "$IMS-CC-FILEBASE$/modules/welcome/images/map.png")])
def test_images_inside_descriptors_use_the_filebase_token_and_a_dependency(exporter, expected, full_course,
                                                                           shared_dir):
    files = bundle_files(exporter.build_bundle(with_discussion_image(full_course)))
    text = etree.fromstring(files["R_welcome__introductions/topic.xml"]).findtext("{*}text")
    assert f'src="{expected}"' in text
    resources = {r.get("identifier"): r for r in manifest(files).iter("{*}resource")}
    deps = [d.get("identifierref") for d in resources["R_welcome__introductions"].iter("{*}dependency")]
    hrefs = [resources[d].get("href") for d in deps]
    assert "web_resources/modules/welcome/images/map.png" in hrefs
    assert validate(files, shared_dir / "schemas") == []


def test_an_unpublished_item_is_instructor_only_in_plain_cc_and_unpublished_in_canvas(full_course):
    course = with_item_unpublished(full_course, "welcome/how-it-works")
    resource = next(r for r in manifest(bundle_files(cc().build_bundle(course))).iter("{*}resource")
                    if r.get("identifier") == "R_welcome__how-it-works")
    assert resource.findtext(".//{*}intendedEndUserRole/{*}value") == "Instructor"
    canvas = bundle_files(CanvasExporter().build_bundle(course))
    assert '<meta name="workflow_state" content="unpublished">' in canvas["wiki_content/welcome__how-it-works.html"].decode()
    module_meta = etree.fromstring(canvas["course_settings/module_meta.xml"])
    states = {i.findtext("{*}title"): i.findtext("{*}workflow_state") for i in module_meta.iter("{*}item")}
    assert states["How this course works"] == "unpublished" and states["Key terms"] == "active"


def test_assignments_are_cc_1_3_assignments_with_a_fallback_page_and_pages_in_cc_1_1(full_course_for, shared_dir):
    course = full_course_for("certificate")
    new = bundle_files(cc("1.3").build_bundle(course))
    resources = {r.get("identifier"): r for r in manifest(new).iter("{*}resource")}
    assert resources["R_foundations__action-plan"].get("type") == "assignment_xmlv1p0"
    variant = resources["RV_foundations__action-plan"].find("{*}variant")
    assert variant.get("identifierref") == "R_foundations__action-plan"
    descriptor = etree.fromstring(new["R_foundations__action-plan/assignment.xml"])
    assert descriptor.find("{*}gradable").get("points_possible") == "20.0"
    assert [f.get("type") for f in descriptor.iter("{*}format")] == ["html", "file"]

    old_bundle = cc("1.1").build_bundle(course)
    old = bundle_files(old_bundle)
    page = old["pages/foundations__action-plan.html"].decode()
    for text in ("Points: 20", "Due: 2027-01-24", "Analysis of the current service", "text entry, file upload",
                 "Grading group: Assignments"):
        assert text in page
    assert any("CC 1.1 has no assignment type" in w.message for w in old_bundle.notes)
    assert validate(old, shared_dir / "schemas") == []


def test_generated_pages_have_language_title_landmark_and_ordered_headings(full_course_for):
    files = bundle_files(cc("1.1").build_bundle(full_course_for("certificate")))
    for path, data in files.items():
        if not path.endswith(".html"):
            continue
        document = lxml_html.document_fromstring(data)
        assert document.get("lang") == "en", path
        assert document.findtext(".//title").strip(), path
        assert len(document.findall(".//main")) == 1 and len(document.findall(".//h1")) == 1, path
        levels = [int(h.tag[1]) for h in document.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), path
        for table in document.iter("table"):
            assert table.find(".//th") is not None, path


def test_video_page_embeds_the_player_with_captions_and_transcript(full_course):
    page = bundle_files(cc().build_bundle(full_course))["pages/foundations__talk.html"].decode()
    assert 'title="Video: Talk: equity in public libraries"' in page
    assert 'href="../web_resources/modules/foundations/media/talk.vtt"' in page
    assert "<h2>Transcript</h2>" in page and "Welcome to this talk" in page


def test_lost_settings_are_reported_per_target(full_course_for):
    course = full_course_for("certificate")
    plain = [w.message for w in cc().build_bundle(course).notes]
    canvas = [w.message for w in CanvasExporter().build_bundle(course).notes]
    assert any("introductions" in m and "points" in m for m in plain)
    assert any("service-population" in m and "range" in m for m in plain)
    assert not any("points" in m or "range" in m or "rubric" in m for m in canvas)


def test_the_exporter_imports_only_public_core_modules():
    for source in PACKAGE.glob("*.py"):
        tree = ast.parse(source.read_text())
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 else []
            for name in names:
                if name and name.startswith("ilead_shell"):
                    assert name in PUBLIC_CORE, (source.name, name)


def test_a_link_to_a_discussion_is_reported_once_in_plain_cc_and_not_in_canvas(full_course):
    plain = [w.message for w in cc().build_bundle(full_course).notes if w.message.startswith("links to")]
    assert plain == ["links to welcome/introductions point at its file R_welcome__introductions/topic.xml: plain "
                     "CC cannot link to a discussion, quiz or assignment, so LMSs may show the file instead"]
    assert not [w for w in CanvasExporter().build_bundle(full_course).notes if w.message.startswith("links to")]
