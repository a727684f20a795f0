"""``ilead-shell validate`` for SCORM 1.2 packages (``.zip``), ours or anyone's.

The rules of the ADL SCORM 1.2 Content Aggregation Model and IMS Content Packaging 1.1.2
that the XSDs do not check (``IDREF``s, launchable items, files, ``adlcp`` values), the XSDs
themselves with ``--schemas DIR`` (``scorm12/`` as ADL ships them, patched in memory for
libxml2), and what Moodle's SCORM module does with a manifest (``mod/scorm/lib.php``
``scorm_validate_package``, ``mod/scorm/datamodels/scormlib.php``).  Sources are in
docs/validate.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from ilead_shell.validation.api import (
    EVERY_LMS, MOODLE, SCORM_PLAYERS, BundleValidator, Finding, ValidationContext, error, local, namespace,
    parse_xml, warning,
)
from ilead_shell.validation.archive import BundleArchive
from ilead_shell.validation.xsd import RESOLVERS, schema, xsd_findings

IMSCP = "http://www.imsproject.org/xsd/imscp_rootv1p1p2"
ADLCP = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
MANIFEST = "imsmanifest.xml"
ID = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
TIME = re.compile(r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$")  # CMITimespan, as maxtimeallowed uses it
TIME_LIMIT_ACTIONS = {"exit,message", "exit,no message", "continue,message", "continue,no message"}
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
SPLIT_ENTITIES = re.compile(rb"<title>([^<]*?&[#\w]+;[ \t]+&[#\w]+;[^<]*)</title>")
PLAYERS = (SCORM_PLAYERS,)


class AdlSchemaFix(etree.Resolver):
    """libxml2 refuses two ADL files as shipped: ims_xml.xsd declares the xml namespace as the
    default namespace, and imsmd's ``##any`` wildcard is not deterministic.  The copies on disk
    stay untouched; the fix is made while compiling."""

    FIXES = {"ims_xml.xsd": (b'xmlns="http://www.w3.org/XML/1998/namespace"', b""),
             "imsmd_rootv1p2p1.xsd": (b'namespace="##any"', b'namespace="##other"')}

    def resolve(self, url, pubid, context):
        name = url.rsplit("/", 1)[-1]
        if name in self.FIXES and Path(url).is_file():
            old, new = self.FIXES[name]
            return self.resolve_string(Path(url).read_bytes().replace(old, new), context, base_url=url)
        return None


RESOLVERS["scorm12"] = AdlSchemaFix


def _manifest_namespace(archive: BundleArchive, member: str) -> str:
    data = archive.read(member)
    root = parse_xml(data, member, []) if data is not None else None
    return namespace(root) if root is not None and local(root) == "manifest" else ""


class Scorm12Validator(BundleValidator):
    name = "scorm12"
    description = "SCORM 1.2 package (.zip)"

    @classmethod
    def claims(cls, archive: BundleArchive) -> bool:
        if archive.has(MANIFEST):
            return _manifest_namespace(archive, MANIFEST) == IMSCP
        nested = [n for n in archive.files() if n.endswith("/" + MANIFEST)]
        return any(_manifest_namespace(archive, n) == IMSCP for n in nested[:5])

    def validate(self, archive: BundleArchive, context: ValidationContext) -> list[Finding]:
        found: list[Finding] = []
        if not archive.has(MANIFEST):
            nested = next(n for n in archive.files() if n.endswith("/" + MANIFEST))
            return [error("scorm/manifest-location", f"imsmanifest.xml is inside a folder ({nested}); it must be at "
                          "the top of the zip, and Moodle refuses the package (badimsmanifestlocation)",
                          affects=(EVERY_LMS, MOODLE))]
        raw = archive.read(MANIFEST, found) or b""
        root = parse_xml(raw, MANIFEST, found)
        if root is None:
            return found
        found += xsd_findings(schema(context, "scorm12/scorm12_all.xsd", resolver_key="scorm12"), root, MANIFEST,
                              "scorm/xsd")
        found += _metadata_rules(root)
        found += _moodle_parser_rules(root, raw)
        found += _structure_rules(root, archive)
        return found


def _cp(root: etree._Element, path: str) -> list[etree._Element]:
    return root.findall(path, {"c": IMSCP})


def _metadata_rules(root: etree._Element) -> list[Finding]:
    found = []
    metadata = root.find(f"{{{IMSCP}}}metadata")
    schema_name = (metadata.findtext(f"{{{IMSCP}}}schema") or "").strip() if metadata is not None else ""
    version = (metadata.findtext(f"{{{IMSCP}}}schemaversion") or "").strip() if metadata is not None else ""
    line = metadata.sourceline if metadata is not None else root.sourceline
    if schema_name != "ADL SCORM":
        found.append(warning("scorm/metadata-schema", f"metadata schema is {schema_name!r}; SCORM 1.2 packages say "
                             "'ADL SCORM'", MANIFEST, line, PLAYERS))
    if version != "1.2":
        # scormlib.php: "1.3", "CAM 1.3" or "2004 ... Edition" select the SCORM 2004 player.
        if re.match(r"^((CAM )?1\.3|2004 (3rd|4th) Edition)$", version):
            found.append(error("scorm/schemaversion", f"schemaversion is {version!r}, which makes Moodle play the "
                               "package with its SCORM 2004 API; a SCORM 1.2 SCO then finds no API and records "
                               "nothing", MANIFEST, line, (MOODLE,)))
        else:
            found.append(warning("scorm/schemaversion", f"schemaversion is {version!r}; SCORM 1.2 packages say '1.2'",
                                 MANIFEST, line, PLAYERS))
    return found


def _moodle_parser_rules(root: etree._Element, raw: bytes) -> list[Finding]:
    """Moodle's parser is not namespace-aware: it matches the literal names ITEM, RESOURCE and
    ADLCP:SCORMTYPE, and it drops white-space-only text between entities in titles."""
    found = []
    prefixed = [e for e in root.iter() if isinstance(e.tag, str) and namespace(e) == IMSCP and e.prefix]
    if prefixed:
        found.append(error("moodle/scorm-prefix", f"IMS CP elements carry the prefix '{prefixed[0].prefix}:'; Moodle's "
                           "parser matches unprefixed names only and finds no items or resources", MANIFEST,
                           prefixed[0].sourceline, (MOODLE,)))
    prefixes = {prefix for e in root.iter() if isinstance(e.tag, str)
                for prefix, uri in (e.nsmap or {}).items() if uri == ADLCP}
    if prefixes and "adlcp" not in prefixes:
        found.append(error("moodle/scorm-prefix", f"the ADL namespace is bound to '{sorted(p or '' for p in prefixes)[0]}'"
                           "; Moodle reads only adlcp:scormtype and adlcp:masteryscore by that literal name, so every "
                           "SCO becomes an untracked asset", MANIFEST, root.sourceline, (MOODLE,)))
    for match in SPLIT_ENTITIES.finditer(raw):
        line = raw[:match.start()].count(b"\n") + 1
        found.append(warning("moodle/scorm-title-spaces", f"title {match.group(1).decode('utf-8', 'replace')!r} has "
                             "only spaces between two character references; Moodle's parser drops such white space",
                             MANIFEST, line, (MOODLE,)))
    return found


def _structure_rules(root: etree._Element, archive: BundleArchive) -> list[Finding]:
    found: list[Finding] = []
    c = {"c": IMSCP}
    organizations = root.find("c:organizations", c)
    resources = {r.get("identifier", ""): r for r in root.iterfind("c:resources/c:resource", c)}
    seen: dict[str, int] = {}
    for node in [root, *root.iterfind("c:organizations/c:organization", c), *root.iterfind(".//c:item", c),
                 *resources.values()]:
        identifier = node.get("identifier", "")
        if not ID.match(identifier):
            found.append(error("scorm/identifier", f"{local(node)} identifier {identifier!r} is not an XML name",
                               MANIFEST, node.sourceline))
        elif identifier in seen:
            found.append(error("scorm/duplicate-identifier", f"identifier '{identifier}' is used twice (first on line "
                               f"{seen[identifier]})", MANIFEST, node.sourceline))
        seen.setdefault(identifier, node.sourceline or 0)
    orgs = root.findall("c:organizations/c:organization", c)
    default = organizations.get("default") if organizations is not None else None
    if not orgs:
        found.append(error("scorm/organization", "the manifest has no organization, so there is nothing to launch",
                           MANIFEST, organizations.sourceline if organizations is not None else 1))
    elif default is not None and default not in {o.get("identifier") for o in orgs}:
        found.append(error("scorm/default-organization", f"organizations default='{default}' names no organization",
                           MANIFEST, organizations.sourceline))
    for item in root.iterfind(".//c:item", c):
        found += _item_rules(item, resources)
    for identifier, resource in resources.items():
        found += _resource_rules(identifier, resource, resources, archive)
    listed = {f.get("href", "") for r in resources.values() for f in r.iterfind("c:file", c)}
    unlisted = [n for n in archive.files() if n not in listed and n != MANIFEST and not n.endswith(".xsd")]
    for name in unlisted[:50]:
        found.append(warning("scorm/unlisted-file", "is in the package but no resource lists it", name, 0, PLAYERS))
    return found


def _item_rules(item: etree._Element, resources: dict[str, etree._Element]) -> list[Finding]:
    c = {"c": IMSCP}
    found = []
    name = item.get("identifier", "?")
    if not (item.findtext("c:title", namespaces=c) or "").strip():
        found.append(error("scorm/item-title", f"item '{name}' has no title", MANIFEST, item.sourceline))
    ref = item.get("identifierref")
    children = item.find("c:item", c) is not None
    if ref is not None and ref not in resources:
        found.append(error("scorm/item-resource", f"item '{name}' refers to resource '{ref}', which the manifest does "
                           "not have", MANIFEST, item.sourceline))
    elif ref is not None and not resources[ref].get("href"):
        found.append(error("scorm/launch", f"item '{name}' launches resource '{ref}', which has no href", MANIFEST,
                           item.sourceline))
    elif ref is None and not children:
        found.append(warning("scorm/empty-item", f"item '{name}' has neither a resource nor child items", MANIFEST,
                             item.sourceline))
    mastery = item.findtext(f"{{{ADLCP}}}masteryscore")
    if mastery is not None:
        try:
            ok = 0 <= float(mastery) <= 100
        except ValueError:
            ok = False
        if not ok:
            found.append(error("scorm/masteryscore", f"item '{name}': masteryscore {mastery!r} is not a number from 0 "
                               "to 100", MANIFEST, item.sourceline, PLAYERS))
    allowed = item.findtext(f"{{{ADLCP}}}maxtimeallowed")
    if allowed is not None and not TIME.match(allowed.strip()):
        found.append(error("scorm/maxtimeallowed", f"item '{name}': maxtimeallowed {allowed!r} is not HHHH:MM:SS",
                           MANIFEST, item.sourceline, PLAYERS))
    action = item.findtext(f"{{{ADLCP}}}timelimitaction")
    if action is not None and action.strip() not in TIME_LIMIT_ACTIONS:
        found.append(error("scorm/timelimitaction", f"item '{name}': timelimitaction {action!r} is not one of "
                           f"{', '.join(sorted(TIME_LIMIT_ACTIONS))}", MANIFEST, item.sourceline, PLAYERS))
    return found


def _resource_rules(identifier: str, resource: etree._Element, resources: dict[str, etree._Element],
                    archive: BundleArchive) -> list[Finding]:
    c = {"c": IMSCP}
    found = []
    kind = resource.get(f"{{{ADLCP}}}scormtype")
    if kind not in ("sco", "asset"):
        found.append(error("scorm/scormtype", f"resource '{identifier}' has adlcp:scormtype {kind!r}; it must be "
                           "'sco' or 'asset' (Moodle treats a missing one as an untracked asset)", MANIFEST,
                           resource.sourceline, (EVERY_LMS, MOODLE)))
    href = resource.get("href")
    if href and not SCHEME.match(href):
        path = unquote(urlsplit(href).path)
        if path and not archive.has(path):
            found.append(error("scorm/launch-file", f"resource '{identifier}' launches '{href}', which is not in the "
                               "package", MANIFEST, resource.sourceline))
    for file in resource.iterfind("c:file", c):
        path = file.get("href", "")
        if path and not archive.has(path) and not archive.has(unquote(path)):
            found.append(error("scorm/missing-file", f"resource '{identifier}' lists '{path}', which is not in the "
                               "package", MANIFEST, file.sourceline))
    for dependency in resource.iterfind("c:dependency", c):
        ref = dependency.get("identifierref", "")
        if ref not in resources:
            found.append(error("scorm/dependency", f"resource '{identifier}' depends on '{ref}', which the manifest "
                               "does not have", MANIFEST, dependency.sourceline))
    return found
