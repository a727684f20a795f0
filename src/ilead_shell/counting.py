"""Counts in words for people: '1 module, 7 items', never '1 modules'."""

from __future__ import annotations

from typing import Mapping

# The plurals that are not the singular plus 's' (the counts' keys are plurals).
_SINGULAR = {"competencies": "competency", "families": "family", "quizzes": "quiz", "scos": "SCO",
             "facilitator pages": "facilitator page"}


def counted(count: int, plural: str) -> str:
    """``counted(1, "modules")`` is '1 module'; ``counted(2, "modules")`` '2 modules'."""
    if count == 1:
        return f"1 {_SINGULAR.get(plural, plural[:-1] if plural.endswith('s') else plural)}"
    return f"{count} {'SCOs' if plural == 'scos' else plural}"


def counts_text(counts: Mapping[str, int]) -> str:
    """``{"modules": 1, "items": 7}`` as '1 module, 7 items'."""
    return ", ".join(counted(value, key) for key, value in counts.items())
