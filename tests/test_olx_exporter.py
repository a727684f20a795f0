"""The Open edX OLX archive as a whole: Studio's import rules, olxcleaner, our own checks.

Every archive is built the way the CLI builds it (offering selected, options validated
from course.yml, archive written by the core) and extracted into tmp before checking,
as Studio does.
"""

from __future__ import annotations

import json
import shutil
import tarfile
from pathlib import Path

import lxml.html
# olxcleaner is a declared test extra: if it is missing the setup is broken, so no skip.
import olxcleaner
import pytest
from lxml import etree

from ilead_shell.archive import write_archive
from ilead_shell.model import Quiz
from ilead_shell.offerings import select_offering
from ilead_shell.pipeline import exporter_options
from ilead_shell.reader import read_course
from ilead_olx import OlxExporter
from ilead_olx.verify import check_course_folder, check_members


ROOTS = Path(__file__).parent / "roots"
CASES = [("full", "mooc"), ("full", "certificate"), ("handmade", "mooc"), ("handmade", "certificate")]


def build(root: Path, offering: str, out: Path):
    course = read_course(root)
    exporter = OlxExporter(exporter_options(course, OlxExporter, "olx"))
    selected = select_offering(course, offering)
    bundle = exporter.build_bundle(selected)
    archive = out / f"{root.name}-{offering}.tar.gz"
    write_archive(bundle, archive)
    return selected, bundle, archive


def extract(archive: Path, into: Path) -> Path:
    with tarfile.open(archive, "r:gz") as tar:
        assert check_members(tar) == []
        tar.extractall(into, filter="data")
    return into / "course"


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"{c[0]}-{c[1]}")
def built(request, tmp_path_factory):
    root_name, offering = request.param
    out = tmp_path_factory.mktemp(f"olx-{root_name}-{offering}")
    course, bundle, archive = build(ROOTS / root_name, offering, out)
    return course, bundle, archive, extract(archive, out / "x")


# -- validators -------------------------------------------------------------------------
@pytest.mark.parametrize("steps", range(1, 9))
def test_olxcleaner_finds_nothing_at_any_step(built, steps):
    _, _, _, folder = built
    loaded, errorstore, _ = olxcleaner.validate(str(folder), steps=steps)
    assert loaded is not None
    findings = [f"{e.level} {e.name} {e.filename}: {e.description}" for e in errorstore.errors]
    assert findings == []


def test_our_own_checks_pass(built):
    _, _, _, folder = built
    assert check_course_folder(folder) == []


def test_archive_has_one_top_folder_and_one_course_xml(built):
    _, _, archive, _ = built
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
    assert {n.split("/")[0] for n in names} == {"course"}
    assert [n for n in names if n.endswith("course.xml")] == ["course/course.xml"]


def test_builds_are_byte_identical_wherever_the_source_lives(tmp_path):
    first = build(ROOTS / "handmade", "certificate", tmp_path)[2].read_bytes()
    moved = tmp_path / "elsewhere" / "handmade"
    shutil.copytree(ROOTS / "handmade", moved)
    (tmp_path / "again").mkdir()
    second = build(moved, "certificate", tmp_path / "again")[2].read_bytes()
    assert first == second


# -- completeness -----------------------------------------------------------------------
def _tree(folder: Path):
    """{tag: {url_name: element}} for every block reachable from course.xml."""
    blocks: dict[str, dict[str, etree._Element]] = {}
    run = etree.parse(str(folder / "course.xml")).getroot().get("url_name")

    def visit(element):
        for child in element:
            name = child.get("url_name")
            target = child
            if set(child.attrib) == {"url_name"}:
                target = etree.parse(str(folder / child.tag / f"{name}.xml")).getroot()
            blocks.setdefault(child.tag, {})[name] = target
            if child.tag in ("chapter", "sequential", "vertical"):
                visit(target)

    visit(etree.parse(str(folder / "course" / f"{run}.xml")).getroot())
    return blocks


def test_every_module_item_and_question_is_present(built):
    course, _, _, folder = built
    blocks = _tree(folder)
    chapters = [c.get("display_name") for c in blocks["chapter"].values()]
    assert chapters == [m.title for m in course.modules]
    sequential_titles = [s.get("display_name") for s in blocks["sequential"].values()]
    for module in course.modules:
        for item in module.items:
            assert item.title in sequential_titles
    problems = {p.get("display_name") for p in blocks.get("problem", {}).values()}
    essays = {a.findtext("title") for a in blocks.get("openassessment", {}).values()}
    for item in course.items():
        if isinstance(item, Quiz):
            for question in item.questions:
                assert question.title in (essays if question.type == "essay" else problems)
    expected_ora = sum(1 for i in course.items() if i.type == "assignment") + sum(
        1 for i in course.items() if isinstance(i, Quiz) for q in i.questions if q.type == "essay")
    assert len(blocks.get("openassessment", {})) == expected_ora
    assert len(blocks.get("discussion", {})) == sum(1 for i in course.items() if i.type == "discussion")
    assert len(blocks.get("video", {})) == sum(1 for i in course.items() if i.type == "video")


def test_every_course_file_is_in_static(built):
    course, _, _, folder = built
    for asset in course.assets:
        assert (folder / "static" / asset.bundle_path).read_bytes() == Path(course.asset_source(asset)).read_bytes()


# -- grading ----------------------------------------------------------------------------
def _policy(folder: Path) -> dict:
    run = etree.parse(str(folder / "course.xml")).getroot().get("url_name")
    return json.loads((folder / "policies" / run / "grading_policy.json").read_text())


def test_full_certificate_grading_matches_course_yml(tmp_path):
    course, bundle, archive = build(ROOTS / "full", "certificate", tmp_path)
    policy = _policy(extract(archive, tmp_path / "x"))
    weights = {g["type"]: g["weight"] for g in policy["GRADER"]}
    # course.yml: participation 20, assignments 50, quizzes 30; Open edX cannot grade the
    # discussion, so participation goes and the rest keep their proportions.
    assert weights == pytest.approx({"Assignments": 50 / 80, "Knowledge checks": 30 / 80})
    assert policy["GRADE_CUTOFFS"] == {"Pass": 0.7}
    assert all(g["min_count"] == 1 and g["drop_count"] == 0 for g in policy["GRADER"])
    assert any("Participation (20%)" in w.message for w in bundle.notes)


def test_mooc_grading_keeps_only_what_learners_can_earn(tmp_path):
    _, bundle, archive = build(ROOTS / "full", "mooc", tmp_path)
    policy = _policy(extract(archive, tmp_path / "x"))
    assert [(g["type"], g["weight"]) for g in policy["GRADER"]] == [("Knowledge checks", 1.0)]
    assert any("Assignments (50%)" in w.message for w in bundle.notes)


def test_graded_subsections_name_their_grader(tmp_path):
    _, _, archive = build(ROOTS / "handmade", "certificate", tmp_path)
    folder = extract(archive, tmp_path / "x")
    graded = {s.get("display_name"): s.get("format") for s in _tree(folder)["sequential"].values()
              if s.get("graded") == "true"}
    assert graded == {"Self-check": "Self-checks", "Cleaning project": "Projects"}
    assert {g["type"] for g in _policy(folder)["GRADER"]} == set(graded.values())


# -- options and course settings --------------------------------------------------------
def test_options_from_course_yml_name_the_run(tmp_path):
    _, _, archive = build(ROOTS / "handmade", "certificate", tmp_path)
    folder = extract(archive, tmp_path / "x")
    pointer = etree.parse(str(folder / "course.xml")).getroot()
    assert dict(pointer.attrib) == {"url_name": "2027_Spring", "org": "ExampleU", "course": "ODL-201"}
    run = etree.parse(str(folder / "course" / "2027_Spring.xml")).getroot()
    # the certificate offering starts later than the course and has its own title
    assert run.get("start") == "2027-04-05T00:00:00Z"
    assert run.get("display_name") == "Open Data Literacy certificate"
    assert run.get("language") == "en"  # course.yml says en-GB; Studio knows primary codes
    assert (folder / "policies" / "2027_Spring" / "policy.json").is_file()


def test_defaults_come_from_code_start_and_offering(tmp_path):
    _, _, archive = build(ROOTS / "full", "mooc", tmp_path)
    folder = extract(archive, tmp_path / "x")
    pointer = etree.parse(str(folder / "course.xml")).getroot()
    assert dict(pointer.attrib) == {"url_name": "2027_mooc", "org": "ILEAD", "course": "ILEAD-101"}
    run = etree.parse(str(folder / "course" / "2027_mooc.xml")).getroot()
    assert run.get("start") == "2027-01-11T00:00:00Z"
    assert run.get("end") > run.get("start")
    assert run.get("display_name") == "iLead: Leading for Equity, Diversity, and Inclusion (MOOC)"
    assert (folder / "static" / run.get("course_image")).is_file()


@pytest.mark.parametrize("given, key", [
    ("Spring cohort (2027)!", "Spring_cohort_2027"),  # no '_' left at either end
    ("X-Lab", "X-Lab"), ("Lab X", "Lab_X"), ("A+B", "A_B"),
    ("!!!", "fallback"), ("", "fallback"),
])
def test_a_given_org_or_run_becomes_a_course_key_part_open_edx_accepts(given, key):
    from ilead_olx.names import safe
    assert safe(given, "fallback") == key


def test_first_description_image_is_the_course_card(tmp_path):
    _, _, archive = build(ROOTS / "handmade", "mooc", tmp_path)
    folder = extract(archive, tmp_path / "x")
    run = etree.parse(str(folder / "course.xml")).getroot().get("url_name")
    card = etree.parse(str(folder / "course" / f"{run}.xml")).getroot().get("course_image")
    assert card == "assets/banner.png"
    assert not (folder / "static" / "course_image.png").exists()


def test_url_names_survive_renumbering(tmp_path):
    def url_names(root: Path, out: Path) -> set[str]:
        folder = extract(build(root, "certificate", out)[2], out / "x")
        return {p.relative_to(folder).as_posix() for p in folder.rglob("*.xml")}

    (tmp_path / "a").mkdir()
    before = url_names(ROOTS / "full", tmp_path / "a")
    moved = tmp_path / "renumbered"
    shutil.copytree(ROOTS / "full", moved)
    foundations = moved / "modules" / "02-foundations"
    (foundations / "03-check.md").rename(foundations / "09-check.md")
    (foundations / "01-key-terms.md").rename(foundations / "07-key-terms.md")
    foundations.rename(moved / "modules" / "05-foundations")
    (tmp_path / "b").mkdir()
    assert url_names(moved, tmp_path / "b") == before


def test_about_page_carries_description_outcomes_and_competencies(tmp_path):
    _, _, archive = build(ROOTS / "handmade", "mooc", tmp_path)
    folder = extract(archive, tmp_path / "x")
    overview = (folder / "about" / "overview.html").read_text()
    assert "Find, clean and share open data" in overview
    assert "Prepare a tidy data set and publish it with a licence." in overview
    assert "Tidying data" in overview
    assert 'src="/static/assets/banner.png"' in overview
    short = (folder / "about" / "short_description.html").read_text()
    assert short.strip() == "Find, clean and share open data with your community."


def test_unpublished_items_are_staff_only(tmp_path):
    _, _, archive = build(ROOTS / "handmade", "mooc", tmp_path)
    folder = extract(archive, tmp_path / "x")
    handbook = etree.parse(str(folder / "sequential" / "seq_orientation__handbook.xml")).getroot()
    assert handbook.get("visible_to_staff_only") == "true"


# -- the real iLead course --------------------------------------------------------------
COURSE_SOURCE = Path(__file__).resolve().parents[1] / "course_source"


def test_ilead_course_is_clean_in_every_offering(tmp_path):
    if not (COURSE_SOURCE / "course.yml").is_file():
        pytest.skip("no course_source in this checkout")
    course = read_course(COURSE_SOURCE)
    for offering in [o.name for o in course.offerings] or ["default"]:
        _, _, archive = build(COURSE_SOURCE, offering, tmp_path)
        folder = extract(archive, tmp_path / offering)
        _, errorstore, _ = olxcleaner.validate(str(folder), steps=8)
        assert [f"{e.name}: {e.description}" for e in errorstore.errors] == [], offering
        assert check_course_folder(folder) == [], offering


def test_html_components_keep_headings_in_order_and_name_their_links(built):
    # In the LMS a unit's title is the h2 of the page, so a component starts at h2 or h3.
    _, _, _, folder = built
    for page in sorted((folder / "html").glob("*.html")) + [folder / "about" / "overview.html"]:
        document = lxml.html.fromstring(f"<div>{page.read_text()}</div>")
        levels = [int(h.tag[1]) for h in document.iter("h1", "h2", "h3", "h4", "h5", "h6")]
        for previous, level in zip([2] + levels, levels):
            assert 2 <= level <= previous + 1, f"{page.name}: heading h{level} after h{previous}"
        for link in document.iter("a"):
            assert link.text_content().strip(), f"{page.name}: a link without text"
        for image in document.iter("img"):
            assert image.get("alt") is not None, f"{page.name}: an image without alt"
