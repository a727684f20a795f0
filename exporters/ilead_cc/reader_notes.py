"""Notes on what the real importers of a cartridge cannot hold.

The cartridge itself is complete, but Moodle's converter, cc2olx and the Canvas cartridge
viewer each drop or change some things whatever the cartridge says (measured by
tests/test_real_*.py; the sources that show it are listed in docs/cartridge-readers.md).
A build says so once per bundle, and only for what the course uses, so that an author
knows what an LMS admin will see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ilead_shell import references
from ilead_shell.model import Assignment, Course, Discussion, File, Quiz

from .names import without_tags


def _quizzes(course: Course) -> list[Quiz]:
    return [i for i in course.items() if isinstance(i, Quiz) and i.questions]


def _has_continuing_choice_feedback(course: Course) -> bool:
    for quiz in _quizzes(course):
        for question in quiz.questions:
            for choice in question.choices:
                continues = not choice.correct or question.type == "multiple_answer"
                if continues and choice.feedback is not None and not choice.feedback.is_empty:
                    return True
    return False


def _links(html: str) -> list[references.Reference]:
    found: list[references.Reference] = []
    references.rewrite(html, lambda ref: found.append(ref) or "")
    return found


def _item_links(course: Course) -> bool:
    texts = [course.description.html] + [m.overview.html for m in course.modules] + \
        [i.body.html for i in course.items()]
    return any(ref.kind != "asset" for text in texts for ref in _links(text))


def _descriptor_files(course: Course) -> bool:
    texts = [i.body.html for i in course.items() if isinstance(i, Discussion)]
    for quiz in _quizzes(course):
        for question in quiz.questions:
            texts += [question.stem.html] + [c.html for c in question.choices]
    return any(ref.kind == "asset" or (ref.kind == "item" and isinstance(course.item(ref.target), File))
               for text in texts for ref in _links(text))


def _svg_images(course: Course) -> bool:
    # Every asset link names a course file (the builder resolved each before the notes are
    # made), so without an SVG file no text need be scanned.
    if not any(asset.key.lower().endswith(".svg") for asset in course.assets):
        return False
    texts = [course.description.html] + [m.overview.html for m in course.modules] + \
        [i.body.html for i in course.items()]
    return any(ref.kind == "asset" and ref.target.lower().endswith(".svg") for text in texts for ref in _links(text))


def _tag_like_titles(course: Course) -> bool:
    titles = [course.display_title] + [m.title for m in course.modules] + [i.title for i in course.items()]
    return any(without_tags(t) != t for t in titles)


@dataclass(frozen=True)
class ReaderNote:
    targets: tuple[str, ...]
    applies: Callable[[Course], bool]
    text: str


ALWAYS = lambda course: True  # noqa: E731

NOTES = [
    ReaderNote(("cc-1.3",), ALWAYS, "Moodle restores only Common Cartridge 1.0 and 1.1: to Moodle this CC 1.3 "
               "cartridge is an unknown backup format; build the moodle target for Moodle"),
    ReaderNote(("moodle", "canvas", "cc-1.1"), lambda c: bool(_quizzes(c)),
               "Moodle: every question of a quiz is worth 1 mark in the quiz; its points become only its default mark "
               "(Moodle's converter writes 1 for every quiz slot)"),
    ReaderNote(("moodle", "canvas", "cc-1.1"), _has_continuing_choice_feedback,
               "Moodle: a question's general feedback also shows the feedback of the choices that do not end the "
               "scoring (Moodle's converter gathers the feedback of every condition that continues)"),
    ReaderNote(("moodle", "canvas", "cc-1.1"), lambda c: any(not q.body.is_empty for q in _quizzes(c)),
               "Moodle: a quiz's introduction is not imported (Moodle's converter uses the quiz title)"),
    ReaderNote(("moodle", "canvas", "cc-1.1"), _descriptor_files,
               "Moodle: links to files in discussion descriptions and question texts point at legacy course files, "
               "which Moodle does not serve (its converter writes them in a form its own file migration misses)"),
    ReaderNote(("canvas", "cc-1.1"), lambda c: True,
               "Moodle does not resolve Canvas's link tokens ($IMS-CC-FILEBASE$, $WIKI_REFERENCE$): in Moodle, "
               "images, files and items linked from pages are not found; build the moodle target for Moodle"),
    ReaderNote(("canvas", "cc-1.1"), lambda c: bool(c.modules),
               "Moodle: module 1 shares Moodle's General section (its converter makes top-level item i section "
               "i - 1; the moodle target puts the syllabus first for this)"),
    ReaderNote(("canvas",), lambda c: any(isinstance(i, Assignment) for i in c.items()),
               "Moodle: Canvas assignments become a file resource without their instructions"),
    ReaderNote(("canvas", "cc-1.1"), _tag_like_titles,
               "Moodle drops what looks like an HTML tag from section summaries and shown names"),
    ReaderNote(("moodle", "canvas", "cc-1.3", "cc-1.1"), lambda c: bool(_quizzes(c)),
               "cc2olx gives every problem the default weight; cc2olx keeps no feedback (except an essay's general "
               "feedback); cc2olx names every problem after its quiz; cc2olx keeps no quiz introduction or attempts"),
    ReaderNote(("moodle", "canvas", "cc-1.3", "cc-1.1"), lambda c: any(not i.published for i in c.items()),
               "cc2olx shows unpublished items to learners"),
    ReaderNote(("moodle", "canvas", "cc-1.3", "cc-1.1"),
               lambda c: any(isinstance(i, File) and not c.asset(i.asset).media_type.startswith("image/")
                             for i in c.items()),
               "cc2olx shows a file item that is not an image as missing content (PDFs need cc2olx -c pdf)"),
    ReaderNote(("canvas", "cc-1.3", "cc-1.1"), _item_links,
               "cc2olx resolves no link to a discussion or assignment (only to pages and quizzes)"),
    ReaderNote(("moodle",), ALWAYS, "cc2olx rewrites no relative link: in Open edX, files and items linked from "
               "this cartridge's pages are not found; build the cc target for Open edX"),
    ReaderNote(("canvas",), lambda c: any(isinstance(i, Assignment) for i in c.items()),
               "cc2olx imports no Canvas assignment (it reads assignment_xmlv1p0 only)"),
    ReaderNote(("canvas", "cc-1.3", "cc-1.1"), lambda c: bool(_quizzes(c)),
               "the Canvas cartridge viewer shows no accepted text answer, the viewer shows no feedback and the "
               "viewer shows no points per question"),
    ReaderNote(("cc-1.3", "cc-1.1"), lambda c: any(not i.published for i in c.items()),
               "the viewer shows unpublished items like any other"),
    ReaderNote(("canvas", "cc-1.3", "cc-1.1"), _svg_images,
               "the viewer shows no SVG image (it serves every image as application/octet-stream)"),
    ReaderNote(("canvas",), lambda c: any(q.type == "short_answer" for quiz in _quizzes(c) for q in quiz.questions),
               "the viewer names no type for short answers (Canvas's short_answer_question)"),
]


def reader_notes(course: Course, target: str) -> list[str]:
    """The notes for one target: ``moodle``, ``canvas``, ``cc-1.1`` or ``cc-1.3``."""
    return [note.text for note in NOTES if target in note.targets and note.applies(course)]
