"""Files of the backup: ``files/<hash>`` by content, ``files.xml`` saying where each belongs.

Moodle keeps a file in the *file area* of whatever shows it (a page's content, a section's
summary, a question's text...), and the backup stores each content once under its SHA-1,
as Moodle's own file pool does.  Text refers to a file of its own area as
``@@PLUGINFILE@@/<path>``; the restore puts the files back and the links keep working.

Inside an area a file keeps its name from the source (spaces and all), under the folder it
had in its module (``images/map.png``) or under ``assets/`` for the course's shared files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import quote

from lxml import etree

from ilead_shell.exporter_api import Bundle
from ilead_shell.model import Asset, Course

from .xml import NULL_VALUE, container, record

PLUGINFILE = "@@PLUGINFILE@@"
CHUNK = 1024 * 1024

#: Moodle's licence short names for the SPDX identifiers a course may declare.
LICENCES = {
    "CC-BY-4.0": "cc-4.0",
    "CC-BY-SA-4.0": "cc-sa-4.0",
    "CC-BY-ND-4.0": "cc-nd-4.0",
    "CC-BY-NC-4.0": "cc-nc-4.0",
    "CC-BY-NC-SA-4.0": "cc-nc-sa-4.0",
    "CC-BY-NC-ND-4.0": "cc-nc-nd-4.0",
    "CC0-1.0": "public",
}


@dataclass(frozen=True)
class Area:
    """A Moodle file area; ``owner`` is the backup task whose ``inforef.xml`` lists its files
    (``course``, a section or activity key, or ``""`` for question areas, which the restore
    finds without a reference)."""

    context: int
    component: str
    filearea: str
    itemid: int = 0
    owner: str = ""


@dataclass(frozen=True)
class StoredFile:
    id: int
    area: Area
    filepath: str
    filename: str
    contenthash: str
    size: int
    mimetype: str
    sortorder: int = 0

    @property
    def url(self) -> str:
        """The link text uses inside its own area."""
        return PLUGINFILE + quote(self.filepath + self.filename, safe="/")


class FileStore:
    def __init__(self, course: Course, bundle: Bundle, epoch: int):
        self._course = course
        self._bundle = bundle
        self._epoch = epoch
        self._hashes: dict[str, tuple[str, int]] = {}  # asset key -> (sha1, size)
        self._stored: dict[tuple[Area, str], StoredFile] = {}  # (area, asset key) -> file
        self._paths: dict[tuple[Area, str], str] = {}  # (area, path in area) -> asset key
        self._pool: set[str] = set()
        self._owned: dict[str, list[int]] = {}  # owner -> ids of its files, in the order they were added
        self._next_id = 1
        self.licence = LICENCES.get(course.license or "")
        self.author = ", ".join(course.authors) or None

    def add(self, area: Area, asset: Asset, sortorder: int = 0) -> StoredFile:
        """Put ``asset`` into ``area`` (once) and return where it is."""
        known = self._stored.get((area, asset.key))
        if known is not None:
            return known
        path = self._path_in_area(area, asset)
        folder, _, filename = path.rpartition("/")
        contenthash, size = self._content(asset)
        stored = StoredFile(id=self._next_id, area=area, filepath=f"/{folder}/" if folder else "/",
                            filename=filename, contenthash=contenthash, size=size,
                            mimetype=asset.media_type, sortorder=sortorder)
        self._next_id += 1
        self._stored[(area, asset.key)] = stored
        self._owned.setdefault(area.owner, []).append(stored.id)
        return stored

    def _path_in_area(self, area: Area, asset: Asset) -> str:
        kind, _, rest = asset.key.partition("/")
        if kind == "modules":
            path = rest.partition("/")[2]  # modules/<id>/images/a.png -> images/a.png
        else:
            path = asset.key  # assets/<path>: shared files keep their assets/ folder
        owner = self._paths.setdefault((area, path), asset.key)
        if owner != asset.key:
            # A module folder named assets/ beside the course's assets/: the bundle path is unique.
            path = asset.bundle_path
            self._paths.setdefault((area, path), asset.key)
        return path

    def _content(self, asset: Asset) -> tuple[str, int]:
        found = self._hashes.get(asset.key)
        if found is None:
            source = self._course.asset_source(asset)
            found = (_sha1(self._course, asset), asset.size)
            self._hashes[asset.key] = found
            if found[0] not in self._pool:
                self._pool.add(found[0])
                self._bundle.add_file(f"files/{found[0][:2]}/{found[0]}", source)
        return found

    def ids_owned_by(self, owner: str) -> list[int]:
        return list(self._owned.get(owner, ()))

    def files_xml(self) -> etree._Element:
        return container("files", [self._record(f) for f in sorted(self._stored.values(), key=lambda f: f.id)])

    def _record(self, stored: StoredFile) -> etree._Element:
        area = stored.area
        return record(
            "file", stored.id,
            contenthash=stored.contenthash, contextid=area.context, component=area.component,
            filearea=area.filearea, itemid=area.itemid, filepath=stored.filepath, filename=stored.filename,
            userid=NULL_VALUE, filesize=stored.size, mimetype=stored.mimetype, status=0,
            timecreated=self._epoch, timemodified=self._epoch, source=stored.filename,
            author=self.author, license=self.licence, sortorder=stored.sortorder,
            repositorytype=NULL_VALUE, repositoryid=NULL_VALUE, reference=NULL_VALUE)


def _sha1(course: Course, asset: Asset) -> str:
    digest = hashlib.sha1()
    with course.open_asset(asset) as handle:  # the file the reader checked, links never followed
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()
