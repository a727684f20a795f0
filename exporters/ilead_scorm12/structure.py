"""What the package contains, decided once: SCOs, their files and their dependencies.

The manifest and the page renderer both read this plan, so a file listed in the
manifest is always a file written into the package, and the other way round.
"""

from __future__ import annotations

from dataclasses import dataclass

from ilead_shell.identifiers import ncname, short_hash
from ilead_shell.model import Course, Item, Module, Quiz, RichText, Video
from ilead_shell.web import WebLayout

# The course home sits at the root, where no module page (sco/<module>.html) can be.
LAYOUT = WebLayout(static_dir="shared", media_dir="media", pages_dir="sco", home_page="index.html")
SHARED_RESOURCE = "R_shared"
# Item ids always contain "__" (module__item), so these cannot meet one.
HOME_ITEM, HOME_RESOURCE = "I_home", "R_home"


@dataclass(frozen=True)
class Sco:
    item_id: str        # organization <item identifier>
    resource_id: str    # <resource identifier>
    title: str
    href: str
    assets: tuple[str, ...]          # asset keys the page uses
    mastery: float | None = None     # only for quizzes the SCO can score


@dataclass(frozen=True)
class ModuleNode:
    item_id: str
    title: str
    scos: tuple[Sco, ...]


def asset_resource_id(key: str) -> str:
    # Asset keys are paths; a hash of the key is a stable NCName-safe name for them.
    return ncname("A", short_hash(key, 16))


def plan(course: Course) -> tuple[ModuleNode, ...]:
    return tuple(_module_node(m) for m in course.modules)


def home_sco(course: Course) -> Sco:
    """"About this course": the description, the course outcomes and the module list."""
    return Sco(HOME_ITEM, HOME_RESOURCE, "About this course", LAYOUT.home_page, course.description.assets)


def _module_node(module: Module) -> ModuleNode:
    scos = []
    if not module.overview.is_empty or module.outcomes:
        # "O" and "I" prefixes keep an overview apart from an item whose id is "overview".
        scos.append(Sco(ncname("IO", module.id), ncname("RO", module.id), "Overview",
                        LAYOUT.module_page(module.id), module.overview.assets))
    # Learners see every SCO in a package: an unpublished item stays out of it.
    scos += [_item_sco(item) for item in module.items if item.published]
    return ModuleNode(ncname("M", module.id), module.title, tuple(scos))


def _item_sco(item: Item) -> Sco:
    mastery = None
    if isinstance(item, Quiz) and any(q.auto_scored for q in item.questions):
        mastery = item.mastery
    return Sco(ncname("I", item.module_id, item.id), ncname("R", item.module_id, item.id), item.title,
               LAYOUT.item_page(item.module_id, item.id), _item_assets(item), mastery)


def _item_assets(item: Item) -> tuple[str, ...]:
    texts: list[RichText | None] = [item.body]
    keys: list[str] = []
    if isinstance(item, Quiz):
        for question in item.questions:
            texts += [question.stem, question.feedback, *(c.feedback for c in question.choices)]
    if isinstance(item, Video):
        texts.append(item.transcript)
        keys += [k for k in (item.asset, item.captions) if k]
    if item.type == "file":
        keys.append(item.asset)
    for text in texts:
        if text is not None:
            keys += text.assets
    return tuple(dict.fromkeys(keys))
