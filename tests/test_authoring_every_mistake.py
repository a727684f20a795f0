"""Every independent mistake in one run, each in words an author can act on (issue #13, item 4).

A course with one mistake in each of five files must give all five in one ``check``; a
mistake in one file must not hide another in the same file or in others, and must not
cause a second, misleading error elsewhere.
"""

from __future__ import annotations

import pytest

from authoring_support import edit, run, validated

WELCOME = "modules/01-welcome"
FOUNDATIONS = "modules/02-foundations"
PRACTICE = "modules/03-practice"


def _errors(root) -> list[str]:
    result = run("check", str(root))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return [line for line in result.output.splitlines() if ": error: " in line]


def test_five_mistakes_in_five_files_are_all_reported_in_one_check(copy_root, monkeypatch):
    root = copy_root("fidelity")
    edit(root / f"{FOUNDATIONS}/01-key-terms.md", "title: Key terms", "tittle: Key terms")        # schema
    edit(root / f"{PRACTICE}/01-plan.md", "outcomes: [M3.1]", "outcomes: [M3.9]")                # reference
    edit(root / f"{WELCOME}/02-introductions.md", "group: participation", "group: particpation")  # group
    edit(root / f"{FOUNDATIONS}/04-action-plan.md", "offerings: [certificate]", "offerings: [certifcate]")
    edit(root / f"{PRACTICE}/module.md", "the vocabulary to work", "the [vocabulary](../02-foundations/glossary.md) to work")
    monkeypatch.chdir(root)
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    found = {(d["file"], d["line"], d["code"]) for d in validated(result.stdout)["diagnostics"]
             if d["level"] == "error"}
    assert found == {
        (f"{FOUNDATIONS}/01-key-terms.md", 2, "unknown-key"),
        (f"{PRACTICE}/01-plan.md", 3, "unknown-outcome"),
        (f"{WELCOME}/02-introductions.md", 5, "unknown-group"),
        (f"{FOUNDATIONS}/04-action-plan.md", 8, "unknown-offering"),
        (f"{PRACTICE}/module.md", 8, "broken-link"),
    }


def test_a_misspelt_key_does_not_hide_a_broken_link_in_the_same_file(copy_root):
    root = copy_root("fidelity")
    page = root / f"{FOUNDATIONS}/01-key-terms.md"
    edit(page, "title: Key terms", "tittle: Key terms")
    page.write_text(page.read_text(encoding="utf-8") + "See [the glossary](glossary.md).\n", encoding="utf-8")
    errors = _errors(root)
    assert any("01-key-terms.md:2: error: page front matter: unknown key 'tittle'; did you mean 'title'?" in e
               for e in errors), errors
    assert any("01-key-terms.md:7: error: broken link: 'glossary.md' does not exist" in e for e in errors), errors
    # One mistake, one message: the key it resembles is not also reported missing.
    assert not any("missing required key 'title'" in e for e in errors), errors
    assert len(errors) == 2, errors


def test_a_wrong_value_does_not_hide_the_files_other_references(copy_root):
    root = copy_root("fidelity")
    plan = root / f"{FOUNDATIONS}/04-action-plan.md"
    edit(plan, "submission: [text, file]", "submission: [text, files]")
    edit(plan, "outcomes: [M2.2]", "outcomes: [M2.3]")
    errors = _errors(root)
    assert len(errors) == 2, errors
    assert any("04-action-plan.md:6: error:" in e and "submission item 2: 'files' is not one of: text, file, url; "
               "did you mean 'file'? For example: submission: [text, file]" in e for e in errors), errors
    assert any("04-action-plan.md:9: error: unknown outcome 'M2.3'" in e for e in errors), errors


def test_front_matter_that_is_not_yaml_still_has_its_body_and_the_other_files_checked(copy_root):
    root = copy_root("fidelity")
    page = root / f"{PRACTICE}/01-plan.md"
    edit(page, "title: Plan a programme", 'title: "Plan a programme')
    edit(page, "(../01-welcome/01-how-it-works.md#weekly-rhythm)", "(../01-welcome/01-how-it-work.md)")
    edit(root / f"{WELCOME}/01-how-it-works.md", "outcomes: [M1.1]", "outcomes: [M1.7]")
    errors = _errors(root)
    assert len(errors) == 3, errors
    # The unclosed quote is on line 2: reported there, not where the parser stopped.
    assert any("01-plan.md:2: error: YAML: the value quoted with \" on this line has no closing \"" in e
               for e in errors), errors
    assert any("01-plan.md:6: error: broken link: '../01-welcome/01-how-it-work.md' does not exist" in e
               and "did you mean '../01-welcome/01-how-it-works.md'?" in e for e in errors), errors
    assert any("01-how-it-works.md:3: error: unknown outcome 'M1.7'" in e for e in errors), errors


def test_a_module_md_that_is_not_yaml_still_has_its_items_checked_without_cascades(copy_root):
    root = copy_root("fidelity")
    edit(root / f"{FOUNDATIONS}/module.md", 'text: "Distinguish equity', 'text: "Distinguish equity"" from')
    edit(root / f"{FOUNDATIONS}/03-check.md", "### Equity and equality {outcomes=M2.1}",
         "### Equity and equality {outcomes=M2.1 points=two}")
    errors = _errors(root)
    assert len(errors) == 2, errors
    assert any("02-foundations/module.md:" in e and "YAML" in e for e in errors), errors
    assert any("03-check.md:12: error: points='two' is not a positive number" in e for e in errors), errors
    # M2.1 and M2.2, which module.md meant to define, are not reported unknown by its items or others.
    assert not any("unknown outcome" in e for e in errors), errors


def test_a_course_yml_that_is_not_yaml_still_has_its_modules_checked(copy_root):
    root = copy_root("fidelity")
    edit(root / "course.yml", "code: FIDELITY-1", "code: [FIDELITY-1")
    edit(root / f"{PRACTICE}/02-share.md", "Post your plan", "Post your [plan](plan.md)")
    errors = _errors(root)
    assert len(errors) == 2, errors
    assert any("course.yml:2: error: YAML: the list opened with [ on this line is not closed" in e
               for e in errors), errors
    assert any("02-share.md:8: error: broken link: 'plan.md' does not exist" in e for e in errors), errors


@pytest.mark.parametrize("key, old, new", [
    ("offerings", 'offerings:\n  mooc: {title_suffix: "(MOOC)"}\n  certificate: {title_suffix: "(Graduate certificate)"}',
     "offerings: [mooc, certificate]"),
    ("grading", "{id: participation, name: Participation, weight: 20}", "{id: participation, weight: 20}"),
    ("outcomes", '    text: "Analyze how library policies', '    txt: "Analyze how library policies'),
])
def test_a_faulty_course_yml_section_is_one_error_not_one_per_item_naming_it(copy_root, key, old, new):
    root = copy_root("fidelity")
    edit(root / "course.yml", old, new)
    errors = _errors(root)
    assert len(errors) == 1, errors
    assert "course.yml:" in errors[0] and key in errors[0], errors


def test_a_faulty_quiz_question_does_not_hide_the_other_questions_references(copy_root):
    root = copy_root("fidelity")
    quiz = root / f"{FOUNDATIONS}/03-check.md"
    edit(quiz, "### Inclusive practices {points=3}", "### Inclusive practices {points=3 type=multi}")
    edit(quiz, "### Equity and equality {outcomes=M2.1}", "### Equity and equality {outcomes=M2.7}")
    errors = _errors(root)
    assert len(errors) == 2, errors
    # type=multi on a question with two right choices: the type it meant, and no "essay" cascade.
    assert any("03-check.md:24: error: unknown question type 'multi'; did you mean type=multiple_answer?" in e
               for e in errors), errors
    assert any("03-check.md:12: error: unknown outcome 'M2.7'; did you mean 'M2." in e for e in errors), errors


# -- messages ------------------------------------------------------------------------------------
@pytest.mark.parametrize("file, old, new, says", [
    (f"{PRACTICE}/01-plan.md", "outcomes: [M3.1]", "outcomes: [M3.9]",
     "unknown outcome 'M3.9'; did you mean 'M3.1'? (the course defines: CO1, CO2, M1.1, M2.1, M2.2, M3.1)"),
    (f"{PRACTICE}/module.md", "supports: [CO2]", "supports: [CO3]",
     "module outcome M3.1 supports unknown course outcome 'CO3'; did you mean 'CO2'? (course.yml defines: CO1, CO2)"),
    ("course.yml", "competencies: [C2]", "competencies: [C9]", "names unknown competency 'C9'"),
    (f"{WELCOME}/02-introductions.md", "group: participation", "group: discussions",
     "unknown grading group 'discussions' (course.yml defines: assignments, participation, quizzes)"),
    (f"{FOUNDATIONS}/01-key-terms.md", "outcomes: [M2.1]", "outcomes: M2.1",
     "outcomes: should be a list, not 'M2.1'; for example: outcomes: [M2.1]"),
    (f"{FOUNDATIONS}/03-check.md", "attempts: 3", "attempts: many",
     "attempts: should be a whole number, not 'many'; for example: attempts: 3"),
    (f"{FOUNDATIONS}/03-check.md", "mastery: 70", "mastery: 170", "mastery: should be at most 100, not 170"),
    (f"{WELCOME}/05-draft-notes.md", "published: false", "published: maybe",
     "published: should be true or false, not 'maybe'; for example: published: false"),
    (f"{FOUNDATIONS}/04-action-plan.md", "  - {criterion: Writing, points: 4,", "  - {criterion: Writing,",
     "missing required key 'points' in rubric item 3; for example: points: 10"),
    ("course.yml", "start: 2027-01-11", "start: next monday",
     "start: 'next monday' should be a date written YYYY-MM-DD; for example: start: 2027-01-11"),
    (f"{WELCOME}/03-programme-site.md", "type: link", "type: lnk",
     "unknown item type 'lnk'; did you mean 'link'?"),
])
def test_messages_say_what_to_write(copy_root, file, old, new, says):
    root = copy_root("fidelity")
    edit(root / file, old, new)
    errors = _errors(root)
    assert any(file in e and says in e for e in errors), errors


def test_an_unknown_outcome_in_a_large_course_names_the_closest_ids(copy_root):
    from ilead_shell.reader.cross_references import unknown

    known = [f"M{m}.{n}" for m in range(1, 10) for n in range(1, 4)]
    message = unknown("outcome", "M4.7", known)
    assert message.startswith("unknown outcome 'M4.7'; did you mean 'M4.")
    assert "(the closest of 27: M4.3, M4.2, M4.1)" in message


# -- links to the course's assets/ --------------------------------------------------------------------
def test_assets_are_reached_as_slash_assets_from_any_module(copy_root, tmp_path):
    import zipfile

    root = copy_root("fidelity")
    share = root / f"{PRACTICE}/02-share.md"
    share.write_text(share.read_text(encoding="utf-8") + "\n![iLead logo](/assets/logo.png)\n", encoding="utf-8")
    result = run("build", str(root), "--target", "html", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    (bundle,) = (tmp_path / "out").iterdir()
    with zipfile.ZipFile(bundle) as archive:
        page = next(n for n in archive.namelist() if n.endswith("share.html") or "share" in n and n.endswith(".html"))
        html = archive.read(page).decode("utf-8")
    assert 'alt="iLead logo"' in html and 'src="/assets/logo.png"' not in html
    assert 'media/assets/logo.png"' in html  # the bundle's copy


def test_assets_written_without_the_slash_get_a_hint(copy_root):
    root = copy_root("fidelity")
    share = root / f"{PRACTICE}/02-share.md"
    share.write_text(share.read_text(encoding="utf-8") + "\n![iLead logo](assets/logo.png)\n", encoding="utf-8")
    (error,) = _errors(root)
    assert "02-share.md:10: error: broken link: 'assets/logo.png' does not exist" in error
    assert "written '/assets/logo.png' from any module (or '../../assets/logo.png' from a module in modules/)" in error


def test_slash_assets_cannot_leave_the_assets_folder(copy_root):
    root = copy_root("fidelity")
    share = root / f"{PRACTICE}/02-share.md"
    share.write_text(share.read_text(encoding="utf-8") + "\n[x](/assets/../course.yml)\n", encoding="utf-8")
    (error,) = _errors(root)
    assert "02-share.md:10: error: broken link:" in error and "outside the module folder and assets/" in error


def test_checks_that_judge_each_part_run_beside_the_errors_and_the_others_are_named(copy_root):
    root = copy_root("fidelity")
    edit(root / f"{PRACTICE}/module.md", 'text: "Plan one inclusive', 'text: "Understand one inclusive')
    edit(root / f"{PRACTICE}/03-final-check.md", "- [x] The community's own needs", "- [ ] The community's own needs")
    # The two items that assess M2.2 do not read: the whole-course outcome check would call it unassessed.
    edit(root / f"{PRACTICE}/02-share.md", "type: discussion", "type: discusion")
    edit(root / f"{FOUNDATIONS}/04-action-plan.md", "type: assignment", "type: asignment")
    result = run("check", str(root))
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    lines = result.output.splitlines()
    assert any(f"{PRACTICE}/03-final-check.md:7: error: question has no correct answer" in line for line in lines)
    # Advisory and per-part families speak now, not only after the error is fixed.
    assert any(f"{PRACTICE}/module.md:4: warning: outcome M3.1 starts with 'understand'" in line
               for line in lines), result.output
    assert any("[quiz-quality]" in line and "Count the branches" in line for line in lines), result.output
    # Those weighing the whole course wait (the faulty question would look like missing coverage).
    assert lines[-2:] == ["4 check families run in full once the errors are fixed: content, outcomes, references, workload",
                          "3 errors; nothing was written."]
    assert not [line for line in lines if "is not assessed" in line or "has no items" in line]

    as_json = validated(run("check", str(root), "--format", "json").stdout)
    assert as_json["checks_waiting"] == ["content", "outcomes", "references", "workload"]
    assert {d["check"] for d in as_json["diagnostics"] if d["level"] == "warning"} >= {"outcomes", "quiz-quality"}
