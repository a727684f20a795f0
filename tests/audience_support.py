"""The 'audience' root (tests/roots/audience) as the audience tests use it.

Module 'session' mixes learner items with four for instructors (facilitator notes with an
image only they use, a calibration quiz, a slide deck, an unpublished draft); module
'facilitator-guide' is for instructors as a whole, between two learner modules.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ilead_shell.exporter_api import Bundle
from ilead_shell.model import Course
from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course
from ilead_shell.registry import Registry

ROOT = Path(__file__).parent / "roots" / "audience"
INSTRUCTOR_ITEMS = {"session/facilitator-notes", "session/calibration", "session/slides", "session/draft-plan",
                    "facilitator-guide/running-sessions", "facilitator-guide/facilitator-forum"}
LEARNER_ITEMS = {"session/welcome", "session/introductions", "wrap-up/next-steps"}
INSTRUCTOR_MODULE = "facilitator-guide"
INSTRUCTOR_TITLES = {"Facilitator notes: first session", "Facilitator calibration", "Session slides (facilitators)",
                     "Draft plan for session two", "Running the sessions", "Facilitators' forum", "Facilitator guide"}
LEARNER_TITLES = {"Welcome to the session", "Introductions", "Next steps", "First session", "Wrap-up"}
INSTRUCTOR_FILES = {"modules/session/images/room-plan.png", "modules/session/facilitator-slides.pdf"}


@lru_cache(maxsize=None)
def course(root: Path = ROOT) -> Course:
    """The root read and narrowed to its (only) offering, as the pipeline hands it to exporters."""
    return select_offering(read_course(root))


def build(target: str, source: Course | None = None, **options) -> Bundle:
    cls = Registry().load(target)
    return cls(cls.Options(**options)).build_bundle(source or course())


def files(bundle: Bundle) -> dict[str, bytes]:
    return {path: entry.read() for path, entry in bundle.files.items()}
