"""A target's ``name`` and ``description`` read from its source, without importing it.

``ilead-shell targets`` lists every target; importing each exporter to read two class
attributes would load lxml, pydantic and every exporter's modules, most of the
command's time.  So the listing reads them the way setuptools reads ``attr:``
versions: it finds the class in the module's source with :mod:`ast`, following
``from .x import Class`` re-exports and base classes, and takes string constants.
Anything it cannot be sure of (a computed description, a module it cannot find, an
absolute import of a module that is not installed) answers ``None``, and the caller
imports the exporter as before.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import sys
from pathlib import Path

WANTED = ("name", "description")


@functools.lru_cache(maxsize=None)  # the listing asks twice per target (name, then description)
def class_attributes(value: str) -> dict[str, str] | None:
    """``{"name": ..., "description": ...}`` for the entry point value ``module:Class``."""
    module, _, qualname = value.partition(":")
    if not module or not qualname or "." in qualname:
        return None
    try:
        found: dict[str, str] = {}
        if not _collect(module, qualname, found, set()):
            return None
    except (OSError, SyntaxError, ValueError, ImportError, RecursionError):
        return None
    return found if all(key in found for key in WANTED) else None


def _collect(module: str, class_name: str, found: dict[str, str], seen: set[tuple[str, str]]) -> bool:
    """Add the class's string attributes (own first, then its bases') to ``found``."""
    if (module, class_name) in seen or len(seen) > 20:
        return False
    seen.add((module, class_name))
    path = _source_of(module)
    if path is None:
        return False
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    if not _imports_are_installed(tree):
        return False
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for statement in node.body:
                for target, value in _assignments(statement):
                    if target in WANTED and target not in found:
                        if not (isinstance(value, ast.Constant) and isinstance(value.value, str)):
                            return False  # computed: only an import can tell
                        found[target] = value.value
            for base in node.bases:
                if all(key in found for key in WANTED):
                    break
                if not isinstance(base, ast.Name):
                    return False
                if base.id == "Exporter":
                    break
                origin = _origin_of(tree, base.id, module, package)
                if origin is None or not _collect(*origin, found, seen):
                    return False
            return True
    origin = _origin_of(tree, class_name, module, package)
    return origin is not None and _collect(*origin, found, seen)


def _assignments(statement: ast.stmt):
    if isinstance(statement, ast.Assign):
        for target in statement.targets:
            if isinstance(target, ast.Name):
                yield target.id, statement.value
    elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name) and statement.value:
        yield statement.target.id, statement.value


def _origin_of(tree: ast.Module, name: str, module: str, package: str) -> tuple[str, str] | None:
    """Where ``name`` comes from when the module imports it (``from x import name``)."""
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    base = node.module or ""
                    if node.level:
                        parts = package.split(".") if package else []
                        if node.level - 1 >= len(parts):
                            return None  # above the top package: not importable either
                        parent = ".".join(parts[: len(parts) - (node.level - 1)])
                        base = f"{parent}.{base}" if base else parent
                    if base == "ilead_shell.exporter_api" and alias.name == "Exporter":
                        return None
                    return base, alias.name
    return None


def _imports_are_installed(tree: ast.Module) -> bool:
    """Every absolute top-level import can be found (a missing dependency would break the import)."""
    for node in tree.body:
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            if top in sys.modules or top == "__future__":
                continue
            try:
                if importlib.util.find_spec(top) is None:
                    return False
            except (ImportError, ValueError):
                return False
    return True


def _source_of(module: str) -> Path | None:
    """The .py file of ``module``, found without importing it or its packages."""
    parts = module.split(".")
    try:
        spec = importlib.util.find_spec(parts[0])
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin)
    for part in parts[1:]:
        folder = path.parent if path.name == "__init__.py" else None
        if folder is None:
            return None
        if (folder / f"{part}.py").is_file():
            path = folder / f"{part}.py"
        elif (folder / part / "__init__.py").is_file():
            path = folder / part / "__init__.py"
        else:
            return None
    return path if path.suffix == ".py" and path.is_file() else None
