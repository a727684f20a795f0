"""The Canvas target against a real Canvas CC 1.1 export (shared/samples/canvas-export-cc11/modules)."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from cc_validation import bundle_files
from ilead_cc import CanvasExporter

CANVAS = "http://canvas.instructure.com/xsd/cccv1p0"
C = f"{{{CANVAS}}}"


@pytest.fixture(scope="module")
def sample(shared_dir) -> dict[str, bytes]:
    root = shared_dir / "samples" / "canvas-export-cc11" / "modules"
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def ours(full_course_for) -> dict[str, bytes]:
    return bundle_files(CanvasExporter().build_bundle(full_course_for("certificate")))


def xml(files, path):
    return etree.fromstring(files[path])


def manifest_resources(files):
    manifest = xml(files, "imsmanifest.xml")
    return {r.get("identifier"): r for r in manifest.iter("{*}resource")}


def shape(resource) -> tuple:
    """A resource's type and how its files sit (descriptor, folder file, settings...)."""
    files = [f.get("href") for f in resource.iter("{*}file")]
    return (resource.get("type"), bool(resource.get("href")), len(files))


def test_the_same_manifest_version_and_namespaces_as_canvas(sample, ours):
    for files in (sample, ours):
        manifest = xml(files, "imsmanifest.xml")
        assert manifest.nsmap[None] == "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1"
        assert manifest.findtext("{*}metadata/{*}schemaversion") == "1.1.0"


def test_course_settings_is_one_resource_whose_href_is_canvas_export_txt(sample, ours):
    for files in (sample, ours):
        settings = [r for r in manifest_resources(files).values()
                    if r.get("href") == "course_settings/canvas_export.txt"]
        assert len(settings) == 1
        assert settings[0].get("type") == "associatedcontent/imscc_xmlv1p1/learning-application-resource"
    sample_files = {f.get("href") for r in manifest_resources(sample).values() for f in r.iter("{*}file")
                    if f.get("href").startswith("course_settings/")}
    our_files = {f.get("href") for r in manifest_resources(ours).values() for f in r.iter("{*}file")
                 if f.get("href").startswith("course_settings/")}
    # media_tracks.xml holds Canvas media-object captions; ours travel as files instead.
    assert sample_files - {"course_settings/media_tracks.xml"} <= our_files
    assert {"course_settings/rubrics.xml", "course_settings/learning_outcomes.xml"} <= our_files


def test_resource_shapes_match_canvas_for_every_kind_we_share(sample, ours):
    """Discussion, web link, quiz, quiz meta, assignment and wiki page resources look as Canvas writes them."""
    def shapes(files):
        found = {}
        for resource in manifest_resources(files).values():
            hrefs = [f.get("href") for f in resource.iter("{*}file")]
            if resource.get("type").startswith(("imsdt", "imswl", "imsqti")):
                key = resource.get("type")
            elif any(h.endswith("assignment_settings.xml") for h in hrefs):
                key = "assignment"
            elif any(h.startswith("non_cc_assessments/") for h in hrefs):
                key = "assessment_meta"
            elif any(h.startswith("wiki_content/") for h in hrefs):
                key = "wiki"
            else:
                continue
            found.setdefault(key, set()).add(shape(resource))
        return found
    theirs, mine = shapes(sample), shapes(ours)
    assert set(theirs) == set(mine)
    for key in theirs:
        assert mine[key] == theirs[key], key


def test_every_discussion_and_quiz_depends_on_its_canvas_settings_file(ours):
    resources = manifest_resources(ours)
    for resource in resources.values():
        kind = resource.get("type")
        if kind in ("imsdt_xmlv1p1", "imsqti_xmlv1p2/imscc_xmlv1p1/assessment"):
            deps = [d.get("identifierref") for d in resource.iter("{*}dependency")]
            meta = [resources[d] for d in deps if "learning-application" in resources[d].get("type")]
            assert len(meta) == 1
            root = xml(ours, meta[0].get("href"))
            assert etree.QName(root).localname == ("topicMeta" if kind.startswith("imsdt") else "quiz")


def test_canvas_files_use_only_element_names_canvas_itself_writes(sample, ours, shared_dir):
    """Every element in our Canvas files is one that real Canvas exports write, except a short,
    documented list of importer-read settings the samples happen not to use."""
    extras = {"rubric_use_for_grading", "rubric_hide_score_total", "group_weighting_scheme", "locale",
              "display_name", "usage_rights", "license", "completionRequirements", "completionRequirement",
              "min_score", "learningOutcomes", "learningOutcomeGroup", "learningOutcome", "calculation_method",
              "mastery_points", "alignments", "alignment", "content_type", "content_id", "mastery_type",
              "mastery_score", "long_description"}
    samples = shared_dir / "samples"
    known = set()
    for path in list(samples.glob("canvas-export-cc11/**/*.xml")) + list(samples.glob("canvas-exports/**/*.xml")):
        root = etree.parse(str(path)).getroot()
        known |= {etree.QName(n).localname for n in root.iter() if isinstance(n.tag, str)
                  and etree.QName(n).namespace == CANVAS}
    for path, data in ours.items():
        root = etree.fromstring(data) if path.endswith(".xml") else None
        if root is None or etree.QName(root).namespace != CANVAS:
            continue
        names = {etree.QName(n).localname for n in root.iter() if isinstance(n.tag, str)}
        assert names - known <= extras, (path, names - known - extras)


def test_module_meta_lists_each_module_item_with_its_organization_identifier(ours):
    manifest = xml(ours, "imsmanifest.xml")
    org_items = {i.get("identifier"): i.get("identifierref") for i in manifest.iter("{*}item") if i.get("identifierref")}
    rows = list(xml(ours, "course_settings/module_meta.xml").iter(f"{C}item"))
    assert len(rows) == len(org_items)
    for row in rows:
        assert org_items[row.get("identifier")] == row.findtext(f"{C}identifierref")


def test_wiki_pages_name_their_resource_and_state_in_meta_tags(ours):
    resources = manifest_resources(ours)
    pages = [p for p in ours if p.startswith("wiki_content/")]
    assert pages
    for path in pages:
        text = ours[path].decode()
        identifier = re.search(r'<meta name="identifier" content="([^"]+)"', text).group(1)
        assert resources[identifier].get("href") == path
        assert '<meta name="workflow_state" content="active">' in text


def test_links_between_items_use_canvas_tokens(ours):
    page = ours["wiki_content/welcome__how-it-works.html"].decode()
    assert 'href="%24CANVAS_OBJECT_REFERENCE%24/discussion_topics/R_welcome__introductions"' in page
    assert 'href="%24IMS-CC-FILEBASE%24/modules/welcome/images/map.png"' in page
    assert "ilead:" not in "".join(v.decode() for p, v in ours.items() if p.endswith((".html", ".xml", ".qti")))


def test_a_quiz_with_mastery_gets_a_min_score_completion_requirement(ours, full_course_for):
    requirement = xml(ours, "course_settings/module_meta.xml").find(f".//{C}completionRequirement")
    assert requirement.get("type") == "min_score"
    # 70 % of the quiz's 11 points
    assert float(requirement.findtext(f"{C}min_score")) == pytest.approx(7.7)


def test_weighted_grading_groups_switch_on_percent_weighting(ours):
    settings = xml(ours, "course_settings/course_settings.xml")
    assert settings.findtext(f"{C}group_weighting_scheme") == "percent"
    assert settings.findtext(f"{C}license") == "cc_by"
    assert settings.findtext(f"{C}start_at") == "2027-01-11T00:00:00"


def _max_attempts(qti: bytes) -> list[str]:
    root = etree.fromstring(qti)
    assessment = next(root.iter("{*}assessment"))
    return [f.findtext("{*}fieldentry") for f in assessment.find("{*}qtimetadata").iter("{*}qtimetadatafield")
            if f.findtext("{*}fieldlabel") == "cc_maxattempts"]


def test_every_quiz_says_its_attempts_where_canvas_exports_say_them(sample, ours, full_course_for):
    # Canvas writes cc_maxattempts in both of a quiz's QTI files (the sample); its importer reads
    # the quiz's allowed attempts from there.
    for path in [p for p in sample if p.endswith(".xml.qti") or p.endswith("/assessment_qti.xml")]:
        assert len(_max_attempts(sample[path])) == 1, path
    quizzes = {q.id: q for q in full_course_for("certificate").items() if q.type == "quiz"}
    qti_files = [p for p in ours if p.startswith("non_cc_assessments/") and p.endswith(".xml.qti")]
    assert len(qti_files) == len(quizzes) >= 1
    found = sorted(a for path in qti_files for a in _max_attempts(ours[path]))
    expected = sorted("unlimited" if q.attempts is None else str(q.attempts) for q in quizzes.values())
    assert found == expected and "3" in found
