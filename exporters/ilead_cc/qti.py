"""Quizzes as QTI 1.2 in the Common Cartridge profile (``assessment_qti.xml``).

Six CC item profiles exist; the source has six question types that map onto them,
except numeric questions: the CC profile has no numeric comparison (no ``vargte`` /
``varlte``), so an exact value becomes a fill-in-the-blank matched as text and a range
becomes an essay graded by hand whose general feedback states the accepted range.  Both
are reported with ``warn``.  :mod:`.canvas_qti` subclasses this for Canvas's own dialect,
which keeps ranges.
"""

from __future__ import annotations

from html import escape as html_escape
from typing import Callable

from lxml import etree

from ilead_shell.model import Choice, NumericAnswer, Question, Quiz, RichText

from .copies import append_copy, copy_of, fill_text
from .ids import question_ident
from .profiles import QTI_NS, XSI, CcProfile

Q = f"{{{QTI_NS}}}"
RESPONSE = "response1"


def number(value: float) -> str:
    """``400.0`` -> ``400``; other values keep their shortest exact spelling."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    node = _SubElement(parent, Q + tag, attrs)
    if text is not None:
        node.text = text
    return node


_SubElement = etree.SubElement


class QtiWriter:
    """Builds one ``questestinterop`` for a quiz.  ``rich`` rewrites HTML for this file."""

    def __init__(self, profile: CcProfile, rich: Callable[[str], str], warn: Callable[[str], None],
                 name: Callable[[str], str] = str):
        self.profile = profile
        self.rich = rich
        self.warn = warn
        self.name = name  # question titles as the LMS may show them

    def schema_location(self) -> str:
        tag = self.profile.tag
        return f"{QTI_NS} http://www.imsglobal.org/profile/cc/ccv{tag}/ccv{tag}_qtiasiv1p2p1_v1p0.xsd"

    # -- document -----------------------------------------------------------------------
    def document(self, quiz: Quiz, ident: str) -> etree._Element | None:
        """The QTI document, or None when no question can be represented (no empty section)."""
        fields = self.assessment_fields(quiz)
        body = self.presentation_text(quiz.body)

        def make() -> etree._Element:
            root = etree.Element(f"{Q}questestinterop", nsmap={None: QTI_NS, "xsi": XSI})
            root.set(f"{{{XSI}}}schemaLocation", self.schema_location())
            assessment = _sub(root, "assessment", ident=ident, title=quiz.title)
            self.metadata(_sub(assessment, "qtimetadata"), fields)
            if body is not None:
                _sub(_sub(_sub(_sub(assessment, "presentation_material"), "flow_mat"), "material"), "mattext",
                     body, texttype="text/html")
            _sub(assessment, "section", ident="root_section")
            return root

        root = copy_of(("qti-document", self.schema_location(), tuple(fields), body is not None), make)
        if root is None:
            root = make()
        assessment = root[0]
        assessment.set("ident", ident)
        assessment.set("title", quiz.title)
        if body is not None:
            assessment[1][0][0][0].text = body
        section = assessment[-1]
        for question in quiz.questions:
            item = self.item(question, quiz)
            if item is not None:
                section.append(item)
        return root if len(section) else None

    def field(self, parent: etree._Element, label: str, entry: str) -> None:
        def build(holder: etree._Element) -> None:
            pair = _sub(holder, "qtimetadatafield")
            _sub(pair, "fieldlabel", label)
            _sub(pair, "fieldentry", entry)
        append_copy(parent, ("qti-field", label, entry), build)

    def metadata(self, parent: etree._Element, fields: list[tuple[str, str]]) -> None:
        for label, entry in fields:
            self.field(parent, label, entry)

    def assessment_fields(self, quiz: Quiz) -> list[tuple[str, str]]:
        return [("cc_profile", "cc.exam.v0p1"), ("qmd_assessmenttype", "Examination"),
                ("qmd_scoretype", "Percentage"), ("qmd_feedbackpermitted", "Yes"),
                ("qmd_solutionspermitted", "Yes"), ("cc_maxattempts", self.max_attempts(quiz))]

    def max_attempts(self, quiz: Quiz) -> str:
        if quiz.attempts is None:
            return "unlimited"
        if quiz.attempts > 5:
            self.warn(f"quiz {quiz.full_id}: {quiz.attempts} attempts; the CC profile allows 1-5 or "
                      "unlimited, so the cartridge says unlimited")
            return "unlimited"
        return str(quiz.attempts)

    def presentation_text(self, body: RichText) -> str | None:
        """The quiz introduction as ``presentation_material``, or None for none."""
        return None if body.is_empty else self.rich(body.html)

    # -- items ----------------------------------------------------------------------------
    def item(self, question: Question, quiz: Quiz) -> etree._Element | None:
        ident, title = self.ident(question), self.name(question.title)
        kind = self.kind(question, quiz)
        item = self.item_head(ident, title, self.item_fields(question, kind, quiz), self.rich(question.stem.html))
        presentation = item[1]
        if kind in ("multiple_choice", "true_false", "multiple_response"):
            self.choice_interaction(item, presentation, question, kind, shuffle=quiz.shuffle and kind != "true_false")
        elif kind == "essay":
            self.text_interaction(presentation)
            self.essay_processing(item, question)
        else:
            self.text_interaction(presentation)
            self.text_processing(item, question, kind)
        return item

    def item_head(self, ident: str, title: str, fields: list[tuple[str, str]], stem: str) -> etree._Element:
        """``<item>`` with its metadata and its presentation's stem, not yet in a section."""
        def make() -> etree._Element:
            item = etree.Element(f"{Q}item", ident=ident, title=title)
            self.metadata(_sub(_sub(item, "itemmetadata"), "qtimetadata"), fields)
            _sub(_sub(_sub(item, "presentation"), "material"), "mattext", stem, texttype="text/html")
            return item

        item = copy_of(("qti-item", tuple(fields)), make)
        if item is None:
            return make()
        item.set("ident", ident)
        item.set("title", title)
        item[1][0][0].text = stem
        return item

    @staticmethod
    def ident(question: Question) -> str:
        return question_ident(question.id)

    def kind(self, question: Question, quiz: Quiz) -> str:
        """The CC profile a question is written as (``multiple_choice``, ``fib``...)."""
        if question.type == "multiple_choice":
            if len(question.choices) < self.profile.min_choices:
                self.warn(f"quiz {quiz.full_id}, question {question.id}: CC {self.profile.version} needs "
                          f"{self.profile.min_choices} choices for multiple choice; written as true/false "
                          "(two choices, one correct), which Moodle shows as True and False")
                return "true_false"
            return "multiple_choice"
        if question.type == "multiple_answer":
            return "multiple_response"
        if question.type == "short_answer":
            return "fib"
        if question.type == "numeric":
            if self.numeric_as_text(question):
                self.warn(f"quiz {quiz.full_id}, question {question.id}: numeric answer written as a "
                          "fill-in-the-blank matched as text (the CC profile has no numeric comparison)")
                return "fib"
            self.warn(f"quiz {quiz.full_id}, question {question.id}: numeric range written as an essay "
                      "graded by hand, with the accepted range in its general feedback (the CC profile "
                      "cannot score ranges)")
            return "essay"
        return question.type  # true_false, essay

    @staticmethod
    def numeric_as_text(question: Question) -> bool:
        """One exact value can be matched as text; anything else is graded by hand."""
        return len(question.numeric) == 1 and question.numeric[0].exact

    CC_PROFILES = {
        "multiple_choice": "cc.multiple_choice.v0p1",
        "multiple_response": "cc.multiple_response.v0p1",
        "true_false": "cc.true_false.v0p1",
        "fib": "cc.fib.v0p1",
        "essay": "cc.essay.v0p1",
    }

    def item_fields(self, question: Question, kind: str, quiz: Quiz) -> list[tuple[str, str]]:
        return [("cc_profile", self.CC_PROFILES[kind]), ("cc_weighting", self.weighting(question, quiz)),
                ("qmd_scoringpermitted", "Yes"), ("qmd_computerscored", "No" if kind == "essay" else "Yes")]

    def weighting(self, question: Question, quiz: Quiz) -> str:
        """Points as ``cc_weighting``: an integer 1-99 (Schematron rule 2c)."""
        points = question.points
        weight = min(99, max(1, round(points)))
        if weight != points:
            self.warn(f"quiz {quiz.full_id}, question {question.id}: {number(points)} points written as "
                      f"weighting {weight} (the CC profile takes whole numbers 1-99)")
        return str(weight)

    # -- interactions -----------------------------------------------------------------------
    # Response processing is written in the one order every reader in docs/cartridge-readers.md
    # reads right: the general-feedback condition, then the scoring condition (continue="No"),
    # then the feedback of the choices the scoring condition does not name (continue="Yes").
    # cc2olx takes every choice named before the first continue="No" condition as correct, and
    # Moodle scores a choice from the last condition that names it, so a wrong choice's feedback
    # may only come after the scoring condition, and a correct one's feedback travels inside it
    # (single choice) or before it (multiple response, where the scoring condition names every
    # choice only inside <and>).
    def choice_idents(self, question: Question, kind: str) -> dict[str, str]:
        """The ``response_label`` ident of each choice.  Moodle's converter accepts a true/false
        item only when its idents are literally ``true`` and ``false``."""
        if kind != "true_false":
            return {c.id: c.id for c in question.choices}
        texts = [c.text.strip().lower() for c in question.choices]
        if sorted(texts) == ["false", "true"]:
            return {c.id: text for c, text in zip(question.choices, texts)}
        return {c.id: ident for c, ident in zip(question.choices, ("true", "false"))}

    def choice_interaction(self, item: etree._Element, presentation: etree._Element, question: Question,
                           kind: str, shuffle: bool = False) -> None:
        single = kind != "multiple_response"
        idents = self.choice_idents(question, kind)
        self.choice_labels(presentation, question, idents, single, shuffle)
        processing = self.processing(item)
        self.general_feedback_condition(processing, question)
        correct = [c for c in question.choices if c.correct]
        wrong = [c for c in question.choices if not c.correct]
        if single:
            self.single_scoring_condition(processing, idents[correct[0].id], correct[0])
        else:
            for choice in correct:
                self.choice_feedback_condition(processing, idents[choice.id], choice)
            self.multiple_scoring_condition(processing, question, idents)
        for choice in wrong:
            self.choice_feedback_condition(processing, idents[choice.id], choice)
        self.feedback_blocks(item, question, idents)

    def choice_labels(self, presentation: etree._Element, question: Question, idents: dict[str, str],
                      single: bool, shuffle: bool) -> None:
        """``response_lid`` with one ``response_label`` per choice, in the source's order."""
        labels = [(idents[c.id], *self.choice_text(c)) for c in question.choices]

        def build(holder: etree._Element) -> None:
            lid = _sub(holder, "response_lid", ident=RESPONSE, rcardinality="Single" if single else "Multiple")
            render = _sub(lid, "render_choice", shuffle="Yes" if shuffle else "No")
            for ident, text, html in labels:
                label = _sub(render, "response_label", ident=ident)
                _sub(_sub(label, "material"), "mattext", text, texttype="text/html" if html else "text/plain")

        def fill(lid: etree._Element) -> None:
            for label, (ident, text, _) in zip(lid[0], labels):
                label.set("ident", ident)
                label[0][0].text = text
        append_copy(presentation, ("qti-choices", single, shuffle, tuple(html for *_, html in labels)), build, fill)

    def single_scoring_condition(self, processing: etree._Element, ident: str, choice: Choice) -> None:
        feedback = self.has_feedback(choice)

        def build(holder: etree._Element) -> None:
            condition = _sub(holder, "respcondition", **{"continue": "No"})
            _sub(_sub(condition, "conditionvar"), "varequal", ident, respident=RESPONSE, case="Yes")
            _sub(condition, "setvar", "100", action="Set", varname="SCORE")
            if feedback:
                _sub(condition, "displayfeedback", feedbacktype="Response", linkrefid=f"{ident}_fb")

        def fill(condition: etree._Element) -> None:
            condition[0][0].text = ident
            if feedback:
                condition[2].set("linkrefid", f"{ident}_fb")
        append_copy(processing, ("qti-single_scoring", feedback), build, fill)

    def multiple_scoring_condition(self, processing: etree._Element, question: Question,
                                   idents: dict[str, str]) -> None:
        # Moodle counts as correct only the varequals with case="Yes" outside <not>.
        choices = [(idents[c.id], c.correct) for c in question.choices]

        def build(holder: etree._Element) -> None:
            condition = _sub(holder, "respcondition", **{"continue": "No"})
            both = _sub(_sub(condition, "conditionvar"), "and")
            for ident, correct in choices:
                _sub(both if correct else _sub(both, "not"), "varequal", ident, respident=RESPONSE, case="Yes")
            _sub(condition, "setvar", "100", action="Set", varname="SCORE")
        append_copy(processing, ("qti-multiple_scoring", tuple(correct for _, correct in choices)), build,
                    _fill_all_of(choices))

    def choice_feedback_condition(self, processing: etree._Element, ident: str, choice: Choice) -> None:
        if self.has_feedback(choice):
            def build(holder: etree._Element) -> None:
                condition = _sub(holder, "respcondition", **{"continue": "Yes"})
                _sub(_sub(condition, "conditionvar"), "varequal", ident, respident=RESPONSE, case="Yes")
                _sub(condition, "displayfeedback", feedbacktype="Response", linkrefid=f"{ident}_fb")
            append_copy(processing, ("qti-choice_feedback",), build, _fill_feedback_condition(ident))

    @staticmethod
    def has_feedback(choice: Choice) -> bool:
        return choice.feedback is not None and not choice.feedback.is_empty

    def choice_text(self, choice: Choice) -> tuple[str, bool]:
        """A choice's text as written, and whether it is HTML (else plain text)."""
        plain = html_escape(choice.text, quote=False) == choice.html
        return (choice.text, False) if plain else (self.rich(choice.html), True)

    def text_interaction(self, presentation: etree._Element) -> None:
        def build(holder: etree._Element) -> None:
            response = _sub(holder, "response_str", ident=RESPONSE, rcardinality="Single")
            _sub(_sub(response, "render_fib"), "response_label", ident="answer1", rshuffle="No")
        append_copy(presentation, ("qti-text_interaction",), build)

    def accepted_texts(self, question: Question) -> list[str]:
        if question.type == "numeric":
            value = question.numeric[0].minimum
            spellings = [number(value)]
            if float(value).is_integer():
                spellings.append(f"{int(value)}.0")
            return spellings
        return list(question.answers)

    def text_processing(self, item: etree._Element, question: Question, kind: str) -> None:
        """Every accepted answer in one scoring condition, as Canvas exports short answers:
        Moodle and cc2olx read the answers of the first condition that sets the score only."""
        processing = self.processing(item)
        self.general_feedback_condition(processing, question)
        answers = self.accepted_texts(question)

        def build(holder: etree._Element) -> None:
            condition = _sub(holder, "respcondition", **{"continue": "No"})
            conditionvar = _sub(condition, "conditionvar")
            for answer in answers:
                _sub(conditionvar, "varequal", answer, respident=RESPONSE, case="No")
            _sub(condition, "setvar", "100", action="Set", varname="SCORE")

        def fill(condition: etree._Element) -> None:
            for varequal, answer in zip(condition[0], answers):
                varequal.text = answer
        append_copy(processing, ("qti-text_scoring", len(answers)), build, fill)
        self.feedback_blocks(item, question)

    def essay_processing(self, item: etree._Element, question: Question) -> None:
        """An essay's feedback is general feedback (Moodle drops a QTI ``solution``); cc2olx
        needs a condition even when there is none to show, as Canvas writes it."""
        processing = self.processing(item)
        shown = bool(self.general_feedback_html(question))

        def build(holder: etree._Element) -> None:
            condition = _sub(holder, "respcondition", **{"continue": "Yes" if shown else "No"})
            _sub(_sub(condition, "conditionvar"), "other")
            if shown:
                _sub(condition, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
        append_copy(processing, ("qti-essay_condition", shown), build)
        self.feedback_blocks(item, question)

    def general_feedback_html(self, question: Question) -> str:
        """General feedback; a numeric range graded by hand states the accepted range first."""
        parts = []
        if question.type == "numeric" and not self.numeric_as_text(question):
            ranges = "; ".join(self.describe_range(r) for r in question.numeric)
            parts.append(f"<p>Accepted answer: {ranges}.</p>")
        if question.feedback is not None and not question.feedback.is_empty:
            parts.append(question.feedback.html)
        return "\n".join(parts)

    @staticmethod
    def describe_range(answer: NumericAnswer) -> str:
        if answer.exact:
            return number(answer.minimum)
        return f"any number from {number(answer.minimum)} to {number(answer.maximum)}"

    # -- processing helpers ------------------------------------------------------------------
    def processing(self, item: etree._Element) -> etree._Element:
        def build(holder: etree._Element) -> None:
            processing = _sub(holder, "resprocessing")
            _sub(_sub(processing, "outcomes"), "decvar", varname="SCORE", vartype="Decimal", minvalue="0",
                 maxvalue="100")
        return append_copy(item, ("qti-processing",), build)

    def general_feedback_condition(self, processing: etree._Element, question: Question) -> None:
        if self.general_feedback_html(question):
            append_copy(processing, ("qti-general_feedback",), self._general_feedback_condition)

    @staticmethod
    def _general_feedback_condition(holder: etree._Element) -> None:
        condition = _sub(holder, "respcondition", **{"continue": "Yes"})
        _sub(_sub(condition, "conditionvar"), "other")
        _sub(condition, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")

    def feedback_blocks(self, item: etree._Element, question: Question, idents: dict[str, str] | None = None) -> None:
        blocks = []
        general = self.general_feedback_html(question)
        if general:
            blocks.append(("general_fb", general))
        idents = idents or {c.id: c.id for c in question.choices}
        blocks += [(f"{idents[c.id]}_fb", c.feedback.html) for c in question.choices if self.has_feedback(c)]
        for ident, html in blocks:
            self.feedback_block(item, ident, self.rich(html))

    @staticmethod
    def feedback_block(item: etree._Element, ident: str, text: str) -> None:
        def build(holder: etree._Element) -> None:
            block = _sub(holder, "itemfeedback", ident=ident)
            _sub(_sub(_sub(block, "flow_mat"), "material"), "mattext", text, texttype="text/html")

        def fill(block: etree._Element) -> None:
            block.set("ident", ident)
            block[0][0][0].text = text
        append_copy(item, ("qti-itemfeedback",), build, fill)


def _fill_feedback_condition(ident: str) -> Callable[[etree._Element], None]:
    """Fill for a ``respcondition`` of one ``varequal`` and a ``displayfeedback``."""
    def fill(condition: etree._Element) -> None:
        condition[0][0].text = ident
        condition[1].set("linkrefid", f"{ident}_fb")
    return fill


def _fill_all_of(choices: list[tuple[str, bool]]) -> Callable[[etree._Element], None]:
    """Fill for a scoring ``respcondition`` over ``<and>``: a correct choice's ``varequal``
    stands in it, a wrong one's inside ``<not>``."""
    def fill(condition: etree._Element) -> None:
        for node, (ident, correct) in zip(condition[0][0], choices):
            (node if correct else node[0]).text = ident
    return fill
