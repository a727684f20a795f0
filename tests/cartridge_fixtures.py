"""Small cartridges of every CC version (1.0-1.3) and a thin one, written with lxml for tests.

Namespaces and resource types are the ones each version's XSDs define
(../shared/reference/COMMON_CARTRIDGE.md §2 and §5; CC 1.0 uses ``imscc/imscp_v1p1`` and the
``v1p0`` type names).  The quiz scores its key in a condition that comes after the feedback
conditions and names the short answer's alternatives in two conditions, so a reader that goes
by the writer's shape instead of by what scores would get them wrong.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

VERSIONS = {
    "1.0": ("http://www.imsglobal.org/xsd/imscc/imscp_v1p1", "1.0.0", "imsdt_xmlv1p0", "imswl_xmlv1p0",
            "imsqti_xmlv1p2/imscc_xmlv1p0/assessment", "http://www.imsglobal.org/xsd/imsdt_v1p0",
            "http://www.imsglobal.org/xsd/imswl_v1p0"),
    "1.1": ("http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1", "1.1.0", "imsdt_xmlv1p1", "imswl_xmlv1p1",
            "imsqti_xmlv1p2/imscc_xmlv1p1/assessment", "http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1",
            "http://www.imsglobal.org/xsd/imsccv1p1/imswl_v1p1"),
    "1.2": ("http://www.imsglobal.org/xsd/imsccv1p2/imscp_v1p1", "1.2.0", "imsdt_xmlv1p2", "imswl_xmlv1p2",
            "imsqti_xmlv1p2/imscc_xmlv1p2/assessment", "http://www.imsglobal.org/xsd/imsccv1p2/imsdt_v1p2",
            "http://www.imsglobal.org/xsd/imsccv1p2/imswl_v1p2"),
    "1.3": ("http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1", "1.3.0", "imsdt_xmlv1p3", "imswl_xmlv1p3",
            "imsqti_xmlv1p2/imscc_xmlv1p3/assessment", "http://www.imsglobal.org/xsd/imsccv1p3/imsdt_v1p3",
            "http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3"),
}
QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000" "1f15c4890000000d49444154789c636000010000050001"
                    "0d0a2db40000000049454e44ae426082")


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _sub(parent, ns: str, tag: str, text: str | None = None, **attrs) -> etree._Element:
    node = etree.SubElement(parent, f"{{{ns}}}{tag}", attrs)
    if text is not None:
        node.text = text
    return node


def _manifest(ns: str, version: str, resources: list[tuple[str, str, str | None, list[str]]],
              items: list[tuple[str, str, str]], schema: str = "IMS Common Cartridge") -> bytes:
    root = etree.Element(f"{{{ns}}}manifest", nsmap={None: ns}, identifier="MAN_DEMO")
    metadata = _sub(root, ns, "metadata")
    _sub(metadata, ns, "schema", schema)
    _sub(metadata, ns, "schemaversion", version)
    organization = _sub(_sub(root, ns, "organizations"), ns, "organization", identifier="ORG",
                        structure="rooted-hierarchy")
    week = _sub(_sub(organization, ns, "item", identifier="ROOT"), ns, "item", identifier="WEEK1")
    _sub(week, ns, "title", "Week 1")
    for identifier, title, ref in items:
        _sub(_sub(week, ns, "item", identifier=identifier, identifierref=ref), ns, "title", title)
    holder = _sub(root, ns, "resources")
    for identifier, kind, href, files in resources:
        attrs = {"identifier": identifier, "type": kind, **({"href": href} if href else {})}
        resource = _sub(holder, ns, "resource", **attrs)
        for file in files:
            _sub(resource, ns, "file", href=file)
    return _xml(root)


def _quiz() -> bytes:
    root = etree.Element(f"{{{QTI}}}questestinterop", nsmap={None: QTI})
    section = _sub(_sub(root, QTI, "assessment", ident="QZ", title="Check"), QTI, "section", ident="root_section")

    def item(ident, title, profile):
        node = _sub(section, QTI, "item", ident=ident, title=title)
        field = _sub(_sub(_sub(node, QTI, "itemmetadata"), QTI, "qtimetadata"), QTI, "qtimetadatafield")
        _sub(field, QTI, "fieldlabel", "cc_profile")
        _sub(field, QTI, "fieldentry", profile)
        presentation = _sub(node, QTI, "presentation")
        _sub(_sub(presentation, QTI, "material"), QTI, "mattext", f"<p>{title}?</p>", texttype="text/html")
        return node, presentation

    node, presentation = item("q1", "Capital of France", "cc.multiple_choice.v0p1")
    render = _sub(_sub(presentation, QTI, "response_lid", ident="r", rcardinality="Single"), QTI, "render_choice")
    for ident, text in (("a", "Lyon"), ("b", "Paris"), ("c", "Nice")):
        _sub(_sub(_sub(render, QTI, "response_label", ident=ident), QTI, "material"), QTI, "mattext", text)
    processing = _sub(node, QTI, "resprocessing")
    _sub(_sub(processing, QTI, "outcomes"), QTI, "decvar", varname="SCORE", vartype="Decimal", maxvalue="100")
    for ident in ("a", "c"):  # feedback first, the key last: read by what scores, not by position
        condition = _sub(processing, QTI, "respcondition", **{"continue": "Yes"})
        _sub(_sub(condition, QTI, "conditionvar"), QTI, "varequal", ident, respident="r")
        _sub(condition, QTI, "displayfeedback", linkrefid=f"{ident}_fb")
    condition = _sub(processing, QTI, "respcondition", **{"continue": "No"})
    _sub(_sub(condition, QTI, "conditionvar"), QTI, "varequal", "b", respident="r")
    _sub(condition, QTI, "setvar", "100", action="Set", varname="SCORE")
    for ident in ("a", "c"):
        block = _sub(node, QTI, "itemfeedback", ident=f"{ident}_fb")
        _sub(_sub(_sub(block, QTI, "flow_mat"), QTI, "material"), QTI, "mattext", f"Not {ident}")

    node, presentation = item("q2", "Capital city", "cc.fib.v0p1")
    _sub(_sub(_sub(presentation, QTI, "response_str", ident="t"), QTI, "render_fib"), QTI, "response_label",
         ident="answer1")
    processing = _sub(node, QTI, "resprocessing")
    _sub(_sub(processing, QTI, "outcomes"), QTI, "decvar", varname="SCORE", vartype="Decimal", maxvalue="100")
    for answer in ("Paris", "paris france"):  # two conditions, one per accepted answer
        condition = _sub(processing, QTI, "respcondition", **{"continue": "No"})
        _sub(_sub(condition, QTI, "conditionvar"), QTI, "varequal", answer, respident="t")
        _sub(condition, QTI, "setvar", "100", action="Set", varname="SCORE")
    return _xml(root)


def write_cartridge(path: Path, version: str) -> Path:
    ns, schemaversion, dt_type, wl_type, qti_type, dt_ns, wl_ns = VERSIONS[version]
    topic = etree.Element(f"{{{dt_ns}}}topic", nsmap={None: dt_ns})
    _sub(topic, dt_ns, "title", "Introductions")
    _sub(topic, dt_ns, "text", '<p>Say hello. <img src="$IMS-CC-FILEBASE$../images/map.png" alt="Map"></p>',
         texttype="text/html")
    link = etree.Element(f"{{{wl_ns}}}webLink", nsmap={None: wl_ns})
    _sub(link, wl_ns, "title", "Reading")
    _sub(link, wl_ns, "url", href="https://example.org/reading")
    page = (b'<html><head><title>Welcome</title></head><body><h1>Welcome</h1><p>Start with the '
            b'<a href="../images/map.png">map</a>.</p><p><img src="../images/map.png" alt="Course map"></p></body></html>')
    resources = [("R1", "webcontent", "pages/welcome.html", ["pages/welcome.html", "images/map.png"]),
                 ("R2", wl_type, None, ["R2/weblink.xml"]), ("R3", dt_type, None, ["R3/topic.xml"]),
                 ("R4", qti_type, None, ["R4/assessment.xml"]), ("R5", "webcontent", "images/map.png", ["images/map.png"])]
    items = [("I1", "Welcome", "R1"), ("I2", "Reading", "R2"), ("I3", "Introductions", "R3"), ("I4", "Check", "R4")]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("imsmanifest.xml", _manifest(ns, schemaversion, resources, items))
        archive.writestr("pages/welcome.html", page)
        archive.writestr("images/map.png", PNG)
        archive.writestr("R2/weblink.xml", _xml(link))
        archive.writestr("R3/topic.xml", _xml(topic))
        archive.writestr("R4/assessment.xml", _quiz())
    return path


def write_thin_cartridge(path: Path) -> Path:
    ns, _, _, wl_type, _, _, wl_ns = VERSIONS["1.3"]
    with zipfile.ZipFile(path, "w") as archive:
        resources, items = [], []
        for number, url in enumerate(("https://example.org/a", "https://example.org/b"), start=1):
            link = etree.Element(f"{{{wl_ns}}}webLink", nsmap={None: wl_ns})
            _sub(link, wl_ns, "title", f"Link {number}")
            _sub(link, wl_ns, "url", href=url)
            archive.writestr(f"L{number}.xml", _xml(link))
            resources.append((f"L{number}", wl_type, None, [f"L{number}.xml"]))
            items.append((f"IL{number}", f"Link {number}", f"L{number}"))
        archive.writestr("imsmanifest.xml", _manifest(ns, "1.3.0", resources, items, "IMS Thin Common Cartridge"))
    return path
