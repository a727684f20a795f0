#!/usr/bin/env python3
"""Keep the web layer's message catalogues in step with its templates and code.

    .venv/bin/python tools/catalogues.py            # extract, update every .po, compile .mo
    .venv/bin/python tools/catalogues.py --check    # exit 1 if anything is out of date
    .venv/bin/python tools/catalogues.py --add fr   # start a catalogue for a new language

Strings come from ``src/ilead_shell/web`` (templates: ``_()``; Python: ``_()``, ``N_()``,
``ngettext()``); the template is ``locale/messages.pot``; each language's
``locale/<lang>/LC_MESSAGES/messages.po`` is what a translator edits, and its compiled
``messages.mo`` is what pages read.  Babel does the work (a test dependency, not needed
at run time); the output is deterministic: no dates, no line numbers, sorted by message.
"""

from __future__ import annotations

import argparse
import io
import sys
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

WEB = Path(__file__).resolve().parent.parent / "src" / "ilead_shell" / "web"
LOCALE = WEB / "locale"
DOMAIN = "messages"
METHODS = [("templates/**.html", "jinja2"), ("**.py", "python")]
OPTIONS = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}}
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None, "NP_": (1, 2)}
PROJECT = "ilead-shell"
FIXED_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)


def extracted() -> Catalog:
    catalog = Catalog(project=PROJECT, version="", copyright_holder="the ilead-shell authors",
                      msgid_bugs_address="", creation_date=None, charset="utf-8", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            str(WEB), METHODS, OPTIONS, keywords=KEYWORDS, comment_tags=("Translators:",)):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def po_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    # File names without line numbers: editing a template changes the catalogues only when its
    # strings change.  Sorted by message, so moving a string does not reorder the file either.
    write_po(out, catalog, width=100, sort_output=True, omit_header=False, no_location=False, include_lineno=False)
    return out.getvalue()


def mo_bytes(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _fixed_header(catalog: Catalog) -> Catalog:
    # One fixed date in every file: the same strings always give the same bytes.
    catalog.creation_date = catalog.revision_date = FIXED_DATE
    return catalog


def languages() -> list[str]:
    return sorted(p.name for p in LOCALE.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file())


def planned(template: Catalog) -> dict[Path, bytes]:
    """Every catalogue file as it should be, from the sources and the translators' .po files."""
    files = {LOCALE / f"{DOMAIN}.pot": po_bytes(_fixed_header(template))}
    for language in languages():
        po_path = LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        _fixed_header(catalog)
        files[po_path] = po_bytes(catalog)
        files[po_path.with_suffix(".mo")] = mo_bytes(catalog)
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 when a file is out of date")
    parser.add_argument("--add", metavar="LANG", help="start the catalogue of a new language (e.g. fr, pt-BR)")
    args = parser.parse_args()
    template = extracted()
    if args.add:
        language = args.add.replace("-", "_")
        target = LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        if target.exists():
            print(f"{target} exists already", file=sys.stderr)
            return 1
        catalog = Catalog(locale=language, project=PROJECT, creation_date=None, fuzzy=False)
        catalog.update(template, no_fuzzy_matching=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(po_bytes(_fixed_header(catalog)))
        print(f"wrote {target}: translate each msgstr, then run tools/catalogues.py")
    stale = []
    for path, data in planned(template).items():
        if not path.exists() or path.read_bytes() != data:
            stale.append(path)
            if not args.check:
                path.write_bytes(data)
    for path in stale:
        print(f"{'out of date' if args.check else 'wrote'}: {path.relative_to(WEB.parent.parent.parent)}")
    untranslated = []
    for language in languages():
        with (LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as handle:
            catalog = read_po(handle, locale=language)
        untranslated += [f"{language}: {m.id!r}" for m in catalog if m.id and (not m.string or
                         (isinstance(m.string, tuple) and not all(m.string)) or m.fuzzy)]
    for line in untranslated:
        print(f"untranslated: {line}")
    return 1 if args.check and (stale or untranslated) else 0


if __name__ == "__main__":
    sys.exit(main())
