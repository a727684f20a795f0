"""Selecting one offering of a course (MOOC, certificate, onsite...).

A module or item without ``offerings`` belongs to every offering.  The selected course
keeps only what belongs to the offering, resolves ``due: week N`` against the offering's
start (or the course's), and keeps only the files still referenced.
"""

from __future__ import annotations

import datetime as dt

from .model import Assignment, Course, File, Item, Module, Quiz, Video


def belongs(offerings: tuple[str, ...] | None, name: str) -> bool:
    return offerings is None or name in offerings


def select_offering(course: Course, name: str | None = None) -> Course:
    name = name or course.default_offering
    if name not in {o.name for o in course.offerings}:
        raise KeyError(name)
    start = course.offering_info(name).start or course.start
    modules = []
    for module in course.modules:
        if not belongs(module.offerings, name):
            continue
        items = tuple(_resolve_due(i, start) for i in module.items if belongs(i.offerings, name))
        modules.append(module.model_copy(update={"items": items}))
    used = used_asset_keys(modules)
    used.update(course.description.assets)
    assets = tuple(a for a in course.assets if a.key in used)
    return course.model_copy(update={"modules": tuple(modules), "assets": assets, "offering": name})


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
