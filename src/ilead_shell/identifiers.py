"""Stable identifiers: from the author's slugs, never from position, time or randomness.

Source identifiers (module and item ids) match :data:`ID_PATTERN`: lower-case letters and
digits in runs joined by single ``-`` or ``_``.  Because ``__`` never occurs inside one,
joining parts with ``__`` is unambiguous, and the result is already a valid XML NCName
(after a letter prefix), an Open edX url_name and a file name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
OUTCOME_ID_PATTERN = re.compile(r"^[A-Za-z0-9]+(?:[-_.][A-Za-z0-9]+)*$")
ORDER_PREFIX = re.compile(r"^\d+[-_ ]+")
_SAFE_SEGMENT = re.compile(r"[^A-Za-z0-9._-]+")
#: A derived choice id keeps the first words of the choice, up to this many characters
#: (short enough that a multiple-answer SCORM response of about ten choices fits its 255 characters).
CHOICE_ID_LENGTH = 24


def slugify(text: str) -> str:
    """ASCII, lower case, words joined by ``-``: ``"Équité & Inclusion"`` -> ``equite-inclusion``."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def slug_from_filename(stem: str) -> str:
    """The identifier implied by a file or folder name: its ``NN-`` order prefix removed."""
    return slugify(ORDER_PREFIX.sub("", stem))


def is_valid_id(value: str) -> bool:
    return bool(ID_PATTERN.match(value))


def join(*parts: str) -> str:
    """Join source identifiers unambiguously (``a-b`` + ``c`` -> ``a-b__c``)."""
    return "__".join(parts)


def ncname(prefix: str, *parts: str) -> str:
    """An XML ID (NCName) such as ``I_welcome__how-it-works``; ``prefix`` starts with a letter."""
    return f"{prefix}_{join(*parts)}" if parts else prefix


def short_hash(text: str, length: int = 10) -> str:
    """A content hash for names that must stay short; stable for the same text."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()[:length]


def choice_slug(text: str) -> str:
    """The id a choice's visible text implies: its first words as a slug, at most
    :data:`CHOICE_ID_LENGTH` characters, cut between words (``""`` when no Latin letter
    or digit is left).  From the text, never from the position, so reordering choices
    keeps what a saved answer or an LMS response id means."""
    words = [w for w in slugify(text).split("-") if w]
    slug = ""
    for word in words:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > CHOICE_ID_LENGTH:
            break
        slug = longer
    return slug or (words[0][:CHOICE_ID_LENGTH] if words else "")


def disambiguated_choice_id(slug: str, text: str) -> str:
    """For choices whose first words are alike (or have none): the slug plus a hash of
    the whole text, so the id still depends on the choice alone, not on where it is."""
    return f"{slug or 'choice'}-{short_hash(' '.join(text.split()), 6)}"


def _ascii_segment(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return _SAFE_SEGMENT.sub("-", folded).strip("-.")


def safe_path_segment(segment: str) -> str:
    """One ASCII path segment safe in every bundle format (no spaces, no non-ASCII)."""
    stem, dot, extension = segment.rpartition(".")
    if dot and stem.strip(".") and _ascii_segment(extension) and not _ascii_segment(stem):
        # '图书馆.png' folds to '.png'; without a stem it would become 'png', and LMSs that
        # pick a file's type by its extension would no longer show it as an image.
        return f"file.{_ascii_segment(extension)}"
    return _ascii_segment(segment) or "file"
