"""What the page templates are given: small named records instead of dicts.

A template reads ``entry.url``; on a dict Jinja first tries the attribute, fails with an
exception, then looks the key up.  Named tuples answer the attribute at once, and the
outline, pager and quiz of every page read a few hundred of them.
"""

from __future__ import annotations

from typing import NamedTuple

from markupsafe import Markup


class NavEntry(NamedTuple):
    title: str
    url: str
    current: bool
    published: bool = True


class NavModule(NamedTuple):
    title: str
    url: str
    current: bool
    items: list[NavEntry]


class Nav(NamedTuple):
    id: str | None            # the full outline's id (home and search pages), else None
    outline_url: str | None   # where the full outline is, from a page that shows one module
    modules: list[NavModule]


class PagerLink(NamedTuple):
    title: str
    url: str


class Pager(NamedTuple):
    previous: PagerLink | None
    next: PagerLink | None


class ItemEntry(NamedTuple):
    title: str
    type: str
    type_label: str
    url: str


class ModuleSummary(NamedTuple):
    id: str
    title: str
    url: str
    items: list[ItemEntry]


class ChoiceView(NamedTuple):
    id: str
    html: Markup
    text: str
    feedback: Markup


class QuestionView(NamedTuple):
    id: str
    type: str
    number: int
    title: str
    points: str
    stem: Markup
    multiple: bool
    choices: list[ChoiceView]
    feedback: Markup


class QuizView(NamedTuple):
    id: str
    key: dict
    attempts: int
    questions: list[QuestionView]
