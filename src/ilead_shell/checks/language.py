"""Language checks for an EDI course: inclusive wording and readability, per page, with lines.

**Inclusive language** uses the documented list in :mod:`.inclusive_terms` (each term with the
style guide it comes from).  alex / retext-equality, the well-known linters, run on Node, which
the product must not need; no maintained Python equivalent exists, so the list is ours, short,
sourced, and extensible per course (``checks: inclusive_language: {allow: [...], terms: {...}}``).
A term inside quotation marks or code is being discussed, not used, and is not reported.

**Readability** is the Flesch-Kincaid grade level (Kincaid, Fishburne, Rogers & Chissom 1975,
Naval Technical Training Command report 8-75):
``0.39 × words/sentences + 11.8 × syllables/words − 15.59``, for pages, assignments, discussions,
module overviews and the course description of at least ``min_words`` words, against the
course's ``checks: readability: target_grade:`` (12 by default).  Syllables are counted with the
usual vowel-group rules for English (:func:`syllables`); ``benchmarks/bench_syllables.py``
measures them against the CMU Pronouncing Dictionary.  Both checks apply to courses whose
``language`` is English.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from pathlib import Path

from ..errors import Diagnostic, warning
from ..model import Course, Quiz
from .caseless import CaselessSearch
from .config import checks_config
from .inclusive_terms import Term, course_terms
from .source_text import SourceLines, Text, course_texts, plain_text

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n\s*")
_QUOTED = re.compile(r"[\"“][^\"”]{0,200}[\"”]|‘[^’]{0,200}’")


def _english(course: Course) -> bool:
    return course.language.lower().split("-")[0] == "en"


# -- inclusive language ---------------------------------------------------------------------------
def check_inclusive_language(course: Course) -> list[Diagnostic]:
    if not _english(course):
        return []
    config, _ = checks_config(course, [])
    terms = course_terms(config.inclusive_language.terms, config.inclusive_language.allow)
    lines = SourceLines(course)
    root = Path(course.root)
    found = []
    key = tuple(term.pattern.pattern for term in terms)
    _TERMS[key] = terms
    _ANY_TERM[key] = _any_term(terms)
    for text in course_texts(course):
        for index, said in _term_matches(text.html, key):
            term = terms[index]
            found.append(warning(
                f"{text.label} says '{said}'; {term.advice} (source: {term.source}) "
                "[inclusive-language]", root / text.path, lines.line_of(text, said)))
    return found


_TERMS: dict[tuple[str, ...], list[Term]] = {}
_ANY_TERM: dict[tuple[str, ...], CaselessSearch | None] = {}


def _any_term(terms: list[Term]) -> CaselessSearch | None:
    """One pattern that matches where any term does: most texts hold no term, and one pass over
    them costs a quarter of a pass per term.  None when the terms cannot be joined (a
    back-reference would change its meaning in the joined pattern)."""
    if any(re.search(r"\\\d|\(\?P=", term.words) for term in terms):
        return None
    try:
        return CaselessSearch(r"(?<![\w-])(?:" + "|".join(f"(?:{term.words})" for term in terms) + r")(?![\w-])")
    except re.error:
        return None


# Memoised per text: serve checks the same texts again after every edit.
@lru_cache(maxsize=8192)
def _term_matches(html: str, key: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    words = _unquoted(plain_text(html))
    joined = _ANY_TERM.get(key)
    if joined is not None and not joined.found_in(words):
        return ()
    return tuple((index, match.group(0)) for index, term in enumerate(_TERMS[key])
                 for match in term.pattern.finditer(words))


def _unquoted(text: str) -> str:
    """``text`` with each quotation blanked out, kept at its length (a quotation opens with one
    of three characters: a text without any of them is returned as it is, unsearched)."""
    if '"' not in text and "“" not in text and "‘" not in text:
        return text
    return _QUOTED.sub(lambda m: " " * len(m.group(0)), text)


def matches(term: Term, text: str) -> list[str]:
    return [m.group(0) for m in term.pattern.finditer(_QUOTED.sub(" ", text))]


# -- readability ----------------------------------------------------------------------------------
@lru_cache(maxsize=65536)  # words repeat: most of a page's words were counted before
def syllables(word: str) -> int:
    """Vowel groups, less the silent endings (-e, -es, -ed) and a leading y; at least one."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 0
    if len(w) <= 3:
        return 1
    w = re.sub(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$", lambda m: m.group(0)[0], w)
    w = re.sub(r"^y", "", w)
    return max(1, len(re.findall(r"[aeiouy]{1,2}", w)))


@lru_cache(maxsize=8192)
def text_statistics(text: str) -> tuple[int, int, int]:
    """(words, sentences, syllables) of plain text."""
    words = _WORD.findall(text)
    sentences = [s for s in _SENTENCE_END.split(text) if _WORD.search(s)]
    # Each distinct word counted once, times how often it occurs: a page repeats most of its words.
    return len(words), max(1, len(sentences)), sum(syllables(w) * n for w, n in Counter(words).items())


def flesch_kincaid_grade(words: int, sentences: int, syllable_count: int) -> float:
    return 0.39 * words / sentences + 11.8 * syllable_count / words - 15.59


def readable_texts(course: Course) -> list[Text]:
    return [t for t in course_texts(course)
            if t.kind in ("body", "overview", "description") and not isinstance(t.item, Quiz)]


def readability_rows(course: Course) -> list[dict]:
    """Per text: label, path, line, words, sentences, grade (None below the word minimum)."""
    config, _ = checks_config(course, [])
    rows = []
    for text in readable_texts(course):
        words, sentences, count = text_statistics(plain_text(text.html))
        grade = flesch_kincaid_grade(words, sentences, count) if words >= config.readability.min_words else None
        rows.append({"text": text, "words": words, "sentences": sentences, "syllables": count, "grade": grade})
    return rows


def check_readability(course: Course) -> list[Diagnostic]:
    if not _english(course):
        return []
    config, _ = checks_config(course, [])
    target = config.readability.target_grade
    root = Path(course.root)
    found = []
    for row in readability_rows(course):
        if row["grade"] is not None and row["grade"] > target:
            text = row["text"]
            found.append(warning(
                f"{text.label} reads at grade {row['grade']:.1f} (Flesch-Kincaid, {row['words']} words in "
                f"{row['sentences']} sentences); the course aims for grade {target:g} or below: shorter sentences "
                "and plainer words help every reader, and readers of English as another language most "
                "[readability]", root / text.path, text.line))
    return found
