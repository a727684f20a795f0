"""Findings on a cartridge's QTI files: the CC QTI profile, and what each reader makes of it.

``check_cc_qti`` covers ``assessment_qti.xml`` and question banks (the file Moodle, cc2olx and
Canvas's plain-cartridge path read); ``check_canvas_qti`` covers ``non_cc_assessments/*.xml.qti``,
the dialect only the Canvas-flavoured importer reads.  Each rule names its source in
docs/validate.md.
"""

from __future__ import annotations

from lxml import etree

from ilead_shell.validation.api import CANVAS, CC2OLX, EVERY_LMS, MOODLE, Finding, error, warning

from . import qti_readers as readers
from .qti_readers import Q, Item

# Canvas app/models/assessment_question.rb ALL_QUESTION_TYPES
CANVAS_QUESTION_TYPES = {
    "multiple_answers_question", "fill_in_multiple_blanks_question", "matching_question", "missing_word_question",
    "multiple_choice_question", "numerical_question", "text_only_question", "short_answer_question",
    "multiple_dropdowns_question", "calculated_question", "essay_question", "true_false_question",
    "file_upload_question"}


def check_cc_qti(root: etree._Element, member: str, version: str) -> list[Finding]:
    """Moodle's rules apply only to CC 1.0 and 1.1, the versions Moodle converts."""
    found: list[Finding] = []
    holders = root.findall("q:assessment", Q) + root.findall("q:objectbank", Q)
    if len(holders) != 1:
        found.append(error("qti/structure", "questestinterop must hold exactly one assessment or objectbank, "
                           f"found {len(holders)}", member, root.sourceline))
    for section in root.iterfind(".//q:section", Q):
        if section.find("q:item", Q) is None and section.find("q:section", Q) is None:
            found.append(warning("qti/empty-section", "section has no questions in Common Cartridge form; readers "
                                 "other than Canvas get an empty quiz (Canvas writes this for quizzes whose "
                                 "questions have no CC equivalent)", member, section.sourceline))
    idents: dict[str, int] = {}
    for element in root.iter(f"{{{readers.QTI}}}item"):
        item = readers.read_item(element)
        if item.ident in idents:
            found.append(error("qti/duplicate-ident", f"item ident '{item.ident}' is used twice (first on line "
                               f"{idents[item.ident]}); Moodle looks questions up by ident and merges them",
                               member, item.line, (EVERY_LMS,)))
        idents.setdefault(item.ident, item.line)
        found += _item_findings(item, member, version)
    if version not in ("1.0", "1.1"):
        found = [f for f in found if MOODLE not in f.affects or len(f.affects) > 1]
    return _marks_summary(found, member)


def _marks_summary(found: list[Finding], member: str) -> list[Finding]:
    """backup/cc/sheets/course_modules_mod_quiz_question_instance.xml writes <GRADE>1</GRADE> for every
    question of a quiz: one finding per quiz file says which weightings Moodle drops."""
    weighted = [f for f in found if f.rule == "moodle/question-marks"]
    if not weighted:
        return found
    rest = [f for f in found if f.rule != "moodle/question-marks"]
    names = ", ".join(f.message for f in weighted[:3]) + (f" and {len(weighted) - 3} more" if len(weighted) > 3 else "")
    return rest + [warning("moodle/question-marks", f"{len(weighted)} questions are worth more than 1 point ({names}); "
                           "Moodle's converter puts every question into the quiz with a mark of 1 (the weighting "
                           "survives only as the question bank's default mark), so set the marks in Moodle after "
                           "import", member, weighted[0].line, (MOODLE,))]


def _item_findings(item: Item, member: str, version: str) -> list[Finding]:
    found: list[Finding] = []
    name = f"question '{item.title or item.ident}'"
    at = (member, item.line)
    if not item.title:
        found.append(warning("qti/item-title", f"item '{item.ident}' has no title; readers show a generic name",
                             *at))
    weighting = item.fields.get("cc_weighting")
    if weighting is not None and not (weighting.isdigit() and 1 <= int(weighting) <= 99):
        found.append(error("qti/weighting", f"{name}: cc_weighting {weighting!r} is not a whole number from 1 to 99 "
                           "(Moodle reads it as the question's mark; other values become 1)", *at))
    elif weighting not in (None, "1"):
        found.append(warning("moodle/question-marks", f"{name} ({weighting} points)", *at, affects=(MOODLE,)))
    if item.profile not in readers.KNOWN_PROFILES:
        found.append(error("qti/profile", f"{name}: cc_profile {item.profile!r} is not a Common Cartridge question "
                           "type; cc2olx fails on the whole quiz (QtiError; Open edX gets none of it) and Moodle "
                           "drops the question", *at, affects=(CC2OLX, MOODLE)))
        return found
    lid = item.element.find("q:presentation//q:response_lid", Q)
    string = item.element.find("q:presentation//q:response_str", Q)
    resprocessing = item.element.find("q:resprocessing", Q)
    if item.profile != "cc.essay.v0p1" and resprocessing is None:
        found.append(error("qti/no-resprocessing", f"{name} has no resprocessing, so no reader can score it", *at))
        return found
    if item.element.find(".//q:varsubstring", Q) is not None and item.profile != "cc.pattern_match.v0p1":
        found.append(error("qti/varsubstring", f"{name}: varsubstring is allowed only in pattern-match questions",
                           *at))
    if item.profile in readers.CHOICE_PROFILES:
        if lid is None or string is not None:
            found.append(error("qti/presentation", f"{name}: a choice question needs a response_lid and no "
                               "response_str", *at))
            return found
        found += _choice_findings(item, name, version, at)
    elif item.profile in readers.TEXT_PROFILES:
        if lid is not None or string is None:
            found.append(error("qti/presentation", f"{name}: a text question needs a response_str and no "
                               "response_lid", *at))
            return found
        found += _text_findings(item, name, at)
    else:
        found += _essay_findings(item, name, at)
    found += _feedback_findings(item, name, at)
    return found


def _choice_findings(item: Item, name: str, version: str, at) -> list[Finding]:
    found: list[Finding] = []
    count = len(item.labels)
    minimum = {"cc.multiple_choice.v0p1": 3 if version == "1.1" else 2}.get(item.profile, 2)
    if count < minimum or (item.profile == "cc.true_false.v0p1" and count != 2):
        wanted = "exactly 2" if item.profile == "cc.true_false.v0p1" else f"at least {minimum}"
        found.append(error("qti/choice-count", f"{name} has {count} choices; {item.profile} needs {wanted}"
                           f" in CC {version}", *at))
    known = {ident for ident, _ in item.labels}
    for varequal in item.element.iterfind("q:resprocessing//q:varequal", Q):
        if (varequal.text or "").strip() not in known:
            found.append(error("qti/unknown-choice", f"{name}: a condition names choice {varequal.text!r}, which "
                               "the question does not have (cc2olx fails on the whole quiz with a KeyError)", at[0],
                               varequal.sourceline, (EVERY_LMS, CC2OLX)))
            return found
    intended = readers.intended_choices(item)
    if intended is not None and not intended:
        found.append(error("qti/no-correct-choice", f"{name}: no choice earns a score, so no answer is right", *at))
        return found
    if item.profile == "cc.true_false.v0p1" and sorted(known) != ["false", "true"]:
        found.append(error("moodle/true-false-idents", f"{name}: true/false choices are identified "
                           f"{sorted(known)}; Moodle's converter accepts only 'true' and 'false' and otherwise "
                           "throws 'Unknown answer identifier', which stops the whole course restore",
                           *at, affects=(MOODLE,)))
    if intended is None:
        return found
    olx = readers.cc2olx_choices(item) & known
    if olx != intended:
        found.append(warning("cc2olx/correct-choices", f"{name}: cc2olx marks {item.shown(olx)} correct, the question "
                           f"means {item.shown(intended)}; it takes every choice named in a condition before the "
                           "first continue=\"No\" one as correct, so put the scoring condition first",
                           *at, affects=(CC2OLX,)))
    moodle = readers.moodle_choices(item)
    if moodle != intended and not (item.profile == "cc.true_false.v0p1" and sorted(known) != ["false", "true"]):
        how = ("multiple-response keys must be varequal case=\"Yes\" (not inside not) in the condition that sets "
               "SCORE to 100" if item.profile == "cc.multiple_response.v0p1" else
               "a choice takes the score of the last condition whose first varequal names it")
        found.append(warning("moodle/correct-choices", f"{name}: Moodle marks {item.shown(moodle)} correct, the "
                           f"question means {item.shown(intended)}; {how}", *at, affects=(MOODLE,)))
    return found


def _text_findings(item: Item, name: str, at) -> list[Finding]:
    found: list[Finding] = []
    response = item.response_ident
    for varequal in item.element.iterfind("q:resprocessing//q:varequal", Q):
        if varequal.get("respident") not in (None, response):
            found.append(error("qti/respident", f"{name}: varequal respident {varequal.get('respident')!r} is not "
                               f"the response_str '{response}'", at[0], varequal.sourceline))
            return found
    intended = readers.intended_answers(item)
    if readers.uses_ranges(item):
        found.append(warning("qti/numeric-range", f"{name} accepts a numeric range; Moodle and cc2olx read only exact "
                             "varequal answers (Moodle makes a short-answer question), so the range is lost there",
                             *at, affects=(MOODLE, CC2OLX)))
    elif not intended:
        found.append(error("qti/no-correct-answer", f"{name}: no answer earns a score, so none is right", *at))
        return found
    for reader, kept, rule in ((MOODLE, set(readers.moodle_answers(item)), "moodle/accepted-answers"),
                               (CC2OLX, set(readers.cc2olx_answers(item)), "cc2olx/accepted-answers")):
        lost = sorted(intended - kept)
        if lost:
            how = ("Moodle keeps only the varequals of the first condition that sets SCORE to exactly 100"
                   if reader == MOODLE else
                   "cc2olx keeps only the varequals of the conditions up to the first continue=\"No\"")
            found.append(warning(rule, f"{name}: accepted answers {', '.join(repr(a) for a in lost)} are lost ({how}); "
                               "list every accepted answer in one scoring condition", *at, affects=(reader,)))
    return found


def _essay_findings(item: Item, name: str, at) -> list[Finding]:
    found: list[Finding] = []
    if item.element.find("q:resprocessing//q:varequal", Q) is not None:
        found.append(error("qti/essay-varequal", f"{name}: an essay cannot compare answers (varequal)", *at))
    if item.fields.get("qmd_computerscored", "No") != "No":
        found.append(warning("qti/essay-scored", f"{name}: an essay should say qmd_computerscored No", *at))
    if item.element.find("q:itemfeedback", Q) is not None and not item.conditions:
        found.append(error("cc2olx/essay-condition", f"{name}: an essay with feedback but no respcondition makes "
                           "cc2olx fail on the whole quiz (it reads respconditions[0])", *at, affects=(CC2OLX,)))
    return found


def _feedback_findings(item: Item, name: str, at) -> list[Finding]:
    """Moodle reads itemfeedback only as flow_mat/material/mattext; a solution is never shown."""
    found = []
    for feedback in item.element.iterfind("q:itemfeedback", Q):
        if feedback.find("q:flow_mat/q:material/q:mattext", Q) is None and feedback.find("q:solution", Q) is not None:
            found.append(warning("moodle/feedback-solution", f"{name}: feedback '{feedback.get('ident')}' is a QTI "
                                 "solution, which Moodle's converter never reads; write it as flow_mat/material",
                                 at[0], feedback.sourceline, (MOODLE,)))
    return found


def check_canvas_qti(root: etree._Element, member: str) -> list[Finding]:
    """Canvas's own QTI dialect: what the Canvas-flavoured importer needs to build the quiz."""
    found: list[Finding] = []
    assessment = root.find("q:assessment", Q)
    bank = root.find("q:objectbank", Q)
    if bank is None and (assessment is None or assessment.find(".//q:section", Q) is None):
        return [error("canvas/qti-structure", "neither a question bank nor an assessment with a section; Canvas "
                      "imports no quiz from it", member, root.sourceline, (CANVAS,))]
    for element in root.iter(f"{{{readers.QTI}}}item"):
        item = readers.read_item(element)
        kind = item.fields.get("question_type")
        if kind not in CANVAS_QUESTION_TYPES:
            found.append(warning("canvas/question-type", f"item '{item.ident}' has question_type {kind!r}, which "
                                 "Canvas does not know; it imports the question without a type", member, item.line,
                                 (CANVAS,)))
        try:
            float(item.fields.get("points_possible", ""))
        except ValueError:
            found.append(warning("canvas/points", f"item '{item.ident}' has no numeric points_possible; Canvas "
                                 "gives it 1 point", member, item.line, (CANVAS,)))
    return found
