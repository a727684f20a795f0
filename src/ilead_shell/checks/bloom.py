"""Verbs of Bloom's revised taxonomy, by level, for judging what an outcome asks of learners.

The table is the cognitive-process dimension of Anderson & Krathwohl (2001), *A Taxonomy for
Learning, Teaching, and Assessing*, pp. 67-68: the six categories, their 19 cognitive processes
and the alternative names given for each, as reproduced in Iowa State University CELT, "Revised
Bloom's Taxonomy", Table 1 (http://www.celt.iastate.edu/teaching/RevisedBlooms1.html), turned
into verbs.  Krathwohl (2002), "A Revision of Bloom's Taxonomy: An Overview", *Theory Into
Practice* 41(4), 212-218, https://doi.org/10.1207/s15430421tip4104_2, p. 215: the categories
are ordered from simple to complex, although they overlap.

A verb missing here has no level (the outcome is not judged); a course adds its own verbs
under ``checks: bloom_verbs:`` in course.yml.  British and American spellings both match.
"""

from __future__ import annotations

import re

LEVELS = ("remember", "understand", "apply", "analyze", "evaluate", "create")

VERBS: dict[str, tuple[str, ...]] = {
    # recognizing (identifying), recalling (retrieving)
    "remember": ("remember", "recognize", "identify", "recall", "retrieve"),
    # interpreting (clarifying, paraphrasing, representing, translating), exemplifying (illustrating,
    # instantiating), classifying (categorizing, subsuming), summarizing (abstracting, subsuming),
    # inferring (concluding, extrapolating, interpolating, predicting), comparing (contrasting,
    # mapping, matching), explaining (constructing models)
    "understand": ("understand", "interpret", "clarify", "paraphrase", "represent", "translate", "exemplify",
                   "illustrate", "instantiate", "classify", "categorize", "subsume", "summarize", "abstract", "infer", "conclude", "extrapolate", "interpolate", "predict", "compare",
                   "contrast", "map", "match", "explain"),
    # executing (carrying out), implementing (using)
    "apply": ("apply", "execute", "carry out", "implement", "use"),
    # differentiating (discriminating, distinguishing, focusing, selecting), organizing (finding
    # coherence, integrating, outlining, parsing, structuring), attributing (deconstructing)
    "analyze": ("analyze", "differentiate", "discriminate", "distinguish", "focus", "select", "organize",
                "integrate", "outline", "parse", "structure", "attribute", "deconstruct"),
    # checking (coordinating, detecting, monitoring, testing), critiquing (judging)
    "evaluate": ("evaluate", "check", "coordinate", "detect", "monitor", "test", "critique", "judge"),
    # generating (hypothesizing), planning (designing), producing (constructing)
    "create": ("create", "generate", "hypothesize", "plan", "design", "produce", "construct"),
}

# The levels whose verbs ask for more than choosing among given answers: an outcome at one of
# them assessed only by choice questions is not assessed at its level.
HIGH_LEVELS = ("evaluate", "create")

_PREAMBLE = re.compile(
    r"^(?:by the end of (?:this|the) (?:module|course|unit|week|programme|program),?\s+)?"
    r"(?:(?:learners|participants|students|you)\s+(?:will|should|can)\s+)?(?:be able to\s+)?")


def normalise(word: str) -> str:
    """One spelling per verb: analyse -> analyze, prioritise -> prioritize, -ising -> -izing."""
    word = word.lower().strip()
    word = re.sub(r"yse$", "yze", word)
    return re.sub(r"is(e|es|ed|ing|ation)$", r"iz\1", word)


def verb_table(extra: dict[str, list[str]] | None = None) -> dict[str, str]:
    """verb -> level, with a course's own verbs added (its choice wins)."""
    table = {normalise(verb): level for level, verbs in VERBS.items() for verb in verbs}
    for level, verbs in (extra or {}).items():
        table.update({normalise(verb): level for verb in verbs})
    return table


def outcome_verb(text: str, table: dict[str, str]) -> tuple[str, str] | None:
    """(verb, level) an outcome starts with, two-word verbs first, or None when not in the table."""
    words = re.sub(r"[^\w\s'-]", " ", text.lower()).split()
    rest = _PREAMBLE.sub("", " ".join(words), count=1).split()
    if not rest:
        return None
    for candidate in (" ".join(rest[:2]), rest[0]):
        level = table.get(normalise(candidate))
        if level:
            return candidate, level
    return None
