"""``ilead-shell validate`` on the html target's preview zip, or any zip of a static site.

Such a zip is put on a web server, not imported into an LMS: there is no manifest to check.  It is
claimed (so that ``validate build/*`` passes on a whole build folder) only when it has an
``index.html`` at the top and neither of the manifests an LMS import reads (``imsmanifest.xml``
of a cartridge or SCORM package, ``course.xml`` of OLX), wherever they sit.
"""

from __future__ import annotations

import posixpath

from ilead_shell.validation.api import BundleValidator, Finding, ValidationContext, note
from ilead_shell.validation.archive import BundleArchive

LMS_MANIFESTS = ("imsmanifest.xml", "course.xml", "moodle_backup.xml")


class StaticSiteValidator(BundleValidator):
    name = "static site"
    description = "a static site such as the html preview (.zip with index.html)"

    @classmethod
    def claims(cls, archive: BundleArchive) -> bool:
        names = archive.files()
        return (archive.format == "zip" and archive.has("index.html")
                and not any(posixpath.basename(n) in LMS_MANIFESTS for n in names))

    def validate(self, archive: BundleArchive, context: ValidationContext) -> list[Finding]:
        return [note("site/static", "a static site (the html preview): nothing to validate for an LMS")]
