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
# A 2,000-question bank is ~130,000 elements per dialect; the parts that repeat with the
# same content (metadata fields, the score variable, the text response) are built once and
# copied, which lxml does in C.  The copies serialize byte for byte as built ones do: the
# template's root declares the QTI namespace as the document's root does.
_TEMPLATES: dict[tuple, etree._Element] = {}
_TEMPLATE_LIMIT = 512  # distinct (label, entry) pairs; points values could otherwise grow it


def _template(key: tuple, build: Callable[[etree._Element], None]) -> etree._Element | None:
    template = _TEMPLATES.get(key)
    if template is None:
        if len(_TEMPLATES) >= _TEMPLATE_LIMIT:
            return None
        holder = etree.Element(f"{Q}holder", nsmap={None: QTI_NS})
        build(holder)
        template = _TEMPLATES[key] = holder[0]
    return template


def _append_copy(parent: etree._Element, key: tuple, build: Callable[[etree._Element], None]) -> etree._Element:
    """``build(parent)``'s one child, copied from the first such build."""
    template = _template(key, build)
    if template is None:
        build(parent)
        return parent[-1]
    node = template.__copy__()
    parent.append(node)
    return node


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
        root = etree.Element(f"{Q}questestinterop", nsmap={None: QTI_NS, "xsi": XSI})
        root.set(f"{{{XSI}}}schemaLocation", self.schema_location())
        assessment = _sub(root, "assessment", ident=ident, title=quiz.title)
        self.assessment_metadata(assessment, quiz)
        if not quiz.body.is_empty:
            self.presentation_material(assessment, quiz.body)
        section = _sub(assessment, "section", ident="root_section")
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
        _append_copy(parent, ("field", label, entry), build)

    def assessment_metadata(self, assessment: etree._Element, quiz: Quiz) -> None:
        metadata = _sub(assessment, "qtimetadata")
        self.field(metadata, "cc_profile", "cc.exam.v0p1")
        self.field(metadata, "qmd_assessmenttype", "Examination")
        self.field(metadata, "qmd_scoretype", "Percentage")
        self.field(metadata, "qmd_feedbackpermitted", "Yes")
        self.field(metadata, "qmd_solutionspermitted", "Yes")
        self.field(metadata, "cc_maxattempts", self.max_attempts(quiz))

    def max_attempts(self, quiz: Quiz) -> str:
        if quiz.attempts is None:
            return "unlimited"
        if quiz.attempts > 5:
            self.warn(f"quiz {quiz.full_id}: {quiz.attempts} attempts; the CC profile allows 1-5 or "
                      "unlimited, so the cartridge says unlimited")
            return "unlimited"
        return str(quiz.attempts)

    def presentation_material(self, assessment: etree._Element, body: RichText) -> None:
        material = _sub(_sub(assessment, "presentation_material"), "flow_mat")
        self.mattext(_sub(material, "material"), body.html, html=True)

    def mattext(self, material: etree._Element, text: str, html: bool) -> None:
        _sub(material, "mattext", self.rich(text) if html else text, texttype="text/html" if html else "text/plain")

    # -- items ----------------------------------------------------------------------------
    def item(self, question: Question, quiz: Quiz) -> etree._Element | None:
        item = etree.Element(f"{Q}item", ident=self.ident(question), title=self.name(question.title))
        kind = self.kind(question, quiz)
        metadata = _sub(_sub(item, "itemmetadata"), "qtimetadata")
        self.item_metadata(metadata, question, kind, quiz)
        presentation = _sub(item, "presentation")
        self.mattext(_sub(presentation, "material"), question.stem.html, html=True)
        if kind in ("multiple_choice", "true_false", "multiple_response"):
            self.choice_interaction(item, presentation, question, kind, shuffle=quiz.shuffle and kind != "true_false")
        elif kind == "essay":
            self.text_interaction(presentation)
            self.essay_processing(item, question)
        else:
            self.text_interaction(presentation)
            self.text_processing(item, question, kind)
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

    def item_metadata(self, metadata: etree._Element, question: Question, kind: str, quiz: Quiz) -> None:
        self.field(metadata, "cc_profile", self.CC_PROFILES[kind])
        self.field(metadata, "cc_weighting", self.weighting(question, quiz))
        self.field(metadata, "qmd_scoringpermitted", "Yes")
        self.field(metadata, "qmd_computerscored", "No" if kind == "essay" else "Yes")

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
        lid = _sub(presentation, "response_lid", ident=RESPONSE, rcardinality="Single" if single else "Multiple")
        render = _sub(lid, "render_choice", shuffle="Yes" if shuffle else "No")
        for choice in question.choices:
            label = _sub(render, "response_label", ident=idents[choice.id])
            self.choice_text(_sub(label, "material"), choice)
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

    def single_scoring_condition(self, processing: etree._Element, ident: str, choice: Choice) -> None:
        feedback = self.has_feedback(choice)

        def build(holder: etree._Element) -> None:
            condition = _sub(holder, "respcondition", **{"continue": "No"})
            _sub(_sub(condition, "conditionvar"), "varequal", ident, respident=RESPONSE, case="Yes")
            _sub(condition, "setvar", "100", action="Set", varname="SCORE")
            if feedback:
                _sub(condition, "displayfeedback", feedbacktype="Response", linkrefid=f"{ident}_fb")
        _append_copy(processing, ("single_scoring", ident, feedback), build)

    def multiple_scoring_condition(self, processing: etree._Element, question: Question,
                                   idents: dict[str, str]) -> None:
        # Moodle counts as correct only the varequals with case="Yes" outside <not>.
        choices = tuple((idents[c.id], c.correct) for c in question.choices)

        def build(holder: etree._Element) -> None:
            condition = _sub(holder, "respcondition", **{"continue": "No"})
            both = _sub(_sub(condition, "conditionvar"), "and")
            for ident, correct in choices:
                _sub(both if correct else _sub(both, "not"), "varequal", ident, respident=RESPONSE, case="Yes")
            _sub(condition, "setvar", "100", action="Set", varname="SCORE")
        _append_copy(processing, ("multiple_scoring", choices), build)

    def choice_feedback_condition(self, processing: etree._Element, ident: str, choice: Choice) -> None:
        if self.has_feedback(choice):
            def build(holder: etree._Element) -> None:
                condition = _sub(holder, "respcondition", **{"continue": "Yes"})
                _sub(_sub(condition, "conditionvar"), "varequal", ident, respident=RESPONSE, case="Yes")
                _sub(condition, "displayfeedback", feedbacktype="Response", linkrefid=f"{ident}_fb")
            _append_copy(processing, ("choice_feedback", ident), build)

    @staticmethod
    def has_feedback(choice: Choice) -> bool:
        return choice.feedback is not None and not choice.feedback.is_empty

    def choice_text(self, material: etree._Element, choice: Choice) -> None:
        plain = html_escape(choice.text, quote=False) == choice.html
        self.mattext(material, choice.text if plain else choice.html, html=not plain)

    def text_interaction(self, presentation: etree._Element) -> None:
        def build(holder: etree._Element) -> None:
            response = _sub(holder, "response_str", ident=RESPONSE, rcardinality="Single")
            _sub(_sub(response, "render_fib"), "response_label", ident="answer1", rshuffle="No")
        _append_copy(presentation, ("text_interaction",), build)

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
        condition = _sub(processing, "respcondition", **{"continue": "No"})
        conditionvar = _sub(condition, "conditionvar")
        for answer in self.accepted_texts(question):
            _sub(conditionvar, "varequal", answer, respident=RESPONSE, case="No")
        _sub(condition, "setvar", "100", action="Set", varname="SCORE")
        self.feedback_blocks(item, question)

    def essay_processing(self, item: etree._Element, question: Question) -> None:
        """An essay's feedback is general feedback (Moodle drops a QTI ``solution``); cc2olx
        needs a condition even when there is none to show, as Canvas writes it."""
        processing = self.processing(item)
        html = self.general_feedback_html(question)
        condition = _sub(processing, "respcondition", **{"continue": "Yes" if html else "No"})
        _sub(_sub(condition, "conditionvar"), "other")
        if html:
            _sub(condition, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
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
        return _append_copy(item, ("processing",), build)

    def general_feedback_condition(self, processing: etree._Element, question: Question) -> None:
        if self.general_feedback_html(question):
            _append_copy(processing, ("general_feedback",), self._general_feedback_condition)

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
            material = _sub(_sub(item, "itemfeedback", ident=ident), "flow_mat")
            self.mattext(_sub(material, "material"), html, html=True)
