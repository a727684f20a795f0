"""One folder per activity: ``module.xml`` (where it sits, who sees it, how it is completed),
``<modname>.xml`` (the activity itself) and the small files every activity task reads.

| item | activity | completed when |
| --- | --- | --- |
| page | Page | viewed |
| video | Page with the video, its captions and transcript | viewed |
| link | URL | viewed |
| file | File (mod_resource) | viewed |
| discussion | Forum, a single simple discussion (graded: whole-forum grading) | the learner posts |
| quiz | Quiz, its questions in the course's question bank | graded (passed, when it has a mastery) |
| assignment | Assignment: text/file submissions, due date, rubric | submitted |

Unpublished and instructor-only items are hidden activities, which only teachers see (a
module for instructors is a hidden section); instructor-only ones track no completion and
carry no grade, as learners never meet them.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlparse

import lxml.html
from lxml import etree
from lxml.html import builder as H

from ilead_shell.model import Assignment, Course, Discussion, File, Link, Page, Quiz, Video

from .files import Area, FileStore
from .gradebook import Gradebook
from .plan import Activity
from .questions import QuestionBank, mark
from .richtext import Texts
from .rubric import grading_xml
from .xml import NULL_VALUE, container, element, number, record, serialize

MOODLE_VERSION = 2025100600  # Moodle 5.1: core and every standard activity carry this version
TRACKING_AUTOMATIC = 2  # COMPLETION_TRACKING_AUTOMATIC
DISPLAY_AUTO = 0  # RESOURCELIB_DISPLAY_AUTO
DISPLAY_OPEN = 5  # RESOURCELIB_DISPLAY_OPEN
VIDEO_SUFFIXES = (".mp4", ".m4v", ".webm", ".ogv", ".mov")
#: Review options of a new quiz on a default Moodle site: everything shown after the attempt.
REVIEW = {"attempt": 69904, "correctness": 4368, "maxmarks": 69904, "marks": 4368, "specificfeedback": 4368,
          "generalfeedback": 4368, "rightanswer": 4368, "overallfeedback": 4368}
FILE_SUBMISSIONS = 20  # Moodle's default maximum number of uploaded files


@dataclass(frozen=True)
class Completion:
    tracking: int = 0
    view: bool = False
    grade_item: int | None = None  # completiongradeitemnumber: complete once graded
    pass_grade: bool = False
    submit: bool = False
    posts: int = 0


@dataclass(frozen=True)
class Context:
    """What every activity writer needs."""

    course: Course
    files: FileStore
    texts: Texts
    gradebook: Gradebook
    bank: QuestionBank
    epoch: int
    due: Callable[[dt.date], int]
    note: Callable[[str], None]


def completion_of(activity: Activity, gradebook: Gradebook) -> Completion:
    item = activity.item
    if item is None or item.for_instructors:
        return Completion()
    if isinstance(item, Quiz):
        graded = gradebook.items_of(activity)
        if not graded:
            return Completion(TRACKING_AUTOMATIC, view=True)
        return Completion(TRACKING_AUTOMATIC, grade_item=0, pass_grade=graded[0].gradepass > 0)
    if isinstance(item, Assignment):
        if item.submission:
            return Completion(TRACKING_AUTOMATIC, submit=True)
        return Completion(TRACKING_AUTOMATIC, view=True)
    if isinstance(item, Discussion):
        return Completion(TRACKING_AUTOMATIC, posts=1)
    return Completion(TRACKING_AUTOMATIC, view=True)


class ActivityWriter:
    def __init__(self, context: Context):
        self.c = context

    def files(self, activity: Activity) -> dict[str, etree._Element | bytes]:
        """Every file of the activity's folder, by name: a tree, or the bytes of a file that is
        the same in every folder."""
        completion = completion_of(activity, self.c.gradebook)
        instance = self._instance(activity, completion)
        found = {
            "module.xml": self._module(activity, completion),
            f"{activity.modname}.xml": element(
                "activity", {"id": activity.instance, "moduleid": activity.cmid, "modulename": activity.modname,
                             "contextid": activity.context}, **{activity.modname: instance}),
            "grades.xml": self.c.gradebook.activity_grades_xml(activity, self.c.epoch),
            **unchanging_files(),
        }
        if activity.modname in ("assign", "forum"):  # the activities with advanced grading areas
            found["grading.xml"] = grading_xml(activity, self.c.epoch)
        found["inforef.xml"] = self._inforef(activity)
        return found

    # -- module.xml --------------------------------------------------------------------
    def _module(self, activity: Activity, completion: Completion) -> etree._Element:
        visible = 1 if activity.visible else 0
        on_page = 0 if activity.modname == "qbank" else 1
        return element(
            "module", {"id": activity.cmid, "version": MOODLE_VERSION},
            modulename=activity.modname, sectionid=activity.section.id, sectionnumber=activity.section.number,
            idnumber=activity.idnumber if activity.idnumber else NULL_VALUE, added=self.c.epoch, score=0,
            indent=0, visible=visible, visibleoncoursepage=on_page, visibleold=visible, groupmode=0,
            groupingid=0, completion=completion.tracking,
            completiongradeitemnumber=completion.grade_item if completion.grade_item is not None else NULL_VALUE,
            completionpassgrade=1 if completion.pass_grade else 0, completionview=1 if completion.view else 0,
            completionexpected=0, availability=NULL_VALUE, showdescription=0, downloadcontent=1,
            lang=NULL_VALUE, enableaitools=NULL_VALUE, enabledaiactions=NULL_VALUE, tags=[])

    def _inforef(self, activity: Activity) -> etree._Element:
        node = etree.Element("inforef")
        files = self.c.files.ids_owned_by(activity.key)
        if files:
            node.append(container("fileref", [element("file", None, id=i) for i in files]))
        items = self.c.gradebook.items_of(activity)
        if items:
            node.append(container("grade_itemref", [element("grade_item", None, id=i.id) for i in items]))
        categories = self._question_categories(activity)
        if categories:
            node.append(container("question_categoryref",
                                  [element("question_category", None, id=i) for i in categories]))
        return node

    def _question_categories(self, activity: Activity) -> list[int]:
        """The bank lists all its categories; a quiz the ones its questions are in, as Moodle does."""
        bank = self.c.bank
        if activity.modname == "qbank":
            return bank.category_ids()
        if activity.modname == "quiz" and bank.entries_of(activity):
            return [bank.top, bank.entries_of(activity)[0].category]
        return []

    # -- the activity itself -----------------------------------------------------------
    def _area(self, activity: Activity, filearea: str) -> Area:
        return Area(activity.context, f"mod_{activity.modname}", filearea, 0, activity.key)

    def _intro(self, activity: Activity, html) -> str:
        return self.c.texts.html(html, self._area(activity, "intro"))

    def _instance(self, activity: Activity, completion: Completion) -> etree._Element:
        item = activity.item
        epoch = self.c.epoch
        if activity.modname == "qbank":
            return record("qbank", activity.instance, name=activity.name, timecreated=epoch, timemodified=epoch,
                          intro="", introformat=1, type="standard")
        if isinstance(item, (Page, Video)):
            content = (self._video(activity, item) if isinstance(item, Video)
                       else self.c.texts.html(item.body, self._area(activity, "content")))
            return record(
                "page", activity.instance, name=activity.name, intro="", introformat=1, content=content,
                contentformat=1, legacyfiles=0, legacyfileslast=NULL_VALUE, display=DISPLAY_OPEN,
                displayoptions=_php_options(printintro=0, printlastmodified=0), revision=1, timemodified=epoch)
        if isinstance(item, Link):
            return record(
                "url", activity.instance, name=activity.name, intro=self._intro(activity, item.body), introformat=1,
                externalurl=item.url, display=DISPLAY_AUTO, displayoptions=_php_options(printintro=1),
                parameters="a:0:{}", timemodified=epoch)
        if isinstance(item, File):
            self.c.files.add(self._area(activity, "content"), self.c.course.asset(item.asset), sortorder=1)
            return record(
                "resource", activity.instance, name=activity.name, intro=self._intro(activity, item.body),
                introformat=1, tobemigrated=0, legacyfiles=0, legacyfileslast=NULL_VALUE, display=DISPLAY_AUTO,
                displayoptions=_php_options(printintro=1), filterfiles=0, revision=1, timemodified=epoch)
        if isinstance(item, Discussion):
            return self._forum(activity, item, completion)
        if isinstance(item, Quiz):
            return self._quiz(activity, item)
        if isinstance(item, Assignment):
            return self._assign(activity, item, completion)
        raise TypeError(f"no activity for {type(item).__name__}")

    def _forum(self, activity: Activity, item: Discussion, completion: Completion) -> etree._Element:
        epoch = self.c.epoch
        graded = self.c.gradebook.items_of(activity)
        points = graded[0].grademax if graded else 0
        return record(
            "forum", activity.instance, type="single", name=activity.name,
            intro=self._intro(activity, item.body) or f"<p>{_escape(item.title)}</p>", introformat=1,
            duedate=0, cutoffdate=0, assessed=0, assesstimestart=0, assesstimefinish=0, scale=0, maxbytes=0,
            maxattachments=1, forcesubscribe=0, trackingtype=1, rsstype=0, rssarticles=0, timemodified=epoch,
            warnafter=0, blockafter=0, blockperiod=0, completiondiscussions=0, completionreplies=0,
            completionposts=completion.posts, displaywordcount=0, lockdiscussionafter=0,
            grade_forum=_whole(points), discussions=[], subscriptions=[], digests=[], readposts=[],
            trackedprefs=[], poststags=[], grades=[])

    def _quiz(self, activity: Activity, item: Quiz) -> etree._Element:
        epoch = self.c.epoch
        slots = []
        for slot, entry in enumerate(self.c.bank.entries_of(activity), start=1):
            reference = record("question_reference", entry.id, usingcontextid=activity.context,
                               component="mod_quiz", questionarea="slot", questionbankentryid=entry.id,
                               version=NULL_VALUE)
            slots.append(record("question_instance", entry.id, quizid=activity.instance, slot=slot, page=1,
                                displaynumber=NULL_VALUE, requireprevious=0, maxmark=mark(entry.question.points),
                                quizgradeitemid=NULL_VALUE, question_reference=reference))
        review = {f"review{k}": v for k, v in REVIEW.items()}
        return record(
            "quiz", activity.instance, name=activity.name, intro=self._intro(activity, item.body), introformat=1,
            timeopen=0, timeclose=0, timelimit=0, overduehandling="autosubmit", graceperiod=0,
            preferredbehaviour="deferredfeedback", canredoquestions=0, attempts_number=item.attempts or 0,
            attemptonlast=0, grademethod=1, decimalpoints=2, questiondecimalpoints=-1, **review,
            questionsperpage=0, navmethod="free", shuffleanswers=1 if item.shuffle else 0,
            sumgrades=number(item.points), grade=number(item.points if self.c.gradebook.items_of(activity) else 0),
            timecreated=epoch, timemodified=epoch,
            password="", subnet="", browsersecurity="-", delay1=0, delay2=0, showuserpicture=0, showblocks=0,
            completionattemptsexhausted=0, completionminattempts=0, allowofflineattempts=0,
            precreateattempts=NULL_VALUE, subplugin_quizaccess_seb_quiz=[], quiz_grade_items=[],
            question_instances=slots,
            sections=[record("section", activity.instance, firstslot=1, heading="", shufflequestions=0)],
            feedbacks=[], overrides=[], grades=[], attempts=[])

    def _assign(self, activity: Activity, item: Assignment, completion: Completion) -> etree._Element:
        epoch = self.c.epoch
        graded = self.c.gradebook.items_of(activity)
        text = "text" in item.submission or "url" in item.submission
        if "url" in item.submission:
            self.c.note(f"assignment '{item.title}': Moodle has no web-address submission; "
                        "learners paste the address as online text")
        configs = [
            ("onlinetext", "assignsubmission", "enabled", int(text)),
            ("onlinetext", "assignsubmission", "wordlimit", 0),
            ("onlinetext", "assignsubmission", "wordlimitenabled", 0),
            ("file", "assignsubmission", "enabled", int("file" in item.submission)),
            ("file", "assignsubmission", "maxfilesubmissions", FILE_SUBMISSIONS),
            ("file", "assignsubmission", "maxsubmissionsizebytes", 0),
            ("file", "assignsubmission", "filetypeslist", ""),
            ("comments", "assignsubmission", "enabled", 0),
            ("comments", "assignfeedback", "enabled", 1),
            ("comments", "assignfeedback", "commentinline", 0),
            ("editpdf", "assignfeedback", "enabled", 0),
            ("offline", "assignfeedback", "enabled", 0),
            ("file", "assignfeedback", "enabled", 0),
        ]
        plugin_configs = [record("plugin_config", activity.instance * 100 + n, plugin=p, subtype=s, name=k, value=v)
                          for n, (p, s, k, v) in enumerate(configs, start=1)]
        return record(
            "assign", activity.instance, name=activity.name,
            intro=self._intro(activity, item.body) or f"<p>{_escape(item.title)}</p>", introformat=1,
            alwaysshowdescription=1, submissiondrafts=0, sendnotifications=0, sendlatenotifications=0,
            sendstudentnotifications=1, duedate=self.c.due(item.due) if item.due else 0, cutoffdate=0,
            gradingduedate=0, allowsubmissionsfromdate=0, grade=_whole(graded[0].grademax) if graded else 0,
            timemodified=epoch, completionsubmit=1 if completion.submit else 0, requiresubmissionstatement=0,
            teamsubmission=0, requireallteammemberssubmit=0, teamsubmissiongroupingid=0, blindmarking=0,
            hidegrader=0, revealidentities=0, attemptreopenmethod="untilpass", maxattempts=1, markingworkflow=0,
            markingallocation=0, markinganonymous=0, preventsubmissionnotingroup=0, activity=NULL_VALUE,
            activityformat=0, timelimit=0, submissionattachments=0, gradepenalty=0, userflags=[],
            submissions=[], grades=[], plugin_configs=plugin_configs, overrides=[])

    # -- video pages ---------------------------------------------------------------------
    def _video(self, activity: Activity, item: Video) -> str:
        area = self._area(activity, "content")
        course = self.c.course
        parts: list = []
        captions = self.c.files.add(area, course.asset(item.captions)) if item.captions else None
        language = (course.language or "en").split("-")[0].lower()
        if item.asset:
            video = self.c.files.add(area, course.asset(item.asset))
            parts.append(self._player(video.url, course.asset(item.asset).media_type, captions, language, item.title))
        elif item.url and urlparse(item.url).path.lower().endswith(VIDEO_SUFFIXES):
            parts.append(self._player(item.url, None, captions, language, item.title))
        elif item.url:
            # Moodle's media filter turns a YouTube or Vimeo link into its player.
            parts.append(H.P(H.A(item.title, href=item.url)))
        if captions is not None:
            parts.append(H.P(H.A("Captions (WebVTT)", href=captions.url)))
        if item.transcript is not None and not item.transcript.is_empty:
            parts.append(H.H3("Transcript"))
            parts.extend(_fragments(self.c.texts.html(item.transcript, area)))
        body = _fragments(self.c.texts.html(item.body, area))
        holder = H.DIV(*body, *parts)
        return "".join(lxml.html.tostring(child, encoding="unicode") for child in holder)

    @staticmethod
    def _player(source: str, media_type: str | None, captions, language: str, title: str) -> etree._Element:
        attributes = {"src": source, **({"type": media_type} if media_type else {})}
        player = H.VIDEO(H.SOURCE(**attributes), controls="controls", preload="metadata", width="640")
        player.set("aria-label", title)
        if captions is not None:
            player.append(H.TRACK(kind="captions", src=captions.url, srclang=language, label="Captions",
                                  default="default"))
        return player


@functools.cache
def unchanging_files() -> dict[str, bytes]:
    """The files every activity's folder holds unchanged, serialized once (a folder per
    activity: thousands of copies in a large course, sharing these bytes)."""
    return {name: serialize(root) for name, root in {
        "grade_history.xml": element("grade_history", None, grade_grades=[]),
        "roles.xml": element("roles", None, role_overrides=[], role_assignments=[]),
        "filters.xml": element("filters", None, filter_actives=[], filter_configs=[]),
        "calendar.xml": container("events"),
        "competencies.xml": element("course_module_competencies", None, competencies=[]),
    }.items()}


def _fragments(html_text: str) -> list:
    if not html_text.strip():
        return []
    out = []
    for part in lxml.html.fragments_fromstring(html_text):
        out.append(H.P(part) if isinstance(part, str) else part)
    return out


def _php_options(**values: int) -> str:
    """``displayoptions`` as PHP's serialize() writes an array of small integers."""
    body = "".join(f's:{len(k)}:"{k}";i:{v};' for k, v in values.items())
    return f"a:{len(values)}:{{{body}}}"


def _whole(points: float) -> int | str:
    """Moodle keeps an activity's maximum grade as an integer column for forums and assignments."""
    return int(points) if float(points).is_integer() else number(points)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
