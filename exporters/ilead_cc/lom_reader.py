"""The manifest's LOM metadata read back (the inverse of :mod:`.lom`): the course's code (its
keyword), language, version, authors (vCards) and licence (an SPDX id or its Creative Commons
address in the rights description)."""

from __future__ import annotations

import re

from ilead_shell.import_api import ImportedCourse

from .lom import LICENCE_URLS
from .qti_scoring import children, descendants, local

_CODE = re.compile(r"^[A-Za-z0-9_-]{2,40}$")
_VERSION = re.compile(r"^Version (?P<version>\S+)$")
_SPDX = re.compile(r"^(?P<id>[A-Za-z0-9.+-]+)(?: - \S+)?$")


def _strings(node, name: str) -> list[str]:
    found = []
    for element in descendants(node, name):
        strings = descendants(element, "string") or [element]
        found += [" ".join((s.text or "").split()) for s in strings if (s.text or "").strip()]
    return found


def _lom(metadata):
    if metadata is None:
        return None
    return next((c for c in children(metadata) if local(c) == "lom"), None)


def keyword(manifest) -> str | None:
    metadata = (children(manifest, "metadata") or [None])[0]
    lom = _lom(metadata)
    if lom is None:
        return None
    general = (children(lom, "general") or [None])[0]
    words = _strings(general, "keyword") if general is not None else []
    return words[0] if len(words) == 1 and _CODE.match(words[0]) and any(c.isdigit() for c in words[0]) else None


def fill_course(course: ImportedCourse, metadata) -> None:
    lom = _lom(metadata)
    if lom is None:
        return
    general = (children(lom, "general") or [None])[0]
    if general is not None:
        language = [(e.text or "").strip() for e in children(general, "language")]
        if language and language[0] and course.language == "en":
            course.language = language[0]
        for text in _strings(general, "description"):
            match = _VERSION.match(text)
            if match:
                course.version = match.group("version")
    for contribute in descendants(lom, "contribute"):
        roles = [(v.text or "").strip() for r in children(contribute, "role") for v in children(r, "value")]
        if "author" not in roles:
            continue
        for entity in children(contribute, "entity"):
            name = re.search(r"^FN:(.*)$", entity.text or "", re.MULTILINE)
            if name:
                course.authors.append(re.sub(r"\\(.)", r"\1", name.group(1).strip()))
    if course.license is None:
        for rights in children(lom, "rights"):
            for text in _strings(rights, "description"):
                match = _SPDX.match(text)
                urls = {url: spdx for spdx, url in LICENCE_URLS.items()}
                if match and match.group("id") in LICENCE_URLS:
                    course.license = match.group("id")
                elif text.strip() in urls:
                    course.license = urls[text.strip()]
