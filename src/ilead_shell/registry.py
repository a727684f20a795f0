"""Plug-ins found by name through entry points: exporters, bundle validators and checks.

Built-in plug-ins register exactly like third-party ones.  Loading is lazy and per name,
so a plug-in that fails to import breaks only itself.  Two different plug-ins claiming one
name are refused rather than resolved by install order.

:class:`PluginRegistry` holds what every kind shares; :class:`Registry` (targets, in the
``ilead_shell.exporters`` group), :class:`ValidatorRegistry` (``ilead_shell.validators``) and
:class:`CheckRegistry` (``ilead_shell.checks``) say what a plug-in of their kind must be and
how a failure is reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any, ClassVar

from .errors import ExporterError, IleadError, UnknownTargetError
from .exporter_api import Exporter

GROUP = "ilead_shell.exporters"
VALIDATOR_GROUP = "ilead_shell.validators"
CHECK_GROUP = "ilead_shell.checks"


@dataclass(frozen=True)
class Target:
    name: str
    value: str  # "module:attribute"
    aliases: tuple[str, ...] = ()


class PluginError(IleadError):
    """A plug-in could not be loaded, or is not what its group expects."""


class PluginRegistry:
    """Entry points of one group, by name; a subclass names the group and the kind."""

    group: ClassVar[str] = ""
    kind: ClassVar[str] = "plug-in"  # how messages name one: "target", "validator", "check"
    error: ClassVar[type[IleadError]] = PluginError
    unknown_error: ClassVar[type[IleadError]] = PluginError

    def __init__(self, points: list[EntryPoint] | None = None):
        found = list(points) if points is not None else list(entry_points(group=self.group))
        self._points: dict[str, EntryPoint] = {}
        self.conflicts: dict[str, list[str]] = {}
        for point in found:
            known = self._points.get(point.name)
            if known is not None and known.value != point.value:
                self.conflicts.setdefault(point.name, [known.value]).append(point.value)
            self._points.setdefault(point.name, point)

    def names(self) -> list[str]:
        """Every accepted name, aliases included."""
        return sorted(self._points)

    def entries(self) -> list[Target]:
        """One entry per plug-in; the other names pointing at the same object are aliases."""
        by_value: dict[str, list[str]] = {}
        for name, point in self._points.items():
            by_value.setdefault(point.value, []).append(name)
        entries = []
        for value, names in by_value.items():
            primary = self._primary(names)
            entries.append(Target(primary, value, tuple(sorted(n for n in names if n != primary))))
        return sorted(entries, key=lambda t: t.name)

    def _primary(self, names: list[str]) -> str:
        # The object's own ``name`` decides, when its module imports; else the first name.
        try:
            loaded = self._points[names[0]].load()
            own = getattr(loaded, "name", None)
            if own in names:
                return own
        except Exception:  # noqa: BLE001 - a broken plug-in must not break the listing
            pass
        return sorted(names)[0]

    def load(self, name: str) -> Any:
        if name in self.conflicts:
            raise self.error(
                f"{self.kind} '{name}' is provided by several {self.plural} ({', '.join(self.conflicts[name])}); "
                "uninstall one of them")
        point = self._points.get(name)
        if point is None:
            known = ", ".join(t.name for t in self.entries())
            raise self.unknown_error(f"unknown {self.kind} '{name}'. Available {self.kind}s: {known}")
        try:
            loaded = point.load()
        except Exception as exc:  # noqa: BLE001 - report which plug-in is broken
            raise self.error(f"{self.kind} '{name}' could not be loaded ({point.value}): "
                             f"{type(exc).__name__}: {exc}") from exc
        problem = self.refuse(loaded)
        if problem:
            raise self.error(f"{self.kind} '{name}' ({point.value}) {problem}")
        return loaded

    def load_all(self) -> tuple[list[tuple[str, Any]], list[IleadError]]:
        """Every plug-in of the group, in name order, and the failures of those that broke."""
        loaded, failures = [], []
        for entry in self.entries():
            try:
                loaded.append((entry.name, self.load(entry.name)))
            except IleadError as exc:
                failures.append(exc)
        return loaded, failures

    def refuse(self, loaded: Any) -> str:
        """Why ``loaded`` is not a plug-in of this kind ('' when it is one)."""
        return ""

    @property
    def plural(self) -> str:
        return {"target": "exporters"}.get(self.kind, f"{self.kind}s")


class Registry(PluginRegistry):
    """Exporters by target name (aliases included)."""

    group = GROUP
    kind = "target"
    error = ExporterError
    unknown_error = UnknownTargetError

    def targets(self) -> list[Target]:
        return self.entries()

    def refuse(self, loaded: Any) -> str:
        return "" if isinstance(loaded, type) and issubclass(loaded, Exporter) else "is not an Exporter class"

    def load(self, name: str) -> type[Exporter]:
        return super().load(name)

    def resolve(self, spec: str) -> list[str]:
        """``"canvas,scorm"`` or ``"all"`` to a list of distinct primary target names."""
        wanted = [part.strip() for part in spec.split(",") if part.strip()]
        if not wanted:
            raise UnknownTargetError("no target given; use --target NAME[,NAME...] or --target all")
        if "all" in wanted:
            return [t.name for t in self.targets()]
        resolved: list[str] = []
        for name in wanted:
            cls = self.load(name)
            primary = cls.name if cls.name in self._points else name
            if primary not in resolved:
                resolved.append(primary)
        return resolved


class ValidatorRegistry(PluginRegistry):
    """Bundle validators (see :mod:`ilead_shell.validation.api`), one per bundle format."""

    group = VALIDATOR_GROUP
    kind = "validator"

    def refuse(self, loaded: Any) -> str:
        from .validation.api import BundleValidator  # the registry must not import validation eagerly

        ok = isinstance(loaded, type) and issubclass(loaded, BundleValidator)
        return "" if ok else "is not a BundleValidator class"


class CheckRegistry(PluginRegistry):
    """Course checks added by installed packages: each entry point names a
    ``(course) -> list[Diagnostic]`` function (see :mod:`ilead_shell.checks`)."""

    group = CHECK_GROUP
    kind = "check"

    def refuse(self, loaded: Any) -> str:
        return "" if callable(loaded) and not isinstance(loaded, type) else "is not a check function"
