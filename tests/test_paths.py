"""Path safety: nothing read outside the course and its listed modules, nothing written outside --out.

Python's audit hooks see every ``open``, ``mkdir``, ``rename`` and ``remove`` the process makes,
so these tests watch the real file operations of a read and of a build.
"""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from contextlib import contextmanager
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from ilead_shell.errors import CourseError, IleadError
from ilead_shell.pipeline import build
from ilead_shell.reader import read_course
from ilead_shell.registry import GROUP, Registry
from ilead_shell.source_files import AUDIT_EVENT

HANDMADE = Path(__file__).parent / "roots" / "handmade"
_WATCHING: list[list[tuple[str, str, bool]]] = []
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _hook(event: str, args: tuple) -> None:
    if not _WATCHING:
        return
    record = _WATCHING[-1]
    if event == AUDIT_EVENT:  # a source file opened by walking its real path without following links
        record.append(("open", os.fsdecode(args[0]), False))
    elif event == "open":
        path, mode, flags = (tuple(args) + (None, None))[:3]
        if isinstance(flags, int) and flags & os.O_NOFOLLOW and isinstance(path, (str, bytes)) and (
                not os.path.isabs(os.fsdecode(path)) or flags & os.O_DIRECTORY):
            return  # one step of that walk: a folder handle, or a name relative to one
        if isinstance(path, (str, bytes, os.PathLike)):
            writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and bool(flags & _WRITE_FLAGS))
            record.append(("open", os.fsdecode(path), writes))
    elif event in ("os.mkdir", "os.remove", "os.rmdir", "os.chmod", "os.symlink", "os.truncate"):
        if isinstance(args[0], (str, bytes, os.PathLike)):
            record.append((event, os.fsdecode(args[0]), True))
    elif event == "os.rename":
        record.extend([(event, os.fsdecode(args[0]), True), (event, os.fsdecode(args[1]), True)])


sys.addaudithook(_hook)  # audit hooks cannot be removed; it records only inside watch()


@contextmanager
def watch():
    record: list[tuple[str, str, bool]] = []
    _WATCHING.append(record)
    try:
        yield record
    finally:
        _WATCHING.pop()


def _inside(path: str, folders: list[Path]) -> bool:
    real = Path(os.path.realpath(path))
    return any(real.is_relative_to(f.resolve()) for f in folders)


def _project_files(path: str) -> bool:
    """Python's own imports and caches, which are not the product's reads."""
    return path.endswith((".py", ".pyc", ".so", ".pth")) or "__pycache__" in path or "site-packages" in path \
        or path.startswith(sys.prefix) or path.startswith(sys.base_prefix) or path.startswith("/proc") \
        or path.startswith("/dev") or path.startswith("/etc/")


# -- reading ---------------------------------------------------------------------------------
@pytest.fixture
def layout(tmp_path: Path) -> dict[str, Path]:
    """A course, a shared module folder listed from outside it, and a secret beside them."""
    course = tmp_path / "course"
    shutil.copytree(HANDMADE, course)
    library = tmp_path / "library"
    shutil.move(str(course / "library" / "ethics"), library / "ethics")
    yml = course / "course.yml"
    yml.write_text(yml.read_text().replace("library/ethics]", "../library/ethics]"))
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "passwords.md").write_text("---\ntitle: secret\n---\nsecret\n")
    (secret / "photo.png").write_bytes(b"secret")
    (library / "unlisted.md").write_text("---\ntitle: not listed\n---\nx\n")
    return {"course": course, "library": library / "ethics", "secret": secret, "tmp": tmp_path}


def test_a_read_opens_only_files_of_the_course_and_its_listed_modules(layout):
    with watch() as record:
        course = read_course(layout["course"])
    assert course.module("data-ethics").folder == "../library/ethics"
    opened = [p for kind, p, _ in record if kind == "open" and not _project_files(p)]
    assert opened, "the audit hook saw no reads"
    outside = [p for p in opened if not _inside(p, [layout["course"], layout["library"]])]
    assert outside == []
    assert not any(w for _, _, w in record if not _project_files(_))


@pytest.mark.parametrize("make_link, says", [
    (lambda c, s: (c / "modules/01-orientation/05-leak.md").symlink_to(s / "passwords.md"), "outside"),
    (lambda c, s: (c / "modules/01-orientation/images/leak.png").symlink_to(s / "photo.png"), None),
    (lambda c, s: (c / "competencies.yml").unlink() or (c / "competencies.yml").symlink_to(s / "passwords.md"),
     "outside the course"),
    (lambda c, s: (c / "modules/03-leak").symlink_to(s), "outside the course"),
])
def test_symlinks_out_of_the_course_are_refused_without_reading_the_target(layout, make_link, says):
    course, secret = layout["course"], layout["secret"]
    make_link(course, secret)
    if says is None:  # an unused symlinked image is never opened; using it is an error
        page = course / "modules/01-orientation/01-start-here.md"
        page.write_text(page.read_text() + "\n![Leak](images/leak.png)\n")
        says = "outside the module folder"
    if (course / "modules/03-leak").exists():
        yml = course / "course.yml"
        yml.write_text(yml.read_text().replace("modules: [01-orientation, 02-cleaning, ../library/ethics]\n", ""))
    with watch() as record, pytest.raises(CourseError) as caught:
        read_course(course)
    assert any(says in d.message for d in caught.value.diagnostics), caught.value.format_message()
    assert not [p for kind, p, _ in record if kind == "open" and _inside(p, [secret])]


def test_a_symlinked_assets_folder_pointing_outside_is_refused(layout):
    course = layout["course"]
    shutil.rmtree(course / "assets")
    (course / "assets").symlink_to(layout["secret"])
    page = course / "modules/01-orientation/01-start-here.md"
    page.write_text(page.read_text().replace("../../assets/banner.png", "../../assets/photo.png"))
    with watch() as record, pytest.raises(CourseError, match="assets/ is a link to a folder outside"):
        read_course(course)
    assert not [p for kind, p, _ in record if kind == "open" and _inside(p, [layout["secret"]])]


def test_a_symlinked_course_yml_pointing_outside_is_refused(layout):
    course = layout["course"]
    (layout["secret"] / "course.yml").write_text((course / "course.yml").read_text())
    (course / "course.yml").unlink()
    (course / "course.yml").symlink_to(layout["secret"] / "course.yml")
    with pytest.raises(CourseError, match="course.yml is a link to a file outside"):
        read_course(course)


def test_dot_dot_in_links_cannot_reach_outside_the_module(layout):
    page = layout["course"] / "modules/01-orientation/01-start-here.md"
    page.write_text(page.read_text() + "\n[Secret](../../../secret/passwords.md)\n")
    with watch() as record, pytest.raises(CourseError, match="outside the module folder"):
        read_course(layout["course"])
    assert not [p for kind, p, _ in record if kind == "open" and _inside(p, [layout["secret"]])]


# -- writing ---------------------------------------------------------------------------------------
FAKE = '''
from ilead_shell.exporter_api import Bundle, Exporter


class Copy(Exporter):
    name = "copy"

    def build_bundle(self, course):
        bundle = Bundle()
        bundle.add_text("index.txt", course.title)
        for asset in course.assets:
            bundle.add_file(asset.bundle_path, course.asset_source(asset))
        return bundle


class Vanishing(Copy):
    name = "vanishing"

    def build_bundle(self, course):
        bundle = super().build_bundle(course)
        bundle.add_file("gone.bin", course.asset_source(course.assets[0]).with_name("gone.bin"))
        return bundle
'''


@pytest.fixture
def registry(tmp_path, monkeypatch) -> Registry:
    site = tmp_path / "site"
    site.mkdir()
    (site / "fake_path_targets.py").write_text(textwrap.dedent(FAKE))
    monkeypatch.syspath_prepend(str(site))
    yield Registry([EntryPoint("copy", "fake_path_targets:Copy", GROUP),
                    EntryPoint("vanishing", "fake_path_targets:Vanishing", GROUP)])
    sys.modules.pop("fake_path_targets", None)


@pytest.mark.parametrize("target", ["copy", "html", "cc", "scorm12", "edx"])
def test_a_build_writes_only_inside_out(layout, registry, target):
    out = layout["tmp"] / "out" / "nested"
    chosen = registry if target == "copy" else Registry()
    with watch() as record:
        results, _ = build(layout["course"], target, out, offering="all", registry=chosen)
    writes = [(kind, p) for kind, p, w in record if w and not _project_files(p)]
    assert writes, "the audit hook saw no writes"
    outside = [(kind, p) for kind, p in writes if not _inside(p, [out])]
    # Only the folders leading to --out may be created on the way.
    assert all(kind == "os.mkdir" and out.is_relative_to(p) for kind, p in outside), outside
    assert sorted(p.name for p in out.iterdir()) == sorted(r.path.name for r in results)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_a_bundle_naming_a_missing_file_fails_before_anything_is_written(layout, registry):
    out = layout["tmp"] / "out"
    with pytest.raises(IleadError) as caught:
        build(layout["course"], "copy,vanishing", out, registry=registry)
    assert "target 'vanishing' added files that do not exist" in caught.value.format_message()
    assert "gone.bin" in caught.value.format_message()
    assert not out.exists() or list(out.iterdir()) == []


def test_an_unwritable_out_folder_is_an_error_not_a_traceback(layout, registry):
    if os.geteuid() == 0:
        pytest.skip("root can write anywhere")
    out = layout["tmp"] / "locked"
    out.mkdir()
    out.chmod(0o500)
    try:
        with pytest.raises(IleadError, match="cannot write"):
            build(layout["course"], "copy", out, registry=registry)
    finally:
        out.chmod(0o700)


def test_a_permission_error_while_writing_is_reported_plainly(layout, registry, monkeypatch):
    import ilead_shell.pipeline as pipeline

    def refuse(bundle, raw):
        raise PermissionError(13, "Permission denied", raw.name)

    monkeypatch.setattr(pipeline, "write_bundle", refuse)
    with pytest.raises(IleadError) as caught:
        build(layout["course"], "copy", layout["tmp"] / "out", registry=registry)
    assert caught.value.exit_code == 1
    assert caught.value.format_message().startswith("cannot write ")
    assert caught.value.format_message().endswith("ODL-201-copy-mooc.zip: Permission denied")


def test_out_inside_an_existing_file_is_an_error_not_a_traceback(layout, registry):
    blocker = layout["tmp"] / "file"
    blocker.write_text("x")
    with pytest.raises(IleadError, match="cannot write"):
        build(layout["course"], "copy", blocker / "out", registry=registry)
    assert blocker.read_text() == "x"
