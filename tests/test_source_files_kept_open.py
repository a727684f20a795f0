"""Opening source files with the folders of the last walk kept open: the same bytes and errors
as walking from / every time, far fewer opens, no descriptor left behind, no link followed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ilead_shell import source_files
from ilead_shell.source_files import SourceFileError, folders_kept_open, read_source


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path.resolve() / "course"
    for module in ("m1", "m2"):
        (root / module / "images").mkdir(parents=True)
        for name in ("a.md", "b.md"):
            (root / module / name).write_text(f"{module}/{name}")
        (root / module / "images/p.png").write_bytes(b"png " + module.encode())
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret/a.md").write_text("TOP-SECRET")
    os.symlink(tmp_path / "secret/a.md", root / "m2/link.md")
    return root


FILES = ["m1/a.md", "m1/b.md", "m1/images/p.png", "m2/a.md", "m1/b.md", "m2/images/p.png", "m2/b.md"]


def _read_all(root: Path) -> list:
    found = []
    for name in FILES + ["m2/link.md", "m3/a.md", "m1/missing.md", "m1/a.md/x"]:
        try:
            found.append(read_source(root / name)[0])
        except SourceFileError as exc:
            found.append((exc.kind, exc.reason))
    return found


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts descriptors in /proc")
def test_the_same_bytes_and_errors_with_fewer_opens_and_no_descriptor_left(tree, monkeypatch):
    opened = []
    real_open = os.open
    monkeypatch.setattr(os, "open", lambda *a, **k: opened.append(a[0]) or real_open(*a, **k))
    walked = _read_all(tree)
    walking = len(opened)
    before = _open_descriptors()
    opened.clear()
    with folders_kept_open():
        kept = _read_all(tree)
        assert _open_descriptors() - before <= len(tree.parts) + 1  # one path's folders at most
    assert _open_descriptors() == before
    assert kept == walked
    assert ("link", "it became a link (or was replaced) after the course was checked; links are never "
                    "followed when files are opened") in kept
    assert ("missing", "it no longer exists") in kept
    assert len(opened) < walking / 2


def test_a_folder_swapped_for_a_link_while_kept_open_is_not_followed(tree, tmp_path):
    with folders_kept_open():
        assert read_source(tree / "m1/a.md")[0] == b"m1/a.md"
        os.rename(tree / "m1", tmp_path / "moved")
        os.symlink(tmp_path / "secret", tree / "m1")  # m1/a.md now names the secret through a link
        data = read_source(tree / "m1/a.md")[0]
    assert data == b"m1/a.md"  # read in the folder that was walked, not through the link
    with pytest.raises(SourceFileError, match="became a link"):
        read_source(tree / "m1/a.md")  # a fresh walk refuses the link


def test_blocks_nest_and_the_outer_one_closes(tree):
    with folders_kept_open():
        read_source(tree / "m1/a.md")
        with folders_kept_open():
            read_source(tree / "m2/a.md")
        assert source_files._KEPT.folders  # still the outer block's
    assert source_files._KEPT.folders is None
