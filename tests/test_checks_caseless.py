"""The checks' fast case-insensitive search finds a term exactly where re.IGNORECASE does."""

from __future__ import annotations

import random
import re

import pytest

from ilead_shell.checks import accessibility, language
from ilead_shell.checks.caseless import CaselessSearch, case_free
from ilead_shell.checks.inclusive_terms import TERMS


def joined_patterns() -> list[CaselessSearch]:
    terms = language._any_term(list(TERMS))
    assert terms is not None
    return [terms, accessibility._ANY_SENSORY]


def test_the_checks_own_patterns_take_the_fast_path():
    # If a new term or phrase made a joined pattern refuse it, every text would pay IGNORECASE again.
    assert all(case_free(search.any_case.pattern) for search in joined_patterns())


def _vocabulary(pattern: str) -> list[str]:
    return sorted(set(re.findall(r"[a-z]+", pattern))) + ["-", " ", "'", ".", "_", "9", "\n"]


def _texts(pattern: str, seed: int, count: int) -> list[str]:
    """Texts made of the pattern's own words, mixed case, joined by spaces, hyphens and punctuation."""
    rng = random.Random(seed)
    words = _vocabulary(pattern)
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 8)):
            word = rng.choice(words)
            parts.append("".join(c.upper() if rng.random() < 0.3 else c for c in word))
            parts.append(rng.choice([" ", " ", "-", ", ", "", "_", "9 "]))
        texts.append("".join(parts))
    return texts


@pytest.mark.parametrize("index", [0, 1])
def test_found_in_agrees_with_ignorecase_on_texts_of_the_patterns_own_words(index):
    search = joined_patterns()[index]
    texts = _texts(search.any_case.pattern, seed=index, count=4000)
    found = [search.found_in(t) for t in texts]
    assert found == [search.any_case.search(t) is not None for t in texts]
    assert 50 < sum(found) < 3950  # both answers are exercised


@pytest.mark.parametrize("text, expected", [
    ("The RED Button", True),
    ("the ſound of it", False),  # no term; and not ASCII, so IGNORECASE decides
    ("Click the Red button, café", True),
])
def test_sensory_phrases_in_any_case_and_beyond_ascii(text, expected):
    search = accessibility._ANY_SENSORY
    assert search.found_in(text) is expected
    assert (search.any_case.search(text) is not None) is expected


def test_unicode_foldings_are_left_to_ignorecase():
    # 'ſ' (long s) folds to 's' under IGNORECASE; lower() keeps it, so such a text must not be lowered.
    search = CaselessSearch("sanity")
    assert search.found_in("ſanity")
    assert search.found_in("\u0130nsanity") is (re.search("sanity", "\u0130nsanity", re.I) is not None)


@pytest.mark.parametrize("pattern, text", [
    (r"[0-_]x", "ax"),  # the range holds the capitals A-Z; IGNORECASE lets 'a' match 'A'
    (r"[\.-_]x", "ax"),
    (r"\x41", "a"),  # 'A' by its code
    (r"(?-i:abc)", "ABC"),  # case sensitivity back on
    (r"Abc", "abc"),
    (r"(a)\1", "aA"),
])
def test_patterns_that_lowering_would_change_are_searched_with_ignorecase(pattern, text):
    assert not case_free(pattern)
    search = CaselessSearch(pattern)
    assert search.found_in(text) is (re.search(pattern, text, re.IGNORECASE) is not None)
    assert search.found_in(text.upper()) is (re.search(pattern, text.upper(), re.IGNORECASE) is not None)


@pytest.mark.parametrize("pattern", [r"[\w-]x", r"[- ]?y", r"a\-b\.c", r"(?<![\w-])(?:a|b c)(?![\w-])", r"[^-a]"])
def test_plain_word_patterns_are_case_free(pattern):
    assert case_free(pattern)


@pytest.mark.parametrize("pattern, needs", [
    ("crazy|insane", [[{"crazy"}], [{"insane"}]]),  # a whole-pattern alternation keeps its branches apart
    # re's parser takes the shared 'dum' out of the branches: 'dum', then 'b' or the other's best set
    (r"(?<![\w-])(?:dumb|dummy (?:text|data))(?![\w-])", [[{"dum"}, {"b", "data", "text"}]]),
    (r"\bthe (?:left|right) (?:button|icon)s?\b", [[{"the "}, {"button", "icon"}, {"left", "right"}, {" "}]]),
    ("(?:you )?guys", [[{"guys"}]]),
    ("(?:ab)+c", [[{"ab"}, {"c"}]]),
])
def test_needed_text_names_what_every_match_contains(pattern, needs):
    from ilead_shell.checks.caseless import needed_text

    found = needed_text(pattern)
    assert [[set(strings) for strings in sets] for sets in found] == needs


@pytest.mark.parametrize("pattern", ["a?", "(?:x|)", r"[a-z]+", r"\w", "(?:a|[bc])"])
def test_a_pattern_that_promises_no_text_gets_no_shortcut(pattern):
    from ilead_shell.checks.caseless import needed_text

    assert needed_text(pattern) is None


def test_the_shortcut_never_hides_a_match_of_the_lowered_pattern():
    from ilead_shell.checks.caseless import _holds

    for search in joined_patterns():
        texts = [t.lower() for t in _texts(search.any_case.pattern, seed=7, count=4000)]
        matched = [t for t in texts if search._lowered.search(t)]
        assert matched and all(_holds(t, search._needs) for t in matched)
        assert sum(_holds(t, search._needs) for t in texts) < len(texts)  # and it does turn texts away
