"""Canvas's own QTI dialect (``non_cc_assessments/<id>.xml.qti``).

The Canvas-flavoured importer reads only this file and ``assessment_meta.xml``, so it
must carry every setting: Canvas ``question_type`` names, fractional points, and
numeric answers as real numeric conditions (``vargte``/``varlte``), ranges included.
"""

from __future__ import annotations

from lxml import etree

from ilead_shell.model import Question, Quiz

from .copies import append_copy, fill_text
from .qti import RESPONSE, QtiWriter, _fill_all_of, _fill_feedback_condition, _sub, number
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

    def assessment_fields(self, quiz: Quiz) -> list[tuple[str, str]]:
        return [("cc_maxattempts", "unlimited" if quiz.attempts is None else str(quiz.attempts))]

    def presentation_text(self, body) -> None:
        """Canvas takes the quiz description from assessment_meta.xml instead."""
        return None

    def kind(self, question: Question, quiz: Quiz) -> str:
        return {"multiple_answer": "multiple_response", "short_answer": "fib"}.get(question.type, question.type)

    def item_fields(self, question: Question, kind: str, quiz: Quiz) -> list[tuple[str, str]]:
        return [("question_type", self.QUESTION_TYPES[question.type]), ("points_possible", repr(float(question.points)))]

    def item(self, question: Question, quiz: Quiz) -> etree._Element | None:
        if question.type != "numeric":
            return super().item(question, quiz)
        item = self.item_head(self.ident(question), question.title, self.item_fields(question, "numeric", quiz),
                              self.rich(question.stem.html))
        append_copy(item[1], ("qti-canvas_numeric_interaction",), self._numeric_interaction)
        processing = self.processing(item)
        self.general_feedback_condition(processing, question)
        for answer in question.numeric:
            self.numeric_condition(processing, answer.exact, number(answer.minimum), number(answer.maximum))
        self.feedback_blocks(item, question)
        return item

    @staticmethod
    def _numeric_interaction(holder: etree._Element) -> None:
        response = _sub(holder, "response_str", ident=RESPONSE, rcardinality="Single")
        _sub(_sub(response, "render_fib", fibtype="Decimal"), "response_label", ident="answer1")

    @staticmethod
    def numeric_condition(processing: etree._Element, exact: bool, low: str, high: str) -> None:
        """An exact value matches as itself or as a number equal to it; a range by its bounds."""
        def build(holder: etree._Element) -> None:
            condition = _sub(holder, "respcondition", **{"continue": "No"})
            conditionvar = _sub(condition, "conditionvar")
            if exact:
                either = _sub(conditionvar, "or")
                _sub(either, "varequal", low, respident=RESPONSE)
                both = _sub(either, "and")
                _sub(both, "vargte", low, respident=RESPONSE)
                _sub(both, "varlte", high, respident=RESPONSE)
            else:
                _sub(conditionvar, "vargte", low, respident=RESPONSE)
                _sub(conditionvar, "varlte", high, respident=RESPONSE)
            _sub(condition, "setvar", "100", action="Set", varname="SCORE")

        def fill(condition: etree._Element) -> None:
            bounds = condition[0]
            if exact:
                bounds[0][0].text = low
                bounds = bounds[0][1]
            bounds[0].text = low
            bounds[1].text = high
        append_copy(processing, ("qti-canvas_numeric_condition", exact), build, fill)

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
    def _scoring_condition(single: bool, choices: list[tuple[str, bool]]):
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
        self.choice_labels(presentation, question, {c.id: c.id for c in question.choices}, single, shuffle)
        processing = self.processing(item)
        self.general_feedback_condition(processing, question)
        for choice in question.choices:
            if self.has_feedback(choice):
                append_copy(processing, ("qti-canvas_choice_feedback",), self._choice_feedback(choice.id),
                            _fill_feedback_condition(choice.id))
        choices = [(c.id, c.correct) for c in question.choices]
        if single:
            right = next(ident for ident, correct in choices if correct)
            fill = fill_text((0, 0), right)
        else:
            fill = _fill_all_of(choices)
        append_copy(processing, ("qti-canvas_scoring", single, tuple(correct for _, correct in choices)),
                    self._scoring_condition(single, choices), fill)
        self.feedback_blocks(item, question)
