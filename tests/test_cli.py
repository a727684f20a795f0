"""The command line: exit codes, messages, output names and summaries."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from click.testing import CliRunner

import ilead_shell.registry as registry_module
from ilead_shell import __version__
from ilead_shell.cli import main
from ilead_shell.registry import GROUP

HANDMADE = Path(__file__).parent / "roots" / "handmade"

FAKE = '''
from ilead_shell.exporter_api import Bundle, Exporter


class Zip(Exporter):
    name = "zipper"
    description = "Zip test target"

    def build_bundle(self, course):
        bundle = Bundle()
        bundle.add_text("index.txt", course.display_title)
        for asset in course.assets:
            bundle.add_file(asset.bundle_path, course.asset_source(asset))
        bundle.counts = {"pages": 1}
        return bundle


class Tar(Zip):
    name = "tarrer"
    description = "Tar test target"
    format = "tar.gz"
    suffix = "tar.gz"

    def build_bundle(self, course):
        bundle = super().build_bundle(course)
        bundle.format = "tar.gz"
        bundle.warn("a warning from the exporter")
        bundle.note("a note on what this format cannot hold")
        return bundle
'''


@pytest.fixture
def fake_targets(install_targets):
    """Replace the installed targets with two small test exporters (and one alias)."""
    install_targets("fake_cli_targets", FAKE, {"zipper": "Zip", "zip": "Zip", "tarrer": "Tar"})


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """A working folder holding the handmade course as ./course_source."""
    shutil.copytree(HANDMADE, tmp_path / "course_source")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(main, list(args))


# -- targets ---------------------------------------------------------------------------------
def test_targets_lists_every_installed_target_even_broken_ones():
    result = run("targets")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.splitlines()]
    aliases = [a for found in re.findall(r"\(alias: ([^)]+)\)$", result.output, re.MULTILINE)
               for a in found.split(", ")]
    assert set(listed) | set(aliases) >= {"html", "cc", "canvas", "moodle", "brightspace", "blackboard",
                                          "edx", "olx", "scorm", "scorm12"}
    assert listed == sorted(listed)


def test_targets_shows_descriptions_and_aliases(fake_targets):
    result = run("targets")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "tarrer       Tar test target",
        "zipper       Zip test target (alias: zip)",
    ]


# -- check -----------------------------------------------------------------------------------
def test_check_prints_a_summary_and_exits_0(workdir):
    result = run("check")
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("ODL-201: 3 modules, 9 items, 6 questions, 5 files; 0 warnings")


def test_check_reports_errors_with_location_and_exits_1(workdir):
    page = workdir / "course_source/modules/01-orientation/01-start-here.md"
    page.write_text(page.read_text().replace("(02-say-hello.md#prompt)", "(02-say-bye.md)"))
    result = run("check", "course_source")
    assert result.exit_code == 1
    assert "course_source/modules/01-orientation/01-start-here.md:7: error: broken link: '02-say-bye.md'" in result.output
    assert result.output.rstrip().endswith("1 error; nothing was written.")
    assert "Traceback" not in result.output


def test_check_strict_turns_warnings_into_errors(workdir):
    page = workdir / "course_source/modules/01-orientation/01-start-here.md"
    page.write_text(page.read_text().replace("![Flow of data, again]", "![]"))
    relaxed = run("check")
    assert relaxed.exit_code == 0
    assert "01-start-here.md:9: warning: image has no alternative text" in relaxed.output
    assert "1 warning" in relaxed.output
    strict = run("check", "--strict")
    assert strict.exit_code == 1
    assert "01-start-here.md:9: error: image has no alternative text" in strict.output
    assert "[--strict]" in strict.output


def test_a_missing_source_is_an_error_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for command in (["check"], ["dump-model"], ["build", "--target", "html"], ["outline"]):
        result = run(*command)
        assert result.exit_code == 1, command
        # Says where it looked and how to name a course or start one.
        assert f"no course.yml in {tmp_path} or any folder above it, and no ./course_source" in result.output
        assert "ilead-shell check path/to/course" in result.output and "ilead-shell new course" in result.output
        assert isinstance(result.exception, SystemExit)
    assert not (tmp_path / "build").exists()


def test_a_named_source_that_does_not_exist_says_how_to_name_one(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("check", "my-cours")
    assert result.exit_code == 1
    assert "course source 'my-cours' does not exist; name the folder that holds the course.yml" in result.output


def test_a_file_as_source_is_an_error(tmp_path):
    (tmp_path / "course.yml").write_text("title: x\n")
    result = run("check", str(tmp_path / "course.yml"))
    assert result.exit_code == 1 and "is not a folder" in result.output


# -- dump-model ------------------------------------------------------------------------------------
def test_dump_model_prints_sorted_json_of_the_whole_course(workdir):
    result = run("dump-model")
    assert result.exit_code == 0
    model = json.loads(result.stdout)
    assert list(model) == sorted(model)
    assert model["code"] == "ODL-201" and "root" not in model
    items = [i["id"] for m in model["modules"] for i in m["items"]]
    assert "project" in items  # the certificate-only assignment is in the whole course
    assert model["modules"][0]["items"][0]["location"] == {"path": "modules/01-orientation/01-start-here.md", "line": 1}


def test_dump_model_for_one_offering(workdir):
    mooc = json.loads(run("dump-model", "--offering", "mooc").stdout)
    certificate = json.loads(run("dump-model", "--offering", "certificate").stdout)
    assert mooc["offering"] == "mooc" and certificate["offering"] == "certificate"
    assert "project" not in [i["id"] for m in mooc["modules"] for i in m["items"]]
    project = next(i for m in certificate["modules"] for i in m["items"] if i["id"] == "project")
    # Week 2 of the certificate offering, which starts on 2027-04-05.
    assert project["due"] == "2027-04-18"


def test_dump_model_unknown_offering_exits_1(workdir):
    result = run("dump-model", "--offering", "weekend")
    assert result.exit_code == 1
    assert "unknown offering 'weekend'; the course defines: mooc, certificate" in result.output


# -- build -----------------------------------------------------------------------------------------
def test_unknown_target_exits_2_and_lists_the_targets(workdir):
    result = run("build", "--target", "pdf")
    assert result.exit_code == 2
    assert "error: unknown target 'pdf'. Available targets: " in result.output
    for name in ("html", "cc", "canvas", "scorm", "edx"):
        assert name in result.output.split("Available targets: ")[1]
    assert not (workdir / "build").exists()


def test_build_defaults_to_course_source_build_and_the_default_offering(workdir, fake_targets):
    result = run("build", "--target", "zipper")
    assert result.exit_code == 0, result.output
    out = workdir / "build"
    assert sorted(p.name for p in out.iterdir()) == ["ODL-201-zipper-mooc.zip"]
    with zipfile.ZipFile(out / "ODL-201-zipper-mooc.zip") as archive:
        assert archive.read("index.txt") == b"Open Data Literacy for Librarians (open course)"
    (line,) = result.stdout.splitlines()
    assert re.fullmatch(r"build/ODL-201-zipper-mooc\.zip  [\d.]+ (B|KB)  1 page", line)  # not "1 pages"


def test_build_several_targets_and_offerings_with_progress(workdir, fake_targets):
    result = run("build", "course_source", "--target", "zipper,tarrer,zip", "--offering", "all", "--out", "dist")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (workdir / "dist").iterdir()) == [
        "ODL-201-tarrer-certificate.tar.gz", "ODL-201-tarrer-mooc.tar.gz",
        "ODL-201-zipper-certificate.zip", "ODL-201-zipper-mooc.zip"]
    progress = [l for l in result.output.splitlines() if l.startswith("[")]
    assert progress == ["[1/4] building zipper (mooc)", "[2/4] building tarrer (mooc)",
                        "[3/4] building zipper (certificate)", "[4/4] building tarrer (certificate)"]
    summaries = [l for l in result.stdout.splitlines() if l.startswith("dist/")]
    assert len(summaries) == 4
    assert "warning: a warning from the exporter" in result.output


def test_build_all_targets(workdir, fake_targets):
    result = run("build", "--target", "all", "--out", "out")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (workdir / "out").iterdir()) == [
        "ODL-201-tarrer-mooc.tar.gz", "ODL-201-zipper-mooc.zip"]


def test_a_course_without_offerings_has_no_offering_in_file_names(workdir, fake_targets):
    yml = workdir / "course_source/course.yml"
    text = yml.read_text()
    text = re.sub(r"offerings:\n(  .*\n)+default_offering: mooc\n", "", text)
    yml.write_text(text)
    project = workdir / "course_source/modules/02-cleaning/04-project.md"
    project.write_text(project.read_text().replace("offerings: [certificate]\n", ""))
    module = workdir / "course_source/modules/02-cleaning/module.md"
    module.write_text(module.read_text().replace("offerings: [mooc, certificate]\n", ""))
    result = run("build", "--target", "zipper", "-q")
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert [p.name for p in (workdir / "build").iterdir()] == ["ODL-201-zipper.zip"]


def test_build_with_strict_fails_on_an_exporter_warning_and_writes_nothing(workdir, fake_targets):
    result = run("build", "--target", "tarrer", "--strict")
    assert result.exit_code == 1
    assert "tarrer: a warning from the exporter [--strict]" in result.output
    assert not (workdir / "build").exists()


def test_notes_are_counted_by_default_listed_with_verbose_and_never_fatal(workdir, fake_targets):
    quiet_about_notes = run("build", "--target", "tarrer", "--out", "a")
    assert quiet_about_notes.exit_code == 0, quiet_about_notes.output
    assert "1 note on what tarrer simplified (--verbose lists them)" in quiet_about_notes.output
    assert "a note on what this format cannot hold" not in quiet_about_notes.output

    verbose = run("build", "--target", "tarrer", "--out", "b", "--verbose")
    assert "note: tarrer: a note on what this format cannot hold" in verbose.output

    strict = run("build", "--target", "tarrer", "--out", "c", "--strict")
    assert "a note on what this format cannot hold" not in strict.output  # only the warning fails it
    assert "tarrer: a warning from the exporter [--strict]" in strict.output


def test_build_unknown_offering_exits_1_and_writes_nothing(workdir, fake_targets):
    result = run("build", "--target", "zipper", "--offering", "mooc,weekend")
    assert result.exit_code == 1
    assert "unknown offering 'weekend'" in result.output
    assert not (workdir / "build").exists()


def test_a_second_build_replaces_the_bundle_with_identical_bytes(workdir, fake_targets):
    assert run("build", "--target", "zipper,tarrer").exit_code == 0
    first = {p.name: p.read_bytes() for p in (workdir / "build").iterdir()}
    assert run("build", "--target", "zipper,tarrer").exit_code == 0
    second = {p.name: p.read_bytes() for p in (workdir / "build").iterdir()}
    assert first == second and len(first) == 2


def test_out_must_not_be_a_file(workdir, fake_targets):
    (workdir / "taken").write_text("x")
    result = run("build", "--target", "zipper", "--out", "taken")
    assert result.exit_code == 2 and "taken" in result.output
    assert (workdir / "taken").read_text() == "x"


# -- the real executable -----------------------------------------------------------------------------
def test_python_dash_m_runs_the_cli():
    done = subprocess.run([sys.executable, "-m", "ilead_shell", "--version"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == f"ilead-shell, version {__version__}"


def test_the_console_script_reports_an_unknown_target_with_exit_2(tmp_path):
    script = Path(sys.executable).with_name("ilead-shell")
    if not script.exists():
        pytest.skip("console script not installed")
    done = subprocess.run([str(script), "build", str(HANDMADE), "--target", "nope", "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "Available targets:" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "o").exists()


def test_a_link_to_an_item_outside_the_offering_is_a_warning_and_strict_refuses_it(workdir, fake_targets):
    page = workdir / "course_source/modules/02-cleaning/01-tidy-data.md"
    page.write_text(page.read_text() + "\nThe certificate has a [project](04-project.md).\n")
    line = page.read_text().split("\n").index("The certificate has a [project](04-project.md).") + 1
    relaxed = run("build", "--target", "zipper", "--offering", "all")
    assert relaxed.exit_code == 0, relaxed.output
    assert (f"course_source/modules/02-cleaning/01-tidy-data.md:{line}: warning: in offering 'mooc', the link to item "
            "'cleaning/project' is plain text") in relaxed.output
    assert "in offering 'certificate'" not in relaxed.output
    strict = run("build", "--target", "zipper", "--strict", "--out", "strict")
    assert strict.exit_code == 1 and "[--strict]" in strict.output
    assert not (workdir / "strict").exists()


@pytest.mark.parametrize("target", ["html", "cc", "canvas", "moodle", "brightspace", "blackboard", "scorm12", "edx"])
def test_every_target_builds_the_handmade_course_byte_identically(tmp_path, monkeypatch, target):
    """Same source in another folder, with other file times: the same bytes."""
    import os
    first, second = tmp_path / "a" / "course_source", tmp_path / "elsewhere" / "renamed"
    shutil.copytree(HANDMADE, first)
    shutil.copytree(HANDMADE, second)
    for path in second.rglob("*"):
        os.utime(path, (2_000_000_000, 2_000_000_000))
    monkeypatch.chdir(tmp_path)
    built = []
    for source, out in ((first, "out1"), (second, "out2")):
        result = run("build", str(source), "--target", target, "--offering", "all", "--out", out, "-q")
        assert result.exit_code == 0, result.output
        built.append({p.name: p.read_bytes() for p in (tmp_path / out).iterdir()})
    assert built[0] == built[1]
    assert len(built[0]) == 2  # mooc and certificate


def test_a_broken_target_is_listed_as_unavailable_and_fails_only_when_chosen(workdir, fake_targets, monkeypatch):
    found = registry_module.entry_points(group=GROUP) + [EntryPoint("broken", "no_such_module:Thing", GROUP)]
    monkeypatch.setattr(registry_module, "entry_points", lambda group: found)
    listing = run("targets")
    assert listing.exit_code == 0
    assert any(line.startswith("broken       (unavailable: target 'broken' could not be loaded")
               for line in listing.output.splitlines())
    assert run("build", "--target", "zipper", "--out", "ok").exit_code == 0
    chosen = run("build", "--target", "zipper,broken", "--out", "bad")
    assert chosen.exit_code == 1 and "ModuleNotFoundError" in chosen.output and "Traceback" not in chosen.output
    assert not (workdir / "bad").exists()


# -- start-up: what the quick commands load -----------------------------------------------------
HEAVY = ("lxml", "pydantic", "markdown", "jinja2", "yaml", "ilead_html", "ilead_cc", "ilead_scorm12", "ilead_olx",
         "ilead_shell.pipeline", "ilead_shell.model")


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["targets"], ["build", "--help"], ["check", "--help"]])
def test_quick_commands_load_neither_lxml_nor_pydantic_nor_any_exporter(args):
    probe = textwrap.dedent(f"""
        import sys
        from ilead_shell.cli import main
        try:
            main({args!r}, prog_name="ilead-shell")
        except SystemExit as done:
            assert done.code in (0, None), done.code
        heavy = sorted(m for m in sys.modules if m.split(".")[0] in {HEAVY!r} or m in {HEAVY!r})
        print("LOADED", heavy, file=sys.stderr)
    """)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "LOADED []" in done.stderr, done.stderr


def test_targets_read_from_source_match_the_imported_classes():
    from ilead_shell.registry import Registry
    from ilead_shell.target_info import class_attributes

    registry = Registry()
    for target in registry.targets():
        cls = registry.load(target.name)
        assert class_attributes(target.value) == {"name": cls.name, "description": cls.description}, target
        assert target.name == cls.name


def test_a_target_whose_description_is_computed_is_imported_to_be_described(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    (site / "computed_target.py").write_text(textwrap.dedent('''
        from ilead_shell.exporter_api import Exporter

        class Computed(Exporter):
            name = "computed"
            description = "Computed " + "at import"
    '''))
    (site / "needs_missing.py").write_text(textwrap.dedent('''
        import no_such_dependency_anywhere
        from ilead_shell.exporter_api import Exporter

        class Needy(Exporter):
            name = "needy"
            description = "Needs a module that is not installed"
    '''))
    monkeypatch.syspath_prepend(str(site))
    found = [EntryPoint("computed", "computed_target:Computed", GROUP), EntryPoint("needy", "needs_missing:Needy", GROUP)]
    monkeypatch.setattr(registry_module, "entry_points", lambda group: found if group == GROUP else [])
    try:
        result = run("targets")
    finally:
        sys.modules.pop("computed_target", None)
        sys.modules.pop("needs_missing", None)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "computed     Computed at import" in lines
    assert any(line.startswith("needy        (unavailable: target 'needy' could not be loaded") for line in lines)
