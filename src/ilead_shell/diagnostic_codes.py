"""Stable codes for diagnostics: what ``--format json`` gives CI to filter and count on.

A message may be reworded to help authors; its code may not change, since CI scripts and
editors match on it.  Most diagnostics are given their code where they are made
(``error(..., code="unknown-outcome")``); the others get it here from the shape of their
message, by the ordered rules below, and a check family's findings fall back to the
family's name.  Every code is listed in :data:`CODES` and documented in
``docs/diagnostics.md`` (a test keeps the two equal).
"""

from __future__ import annotations

import re

from .errors import Diagnostic, Level

#: Every code, with what it means (docs/diagnostics.md says more, with examples).
CODES: dict[str, str] = {
    # finding the course
    "source-missing": "the course source folder, or its course.yml, does not exist or is not a folder/file",
    # files as files
    "file-unreadable": "a source file cannot be read: permission, a link, not a regular file, outside the course",
    "file-not-text": "a Markdown or YAML file is binary or not UTF-8",
    "forbidden-character": "a control character, lone surrogate or non-character no LMS can store",
    "limit-exceeded": "a file, document, nesting depth or count is over a limit (README: Limits)",
    # YAML and front matter
    "yaml-syntax": "course.yml, competencies.yml or front matter is not valid YAML",
    "yaml-duplicate-key": "a key is written twice in one YAML mapping",
    "yaml-tag": "a YAML tag (!!python/...) that is never executed",
    "front-matter-missing": "a module.md or item has no '---' front matter, or it is not closed",
    "not-a-mapping": "a YAML document or front matter is not a mapping of keys to values",
    "unknown-key": "a key the format does not know (often a typo; the closest key is suggested)",
    "missing-key": "a required key (title, code...) is missing",
    "invalid-value": "a value of the wrong type or form (an example of the right form is given)",
    "unknown-item-type": "an item's type: is none of page, assignment, discussion, quiz, link, file, video",
    # identifiers and references
    "invalid-id": "an id that is not lower-case letters and digits joined by - or _, or a name that gives none",
    "duplicate-id": "two modules, items, questions, choices, outcomes, competencies or groups share an id",
    "unknown-outcome": "an item or question names an outcome the course does not define",
    "unknown-course-outcome": "a module outcome supports: a course outcome that does not exist",
    "unknown-competency": "an outcome names a competency competencies.yml does not define",
    "unknown-offering": "offerings: or default_offering names an offering course.yml does not define",
    "unknown-group": "group: names a grading group course.yml does not define",
    "modules-list": "an entry of course.yml modules: is missing, absolute, listed twice or has no module.md",
    "competencies-file": "the competencies file is missing, outside the course or not a file",
    "unknown-reference": "a citation, references:, readings: or crosswalk names no work of any references.yml",
    "reference-entry": "a work in references.yml lacks what its type needs (authors' family names, a URL) or has an unknown type",
    "readings": "a readings: entry that is neither a work's id, {ref: ..., note: ...} nor {select: ...}",
    # bodies and files
    "broken-link": "a link or image in Markdown points to a file that is missing or outside the module and assets/",
    "file-reference": "path:, captions: or transcript: names a missing, wrong or unsuitable file",
    "quiz-syntax": "a question that cannot be read: type, choices, answers, attributes, feedback",
    "video": "a video without exactly one of url/path, or without captions or a transcript",
    "due-date": "due: is not a date or 'week N', or needs a start date",
    "grading": "grading group weights do not add up to 100",
    "audience": "audience: learners on an item of a module for instructors",
    "exporter-options": "an exporters: section a target cannot use (wrong option, misspelt target)",
    "check-config": "course.yml checks: names an unknown check or a wrong option",
    "source-changed": "a source file changed while the build ran; build again",
    # warnings from the reader and the core
    "missing-alt-text": "an image without alternative text (WCAG 1.1.1)",
    "vague-link-text": "a link whose text does not say where it goes (WCAG 2.4.4)",
    "offering-link": "a link to an item or module another offering leaves out (plain text there)",
    "instructor-link": "a link from learners' text to instructor material (plain text for learners)",
    "empty-offerings": "offerings: [] puts a module or item in no offering",
    "rubric-points": "a rubric adds up to other points than points:",
    "rubric-levels": "a rubric criterion's performance levels: fewer than two, not descending, a label twice, top not its points",
    "effort": "effort: is not a duration such as 45 min, 2 h or 1.5 h (error), or more than 200 hours for one item (warning)",
    "due-before-start": "a due date before an offering starts",
    "unlisted-module": "a folder under modules/ with a module.md that course.yml modules: does not list (in no bundle)",
    # check families (docs/checks.md)
    "content": "check family content: modules without items, pages without text",
    "outcomes": "check family outcomes: unmeasurable verbs, outcomes not assessed, competencies not served",
    "unsafe-content": "check family unsafe-content: scripts, event handlers, javascript:/data: URLs, iframes",
    "accessibility": "check family accessibility: tables, headings, images, links, sensory wording, media",
    "quiz-quality": "check family quiz-quality: answer keys, distractors, feedback, outcome levels",
    "inclusive-language": "check family inclusive-language: terms with documented inclusive alternatives",
    "readability": "check family readability: Flesch-Kincaid grade against the course target",
    "references": "check family references: works in a references.yml that nothing cites, reads or maps to",
    "workload": "check family workload: an offering's credits against the hours its items' effort adds up to",
    "check-plugin": "an installed check plug-in could not be loaded or run",
    # building
    "target-warning": "a target's warning about the source (fatal with --strict)",
    "target-note": "what a target's format cannot hold and how it was simplified (never fatal)",
    "unknown-target": "--target names no installed target (exit status 2)",
    "unknown-offering-option": "--offering names no offering of the course",
    "build-failed": "the build could not finish: a disk error, an interruption or a target's own failure",
    "source-error": "any other mistake in the source (please report it: it should have a code of its own)",
    "source-warning": "any other warning about the source",
}

# Ordered: the first match gives the code.  Anchored on the stable part of each message.
_RULES: list[tuple[re.Pattern[str], str]] = [(re.compile(p), c) for p, c in [
    (r"^course source '.*' (does not exist|is not a folder)|^no course.yml in the course source"
     r"|^cannot read the course source|^course\.yml is (a folder|a link|.* not a file)", "source-missing"),
    (r"^YAML: key '.*' is written twice", "yaml-duplicate-key"),
    (r"^YAML: YAML tag not allowed", "yaml-tag"),
    (r"^YAML: .*(more than \d+ values|nested more than|of YAML, more than|expand to more than)", "limit-exceeded"),
    (r"^YAML: .*is not allowed in YAML", "forbidden-character"),
    (r"^YAML: this value holds ", "forbidden-character"),
    (r"^YAML:", "yaml-syntax"),
    (r"has no front matter|^front matter starts with '---'", "front-matter-missing"),
    (r"must be a mapping of keys to values", "not-a-mapping"),
    (r"^\S.*: unknown key '", "unknown-key"),
    (r"^\S.*: missing required key '", "missing-key"),
    (r"^unknown item type ", "unknown-item-type"),
    (r"^this is a binary file|^not valid UTF-8 text", "file-not-text"),
    (r"cannot be packaged|^the character reference .* stands for|holds the control character|holds the lone"
     r"|holds the non-character|holds U\+", "forbidden-character"),
    (r"^the file is larger than|^the course has more than \d+ items|more than the \d+ one quiz may hold"
     r"|^Markdown nested|^HTML elements nested|nested more than", "limit-exceeded"),
    (r"^broken link: ", "broken-link"),
    (r"^(path|captions|transcript): ", "file-reference"),
    (r"^competencies file ", "competencies-file"),
    (r"^cannot read the competencies file", "competencies-file"),
    (r"^(module folder '|module '.*' (is an absolute path|is listed twice|holds )|no modules/ folder"
     r"|cannot read the folder modules/|cannot read the module folder)", "modules-list"),
    (r"^(outcome|module outcome) .*supports unknown course outcome|supports unknown course outcome",
     "unknown-course-outcome"),
    (r"names unknown competency", "unknown-competency"),
    (r"^unknown outcome '", "unknown-outcome"),
    (r"^unknown offering '|^default_offering '", "unknown-offering"),
    (r"^unknown grading group '", "unknown-group"),
    (r"is also the id of|is used twice|^two (questions|choices) (have|read)|is also defined in"
     r"|and another question's neither", "duplicate-id"),
    (r"must be lower-case letters and digits|gives no identifier", "invalid-id"),
    (r"^a video needs", "video"),
    (r"^due: |^due: 'week N' needs", "due-date"),
    (r"^due .* is before offering", "due-before-start"),
    (r"^grading group weights", "grading"),
    (r"^audience: 'learners', but its module", "audience"),
    (r"^exporters[.:]", "exporter-options"),
    (r"^checks: ", "check-config"),
    (r"the file (changed|shrank|grew) while the build ran|cannot open the file again to package it",
     "source-changed"),
    (r"^image has no alternative text", "missing-alt-text"),
    (r"^link text '.*' does not say where", "vague-link-text"),
    (r"^in offering '.*', the link to ", "offering-link"),
    (r"^the link to .* is plain text for learners", "instructor-link"),
    (r"^offerings: \[\] puts this", "empty-offerings"),
    (r"^the rubric adds up to", "rubric-points"),
    (r"^rubric criterion '", "rubric-levels"),
    (r"^effort: ", "effort"),
    (r"names no work in ", "unknown-reference"),
    (r"^reference '", "reference-entry"),
    (r"^readings: ", "readings"),
    (r"check plug-in|that check was not run", "check-plugin"),
    (r"^(cannot read|'.*' is (a link|a FIFO|a socket|a device|not a regular)|.* is a link to a "
     r"|module\.md is a link|assets/ is a link|.*permission denied)", "file-unreadable"),
    (r"question|choice|^attribute '|^write question attributes|^cannot read the attributes|^an? .*'=' |"
     r"^numeric answer|^unexpected text after the choices|^quiz has no questions|^points=|line is not allowed|"
     r"looks like a choice|^an essay question|^a (multiple_choice|multiple_answer|true_false|short_answer|numeric)",
     "quiz-syntax"),
    (r"^\S.* front matter: '|^'.*': ", "invalid-value"),
]]


def code_of(diagnostic: Diagnostic) -> str:
    """The diagnostic's stable code (see :data:`CODES`)."""
    if diagnostic.code:
        return diagnostic.code
    if diagnostic.level is Level.NOTE:
        return "target-note"
    if diagnostic.check:  # a check family's finding: the family's name (a plug-in's own, too)
        return diagnostic.check
    message = diagnostic.message.removesuffix(" [--strict]")
    for pattern, code in _RULES:
        if pattern.search(message):
            return code
    return "source-error" if diagnostic.is_error else "source-warning"
