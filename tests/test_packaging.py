"""Packaging: the wheel's package list, the exporters/ folders and the entry points agree,
and the import rules between core and exporters hold (checked on the source's AST)."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
CORE = REPO / "src" / "ilead_shell"
EXPORTERS = REPO / "exporters"
GROUP = "ilead_shell.exporters"
#: The core modules an exporter may import (ARCHITECTURE.md and the task's rules).
PUBLIC = {"model", "exporter_api", "identifiers", "templating", "errors", "references", "web", "audience", "import_api",
          "validation"}  # validation: the API of the bundle validators beside each exporter


def wheel_packages() -> list[str]:
    return PYPROJECT["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]


def exporter_folders() -> set[str]:
    return {p.name for p in EXPORTERS.iterdir() if (p / "__init__.py").is_file()}


def entry_points() -> dict[str, str]:
    return PYPROJECT["project"]["entry-points"][GROUP]


# -- the three lists agree -----------------------------------------------------------------
def test_the_wheel_lists_the_core_and_every_exporter_folder():
    listed = wheel_packages()
    assert "src/ilead_shell" in listed
    assert {p.split("/", 1)[1] for p in listed if p.startswith("exporters/")} == exporter_folders()
    assert all((REPO / p / "__init__.py").is_file() for p in listed)
    assert len(listed) == len(set(listed))


def test_every_entry_point_names_a_listed_exporter_package():
    packages = exporter_folders()
    for name, value in entry_points().items():
        module, _, attribute = value.partition(":")
        assert module.split(".")[0] in packages, f"{name} -> {value}"
        assert attribute.isidentifier(), f"{name} -> {value}"


def test_every_exporter_package_provides_at_least_one_target():
    used = {value.partition(":")[0].split(".")[0] for value in entry_points().values()}
    assert exporter_folders() <= used


def test_entry_point_names_are_valid_target_names():
    import re
    for name in entry_points():
        assert re.fullmatch(r"[a-z][a-z0-9]*", name), name
    assert "all" not in entry_points()  # 'all' is the CLI's word for every target


def test_the_console_script_and_module_entry_exist():
    assert PYPROJECT["project"]["scripts"]["ilead-shell"] == "ilead_shell.cli:run"
    assert (CORE / "__main__.py").is_file()


def test_the_installed_metadata_matches_pyproject():
    from importlib.metadata import entry_points as installed
    found = {ep.name: ep.value for ep in installed(group=GROUP)}
    assert found == entry_points()


def test_every_declared_target_class_is_an_exporter_with_its_name():
    from ilead_shell.errors import IleadError
    from ilead_shell.exporter_api import Exporter
    from ilead_shell.registry import Registry

    registry = Registry()
    for name, value in entry_points().items():
        try:
            cls = registry.load(name)
        except IleadError as exc:  # a built-in target that does not load is broken, never "not written yet"
            pytest.fail(f"built-in target {name} ({value}) does not load: {exc}", pytrace=False)
        assert issubclass(cls, Exporter)
        aliases = [n for n, v in entry_points().items() if v == value]
        assert cls.name in aliases, f"{value}.name = {cls.name!r}, registered as {aliases}"
        # .mbz is a Moodle backup: a tar.gz under the name Moodle's Restore asks for.
        assert cls.suffix.endswith(("zip", "tar.gz", "imscc", "mbz")) and cls.format in ("zip", "tar.gz")


def test_a_built_wheel_contains_every_package_with_its_data(tmp_path):
    done = subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path)],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    if done.returncode != 0 and "No module named hatchling" in done.stderr:
        pytest.skip("hatchling is not installed in this environment")
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        entry_text = archive.read(metadata).decode()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"ilead_shell"} | exporter_folders()
    for package in ["ilead_shell", *exporter_folders()]:
        source = CORE if package == "ilead_shell" else EXPORTERS / package
        tracked = {f"{package}/{p.relative_to(source).as_posix()}" for p in source.rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}
        assert tracked <= set(names), sorted(tracked - set(names))[:5]
    assert not [n for n in names if "__pycache__" in n or n.startswith(("tests/", "build/"))]
    for name, value in entry_points().items():
        assert f"{name} = {value}" in entry_text


# -- import rules (AST) -----------------------------------------------------------------------
def imported_modules(path: Path, package: str) -> list[tuple[int, str]]:
    """Absolute module names imported by ``path`` (relative imports resolved), with lines."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = list(path.relative_to(_package_root(path, package).parent).parts[:-1])  # the containing package
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # "from ilead_shell import reader" imports the submodule ilead_shell.reader
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names if alias.name != "*")
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            found.append((node.lineno, str(node.args[0].value)))
    return found


def _package_root(path: Path, package: str) -> Path:
    for parent in path.parents:
        if parent.name == package:
            return parent
    raise ValueError(path)


def core_violations(module: str) -> bool:
    """True when an exporter imports a core module it must not.

    ``from ilead_shell import model`` is seen as ``ilead_shell`` plus ``ilead_shell.model``;
    the package itself is harmless, what matters is the module after it.
    """
    if not module.startswith("ilead_shell."):
        return False
    return module.split(".")[1] not in PUBLIC


def exporter_import_problems(root: Path) -> list[str]:
    problems = []
    for folder in sorted(p for p in root.iterdir() if (p / "__init__.py").is_file()):
        for path in sorted(folder.rglob("*.py")):
            for line, module in imported_modules(path, folder.name):
                if core_violations(module):
                    problems.append(f"{path.relative_to(root)}:{line}: imports {module}")
    return problems


def core_import_problems(core: Path, exporters: set[str]) -> list[str]:
    problems = []
    for path in sorted(core.rglob("*.py")):
        for line, module in imported_modules(path, "ilead_shell"):
            if module.split(".")[0] in exporters:
                problems.append(f"{path.relative_to(core)}:{line}: imports {module}")
    return problems


def test_exporters_import_only_public_core_modules():
    assert exporter_import_problems(EXPORTERS) == []


def test_the_core_never_imports_an_exporter():
    assert core_import_problems(CORE, exporter_folders()) == []


def test_the_import_checks_catch_violations(tmp_path):
    bad = tmp_path / "exporters" / "ilead_bad"
    (bad / "sub").mkdir(parents=True)
    (bad / "__init__.py").write_text("from ilead_shell.model import Course\nfrom . import sub\n")
    (bad / "sub" / "__init__.py").write_text("")
    (bad / "sub" / "deep.py").write_text(
        "from ilead_shell.reader import read_course\n"
        "from ilead_shell import pipeline\n"
        "import ilead_shell.archive as archive\n"
        "from ilead_shell.references import rewrite\n"
        "import importlib\nimportlib.import_module('ilead_shell.registry')\n")
    problems = exporter_import_problems(tmp_path / "exporters")
    assert problems == [
        "ilead_bad/sub/deep.py:1: imports ilead_shell.reader",
        "ilead_bad/sub/deep.py:1: imports ilead_shell.reader.read_course",
        "ilead_bad/sub/deep.py:2: imports ilead_shell.pipeline",
        "ilead_bad/sub/deep.py:3: imports ilead_shell.archive",
        "ilead_bad/sub/deep.py:6: imports ilead_shell.registry",
    ]
    core = tmp_path / "core" / "ilead_shell"
    (core / "checks").mkdir(parents=True)
    (core / "__init__.py").write_text("")
    (core / "checks" / "x.py").write_text("def f():\n    from ilead_bad import thing\n    import ilead_bad.sub\n")
    assert core_import_problems(core, {"ilead_bad"}) == [
        "checks/x.py:2: imports ilead_bad", "checks/x.py:2: imports ilead_bad.thing",
        "checks/x.py:3: imports ilead_bad.sub"]


def test_relative_imports_inside_the_core_resolve_to_core_modules():
    found = dict((m, l) for l, m in imported_modules(CORE / "reader" / "course_reader.py", "ilead_shell"))
    assert "ilead_shell.errors" in found and "ilead_shell.reader.source_schema" in found
