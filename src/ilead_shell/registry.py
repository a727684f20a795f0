"""Finding plugins by name through entry points: exporters, importers (and more kinds).

Each kind of plugin has an entry-point group and a base class: exporters are the targets of
``ilead_shell.exporters`` (:class:`Registry`), importers the readers of other formats in
``ilead_shell.importers`` (:class:`ImporterRegistry`).  Built-in plugins register exactly like
third-party ones.  Loading is lazy and per name, so a plugin that fails to import breaks only
its own name.  Two different plugins claiming one name is refused rather than resolved by
install order.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points

from .errors import ExporterError, UnknownTargetError

GROUP = "ilead_shell.exporters"
IMPORTERS_GROUP = "ilead_shell.importers"


@dataclass(frozen=True)
class Target:
    name: str
    value: str  # "module:Class"
    aliases: tuple[str, ...] = ()


class PluginRegistry:
    """The plugins of one entry-point group; subclasses name the group and the base class."""

    group: str = GROUP
    kind: str = "target"  # the word used in messages

    def base_class(self) -> type:  # pragma: no cover - overridden
        raise NotImplementedError

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
        """One entry per exporter; the other names pointing at the same class are aliases."""
        by_value: dict[str, list[str]] = {}
        for name, point in self._points.items():
            by_value.setdefault(point.value, []).append(name)
        targets = []
        for value, names in by_value.items():
            primary = self._primary(value, names)
            targets.append(Target(primary, value, tuple(sorted(n for n in names if n != primary))))
        return sorted(targets, key=lambda t: t.name)

    def _primary(self, value: str, names: list[str]) -> str:
        # The class's own ``name`` decides, when the module imports; else the first name.
        try:
            cls = self._points[names[0]].load()
            if cls.name in names:
                return cls.name
        except Exception:  # noqa: BLE001 - a broken exporter must not break the listing
            pass
        return sorted(names)[0]

    def load(self, name: str) -> type:
        kind = self.kind
        base = self.base_class()
        if name in self.conflicts:
            raise ExporterError(
                f"{kind} '{name}' is provided by several {'exporters' if kind == 'target' else kind + 's'} ({', '.join(self.conflicts[name])}); "
                "uninstall one of them")
        point = self._points.get(name)
        if point is None:
            known = ", ".join(t.name for t in self.targets())
            raise UnknownTargetError(f"unknown {kind} '{name}'. Available {kind}s: {known}")
        try:
            cls = point.load()
        except Exception as exc:  # noqa: BLE001 - report which plugin is broken
            raise ExporterError(f"{kind} '{name}' could not be loaded ({point.value}): "
                                f"{type(exc).__name__}: {exc}") from exc
        if not (isinstance(cls, type) and issubclass(cls, base)):
            raise ExporterError(f"{kind} '{name}' ({point.value}) is not an {base.__name__} class")
        return cls

    def load_all(self) -> list[tuple[str, type | None, str]]:
        """Every plugin as (name, class or None, problem): for listings that must not stop at
        a broken one."""
        found = []
        for target in self.targets():
            try:
                found.append((target.name, self.load(target.name), ""))
            except ExporterError as exc:
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
