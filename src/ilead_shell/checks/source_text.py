"""Every piece of text a learner reads, with the source line it came from.

The model keeps rich text as HTML and a location per item or question, not per word.  A check
that finds something in the HTML (a word, a tag) asks :meth:`SourceLines.line_of` for the first
source line, from the text's own starting line on, that contains it; the course's files were
already read by the reader, so this reads nothing outside the course source.
"""

from __future__ import annotations

import html as html_module
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from ..model import Course, Item, Module, Quiz, RichText, Video
from ..source_files import source_lines

_TAG = re.compile(r"<[^>]+>")
_CODE = re.compile(r"<(pre|code)\b[^>]*>.*?</\1>", re.IGNORECASE | re.DOTALL)
_BLOCK_END = re.compile(r"</(p|li|h[1-6]|td|th|dd|dt|blockquote|div|tr)>|<br\s*/?>", re.IGNORECASE)


@dataclass(frozen=True)
class Text:
    """One text: its HTML, where it starts in the source, and what it belongs to."""

    html: str
    path: str  # relative to the course root
    line: int
    label: str  # "page 'Welcome'", "choice 2 of question 'Offerings'"
    module: Module | None = None
    item: Item | None = None
    kind: str = "body"  # body, overview, description, stem, choice, feedback, transcript


def plain_text(html: str, keep_code: bool = False) -> str:
    """The words of ``html``: code dropped (unless asked), blocks ended with a newline."""
    text = html if keep_code else _CODE.sub(" ", html)
    text = _BLOCK_END.sub("\n", text)
    return html_module.unescape(_TAG.sub(" ", text))


def course_texts(course: Course) -> Iterator[Text]:
    if not course.description.is_empty:
        yield Text(course.description.html, course.location.path, 1, "the course description", kind="description")
    for module in course.modules:
        if not module.overview.is_empty:
            yield Text(module.overview.html, module.location.path, module.location.line or 1,
                       f"the overview of module '{module.title}'", module, kind="overview")
        for item in module.items:
            yield from item_texts(item, module)


def item_texts(item: Item, module: Module | None = None) -> Iterator[Text]:
    where = item.location.path
    if not item.body.is_empty:
        yield Text(item.body.html, where, item.location.line or 1, f"{item.type} '{item.title}'", module, item)
    if isinstance(item, Video) and item.transcript is not None and not item.transcript.is_empty:
        yield Text(item.transcript.html, where, 1, f"the transcript of video '{item.title}'", module, item,
                   "transcript")
    if isinstance(item, Quiz):
        for question in item.questions:
            line = question.location.line or 1
            name = f"question '{question.title}'"
            yield Text(question.stem.html, question.location.path or where, line, name, module, item, "stem")
            for number, choice in enumerate(question.choices, 1):
                yield Text(choice.html, question.location.path or where, line, f"choice {number} of {name}",
                           module, item, "choice")
                if choice.feedback is not None and not choice.feedback.is_empty:
                    yield Text(choice.feedback.html, question.location.path or where, line,
                               f"the feedback on choice {number} of {name}", module, item, "feedback")
            if question.feedback is not None and not question.feedback.is_empty:
                yield Text(question.feedback.html, question.location.path or where, line,
                           f"the feedback of {name}", module, item, "feedback")


class SourceLines:
    """The course's source files as lines, read once each, for locating findings."""

    def __init__(self, course: Course):
        self.root = Path(course.root)
        self._files: dict[str, list[str]] = {}

    def lines(self, path: str) -> list[str]:
        if path not in self._files:
            self._files[path] = source_lines(self.root / path)
        return self._files[path]

    def line_of(self, text: Text | tuple[str, int], needle: str) -> int:
        """The first line at or after the text's start that contains ``needle`` (any case)."""
        path, start = (text.path, text.line) if isinstance(text, Text) else text
        wanted = " ".join(needle.lower().split())
        if not wanted:
            return start
        lines = self.lines(path)
        for number in range(max(start, 1), len(lines) + 1):
            if wanted in " ".join(lines[number - 1].lower().split()):
                return number
        return start

    def absolute(self, path: str) -> Path:
        return self.root / path


def rich_is_empty(text: RichText | None) -> bool:
    return text is None or text.is_empty or not plain_text(text.html).strip()
