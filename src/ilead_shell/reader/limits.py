"""How much of a course the reader takes in, so that no source can exhaust time or memory.

Each limit is far above what a real course needs (the iLead course's largest file is 4 KB,
its deepest list three levels) and each is reported as a located error that names the
limit, so an author who reaches one knows what to split.  README lists them.
"""

from __future__ import annotations

#: A Markdown or YAML file is read into memory whole (media files are streamed, never limited).
MAX_TEXT_BYTES = 2 * 1024 * 1024
#: One YAML document: course.yml, competencies.yml or the front matter of one file.
MAX_YAML_BYTES = 256 * 1024
#: Values (keys, scalars, lists and mappings) in one YAML document, aliases expanded.
MAX_YAML_VALUES = 100_000
#: Lists and mappings inside each other in one YAML document.
MAX_YAML_DEPTH = 50
#: Markdown blocks inside each other (lists, quotes, admonitions, indented blocks).
MAX_MARKDOWN_NESTING = 20
#: HTML elements inside each other once a body is rendered (raw HTML included); every
#: target's XML readers stop at 256 levels and would silently drop the rest.
MAX_HTML_DEPTH = 100
#: Items in the whole course (pages, quizzes, assignments...).
MAX_ITEMS = 10_000
#: Questions in one quiz.
MAX_QUESTIONS = 5_000
#: Points of one question, assignment or discussion.
MAX_POINTS = 10_000
#: Hours of learner effort one item may plausibly take (a warning above it, not an error):
#: 200 h is more than a 4-credit course's whole workload at 45 h a credit, so more is a slip
#: such as '10000 h' for '1 h', or a course's hours written on one item.
MAX_ITEM_EFFORT_HOURS = 200


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"
