"""What a course says about its checks: the ``checks:`` section of course.yml.

```yaml
checks:
  strict: [quiz-quality, readability]   # families whose warnings --strict also fails on ("all")
  disable: [readability]                # families not run at all
  readability: {target_grade: 10, min_words: 100}
  inclusive_language:
    allow: [blind review]               # terms the course uses on purpose
    terms: {"grandfathered": "legacy"}  # more terms to flag, with what to write instead
  bloom_verbs: {create: [formulate], evaluate: [recommend, prioritise]}
  iframe_hosts: [www.youtube-nocookie.com, player.vimeo.com]
  quiz_feedback: required               # auto (as the quiz says), required, optional
```

Every key is checked like the rest of course.yml: a misspelt key is an error at its line.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import Diagnostic, error
from ..model import Course
from ..source_files import source_lines

Level = Literal["remember", "understand", "apply", "analyze", "evaluate", "create"]


class Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReadabilityOptions(Options):
    target_grade: float = Field(default=12, ge=1, le=20)  # Flesch-Kincaid grade a page should not exceed
    min_words: int = Field(default=100, ge=1)  # shorter texts are not judged: the formula needs prose


class InclusiveOptions(Options):
    allow: list[str] = []
    terms: dict[str, str] = {}


class ChecksConfig(Options):
    strict: list[str] | Literal["all"] = []
    disable: list[str] = []
    readability: ReadabilityOptions = ReadabilityOptions()
    inclusive_language: InclusiveOptions = InclusiveOptions()
    bloom_verbs: dict[Level, list[str]] = {}
    iframe_hosts: list[str] = []
    quiz_feedback: Literal["auto", "required", "optional"] = "auto"


def checks_config(course: Course, families: list[str]) -> tuple[ChecksConfig, list[Diagnostic]]:
    """The validated configuration (defaults where it is wrong) and an error per mistake."""
    course_yml = Path(course.root) / "course.yml"
    line = _line_of_checks(course_yml)
    try:
        config = ChecksConfig.model_validate(course.checks or {})
    except ValidationError as exc:
        return ChecksConfig(), [error(f"checks: '{'.'.join(map(str, p['loc']))}': {p['msg']}", course_yml, line)
                                for p in exc.errors()]
    problems = []
    named = ([] if config.strict == "all" else list(config.strict)) + list(config.disable)
    for name in named:
        if name not in families:
            close = difflib.get_close_matches(name, families, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; the checks are {', '.join(families)}"
            problems.append(error(f"checks: '{name}' is not a check{hint}", course_yml, line))
    return config, problems


def _line_of_checks(course_yml: Path) -> int:
    lines = source_lines(course_yml)
    return next((n for n, text in enumerate(lines, 1) if re.match(r"^checks\s*:", text)), 0)
