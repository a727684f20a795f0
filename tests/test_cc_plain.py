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
from ilead_cc.reader_notes import NOTES
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


def link_target(files, url: str, from_path: str) -> str | None:
    """Where a link of a built cartridge leads: a file, a page or a resource (None: nowhere)."""
    identifiers = {r.get("identifier") for r in manifest(files).iter("{*}resource")}
    url = unquote(url.split("#")[0])
    if url.startswith("$IMS-CC-FILEBASE$/"):
        found = "web_resources/" + url[len("$IMS-CC-FILEBASE$/"):]
    elif url.startswith("$WIKI_REFERENCE$/pages/"):
        found = "wiki_content/" + url[len("$WIKI_REFERENCE$/pages/"):] + ".html"
    elif url.startswith("$CANVAS_OBJECT_REFERENCE$/"):
        return url.rsplit("/", 1)[1] if url.rsplit("/", 1)[1] in identifiers else None
    else:
        found = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), url.replace("$IMS-CC-FILEBASE$", "")))
    return found if found in files else None


@pytest.mark.parametrize("exporter, style", [(cc("1.3"), "tokens"), (cc("1.1"), "tokens"), (MoodleExporter(), "relative")])
def test_links_in_pages_reach_files_pages_and_activities_in_the_cartridge(exporter, style, full_course):
    files = bundle_files(exporter.build_bundle(full_course))
    checked = 0
    for path, data in files.items():
        if not path.endswith(".html"):
            continue
        for url in re.findall(r'(?:href|src)="([^"#:]+)(?:#[^"]*)?"', data.decode()):
            assert (style == "tokens") == url.startswith("%24"), (path, url)
            assert link_target(files, url, path), (path, url)
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
    (MoodleExporter(), "$IMS-CC-FILEBASE$../web_resources/modules/welcome/images/map.png"),
    (cc("1.1"), "%24IMS-CC-FILEBASE%24/modules/welcome/images/map.png"),
    (CanvasExporter(), "%24IMS-CC-FILEBASE%24/modules/welcome/images/map.png")])
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


def with_question_image(course):
    """The full course with the course map in the stem of every quiz's first question, and each
    quiz twice (so that quizzes can be made in two processes)."""
    image = '<p><img alt="Course map" src="ilead:asset/modules/welcome/images/map.png"></p>'
    modules = []
    for module in course.modules:
        items = []
        for item in module.items:
            if item.type == "quiz":
                first = item.questions[0]
                stem = first.stem.model_copy(update={"html": first.stem.html + image,
                                                     "assets": ("modules/welcome/images/map.png",)})
                item = item.model_copy(update={"questions": (first.model_copy(update={"stem": stem}),
                                                             *item.questions[1:])})
                items.append(item.model_copy(update={"id": f"{item.id}-again"}))
            items.append(item)
        modules.append(module.model_copy(update={"items": tuple(items)}))
    return course.model_copy(update={"modules": tuple(modules)})


@pytest.mark.parametrize("lent", [False, True], ids=["made-here", "made-in-a-lent-process"])
@pytest.mark.parametrize("exporter", [MoodleExporter(), cc("1.1"), cc("1.3"), CanvasExporter()],
                         ids=["moodle", "cc-1.1", "cc-1.3", "canvas"])
def test_a_quiz_whose_question_shows_an_image_depends_on_the_image(exporter, lent, full_course, monkeypatch,
                                                                   forking):
    # Quiz documents are made ahead of the walk, half of them in another process when the build
    # lends one: the files their links use must still reach the quiz's resource.
    import ilead_cc.builder as builder
    from ilead_shell.exporter_api import lending_processes

    monkeypatch.setattr(builder, "PARALLEL_MIN_QUESTIONS", 0)
    course = with_question_image(full_course)
    with lending_processes(1 if lent else 0):
        files = bundle_files(exporter.build_bundle(course))
    resources = {r.get("identifier"): r for r in manifest(files).iter("{*}resource")}
    quizzes = [r for r in resources.values() if "assessment" in r.get("type")]
    assert len(quizzes) >= 2
    for quiz in quizzes:
        hrefs = [resources[d.get("identifierref")].get("href") for d in quiz.iter("{*}dependency")]
        assert "web_resources/modules/welcome/images/map.png" in hrefs, quiz.get("identifier")


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
    page = old["wiki_content/foundations__action-plan.html"].decode()
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
    page = bundle_files(cc().build_bundle(full_course))["wiki_content/foundations__talk.html"].decode()
    assert 'title="Video: Talk: equity in public libraries"' in page
    assert 'href="%24IMS-CC-FILEBASE%24/modules/foundations/media/talk.vtt"' in page
    assert "<h2>Transcript</h2>" in page and "Welcome to this talk" in page


def format_notes(bundle) -> list[str]:
    """What the format itself could not hold (the notes on what each real importer drops aside)."""
    readers = {n.text for n in NOTES}
    return [w.message for w in bundle.notes if w.message not in readers]


def test_lost_settings_are_reported_per_target(full_course_for):
    course = full_course_for("certificate")
    plain = format_notes(cc().build_bundle(course))
    canvas = format_notes(CanvasExporter().build_bundle(course))
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


def test_a_link_between_items_is_reported_once_for_moodle_and_not_for_token_readers(full_course):
    moodle = [w.message for w in MoodleExporter().build_bundle(full_course).notes if w.message.startswith("links to")]
    assert len(moodle) == 1 and moodle[0].startswith("links to welcome/introductions point at its file "
                                                     "R_welcome__introductions/topic.xml: Moodle's converter")
    for exporter in (cc(), CanvasExporter()):
        assert not [w for w in exporter.build_bundle(full_course).notes if w.message.startswith("links to")]


def test_tag_like_titles_are_written_for_moodle_and_kept_for_canvas(copy_root):
    from ilead_shell.offerings import select_offering
    from ilead_shell.reader import read_course
    course = select_offering(read_course(copy_root("fidelity")), "mooc")
    moodle_bundle = MoodleExporter().build_bundle(course)
    moodle = bundle_files(moodle_bundle)
    assert manifest(moodle).findtext(".//{*}general/{*}title/{*}string").startswith("Fidelity \u2039Cohort A\u203a &")
    titles = [t.text for t in manifest(moodle).iter("{*}title")]
    assert "Practice \u2039in\u203a the field & beyond" in titles and not any("<" in t for t in titles)
    assert any("refuses it in a course name" in n.message for n in moodle_bundle.notes)
    canvas = bundle_files(CanvasExporter().build_bundle(course))
    assert manifest(canvas).findtext(".//{*}general/{*}title/{*}string").startswith("Fidelity \u2039Cohort A\u203a")
    settings = etree.fromstring(canvas["course_settings/course_settings.xml"])
    assert settings.findtext("{*}title").startswith("Fidelity <Cohort A> &")  # what Canvas reads
    assert "Practice <in> the field & beyond" in [t.text for t in manifest(canvas).iter("{*}title")]


def test_the_moodle_flavour_puts_the_syllabus_first_so_that_it_is_section_zero(full_course):
    root = manifest(bundle_files(MoodleExporter().build_bundle(full_course))).find("{*}organizations/{*}organization/{*}item")
    first = root.find("{*}item")
    assert (first.get("identifierref"), first.findtext("{*}title")) == ("RS_syllabus", "Syllabus")
    for exporter in (cc(), CanvasExporter()):
        root = manifest(bundle_files(exporter.build_bundle(full_course))).find("{*}organizations/{*}organization/{*}item")
        assert root.find("{*}item").get("identifierref") is None  # a module folder


def test_reader_limits_are_noted_once_for_what_the_course_uses(full_course):
    notes = [n.message for n in MoodleExporter().build_bundle(full_course).notes]
    assert sum("worth 1 mark" in n for n in notes) == 1
    assert not any(n.startswith("Moodle restores only") for n in notes)
    plain = [n.message for n in cc().build_bundle(full_course).notes]
    assert any(n.startswith("Moodle restores only Common Cartridge 1.0 and 1.1") for n in plain)
    without_quizzes = full_course.model_copy(update={"modules": tuple(
        m.model_copy(update={"items": tuple(i for i in m.items if i.type != "quiz")}) for m in full_course.modules)})
    assert not any("worth 1 mark" in n.message for n in MoodleExporter().build_bundle(without_quizzes).notes)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><title>Dot</title></svg>'


@pytest.mark.parametrize("page, svg_file, noted", [
    ("![A dot](images/dot.svg)\n", True, True),
    ("![A dot](images/DOT.SVG)\n", True, True),
    ("No image.\n", True, False),  # an SVG file no text shows (a file item offers it)
    ("No image.\n", False, False),
])
def test_the_viewer_note_on_svg_images_is_made_only_when_a_text_shows_one(tmp_path, page, svg_file, noted):
    from course_tree import write_tree
    from ilead_shell.reader import read_course

    name = "DOT.SVG" if "DOT" in page else "dot.svg"
    files = {"course.yml": "title: Svg\ncode: S-1\n",
             "modules/01-m/module.md": "---\ntitle: M\n---\nOverview.\n",
             "modules/01-m/01-page.md": f"---\ntitle: Page\n---\n{page}"}
    if svg_file:
        files[f"modules/01-m/images/{name}"] = SVG
        files["modules/01-m/02-file.md"] = f"---\ntitle: Dot file\ntype: file\npath: images/{name}\n---\n"
    course = read_course(write_tree(tmp_path / "src", files))
    for exporter in (cc(), cc("1.1"), CanvasExporter()):
        notes = [n.message for n in exporter.build_bundle(course).notes]
        assert any("the viewer shows no SVG image" in n for n in notes) is noted, exporter
