"""``questions.xml``: the course's question bank, one category per quiz, every question with
its answers, fractions and feedback in the form Moodle's question types restore.

| source | Moodle qtype | scoring |
| --- | --- | --- |
| multiple_choice | multichoice, one answer | the correct choice 100%, the others 0% |
| multiple_answer | multichoice, several answers | each correct choice 1/n of the marks, each wrong one -100% |
| true_false | truefalse | the correct one 100% |
| short_answer | shortanswer, case-insensitive | every accepted answer 100% (`*` is escaped: Moodle reads it as a wildcard) |
| numeric | numerical | every value or range 100%: a range is its midpoint with half its width as tolerance |
| essay | essay | graded by a teacher; the general feedback is also the grader's information |

A multiple-answer question therefore scores full marks exactly when the chosen set is the
correct set, as in every other target, and a strict subset of the correct choices earns
part of the marks (Moodle's multichoice has no all-or-nothing mode).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from lxml import etree

from ilead_shell.identifiers import short_hash
from ilead_shell.model import Choice, Course, Question, Quiz

from .files import Area
from .plan import Activity, Plan, idnumber
from .richtext import Texts
from .xml import NULL_VALUE, container, record, serialize_streamed
from .xml import name as moodle_name

MODULE_CONTEXT = 70  # CONTEXT_MODULE
HTML = 1  # FORMAT_HTML
PLAIN = 0  # FORMAT_MOODLE would add paragraphs; short answers and numbers are plain strings
QTYPE = {
    "multiple_choice": "multichoice",
    "multiple_answer": "multichoice",
    "true_false": "truefalse",
    "short_answer": "shortanswer",
    "numeric": "numerical",
    "essay": "essay",
}


def fraction(value: float) -> str:
    return f"{value:.7f}"


def mark(value: float) -> str:
    return f"{value:.7f}"


def decimal(value: float) -> str:
    """A number as a person would type it: ``400``, ``0.1``, never ``1e-05`` or ``0.30000000000000004``."""
    text = f"{value:.12f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


@dataclass
class QuestionEntry:
    """One question of the bank, with the numbers a quiz slot refers to."""

    question: Question
    quiz: Quiz
    id: int  # the question, its bank entry and its version share one number
    category: int


@dataclass
class QuizCategory:
    quiz: Quiz
    activity: Activity
    id: int
    entries: list[QuestionEntry] = field(default_factory=list)


class QuestionBank:
    def __init__(self, course: Course, plan: Plan, texts: Texts, epoch: int):
        self.course = course
        self.plan = plan
        self.texts = texts
        self.epoch = epoch
        self.bank = plan.question_bank
        self.top: int | None = None
        self.categories: dict[str, QuizCategory] = {}
        if self.bank is None:
            return
        self.top = plan.next("question_category")
        for activity in plan.activities():
            if isinstance(activity.item, Quiz):
                category = QuizCategory(activity.item, activity, plan.next("question_category"))
                for question in activity.item.questions:
                    category.entries.append(QuestionEntry(question, activity.item, plan.next("question"), category.id))
                self.categories[activity.key] = category

    def category_ids(self) -> list[int]:
        return ([self.top] if self.top is not None else []) + [c.id for c in self.categories.values()]

    def entries_of(self, activity: Activity) -> list[QuestionEntry]:
        category = self.categories.get(activity.key)
        return category.entries if category else []

    # -- questions.xml ------------------------------------------------------------------
    def questions_xml(self) -> bytes:
        """questions.xml, serialized one category at a time (see :func:`.xml.serialize_streamed`)."""
        return serialize_streamed("question_categories", self._categories())

    def _categories(self) -> Iterator[etree._Element]:
        if self.bank is None:
            return
        yield self._category(self.top, "top", "", 0, 0, None, [])
        for category in self.categories.values():
            quiz = category.quiz
            info = f"Questions of the quiz '{quiz.title}'."
            entries = [self._entry(e) for e in category.entries]
            yield self._category(category.id, moodle_name(quiz.title), moodle_name(info), self.top, 999,
                                 quiz.full_id, entries)

    def _category(self, category_id: int, name: str, info: str, parent: int, sortorder: int,
                  identifier: str | None, entries: list[etree._Element]) -> etree._Element:
        return record(
            "question_category", category_id, name=name, contextid=self.bank.context,
            contextlevel=MODULE_CONTEXT, contextinstanceid=self.bank.cmid, info=info, infoformat=PLAIN,
            stamp=self._stamp("category", name if identifier is None else identifier), parent=parent,
            sortorder=sortorder, idnumber=(idnumber(identifier) if identifier else None) or NULL_VALUE,
            question_bank_entries=entries)

    def _stamp(self, *parts: str) -> str:
        # Moodle's stamps are "host+time+random"; only their uniqueness matters, so a hash of
        # what the record is keeps them unique and the same on every build.
        return f"ilead-shell+{short_hash('/'.join((self.course.code, *parts)), 16)}"

    def _entry(self, entry: QuestionEntry) -> etree._Element:
        question = entry.question
        area = lambda filearea, itemid=entry.id: Area(self.bank.context, "question", filearea, itemid)  # noqa: E731
        text = self.texts.html(question.stem, area("questiontext")) or f"<p>{_escape(question.title)}</p>"
        general = self.texts.html(question.feedback, area("generalfeedback"))
        node = record(
            "question", entry.id, parent=0, name=moodle_name(question.title), questiontext=text, questiontextformat=HTML,
            generalfeedback=general, generalfeedbackformat=HTML, defaultmark=mark(question.points),
            penalty=mark(1.0 if question.type == "true_false" else 0.3333333), qtype=QTYPE[question.type],
            length=1, stamp=self._stamp("question", entry.quiz.full_id, question.id),
            timecreated=self.epoch, timemodified=self.epoch, createdby=NULL_VALUE, modifiedby=NULL_VALUE)
        node.append(self._plugin(entry))
        # The question bank plugins' parts, empty as in a backup of new questions.
        node.append(record("plugin_qbank_comment_question", comments=[]))
        node.append(record("plugin_qbank_customfields_question", customfields=[]))
        node.append(etree.Element("question_hints"))
        node.append(etree.Element("tags"))
        version = record("question_versions", entry.id, version=1, status="ready", questions=[node])
        return record("question_bank_entry", entry.id, questioncategoryid=entry.category,
                      idnumber=idnumber(question.id) or NULL_VALUE, ownerid=NULL_VALUE, question_version=[version])

    # -- one element per question type ---------------------------------------------------
    def _plugin(self, entry: QuestionEntry) -> etree._Element:
        question = entry.question
        qtype = QTYPE[question.type]
        plugin = etree.Element(f"plugin_qtype_{qtype}_question")
        if question.type in ("multiple_choice", "multiple_answer"):
            answers = [self._choice_answer(entry, c, self._choice_fraction(question, c)) for c in question.choices]
            plugin.append(container("answers", [a for a, _ in answers]))
            plugin.append(record(
                "multichoice", entry.id, layout=0, single=1 if question.type == "multiple_choice" else 0,
                shuffleanswers=1, correctfeedback="", correctfeedbackformat=HTML, partiallycorrectfeedback="",
                partiallycorrectfeedbackformat=HTML, incorrectfeedback="", incorrectfeedbackformat=HTML,
                answernumbering="abc", shownumcorrect=1 if question.type == "multiple_answer" else 0,
                showstandardinstruction=0))
        elif question.type == "true_false":
            answers = {}
            for choice in question.choices:
                node, answer_id = self._choice_answer(entry, choice, 1.0 if choice.correct else 0.0, plain=True)
                answers[choice.text.strip().lower()] = (node, answer_id)
            plugin.append(container("answers", [answers["true"][0], answers["false"][0]]))
            plugin.append(record("truefalse", entry.id, trueanswer=answers["true"][1],
                                 falseanswer=answers["false"][1], showstandardinstruction=0))
        elif question.type == "short_answer":
            plugin.append(container("answers", [self._answer(_wildcards_escaped(a), 1.0, "", PLAIN)[0]
                                                for a in question.answers]))
            plugin.append(record("shortanswer", entry.id, usecase=0))
        elif question.type == "numeric":
            answers, tolerances = [], []
            for value in question.numeric:
                middle = (value.minimum + value.maximum) / 2
                node, answer_id = self._answer(decimal(middle), 1.0, "", PLAIN)
                answers.append(node)
                tolerances.append(record("numerical_record", answer_id, answer=answer_id,
                                         tolerance=decimal((value.maximum - value.minimum) / 2)))
            plugin.append(container("answers", answers))
            plugin.append(etree.Element("numerical_units"))
            plugin.append(container("numerical_options", [record(
                "numerical_option", entry.id, showunits=3, unitsleft=0, unitgradingtype=0, unitpenalty=fraction(0.1))]))
            plugin.append(container("numerical_records", tolerances))
        else:  # essay
            guidance = self.texts.html(question.feedback, Area(self.bank.context, "qtype_essay", "graderinfo", entry.id))
            plugin.append(record(
                "essay", entry.id, responseformat="editor", responserequired=1, responsefieldlines=10,
                minwordlimit=NULL_VALUE, maxwordlimit=NULL_VALUE, attachments=0, attachmentsrequired=0,
                graderinfo=guidance, graderinfoformat=HTML, responsetemplate="", responsetemplateformat=HTML,
                filetypeslist=NULL_VALUE, maxbytes=0))
        return plugin

    @staticmethod
    def _choice_fraction(question: Question, choice: Choice) -> float:
        if question.type == "multiple_choice":
            return 1.0 if choice.correct else 0.0
        correct = sum(1 for c in question.choices if c.correct)
        return round(1 / correct, 7) if choice.correct else -1.0

    def _choice_answer(self, entry: QuestionEntry, choice: Choice, value: float,
                       plain: bool = False) -> tuple[etree._Element, int]:
        answer_id = self.plan.next("answer")
        area = lambda filearea: Area(self.bank.context, "question", filearea, answer_id)  # noqa: E731
        text = choice.text.strip() if plain else self.texts.html(choice.html, area("answer"))
        feedback = self.texts.html(choice.feedback, area("answerfeedback"))
        return self._answer(text, value, feedback, PLAIN if plain else HTML, answer_id)

    def _answer(self, text: str, value: float, feedback: str, text_format: int,
                answer_id: int | None = None) -> tuple[etree._Element, int]:
        answer_id = answer_id if answer_id is not None else self.plan.next("answer")
        return record("answer", answer_id, answertext=text, answerformat=text_format, fraction=fraction(value),
                      feedback=feedback, feedbackformat=HTML), answer_id


def _wildcards_escaped(answer: str) -> str:
    return answer.replace("*", "\\*")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

