"""The cartridges the real-reader tests feed to Moodle, cc2olx and the Canvas cartridge viewer.

Every offering of ``course_source/`` and of ``tests/roots/fidelity`` is built once per session
for each cartridge target (``cartridges`` fixture).  What a reader should find is derived from
the course model, read with the project's own reader (``read_course`` / ``select_offering``),
never from the cartridge.  Where a reader cannot hold something, the test applies one named
entry of :data:`LIMITS`; each entry says what the reader does instead, which source file of
the reader shows it, and which build note tells the author (``noted``).  Nothing else may
differ.  docs/cartridge-readers.md is written from the same table.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from ilead_shell import pipeline, references
from ilead_shell.model import Course, Item, Question, Quiz
from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course

ROOT = Path(__file__).resolve().parents[1]
COURSES = {"source": ROOT / "course_source", "fidelity": ROOT / "tests" / "roots" / "fidelity"}
TARGETS = ("cc", "canvas", "moodle")


# -- the named limits of each reader ------------------------------------------------------------

@dataclass(frozen=True)
class Limit:
    reader: str
    key: str
    targets: tuple[str, ...]
    what: str  # what the reader does instead
    source: str  # where the reader's code shows it
    note: str  # a phrase of the build note that tells the author

    @property
    def name(self) -> str:
        return f"{self.reader}:{self.key}"


_LIMITS = [
    # Moodle 5.1's converter, public/backup/cc (cc112moodle, entities, entity11.*).
    Limit("moodle", "cc13", ("cc",), "restores CC 1.0 and 1.1 only: a CC 1.3 cartridge is an unknown backup format",
          "backup/util/helper/backup_general_helper.class.php detect_backup_format; backup/cc/validator.php",
          "Moodle restores only Common Cartridge 1.0 and 1.1"),
    Limit("moodle", "slot-mark", ("moodle", "canvas"),
          "every quiz slot is worth 1 mark; a question's points become its default mark only",
          "backup/cc/sheets/course_modules_mod_quiz_question_instance.xml (GRADE 1); "
          "entity11.quiz.class.php get_defaultgrade", "every question of a quiz is worth 1 mark"),
    Limit("moodle", "general-feedback", ("moodle", "canvas"),
          "general feedback also gathers the feedback of every choice whose condition continues",
          "entity11.quiz.class.php get_general_feedback (every continue=\"Yes\" condition)",
          "general feedback also shows the feedback of the choices"),
    Limit("moodle", "quiz-intro", ("moodle", "canvas"), "a quiz's introduction is replaced by its title",
          "entity11.quiz.class.php create_node_course_modules_mod ([#mod_intro#] is the title)",
          "a quiz's introduction is not imported"),
    Limit("moodle", "item-links", ("moodle",),
          "links between items point at the other item's file, which Moodle does not import",
          "entities11.class.php get_all_files (no HTML file is imported as a file); "
          "entity11.resource.class.php (realpath of each link)", "Moodle's converter keeps no link between items"),
    Limit("moodle", "descriptor-files", ("moodle", "canvas"),
          "links to files in discussion descriptions and question texts become legacy file.php links",
          "entities.class.php update_sources writes '/' where moodle1 rewrite_filephp_usage expects $@SLASH@$",
          "links to files in discussion descriptions and question texts"),
    Limit("moodle", "canvas-links", ("canvas",),
          "Canvas's link tokens stay literal: files and items linked from pages are not found",
          "entity11.resource.class.php (only links relative to the page are resolved)",
          "Moodle does not resolve Canvas's link tokens"),
    Limit("moodle", "canvas-sections", ("canvas",),
          "module n becomes section n-1: module 1 shares section 0 (General)",
          "cc2moodle.php create_node_course_sections_section (top-level item i is section i-1)",
          "module 1 shares Moodle's General section"),
    Limit("moodle", "canvas-assignment", ("canvas",),
          "a Canvas assignment (learning-application resource) becomes a file resource without its instructions",
          "entity11.resource.class.php (only webcontent HTML becomes a page)",
          "Canvas assignments become a file resource"),
    Limit("moodle", "canvas-tag-titles", ("canvas",),
          "a tag-like <...> in a module title is dropped from the section summary",
          "cc2moodle.php create_node_course_sections_section (the title is the summary's HTML)",
          "Moodle drops what looks like an HTML tag"),
    # cc2olx 0.4.0, src/cc2olx.
    Limit("cc2olx", "points", TARGETS, "every problem gets Open edX's default weight",
          "content_processors/qti.py _create_*_problem (no weight)", "cc2olx gives every problem the default weight"),
    Limit("cc2olx", "feedback", TARGETS,
          "no choice or general feedback, except an essay's general feedback in its ORA rubric",
          "content_processors/qti.py (choices keep text and correctness only)", "cc2olx keeps no feedback"),
    Limit("cc2olx", "question-titles", TARGETS, "problems are named after their quiz",
          "olx.py _add_olx_nodes (display_name of the quiz's item)", "cc2olx names every problem after its quiz"),
    Limit("cc2olx", "quiz-settings", TARGETS, "a quiz's introduction and attempts are not carried",
          "content_processors/qti.py _parse_qti (reads the items only)",
          "cc2olx keeps no quiz introduction or attempts"),
    Limit("cc2olx", "unpublished", TARGETS, "instructor-only items are shown to learners",
          "models.py normalize (no role metadata read)", "cc2olx shows unpublished items"),
    Limit("cc2olx", "file-items", TARGETS,
          "a file item that is not an image shows 'MISSING CONTENT' (PDFs need cc2olx -c pdf and its XBlock)",
          "content_processors/html.py _parse_webcontent; content_processors/pdf.py",
          "cc2olx shows a file item that is not an image as missing content"),
    Limit("cc2olx", "object-links", ("cc", "canvas"),
          "links to discussions and assignments stay as Canvas tokens",
          "content_post_processors/static_links.py _process_canvas_reference (quizzes only)",
          "cc2olx resolves no link to a discussion or assignment"),
    Limit("cc2olx", "relative-links", ("moodle",), "relative links in pages and descriptors are left as written",
          "content_post_processors/static_links.py (rewrites $IMS-CC-FILEBASE$ and Canvas tokens only)",
          "cc2olx rewrites no relative link"),
    Limit("cc2olx", "canvas-assignment", ("canvas",), "a Canvas assignment is 'Not imported content'",
          "content_processors/html.py _parse_not_imported_content; assignment.py (assignment_xmlv1p0 only)",
          "cc2olx imports no Canvas assignment"),
    # The Canvas cartridge viewer (instructure/common-cartridge-viewer), src/.
    Limit("viewer", "text-answers", ("cc", "canvas"),
          "shows no accepted answer of fill-in-the-blank, numeric or essay questions",
          "src/Assessment.js (answers only for response_lid choices)", "viewer shows no accepted text answer"),
    Limit("viewer", "feedback", ("cc", "canvas"), "shows no feedback", "src/Assessment.js",
          "the viewer shows no feedback"),
    Limit("viewer", "points", ("cc", "canvas"), "shows no points per question", "src/Assessment.js",
          "the viewer shows no points per question"),
    Limit("viewer", "canvas-short-answer", ("canvas",), "names no type for Canvas's short_answer_question",
          "src/constants.js questionTypes (no short_answer_question)", "the viewer names no type for short answers"),
    Limit("viewer", "svg", ("cc", "canvas"), "shows no SVG image (it hands images over as "
          "data:application/octet-stream, which browsers do not render as SVG)",
          "src/utils.js getBlobFromEntry / blobToDataUrl (a zip.js BlobWriter without a type)",
          "the viewer shows no SVG image"),
    Limit("viewer", "unpublished", ("cc",), "shows instructor-only items like any other",
          "src/utils.js parseManifestDocument (no role metadata read)", "the viewer shows unpublished items"),
    Limit("viewer", "moodle-title", ("canvas",), "shows the manifest's course title, written for Moodle",
          "src/utils.js parseManifestDocument (metadata > lom > general > title)",
          "the manifest's course title is written as"),
]
LIMITS = {limit.name: limit for limit in _LIMITS}


def limit(name: str, target: str) -> bool:
    """Whether the named limit applies to this target (KeyError for an unnamed limit)."""
    return target in LIMITS[name].targets


def limits_of(reader: str, target: str) -> list[Limit]:
    return [l for l in _LIMITS if l.reader == reader and target in l.targets]


# -- the cartridges ----------------------------------------------------------------------------------

@dataclass
class Cartridge:
    root: str
    offering: str
    target: str
    path: Path
    course: Course  # the offering, as the project's reader reads it
    notes: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.root}-{self.offering}-{self.target}"

    def noted(self, name: str) -> bool:
        return any(LIMITS[name].note in note for note in self.notes)


def bundle_keys(targets: tuple[str, ...] = TARGETS) -> list[str]:
    """Keys of every bundle, known at collection time (reading a course is fast)."""
    keys = []
    for root, folder in COURSES.items():
        if (folder / "course.yml").is_file():
            for offering in read_course(folder).offerings:
                keys += [f"{root}-{offering.name}-{t}" for t in targets]
    return keys


@pytest.fixture(scope="session")
def cartridges(tmp_path_factory) -> dict[str, Cartridge]:
    """Every cartridge target of every offering of both courses, built once per session."""
    found: dict[str, Cartridge] = {}
    for root, folder in COURSES.items():
        if not (folder / "course.yml").is_file():
            continue
        course = read_course(folder)
        out = tmp_path_factory.mktemp(f"cartridges-{root}")
        results, _ = pipeline.build(folder, ",".join(TARGETS), out, offering="all")
        for result in results:
            cartridge = Cartridge(root, result.offering, result.target, result.path,
                                  select_offering(course, result.offering), [n.message for n in result.notes])
            found[cartridge.key] = cartridge
    return found


# -- the course model as a reader should show it ---------------------------------------------------------

def plain(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed (what PHP's strip_tags leaves)."""
    return " ".join(html.unescape(re.sub(r"<[^>]*>", " ", fragment or "")).split())


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def same_text(got: str, want_html: str) -> bool:
    """``got`` (a reader's plain text, maybe cut with '…') shows ``want_html``'s text."""
    got, want = squashed(got or ""), squashed(plain(want_html))
    if got.endswith("…"):
        return len(got) > 20 and want.startswith(got[:-1])
    return got == want


def tag_free(title: str) -> str:
    """A title as the moodle target writes it: '<word...>' as '‹word...›' (ilead_cc.names)."""
    return re.sub(r"<(?=[A-Za-z/!?])([^<>]*)(>?)", lambda m: "\u2039" + m.group(1) + ("\u203a" if m.group(2) else ""),
                  title)


def numeric_as_text(question: Question) -> bool:
    return question.type == "numeric" and len(question.numeric) == 1 and question.numeric[0].exact


def cc_kind(question: Question) -> str:
    """The CC item profile a question is written as (numeric: text match or hand-graded essay)."""
    if question.type == "numeric":
        return "fib" if numeric_as_text(question) else "essay"
    return {"multiple_answer": "multiple_response", "short_answer": "fib"}.get(question.type, question.type)


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def accepted_texts(question: Question) -> list[str]:
    """What a text match accepts: the answers, or an exact number in both spellings."""
    if question.type == "numeric":
        value = question.numeric[0].minimum
        return [number(value)] + ([f"{int(value)}.0"] if float(value).is_integer() else [])
    return list(question.answers)


def range_statement(question: Question) -> str:
    parts = [number(a.minimum) if a.exact else f"any number from {number(a.minimum)} to {number(a.maximum)}"
             for a in question.numeric]
    return f"<p>Accepted answer: {'; '.join(parts)}.</p>"


def general_feedback(question: Question) -> str:
    """The question's general feedback as every plain cartridge writes it."""
    parts = []
    if question.type == "numeric" and not numeric_as_text(question):
        parts.append(range_statement(question))
    if question.feedback is not None and not question.feedback.is_empty:
        parts.append(question.feedback.html)
    return "".join(parts)


def continuing_choice_feedback(question: Question) -> list[str]:
    """Choice feedback in conditions that continue: wrong choices, and a multiple-response
    question's correct ones (docs/cartridge-readers.md, "response processing")."""
    if question.type not in ("multiple_choice", "multiple_answer", "true_false"):
        return []
    order = ([c for c in question.choices if c.correct] if question.type == "multiple_answer" else []) + \
        [c for c in question.choices if not c.correct]
    return [c.feedback.html for c in order if c.feedback is not None and not c.feedback.is_empty]


def links_in(fragment: str) -> list[references.Reference]:
    found = []
    for value in re.findall(r"""(?:href|src)\s*=\s*["'](ilead:[^"']*)["']""", fragment or ""):
        reference = references.parse(html.unescape(value))
        if reference is not None:
            found.append(reference)
    return found


def quizzes(course: Course) -> list[Quiz]:
    return [i for i in course.items() if isinstance(i, Quiz) and i.questions]


def item_kind(item: Item) -> str:
    return "quiz" if isinstance(item, Quiz) and item.questions else ("page" if isinstance(item, Quiz) else item.type)
