"""The official XSDs, when the user has them (``validate --schemas DIR``).

Schemas are compiled from local files only (``no_network``): every ``xs:import`` must
resolve inside DIR, which is how the IMS and ADL distributions are laid out once their
``schemaLocation`` URLs point at the neighbouring files.  A compiled schema is cached per
file, so a run over many bundles compiles each once.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from lxml import etree

from .api import EVERY_LMS, Finding, ValidationContext, error


class SchemaUnavailable(Exception):
    """The schema file is missing or does not compile; the message says which."""


@lru_cache(maxsize=None)
def _compile(path: str, driver: bytes | None, resolver_key: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    resolver = RESOLVERS.get(resolver_key)
    if resolver is not None:
        parser.resolvers.add(resolver())
    try:
        if driver is not None:
            return etree.XMLSchema(etree.fromstring(driver, parser, base_url=path))
        return etree.XMLSchema(etree.parse(path, parser))
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError, OSError) as exc:
        raise SchemaUnavailable(f"{path} does not compile: {exc}") from None


RESOLVERS: dict[str, type[etree.Resolver]] = {}  # formats register patching resolvers (SCORM's ADL files)


def schema(context: ValidationContext, relative: str, driver: bytes | None = None,
           resolver_key: str = "") -> etree.XMLSchema | None:
    """The compiled schema ``DIR/relative`` (or a driver document placed there), or None with a
    note for the run when ``--schemas`` was not given or the file is missing."""
    if context.schemas is None:
        return None
    path = Path(context.schemas) / relative
    if driver is None and not path.is_file():
        context.notes.append(f"note: {relative} is not in {context.schemas}; that XSD was not run")
        return None
    try:
        return _compile(str(path), driver, resolver_key)
    except SchemaUnavailable as exc:
        context.notes.append(f"note: {exc}; that XSD was not run")
        return None


def xsd_findings(checker: etree.XMLSchema | None, root: etree._Element, member: str, rule: str,
                 affects: tuple[str, ...] = (EVERY_LMS,), limit: int = 20) -> list[Finding]:
    if checker is None or checker.validate(root.getroottree()):
        return []
    found = [error(rule, f"XSD: {entry.message}", member, entry.line, affects) for entry in checker.error_log]
    if len(found) > limit:
        found = found[:limit] + [error(rule, f"XSD: {len(found) - limit} more errors not shown", member, 0, affects)]
    return found
