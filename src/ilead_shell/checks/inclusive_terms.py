"""Terms with documented inclusive alternatives, each from a style guide that names it.

Sources (each read for this list):

* GOOGLE: Google developer documentation style guide, "Write inclusive documentation",
  https://developers.google.com/style/inclusive-documentation (ableist figures of speech).
* REDHAT: Red Hat supplementary style guide, "Conscious language",
  https://github.com/redhat-documentation/supplementary-style-guide (grammar.adoc).
* APA: APA Style, "Disability" (bias-free language),
  https://apastyle.apa.org/style-grammar-guidelines/bias-free-language/disability, and the
  Publication Manual (6th ed.) §3.15 on pictorial metaphors, negative labels and euphemisms.
* MAYFIELD: The Mayfield Handbook of Technical & Scientific Writing §7.5.3, "Language Biased
  against People with Disabilities", http://web.mit.edu/course/21/21.guide/disabled.htm.
* EIGE: European Institute for Gender Equality, gender-sensitive communication toolkit, "Do not
  use gender-biased nouns to refer to groups of people", https://eige.europa.eu/publications-
  resources/toolkits-guides/gender-sensitive-communication.
* AP: Associated Press Stylebook on gender-neutral language, as summarised by CREW Network,
  https://crewnetwork.org/knowledge-base/associated-press-style/gender-neutral-language.

A course turns a term off with ``checks: inclusive_language: allow: [term]`` (a quotation, a
title, a term of art) and adds its own with ``terms: {term: what to write instead}``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

GOOGLE = "Google developer documentation style guide"
REDHAT = "Red Hat supplementary style guide"
APA = "APA Style, bias-free language"
MAYFIELD = "Mayfield Handbook §7.5.3"
EIGE = "EIGE gender-sensitive communication toolkit"
AP = "AP Stylebook"
COURSE = "this course's checks: inclusive_language: terms"


@dataclass(frozen=True)
class Term:
    words: str  # what is matched, as written here (a regular expression of words)
    advice: str
    source: str

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        return re.compile(rf"(?<![\w-])(?:{self.words})(?![\w-])", re.IGNORECASE)


TERMS: tuple[Term, ...] = (
    # ableist figures of speech
    Term("crazy|insane", "say what you mean: 'baffling', 'surprising', 'unexpected'", GOOGLE),
    Term(r"blind (?:to|eye to)|turn(?:s|ed|ing)? a blind eye", "say 'unaware of' or 'ignore'", GOOGLE),
    Term(r"cripples?|crippled|crippling", "say 'slows down', 'breaks' or 'hampers'", GOOGLE),
    Term("dumb", "say 'silent', 'unintelligent' or 'simple', whichever is meant", GOOGLE),
    Term(r"sanity[- ]checks?", "say 'final check', 'confidence check' or 'review'", GOOGLE),
    Term(r"dummy (?:text|value|variable|data)", "say 'placeholder'", GOOGLE),
    # charged technical terms
    Term("blacklist(?:s|ed|ing)?", "say 'blocklist' or 'denylist'", REDHAT),
    Term("whitelist(?:s|ed|ing)?", "say 'allowlist'", REDHAT),
    Term("slaves?", "say 'secondary', 'replica' or 'worker' for systems", REDHAT),
    # disability
    Term(r"wheelchair[- ]bound|confined to a wheelchair", "say 'uses a wheelchair' or 'wheelchair user'", APA),
    Term(r"suffer(?:s|ed|ing)? from", "say 'has' or 'lives with'", MAYFIELD),
    Term(r"(?:stroke|aids|cancer|polio) victims?", "say 'person who had a stroke', 'person with ...'", MAYFIELD),
    Term("handicapped", "say 'disabled' or 'people with disabilities'", APA),
    Term(r"hearing[- ]impaired", "say 'hard of hearing' (or 'Deaf', as the community prefers)", APA),
    Term("the disabled", "say 'disabled people' or 'people with disabilities'", APA),
    Term(r"(?:the )?retarded", "say 'people with intellectual disabilities'", APA),
    Term(r"physically challenged|differently[- ]abled|handi-?capable",
         "say 'disabled' or name the disability: these euphemisms read as patronising", APA),
    # gendered nouns for mixed groups and roles
    Term("mankind", "say 'humanity' or 'humankind'", EIGE),
    Term(r"man[- ]?power", "say 'workforce', 'staff' or 'human resources'", EIGE),
    Term(r"man[- ]?made", "say 'synthetic', 'artificial' or 'human-made'", EIGE),
    Term("forefathers", "say 'ancestors'", EIGE),
    Term("(?:police|business|sales|work|repair)(?:man|men|woman|women)",
         "say 'police officer', 'business executive', 'salesperson', 'worker', 'technician'", EIGE),
    Term(r"(?:you )?guys", "say 'everyone', 'all' or 'folks' for a mixed group", EIGE),
    Term("chair(?:man|men|woman|women)", "say 'chair' or 'chairperson'", AP),
    Term("spokes(?:man|men|woman|women)", "say 'spokesperson'", AP),
    Term("fire(?:man|men)", "say 'firefighter'", AP),
    Term("city fathers", "say 'city leaders'", AP),
)


def course_terms(extra: dict[str, str], allow: list[str]) -> list[Term]:
    """The list, less what the course allows, plus its own terms."""
    allowed = [a.lower().strip() for a in allow]
    kept = [t for t in TERMS if not any(t.pattern.fullmatch(a) for a in allowed)]
    kept += [Term(re.escape(word), f"say '{better}'", COURSE) for word, better in extra.items()]
    return kept
