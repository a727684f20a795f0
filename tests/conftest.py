"""Shared fixtures: small course trees under tests/roots (Sphinx's tests/roots style)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course
from ilead_shell.registry import Registry

ROOTS = Path(__file__).parent / "roots"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the clone: schemas, references and real sample exports."""
    if not SHARED.is_dir():
        pytest.skip("../shared is not beside this clone")
    return SHARED


@pytest.fixture
def copy_root(tmp_path: Path):
    """Copy a root into a temporary folder so a test may edit it."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(ROOTS / name, target, symlinks=True)
        return target

    return copy


@pytest.fixture(scope="session")
def full_course():
    """The 'full' root (every item and question type), read once, default offering."""
    return read_course(ROOTS / "full")


@pytest.fixture(scope="session")
def full_course_for():
    """``full_course_for("certificate")``: the full root as one offering sees it."""
    course = read_course(ROOTS / "full")
    return lambda offering=None: select_offering(course, offering)


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry()
