"""The ``effort:`` key: how long a learner is expected to spend on an item.

Written as minutes (``45``) or with units: ``45 min``, ``1.5 h``, ``2 h 30 min``, ``3 hours``.
"""

from __future__ import annotations

import math
import re
from typing import Any

_DURATION = re.compile(
    r"^\s*(?:(?P<hours>\d+(?:\.\d+)?)\s*(?:h|hr|hrs|hour|hours))?"
    r"\s*(?:(?P<minutes>\d+)\s*(?:m|min|mins|minute|minutes))?\s*$",
    re.IGNORECASE,
)
MEANING = "minutes (45) or a duration such as '45 min', '1.5 h' or '2 h 30 min'"


def parse_duration(value: Any) -> int | None:
    """Whole minutes (rounded up), or None when ``value`` is not a positive duration."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return math.ceil(value) if value > 0 and math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    match = _DURATION.match(value)
    if not match or not (match.group("hours") or match.group("minutes")):
        return None
    minutes = float(match.group("hours") or 0) * 60 + int(match.group("minutes") or 0)
    return math.ceil(minutes) if minutes > 0 else None
