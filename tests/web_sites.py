"""Preview sites and SCORM packages built once per test session for the web-layer browser tests.

The course is tests/roots/full (certificate offering: every item type, the assignment with its
rubric) with one page made to use what the stylesheet styles: the four admonitions, a table
with a caption and row headers, a wide table.  ``site(language)`` builds it in English or
Spanish; a course in a language without a catalogue shows English interface strings.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

from conftest import ROOTS
from course_tree import write_bundle
from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course
from ilead_shell.registry import Registry

SHOWCASE = """---
title: How this course works
outcomes: [M1.1]
---
## Weekly rhythm

Each week has readings, a discussion and a short knowledge check; colleagues in Spanish-speaking
libraries call this approach *educación inclusiva*.
See [the introductions discussion](02-introductions.md) and the [course map](images/map.png).

!!! note
    Readings are short: about twenty minutes each week.

!!! tip "Plan ahead"
    Block an hour in your calendar for the discussion.

!!! warning
    Quizzes in the LMS count towards your grade.

!!! important
    Ask your facilitator about accommodations early.

Table: The first two weeks

| Week | Focus | Reading |
| --- | --- | --- |
| **1** | Welcome | Programme handbook |
| **2** | Foundations | Equity, diversity and inclusion: a glossary of the terms used in libraries and archives |
"""

PAGES = {
    "home": "index.html",
    "module": "modules/welcome.html",
    "page": "modules/welcome/how-it-works.html",
    "discussion": "modules/welcome/introductions.html",
    "link": "modules/welcome/programme-site.html",
    "file": "modules/welcome/syllabus.html",
    "video": "modules/foundations/talk.html",
    "quiz": "modules/foundations/check.html",
    "assignment": "modules/foundations/action-plan.html",
    "search": "search.html?q=equity",
}

_BUILT = Path(tempfile.mkdtemp(prefix="ilead-web-sites-"))
atexit.register(shutil.rmtree, _BUILT, True)


def _root(language: str, folder: Path) -> Path:
    root = folder / f"course-{language}"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(ROOTS / "full", root)
    yml = root / "course.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("language: en", f"language: {language}"), encoding="utf-8")
    (root / "modules" / "01-welcome" / "01-how-it-works.md").write_text(SHOWCASE, encoding="utf-8")
    return root


def course(language: str, folder: Path):
    return select_offering(read_course(_root(language, folder)), "certificate")


def _write(bundle, target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    return write_bundle(bundle, target)


@lru_cache(maxsize=None)
def site(language: str = "en") -> Path:
    """The unpacked preview site of the showcase course in ``language``."""
    folder = _BUILT / language
    folder.mkdir(parents=True, exist_ok=True)
    exporter = Registry().load("html")()
    return _write(exporter.build_bundle(course(language, folder)), folder / "site")


@lru_cache(maxsize=None)
def package(language: str = "en") -> Path:
    """The unpacked SCORM 1.2 package of the showcase course in ``language``."""
    folder = _BUILT / language
    folder.mkdir(parents=True, exist_ok=True)
    exporter = Registry().load("scorm12")()
    return _write(exporter.build_bundle(course(language, folder)), folder / "scorm")
