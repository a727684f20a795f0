"""Who sees what: material for instructors only.

``audience: instructors`` on an item (or on a module, for the module and every item in it)
marks facilitator notes, answer guides and session plans.  Every target decides the same
way whether learners see something, through :func:`visible_to_learners`; what each target
then does with the rest is what its format allows:

* an LMS that can hide material from learners and show it to teachers gets it hidden
  (Common Cartridge ``intendedEndUserRole`` Instructor, Canvas unpublished, Open edX
  ``visible_to_staff_only``);
* a format that shows learners everything it holds (SCORM, the preview site) leaves it out:
  :func:`without_instructor_material`.

``published: false`` is a draft: hidden from learners too, but shown (marked) in the preview
while it is being written.  An unpublished item for instructors is both.

Learners' text never links to instructor material: such a link is plain text in every bundle
(:func:`ilead_shell.offerings.prune_unreachable_links`) and :func:`links_to_instructor_material`
warns about it where it was written.
"""

from __future__ import annotations

from pathlib import Path

from .errors import Diagnostic, warning
from .model import Course, File, Item, Module, RichText
from .offerings import FOR_INSTRUCTORS, prune_unreachable_links, used_asset_keys


def visible_to_learners(item: Item) -> bool:
    """False for a draft (``published: false``) and for instructor material."""
    return item.published and not item.for_instructors


def hidden_from_learners(item: Item) -> bool:
    return not visible_to_learners(item)


def module_visible_to_learners(module: Module) -> bool:
    return not module.for_instructors


def has_instructor_material(course: Course) -> bool:
    return any(m.for_instructors or any(i.for_instructors for i in m.items) for m in course.modules)


def without_instructor_material(course: Course) -> Course:
    """The course as learners get it where nothing can be hidden from them: instructor
    modules and items gone, with the files only they used."""
    if not has_instructor_material(course):
        return course
    modules = tuple(m.model_copy(update={"items": tuple(i for i in m.items if not i.for_instructors)})
                    for m in course.modules if not m.for_instructors)
    used = used_asset_keys(modules) | set(course.description.assets)
    return course.model_copy(update={"modules": modules,
                                     "assets": tuple(a for a in course.assets if a.key in used)})


def assets_for_learners(course: Course) -> set[str]:
    """Keys of the files learners reach: embedded in learners' text (drafts included, so
    their images work once published in the LMS) or offered by a published file item."""
    learner = without_instructor_material(course)
    offered = [m.model_copy(update={"items": tuple(i for i in m.items if i.published or not isinstance(i, File))})
               for m in learner.modules]
    return used_asset_keys(offered) | set(course.description.assets)


def instructor_material(course: Course) -> Course:
    """Only the instructor material, by module: instructor modules whole, and the
    instructor items of learner modules (whose overview and outcomes belong to learners)."""
    modules = []
    for module in course.modules:
        if module.for_instructors:
            modules.append(module)
        elif any(i.for_instructors for i in module.items):
            modules.append(module.model_copy(update={
                "items": tuple(i for i in module.items if i.for_instructors),
                "overview": RichText(), "outcomes": ()}))
    return course.model_copy(update={"modules": tuple(modules)})


def links_to_instructor_material(course: Course) -> list[Diagnostic]:
    """A located warning for each link in learners' text to instructor material: learners
    could not open it, so every bundle shows its text instead."""
    root = Path(course.root) if course.root else Path()
    removed = prune_unreachable_links(course.modules, course.description, course.location)[2]
    return [warning(f"the link to {kind} '{target}' is plain text for learners: that {kind} is for "
                    "instructors only (audience: instructors)", root / location.path, location.line)
            for location, kind, target, reason in removed if reason == FOR_INSTRUCTORS]
