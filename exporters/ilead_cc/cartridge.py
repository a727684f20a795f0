"""The manifest of a cartridge: an organization tree and a list of resources.

Exporters fill a :class:`Cartridge` while they add files to the bundle; the manifest is
written last, from this model, with lxml.  Element order follows the CC profile:
``metadata?, file*, dependency*`` then (CC 1.3) ``cpx:variant``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from .copies import append_copy
from .profiles import CPX_NS, XSI, CcProfile


@dataclass
class Resource:
    identifier: str
    type: str
    files: list[str] = field(default_factory=list)
    href: str | None = None
    dependencies: list[str] = field(default_factory=list)
    intendeduse: str | None = None
    instructor_only: bool = False
    variant_of: str | None = None  # CC 1.3: the preferred resource this one stands in for

    def depend_on(self, identifier: str) -> None:
        if identifier != self.identifier and identifier not in self.dependencies:
            self.dependencies.append(identifier)


@dataclass
class OrgItem:
    identifier: str
    title: str
    identifierref: str | None = None
    children: list["OrgItem"] = field(default_factory=list)


@dataclass
class Cartridge:
    profile: CcProfile
    identifier: str
    metadata: etree._Element
    folders: list[OrgItem] = field(default_factory=list)
    resources: dict[str, Resource] = field(default_factory=dict)

    def add_resource(self, resource: Resource) -> Resource:
        if resource.identifier in self.resources:
            raise ValueError(f"duplicate resource identifier {resource.identifier}")
        self.resources[resource.identifier] = resource
        return resource

    def to_xml(self) -> etree._Element:
        p = self.profile
        nsmap = {None: p.manifest_ns, "lom": p.lom_resource_ns, "lomimscc": p.lom_manifest_ns, "xsi": XSI}
        if p.version == "1.3":
            nsmap["cpx"] = CPX_NS
        ns = f"{{{p.manifest_ns}}}"
        root = etree.Element(f"{ns}manifest", nsmap=nsmap, identifier=self.identifier)
        root.set(f"{{{XSI}}}schemaLocation", p.schema_location())
        root.append(self.metadata)

        organizations = etree.SubElement(root, f"{ns}organizations")
        if self.folders:
            organization = etree.SubElement(organizations, f"{ns}organization",
                                            identifier="ORG", structure="rooted-hierarchy")
            top = etree.SubElement(organization, f"{ns}item", identifier="ROOT")
            for folder in self.folders:
                self._append_item(top, folder, ns)

        resources = etree.SubElement(root, f"{ns}resources")
        for resource in self.resources.values():
            self._append_resource(resources, resource, ns)
        return root

    def _append_item(self, parent: etree._Element, item: OrgItem, ns: str) -> None:
        def build(holder: etree._Element) -> None:
            node = etree.SubElement(holder, f"{ns}item", identifier=item.identifier)
            if item.identifierref:
                node.set("identifierref", item.identifierref)
            etree.SubElement(node, f"{ns}title").text = item.title

        def fill(node: etree._Element) -> None:
            node.set("identifier", item.identifier)
            if item.identifierref:
                node.set("identifierref", item.identifierref)
            node[0].text = item.title
        node = append_copy(parent, ("cc-org-item", ns, bool(item.identifierref)), build, fill)
        for child in item.children:
            self._append_item(node, child, ns)

    def _append_resource(self, parent: etree._Element, resource: Resource, ns: str) -> None:
        """A copy of a resource with as many files and dependencies, its references filled in."""
        def fill(node: etree._Element) -> None:
            node.set("identifier", resource.identifier)
            if resource.href:
                node.set("href", resource.href)
            first = 1 if resource.instructor_only else 0
            for index, href in enumerate(resource.files, start=first):
                node[index].set("href", href)
            first += len(resource.files)
            for index, dependency in enumerate(resource.dependencies, start=first):
                node[index].set("identifierref", dependency)
            if resource.variant_of:
                node[-1].set("identifier", f"V{resource.identifier}")
                node[-1].set("identifierref", resource.variant_of)
        shape = ("cc-resource", ns, resource.type, bool(resource.href), resource.intendeduse, resource.instructor_only,
                 len(resource.files), len(resource.dependencies), bool(resource.variant_of))
        append_copy(parent, shape, lambda holder: holder.append(self._resource_xml(resource, ns)), fill)

    def _resource_xml(self, resource: Resource, ns: str) -> etree._Element:
        node = etree.Element(f"{ns}resource", identifier=resource.identifier, type=resource.type)
        if resource.href:
            node.set("href", resource.href)
        if resource.intendeduse:
            node.set("intendeduse", resource.intendeduse)
        if resource.instructor_only:
            node.append(self._instructor_only_metadata(ns))
        for href in resource.files:
            etree.SubElement(node, f"{ns}file", href=href)
        for dependency in resource.dependencies:
            etree.SubElement(node, f"{ns}dependency", identifierref=dependency)
        if resource.variant_of:
            variant = etree.SubElement(node, f"{{{CPX_NS}}}variant", identifier=f"V{resource.identifier}",
                                       identifierref=resource.variant_of)
            etree.SubElement(variant, f"{{{CPX_NS}}}metadata")
        return node

    def _instructor_only_metadata(self, ns: str) -> etree._Element:
        """Unpublished items: Canvas imports them unpublished, Moodle hides them."""
        lom = f"{{{self.profile.lom_resource_ns}}}"
        metadata = etree.Element(f"{ns}metadata")
        role = etree.SubElement(etree.SubElement(etree.SubElement(metadata, f"{lom}lom"), f"{lom}educational"),
                                f"{lom}intendedEndUserRole")
        etree.SubElement(role, f"{lom}source").text = self.profile.role_source
        etree.SubElement(role, f"{lom}value").text = "Instructor"
        return metadata
