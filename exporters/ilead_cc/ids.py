"""Identifiers and bundle paths of a cartridge, all derived from source ids.

Items and resources share one ``xs:ID`` space, so each kind of thing has its own
prefix.  Source ids never contain ``__`` (see :mod:`ilead_shell.identifiers`), so an
item id (``<module>__<item>``) can never equal a module-level one (``<module>``).
"""

from __future__ import annotations

import re

from ilead_shell.identifiers import join, ncname, short_hash
from ilead_shell.model import Asset, Item, Module

_NOT_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


def xml_name(prefix: str, text: str) -> str:
    """An NCName from free text (a course code, an outcome id) behind a letter prefix."""
    return f"{prefix}_{_NOT_NAME.sub('_', text)}"


def module_item(module: Module) -> str:
    return ncname("M", module.id)


def overview_item(module: Module) -> str:
    return ncname("O", module.id)


def overview_resource(module: Module) -> str:
    return ncname("RO", module.id)


def item_id(item: Item) -> str:
    return ncname("I", item.module_id, item.id)


def resource_id(item: Item) -> str:
    return ncname("R", item.module_id, item.id)


def meta_resource_id(item: Item) -> str:
    """The Canvas settings LAR that travels beside a discussion or quiz."""
    return ncname("RM", item.module_id, item.id)


def fallback_resource_id(item: Item) -> str:
    return ncname("RV", item.module_id, item.id)


def asset_resource_id(asset: Asset) -> str:
    # Asset keys hold '/' and '.', so a content hash of the key keeps the id short and stable.
    return ncname("F", short_hash(asset.key, 12))


def overview_slug(module: Module) -> str:
    """The page name of a module's overview (source ids never contain ``__``, so no item's
    slug can equal it)."""
    return module.id


def item_slug(item: Item) -> str:
    return join(item.module_id, item.id)


def question_ident(question_id: str) -> str:
    return ncname("Q", question_id)


def outcome_id(outcome: str) -> str:
    return xml_name("OC", outcome)


def group_id(group: str) -> str:
    return ncname("G", group)


def rubric_id(item: Item) -> str:
    return ncname("RB", item.module_id, item.id)
