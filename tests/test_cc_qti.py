"""Quizzes in the CC QTI profile and in Canvas's dialect: every question type, points, feedback."""

from __future__ import annotations

import pytest
from lxml import etree

from cc_validation import qti_rules, xsd_errors
from ilead_cc.canvas_qti import CanvasQtiWriter
from ilead_cc.profiles import CC11, CC13
from ilead_cc.qti import QtiWriter
from ilead_shell.model import Choice, NumericAnswer, Question, Quiz, RichText, SourceLocation

Q = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
HERE = SourceLocation(path="modules/m/quiz.md", line=1)


def question(id_, type_, points=1.0, **extra) -> Question:
    return Question(id=id_, title=id_.title(), type=type_, points=points, stem=RichText(html=f"<p>{id_}?</p>"),
                    location=HERE, **extra)


def choices(*correct: bool) -> tuple[Choice, ...]:
    return tuple(Choice(id=f"c{n}", html=f"Choice {n}", text=f"Choice {n}", correct=c)
                 for n, c in enumerate(correct, start=1))


def quiz(*questions: Question, attempts: int | None = 2) -> Quiz:
    return Quiz(id="q", module_id="m", title="Quiz", location=HERE, questions=questions, attempts=attempts)


def write(writer_class, profile, the_quiz):
    warnings: list[str] = []
    document = writer_class(profile, lambda html: html, warnings.append).document(the_quiz, "R_m__q")
    return document, warnings


def items(document):
    return {i.get("title"): i for i in document.iter(f"{Q}item")}


def fields(item) -> dict[str, str]:
    return {f.findtext(f"{Q}fieldlabel"): f.findtext(f"{Q}fieldentry") for f in item.iter(f"{Q}qtimetadatafield")}


@pytest.mark.parametrize("profile", [CC11, CC13], ids=["1.1", "1.3"])
def test_the_full_quiz_is_valid_in_both_cc_profiles(profile, full_course, shared_dir):
    the_quiz = next(i for i in full_course.items() if isinstance(i, Quiz))
    document, _ = write(QtiWriter, profile, the_quiz)
    assert xsd_errors(shared_dir / "schemas", f"qti-{profile.version}", document, "qti") == []
    assert qti_rules("qti", document, profile.version) == []
    profiles = [fields(i)["cc_profile"] for i in items(document).values()]
    assert profiles == ["cc.multiple_choice.v0p1", "cc.multiple_response.v0p1", "cc.true_false.v0p1",
                        "cc.fib.v0p1", "cc.essay.v0p1", "cc.essay.v0p1"]


def test_an_exact_numeric_answer_becomes_a_text_match_and_says_so():
    document, warnings = write(QtiWriter, CC13, quiz(question("count", "numeric",
                                                              numeric=(NumericAnswer(minimum=42, maximum=42),))))
    item = items(document)["Count"]
    assert fields(item)["cc_profile"] == "cc.fib.v0p1"
    assert [v.text for v in item.iter(f"{Q}varequal")] == ["42", "42.0"]
    assert any("fill-in-the-blank" in w for w in warnings)


def test_a_numeric_range_becomes_a_hand_graded_essay_whose_general_feedback_states_the_range():
    document, warnings = write(QtiWriter, CC11, quiz(question("estimate", "numeric",
                                                              numeric=(NumericAnswer(minimum=390, maximum=410),))))
    item = items(document)["Estimate"]
    assert fields(item)["cc_profile"] == "cc.essay.v0p1"
    assert fields(item)["qmd_computerscored"] == "No"
    feedback = item.find(f"{Q}itemfeedback[@ident='general_fb']").findtext(f".//{Q}mattext")
    assert "from 390 to 410" in feedback
    assert item.find(f".//{Q}solution") is None  # Moodle drops solutions; general feedback reaches every reader
    assert any("range" in w for w in warnings)


def test_an_essay_always_has_a_condition_because_cc2olx_reads_the_first_one():
    document, _ = write(QtiWriter, CC11, quiz(question("plain", "essay"),
                                              question("told", "essay", feedback=RichText(html="<p>Model</p>"))))
    plain, told = items(document)["Plain"], items(document)["Told"]
    assert [(c.get("continue"), c.find(f"{Q}conditionvar/{Q}other") is not None)
            for c in plain.iter(f"{Q}respcondition")] == [("No", True)]
    condition = told.find(f".//{Q}respcondition")
    assert condition.get("continue") == "Yes"
    assert condition.find(f"{Q}displayfeedback").get("linkrefid") == "general_fb"


def test_canvas_keeps_numeric_ranges_as_numeric_conditions():
    document, warnings = write(CanvasQtiWriter, CC11, quiz(
        question("estimate", "numeric", numeric=(NumericAnswer(minimum=390, maximum=410),)),
        question("exact", "numeric", numeric=(NumericAnswer(minimum=2.5, maximum=2.5),))))
    estimate, exact = items(document)["Estimate"], items(document)["Exact"]
    assert fields(estimate)["question_type"] == "numerical_question"
    condition = estimate.find(f".//{Q}respcondition[@continue='No']/{Q}conditionvar")
    assert [(c.tag.replace(Q, ""), c.text) for c in condition] == [("vargte", "390"), ("varlte", "410")]
    assert exact.find(f".//{Q}or/{Q}varequal").text == "2.5"
    assert warnings == []


def test_two_choice_multiple_choice_is_true_false_in_cc_1_1_but_not_in_1_3():
    the_quiz = quiz(question("pick", "multiple_choice", choices=choices(False, True)))
    old, warnings = write(QtiWriter, CC11, the_quiz)
    new, new_warnings = write(QtiWriter, CC13, the_quiz)
    assert fields(items(old)["Pick"])["cc_profile"] == "cc.true_false.v0p1" and warnings
    assert fields(items(new)["Pick"])["cc_profile"] == "cc.multiple_choice.v0p1" and not new_warnings


def test_points_become_whole_weightings_and_rounding_is_reported():
    document, warnings = write(QtiWriter, CC13, quiz(question("half", "essay", points=0.5),
                                                     question("many", "essay", points=150),
                                                     question("two", "essay", points=2)))
    weights = {t: fields(i)["cc_weighting"] for t, i in items(document).items()}
    assert weights == {"Half": "1", "Many": "99", "Two": "2"}
    assert len(warnings) == 2


def test_multiple_answers_score_all_correct_and_no_wrong_choice_with_case_yes_for_moodle():
    document, _ = write(QtiWriter, CC11, quiz(question("all", "multiple_answer", choices=choices(True, False, True))))
    both = items(document)["All"].find(f".//{Q}and")
    assert [(v.text, v.get("case")) for v in both.findall(f"{Q}varequal")] == [("c1", "Yes"), ("c3", "Yes")]
    assert [v.text for v in both.findall(f"{Q}not/{Q}varequal")] == ["c2"]


def test_true_false_choices_are_identified_as_true_and_false():
    truth = (Choice(id="c1", html="True", text="True", correct=False),
             Choice(id="c2", html="False", text="False", correct=True))
    document, _ = write(QtiWriter, CC11, quiz(question("truth", "true_false", choices=truth)))
    item = items(document)["Truth"]
    assert [label.get("ident") for label in item.iter(f"{Q}response_label")] == ["true", "false"]
    scoring = item.find(f".//{Q}respcondition[@continue='No']")
    assert scoring.findtext(f"{Q}conditionvar/{Q}varequal") == "false"


def test_every_accepted_answer_sits_in_the_one_scoring_condition():
    document, _ = write(QtiWriter, CC11, quiz(question("body", "short_answer", answers=("ALA", "American Library Association"),
                                                       feedback=RichText(html="<p>General</p>"))))
    conditions = items(document)["Body"].findall(f".//{Q}respcondition")
    assert [c.get("continue") for c in conditions] == ["Yes", "No"]
    assert [v.text for v in conditions[1].findall(f"{Q}conditionvar/{Q}varequal")] == \
        ["ALA", "American Library Association"]


def test_feedback_per_choice_and_general_feedback_are_displayed():
    with_feedback = (Choice(id="a", html="A", text="A", correct=True, feedback=RichText(html="<p>Right</p>")),
                     Choice(id="b", html="B", text="B", correct=False, feedback=RichText(html="<p>No</p>")),
                     Choice(id="c", html="C", text="C", correct=False))
    document, _ = write(QtiWriter, CC11, quiz(question("fb", "multiple_choice", choices=with_feedback,
                                                       feedback=RichText(html="<p>General</p>"))))
    item = items(document)["Fb"]
    shown = [d.get("linkrefid") for d in item.iter(f"{Q}displayfeedback")]
    assert shown == ["general_fb", "a_fb", "b_fb"]
    assert {f.get("ident") for f in item.findall(f"{Q}itemfeedback")} == {"general_fb", "a_fb", "b_fb"}


def test_the_scoring_condition_comes_before_any_wrong_choice_and_carries_the_right_choices_feedback():
    with_feedback = (Choice(id="a", html="A", text="A", correct=False, feedback=RichText(html="<p>No</p>")),
                     Choice(id="b", html="B", text="B", correct=True, feedback=RichText(html="<p>Yes</p>")),
                     Choice(id="c", html="C", text="C", correct=False, feedback=RichText(html="<p>No</p>")))
    document, _ = write(QtiWriter, CC11, quiz(question("order", "multiple_choice", choices=with_feedback)))
    conditions = [(c.get("continue"), [v.text for v in c.iter(f"{Q}varequal")], c.find(f"{Q}setvar") is not None,
                   [d.get("linkrefid") for d in c.iter(f"{Q}displayfeedback")])
                  for c in items(document)["Order"].iter(f"{Q}respcondition")]
    assert conditions == [("No", ["b"], True, ["b_fb"]), ("Yes", ["a"], False, ["a_fb"]),
                          ("Yes", ["c"], False, ["c_fb"])]


def test_canvas_keeps_its_own_export_order_with_feedback_before_the_score():
    with_feedback = (Choice(id="a", html="A", text="A", correct=False, feedback=RichText(html="<p>No</p>")),
                     Choice(id="b", html="B", text="B", correct=True), Choice(id="c", html="C", text="C", correct=False))
    document, _ = write(CanvasQtiWriter, CC11, quiz(question("order", "multiple_choice", choices=with_feedback)))
    conditions = [(c.get("continue"), [v.text for v in c.iter(f"{Q}varequal")])
                  for c in items(document)["Order"].iter(f"{Q}respcondition")]
    assert conditions == [("Yes", ["a"]), ("No", ["b"])]


@pytest.mark.parametrize("attempts, expected", [(None, "unlimited"), (3, "3"), (9, "unlimited")])
def test_attempts_map_to_cc_maxattempts(attempts, expected):
    document, warnings = write(QtiWriter, CC13, quiz(question("x", "essay"), attempts=attempts))
    assessment = document.find(f"{Q}assessment")
    assert fields(assessment.find(f"{Q}qtimetadata"))["cc_maxattempts"] == expected
    assert bool(warnings) == (attempts == 9)


def test_a_quiz_without_questions_gives_no_document_rather_than_an_empty_section():
    document, _ = write(QtiWriter, CC13, quiz())
    assert document is None


def test_choice_text_with_markup_is_sent_as_html():
    marked = (Choice(id="a", html="<code>x &lt; y</code>", text="x < y", correct=True),
              Choice(id="b", html="plain", text="plain", correct=False),
              Choice(id="c", html="R&amp;D", text="R&D", correct=False))
    document, _ = write(QtiWriter, CC13, quiz(question("m", "multiple_choice", choices=marked)))
    texts = [(m.get("texttype"), m.text) for m in items(document)["M"].iter(f"{Q}mattext")][1:]
    assert texts == [("text/html", "<code>x &lt; y</code>"), ("text/plain", "plain"), ("text/plain", "R&D")]
    etree.tostring(document)  # serialisable


def test_shuffled_quizzes_shuffle_choices_but_not_true_false(shared_dir):
    the_quiz = quiz(question("pick", "multiple_choice", choices=choices(False, True, False)),
                    question("truth", "true_false", choices=choices(True, False))).model_copy(update={"shuffle": True})
    document, _ = write(QtiWriter, CC11, the_quiz)
    shuffles = {t: i.find(f".//{Q}render_choice").get("shuffle") for t, i in items(document).items()}
    assert shuffles == {"Pick": "Yes", "Truth": "No"}
    assert xsd_errors(shared_dir / "schemas", "qti-1.1", document, "qti") == []
