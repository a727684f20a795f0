"""Canvas's own QTI dialect (``non_cc_assessments/<id>.xml.qti``).

The Canvas-flavoured importer reads only this file and ``assessment_meta.xml``, so it
must carry every setting: Canvas ``question_type`` names, fractional points, and
numeric answers as real numeric conditions (``vargte``/``varlte``), ranges included.
"""

from __future__ import annotations

from lxml import etree

from ilead_shell.model import Question, Quiz

from .qti import RESPONSE, QtiWriter, _append_copy, _sub, number
from .profiles import QTI_NS


class CanvasQtiWriter(QtiWriter):
    QUESTION_TYPES = {
        "multiple_choice": "multiple_choice_question",
        "multiple_answer": "multiple_answers_question",
        "true_false": "true_false_question",
        "short_answer": "short_answer_question",
        "numeric": "numerical_question",
        "essay": "essay_question",
    }

    def schema_location(self) -> str:
        return f"{QTI_NS} http://www.imsglobal.org/xsd/ims_qtiasiv1p2p1.xsd"

    def assessment_metadata(self, assessment: etree._Element, quiz: Quiz) -> None:
        metadata = _sub(assessment, "qtimetadata")
        self.field(metadata, "cc_maxattempts", "unlimited" if quiz.attempts is None else str(quiz.attempts))

    def presentation_material(self, assessment, body) -> None:
        """Canvas takes the quiz description from assessment_meta.xml instead."""

    def kind(self, question: Question, quiz: Quiz) -> str:
        return {"multiple_answer": "multiple_response", "short_answer": "fib"}.get(question.type, question.type)

    def item_metadata(self, metadata: etree._Element, question: Question, kind: str, quiz: Quiz) -> None:
        self.field(metadata, "question_type", self.QUESTION_TYPES[question.type])
        self.field(metadata, "points_possible", repr(float(question.points)))

    def item(self, question: Question, quiz: Quiz) -> etree._Element | None:
        if question.type != "numeric":
            return super().item(question, quiz)
        item = etree.Element(f"{{{QTI_NS}}}item", ident=self.ident(question), title=question.title)
        metadata = _sub(_sub(item, "itemmetadata"), "qtimetadata")
        self.item_metadata(metadata, question, "numeric", quiz)
        presentation = _sub(item, "presentation")
        self.mattext(_sub(presentation, "material"), question.stem.html, html=True)
        response = _sub(presentation, "response_str", ident=RESPONSE, rcardinality="Single")
        _sub(_sub(response, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")
        processing = self.processing(item)
        self.general_feedback_condition(processing, question)
        for answer in question.numeric:
            condition = _sub(processing, "respcondition", **{"continue": "No"})
            conditionvar = _sub(condition, "conditionvar")
            low, high = number(answer.minimum), number(answer.maximum)
            if answer.exact:
                either = _sub(conditionvar, "or")
                _sub(either, "varequal", low, respident=RESPONSE)
                both = _sub(either, "and")
                _sub(both, "vargte", low, respident=RESPONSE)
                _sub(both, "varlte", high, respident=RESPONSE)
            else:
                _sub(conditionvar, "vargte", low, respident=RESPONSE)
                _sub(conditionvar, "varlte", high, respident=RESPONSE)
            _sub(condition, "setvar", "100", action="Set", varname="SCORE")
        self.feedback_blocks(item, question)
        return item

    def essay_processing(self, item: etree._Element, question: Question) -> None:
        # Canvas shows general feedback on essays through an <other/> condition.
        processing = self.processing(item)
        self.general_feedback_condition(processing, question)
        self.feedback_blocks(item, question)

    def general_feedback_html(self, question: Question) -> str:
        """Canvas keeps numeric ranges, so the feedback is the author's alone."""
        return question.feedback.html if question.feedback is not None and not question.feedback.is_empty else ""

    def choice_idents(self, question: Question, kind: str) -> dict[str, str]:
        # Canvas tells true/false by question_type, not by ident.
        return {c.id: c.id for c in question.choices}

    @staticmethod
    def _choice_feedback(ident: str):
        def build(holder: etree._Element) -> None:
            condition = _sub(holder, "respcondition", **{"continue": "Yes"})
            _sub(_sub(condition, "conditionvar"), "varequal", ident, respident=RESPONSE)
            _sub(condition, "displayfeedback", feedbacktype="Response", linkrefid=f"{ident}_fb")
        return build

    @staticmethod
    def _scoring_condition(single: bool, choices: tuple[tuple[str, bool], ...]):
        def build(holder: etree._Element) -> None:
            condition = _sub(holder, "respcondition", **{"continue": "No"})
            conditionvar = _sub(condition, "conditionvar")
            if single:
                _sub(conditionvar, "varequal", next(ident for ident, correct in choices if correct),
                     respident=RESPONSE)
            else:
                both = _sub(conditionvar, "and")
                for ident, correct in choices:
                    _sub(both if correct else _sub(both, "not"), "varequal", ident, respident=RESPONSE)
            _sub(condition, "setvar", "100", action="Set", varname="SCORE")
        return build

    def choice_interaction(self, item: etree._Element, presentation: etree._Element, question: Question,
                           kind: str, shuffle: bool = False) -> None:
        """Canvas's own export order (lib/cc/qti/qti_items.rb): each choice's feedback first
        (continue="Yes"), the scoring condition last with the correct choice's feedback."""
        single = kind != "multiple_response"
        lid = _sub(presentation, "response_lid", ident=RESPONSE, rcardinality="Single" if single else "Multiple")
        render = _sub(lid, "render_choice", shuffle="Yes" if shuffle else "No")
        for choice in question.choices:
            self.choice_text(_sub(_sub(render, "response_label", ident=choice.id), "material"), choice)
        processing = self.processing(item)
        self.general_feedback_condition(processing, question)
        for choice in question.choices:
            if self.has_feedback(choice):
                _append_copy(processing, ("canvas_choice_feedback", choice.id), self._choice_feedback(choice.id))
        key = (single, tuple((c.id, c.correct) for c in question.choices))
        _append_copy(processing, ("canvas_scoring", key), self._scoring_condition(*key))
        self.feedback_blocks(item, question)
