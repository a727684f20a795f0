"""Course -> OLX files: the block tree, one module at a time.

Layout (Studio's own export shape): ``course/course.xml`` points at ``course/<run>.xml``;
chapters, sequentials, verticals, html, problem and video blocks are pointers to their
own files; discussion and openassessment blocks are inline in their vertical, as Studio
writes them.  A pointer tag carries only ``url_name``: any other attribute turns it into
an empty inline block and its file is silently ignored.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from lxml import etree
from lxml.html import builder as E

from ilead_shell.audience import hidden_from_learners, module_visible_to_learners
from ilead_shell.exporter_api import Bundle
from ilead_shell.model import (Assignment, Course, Discussion, File, Item, Link, Module, Page,
                               Quiz, Video)

from . import about, capa, names, ora, video as videos
from .grading import GradingPlan, plan_grading
from .richtext import STATIC_PREFIX, LinkResolver, fragment_html, static_path

TOP = "course"
COURSE_IMAGE = "course_image.png"
PACKAGE_STATIC = Path(__file__).parent / "static"


@dataclass(frozen=True)
class RunSettings:
    org: str
    number: str
    run: str
    start: dt.date
    end: dt.date
    assessment_step: ora.AssessmentStep = "staff"

    def stamp(self, day: dt.date, end_of_day: bool = False) -> str:
        return f"{day.isoformat()}T{'23:59:59' if end_of_day else '00:00:00'}Z"


class OlxWriter:
    def __init__(self, course: Course, settings: RunSettings, bundle: Bundle):
        self.course = course
        self.settings = settings
        self.bundle = bundle
        self.links = LinkResolver(course, bundle.note)
        self.plan: GradingPlan = plan_grading(course, bundle.note)
        self.uses_ora = False
        self.language = (course.language or "en").split("-")[0].lower()

    # -- files -------------------------------------------------------------------------
    def _xml(self, path: str, element: etree._Element) -> None:
        self.bundle.add_xml(f"{TOP}/{path}", element)

    def _text(self, path: str, text: str) -> None:
        self.bundle.add_text(f"{TOP}/{path}", text)

    @staticmethod
    def _pointer(parent: etree._Element, tag: str, url_name: str) -> None:
        etree.SubElement(parent, tag, {"url_name": url_name})

    # -- the whole course --------------------------------------------------------------
    def write(self) -> None:
        run = self.settings.run
        self._xml("course.xml", etree.Element("course", {
            "url_name": run, "org": self.settings.org, "course": self.settings.number}))
        root = etree.Element("course", {
            "display_name": self.course.display_title,
            "start": self.settings.stamp(self.settings.start),
            "end": self.settings.stamp(self.settings.end),
            "course_image": self._course_image(),
            "language": self.language,  # Studio lists primary codes ("en"), not "en-GB"
        })
        for module in self.course.modules:
            self._pointer(root, "chapter", names.chapter(module))
            self._chapter(module)
        self._xml(f"course/{run}.xml", root)

        self._text(f"policies/{run}/grading_policy.json", _json(self.plan.policy()))
        self._text(f"policies/{run}/policy.json", _json(about.policy(run, self.uses_ora)))
        self._text("policies/assets.json", _json(self._asset_policy()))
        self._text("about/overview.html", about.overview_html(self.course, self.links))
        self._text("about/short_description.html", about.short_description(self.course))
        self._text("info/updates.html", "<ol></ol>\n")
        self._text("info/handouts.html", "<ol></ol>\n")
        self._static()

    def _course_image(self) -> str:
        """The first image of the description is the course card; else a plain card we ship."""
        for key in self.course.description.assets:
            asset = self.course.asset(key)
            if asset.media_type.startswith("image/"):
                return static_path(asset.bundle_path)
        return COURSE_IMAGE

    def _static(self) -> None:
        if self._course_image() == COURSE_IMAGE:
            self.bundle.add_file(f"{TOP}/static/{COURSE_IMAGE}", PACKAGE_STATIC / COURSE_IMAGE)
        for asset in self.course.assets:
            self.bundle.add_file(f"{TOP}/static/{static_path(asset.bundle_path)}",
                                 self.course.asset_source(asset))

    def _asset_policy(self) -> dict:
        entries = {}
        if self._course_image() == COURSE_IMAGE:
            entries[COURSE_IMAGE] = {"contentType": "image/png", "displayname": COURSE_IMAGE, "locked": False}
        for asset in self.course.assets:
            path = static_path(asset.bundle_path)
            entries[path] = {"contentType": asset.media_type, "displayname": path.rsplit("/", 1)[-1],
                             "locked": False}
        return entries

    # -- structure ---------------------------------------------------------------------
    def _chapter(self, module: Module) -> None:
        chapter = etree.Element("chapter", {"display_name": module.title,
                                            **({} if module_visible_to_learners(module) else _staff_only())})
        self._pointer(chapter, "sequential", names.overview_sequential(module))
        self._overview(module)
        for item in module.items:
            self._pointer(chapter, "sequential", names.sequential(item))
            self._item(item)
        self._xml(f"chapter/{names.chapter(module)}.xml", chapter)

    def _sequential(self, url_name: str, title: str, units: list[str], item: Item | None = None) -> None:
        attributes = {"display_name": title}
        if item is not None:
            kind = self.plan.format_of.get(item.full_id)
            if kind:
                attributes.update(graded="true", format=kind)
            due = getattr(item, "due", None)
            if due is not None:
                attributes["due"] = self.settings.stamp(self._clamped_due(item, due), end_of_day=True)
            if hidden_from_learners(item):
                attributes.update(_staff_only())
        sequential = etree.Element("sequential", attributes)
        for unit in units:
            self._pointer(sequential, "vertical", unit)
        self._xml(f"sequential/{url_name}.xml", sequential)

    @staticmethod
    def _vertical(title: str) -> etree._Element:
        return etree.Element("vertical", {"display_name": title})

    def _save_vertical(self, url_name: str, vertical: etree._Element) -> None:
        self._xml(f"vertical/{url_name}.xml", vertical)

    def _html(self, vertical: etree._Element, url_name: str, title: str, body: str) -> None:
        self._pointer(vertical, "html", url_name)
        self._xml(f"html/{url_name}.xml", etree.Element("html", {"filename": url_name, "display_name": title}))
        self._text(f"html/{url_name}.html", body or "<p></p>\n")

    def _overview(self, module: Module) -> None:
        unit = names.overview_vertical(module)
        vertical = self._vertical(module.title)
        parts = [fragment_html(self.links.rewrite(module.overview.html))]
        if module.outcomes:
            outcomes = E.DIV(E.CLASS("module-outcomes"), E.H3("Learning outcomes"),
                             E.UL(*[E.LI(o.text) for o in module.outcomes]))
            parts.append(_serialize(outcomes))
        body = "".join(p for p in parts if p) or _serialize(E.P(module.title))
        self._html(vertical, names.overview_html(module), f"About: {module.title}", body)
        self._save_vertical(unit, vertical)
        self._sequential(names.overview_sequential(module), "About this module", [unit])

    # -- items -------------------------------------------------------------------------
    def _item(self, item: Item) -> None:
        if isinstance(item, Quiz):
            units = self._quiz(item)
        else:
            unit = names.vertical(item)
            vertical = self._vertical(item.title)
            handler = {Page: self._page, Discussion: self._discussion, Link: self._link,
                       File: self._file, Video: self._video, Assignment: self._assignment}[type(item)]
            handler(item, vertical)
            self._save_vertical(unit, vertical)
            units = [unit]
        self._sequential(names.sequential(item), item.title, units, item)

    def _body(self, item: Item) -> str:
        return fragment_html(self.links.rewrite(item.body.html))

    def _page(self, item: Page, vertical: etree._Element) -> None:
        self._html(vertical, names.html(item), item.title, self._body(item) or _serialize(E.P(item.title)))

    def _link(self, item: Link, vertical: etree._Element) -> None:
        anchor = _serialize(E.P(E.A(item.title, href=item.url)))
        self._html(vertical, names.html(item), item.title, self._body(item) + anchor)

    def _file(self, item: File, vertical: etree._Element) -> None:
        asset = self.course.asset(item.asset)
        href = STATIC_PREFIX + static_path(asset.bundle_path)
        kind = asset.bundle_path.rsplit(".", 1)[-1].upper() if "." in asset.bundle_path else asset.media_type
        anchor = _serialize(E.P(E.A(item.title, href=href), f" ({kind}, {_size(asset.size)})"))
        self._html(vertical, names.html(item), item.title, self._body(item) + anchor)

    def _discussion(self, item: Discussion, vertical: etree._Element) -> None:
        module = self.course.module(item.module_id)
        self._html(vertical, names.html(item, "prompt"), item.title,
                   self._body(item) or _serialize(E.P(item.title)))
        etree.SubElement(vertical, "discussion", {
            "url_name": names.discussion(item),
            "display_name": item.title,
            "discussion_category": module.title if module else item.module_id,
            "discussion_target": item.title,
            "discussion_id": f"{self.course.code}__{item.module_id}__{item.id}",
        })

    def _video(self, item: Video, vertical: etree._Element) -> None:
        static_url = None
        if item.asset:
            static_url = STATIC_PREFIX + static_path(self.course.asset(item.asset).bundle_path)
        body = self._body(item)
        if not videos.playable(item, static_url):
            self.bundle.note(f"video '{item.title}': {item.url} is neither YouTube nor a video file, "
                             "so it is imported as a link")
            link = _serialize(E.P(E.A(f"Watch: {item.title}", href=item.url or "#")))
            self._html(vertical, names.html(item), item.title, body + link)
        else:
            if body:
                self._html(vertical, names.html(item), item.title, body)
            val_id = self._transcript(item)
            url_name = names.video(item)
            self._pointer(vertical, "video", url_name)
            self._xml(f"video/{url_name}.xml", videos.video_block(item, static_url, val_id, self.language))
        if item.transcript is not None and not item.transcript.is_empty:
            text = _serialize(E.H3("Transcript")) + fragment_html(self.links.rewrite(item.transcript.html))
            self._html(vertical, names.html(item, "transcript"), f"Transcript: {item.title}", text)

    def _transcript(self, item: Video) -> str | None:
        """Write the captions as the video's SRT transcript; its edx-val id, or None without captions."""
        if not item.captions:
            return None
        srt = videos.vtt_to_srt(self.course.read_asset(item.captions).decode("utf-8-sig", errors="replace"))
        val_id = videos.val_video_id(self.course.code, item, srt)
        self.bundle.add_text(f"{TOP}/static/{videos.transcript_name(val_id, self.language)}", srt)
        return val_id

    def _assignment(self, item: Assignment, vertical: etree._Element) -> None:
        window = self._window(item)
        vertical.append(ora.for_assignment(item, names.open_assessment(item), window,
                                           self.settings.assessment_step, self.links, self.bundle.note))
        self.uses_ora = True

    def _quiz(self, quiz: Quiz) -> list[str]:
        if quiz.mastery is not None:
            # Open edX passes a learner on the whole course (grading.pass), never on one quiz.
            self.bundle.note(f"quiz '{quiz.title}': its mastery score ({quiz.mastery:g}%) is not carried; "
                             "Open edX has no pass mark per quiz, only the course's (grading: pass:)")
        intro = self._body(quiz)
        if not quiz.questions:
            unit = names.vertical(quiz)
            vertical = self._vertical(quiz.title)
            self._html(vertical, names.html(quiz), quiz.title, intro or _serialize(E.P(quiz.title)))
            self._save_vertical(unit, vertical)
            return [unit]
        units = []
        # One unit per question: ORA misbehaves with two assessments in one unit.
        for index, question in enumerate(quiz.questions):
            unit = names.vertical(quiz, question.id)
            vertical = self._vertical(question.title)
            if index == 0 and intro:
                self._html(vertical, names.html(quiz), quiz.title, intro)
            if question.type == "essay":
                vertical.append(ora.for_essay(question, names.open_assessment(quiz, question.id),
                                              self._window(quiz), self.settings.assessment_step,
                                              self.links, self.bundle.note))
                self.uses_ora = True
            else:
                url_name = names.problem(quiz, question.id)
                self._pointer(vertical, "problem", url_name)
                self._xml(f"problem/{url_name}.xml",
                          capa.problem_for(quiz, question, self.links, self.bundle.note))
            self._save_vertical(unit, vertical)
            units.append(unit)
        return units

    # -- dates -------------------------------------------------------------------------
    def _clamped_due(self, item: Item, due: dt.date) -> dt.date:
        if due < self.settings.start:
            # The reader already warns at the due: line; this only says what the archive holds.
            self.bundle.note(f"'{item.title}' is due {due} before the course starts; "
                             f"the due date becomes {self.settings.start}")
            return self.settings.start
        if due >= self.settings.end:
            last = self.settings.end - dt.timedelta(days=1)
            self.bundle.warn(f"'{item.title}' is due {due}, after the course ends; the due date becomes {last}")
            return last
        return due

    def _window(self, item: Item) -> ora.Window:
        due = getattr(item, "due", None)
        if due is None:
            closes = dt.datetime.combine(self.settings.end, dt.time(0, 0))
        else:
            closes = dt.datetime.combine(self._clamped_due(item, due), dt.time(23, 59, 59))
        return ora.Window(start=self.settings.start, due=closes)


def _serialize(element) -> str:
    return lxml.html.tostring(element, encoding="unicode", method="html") + "\n"


def _json(data) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB"):
        if value < 1024 or unit == "MB":
            return f"{int(value)} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} bytes"


def _staff_only() -> dict[str, str]:
    """Studio's "Hide from learners": staff still see and preview the block; its children
    inherit it."""
    return {"visible_to_staff_only": "true"}
