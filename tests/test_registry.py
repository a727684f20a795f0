"""The exporter registry: entry points loaded lazily by name, duplicates refused."""

from __future__ import annotations

import sys
import textwrap
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from ilead_shell.errors import ExporterError, UnknownTargetError
from ilead_shell.pipeline import build
from ilead_shell.registry import GROUP, Registry

HANDMADE = Path(__file__).parent / "roots" / "handmade"

GOOD = '''
from ilead_shell.exporter_api import Bundle, Exporter, ExporterOptions


class Options(ExporterOptions):
    flavour: str = "plain"


class Fake(Exporter):
    name = "fake"
    description = "A fake target for tests"
    Options = Options

    def build_bundle(self, course):
        bundle = Bundle()
        bundle.add_text("index.txt", f"{course.title} {self.options.flavour}")
        for asset in course.assets:
            bundle.add_file(asset.bundle_path, course.asset_source(asset))
        return bundle


class Other(Fake):
    name = "other"


class Crashing(Fake):
    name = "crashing"

    def build_bundle(self, course):
        raise RuntimeError("exporter bug")


NotAnExporter = dict
'''


@pytest.fixture
def fake_modules(tmp_path, monkeypatch):
    """Importable modules: a good exporter module and one that fails on import."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "fake_good.py").write_text(textwrap.dedent(GOOD))
    (folder / "fake_broken.py").write_text("raise ImportError('a missing dependency')\n")
    (folder / "fake_counter.py").write_text("import builtins\nbuiltins.FAKE_COUNTER_IMPORTED = True\n"
                                            "from fake_good import Fake as Counted\n")
    monkeypatch.syspath_prepend(str(folder))
    yield
    for name in ("fake_good", "fake_broken", "fake_counter"):
        sys.modules.pop(name, None)


def points(**names: str) -> list[EntryPoint]:
    return [EntryPoint(name=name, value=value, group=GROUP) for name, value in names.items()]


def test_constructing_and_listing_names_imports_nothing(fake_modules):
    import builtins
    registry = Registry(points(counted="fake_counter:Counted", fake="fake_good:Fake"))
    assert registry.names() == ["counted", "fake"]
    registry.load("fake")
    assert not hasattr(builtins, "FAKE_COUNTER_IMPORTED")
    assert "fake_counter" not in sys.modules


def test_a_broken_exporter_breaks_only_its_own_target(fake_modules):
    registry = Registry(points(fake="fake_good:Fake", broken="fake_broken:Thing"))
    assert registry.load("fake").name == "fake"
    with pytest.raises(ExporterError) as caught:
        registry.load("broken")
    message = caught.value.format_message()
    assert "target 'broken' could not be loaded" in message and "a missing dependency" in message
    assert caught.value.exit_code == 1
    assert [t.name for t in registry.targets()] == ["broken", "fake"]


def test_an_entry_point_that_is_not_an_exporter_is_refused(fake_modules):
    registry = Registry(points(odd="fake_good:NotAnExporter"))
    with pytest.raises(ExporterError, match="is not an Exporter class"):
        registry.load("odd")


def test_two_exporters_claiming_one_name_are_refused(fake_modules):
    found = points(fake="fake_good:Fake") + points(fake="fake_good:Other")
    registry = Registry(found)
    with pytest.raises(ExporterError, match="provided by several exporters"):
        registry.load("fake")
    with pytest.raises(ExporterError, match="fake_good:Fake, fake_good:Other"):
        registry.resolve("fake")


def test_the_same_entry_point_seen_twice_is_not_a_conflict(fake_modules):
    registry = Registry(points(fake="fake_good:Fake") + points(fake="fake_good:Fake"))
    assert registry.load("fake").name == "fake" and registry.conflicts == {}


def test_aliases_are_other_names_for_one_exporter(fake_modules):
    registry = Registry(points(fake="fake_good:Fake", phony="fake_good:Fake", other="fake_good:Other"))
    targets = {t.name: t.aliases for t in registry.targets()}
    assert targets == {"fake": ("phony",), "other": ()}
    assert registry.resolve("phony,fake,other") == ["fake", "other"]
    assert registry.resolve("all") == ["fake", "other"]


def test_unknown_target_lists_the_targets_and_exits_2(fake_modules):
    registry = Registry(points(fake="fake_good:Fake", other="fake_good:Other"))
    with pytest.raises(UnknownTargetError) as caught:
        registry.resolve("fake,nope")
    assert caught.value.exit_code == 2
    assert caught.value.format_message() == "unknown target 'nope'. Available targets: fake, other"


def test_a_misspelt_target_names_the_one_it_resembles(fake_modules):
    registry = Registry(points(fake="fake_good:Fake", other="fake_good:Other"))
    with pytest.raises(UnknownTargetError) as caught:
        registry.resolve("othr")
    assert caught.value.format_message() == "unknown target 'othr'; did you mean 'other'? Available targets: fake, other"


@pytest.mark.parametrize("spec", ["", " , "])
def test_an_empty_target_list_is_refused(fake_modules, spec):
    with pytest.raises(UnknownTargetError, match="no target given"):
        Registry(points(fake="fake_good:Fake")).resolve(spec)


def test_the_installed_registry_knows_every_declared_target():
    names = set(Registry().names())
    assert {"html", "cc", "canvas", "moodle", "brightspace", "blackboard", "scorm12", "scorm", "edx",
            "olx"} <= names


def test_a_build_through_the_registry_uses_the_exporters_options(fake_modules, tmp_path):
    course = tmp_path / "course"
    import shutil
    shutil.copytree(HANDMADE, course)
    yml = course / "course.yml"
    yml.write_text(yml.read_text().replace("exporters:\n", "exporters:\n  fake: {flavour: spicy}\n"))
    registry = Registry(points(fake="fake_good:Fake"))
    results, _ = build(course, "fake", tmp_path / "out", registry=registry)
    (result,) = results
    assert result.path == tmp_path / "out" / "ODL-201-fake-mooc.zip"
    import zipfile
    with zipfile.ZipFile(result.path) as archive:
        assert archive.read("index.txt") == b"Open Data Literacy for Librarians spicy"


def test_bad_exporter_options_are_located_in_course_yml(fake_modules, tmp_path):
    import shutil
    course = tmp_path / "course"
    shutil.copytree(HANDMADE, course)
    yml = course / "course.yml"
    yml.write_text(yml.read_text().replace("exporters:\n", "exporters:\n  fake: {flavor: spicy}\n"))
    from ilead_shell.errors import CourseError
    with pytest.raises(CourseError) as caught:
        build(course, "fake", tmp_path / "out", registry=Registry(points(fake="fake_good:Fake")))
    (problem,) = caught.value.diagnostics
    assert problem.location.path.endswith("course.yml") and problem.location.line == 32
    assert "flavor" in problem.message
    assert not (tmp_path / "out").exists()


def test_an_exporter_crash_names_the_target_and_writes_nothing(fake_modules, tmp_path):
    registry = Registry(points(fake="fake_good:Fake", crashing="fake_good:Crashing"))
    with pytest.raises(ExporterError, match="target 'crashing' failed: RuntimeError: exporter bug"):
        build(HANDMADE, "fake,crashing", tmp_path / "out", registry=registry)
    assert not (tmp_path / "out").exists()
