"""course.yml, competencies.yml and module.md as SOURCE_FORMAT.md describes them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from course_tree import errors_of, write_tree

from ilead_shell.errors import CourseError
from ilead_shell.reader import load_course, read_course

HANDMADE = Path(__file__).parent / "roots" / "handmade"

MINIMAL = """\
title: Minimal
code: MIN-1
"""


def make(root: Path, files: dict[str, str | bytes]) -> Path:
    """A course folder from ``{relative path: content}``; course.yml defaults to MINIMAL."""
    files = {"course.yml": MINIMAL, **files}
    return write_tree(root, files)


def module(title: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\n{extra}---\nOverview of {title}.\n"


def page(title: str, extra: str = "", body: str = "Some text.\n") -> str:
    return f"---\ntitle: {title}\n{extra}---\n{body}"



# -- course.yml -------------------------------------------------------------------------
def test_handmade_course_keys_reach_the_model():
    course = read_course(HANDMADE)
    assert course.title == "Open Data Literacy for Librarians"
    assert course.code == "ODL-201"
    assert course.language == "en-GB"
    assert course.license == "CC-BY-SA-4.0"
    assert course.authors == ("Ada Example, Example University", "Grace Sample, Sample Library")
    assert course.version == "1.2.0"
    assert course.start == dt.date(2027, 3, 1)
    assert [o.id for o in course.outcomes] == ["CO1", "CO2"]
    assert course.outcomes[0].competencies == ("K1", "K2")
    assert course.outcomes[1].location.path == "course.yml"
    assert course.outcomes[1].location.line == 17
    assert [(g.id, g.weight) for g in course.grading.groups] == [
        ("participation", 25), ("projects", 45), ("checks", 30)]
    assert course.grading.pass_percent == 60
    assert [o.name for o in course.offerings] == ["mooc", "certificate"]
    assert course.offering_info("mooc").title_suffix == "(open course)"
    assert course.offering_info("certificate").start == dt.date(2027, 4, 5)
    assert course.default_offering == "mooc"
    assert course.exporters == {"olx": {"org": "ExampleU", "run": "2027_Spring"}}
    assert "<img" in course.description.html and course.description.assets == ("assets/banner.png",)


def test_defaults_of_a_minimal_course(tmp_path):
    course = read_course(make(tmp_path, {"modules/01-a/module.md": module("A")}))
    assert course.language == "en"
    assert [o.name for o in course.offerings] == ["default"]
    assert course.default_offering == "default"
    assert course.grading.groups == () and course.outcomes == ()
    assert course.competencies.domains == ()
    assert course.authors == () and course.license is None


def test_yaml_numbers_and_single_author_are_read_as_text(tmp_path):
    root = make(tmp_path, {"course.yml": MINIMAL + "version: 1.0\nauthors: Solo Author\n",
                           "modules/a/module.md": module("A")})
    course = read_course(root)
    assert course.version == "1.0"
    assert course.authors == ("Solo Author",)


def test_modules_default_to_every_folder_in_numeric_order(tmp_path):
    root = make(tmp_path, {
        "modules/10-last/module.md": module("Last"),
        "modules/9-middle/module.md": module("Middle"),
        "modules/01-first/module.md": module("First"),
        "modules/.hidden/module.md": module("Hidden"),
        "modules/notes.txt": "not a module",
    })
    assert [m.id for m in read_course(root).modules] == ["first", "middle", "last"]


def test_modules_list_sets_order_and_selection(tmp_path):
    root = make(tmp_path, {
        "course.yml": MINIMAL + "modules: [02-b, 01-a]\n",
        "modules/01-a/module.md": module("A"),
        "modules/02-b/module.md": module("B"),
        "modules/03-unlisted/module.md": module("Unlisted"),
        "modules/04-notes/readme.txt": "not a module: no module.md",
    })
    course, warnings = load_course(root)
    assert [m.id for m in course.modules] == ["b", "a"]
    # Left out silently, a module added (or imported) and never listed would be in no bundle.
    assert [w.format() for w in warnings] == [
        f"{root / 'course.yml'}:3: warning: modules/03-unlisted is not in course.yml modules:, so no bundle "
        "holds it; add it, or remove the folder"]
    assert warnings[0].code == "unlisted-module"


def test_a_block_modules_list_is_warned_about_at_its_key_line(tmp_path):
    root = make(tmp_path, {"course.yml": MINIMAL + "modules:\n  - 01-a\n", "modules/01-a/module.md": module("A"),
                           "modules/05-extra/module.md": module("Extra")})
    _, warnings = load_course(root)
    assert [(w.location.line, w.code) for w in warnings] == [(3, "unlisted-module")], warnings


def test_a_module_outside_the_course_folder_is_reused_by_path(tmp_path):
    shared = make(tmp_path / "library", {
        "ethics/module.md": module("Ethics"),
        "ethics/01-consent.md": page("Consent", body="![Consent form](form.png)\n"),
        "ethics/form.png": b"\x89PNG fake",
    })
    root = make(tmp_path / "course", {
        "course.yml": MINIMAL + "modules: [01-own, ../library/ethics]\n",
        "modules/01-own/module.md": module("Own"),
    })
    course = read_course(root)
    assert [m.id for m in course.modules] == ["own", "ethics"]
    ethics = course.module("ethics")
    assert ethics.folder == "../library/ethics"
    asset = course.asset("modules/ethics/form.png")
    assert asset.source == "../library/ethics/form.png"
    assert course.asset_source(asset) == (shared / "ethics/form.png").resolve()
    assert asset.bundle_path == "modules/ethics/form.png"


def test_a_reused_module_keeps_its_asset_keys_in_any_course(tmp_path):
    make(tmp_path / "lib", {"m/module.md": module("M", ), "m/01-p.md": page("P", body="![A dot](dot.png)\n"),
                            "m/dot.png": b"png"})
    first = make(tmp_path / "one", {"course.yml": MINIMAL + "modules: [../lib/m]\n"})
    second = make(tmp_path / "two", {"course.yml": MINIMAL + "modules: [../lib/./m/]\n"})
    keys = [tuple(a.key for a in read_course(r).assets) for r in (first, second)]
    assert keys[0] == keys[1] == ("modules/m/dot.png",)


@pytest.mark.parametrize("extra, says", [
    ("colour: blue\n", "unknown key 'colour'"),
    ("titel: x\n", "did you mean 'title'"),
    ("code: [1]\n", "code"),
    ("language: 12345678\n", "language"),
    ("start: tomorrow\n", "start"),
    ("outcomes: [{id: CO1}]\n", "missing required key 'text' in outcomes item 1"),
    ("outcomes: [{id: 'C O1', text: x}]\n", "should be letters and digits joined by"),
    ("grading: {groups: [{id: a, name: A, weight: 120}]}\n", "weight"),
    ("grading: {groups: [{id: a, name: A, weight: 50}, {id: a, name: B, weight: 50}]}\n", "used twice"),
    ("grading: {groups: [{id: a, name: A, weight: .nan}]}\n", "weight"),
    ("offerings: {mooc: {subtitle: x}}\n", "unknown key 'subtitle' in offerings.mooc"),
    ("offerings: {mooc: {}}\ndefault_offering: onsite\n", "onsite"),
    ("default_offering: onsite\n", "names no offering"),
    ("modules: 01-a\n", "modules"),
    ("exporters: {olx: 3}\n", "exporters"),
])
def test_invalid_course_yml_keys_are_located_errors(tmp_path, extra, says):
    root = make(tmp_path, {"course.yml": MINIMAL + extra, "modules/01-a/module.md": module("A")})
    found = errors_of(root)
    assert any(says in message for message in found), found
    assert all(message.startswith(str(root / "course.yml")) or "course.yml" in message for message in found)


def test_unknown_key_error_points_at_its_line(tmp_path):
    root = make(tmp_path, {"course.yml": MINIMAL + "description: x\ncolour: blue\n",
                           "modules/01-a/module.md": module("A")})
    assert any(m.endswith("course.yml:4: error: course.yml: unknown key 'colour'; expected one of: "
                          + m.split("expected one of: ")[-1]) for m in errors_of(root))


def test_a_missing_course_yml_or_source_is_an_error(tmp_path):
    assert "no course.yml" in errors_of(tmp_path)[0]
    with pytest.raises(CourseError, match="does not exist"):
        read_course(tmp_path / "nowhere")


def test_several_mistakes_are_reported_in_one_run(tmp_path):
    root = make(tmp_path, {
        "modules/01-a/module.md": module("A"),
        "modules/01-a/01-p.md": page("P", "type: quiz\n", "### Q\n- [ ] a\n- [ ] b\n"),
        "modules/01-a/02-q.md": page("Q", "colour: red\n"),
        "modules/01-a/03-r.md": page("R", "", "[broken](nowhere.md)\n"),
    })
    found = errors_of(root)
    assert len(found) == 3
    assert any("01-p.md:5" in m and "no correct answer" in m for m in found)
    assert any("02-q.md:3" in m and "colour" in m for m in found)
    assert any("03-r.md:4" in m and "nowhere.md" in m for m in found)


def test_reference_errors_are_all_reported_together(tmp_path):
    root = make(tmp_path, {
        "modules/01-a/module.md": module("A", "offerings: [gone]\n"),
        "modules/01-a/01-p.md": page("P", "outcomes: [NOPE]\n"),
        "modules/01-a/02-q.md": page("Q", "type: discussion\ngroup: nowhere\n"),
    })
    found = errors_of(root)
    assert len(found) == 3, found
    # Each at the line of the key that names the unknown id.
    assert any("module.md:3" in m and "gone" in m for m in found)
    assert any("01-p.md:3" in m and "NOPE" in m for m in found)
    assert any("02-q.md:4" in m and "nowhere" in m for m in found)


# -- competencies.yml -------------------------------------------------------------------
COMPETENCIES = """\
domains:
  - id: D1
    name: Domain
    competencies:
      - id: C1
        name: One
"""


def test_competencies_yml_is_read_when_present_without_being_named(tmp_path):
    root = make(tmp_path, {"competencies.yml": COMPETENCIES, "modules/a/module.md": module("A"),
                           "course.yml": MINIMAL + "outcomes: [{id: CO1, text: 'Explain x.', competencies: [C1]}]\n"})
    course = read_course(root)
    assert [c.id for c in course.competencies.all()] == ["C1"]
    assert course.competencies.domains[0].location.line == 2


def test_competencies_named_in_course_yml_may_have_another_name(tmp_path):
    root = make(tmp_path, {"framework/skills.yml": COMPETENCIES, "modules/a/module.md": module("A"),
                           "course.yml": MINIMAL + "competencies: framework/skills.yml\n"})
    assert read_course(root).competencies.all()[0].name == "One"


@pytest.mark.parametrize("framework, says", [
    (COMPETENCIES.replace("        name: One\n", ""), "name"),
    (COMPETENCIES + "      - id: C1\n        name: Again\n", "used twice"),
    ("domains: []\n", "domains"),
    (COMPETENCIES + "  - id: D1\n    name: Again\n    competencies: [{id: C2, name: Two}]\n", "domain id 'D1' is used twice"),
    (COMPETENCIES.replace("    name: Domain\n", "    name: Domain\n    colour: red\n"), "colour"),
])
def test_invalid_competencies_are_errors_in_that_file(tmp_path, framework, says):
    root = make(tmp_path, {"competencies.yml": framework, "modules/a/module.md": module("A")})
    found = errors_of(root)
    assert any("competencies.yml" in m and says in m for m in found), found


def test_a_named_competencies_file_must_exist(tmp_path):
    root = make(tmp_path, {"modules/a/module.md": module("A"),
                           "course.yml": MINIMAL + "competencies: skills.yml\n"})
    assert any("course.yml:3" in m and "does not exist" in m for m in errors_of(root))


def test_an_outcome_may_only_name_known_competencies(tmp_path):
    root = make(tmp_path, {"modules/a/module.md": module("A"),
                           "course.yml": MINIMAL + "outcomes:\n  - {id: CO1, text: 'Explain x.', competencies: [C9]}\n"})
    found = errors_of(root)
    assert any("course.yml:4" in m and "C9" in m and "no competencies.yml" in m for m in found), found


# -- module.md --------------------------------------------------------------------------
def test_module_front_matter_and_overview(tmp_path):
    root = make(tmp_path, {
        "course.yml": MINIMAL + "outcomes: [{id: CO1, text: 'Explain x.'}]\nofferings: {a: {}, b: {}}\n",
        "modules/01-m/module.md": "---\ntitle: The module\nid: custom\noutcomes:\n"
                                  "  - {id: M1, text: 'List y.', supports: [CO1]}\n"
                                  "offerings: [a]\n---\nThe **overview**.\n",
    })
    course = read_course(root)
    only = course.modules[0]
    assert (only.id, only.title, only.offerings) == ("custom", "The module", ("a",))
    assert only.outcomes[0].supports == ("CO1",)
    assert only.outcomes[0].location.line == 5
    assert "<strong>overview</strong>" in only.overview.html
    assert only.folder == "modules/01-m" and only.location.path == "modules/01-m/module.md"


@pytest.mark.parametrize("content, line, says", [
    ("---\nid: x\n---\nbody\n", 2, "missing required key 'title'"),
    ("---\ntitle: A\noutcomes: [{id: M1, text: 'x', supports: [CO9]}]\n---\n", 3, "CO9"),
    ("---\ntitle: A\noutcome: []\n---\n", 3, "did you mean 'outcomes'"),
    ("---\ntitle: A\noutcomes: [M1]\n---\n", 3, "outcomes"),
    ("---\ntitle: A\nid: Not Valid\n---\n", 3, "module id 'Not Valid'"),
    ("just text\n", 1, "no front matter"),
    ("---\ntitle: A\n", 1, "closing '---'"),
    ("---\ntitle: [A\n---\n", 2, "YAML"),
])
def test_invalid_module_md_is_a_located_error(tmp_path, content, line, says):
    root = make(tmp_path, {"modules/01-m/module.md": content})
    found = errors_of(root)
    assert any(f"modules/01-m/module.md:{line}: error:" in m and says in m for m in found), found


def test_module_outcome_ids_must_be_unique_in_the_course(tmp_path):
    root = make(tmp_path, {
        "course.yml": MINIMAL + "outcomes: [{id: X1, text: 'Explain x.'}]\n",
        "modules/01-m/module.md": "---\ntitle: A\noutcomes: [{id: X1, text: 'List y.'}]\n---\n",
    })
    assert any("X1" in m and "also defined in course.yml" in m for m in errors_of(root))


def test_a_folder_in_modules_without_module_md_is_an_error(tmp_path):
    root = make(tmp_path, {"modules/01-m/01-p.md": page("P")})
    assert any("01-m" in m and "no module.md" in m for m in errors_of(root))


def test_no_modules_at_all_is_an_error(tmp_path):
    assert any("no modules/ folder" in m for m in errors_of(make(tmp_path, {})))


def test_the_warnings_come_back_with_the_course(tmp_path):
    root = make(tmp_path, {"modules/01-m/module.md": module("M"),
                           "modules/01-m/01-p.md": page("P", body="![](missing-alt.png)\n"),
                           "modules/01-m/missing-alt.png": b"png"})
    course, warnings = load_course(root)
    assert course.modules[0].items[0].body.assets == ("modules/m/missing-alt.png",)
    assert any("alternative text" in w.message and w.location.line == 4 for w in warnings)


def test_the_handmade_root_is_not_a_copy_of_the_full_root():
    full = Path(__file__).parent / "roots" / "full"
    ours = {p.relative_to(HANDMADE).as_posix() for p in HANDMADE.rglob("*") if p.is_file()}
    theirs = {p.relative_to(full).as_posix() for p in full.rglob("*") if p.is_file()}
    assert ours & theirs <= {"course.yml", "competencies.yml"}
    assert (HANDMADE / "course.yml").read_text() != (full / "course.yml").read_text()


def test_course_yml_mistakes_are_reported_even_when_a_module_has_errors(tmp_path):
    root = make(tmp_path, {
        "course.yml": MINIMAL + "outcomes: [{id: CO1, text: 'Explain x.', competencies: [C1]}]\n"
                                "grading: {groups: [{id: a, name: A, weight: 50}]}\n",
        "modules/01-a/module.md": module("A"),
        "modules/01-a/01-p.md": page("P", "colour: red\n"),
    })
    found = errors_of(root)
    assert any("01-p.md:3" in m and "colour" in m for m in found)
    assert any("course.yml:3" in m and "unknown competency 'C1'" in m for m in found)
    assert any("course.yml:4" in m and "add up to 50" in m for m in found)


def test_a_faulty_course_yml_key_does_not_hide_the_modules_mistakes(tmp_path):
    root = make(tmp_path, {
        "course.yml": "code: X-1\nlanguage: [en]\ncolour: red\n",
        "modules/01-a/module.md": module("A"),
        "modules/01-a/01-p.md": page("P", "type: quiz\n", "### Q\n- [ ] a\n- [ ] b\n"),
    })
    found = errors_of(root)
    assert any("course.yml:1" in m and "missing required key 'title'" in m for m in found), found
    assert any("course.yml:2" in m and "language" in m for m in found)
    assert any("course.yml:3" in m and "colour" in m for m in found)
    assert any("01-p.md:5" in m and "no correct answer" in m for m in found)
    assert len(found) == 4


def test_windows_line_ends_and_a_byte_order_mark_are_read_like_plain_utf8(tmp_path):
    root = make(tmp_path, {
        "course.yml": ("\ufefftitle: Caf\u00e9\r\ncode: C-1\r\n").encode("utf-8"),
        "modules/01-a/module.md": "\ufeff---\r\ntitle: A\r\n---\r\nOverview.\r\n".encode("utf-8"),
        "modules/01-a/01-p.md": "---\r\ntitle: P\r\n---\r\n[Broken](nowhere.png)\r\n".encode("utf-8"),
    })
    found = errors_of(root)
    assert any("01-p.md:4: error: broken link" in m for m in found), found
    (root / "modules/01-a/01-p.md").write_bytes(b"---\r\ntitle: P\r\n---\r\nFine.\r\n")
    course = read_course(root)
    assert course.title == "Caf\u00e9" and course.modules[0].title == "A"
    assert "\r" not in course.modules[0].items[0].body.html
