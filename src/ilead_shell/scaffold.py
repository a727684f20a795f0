"""``ilead-shell new course DIR`` and ``new module NAME``: a starter that checks and builds.

The starter course (``starter/course`` in the package) has every item type once, a quiz
with every question type, an assignment with a rubric, a competency and outcomes; it passes
``check --strict`` and builds for every target (the tests prove it).  ``new module`` adds a
small module (an overview, a page and a quiz assessing the module's outcome) to the course
it stands in, and lists it in course.yml's ``modules:`` when the course lists its modules
there, editing the file as text to keep the author's comments (the code ``import --module``
uses).  Either is written to a temporary folder first and checked with the normal reader, so
a failure leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from string import Template

from .errors import CourseError, IleadError, display_path
from .identifiers import slugify

STARTER = files("ilead_shell") / "starter"
_TEXT = (".md", ".yml", ".yaml", ".txt", ".vtt")


@dataclass
class Created:
    path: Path
    title: str
    counts: dict[str, int]
    listed: bool = False  # new module: added to course.yml's modules:


def _yaml_text(value: str) -> str:
    """A YAML scalar for any text (JSON strings are YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _copy_tree(source, destination: Path, values: dict[str, str]) -> None:
    """Copy a starter folder, filling ``${name}`` in its text files."""
    destination.mkdir(parents=True, exist_ok=True)
    for entry in source.iterdir():
        target = destination / entry.name
        if entry.is_dir():
            _copy_tree(entry, target, values)
        elif entry.name.endswith(_TEXT):
            target.write_text(Template(entry.read_text(encoding="utf-8")).safe_substitute(values), encoding="utf-8")
        elif not entry.name.startswith(("__", ".")):
            target.write_bytes(entry.read_bytes())


def _next_monday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)


def new_course(folder: Path, title: str | None = None, code: str | None = None,
               today: dt.date | None = None) -> Created:
    """Write the starter course into ``folder`` (new or empty)."""
    from .pipeline import read_and_check

    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise IleadError(f"{display_path(folder)} already exists and is not empty; nothing was written "
                         "(choose a new folder)")
    name = folder.resolve().name
    title = title or (name.replace("-", " ").replace("_", " ").strip().capitalize() or "My course")
    code = code or (slugify(name).upper()[:24].strip("-") or "MY-COURSE")
    if not all(c.isalnum() or c in "-_" for c in code):
        raise click_bad_code(code)
    start = _next_monday(today or dt.date.today())
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.new-", dir=folder.parent))
    try:
        _copy_tree(STARTER / "course", staging, {"title": _yaml_text(title), "code": code,
                                                 "start": start.isoformat()})
        try:
            course, _ = read_and_check(staging, strict=True)
        except CourseError as exc:  # the starter itself is wrong: a bug, said as one
            raise IleadError("the starter course does not check (a bug; please report it):\n"
                             + "\n".join(d.format() for d in exc.diagnostics)) from None
        if folder.exists():
            folder.rmdir()
        os.rename(staging, folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Created(folder, title, course.counts())


def click_bad_code(code: str) -> IleadError:
    return IleadError(f"course code '{code}' may hold letters, digits, '-' and '_' only; give one with --code")


def new_module(course_folder: Path, name: str) -> Created:
    """Add a starter module named ``name`` to the course in ``course_folder``."""
    from .pipeline import read_and_check
    from .source_writer.course_yml import append_module, lists_modules, next_module_folder

    course_folder = Path(course_folder)
    course_yml = course_folder / "course.yml"
    if not course_yml.is_file():
        raise IleadError(f"{display_path(course_folder)} is not a course (no course.yml); run 'new module' inside "
                         "a course, or start one with: ilead-shell new course DIR")
    slug = slugify(name)
    if not slug:
        raise IleadError(f"the module name '{name}' gives no folder name (only Latin letters and digits are kept); "
                         "name it with some, for example: ilead-shell new module 'Week 2'")
    try:
        course, _ = read_and_check(course_folder)
    except CourseError as exc:
        raise IleadError("fix the course's errors first, then add the module:\n"
                         + "\n".join(d.format() for d in exc.diagnostics if d.is_error)) from None
    if slug in {m.id for m in course.modules}:
        raise IleadError(f"the course already has a module '{slug}'; choose another name")
    modules_dir = course_folder / "modules"
    folder_name = next_module_folder(modules_dir, slug)
    number = int(folder_name.split("-", 1)[0])
    taken = set(course.all_outcomes())
    outcome = next(f"M{n}.1" for n in range(number, number + 1000) if f"M{n}.1" not in taken)
    supports = f"\n    supports: [{course.outcomes[0].id}]" if course.outcomes else ""
    quiz_group = next((g.id for g in course.grading.groups if "quiz" in g.id.lower()), None)
    values = {"title": _yaml_text(name.strip()), "outcome": outcome, "supports": supports,
              "group": f"\ngroup: {quiz_group}" if quiz_group else ""}
    modules_dir.mkdir(exist_ok=True)
    destination = modules_dir / folder_name
    staging = Path(tempfile.mkdtemp(prefix=f".{folder_name}.new-", dir=modules_dir))
    restore = None
    try:
        _copy_tree(STARTER / "module", staging, values)
        os.rename(staging, destination)
        listed = lists_modules(course_yml)
        if listed:
            restore = append_module(course_yml, folder_name, [m.folder for m in course.modules], course_folder)
        try:
            updated, _ = read_and_check(course_folder)
        except CourseError as exc:
            raise IleadError("the new module does not check (a bug; please report it); nothing was added:\n"
                             + "\n".join(d.format() for d in exc.diagnostics if d.is_error)) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(destination, ignore_errors=True)
        if restore is not None:
            restore()
        raise
    module = updated.module(slug)
    counts = {"modules": 1, "items": len(module.items) if module else 0,
              "questions": sum(len(getattr(i, "questions", ())) for i in module.items) if module else 0}
    return Created(destination, name.strip(), counts, listed)
