"""Titles Moodle can hold.

Moodle keeps names as plain text that must survive ``strip_tags``: a course name that
changes under ``clean_param(PARAM_TEXT)`` stops the whole restore
(``base_setting::validate_value``, "setting_invalid_text"), and activity names and section
summaries lose anything that looks like a tag when shown.  ``<`` that opens such a tag is
written as ``‹`` (U+2039) and its ``>`` as ``›`` (U+203A); a ``<`` before a space or a
digit, and every ``&``, stay as they are.
"""

from __future__ import annotations

import re

_TAG_LIKE = re.compile(r"<(?=[A-Za-z/!?])([^<>]*)(>?)")
OPEN, CLOSE = "\u2039", "\u203a"


def without_tags(text: str) -> str:
    return _TAG_LIKE.sub(lambda m: OPEN + m.group(1) + (CLOSE if m.group(2) else ""), text)
