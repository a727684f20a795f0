"""Finding plugins by name through entry points: exporters, importers, validators and checks.

Each kind of plugin has an entry-point group and says what a plugin of its kind must be:
exporters are the targets of ``ilead_shell.exporters`` (:class:`Registry`), importers the
readers of other formats in ``ilead_shell.importers`` (:class:`ImporterRegistry`), bundle
validators ``ilead_shell.validators`` (:class:`ValidatorRegistry`) and course checks
``ilead_shell.checks`` (:class:`CheckRegistry`).  Built-in plugins register exactly like
third-party ones.  Loading is lazy and per name, so a plugin that fails to import breaks only
its own name.  Two different plugins claiming one name is refused rather than resolved by
install order.
"""

from __future__ import annotations

import difflib

from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from typing import Any, ClassVar

from .errors import ExporterError, IleadError, UnknownTargetError
from .target_info import class_attributes

GROUP = "ilead_shell.exporters"
IMPORTERS_GROUP = "ilead_shell.importers"
VALIDATOR_GROUP = "ilead_shell.validators"
CHECK_GROUP = "ilead_shell.checks"


@dataclass(frozen=True)
class Target:
    name: str
    value: str  # "module:attribute"
    aliases: tuple[str, ...] = ()


class PluginError(IleadError):
    """A validator or check plugin could not be loaded, or is not what its group expects."""


class PluginRegistry:
    """The plugins of one entry-point group; subclasses name the group and what a plugin is."""

    group: ClassVar[str] = GROUP
    kind: ClassVar[str] = "target"  # the word used in messages
    error: ClassVar[type[IleadError]] = ExporterError
    unknown_error: ClassVar[type[IleadError]] = UnknownTargetError

    def base_class(self) -> type | None:
        """The class a plugin must subclass, or None when :meth:`refuse` decides otherwise."""
        return None

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

    def targets(self) -> list[Target]:
        """One entry per plugin; the other names pointing at the same object are aliases."""
        by_value: dict[str, list[str]] = {}
        for name, point in self._points.items():
            by_value.setdefault(point.value, []).append(name)
        entries = []
        for value, names in by_value.items():
            primary = self._primary(names)
            entries.append(Target(primary, value, tuple(sorted(n for n in names if n != primary))))
        return sorted(entries, key=lambda t: t.name)

    entries = targets

    def _primary(self, names: list[str]) -> str:
        # The object's own ``name`` decides, read from its source when it can be (listing
        # targets then imports no exporter), else when its module imports; else the first name.
        info = class_attributes(self._points[names[0]].value)
        if info is not None:
            return info["name"] if info["name"] in names else sorted(names)[0]
        try:
            own = getattr(self._points[names[0]].load(), "name", None)
            if own in names:
                return own
        except Exception:  # noqa: BLE001 - a broken plugin must not break the listing
            pass
        return sorted(names)[0]

    def describe(self, name: str) -> str:
        """A plugin's description, read from its source when possible (no import)."""
        point = self._points.get(name)
        info = class_attributes(point.value) if point is not None and name not in self.conflicts else None
        return info["description"] if info is not None else self.load(name).description

    @property
    def plural(self) -> str:
        return "exporters" if self.kind == "target" else f"{self.kind}s"

    def refuse(self, loaded: Any) -> str:
        """Why ``loaded`` is not a plugin of this kind ('' when it is one)."""
        base = self.base_class()
        if base is None or (isinstance(loaded, type) and issubclass(loaded, base)):
            return ""
        article = "an" if base.__name__[0] in "AEIOU" else "a"
        return f"is not {article} {base.__name__} class"

    def load(self, name: str) -> Any:
        if name in self.conflicts:
            raise self.error(f"{self.kind} '{name}' is provided by several {self.plural} "
                             f"({', '.join(self.conflicts[name])}); uninstall one of them")
        point = self._points.get(name)
        if point is None:
            known = ", ".join(t.name for t in self.targets())
            close = difflib.get_close_matches(name.lower(), sorted(self._points), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'? " if close else ". "
            raise self.unknown_error(f"unknown {self.kind} '{name}'{hint}Available {self.kind}s: {known}")
        try:
            loaded = point.load()
        except Exception as exc:  # noqa: BLE001 - report which plugin is broken
            raise self.error(f"{self.kind} '{name}' could not be loaded ({point.value}): "
                             f"{type(exc).__name__}: {exc}") from exc
        problem = self.refuse(loaded)
        if problem:
            raise self.error(f"{self.kind} '{name}' ({point.value}) {problem}")
        return loaded

    def load_all(self) -> list[tuple[str, Any | None, str]]:
        """Every plugin as (name, plugin or None, problem): for uses that must not stop at a
        broken one."""
        found = []
        for target in self.targets():
            try:
                found.append((target.name, self.load(target.name), ""))
            except IleadError as exc:
                found.append((target.name, None, exc.format_message()))
        return found


class Registry(PluginRegistry):
    """The exporters: one per target name, aliases allowed (``scorm`` -> ``scorm12``)."""

    group = GROUP
    kind = "target"

    def base_class(self) -> type:
        from .exporter_api import Exporter
        return Exporter

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


class ImporterRegistry(PluginRegistry):
    """The importers: each says from an archive's contents whether it reads it."""

    group = IMPORTERS_GROUP
    kind = "importer"

    def base_class(self) -> type:
        from .import_api import Importer
        return Importer


class ValidatorRegistry(PluginRegistry):
    """Bundle validators (see :mod:`ilead_shell.validation.api`), one per bundle format."""

    group = VALIDATOR_GROUP
    kind = "validator"
    error = PluginError
    unknown_error = PluginError

    def base_class(self) -> type:
        from .validation.api import BundleValidator  # the registry must not import validation eagerly
        return BundleValidator


class CheckRegistry(PluginRegistry):
    """Course checks added by installed packages: each entry point names a
    ``(course) -> list[Diagnostic]`` function (see :mod:`ilead_shell.checks`)."""

    group = CHECK_GROUP
    kind = "check"
    error = PluginError
    unknown_error = PluginError

    def refuse(self, loaded: Any) -> str:
        return "" if callable(loaded) and not isinstance(loaded, type) else "is not a check function"
