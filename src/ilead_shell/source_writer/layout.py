"""Where each module, item and file of an imported course goes, and how links reach them.

Identifiers are readable and stable: an archive's own readable id when it has one (our
cartridges name items ``I_<module>__<item>``, Canvas names wiki pages by their URL slug),
else the slug of the title; a clash within its scope adds ``-2``, ``-3``...  Folders and
files get the ``NN-`` order prefix of the source format.  A file used by one module goes into
that module's folder (so the module stays reusable); a file used by several modules, by the
course description, or by nothing goes into ``assets/``.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import quote

from ..identifiers import is_valid_id, slugify
from ..import_api import ImportedCourse, ImportedFile
from ..references import parse

_UNSAFE_SEGMENT = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]+")
_ASSET_REF = re.compile(r"""(?:href|src|poster)\s*=\s*["']ilead:asset/([^"'#]*)""")


def unique(slug: str, taken: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{number}"
        number += 1
    taken.add(candidate)
    return candidate


def readable_id(hint: str | None, title: str, fallback: str) -> str:
    if hint and is_valid_id(hint):
        return hint
    return slugify(title)[:60].strip("-") or fallback


def order_prefix(index: int, count: int) -> str:
    return f"{index:0{max(2, len(str(count)))}d}"


def safe_segment(segment: str) -> str:
    """A file or folder name as people wrote it (spaces and accents kept), minus what no disk or
    Markdown link takes: separators, control characters, a leading dot."""
    cleaned = _UNSAFE_SEGMENT.sub("-", unicodedata.normalize("NFC", segment)).strip(" .") or "file"
    return cleaned[:120]


@dataclass
class Placement:
    module_folders: dict[str, str] = field(default_factory=dict)  # module key -> "modules/01-x"
    module_ids: dict[str, str] = field(default_factory=dict)
    item_files: dict[str, str] = field(default_factory=dict)  # item key -> "modules/01-x/02-y.md"
    item_ids: dict[str, str] = field(default_factory=dict)
    file_paths: dict[str, str] = field(default_factory=dict)  # file key -> path under the course root
    unused_files: list[str] = field(default_factory=list)

    def target_of(self, url: str) -> str | None:
        """The course-relative path an ``ilead:`` URL points at (with its #fragment)."""
        reference = parse(url)
        if reference is None:
            return None
        fragment = f"#{quote(reference.fragment, safe='-_.~')}" if reference.fragment else ""
        if reference.kind == "asset":
            path = self.file_paths.get(reference.target)
        elif reference.kind == "item":
            path = self.item_files.get(reference.target)
        else:
            folder = self.module_folders.get(reference.target)
            path = f"{folder}/module.md" if folder else None
        return f"{path}{fragment}" if path else None


def file_users(course: ImportedCourse) -> dict[str, set[str]]:
    """file key -> the module keys (or ``""`` for the course) whose text or items use it."""
    users: dict[str, set[str]] = {}

    def scan(html: str, user: str) -> None:
        for match in _ASSET_REF.finditer(html or ""):
            reference = parse("ilead:asset/" + match.group(1))
            if reference is not None:
                users.setdefault(reference.target, set()).add(user)

    scan(course.description_html, "")
    for module in course.modules:
        scan(module.overview_html, module.key)
        for item in module.items:
            texts = [item.body_html, item.transcript_html]
            for question in item.questions:
                texts += [question.stem_html, question.feedback_html]
                texts += [c.html for c in question.choices] + [c.feedback_html for c in question.choices]
            for text in texts:
                scan(text, module.key)
            for key in (item.file, item.captions):
                if key:
                    users.setdefault(key, set()).add(module.key)
    return users


def _inner_path(file: ImportedFile) -> tuple[list[str], bool]:
    """The file's path below the archive's files folder, minus our own bundles' layout
    (``web_resources/modules/<module>/...``, ``web_resources/assets/...``), and whether the
    archive keeps it with the course's shared files (``assets/``)."""
    parts = [p for p in file.name.split("/") if p]
    shared = False
    if parts and parts[0] in ("web_resources", "webresources", "course_files", "files"):
        parts = parts[1:]
    if len(parts) > 2 and parts[0] == "modules":
        parts = parts[2:]
    elif len(parts) > 1 and parts[0] == "assets":
        parts, shared = parts[1:], True
    if not parts:
        parts = [file.filename or "file"]
    if file.filename and file.filename != parts[-1] and "/" not in file.filename:
        parts[-1] = file.filename
    return [safe_segment(p) for p in parts], shared


def place(course: ImportedCourse) -> Placement:
    placement = Placement()
    taken_modules: set[str] = set()
    for index, module in enumerate(course.modules, start=1):
        module_id = unique(readable_id(module.slug, module.title, "module"), taken_modules)
        folder = f"modules/{order_prefix(index, len(course.modules))}-{module_id}"
        placement.module_ids[module.key] = module_id
        placement.module_folders[module.key] = folder
        taken_items: set[str] = set()
        for number, item in enumerate(module.items, start=1):
            item_id = unique(readable_id(item.slug, item.title, item.type), taken_items)
            placement.item_ids[item.key] = item_id
            placement.item_files[item.key] = f"{folder}/{order_prefix(number, len(module.items))}-{item_id}.md"

    users = file_users(course)
    taken_paths: set[str] = set()
    for key in sorted(course.files, key=lambda k: course.files[k].name):
        file = course.files[key]
        who = users.get(key, set())
        parts, shared = _inner_path(file)
        if len(who) == 1 and "" not in who and not shared:
            base = placement.module_folders[next(iter(who))]
            if len(parts) == 1 and parts[0].lower().endswith(".md"):
                parts = ["files", *parts]  # a .md at the top of a module folder would be an item
        else:
            base = "assets"
            if not who:
                placement.unused_files.append(key)
        path = posixpath.join(base, *parts)
        stem, dot, extension = path.rpartition(".")
        if not dot or "/" in extension:
            stem, extension = path, ""
        candidate, number = path, 2
        while candidate.lower() in taken_paths:
            candidate = f"{stem}-{number}.{extension}" if extension else f"{stem}-{number}"
            number += 1
        taken_paths.add(candidate.lower())
        placement.file_paths[key] = candidate
    return placement


def relative(from_folder: str, to_path: str) -> str:
    """A relative path from a folder of the course to a file of it (fragment kept)."""
    path, hash_, fragment = to_path.partition("#")
    rel = posixpath.relpath(path, from_folder or ".")
    return f"{rel}{hash_}{fragment}"
