"""Checks that run on a course model after reading, before any export.

Each check is a function ``(course) -> list[Diagnostic]`` registered under a family name.
The built-in ones are listed in :data:`CHECKS`; an installed package adds its own through the
``ilead_shell.checks`` entry-point group (the entry point's name is the family), and a course
turns families off or makes them strict in course.yml (``checks:``, :mod:`.config`).

Warnings do not stop a build unless ``--strict`` is given; errors always do.  ``--strict``
fails on the warnings of a *gated* family; an *advisory* family (the quality checks below,
off the gate by default so that adopting them does not break existing CI) is gated only
when the course lists it under ``checks: strict:`` (or says ``strict: all``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from ..errors import Diagnostic, ExporterError, IleadError, Level, warning
from ..model import Course
from .accessibility import check_accessibility
from .bibliography import check_bibliography
from .config import checks_config
from .content import check_content
from .language import check_inclusive_language, check_readability
from .outcomes import check_outcome_wording, check_outcomes
from .quiz_quality import check_quiz_quality
from .unsafe_content import check_unsafe_content
from .workload import check_workload

CheckFunction = Callable[[Course], list[Diagnostic]]


@dataclass(frozen=True)
class Check:
    name: str
    run: CheckFunction
    gated: bool = True  # --strict fails on its warnings without the course asking
    description: str = ""
    # What of the family can be judged on a course read with errors (the parts that read), or
    # None: a family that weighs the course as a whole (is each outcome assessed, does the
    # workload add up) would report what the faulty files hold as missing.
    on_partial: CheckFunction | None = None


CHECKS: list[Check] = [
    Check("content", check_content, True, "modules without items, pages without text"),
    Check("outcomes", check_outcomes, True, "outcome alignment, measurable verbs, coverage per offering",
          check_outcome_wording),
    Check("unsafe-content", check_unsafe_content, True, "scripts, event handlers, javascript:/data: URLs, iframes",
          check_unsafe_content),
    Check("accessibility", check_accessibility, False, "tables, headings, images, links, sensory wording, media",
          check_accessibility),
    Check("quiz-quality", check_quiz_quality, False, "answer keys, distractors, feedback, outcome levels",
          check_quiz_quality),
    Check("inclusive-language", check_inclusive_language, False, "terms with documented inclusive alternatives",
          check_inclusive_language),
    Check("readability", check_readability, False, "Flesch-Kincaid grade per page against the course target",
          check_readability),
    Check("references", check_bibliography, True, "works in a references.yml that nothing cites, reads or maps to"),
    Check("workload", check_workload, True, "an offering's credits against the hours its items' effort adds up to"),
]

def registered_checks(plugins: bool = True) -> tuple[list[Check], list[Diagnostic]]:
    """The built-in checks and those installed packages add; a plug-in that fails to load is a warning."""
    found = list(CHECKS)
    problems: list[Diagnostic] = []
    if plugins:
        from ..registry import CheckRegistry

        known = {check.name for check in found}
        for name, function, problem in CheckRegistry().load_all():
            if function is None:
                problems.append(warning(f"{problem}; that check was not run"))
                continue
            if name in known:
                problems.append(warning(f"check plug-in '{name}' has the name of a built-in check and was not run"))
                continue
            found.append(Check(name, function, bool(getattr(function, "gated", False)),
                               (function.__doc__ or "").strip().split("\n")[0]))
    return found, problems


def run_checks(course: Course, plugins: bool = True) -> list[Diagnostic]:
    checks, found = registered_checks(plugins)
    config, problems = checks_config(course, [c.name for c in checks])
    found += problems
    strict = {c.name for c in checks} if config.strict == "all" else set(config.strict)
    for check in checks:
        if check.name in config.disable:
            continue
        try:
            results = check.run(course)
        except IleadError:
            raise
        except Exception as exc:  # a check's bug must say which check, not look like a course mistake
            raise ExporterError(f"check '{check.name}' failed: {type(exc).__name__}: {exc}") from exc
        advisory = not (check.gated or check.name in strict)
        found += [replace(d, check=d.check or check.name, advisory=advisory and d.level is Level.WARNING)
                  for d in results]
    return found


def run_checks_on_partial(course: Course) -> tuple[list[Diagnostic], list[str]]:
    """The findings a course read with errors already allows (each part judged as it reads),
    and the families left, wholly or in part, until the errors are fixed (they weigh the
    course as a whole)."""
    checks, _ = registered_checks()
    config, _ = checks_config(course, [c.name for c in checks])  # its mistakes are reported already
    found: list[Diagnostic] = []
    waiting = []
    for check in checks:
        if check.name in config.disable:
            continue
        if check.on_partial is None:
            waiting.append(check.name)
            continue
        if check.on_partial is not check.run:
            waiting.append(check.name)  # judged in part now, in full once the errors are fixed
        try:
            results = check.on_partial(course)
        except Exception:  # a partial model may hold what a check never meets; the errors come first
            if check.name not in waiting:
                waiting.append(check.name)
            continue
        found += [replace(d, check=d.check or check.name, advisory=d.level is Level.WARNING) for d in results]
    return found, waiting


__all__ = ["CHECKS", "Check", "CheckFunction", "registered_checks", "run_checks", "run_checks_on_partial"]
