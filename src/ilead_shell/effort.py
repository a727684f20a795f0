"""Effort estimates: how long a learner spends on each item, for the outline and the checks.

An item's ``effort:`` (the author's estimate) wins.  Otherwise the estimate comes from what
the course contains; the numbers are planning estimates, not promises (docs/outline.md):

* reading: words at 200 a minute (pages, overviews, descriptions, quiz introductions);
* video: the last caption cue's end time, else the transcript's words at 150 a minute
  (a speaking rate), else ten minutes;
* discussion: 30 minutes to read the prompt, post and reply to two colleagues;
* quiz: 1.5 minutes per automatically scored question, 10 per essay question;
* assignment: 6 minutes per point (a 20-point task is two hours), at least an hour,
  because points in this course are weighted by the work they ask for;
* link and file: 10 minutes to explore the resource.

External readings are unknown to the course: each reading in an item's ``readings:`` that is
still to be selected counts 30 minutes, a planning allowance until the team chooses it (an
item whose readings are chosen should say how long they take with ``effort:``).
"""

from __future__ import annotations

import math
import re

from lxml import html as lxml_html

from .model import Assignment, Course, Discussion, File, Item, Link, Quiz, RichText, Video

READING_WPM = 200
SPEAKING_WPM = 150
DISCUSSION_MINUTES = 30
AUTO_QUESTION_MINUTES = 1.5
ESSAY_QUESTION_MINUTES = 10
ASSIGNMENT_MINUTES_PER_POINT = 6
ASSIGNMENT_MINIMUM_MINUTES = 60
RESOURCE_MINUTES = 10
VIDEO_DEFAULT_MINUTES = 10
PENDING_READING_MINUTES = 30

_CUE_END = re.compile(r"-->\s*(?:(\d+):)?(\d{1,2}):(\d{2})(?:\.\d+)?")


def plain_text(text: RichText | None) -> str:
    if text is None or text.is_empty:
        return ""
    return " ".join(lxml_html.fragment_fromstring(text.html, create_parent="div").text_content().split())


def words(text: RichText | None) -> int:
    return len(plain_text(text).split())


def reading_minutes(*texts: RichText | None, pending: int = 0) -> float:
    """Reading time of the texts, plus the allowance for ``pending`` readings still to be selected."""
    return sum(words(t) for t in texts) / READING_WPM + pending * PENDING_READING_MINUTES


def item_minutes(course: Course, item: Item) -> int:
    """Whole minutes a learner is expected to spend on ``item``: its ``effort:`` if given."""
    if item.effort_minutes is not None:
        return item.effort_minutes
    minutes = reading_minutes(item.body, pending=sum(r.pending for r in item.readings))
    if isinstance(item, Quiz):
        minutes += sum(AUTO_QUESTION_MINUTES if q.auto_scored else ESSAY_QUESTION_MINUTES
                       for q in item.questions)
        minutes += sum(words(q.stem) for q in item.questions) / READING_WPM
    elif isinstance(item, Assignment):
        minutes = max(ASSIGNMENT_MINIMUM_MINUTES, (item.points or 0) * ASSIGNMENT_MINUTES_PER_POINT) + minutes
    elif isinstance(item, Discussion):
        minutes = max(minutes, DISCUSSION_MINUTES)
    elif isinstance(item, Video):
        minutes += video_minutes(course, item)
    elif isinstance(item, (Link, File)):
        minutes += RESOURCE_MINUTES
    return max(1, math.ceil(minutes))


def video_minutes(course: Course, video: Video) -> float:
    if video.captions:
        seconds = _last_cue_end(course.read_asset(video.captions).decode("utf-8-sig", errors="replace"))
        if seconds:
            return seconds / 60
    if video.transcript is not None:
        return words(video.transcript) / SPEAKING_WPM
    return VIDEO_DEFAULT_MINUTES


def _last_cue_end(text: str) -> int:
    ends = [int(h or 0) * 3600 + int(m) * 60 + int(s) for h, m, s in _CUE_END.findall(text)]
    return max(ends, default=0)


def hours(minutes: int) -> str:
    """``95`` -> ``"1.5 h"``: rounded to the nearest half hour, at least half an hour."""
    if minutes < 60:
        return f"{minutes} min"
    half_hours = max(1, math.floor(minutes / 30 + 0.5))  # half up, not banker's rounding
    value = half_hours / 2
    return f"{value:g} h"


def overview_minutes(module) -> int:
    """Reading the module's overview (and its readings still to be chosen); 0 without one."""
    if module.overview.is_empty:
        return 0
    return max(1, round(reading_minutes(module.overview, pending=sum(r.pending for r in module.readings))))


def module_minutes(course: Course, module) -> int:
    """The module's overview and its published items (rounded as the outline rounds them)."""
    return overview_minutes(module) + sum(item_minutes(course, i) for i in module.items if i.published)


def course_minutes(course: Course) -> int:
    """Every module of ``course`` (select an offering first for that offering's total)."""
    return sum(module_minutes(course, m) for m in course.modules)
