"""Rubric criteria and their performance levels.

A criterion may list ``levels`` (label, points, description), from the highest to the
lowest.  The highest level is worth the criterion's points, points fall from level to level,
and labels are unique, so every target (Canvas ratings, Open edX options, the preview's
table) can show the same scale without guessing.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import Diagnostic, error
from ..model import RubricCriterion, RubricLevel
from .yaml_source import YamlDocument


def build_rubric(raw_criteria: list, path: Path, document: YamlDocument,
                 diagnostics: list[Diagnostic]) -> tuple[RubricCriterion, ...]:
    criteria = []
    for index, raw in enumerate(raw_criteria):
        levels = tuple(RubricLevel(label=level.label.strip(), points=level.points, description=level.description)
                       for level in raw.levels)
        where = ("rubric", index, "levels")
        if levels:
            _check_levels(raw.criterion, raw.points, levels, path, document, where, diagnostics)
        criteria.append(RubricCriterion(criterion=raw.criterion, points=raw.points,
                                        description=raw.description, levels=levels))
    return tuple(criteria)


def _check_levels(criterion: str, points: float, levels: tuple[RubricLevel, ...], path: Path,
                  document: YamlDocument, where: tuple, diagnostics: list[Diagnostic]) -> None:
    def fail(message: str, level_index: int | None = None) -> None:
        loc = where + ((level_index,) if level_index is not None else ())
        diagnostics.append(error(f"rubric criterion '{criterion}': {message}", path, document.line_of(loc)))

    if len(levels) < 2:
        fail("give at least two performance levels (or none)")
        return
    if levels[0].points != points:
        fail(f"the highest level, '{levels[0].label}', is worth {levels[0].points:g} points but the "
             f"criterion is worth {points:g}; list levels from highest to lowest, the first worth the "
             "criterion's points", 0)
    for number, (higher, lower) in enumerate(zip(levels, levels[1:]), start=1):
        if lower.points >= higher.points:
            fail(f"level '{lower.label}' ({lower.points:g} points) is not below '{higher.label}' "
                 f"({higher.points:g}); list levels from highest to lowest points", number)
    seen: dict[str, int] = {}
    for number, level in enumerate(levels):
        if level.label.lower() in seen:
            fail(f"the level label '{level.label}' is used twice", number)
        seen.setdefault(level.label.lower(), number)
