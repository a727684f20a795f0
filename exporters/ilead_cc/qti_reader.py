"""QTI 1.2 quizzes (the CC profile and Canvas's ``non_cc_assessments`` dialect) read by meaning.

The answer key is what scores: every response is run through the item's response
processing (:mod:`.qti_scoring`) and the responses that score the most are the correct ones,
whatever order, idents or nesting the writer chose.  Feedback is placed by when a learner sees
it: shown whatever the response is general feedback, shown for one choice only that choice's
feedback.  A question the quiz syntax cannot express (matching, drop-downs, formulas...) is
listed in the report with its text and key, never silently dropped.
"""

from __future__ import annotations

import html
import itertools
from dataclasses import dataclass, field
from typing import Callable

from lxml import etree
from lxml import html as lxml_html

from ilead_shell.import_api import ImportedChoice, ImportedQuestion, ImportReport

from .qti_scoring import Scorer, children, descendants, local, to_number

Rich = Callable[[str], str]  # rewrites an HTML fragment's links for the import form

CANVAS_TYPES = {
    "multiple_choice_question": "multiple_choice", "true_false_question": "true_false",
    "multiple_answers_question": "multiple_answer", "short_answer_question": "short_answer",
    "numerical_question": "numeric", "essay_question": "essay", "file_upload_question": "essay",
}
CC_PROFILES = {
    "cc.multiple_choice.v0p1": "multiple_choice", "cc.true_false.v0p1": "true_false",
    "cc.multiple_response.v0p1": "multiple_answer", "cc.fib.v0p1": "short_answer",
    "cc.pattern_match.v0p1": "short_answer", "cc.essay.v0p1": "essay",
}
UNSUPPORTED = {
    "matching_question": "matching", "multiple_dropdowns_question": "multiple drop-downs",
    "fill_in_multiple_blanks_question": "fill in multiple blanks", "calculated_question": "formula (calculated)",
    "multiple_numeric_question": "multiple numeric",
}
MAX_SUBSETS = 12  # choices up to which every subset is scored
WRONG = "\u0000 no accepted answer \u0000"


@dataclass
class ReadQuiz:
    title: str = ""
    description_html: str = ""
    attempts: int | None = None
    questions: list[ImportedQuestion] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # text-only "questions" kept as introduction


def metadata(node) -> dict[str, str]:
    found = {}
    for pair in descendants(node, "qtimetadatafield"):
        label, entry = children(pair, "fieldlabel"), children(pair, "fieldentry")
        if label and entry:
            found[(label[0].text or "").strip()] = (entry[0].text or "").strip()
    return found


def material_html(node) -> str:
    """The HTML of every ``mattext`` (and ``matimage``) in a material, plain text escaped."""
    parts = []
    for element in node.iter():
        if not isinstance(element.tag, str):
            continue
        name = local(element)
        if name == "mattext":
            text = element.text or ""
            kind = element.get("texttype", "text/plain")
            parts.append(text if kind == "text/html" else _plain_to_html(text))
        elif name == "matimage" and element.get("uri"):
            parts.append(f'<img src="{html.escape(element.get("uri"))}" alt="{html.escape(element.get("label", ""))}">')
    return "".join(parts)


def _plain_to_html(text: str) -> str:
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    if len(paragraphs) <= 1:
        return html.escape(text.strip(), quote=False)
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)


def visible_text(fragment: str) -> str:
    if not fragment.strip():
        return ""
    return " ".join(lxml_html.fragment_fromstring(fragment, create_parent="div").text_content().split())


class QtiReader:
    def __init__(self, rich: Rich, report: ImportReport, subject: str, where: str):
        self.rich = rich
        self.report = report
        self.subject = subject
        self.where = where

    def read(self, root: etree._Element) -> ReadQuiz:
        quiz = ReadQuiz()
        assessments = descendants(root, "assessment")
        if not assessments:
            banks = descendants(root, "objectbank")
            if not banks:
                return quiz
            assessments = banks
        assessment = assessments[0]
        quiz.title = assessment.get("title", "")
        meta = metadata(children(assessment, "qtimetadata")[0]) if children(assessment, "qtimetadata") else {}
        attempts = meta.get("cc_maxattempts", "")
        if attempts.isdigit() and int(attempts) > 0:
            quiz.attempts = int(attempts)
        for presentation in children(assessment, "presentation_material"):
            quiz.description_html = self.rich(material_html(presentation))
        for section in descendants(assessment, "section"):
            if children(section, "selection_ordering") and descendants(section, "selection_number"):
                picked = descendants(section, "selection_number")[0].text
                self.report.changed(self.subject, f"question group '{section.get('title', '')}' picked {picked} "
                                                  "question(s) at random; every question of it is in the quiz",
                                    self.where, ("questions",))
        for item in descendants(assessment, "item"):
            question = self.item(item, quiz)
            if question is not None:
                quiz.questions.append(question)
        return quiz

    # -- one item -------------------------------------------------------------------------------------
    def item(self, item: etree._Element, quiz: ReadQuiz) -> ImportedQuestion | None:
        meta = metadata(children(item, "itemmetadata")[0]) if children(item, "itemmetadata") else {}
        title = item.get("title", "") or "Question"
        presentation = (children(item, "presentation") or [None])[0]
        if presentation is None:
            self.skip(title, "it has no presentation", "")
            return None
        stem = self.rich("".join(material_html(m) for m in presentation.iter()
                                 if isinstance(m.tag, str) and local(m) == "material"
                                 and not any(local(a) in ("response_lid", "response_str", "response_num")
                                             for a in m.iterancestors() if isinstance(a.tag, str))))
        canvas_type = meta.get("question_type", "")
        if canvas_type == "text_only_question":
            quiz.texts.append(stem)
            self.report.changed(self.subject, f"text-only block '{title}' is part of the quiz introduction",
                                self.where, ("body",))
            return None
        if canvas_type in UNSUPPORTED:
            self.skip(title, f"the quiz syntax has no {UNSUPPORTED[canvas_type]} questions", stem, item)
            return None
        lids = descendants(presentation, "response_lid")
        strs = descendants(presentation, "response_str") + descendants(presentation, "response_num")
        if len(lids) + len(strs) > 1:
            self.skip(title, "it asks for several responses at once", stem, item)
            return None
        kind = CANVAS_TYPES.get(canvas_type) or CC_PROFILES.get(meta.get("cc_profile", ""))
        points = to_number(meta.get("points_possible")) or to_number(meta.get("cc_weighting"))
        ident = item.get("ident", "")
        question = ImportedQuestion(title=title, type=kind or "essay", stem_html=stem, points=points,
                                    ident=ident[2:] if ident.startswith("Q_") else None)
        if canvas_type == "file_upload_question":
            self.report.changed(self.subject, f"file-upload question '{title}' is an essay", self.where, ("questions",))
        feedback = {block.get("ident", ""): self.feedback_html(block) for block in children(item, "itemfeedback")}
        if lids:
            return self.choice_question(item, lids[0], question, kind, feedback)
        if strs:
            return self.text_question(item, strs[0], question, kind, feedback)
        question.type = "essay"
        question.feedback_html = "".join(feedback.values())
        return question

    def feedback_html(self, block) -> str:
        parts = []
        for material in descendants(block, "material"):
            parts.append(material_html(material))
        return self.rich("".join(parts))

    def skip(self, title: str, reason: str, stem: str, item=None) -> None:
        detail = f"**{title}**\n\n{visible_text(stem)}"
        if item is not None:
            labels = [visible_text(material_html(label)) for label in descendants(item, "response_label")]
            labels = [label for label in labels if label]
            if labels:
                detail += "\n\nChoices: " + "; ".join(labels)
        self.report.lost(self.subject, f"question '{title}' was not imported: {reason}", self.where,
                         ("questions",), detail)

    # -- choices ----------------------------------------------------------------------------------------
    def choice_question(self, item, lid, question: ImportedQuestion, kind: str | None, feedback: dict[str, str]):
        respident = lid.get("ident", "")
        single = lid.get("rcardinality", "Single") == "Single"
        labels = [(label.get("ident", ""), self.rich(material_html(label)))
                  for label in descendants(lid, "response_label")]
        if not labels:
            self.skip(question.title, "it has no choices", question.stem_html)
            return None
        scorer = Scorer(item, {respident: lid.get("rcardinality", "Single")}, set())
        idents = [ident for ident, _ in labels]
        if single or len(idents) > MAX_SUBSETS:
            probes = [(i,) for i in idents]
        else:
            probes = [tuple(c) for n in range(len(idents) + 1) for c in itertools.combinations(idents, n)]
        outcomes = {probe: scorer.run({respident: probe}) for probe in probes}
        best = max(o.score for o in outcomes.values())
        if best <= 0:
            self.skip(question.title, "no response scores any points (a survey question)", question.stem_html, item)
            return None
        top = [probe for probe, o in outcomes.items() if o.score == best]
        if single or len(idents) > MAX_SUBSETS:
            correct = {p[0] for p in top}
            if not single:  # too many choices to try every subset: each choice that scores counts
                correct = {p[0] for p, o in outcomes.items() if o.score > 0}
        else:
            correct = set(min(top, key=len))
            if len(top) > 1:
                self.report.changed(self.subject, f"question '{question.title}' gave full marks for several "
                                                  "selections; the smallest is the key", self.where, ("questions",))
        partial = [p for p, o in outcomes.items() if 0 < o.score < best]
        if partial:
            self.report.changed(self.subject, f"question '{question.title}' gave partial credit; the quiz syntax "
                                              "scores it all or nothing", self.where, ("questions",))
        if single and len(correct) > 1:
            self.report.changed(self.subject, f"question '{question.title}' accepted any of {len(correct)} choices; "
                                              "only the first is marked correct", self.where, ("questions",))
            correct = {next(i for i in idents if i in correct)}
        texts = [visible_text(h).lower() for _, h in labels]
        if kind in (None, "multiple_choice", "true_false", "multiple_answer"):
            if not single:
                kind = "multiple_answer"
            elif sorted(texts) == ["false", "true"]:
                kind = "true_false"
            elif kind not in ("multiple_choice", "true_false"):
                kind = "multiple_choice"
            if kind == "true_false" and sorted(texts) != ["false", "true"]:
                kind = "multiple_choice"
            if kind == "multiple_choice" and len(labels) < 2:
                self.skip(question.title, "a multiple-choice question needs two choices", question.stem_html, item)
                return None
        question.type = kind
        question.choices = [ImportedChoice(text, ident in correct, ident=ident) for ident, text in labels]
        self.place_feedback(question, feedback, idents, outcomes, correct, single)
        return question

    def place_feedback(self, question, feedback, idents, outcomes, correct, single) -> None:
        singles = {p[0]: o for p, o in outcomes.items() if len(p) == 1}
        correct_probe = tuple(i for i in idents if i in correct)
        everyone = list(singles.values()) + ([outcomes[correct_probe]] if correct_probe in outcomes else [])
        by_ident = {c.ident: c for c in question.choices}
        general = []
        for ident, block in feedback.items():
            if not visible_text(block) and "<img" not in block:
                continue
            shown = {i for i, o in singles.items() if ident in o.feedback}
            if everyone and all(ident in o.feedback for o in everyone):
                general.append(block)
            elif len(shown) == 1:
                choice = by_ident[next(iter(shown))]
                choice.feedback_html += block
            elif shown and shown == set(idents) - correct:
                for i in shown:
                    by_ident[i].feedback_html += block
                self.report.changed(self.subject, f"question '{question.title}': the feedback for any wrong answer "
                                                  "is repeated under each wrong choice", self.where, ("questions",))
            elif shown and shown == correct:
                for i in shown:
                    by_ident[i].feedback_html += block
            else:
                self.report.lost(self.subject, f"question '{question.title}': feedback '{ident}' is shown for no "
                                               "single choice or response the quiz syntax can hold", self.where,
                                 ("questions",), visible_text(block))
        question.feedback_html = "".join(general)

    # -- typed answers ----------------------------------------------------------------------------------
    def text_question(self, item, response, question: ImportedQuestion, kind: str | None, feedback: dict[str, str]):
        respident = response.get("ident", "")
        fibs = descendants(response, "render_fib")
        numeric = local(response) == "response_num" or any(f.get("fibtype") in ("Integer", "Decimal") for f in fibs)
        scorer = Scorer(item, {respident: response.get("rcardinality", "Single")}, {respident} if numeric else set())
        tests = [t for p in scorer.processing for t in p.iter() if isinstance(t.tag, str)
                 and t.get("respident") == respident]
        if numeric or kind == "numeric":
            ranges = self.numeric_ranges(scorer, respident, tests)
            if ranges:
                question.type = "numeric"
                question.numeric = ranges
                probes = [(str((lo + hi) / 2),) for lo, hi in ranges] + [(WRONG,)]
                self.text_feedback(question, feedback, scorer, respident, probes, len(ranges))
                return question
        candidates = list(dict.fromkeys((t.text or "").strip() for t in tests if local(t) == "varequal"))
        accepted = []
        best = 0.0
        for text in candidates:
            score = scorer.run({respident: (text,)}).score
            if score > best:
                best, accepted = score, [text]
            elif score == best and score > 0:
                accepted.append(text)
        if any(local(t) == "varsubstring" for t in tests):
            self.report.changed(self.subject, f"question '{question.title}' also accepted answers containing a "
                                              "text; only exact answers are kept", self.where, ("questions",))
        if not accepted or kind == "essay":
            question.type = "essay"
            question.feedback_html = "".join(feedback.values())
            return question
        if any(t.get("case") == "Yes" for t in tests if local(t) == "varequal"):
            self.report.changed(self.subject, f"question '{question.title}' compared answers case by case; the "
                                              "quiz syntax compares them ignoring case", self.where, ("questions",))
        numbers = {to_number(a) for a in accepted}
        if len(accepted) > 1 and None not in numbers and len(numbers) == 1:
            value = numbers.pop()
            question.type, question.numeric = "numeric", [(value, value)]
        else:
            question.type, question.answers = "short_answer", accepted
        probes = [(a,) for a in accepted] + [(WRONG,)]
        self.text_feedback(question, feedback, scorer, respident, probes, len(accepted))
        return question

    def numeric_ranges(self, scorer: Scorer, respident: str, tests) -> list[tuple[float, float]]:
        """The intervals of numbers that score the most, from the bounds the conditions name."""
        bounds = sorted({n for t in tests if (n := to_number(t.text)) is not None})
        if not bounds:
            return []
        points = set(bounds)
        for low, high in zip(bounds, bounds[1:]):
            points.add((low + high) / 2)
        scored = {p: scorer.run({respident: (repr(p),)}).score for p in sorted(points)}
        best = max(scored.values())
        if best <= 0:
            return []
        ranges: list[list[float]] = []
        previous = None
        for point in sorted(points):
            good = scored[point] == best
            if good and previous is not None and scored[previous] == best:
                ranges[-1][1] = point
            elif good:
                ranges.append([point, point])
            previous = point
        return [(low, high) for low, high in ranges]

    def text_feedback(self, question, feedback, scorer, respident, probes, correct_count) -> None:
        outcomes = [scorer.run({respident: p}) for p in probes]
        general = []
        for ident, block in feedback.items():
            if not visible_text(block):
                continue
            shown = [ident in o.feedback for o in outcomes]
            if all(shown):
                general.append(block)
            else:
                what = "right" if all(shown[:correct_count]) and not shown[-1] else "wrong"
                self.report.lost(self.subject, f"question '{question.title}': feedback shown only for a {what} "
                                               "answer has no place in the quiz syntax", self.where, ("questions",),
                                 visible_text(block))
        question.feedback_html = "".join(general)
