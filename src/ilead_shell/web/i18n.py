"""The interface strings of web pages in the course's language (gettext catalogues).

Catalogues live in ``locale/<language>/LC_MESSAGES/messages.po`` (what translators edit)
beside the compiled ``messages.mo`` the pages read; ``tools/catalogues.py`` extracts the
strings from the templates and Python code, updates every ``.po`` and compiles them (with
Babel, a development tool only: at run time the standard library reads ``.mo`` files).
English is the source language: an English course, or one in a language without a
catalogue, shows the strings as written in the templates.

The page scripts (quiz feedback, SCORM status) cannot call gettext, so
:func:`script_strings` hands them their strings, translated, as JSON in the page.
"""

from __future__ import annotations

import gettext
import io
from functools import lru_cache
from importlib import resources

DOMAIN = "messages"
SOURCE_LANGUAGE = "en"


def _locale_folder():
    return resources.files(__package__).joinpath("locale")


def catalogue_languages() -> tuple[str, ...]:
    """Languages with a compiled catalogue, besides English (the source)."""
    folder = _locale_folder()
    return tuple(sorted(entry.name for entry in folder.iterdir()
                        if entry.joinpath("LC_MESSAGES", f"{DOMAIN}.mo").is_file()))


def catalogue_for(language: str) -> str | None:
    """The catalogue a BCP 47 tag uses: ``es-419`` and ``es-MX`` use ``es``; English and
    languages without one use none (``None``)."""
    tag = language.replace("_", "-")
    available = catalogue_languages()
    candidates = [tag.replace("-", "_"), tag.split("-")[0].lower()]
    return next((c for c in candidates if c in available), None)


def interface_language(language: str) -> str:
    """The language the interface strings are in, for ``lang`` attributes."""
    found = catalogue_for(language)
    if found is not None:
        return found.replace("_", "-")
    return language if language.split("-")[0].lower() == SOURCE_LANGUAGE else SOURCE_LANGUAGE


def missing_catalogue(language: str) -> bool:
    """True when pages in ``language`` fall back to English interface strings."""
    return language.split("-")[0].lower() != SOURCE_LANGUAGE and catalogue_for(language) is None


@lru_cache(maxsize=None)
def translations(language: str) -> gettext.NullTranslations:
    found = catalogue_for(language)
    if found is None:
        return gettext.NullTranslations()
    data = _locale_folder().joinpath(found, "LC_MESSAGES", f"{DOMAIN}.mo").read_bytes()
    return gettext.GNUTranslations(io.BytesIO(data))


def plural_rule(catalogue: gettext.NullTranslations) -> tuple[int, str]:
    """(number of plural forms, the C expression choosing one) from a catalogue's header."""
    header = catalogue.info().get("plural-forms", "") if isinstance(catalogue, gettext.GNUTranslations) else ""
    if not header:
        return 2, "n != 1"
    parts = dict(p.strip().split("=", 1) for p in header.split(";") if "=" in p)
    return int(parts["nplurals"]), parts["plural"].strip()


def plural_forms(catalogue: gettext.NullTranslations, singular: str, plural: str) -> list[str]:
    """Every plural form of a message, in the catalogue's order, for the page scripts."""
    count, expression = plural_rule(catalogue)
    choose = gettext.c2py(expression)
    examples: dict[int, int] = {}
    for n in range(0, 1000):
        examples.setdefault(int(choose(n)), n)
        if len(examples) == count:
            break
    return [catalogue.ngettext(singular, plural, examples[i]) if i in examples else plural
            for i in range(count)]
