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

Before that search, the lower-cased text is asked whether it holds the strings every match
must contain (:func:`needed_text`: 'crazy' or 'insane' for ``crazy|insane``): a substring
test is a fast scan, and most texts lack them.
"""

from __future__ import annotations

import re

try:  # the parser re.compile itself uses; it is private, so any surprise only costs the shortcut
    from re import _parser as _sre_parse  # Python 3.11+
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre_parse  # type: ignore[no-redef]

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


Needs = tuple[tuple[frozenset[str], ...], ...]


def needed_text(pattern: str) -> Needs | None:
    """What every match of ``pattern`` (matched case-sensitively) contains, as alternatives:
    for one of them, a string of each of its sets; None when the pattern promises nothing.

    A run of literal characters must all be matched, and so must a group or a repeat of at
    least one; an alternation needs one of its branches (each branch's most telling set,
    joined).  A class, an assertion or an optional part promises no particular text.  An
    alternation that is the whole pattern (or all of it but assertions) keeps its branches
    apart: 'the' alone is in most texts, 'the' with 'left' or 'right' and 'button' or 'icon'
    in few.
    """
    try:
        items = list(_sre_parse.parse(pattern))
    except Exception:  # noqa: BLE001 - a pattern the parser refuses compiles to nothing either
        return None
    try:
        informative = [item for item in items if item[0] not in _PROMISE_NOTHING]
        if len(informative) == 1 and informative[0][0] == _sre_parse.BRANCH:
            needs = tuple(_all_sets(branch) for branch in informative[0][1][1])
        else:
            needs = (_all_sets(items),)
    except Exception:  # noqa: BLE001 - a parser tree not as expected: no shortcut
        return None
    return needs if needs and all(needs) else None


def _all_sets(items) -> tuple[frozenset[str], ...]:
    """Every set of strings one of which a match of ``items`` contains, the most telling first."""
    found: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in [*items, (None, None)]:
        if op == _sre_parse.LITERAL:
            run.append(chr(av))
            continue
        if run:
            found.append(frozenset(["".join(run)]))
            run = []
        inner: tuple[frozenset[str], ...] = ()
        if op == _sre_parse.SUBPATTERN and not av[1] and not av[2]:  # a group that sets no flag
            inner = _all_sets(av[3])
        elif op == _ATOMIC_GROUP:
            inner = _all_sets(av)
        elif op == _sre_parse.BRANCH:
            branches = [_all_sets(branch) for branch in av[1]]
            if all(branches):
                inner = (frozenset().union(*(sets[0] for sets in branches)),)
        elif op in _REPEATS and av[0] >= 1:
            inner = _all_sets(av[2])
        found += inner
    return tuple(sorted(found, key=lambda strings: (-min(map(len, strings)), len(strings), sorted(strings))))


_REPEATS = {getattr(_sre_parse, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
            if hasattr(_sre_parse, name)}
_ATOMIC_GROUP = getattr(_sre_parse, "ATOMIC_GROUP", object())
_PROMISE_NOTHING = {_sre_parse.AT, _sre_parse.ASSERT, _sre_parse.ASSERT_NOT}


def _holds(lowered: str, needs: Needs) -> bool:
    # Plain loops: generator expressions three deep cost more than the substring tests.
    for sets in needs:
        for strings in sets:
            for string in strings:
                if string in lowered:
                    break
            else:
                break  # none of this set: the alternative cannot match
        else:
            return True
    return False


class CaselessSearch:
    """``re.search(pattern, text, re.IGNORECASE) is not None``, faster for ASCII text."""

    def __init__(self, pattern: str):
        self.any_case = re.compile(pattern, re.IGNORECASE)
        self._lowered = re.compile(pattern) if case_free(pattern) else None
        self._needs = needed_text(pattern) if self._lowered is not None else None

    def found_in(self, text: str) -> bool:
        if self._lowered is not None and text.isascii():
            lowered = text.lower()
            if self._needs is not None and not _holds(lowered, self._needs):
                return False
            return self._lowered.search(lowered) is not None
        return self.any_case.search(text) is not None
