"""Instructor material in every cartridge: marked for the Instructor role, unpublished in Canvas."""

from __future__ import annotations

import pytest
from lxml import etree

from audience_support import INSTRUCTOR_FILES, INSTRUCTOR_TITLES, LEARNER_TITLES, build, files
from cc_validation import validate

CANVAS = "{http://canvas.instructure.com/xsd/cccv1p0}"
CC_TARGETS = [("cc", {}), ("cc", {"cc_version": "1.1"}), ("brightspace", {}), ("blackboard", {}),
              ("moodle", {}), ("canvas", {})]
# Moodle's cc112moodle::get_module_visible, word for word: the role's value under the resource.
MOODLE_NS = {"imscc": "http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1",
             "lom": "http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource"}


def _manifest(bundle) -> etree._Element:
    return etree.fromstring(bundle.files["imsmanifest.xml"].read())


def _role(resource: etree._Element) -> str | None:
    return resource.findtext("{*}metadata/{*}lom/{*}educational/{*}intendedEndUserRole/{*}value")


def _roles_by_title(bundle) -> dict[str, str | None]:
    """Organization item title (overviews as their module's title) -> role of its resource."""
    manifest = _manifest(bundle)
    resources = {r.get("identifier"): r for r in manifest.iter("{*}resource")}
    found = {}
    for item in manifest.iter("{*}item"):
        # The moodle flavour lists the course syllabus first (Moodle's section 0): for everyone.
        if item.get("identifierref") == "RS_syllabus":
            assert _role(resources["RS_syllabus"]) is None
            continue
        if item.get("identifierref"):
            title = item.findtext("{*}title").removeprefix("Overview: ")
            found[title] = _role(resources[item.get("identifierref")])
    return found


@pytest.fixture(scope="module", params=CC_TARGETS, ids=lambda p: p[0] + "".join(f"-{v}" for v in p[1].values()))
def cartridge(request):
    target, options = request.param
    return build(target, **options)


def test_instructor_items_and_modules_are_for_the_instructor_role_and_nothing_else_is(cartridge):
    roles = _roles_by_title(cartridge)
    assert set(roles) == INSTRUCTOR_TITLES | LEARNER_TITLES
    assert {t for t, role in roles.items() if role == "Instructor"} == INSTRUCTOR_TITLES
    assert {t for t, role in roles.items() if role is None} == LEARNER_TITLES


def test_files_only_instructors_use_are_for_them_too(cartridge):
    manifest = _manifest(cartridge)
    by_file = {r.get("href"): _role(r) for r in manifest.iter("{*}resource") if r.get("type") == "webcontent"}
    assert {h.removeprefix("web_resources/") for h, role in by_file.items() if role == "Instructor"
            and h.startswith("web_resources/")} == INSTRUCTOR_FILES


def test_the_cartridge_stays_valid(cartridge, shared_dir):
    assert validate(files(cartridge), shared_dir / "schemas") == []


def test_learner_pages_do_not_link_to_instructor_material(cartridge):
    welcome = next(data for path, data in files(cartridge).items() if path.endswith("session__welcome.html"))
    assert b"facilitator-notes" not in welcome and b"facilitator notes" in welcome


def test_moodle_reads_the_role_where_its_importer_looks():
    manifest = _manifest(build("moodle"))
    hidden = {r.get("identifier") for r in manifest.xpath("//imscc:resource", namespaces=MOODLE_NS)
              if [v.strip() for v in r.xpath(".//lom:intendedEndUserRole/lom:value/text()", namespaces=MOODLE_NS)]
              == ["Instructor"]}
    assert "R_session__facilitator-notes" in hidden and "R_session__welcome" not in hidden


def _canvas_files():
    return files(build("canvas"))


def test_canvas_modules_and_module_items_for_instructors_are_unpublished():
    meta = etree.fromstring(_canvas_files()["course_settings/module_meta.xml"])
    states = {m.findtext(f"{CANVAS}title"): m.findtext(f"{CANVAS}workflow_state") for m in meta.iter(f"{CANVAS}module")}
    assert states == {"First session": "active", "Facilitator guide": "unpublished", "Wrap-up": "active"}
    rows = {i.findtext(f"{CANVAS}title").removeprefix("Overview: "): i.findtext(f"{CANVAS}workflow_state")
            for i in meta.iter(f"{CANVAS}item")}
    assert {t for t, s in rows.items() if s == "unpublished"} == INSTRUCTOR_TITLES
    assert {t for t, s in rows.items() if s == "active"} == LEARNER_TITLES


def test_canvas_pages_topics_and_quizzes_for_instructors_are_unpublished_and_their_files_locked():
    found = _canvas_files()

    def page_state(name: str) -> str:
        head = etree.HTML(found[f"wiki_content/{name}.html"])
        return head.xpath("//meta[@name='workflow_state']/@content")[0]

    assert page_state("session__facilitator-notes") == page_state("facilitator-guide") == "unpublished"
    assert page_state("session__welcome") == page_state("session") == "active"
    topic = etree.fromstring(found["R_facilitator-guide__facilitator-forum/topic_meta.xml"])
    assert topic.findtext(f"{CANVAS}workflow_state") == "unpublished"
    learners_topic = etree.fromstring(found["R_session__introductions/topic_meta.xml"])
    assert learners_topic.findtext(f"{CANVAS}workflow_state") == "active"
    quiz = etree.fromstring(found["R_session__calibration/assessment_meta.xml"])
    assert quiz.findtext(f"{CANVAS}available") == "false"
    assert quiz.findtext(f"{CANVAS}assignment/{CANVAS}workflow_state") == "unpublished"
    meta = etree.fromstring(found["course_settings/files_meta.xml"])
    locked = {f.findtext(f"{CANVAS}display_name") for f in meta.iter(f"{CANVAS}file")
              if f.findtext(f"{CANVAS}locked") == "true"}
    assert locked == {"room-plan.png", "facilitator-slides.pdf"}


@pytest.mark.parametrize("target, says", [
    ("cc", "readers that ignore the role show them to learners"),
    ("moodle", "module facilitator-guide is for instructors: Moodle's importer makes every section visible"),
    ("canvas", "unpublished in Canvas, which has no teacher-only page"),
])
def test_each_cartridge_says_what_its_lms_does_with_the_material(target, says):
    notes = [n.message for n in build(target).notes]
    assert any(says in n for n in notes), notes
