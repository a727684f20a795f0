"""The reader's cached real paths give what Path.resolve gives, links, '..' and mistakes included."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ilead_shell.reader.real_paths import RealPaths


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "course/modules/m/images").mkdir(parents=True)
    (tmp_path / "course/modules/m/images/a.png").write_bytes(b"a")
    (tmp_path / "course/modules/m/page.md").write_text("x")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/b.png").write_bytes(b"b")
    os.symlink(tmp_path / "elsewhere", tmp_path / "course/modules/m/linked")  # a folder that is a link
    os.symlink(tmp_path / "elsewhere/b.png", tmp_path / "course/modules/m/images/b.png")  # a file that is one
    os.symlink("loop", tmp_path / "course/modules/m/loop")
    os.symlink(tmp_path / "course/modules/m", tmp_path / "course/alias")  # the module under another name
    return tmp_path / "course"


NAMES = ["modules/m/images/a.png", "modules/m/images/b.png", "modules/m/linked/b.png", "modules/m/images/../page.md",
         "modules/m/linked/../course/modules/m/page.md", "alias/images/a.png", "alias/linked/b.png",
         "modules/m/images/missing.png", "modules/m/missing/a.png", "modules/m/page.md/a.png", "modules/m/loop",
         "modules/m/loop/a.png", "modules/m/images", "modules/m/linked", "modules/m/images/.", "modules/m/images/..",
         "modules/m/linked/.."]


def _resolved(path: Path):
    try:
        return path.resolve(strict=True)
    except (OSError, RuntimeError) as exc:
        return type(exc)


@pytest.mark.parametrize("name", NAMES)
def test_strict_is_resolve_strict(tree, name):
    real = RealPaths(tree.resolve())
    for path in (tree / "modules/m/page.md", tree / "alias/page.md"):  # folders known first, as in a read
        real(path)
    for _ in range(2):  # and again, from what it has cached
        try:
            found = real.strict(tree / name)
        except (OSError, RuntimeError) as exc:
            found = type(exc)
        assert found == _resolved(tree / name)


def test_a_folder_that_cannot_be_searched_raises_as_resolve_does(tree):
    folder = tree / "modules/m/images"
    folder.chmod(0o600)
    try:
        if os.access(folder, os.X_OK):
            pytest.skip("running as a user that ignores permissions")
        real = RealPaths(tree.resolve())
        with pytest.raises(PermissionError):
            real.strict(folder / "a.png")
    finally:
        folder.chmod(0o755)
