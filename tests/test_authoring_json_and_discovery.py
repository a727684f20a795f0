"""Machine-readable results for CI, stable codes, exit status, and finding the course from
where the author stands (issue #13, items 3 and 6)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from authoring_support import DOCS, edit, run, validated
from ilead_shell.diagnostic_codes import CODES, code_of
from ilead_shell.errors import Diagnostic, Level, error, warning

ROOTS = Path(__file__).parent / "roots"


# -- check --format json ------------------------------------------------------------------------------
def test_check_json_of_a_clean_course_validates_and_counts(copy_root, monkeypatch):
    root = copy_root("fidelity")
    monkeypatch.chdir(root)
    result = run("check", "--format", "json")
    assert result.exit_code == 0, result.output
    document = validated(result.stdout)
    assert document["ok"] is True and document["command"] == "check"
    assert document["course"]["code"] == "FIDELITY-1" and document["course"]["counts"]["modules"] == 3
    assert document["summary"]["errors"] == 0
    assert all(d["level"] == "warning" and d["code"] in CODES for d in document["diagnostics"])


def test_check_json_of_a_broken_course_exits_1_with_each_error(copy_root, monkeypatch):
    root = copy_root("fidelity")
    edit(root / "modules/03-practice/01-plan.md", "outcomes: [M3.1]", "outcomes: [M3.9]")
    monkeypatch.chdir(root)
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    document = validated(result.stdout)
    assert document["ok"] is False and document["course"] is None and document["summary"]["errors"] == 1
    (found,) = [d for d in document["diagnostics"] if d["level"] == "error"]
    assert found == {"level": "error", "code": "unknown-outcome", "file": "modules/03-practice/01-plan.md",
                     "line": 3, "message": found["message"], "check": None}
    assert found["message"].startswith("unknown outcome 'M3.9'")


def test_check_json_with_no_course_is_a_json_document_too(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    (found,) = validated(result.stdout)["diagnostics"]
    assert found["code"] == "source-missing" and found["file"] is None


def test_check_strict_json_keeps_the_warnings_codes(copy_root, monkeypatch):
    root = copy_root("fidelity")
    page = root / "modules/03-practice/02-share.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n![](../../assets/logo.png)\n", encoding="utf-8")
    monkeypatch.chdir(root)
    plain = validated(run("check", "--format", "json").stdout)
    assert any(d["code"] == "missing-alt-text" and d["level"] == "warning" for d in plain["diagnostics"])
    strict = run("check", "--strict", "--format", "json")
    assert strict.exit_code == 1
    assert any(d["code"] == "missing-alt-text" and d["level"] == "error" and d["message"].endswith("[--strict]")
               for d in validated(strict.stdout)["diagnostics"])


# -- build --format json -------------------------------------------------------------------------------
def test_build_json_lists_every_bundle(copy_root, tmp_path, monkeypatch):
    root = copy_root("fidelity")
    monkeypatch.chdir(root)
    result = run("build", "--target", "html,scorm12", "--offering", "all", "--out", str(tmp_path / "out"),
                 "--format", "json")
    assert result.exit_code == 0, result.output
    document = validated(result.stdout)
    assert document["ok"] and document["command"] == "build"
    bundles = document["bundles"]
    assert [(b["target"], b["offering"]) for b in bundles] == [
        ("html", "mooc"), ("scorm12", "mooc"), ("html", "certificate"), ("scorm12", "certificate")]
    for bundle in bundles:
        path = Path(bundle["path"])
        assert path.is_file() and path.stat().st_size == bundle["size"]
        assert bundle["counts"]["modules"] == 3
    assert any(n["code"] == "target-note" for b in bundles for n in b["notes"])


def test_build_json_of_a_broken_course_writes_nothing(copy_root, tmp_path, monkeypatch):
    root = copy_root("fidelity")
    edit(root / "modules/03-practice/01-plan.md", "outcomes: [M3.1]", "outcomes: [M3.9]")
    monkeypatch.chdir(root)
    result = run("build", "--out", str(tmp_path / "out"), "--format", "json")
    assert result.exit_code == 1
    document = validated(result.stdout)
    assert document["bundles"] == [] and [d["code"] for d in document["diagnostics"]
                                          if d["level"] == "error"] == ["unknown-outcome"]
    # The per-part checks ran beside the error (docs/diagnostics.md, every mistake in one run).
    assert {d["check"] for d in document["diagnostics"] if d["level"] == "warning"} == {"quiz-quality"}
    assert document["checks_waiting"] == ["content", "outcomes", "references", "workload"]
    assert not (tmp_path / "out").exists()


def test_build_json_of_an_unknown_target_exits_2(copy_root, tmp_path, monkeypatch):
    monkeypatch.chdir(copy_root("fidelity"))
    result = run("build", "--target", "canvass", "--out", str(tmp_path / "out"), "--format", "json")
    assert result.exit_code == 2
    (found,) = validated(result.stdout)["diagnostics"]
    assert found["code"] == "unknown-target" and "canvas" in found["message"]


# -- codes ---------------------------------------------------------------------------------------------
# Published codes are a contract: a test fails when one changes (the messages may be reworded).
PINNED = [
    (error("page front matter: unknown key 'tittle'; did you mean 'title'?", "x.md", 2, code="unknown-key"),
     "unknown-key"),
    (error("YAML: the value quoted with \" on this line has no closing \"", "x.md", 2), "yaml-syntax"),
    (error("YAML: key 'title' is written twice in one mapping; only one would be kept", "x.md", 3),
     "yaml-duplicate-key"),
    (error("broken link: 'nope.md' does not exist (looked for /x/nope.md)", "x.md", 4), "broken-link"),
    (error("unknown question type 'multi'; did you mean type=multiple_answer?", "x.md", 9), "quiz-syntax"),
    (error("an essay question takes no choices or '=' answers", "x.md", 9), "quiz-syntax"),
    (error("module folder 'x' does not exist (looked for /c/modules/x)", "course.yml", 3), "modules-list"),
    (error("item id 'a' is also the id of modules/m/01-a.md; rename a file", "x.md", 1), "duplicate-id"),
    (error("captions: 'talk.srt' should be a .vtt file", "x.md", 5), "file-reference"),
    (error("this is a binary file (it holds a NUL byte), not UTF-8 text", "x.md", 1), "file-not-text"),
    (error("checks: 'quiz-qualty' is not a check; did you mean 'quiz-quality'?", "course.yml", 30), "check-config"),
    (error("exporters.olx: 'org': Input should be a valid string", "course.yml", 40), "exporter-options"),
    (warning("image has no alternative text; write ![what it shows](path) (WCAG 1.1.1)", "x.md", 7),
     "missing-alt-text"),
    (warning("link text 'here' does not say where the link goes; describe the target (WCAG 2.4.4)", "x.md", 7),
     "vague-link-text"),
    (warning("in offering 'mooc', the link to item 'm/a' is plain text: ...", "x.md", 7), "offering-link"),
    (Diagnostic(Level.WARNING, "page 'x' says 'click': ...", None, check="accessibility"), "accessibility"),
    (Diagnostic(Level.NOTE, "Open edX does not grade discussions"), "target-note"),
    (error("grading group weights add up to 90, not 100", "course.yml", 20), "grading"),
    (error("a video needs exactly one of 'url' or 'path'", "x.md", 2), "video"),
]


@pytest.mark.parametrize("diagnostic, code", PINNED, ids=[c for _, c in PINNED])
def test_codes_are_pinned(diagnostic, code):
    assert code_of(diagnostic) == code


def test_every_code_is_documented_and_every_documented_code_exists():
    text = (DOCS / "diagnostics.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([a-z0-9-]+)` \|", text, re.MULTILINE))
    assert documented == set(CODES)
    schema_pattern = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
    assert all(schema_pattern.match(code) for code in CODES)


def test_every_malformed_variant_has_a_specific_code(tmp_path):
    """The 80 malformed courses of test_malformed: each error has a code of its own kind, never the
    catch-all 'source-error' (which would mean a message no rule knows)."""
    import test_malformed
    from ilead_shell.errors import CourseError
    from ilead_shell.pipeline import read_and_check

    generic = []
    for variant in test_malformed.VARIANTS:
        target = tmp_path / variant.name / "src"
        shutil.copytree(test_malformed.ROOT, target, symlinks=True)
        variant.edit(target)
        try:
            read_and_check(target)
        except CourseError as exc:
            generic += [f"{variant.name}: {d.message}" for d in exc.diagnostics
                        if d.is_error and code_of(d) in ("source-error", "source-warning")]
    assert not generic, "\n".join(generic)


def test_mistakes_in_references_rubric_levels_and_effort_have_codes_of_their_own(tmp_path):
    """The references, rubric-level and effort keys: each mistake gets its own code, not the catch-all."""
    from course_tree import write_tree
    from ilead_shell.errors import CourseError
    from ilead_shell.reader import read_course

    root = write_tree(tmp_path / "src", {
        "course.yml": "title: T\ncode: T-1\n",
        "references.yml": "references:\n  - {id: w1, type: poem, title: X, issued: 2020}\n"
                          "  - {id: w2, type: webpage, title: Y, issued: 2021}\n",
        "modules/01-a/module.md": "---\ntitle: A\n---\nOverview.\n",
        "modules/01-a/01-p.md": "---\ntitle: P\nreadings: [{note: only a note}]\neffort: a while\n---\nAs [@nobody] says.\n",
        "modules/01-a/02-task.md": "---\ntitle: Task\ntype: assignment\npoints: 10\nrubric:\n"
                                   "  - criterion: Evidence\n    points: 10\n    levels:\n"
                                   "      - {label: Only, points: 10}\n---\nDo it.\n",
    })
    with pytest.raises(CourseError) as caught:
        read_course(root)
    codes = {code_of(d): d.message for d in caught.value.diagnostics if d.is_error}
    assert {"reference-entry", "unknown-reference", "readings", "effort", "rubric-levels"} <= set(codes), codes
    assert "source-error" not in codes, codes


# -- exit status is documented as the commands give it ------------------------------------------------------
def test_exit_status_table_in_the_docs_matches_the_commands(copy_root, tmp_path, monkeypatch):
    text = (DOCS / "diagnostics.md").read_text(encoding="utf-8")
    for status in ("| 0 |", "| 1 |", "| 2 |", "| 128 + N |"):
        assert status in text
    root = copy_root("fidelity")
    monkeypatch.chdir(root)
    assert run("check").exit_code == 0
    assert run("build", "--target", "nope", "--out", str(tmp_path / "o")).exit_code == 2
    assert run("check", "--format", "yaml").exit_code == 2
    edit(root / "course.yml", "code: FIDELITY-1", "code: FIDELITY 1")
    assert run("check").exit_code == 1


# -- SOURCE discovery -----------------------------------------------------------------------------------------
def test_a_command_inside_a_course_finds_it_from_any_folder_below(copy_root, monkeypatch):
    root = copy_root("fidelity")
    monkeypatch.chdir(root / "modules" / "02-foundations" / "media")
    result = run("check", "--format", "json")
    assert result.exit_code == 0, result.output
    document = validated(result.stdout)
    assert Path(document["source"]).resolve() == root.resolve() and document["course"]["code"] == "FIDELITY-1"


def test_the_nearest_course_wins(copy_root, monkeypatch):
    outer = copy_root("fidelity")
    inner = outer / "drafts" / "mini"
    shutil.copytree(ROOTS / "handmade", inner)
    monkeypatch.chdir(inner / "modules")
    document = validated(run("check", "--format", "json").stdout)
    assert document["course"]["code"] == "ODL-201"  # the handmade course, not the fidelity one around it


def test_without_course_yml_above_course_source_is_used(tmp_path, monkeypatch):
    shutil.copytree(ROOTS / "fidelity", tmp_path / "course_source")
    monkeypatch.chdir(tmp_path)
    document = validated(run("check", "--format", "json").stdout)
    assert document["source"] == "course_source" and document["course"]["code"] == "FIDELITY-1"


def test_every_command_that_takes_source_discovers_it(copy_root, tmp_path, monkeypatch):
    root = copy_root("fidelity")
    monkeypatch.chdir(root / "modules")
    assert "FIDELITY-1" in run("check").output
    assert json.loads(run("dump-model").stdout)["code"] == "FIDELITY-1"
    assert "Curriculum outline" in run("outline", "--format", "md").output
    result = run("build", "--target", "html", "--out", str(tmp_path / "out"))
    assert result.exit_code == 0 and (tmp_path / "out" / "FIDELITY-1-html-mooc.zip").is_file()
