"""Shared fixtures: small course trees under tests/roots (Sphinx's tests/roots style)."""

from __future__ import annotations

import os
import shutil
import sys
import textwrap
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

import ilead_shell.registry as registry_module
from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course
from ilead_shell.registry import GROUP, Registry

import real_readers

ROOTS = Path(__file__).parent / "roots"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """../shared beside the clone: schemas, references and real sample exports."""
    if not SHARED.is_dir():
        reason = f"../shared is not beside this clone ({SHARED})"
        if os.environ.get("CI"):  # a green CI run must mean the schemas and samples were used
            pytest.fail(f"{reason}; CI needs it", pytrace=False)
        pytest.skip(reason)
    return SHARED


# -- the browser tests run last -------------------------------------------------------------------------
# Playwright's sync API keeps a thread (its asyncio loop) for the session's one Chromium.  Once it
# exists, this process may not fork (workers.can_fork), so every later build runs in one process
# and the tests of the parallel paths would pass without running them.  So the modules that start
# the browser run after all others.
_STARTS_BROWSER: dict[Path, bool] = {}


def _starts_browser(item) -> bool:
    path = Path(str(item.fspath))
    if path not in _STARTS_BROWSER:
        _STARTS_BROWSER[path] = "browser()" in path.read_text(encoding="utf-8")
    return _STARTS_BROWSER[path]


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=_starts_browser)  # stable: the order within each group stays as collected


@pytest.fixture
def forking():
    """For a test of a path that runs in several processes: fail where it would silently run in one."""
    from ilead_shell.workers import can_fork

    if not can_fork():
        import threading

        pytest.fail("this process cannot fork (threads: "
                    f"{', '.join(t.name for t in threading.enumerate())}); a test that leaves a thread "
                    "behind must run after this one (see pytest_collection_modifyitems)", pytrace=False)


# The real importers (tests/real_readers.py): skipped with a reason where they cannot run,
# failed under CI.
@pytest.fixture(scope="session")
def moodle() -> real_readers.MoodleSite:
    return real_readers.moodle_site()


@pytest.fixture(scope="session")
def cc2olx() -> real_readers.Cc2olx:
    return real_readers.cc2olx()


@pytest.fixture(scope="session")
def cartridge_viewer() -> real_readers.CartridgeViewer:
    return real_readers.cartridge_viewer()


@pytest.fixture(scope="session")
def edx_blocks() -> real_readers.EdxBlocks:
    return real_readers.edx_blocks()


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


@pytest.fixture
def install_targets(tmp_path, monkeypatch):
    """``install_targets(module, source, {"name": "Class", ...})``: the test exporters in ``source``,
    written as the module ``module``, are the installed targets for this test instead of the real ones."""
    installed: list[str] = []

    def install(module: str, source: str, targets: dict[str, str]) -> None:
        site = tmp_path / "site"
        site.mkdir(exist_ok=True)
        (site / f"{module}.py").write_text(textwrap.dedent(source))
        monkeypatch.syspath_prepend(str(site))
        found = [EntryPoint(name, f"{module}:{cls}", GROUP) for name, cls in targets.items()]
        monkeypatch.setattr(registry_module, "entry_points", lambda group: found if group == GROUP else [])
        installed.append(module)

    yield install
    for module in installed:
        sys.modules.pop(module, None)


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry()
