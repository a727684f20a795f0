"""What differs between Common Cartridge 1.1 and 1.3: namespaces, type strings, roles.

Every other module asks a :class:`CcProfile` instead of testing the version, so a
1.1 manifest can never pick up a 1.3-only type (the 1.1 XSD enumerates its types).

Discussions, web links, quizzes and learning-application resources keep their CC 1.1
type names and descriptor namespaces in a 1.3 manifest too, as Canvas's own 1.3 exports
do: the Canvas cartridge viewer knows only those names (its ``resourceTypes``), and
cc2olx picks a descriptor's namespace from its type name.  The 1.3 manifest schema does
not enumerate types; only the assignment type and ``cpx:variant`` are 1.3's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

CcVersion = Literal["1.1", "1.3"]

XSI = "http://www.w3.org/2001/XMLSchema-instance"
QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CPX_NS = "http://www.imsglobal.org/xsd/imsccv1p3/imscp_extensionv1p2"
ASSIGNMENT_NS = "http://www.imsglobal.org/xsd/imscc_extensions/assignment"
CANVAS_NS = "http://canvas.instructure.com/xsd/cccv1p0"
CANVAS_SCHEMA = f"{CANVAS_NS} https://canvas.instructure.com/xsd/cccv1p0.xsd"


@dataclass(frozen=True)
class CcProfile:
    version: CcVersion

    @property
    def tag(self) -> str:
        return "1p1" if self.version == "1.1" else "1p3"

    @property
    def schemaversion(self) -> str:
        return f"{self.version}.0"

    # -- namespaces -----------------------------------------------------------------
    @property
    def manifest_ns(self) -> str:
        return f"http://www.imsglobal.org/xsd/imsccv{self.tag}/imscp_v1p1"

    @property
    def lom_manifest_ns(self) -> str:
        return f"http://ltsc.ieee.org/xsd/imsccv{self.tag}/LOM/manifest"

    @property
    def lom_resource_ns(self) -> str:
        return f"http://ltsc.ieee.org/xsd/imsccv{self.tag}/LOM/resource"

    @property
    def descriptor_tag(self) -> str:
        """The version of the descriptor types and namespaces (see the module docstring)."""
        return "1p1"

    @property
    def discussion_ns(self) -> str:
        return f"http://www.imsglobal.org/xsd/imsccv{self.descriptor_tag}/imsdt_v{self.descriptor_tag}"

    @property
    def weblink_ns(self) -> str:
        return f"http://www.imsglobal.org/xsd/imsccv{self.descriptor_tag}/imswl_v{self.descriptor_tag}"

    def schema_location(self) -> str:
        base = f"http://www.imsglobal.org/profile/cc/ccv{self.tag}"
        pairs = [
            (self.manifest_ns, f"{base}/ccv{self.tag}_imscp_v1p2_v1p0.xsd"),
            (self.lom_resource_ns, f"{base}/LOM/ccv{self.tag}_lomresource_v1p0.xsd"),
            (self.lom_manifest_ns, f"{base}/LOM/ccv{self.tag}_lommanifest_v1p0.xsd"),
        ]
        if self.version == "1.3":
            pairs.append((CPX_NS, f"{base}/ccv1p3_cpextensionv1p2_v1p0.xsd"))
        return " ".join(f"{ns} {url}" for ns, url in pairs)

    # -- resource types ---------------------------------------------------------------
    @property
    def discussion_type(self) -> str:
        return f"imsdt_xmlv{self.descriptor_tag}"

    @property
    def weblink_type(self) -> str:
        return f"imswl_xmlv{self.descriptor_tag}"

    @property
    def assessment_type(self) -> str:
        return f"imsqti_xmlv1p2/imscc_xmlv{self.descriptor_tag}/assessment"

    @property
    def lar_type(self) -> str:
        return f"associatedcontent/imscc_xmlv{self.descriptor_tag}/learning-application-resource"

    @property
    def has_assignments(self) -> bool:
        """CC 1.3 has an assignment resource type; CC 1.1 has none."""
        return self.version == "1.3"

    @property
    def allows_or(self) -> bool:
        """``<or>`` in a QTI condition is valid only under the CC 1.3 QTI profile."""
        return self.version == "1.3"

    @property
    def min_choices(self) -> int:
        return 3 if self.version == "1.1" else 2

    @property
    def role_source(self) -> str:
        return "IMSGLC_CC_Rolesv1p1" if self.version == "1.1" else "IMSGLC_CC_Rolesv1p2"


CC11 = CcProfile("1.1")
CC13 = CcProfile("1.3")
