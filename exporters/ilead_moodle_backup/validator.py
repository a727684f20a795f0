"""``ilead-shell validate`` for Moodle course backups (``.mbz``), ours or a Moodle site's.

What can be checked without a Moodle site, each rule read in Moodle 5.1's restore code
(``public/backup/``):

- ``mbz/format``: Moodle knows a backup as its own (format ``moodle2``) only when the first 200
  bytes of ``moodle_backup.xml`` hold the UTF-8 XML declaration, ``<moodle_backup>`` and
  ``<information>`` (``convert_helper::detect_moodle2_format``); otherwise it is an "Unknown
  backup format".
- ``xml/well-formed``: every XML member; Moodle's progressive parser stops the restore on the
  first that is not.
- ``mbz/missing-folder``, ``mbz/missing-xml``: each course, section and activity that
  ``moodle_backup.xml`` lists has its folder and the XML files its restore task always reads
  (``restore_*_task::build``); a missing one stops the restore with
  ``missing_moodle_backup_xml_file`` (``restore_structure_step::execute``).
- ``mbz/file-missing``: a ``files.xml`` record whose content is not at ``files/<2>/<sha1>``
  (``backup_file_manager::get_backup_content_file_location``): Moodle restores the course
  without that file, with the warning "Missing file in backup" (``restore_dbops::send_files_to_pool``).
- ``mbz/file-hash``: ``files/`` is content-addressed: bytes stored under a hash must have that
  SHA-1, or the backup was damaged or edited by hand.
"""

from __future__ import annotations

import posixpath
import re

from ilead_shell.validation.api import (
    MOODLE, BundleValidator, Finding, ValidationContext, error, local, note, parse_xml, warning,
)
from ilead_shell.validation.archive import BundleArchive

BACKUP_XML = "moodle_backup.xml"
AFFECTS = (MOODLE,)
# What restore_root_task, restore_course_task, restore_section_task and restore_activity_task
# read with a restore_structure_step that has no condition of its own on the file's existence.
ROOT_FILES = ("files.xml", "groups.xml", "scales.xml", "outcomes.xml", "questions.xml")
COURSE_FILES = ("course.xml", "roles.xml")
SECTION_FILES = ("section.xml",)
ACTIVITY_FILES = ("module.xml", "roles.xml", "grades.xml")  # and <modulename>.xml
_SHA1 = re.compile(r"^[0-9a-f]{40}$")
_DETECTED = (b'<?xml version="1.0" encoding="utf-8"?>', b"<moodle_backup>", b"<information>")


class MoodleBackupValidator(BundleValidator):
    name = "mbz"
    description = "Moodle course backup (.mbz)"

    @classmethod
    def claims(cls, archive: BundleArchive) -> bool:
        return archive.has(BACKUP_XML)

    def validate(self, archive: BundleArchive, context: ValidationContext) -> list[Finding]:
        found: list[Finding] = []
        data = archive.read(BACKUP_XML, found) or b""
        first = data[:200]
        if not (_DETECTED[0] in first.lower() and all(mark in first for mark in _DETECTED[1:])):
            found.append(error("mbz/format", "Moodle recognises its own backups only when the first 200 bytes of "
                               "moodle_backup.xml hold <?xml version=\"1.0\" encoding=\"UTF-8\"?>, <moodle_backup> "
                               "and <information>; this one is an 'Unknown backup format' there", BACKUP_XML, 1,
                               AFFECTS))
        roots = {}
        for name in archive.files():
            if name.endswith(".xml"):
                member = archive.read(name, found)
                if member is not None:
                    roots[name] = parse_xml(member, name, found, AFFECTS)
        backup = roots.get(BACKUP_XML)
        if backup is None or local(backup) != "moodle_backup":
            if backup is not None:
                found.append(error("mbz/format", f"the root element is <{local(backup)}>, not <moodle_backup>",
                                   BACKUP_XML, backup.sourceline, AFFECTS))
            return found
        found += _structure(archive, backup)
        files = roots.get("files.xml")
        if files is not None:
            found += _file_pool(archive, backup, files)
        return found


def _structure(archive: BundleArchive, backup) -> list[Finding]:
    found = [_missing(archive, name, "the backup", backup) for name in ROOT_FILES if not archive.has(name)]
    contents = backup.find("information/contents")
    if contents is None:
        return [*found, error("mbz/missing-xml", "moodle_backup.xml has no information/contents: Moodle's "
                              "restore plan has nothing to restore", BACKUP_XML, backup.sourceline, AFFECTS)]
    listed = [(node, "course", COURSE_FILES) for node in contents.findall("course")]
    listed += [(node, "section", SECTION_FILES) for node in contents.findall("sections/section")]
    listed += [(node, "activity", ACTIVITY_FILES + (f"{(node.findtext('modulename') or '').strip()}.xml",))
               for node in contents.findall("activities/activity")]
    folders = {posixpath.dirname(name) for name in archive.members} | set(archive.members)
    for node, kind, needed in listed:
        folder = (node.findtext("directory") or "").strip().strip("/")
        title = (node.findtext("title") or "").strip()
        what = f"{kind} '{title}'" if title else kind
        if not folder or posixpath.normpath(folder) != folder or folder.startswith(("/", "..")):
            found.append(error("mbz/missing-folder", f"the {what} names the folder {folder!r}, which is not a folder "
                               "inside the backup", BACKUP_XML, node.sourceline, AFFECTS))
            continue
        if folder not in folders:
            found.append(error("mbz/missing-folder", f"the {what} is in folder {folder}/, which the backup does not "
                               "have: Moodle's restore stops (missing_moodle_backup_xml_file)", BACKUP_XML,
                               node.sourceline, AFFECTS))
            continue
        found += [_missing(archive, f"{folder}/{name}", f"the {what}", node)
                  for name in needed if name != ".xml" and not archive.has(f"{folder}/{name}")]
    return found


def _missing(archive: BundleArchive, name: str, owner: str, node) -> Finding:
    return error("mbz/missing-xml", f"{name} is missing; Moodle reads it to restore {owner} and stops with "
                 "missing_moodle_backup_xml_file without it", BACKUP_XML, node.sourceline, AFFECTS)


def _file_pool(archive: BundleArchive, backup, files) -> list[Finding]:
    if (backup.findtext("information/include_files") or "1").strip() == "0":
        return [note("mbz/no-files", "the backup was made without files (include_files 0): Moodle takes them "
                     "from the site's own file store, so files/ was not checked", BACKUP_XML, AFFECTS)]
    found: list[Finding] = []
    hashes: set[str] = set()
    for record in files.iter("file"):
        name = f"{(record.findtext('filepath') or '')}{record.findtext('filename') or ''}"
        if (record.findtext("filename") or "") == "." or (record.findtext("repositoryid") or "$@NULL@$") != "$@NULL@$":
            continue  # a folder, or a file a repository serves: nothing in files/
        contenthash = (record.findtext("contenthash") or "").strip()
        pooled = f"files/{contenthash[:2]}/{contenthash}"
        if not _SHA1.match(contenthash) or not archive.has(pooled):
            where = "has no content hash" if not contenthash else f"is not in the backup ({pooled})"
            found.append(warning("mbz/file-missing", f"file {name!r} {where}: Moodle restores the course without it "
                                 "('Missing file in backup')", "files.xml", record.sourceline, AFFECTS))
            continue
        hashes.add(contenthash)
    for contenthash in sorted(hashes):
        pooled = f"files/{contenthash[:2]}/{contenthash}"
        actual = archive.sha1(pooled)
        if actual is not None and actual != contenthash:
            found.append(error("mbz/file-hash", f"the bytes stored under this hash have SHA-1 {actual}: files/ is "
                               "content-addressed, so the backup is damaged or was edited by hand, and Moodle would "
                               "restore different content from what files.xml describes", pooled, 0, AFFECTS))
    return found
