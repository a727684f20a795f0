"""The contract between ``ilead-shell validate`` and a bundle validator.

A validator is a class registered in the ``ilead_shell.validators`` entry-point group, next to
the exporter that writes its format (``exporters/ilead_cc/validator.py`` and so on).  It says
whether it :meth:`~BundleValidator.claims` a bundle (from its members, not its file name) and
returns :class:`Finding` objects for everything wrong with it.  A validator never extracts
anything: it reads members through :class:`~ilead_shell.validation.archive.BundleArchive`, which
bounds sizes and refuses unsafe paths, and parses XML with :func:`parse_xml`, which never
expands entities or touches the network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from lxml import etree

if TYPE_CHECKING:
    from .archive import BundleArchive

Severity = Literal["error", "warning", "note"]

# The readers a finding can name.  "every LMS" marks the format's own packaging rules.
EVERY_LMS = "every LMS"
MOODLE = "Moodle"
CANVAS = "Canvas"
CC2OLX = "Open edX (cc2olx)"
VIEWER = "Canvas Commons viewer"
OPEN_EDX = "Open edX"
SCORM_PLAYERS = "SCORM players"


@dataclass(frozen=True)
class Finding:
    """One problem in a bundle: where it is, how bad, which readers it hurts, which rule found it."""

    level: Severity
    message: str
    member: str = ""  # path inside the bundle; "" for the bundle as a whole
    line: int = 0
    affects: tuple[str, ...] = (EVERY_LMS,)
    rule: str = ""

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    def format(self, bundle: str) -> str:
        where = ":".join(part for part in (bundle, self.member, str(self.line) if self.line else "") if part)
        readers = ", ".join(self.affects)
        rule = f" [{self.rule}]" if self.rule else ""
        return f"{where}: {self.level}: {readers}: {self.message}{rule}"

    def as_json(self, bundle: str) -> dict:
        return {"bundle": bundle, "member": self.member, "line": self.line, "level": self.level,
                "affects": list(self.affects), "rule": self.rule, "message": self.message}


def error(rule: str, message: str, member: str = "", line: int = 0, affects: tuple[str, ...] = (EVERY_LMS,)) -> Finding:
    return Finding("error", message, member, line or 0, affects, rule)


def warning(rule: str, message: str, member: str = "", line: int = 0,
            affects: tuple[str, ...] = (EVERY_LMS,)) -> Finding:
    return Finding("warning", message, member, line or 0, affects, rule)


def note(rule: str, message: str, member: str = "", affects: tuple[str, ...] = (EVERY_LMS,)) -> Finding:
    """Something worth saying that is neither wrong nor risky (what a bundle is, what was not checked)."""
    return Finding("note", message, member, 0, affects, rule)


@dataclass
class ValidationContext:
    """What the user asked for: ``schemas`` is a folder of official XSDs (``--schemas``) or None."""

    schemas: Path | None = None
    notes: list[str] = field(default_factory=list)  # what could not be checked, said once per run


class BundleValidator:
    """Base class of a format's validator."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""

    @classmethod
    def claims(cls, archive: "BundleArchive") -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def validate(self, archive: "BundleArchive", context: ValidationContext) -> list[Finding]:  # pragma: no cover
        raise NotImplementedError


# -- XML from an untrusted bundle --------------------------------------------------------------
def safe_parser() -> etree.XMLParser:
    # No DTD is loaded, no entity is expanded, nothing is fetched, and libxml2's limits on
    # depth and text size stay on (huge_tree=False).
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           remove_comments=False)


def parse_xml(data: bytes, member: str, findings: list[Finding], affects: tuple[str, ...] = (EVERY_LMS,)
              ) -> etree._Element | None:
    """The root of ``data``, or None with an error added when it is not well-formed or declares
    entities (a DTD internal subset is how entity bombs and file inclusion arrive)."""
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        line = exc.lineno or 0
        findings.append(error("xml/well-formed", f"not well-formed XML: {exc.msg}", member, line, affects))
        return None
    docinfo = root.getroottree().docinfo
    if docinfo.internalDTD is not None and len(list(docinfo.internalDTD.iterentities())) > 0:
        findings.append(error("xml/entities", "declares XML entities in a DOCTYPE; no LMS needs them and they "
                              "are how entity-expansion attacks arrive, so this member was not read", member, 1,
                              affects))
        return None
    return root


def local(node: etree._Element) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def namespace(node: etree._Element) -> str:
    return etree.QName(node).namespace or ""
