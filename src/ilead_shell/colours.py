"""Colour contrast as WCAG 2.1 defines it (relative luminance, contrast ratio).

Used where an author chooses colours (course.yml ``theme:``) so that a course cannot
publish text or focus rings its learners cannot read; the web layer's tests use the
same arithmetic on the colours a browser computes.
"""

from __future__ import annotations

import re

HEX_COLOUR = r"^#[0-9A-Fa-f]{6}$"
TEXT_AA = 4.5        # 1.4.3: body text
NON_TEXT_AA = 3.0    # 1.4.11: focus rings, borders of controls
_HEX = re.compile(HEX_COLOUR)


def rgb(colour: str) -> tuple[int, int, int]:
    """``#rrggbb`` as three 0-255 channels."""
    if not _HEX.match(colour):
        raise ValueError(f"{colour!r} is not a #rrggbb colour")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def luminance(channels: tuple[float, float, float]) -> float:
    """WCAG 2.1 relative luminance of sRGB channels in 0-255."""
    def linear(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first: str | tuple, second: str | tuple) -> float:
    """The contrast ratio (1 to 21) of two colours, ``#rrggbb`` or channel tuples."""
    a = luminance(rgb(first) if isinstance(first, str) else first)
    b = luminance(rgb(second) if isinstance(second, str) else second)
    lighter, darker = max(a, b), min(a, b)
    return (lighter + 0.05) / (darker + 0.05)
