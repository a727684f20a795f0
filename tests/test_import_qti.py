"""QTI is read by what it means: the response that scores the most is the key, whatever the
writer's order, idents or nesting; feedback belongs where a learner would see it."""

from __future__ import annotations

from lxml import etree

from ilead_cc.qti_reader import QtiReader
from ilead_shell.import_api import ImportReport

Q = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"


def read(items: str):
    xml = f'<questestinterop xmlns="{Q}"><assessment ident="A" title="T"><section ident="root_section">' \
          f'{items}</section></assessment></questestinterop>'
    report = ImportReport()
    quiz = QtiReader(lambda html: html, report, "item:x", "quiz.xml").read(etree.fromstring(xml.encode()))
    return quiz.questions, report


def choice_item(processing: str, labels=("a", "b", "c"), cardinality="Single", texts=None) -> str:
    texts = texts or {"a": "Alpha", "b": "Beta", "c": "Gamma"}
    choices = "".join(f'<response_label ident="{i}"><material><mattext>{texts[i]}</mattext></material>'
                      f"</response_label>" for i in labels)
    return (f'<item ident="q" title="Pick"><presentation><material><mattext>Which?</mattext></material>'
            f'<response_lid ident="r" rcardinality="{cardinality}"><render_choice>{choices}</render_choice>'
            f'</response_lid></presentation><resprocessing><outcomes><decvar varname="SCORE" maxvalue="100"/>'
            f"</outcomes>{processing}</resprocessing>"
            '<itemfeedback ident="fa"><material><mattext>About alpha</mattext></material></itemfeedback>'
            '<itemfeedback ident="all"><material><mattext>For everyone</mattext></material></itemfeedback>'
            "</item>")


def cond(test: str, score: str | None = None, feedback: str | None = None, go_on: bool = False) -> str:
    parts = [f"<conditionvar>{test}</conditionvar>"]
    if score:
        parts.append(f'<setvar action="Set" varname="SCORE">{score}</setvar>')
    if feedback:
        parts.append(f'<displayfeedback linkrefid="{feedback}"/>')
    return f'<respcondition continue="{"Yes" if go_on else "No"}">{"".join(parts)}</respcondition>'


def eq(ident: str, resp: str = "r") -> str:
    return f'<varequal respident="{resp}">{ident}</varequal>'


def test_the_key_is_the_choice_that_scores_wherever_its_condition_is():
    for processing in (
        cond("<other/>", feedback="all", go_on=True) + cond(eq("b"), "100") + cond(eq("a"), feedback="fa", go_on=True),
        cond(eq("a"), feedback="fa", go_on=True) + cond("<other/>", feedback="all", go_on=True) + cond(eq("b"), "100"),
    ):
        (question,), _ = read(choice_item(processing))
        assert [c.correct for c in question.choices] == [False, True, False]
        assert question.choices[0].feedback_html == "About alpha"
        # <other/> after a fired condition is false: "all" is general only where everyone sees it.
    (question,), _ = read(choice_item(cond("<other/>", feedback="all", go_on=True) + cond(eq("b"), "100")))
    assert question.feedback_html == "For everyone"


def test_a_condition_that_names_a_choice_but_sets_no_score_is_not_the_key():
    processing = cond(eq("a"), feedback="fa") + cond(eq("c"), "100")
    (question,), _ = read(choice_item(processing))
    assert [c.correct for c in question.choices] == [False, False, True]


def test_multiple_response_keys_by_and_and_not_in_any_order():
    test = f"<and><not>{eq('a')}</not>{eq('c')}{eq('b')}</and>"
    (question,), _ = read(choice_item(cond(test, "100"), cardinality="Multiple"))
    assert question.type == "multiple_answer"
    assert [c.correct for c in question.choices] == [False, True, True]


def test_multiple_response_scored_by_adding_points_per_choice():
    processing = "".join(f'<respcondition continue="Yes"><conditionvar>{eq(i)}</conditionvar>'
                         f'<setvar action="{a}" varname="SCORE">{v}</setvar></respcondition>'
                         for i, a, v in (("a", "Add", "50"), ("b", "Add", "50"), ("c", "Subtract", "100")))
    (question,), report = read(choice_item(processing, cardinality="Multiple"))
    assert [c.correct for c in question.choices] == [True, True, False]
    assert any("partial credit" in e.message for e in report.entries)


def test_true_false_idents_true_and_false():
    item = choice_item(cond(eq("false"), "100"), labels=("true", "false"),
                       texts={"true": "True", "false": "False"})
    (question,), _ = read(item)
    assert question.type == "true_false"
    assert [(c.ident, c.correct) for c in question.choices] == [("true", False), ("false", True)]


def fib_item(processing: str, numeric: bool = False) -> str:
    fib = '<render_fib fibtype="Decimal">' if numeric else "<render_fib>"
    return (f'<item ident="Q_capital" title="Capital"><presentation><material><mattext>Name it</mattext></material>'
            f'<response_str ident="t" rcardinality="Single">{fib}<response_label ident="a1"/></render_fib>'
            f'</response_str></presentation><resprocessing><outcomes><decvar varname="SCORE" maxvalue="100"/>'
            f"</outcomes>{processing}</resprocessing></item>")


def test_accepted_answers_in_one_condition_or_in_several_are_all_kept():
    one = cond(eq("Paris", "t") + eq("Lutetia", "t"), "100")
    several = cond(eq("Paris", "t"), "100") + cond(eq("Lutetia", "t"), "100")
    nested = cond(f"<or>{eq('Paris', 't')}{eq('Lutetia', 't')}</or>", "100")
    for processing in (one, several, nested):
        (question,), _ = read(fib_item(processing))
        assert (question.type, question.answers, question.ident) == ("short_answer", ["Paris", "Lutetia"], "capital")


def test_an_answer_that_only_shows_feedback_is_not_accepted():
    processing = cond(eq("London", "t"), feedback="fb", go_on=True) + cond(eq("Paris", "t"), "100")
    (question,), _ = read(fib_item(processing))
    assert question.answers == ["Paris"]


def test_numeric_ranges_exact_values_and_canvas_margins():
    margin = cond(f"<or>{eq('33.33', 't')}<and><vargte respident=\"t\">33.32</vargte>"
                  f"<varlte respident=\"t\">33.34</varlte></and></or>", "100")
    (question,), _ = read(fib_item(margin, numeric=True))
    assert question.numeric == [(33.32, 33.34)]
    two = cond('<vargte respident="t">1</vargte><varlte respident="t">5</varlte>', "100") + \
        cond('<vargte respident="t">10</vargte><varlte respident="t">20</varlte>', "100")
    (question,), _ = read(fib_item(two, numeric=True))
    assert question.numeric == [(1.0, 5.0), (10.0, 20.0)]
    spellings = cond(eq("2", "t") + eq("2.0", "t"), "100")
    (question,), _ = read(fib_item(spellings))
    assert (question.type, question.numeric) == ("numeric", [(2.0, 2.0)])
