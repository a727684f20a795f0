"""`import --module` brings one module of a cartridge into an existing course, listed in course.yml."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from ilead_shell.cli import main
from ilead_shell.pipeline import build, read_and_check

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    """The iLead course as Canvas exports it, built once for every test here."""
    results, _ = build(ROOT / "course_source", "canvas", tmp_path_factory.mktemp("bundles"))
    return results[0].path


def test_one_module_joins_an_existing_course_and_is_listed(tmp_path, bundle):
    course = tmp_path / "fidelity"
    shutil.copytree(ROOT / "tests" / "roots" / "fidelity", course)
    before = (course / "course.yml").read_text()
    result = CliRunner().invoke(main, ["import", str(bundle), "--module", "3", "--out", str(course)])
    assert result.exit_code == 0, result.output
    listed = yaml.safe_load((course / "course.yml").read_text())["modules"]
    assert listed == ["01-welcome", "02-foundations", "03-practice", "04-edi-foundations"]
    assert (course / "course.yml").read_text().startswith(before.rstrip("\n"))  # the author's text is kept
    model, findings = read_and_check(course)
    assert not [f for f in findings if f.is_error]
    module = model.module("edi-foundations")
    assert module is not None and module.items and module.outcomes
    assert any(i.type == "quiz" and i.questions for i in module.items)
    # Its outcomes supported the other course's outcomes: kept only where this course has them.
    assert all(s in {"CO1", "CO2"} for o in module.outcomes for s in o.supports)
    build(course, "all", tmp_path / "out")


def test_a_module_list_in_flow_style_is_extended(tmp_path, bundle):
    course = tmp_path / "fidelity"
    shutil.copytree(ROOT / "tests" / "roots" / "fidelity", course)
    with (course / "course.yml").open("a") as handle:
        handle.write("modules: [01-welcome, 02-foundations]  # the practice module is not taught yet\n")
    result = CliRunner().invoke(main, ["import", str(bundle), "--module", "foundations of equity, "
                                       "diversity, and inclusion", "--out", str(course)])
    assert result.exit_code == 0, result.output
    text = (course / "course.yml").read_text()
    assert "# the practice module is not taught yet" in text
    assert yaml.safe_load(text)["modules"] == ["01-welcome", "02-foundations", "04-edi-foundations"]


def test_clashing_module_and_outcome_ids_are_renamed(tmp_path, bundle):
    course = tmp_path / "again"
    shutil.copytree(ROOT / "course_source", course)
    result = CliRunner().invoke(main, ["import", str(bundle), "--module", "1", "--out", str(course)])
    assert result.exit_code == 0, result.output
    model, _ = read_and_check(course)
    added = model.modules[-1]
    assert added.id == "orientation-2"
    assert all(o.id.endswith("-2") for o in added.outcomes)
    assert "module outcome" in result.output and "is M1.1-2" in result.output


def test_an_unknown_module_or_a_missing_course_changes_nothing(tmp_path, bundle):
    course = tmp_path / "fidelity"
    shutil.copytree(ROOT / "tests" / "roots" / "fidelity", course)
    before = {p: p.read_bytes() for p in course.rglob("*") if p.is_file()}
    result = CliRunner().invoke(main, ["import", str(bundle), "--module", "Astronomy", "--out", str(course)])
    assert result.exit_code == 1 and "no module 'Astronomy'" in result.output and "1: Orientation" in result.output
    assert {p: p.read_bytes() for p in course.rglob("*") if p.is_file()} == before
    result = CliRunner().invoke(main, ["import", str(bundle), "--module", "1", "--out", str(tmp_path / "nothing")])
    assert result.exit_code == 1 and "no course.yml" in result.output


def _lines(output: str, after: str) -> list[str]:
    """The indented lines that follow the line holding ``after``."""
    lines = output.split("\n")
    start = next(i for i, line in enumerate(lines) if after in line) + 1
    found = []
    for line in lines[start:]:
        if not line.startswith("    "):
            break
        found.append(line)
    return found


def test_inside_a_course_the_module_joins_it_and_every_difference_is_listed(tmp_path, bundle, monkeypatch):
    course = tmp_path / "fidelity"
    shutil.copytree(ROOT / "tests" / "roots" / "fidelity", course)
    monkeypatch.chdir(course / "modules")  # where 'new module' and 'check' find the course too
    result = CliRunner().invoke(main, ["import", str(bundle), "--module", "1"])
    assert result.exit_code == 0, result.output
    assert yaml.safe_load((course / "course.yml").read_text())["modules"][-1] == "04-orientation"
    assert "course.yml: added a modules: list naming the 3 modules it had, then 04-orientation" in result.output
    assert ": 1 module, " in result.output and "1 modules" not in result.output
    # The count and the lines agree, and only what concerns this module (not the archive's others).
    count = int(result.output.split(" things imported differently")[0].split()[-1])
    listed = _lines(result.output, "imported differently or not at all:")
    assert len(listed) == count, result.output
    assert not [line for line in listed if "rubric criterion" in line], listed


def test_importing_a_module_again_says_which_folder_and_why(tmp_path, bundle):
    course = tmp_path / "fidelity"
    shutil.copytree(ROOT / "tests" / "roots" / "fidelity", course)
    first = CliRunner().invoke(main, ["import", str(bundle), "--module", "1", "--out", str(course)])
    again = CliRunner().invoke(main, ["import", str(bundle), "--module", "1", "--out", str(course)])
    assert first.exit_code == again.exit_code == 0, again.output
    assert "modules/05-orientation-2" in again.output
    assert "the course already has a module 'orientation' (modules/04-orientation), so this one is " \
           "'orientation-2'" in again.output
    assert "course.yml: added 05-orientation-2 to modules:" in again.output
