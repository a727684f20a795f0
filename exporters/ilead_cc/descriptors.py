"""Descriptor files of discussion, web-link and (CC 1.3) assignment resources."""

from __future__ import annotations

from lxml import etree

from ilead_shell.model import Assignment

from .profiles import ASSIGNMENT_NS, XSI, CcProfile


def _root(tag: str, ns: str, schema: str) -> etree._Element:
    root = etree.Element(f"{{{ns}}}{tag}", nsmap={None: ns, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{ns} {schema}")
    return root


def topic(profile: CcProfile, title: str, html: str, attachments: list[str] = ()) -> etree._Element:
    ns = profile.discussion_ns
    tag = profile.descriptor_tag
    root = _root("topic", ns, f"http://www.imsglobal.org/profile/cc/ccv{tag}/ccv{tag}_imsdt_v{tag}.xsd")
    etree.SubElement(root, f"{{{ns}}}title").text = title
    etree.SubElement(root, f"{{{ns}}}text", texttype="text/html").text = html
    if attachments:
        holder = etree.SubElement(root, f"{{{ns}}}attachments")
        for href in attachments:
            etree.SubElement(holder, f"{{{ns}}}attachment", href=href)
    return root


def web_link(profile: CcProfile, title: str, url: str) -> etree._Element:
    ns = profile.weblink_ns
    tag = profile.descriptor_tag
    root = _root("webLink", ns, f"http://www.imsglobal.org/profile/cc/ccv{tag}/ccv{tag}_imswl_v{tag}.xsd")
    etree.SubElement(root, f"{{{ns}}}title").text = title
    etree.SubElement(root, f"{{{ns}}}url", href=url, target="_blank")
    return root


SUBMISSION_FORMATS = {"text": "html", "url": "url", "file": "file"}


def assignment(identifier: str, item: Assignment, html: str, instructor_html: str = "",
               extension: etree._Element | None = None) -> etree._Element:
    """CC 1.3 ``assignment_xmlv1p0``; structure from Canvas's exports (no IMS XSD is public)."""
    ns = f"{{{ASSIGNMENT_NS}}}"
    root = _root("assignment", ASSIGNMENT_NS,
                 "http://www.imsglobal.org/profile/cc/cc_extensions/cc_extresource_assignmentv1p0_v1p0.xsd")
    root.set("identifier", identifier)
    etree.SubElement(root, f"{ns}title").text = item.title
    etree.SubElement(root, f"{ns}text", texttype="text/html").text = html
    if instructor_html:
        etree.SubElement(root, f"{ns}instructor_text", texttype="text/html").text = instructor_html
    gradable = etree.SubElement(root, f"{ns}gradable")
    gradable.text = "true" if item.points is not None else "false"
    if item.points is not None:
        gradable.set("points_possible", f"{float(item.points)}")
    formats = etree.SubElement(root, f"{ns}submission_formats")
    for kind in item.submission:
        etree.SubElement(formats, f"{ns}format", type=SUBMISSION_FORMATS[kind])
    if extension is not None:
        etree.SubElement(root, f"{ns}extensions").append(extension)
    return root
