"""Selecting one offering of a course (MOOC, certificate, onsite...).

A module or item without ``offerings`` belongs to every offering.  The selected course
keeps only what belongs to the offering, resolves ``due: week N`` against the offering's
start (or the course's), and keeps only the files still referenced.  A link to an item or
module the offering leaves out becomes its plain text, so no bundle points at nothing; so
does a link from learners' text to material for instructors (:mod:`.audience`), which
learners could not open.
"""

from __future__ import annotations

import datetime as dt
import re
import weakref
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from pydantic import BaseModel

from .errors import Diagnostic, warning
from .model import (
    Assignment, Choice, Course, File, Item, Module, Quiz, RichText, SourceLocation, Video,
)


def belongs(offerings: tuple[str, ...] | None, name: str) -> bool:
    return offerings is None or name in offerings


def select_offering(course: Course, name: str | None = None) -> Course:
    return _select(course, name)[0]


def links_leaving_offering(course: Course, name: str | None = None) -> list[Diagnostic]:
    """Warnings for links to items or modules that the offering leaves out.

    Such a link is kept as plain text in the offering's bundles (a MOOC page may mention
    the certificate's project), so the author should know it is not a link there.
    """
    name = name or course.default_offering
    root = Path(course.root) if course.root else Path()
    return [warning(f"in offering '{name}', the link to {kind} '{target}' is plain text: "
                    f"that {kind} is not part of the offering", root / location.path, location.line)
            for location, kind, target, reason in _select(course, name)[1] if reason == OUT_OF_OFFERING]


# Why a link became plain text: its target is not in the offering, or it is material for
# instructors and the link is in text that learners read.
OUT_OF_OFFERING, FOR_INSTRUCTORS = "offering", "instructors"
Removed = list[tuple[SourceLocation, str, str, str]]  # (where, "item"|"module", target, reason)

# Selecting is done once per (course, offering): the checks need it for their link
# warnings and the build for every bundle of the offering.  Courses are frozen, so a
# selection never goes stale; it is dropped with its course.
_SELECTIONS: dict[tuple[int, str], tuple[Course, Removed]] = {}


def _select(course: Course, name: str | None) -> tuple[Course, Removed]:
    name = name or course.default_offering
    key = (id(course), name)
    if key not in _SELECTIONS:
        if not any(k[0] == id(course) for k in _SELECTIONS):
            weakref.finalize(course, _forget, id(course))
        _SELECTIONS[key] = _select_now(course, name)
    selected, removed = _SELECTIONS[key]
    return selected, list(removed)


def _forget(course_id: int) -> None:
    for key in [k for k in _SELECTIONS if k[0] == course_id]:
        del _SELECTIONS[key]


def _select_now(course: Course, name: str) -> tuple[Course, Removed]:
    if name not in {o.name for o in course.offerings}:
        raise KeyError(name)
    start = course.offering_info(name).start or course.start
    modules = []
    for module in course.modules:
        if not belongs(module.offerings, name):
            continue
        items = tuple(_resolve_due(i, start) for i in module.items if belongs(i.offerings, name))
        modules.append(module.model_copy(update={"items": items}))
    modules, description, removed = prune_unreachable_links(modules, course.description, course.location)
    used = used_asset_keys(modules)
    used.update(description.assets)
    assets = tuple(a for a in course.assets if a.key in used)
    # An offering with its own grading (a MOOC's completion scheme) replaces the course's.
    grading = course.offering_info(name).grading or course.grading
    selected = course.model_copy(update={"modules": tuple(modules), "assets": assets, "offering": name,
                                         "description": description, "grading": grading})
    return selected, removed


def prune_unreachable_links(modules: list[Module] | tuple[Module, ...], description: RichText,
                            description_location: SourceLocation) -> tuple[list[Module], RichText, Removed]:
    """Links to anything outside ``modules`` made plain text, and links from learners' text
    (learner modules' overviews and items, the course description) to instructor material."""
    kept_items = {i.full_id for m in modules for i in m.items}
    kept_modules = {m.id for m in modules}
    instructor_items = {i.full_id for m in modules for i in m.items if i.for_instructors}
    instructor_modules = {m.id for m in modules if m.for_instructors}
    removed: Removed = []

    def prune(node: Any, location: SourceLocation, for_instructors: bool) -> Any:
        hidden = (set(), set()) if for_instructors else (instructor_items, instructor_modules)
        return _prune_links(node, (kept_items, kept_modules), hidden, location, removed)

    pruned = [prune(m.model_copy(update={"items": tuple(prune(i, i.location, i.for_instructors)
                                                         for i in m.items)}), m.location, m.for_instructors)
              for m in modules]
    return pruned, prune(description, description_location, False), removed


_LINK = re.compile(r"""<a\b[^>]*?\bhref=(["'])ilead:(item|module)/([^"'#]*)(?:#[^"']*)?\1[^>]*>(.*?)</a>""",
                   re.DOTALL)


Targets = tuple[set[str], set[str]]  # (full item ids, module ids)


def _prune_links(node: Any, kept: Targets, hidden: Targets, location: SourceLocation, removed: Removed) -> Any:
    """``node`` with links to items or modules not ``kept``, or ``hidden`` from its
    readers, turned into their text."""

    def reachable(kind: str, target: str) -> str | None:
        """None when a link to the target stays, else why it goes."""
        index = 0 if kind == "item" else 1
        if target not in kept[index]:
            return OUT_OF_OFFERING
        return FOR_INSTRUCTORS if target in hidden[index] else None

    def unlink(html_text: str, lines: dict[str, int] | None = None) -> str:
        def substitute(match: re.Match[str]) -> str:
            kind, target = match.group(2), unquote(match.group(3))
            reason = reachable(kind, target)
            if reason is None:
                return match.group(0)
            # The link's own line when the reader recorded it, so the warning points at it.
            line = (lines or {}).get(f"{kind}/{target}", location.line)
            removed.append((location.model_copy(update={"line": line}), kind, target, reason))
            return match.group(4)
        return _LINK.sub(substitute, html_text) if "ilead:" in html_text else html_text

    if isinstance(node, RichText):
        html_text = unlink(node.html, dict(node.link_lines))
        if html_text == node.html:
            return node
        link_lines = tuple((key, line) for key, line in node.link_lines
                           if reachable(*key.split("/", 1)) is None)
        return node.model_copy(update={"html": html_text,
                                       "items": tuple(i for i in node.items if reachable("item", i) is None),
                                       "link_lines": link_lines})
    if isinstance(node, tuple):
        pruned = tuple(_prune_links(n, kept, hidden, location, removed) for n in node)
        return node if all(a is b for a, b in zip(pruned, node)) else pruned
    if isinstance(node, Module):
        return node.model_copy(update={"overview": _prune_links(node.overview, kept, hidden, location, removed)})
    if isinstance(node, BaseModel):
        update = {}
        for field in type(node).model_fields:
            value = getattr(node, field)
            if isinstance(value, (RichText, tuple, BaseModel)) and not isinstance(value, SourceLocation):
                new = _prune_links(value, kept, hidden, location, removed)
                if new is not value:
                    update[field] = new
        if isinstance(node, Choice):
            html_text = unlink(node.html)
            if html_text != node.html:
                update["html"] = html_text
        return node.model_copy(update=update) if update else node
    return node


def _resolve_due(item: Item, start: dt.date | None) -> Item:
    if isinstance(item, Assignment) and item.due_week and start:
        return item.model_copy(update={"due": start + dt.timedelta(days=7 * item.due_week - 1)})
    return item


def used_asset_keys(modules: list[Module] | tuple[Module, ...]) -> set[str]:
    used: set[str] = set()
    for module in modules:
        used.update(module.overview.assets)
        for item in module.items:
            used.update(item.body.assets)
            if isinstance(item, File):
                used.add(item.asset)
            if isinstance(item, Video):
                used.update(k for k in (item.asset, item.captions) if k)
                if item.transcript:
                    used.update(item.transcript.assets)
            if isinstance(item, Quiz):
                for question in item.questions:
                    for text in (question.stem, question.feedback, *(c.feedback for c in question.choices)):
                        if text is not None:
                            used.update(text.assets)
                    for choice in question.choices:
                        used.update(_asset_keys_in(choice.html))
    return used


def _asset_keys_in(html_text: str) -> set[str]:
    from .references import parse
    import re
    keys = set()
    for value in re.findall(r"""(?:href|src)=["'](ilead:[^"']+)["']""", html_text):
        ref = parse(value)
        if ref and ref.kind == "asset":
            keys.add(ref.target)
    return keys
