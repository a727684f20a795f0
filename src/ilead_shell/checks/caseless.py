"""Case-insensitive "is it anywhere in this text?" at the speed of a case-sensitive search.

The language and accessibility checks ask one joined pattern of every term whether a text
holds any of them; most texts hold none.  ``re.IGNORECASE`` folds the case of each character
for every alternative tried at every position, which makes that search four to eight times
slower than the same search without it.

For a text of ASCII characters only, and a *case-free* pattern (:func:`case_free`), searching
the lower-cased text case-sensitively finds a match exactly where the case-insensitive search
finds one: ``str.lower()`` maps each ASCII character to one ASCII character (so offsets and
lengths stay), changes no character's class (``\\w``, ``\\s``, ``\\d``, word boundaries), and
makes equal exactly the ASCII characters that IGNORECASE makes equal (its further Unicode
foldings, 'ſ' for 's' or 'K' for 'k', involve characters that are not ASCII).  Any other text
or pattern is searched with IGNORECASE, as before.
"""

from __future__ import annotations

import re

# A capital letter also stands for the escapes \A \B \D \S \W \Z \N{...}, which are refused too.
_CAPITAL = re.compile(r"[A-Z]")
_INLINE_FLAG = re.compile(r"\(\?[aiLmsux-]")


def case_free(pattern: str) -> bool:
    """Whether ``pattern`` (ASCII) can only match letters through lower-case literals.

    Refused, as the lower-cased text would not match them as IGNORECASE matches the text: a
    capital letter, a flag group (``(?-i:...)`` turns case sensitivity back on), an escape
    that names a character by its code (``\\x41`` is 'A'), and a range in a character class
    (``[0-_]`` holds the capitals without writing one).  Refusing more than needed only costs
    speed.
    """
    if not pattern.isascii() or _CAPITAL.search(pattern) or _INLINE_FLAG.search(pattern):
        return False
    in_class = class_start = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            escaped = pattern[index + 1:index + 2]
            if escaped.isalnum() and escaped not in ("b", "w", "s", "d"):
                return False  # \x.., \u...., \0 and \1 (a code or a group number)
            class_start = False
            index += 2
            continue
        if in_class:
            if char == "]" and not class_start:
                in_class = False
            elif char == "-" and not class_start and pattern[index + 1:index + 2] != "]":
                return False
            class_start = False
        elif char == "[":
            in_class, class_start = True, True
            if pattern[index + 1:index + 2] == "^":
                index += 1
        index += 1
    return True


class CaselessSearch:
    """``re.search(pattern, text, re.IGNORECASE) is not None``, faster for ASCII text."""

    def __init__(self, pattern: str):
        self.any_case = re.compile(pattern, re.IGNORECASE)
        self._lowered = re.compile(pattern) if case_free(pattern) else None

    def found_in(self, text: str) -> bool:
        if self._lowered is not None and text.isascii():
            return self._lowered.search(text.lower()) is not None
        return self.any_case.search(text) is not None
