"""The cartridge targets: plain CC and one subclass per LMS flavour."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import field_validator

from ilead_shell.exporter_api import Bundle, Exporter, ExporterOptions
from ilead_shell.model import Course

from .builder import CartridgeBuilder
from .moodle_builder import MoodleBuilder
from .profiles import CC11, CC13, CcProfile


class CcOptions(ExporterOptions):
    cc_version: Literal["1.1", "1.3"] = "1.3"

    @field_validator("cc_version", mode="before")
    @classmethod
    def _unquoted(cls, value: Any) -> Any:
        # YAML reads `cc_version: 1.1` as the number 1.1; the author clearly means "1.1".
        return str(value) if isinstance(value, float) else value


class CommonCartridgeExporter(Exporter):
    name = "cc"
    description = "IMS Common Cartridge (1.3 by default; cc_version: \"1.1\" for older LMSs)"
    format = "zip"
    suffix = "imscc"
    Options = CcOptions
    builder: ClassVar[type[CartridgeBuilder]] = CartridgeBuilder

    def profile(self) -> CcProfile:
        return CC11 if self.options.cc_version == "1.1" else CC13

    def build_bundle(self, course: Course) -> Bundle:
        return self.builder(course, self.profile(), Bundle(format="zip")).build()

    def bundle_key(self) -> tuple:
        # Flavours that build with the same code, builder and profile make the same bytes:
        # plain CC 1.3, Brightspace and Blackboard today (tests/test_build_sharing.py checks).
        return (type(self).build_bundle, self.builder, self.profile(),
                self.options.model_dump_json(exclude={"cc_version"}))


class FixedVersionExporter(CommonCartridgeExporter):
    """A flavour whose CC version is decided by the LMS, not by course.yml."""

    Options = ExporterOptions
    fixed: ClassVar[CcProfile]

    def profile(self) -> CcProfile:
        return self.fixed


class MoodleExporter(FixedVersionExporter):
    name = "moodle"
    description = "Common Cartridge 1.1 for Moodle (Moodle imports only CC 1.0/1.1)"
    fixed = CC11
    builder = MoodleBuilder


class BrightspaceExporter(FixedVersionExporter):
    name = "brightspace"
    description = "Common Cartridge 1.3 for D2L Brightspace"
    fixed = CC13


class BlackboardExporter(FixedVersionExporter):
    name = "blackboard"
    description = "Common Cartridge 1.3 for Blackboard Learn"
    fixed = CC13
