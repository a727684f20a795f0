"""Every question of every cartridge scores as its source says, judged by the QTI 1.2 spec.

Each cartridge target (CC 1.3 and 1.1, Canvas with both its ``assessment_qti.xml`` and its
``non_cc_assessments`` dialect, Moodle, Brightspace, Blackboard) is built from ``course_source/``
(every offering) and ``tests/roots/fidelity/``, written to a real archive and read back.  The
cartridge is walked as an importer walks it (organization -> item -> resource and its
dependencies -> QTI files), and every question is scored by :mod:`qti_evaluator`, written from
the QTI specification.  What counts as right comes from **the course model**, never from the QTI:

- choice questions: every response is tried (each choice alone and no choice; every subset of
  the choices for multiple answer).  Only the set of correct choices scores full marks.
- short answer: every accepted answer, in upper, lower and title case (the source compares
  case-insensitively), scores full marks; a wrong text, an accepted answer with words added,
  and no answer score zero.
- numeric: each bound and the middle of every accepted range score full marks; values just
  outside every range, a text that is not a number and no answer score zero.
- essays, and numeric ranges in the CC dialect (the CC profile has no numeric comparison), are
  marked for hand grading, award nothing automatically, and (ranges) state the range to the grader.

No format written here gives partial credit (the CC profile allows only ``setvar action="Set"``;
Canvas grades partial credit itself from its question type, not from the QTI), so anything but
a fully right response must score zero.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

import qti_evaluator as qti
from built_bundles import CARTRIDGE_TARGETS, build_archive, read_archive
from ilead_shell.model import Course, Question, Quiz
from ilead_shell.offerings import select_offering
from ilead_shell.reader import read_course
from ilead_shell.registry import Registry

REPO = Path(__file__).resolve().parents[1]
SOURCES = {"course_source": REPO / "course_source", "fidelity": REPO / "tests" / "roots" / "fidelity"}
#: Which QTI dialects each target must carry for every quiz: "cc" is the Common Cartridge
#: profile (assessment_qti.xml), "canvas" Canvas's own (non_cc_assessments/<id>.xml.qti).
DIALECTS = {"canvas": {"cc", "canvas"}}


def _offerings(root: Path) -> list[str]:
    return [o.name for o in read_course(root).offerings]


CASES = [(source, offering, target) for source, root in SOURCES.items() for offering in _offerings(root)
         for target, _, _ in CARTRIDGE_TARGETS]


# -- the evaluator itself, on items written by hand from the spec's examples ----------------
def _item(body: str) -> qti.Item:
    return qti.read_item(etree.fromstring(f'<item xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2" '
                                          f'ident="i" title="t">{body}</item>'))


CHOICE_ITEM = """
<presentation><response_lid ident="r" rcardinality="Single"><render_choice>
  <response_label ident="A"><material><mattext>3</mattext></material></response_label>
  <response_label ident="B"><material><mattext>4</mattext></material></response_label>
</render_choice></response_lid></presentation>
<resprocessing><outcomes><decvar varname="SCORE" vartype="Decimal" minvalue="0" maxvalue="100"/></outcomes>
  <respcondition continue="Yes"><conditionvar><other/></conditionvar>
    <displayfeedback linkrefid="general"/></respcondition>
  <respcondition><conditionvar><varequal respident="r">B</varequal></conditionvar>
    <setvar action="Set">100</setvar><displayfeedback linkrefid="right"/></respcondition>
  <respcondition><conditionvar><other/></conditionvar><displayfeedback linkrefid="wrong"/></respcondition>
</resprocessing>"""


def test_evaluator_scores_the_spec_example_and_follows_continue_and_other():
    item = _item(CHOICE_ITEM)
    assert [(label.ident, label.text) for label in item.responses["r"].labels] == [("A", "3"), ("B", "4")]
    right, wrong, none = (qti.evaluate(item, {"r": answer}) for answer in (["B"], ["A"], None))
    assert right.score == 100 and right.feedback == ["general", "right"]
    assert wrong.score == 0 and wrong.feedback == ["general"]  # the first <other/> was true, so the last is not
    assert none.score == 0
    without_general = _item(CHOICE_ITEM.replace('<displayfeedback linkrefid="general"/>', "")
                            .replace("<other/></conditionvar>\n    </respcondition>", "<unanswered respident='r'/>"
                                     "</conditionvar></respcondition>"))
    assert qti.evaluate(without_general, {"r": ["A"]}).feedback == ["wrong"]  # no earlier test was true


def test_evaluator_adds_clamps_and_compares_numbers_and_case_as_declared():
    item = _item("""
<presentation><response_str ident="n"><render_fib fibtype="Decimal"/></response_str>
  <response_str ident="s"><render_fib/></response_str></presentation>
<resprocessing><outcomes><decvar minvalue="0" maxvalue="10"/></outcomes>
  <respcondition continue="Yes"><conditionvar><vargte respident="n">1.5</vargte><varlt respident="n">3</varlt>
    </conditionvar><setvar action="Add">6</setvar></respcondition>
  <respcondition continue="Yes"><conditionvar><varequal respident="n">7</varequal></conditionvar>
    <setvar action="Add">4</setvar></respcondition>
  <respcondition continue="Yes"><conditionvar><or><varequal respident="s">ala</varequal>
    <varequal respident="s" case="Yes">IFLA</varequal></or></conditionvar><setvar action="Add">6</setvar></respcondition>
  <respcondition><conditionvar><not><unanswered respident="s"/></not></conditionvar>
    <setvar action="Subtract">1</setvar></respcondition>
</resprocessing>""")
    assert qti.evaluate(item, {"n": "1.5", "s": "ALA"}).raw["SCORE"] == 11
    assert qti.evaluate(item, {"n": "1.5", "s": "ALA"}).score == 10  # held at maxvalue
    assert qti.evaluate(item, {"n": "7.0"}).score == 4  # numeric response: 7.0 equals 7
    assert qti.evaluate(item, {"n": "3", "s": "ifla"}).score == 0  # varlt is strict; case="Yes"
    assert qti.evaluate(item, {"n": "abc", "s": "IFLA"}).score == 5
    with pytest.raises(qti.Unsupported):
        qti.evaluate(_item('<resprocessing><outcomes><decvar/></outcomes><respcondition><conditionvar>'
                           '<varinside respident="x" areatype="Ellipse">1</varinside></conditionvar>'
                           '</respcondition></resprocessing><presentation><response_str ident="x"><render_fib/>'
                           '</response_str></presentation>'),
                     {"x": "1"})


@pytest.mark.parametrize("presentation, decvar", [
    ('<response_lid ident="r" rcardinality="single"><render_choice/></response_lid>', '<decvar/>'),
    ('<response_str ident="s"><render_fib fibtype="decimal"/></response_str>', '<decvar/>'),
    ('<response_str ident="s"><RENDER_FIB/></response_str>', '<decvar/>'),
    ('<response_str ident="s"><render_fib/></response_str>', '<decvar maxvalue="XX100XX"/>'),
], ids=["cardinality-case", "fibtype-case", "no-render", "maxvalue-not-a-number"])
def test_the_evaluator_refuses_what_the_qti_dtd_does_not_allow_where_scores_depend_on_it(presentation, decvar):
    # A runtime meeting these would not know whether one answer or several count, or the range.
    with pytest.raises(qti.Invalid):
        _item(f"<presentation>{presentation}</presentation><resprocessing><outcomes>{decvar}</outcomes>"
              "</resprocessing>")


def test_sibling_answers_for_one_typed_response_are_alternatives_other_tests_all_apply():
    item = _item("""
<presentation><response_str ident="s"><render_fib/></response_str>
  <response_str ident="n"><render_fib fibtype="Integer"/></response_str></presentation>
<resprocessing><outcomes><decvar maxvalue="100"/></outcomes>
  <respcondition><conditionvar><varequal respident="s">ALA</varequal><varequal respident="s">IFLA</varequal>
    <vargte respident="n">3</vargte><varlte respident="n">5</varlte></conditionvar><setvar>100</setvar></respcondition>
</resprocessing>""")
    assert qti.evaluate(item, {"s": "ifla", "n": "4"}).score == 100
    assert qti.evaluate(item, {"s": "ala", "n": "5"}).score == 100
    assert qti.evaluate(item, {"s": "ala", "n": "6"}).score == 0  # the range still needs both bounds
    assert qti.evaluate(item, {"s": "unesco", "n": "4"}).score == 0


def test_multiple_response_varequal_matches_any_chosen_label():
    item = _item("""
<presentation><response_lid ident="r" rcardinality="Multiple"><render_choice>
  <response_label ident="a"/><response_label ident="b"/><response_label ident="c"/></render_choice>
</response_lid></presentation>
<resprocessing><outcomes><decvar maxvalue="100"/></outcomes>
  <respcondition><conditionvar><and><varequal respident="r">a</varequal><not><varequal respident="r">b</varequal>
  </not><varequal respident="r">c</varequal></and></conditionvar><setvar>100</setvar></respcondition>
</resprocessing>""")
    scores = {"".join(s): qti.evaluate(item, {"r": s}).score
              for n in range(4) for s in itertools.combinations("abc", n)}
    assert scores == {"": 0, "a": 0, "b": 0, "c": 0, "ab": 0, "ac": 100, "bc": 0, "abc": 0}


# -- building and walking the cartridges ------------------------------------------------------
@pytest.fixture(scope="session")
def cartridge(tmp_path_factory):
    registry = Registry()
    courses = {name: read_course(root) for name, root in SOURCES.items()}
    folder = tmp_path_factory.mktemp("qti-scoring")
    built: dict[tuple[str, str, str], tuple[Course, dict[str, bytes]]] = {}

    def get(source: str, offering: str, target: str) -> tuple[Course, dict[str, bytes]]:
        key = (source, offering, target)
        if key not in built:
            selected = select_offering(courses[source], offering)
            path = build_archive(selected, target, folder / f"{source}-{offering}-{target}.imscc", registry)
            built[key] = selected, read_archive(path)
        return built[key]

    return get


def _xml(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False))


def quiz_documents(files: dict[str, bytes]) -> dict[tuple[str, str], dict[str, qti.Assessment]]:
    """(module title, item title) -> {dialect: assessment}, found as an importer finds them."""
    manifest = _xml(files["imsmanifest.xml"])
    resources = {r.get("identifier"): r for r in manifest.iter() if qti._local(r) == "resource"}
    found: dict[tuple[str, str], dict[str, qti.Assessment]] = {}
    (organization,) = [o for o in manifest.iter() if qti._local(o) == "organization"]
    (root,) = qti._children(organization, "item")
    for module in qti._children(root, "item"):
        module_title = _title(module)
        for leaf in (i for i in module.iter() if qti._local(i) == "item" and i.get("identifierref")):
            documents = {}
            for path in _resource_files(resources, leaf.get("identifierref")):
                if path in files and path.endswith((".xml", ".qti")) and \
                        qti._local(_xml(files[path])) == "questestinterop":
                    dialect = "canvas" if path.startswith("non_cc_assessments/") else "cc"
                    assert dialect not in documents, f"two {dialect} QTI files for {_title(leaf)}"
                    documents[dialect] = qti.read_assessment(files[path])
            if documents:
                found[(module_title, _title(leaf))] = documents
    return found


def _title(item: etree._Element) -> str:
    titles = qti._children(item, "title")
    return words(titles[0].text or "") if titles else ""


def words(title: str) -> str:
    """A title as the words it shows: an LMS flavour may write '<in>' as '‹in›' so that its
    importer does not take it for a tag, and that is the same title to a learner."""
    return " ".join(re.findall(r"\w+", title.casefold()))


def _resource_files(resources: dict, identifier: str, seen: frozenset = frozenset()) -> list[str]:
    resource = resources.get(identifier)
    if resource is None or identifier in seen:
        return []
    paths = [f.get("href") for f in qti._children(resource, "file")]
    for dependency in qti._children(resource, "dependency"):
        paths += _resource_files(resources, dependency.get("identifierref"), seen | {identifier})
    return paths


# -- what the course model says is right -------------------------------------------------------
@dataclass(frozen=True)
class Case:
    what: str
    response: qti.Response
    right: bool


def spell(value: float) -> str:
    """A number as a learner would type it: 400, 2.5."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def choice_cases(question: Question, spec: qti.ResponseSpec) -> list[Case]:
    label_of = {}
    for choice in question.choices:
        text = qti.html_text(choice.html)
        matches = [label.ident for label in spec.labels if label.text == text]
        assert len(matches) == 1, f"choice {text!r} is shown by {len(matches)} labels: {spec.labels}"
        label_of[choice.id] = matches[0]
    assert len(spec.labels) == len(question.choices), f"labels {spec.labels} for {len(question.choices)} choices"
    correct = {c.id for c in question.choices if c.correct}
    if question.type == "multiple_answer":
        picks = [set(s) for n in range(len(question.choices) + 1)
                 for s in itertools.combinations([c.id for c in question.choices], n)]
    else:
        picks = [set()] + [{c.id} for c in question.choices]
    texts = {c.id: c.text for c in question.choices}
    return [Case(f"choose {sorted(texts[i] for i in pick) or 'nothing'}", [label_of[i] for i in pick] or None,
                 pick == correct) for pick in picks]


def text_cases(question: Question) -> list[Case]:
    accepted = {a.casefold() for a in question.answers}
    tries = []
    for answer in question.answers:
        tries += [answer, answer.upper(), answer.lower(), answer.title()]
    tries += ["zz not an accepted answer", f"{question.answers[0]} and something else"]
    cases = [Case(f"type {t!r}", t, t.casefold() in accepted) for t in dict.fromkeys(tries)]
    return cases + [Case("type nothing", None, False)]


def numeric_cases(question: Question) -> list[Case]:
    values = []
    for answer in question.numeric:
        low, high = answer.minimum, answer.maximum
        integral = float(low).is_integer() and float(high).is_integer()
        step = 1.0 if integral else max((high - low) / 10, 10 ** (math.floor(math.log10(abs(low) or 1)) - 3))
        values += [low, high, (low + high) / 2, low - step, high + step]
    cases = [Case(f"type {spell(v)}", spell(v), any(a.minimum <= v <= a.maximum for a in question.numeric))
             for v in dict.fromkeys(values)]
    return cases + [Case("type 'about forty'", "about forty", False), Case("type nothing", None, False)]


def hand_graded(item: qti.Item) -> bool:
    return item.metadata.get("qmd_computerscored") == "No" or item.metadata.get("question_type") == "essay_question"


def may_be_hand_graded(question: Question, dialect: str) -> bool:
    """Essays always; numeric ranges in the CC dialect, which cannot compare numbers."""
    return question.type == "essay" or (
        question.type == "numeric" and dialect == "cc" and not all(a.exact for a in question.numeric))


def score_question(question: Question, item: qti.Item, dialect: str) -> list[str]:
    """Every way the item's scoring departs from the model, as report lines."""
    full = item.variables["SCORE"].maximum if "SCORE" in item.variables and \
        item.variables["SCORE"].maximum is not None else 100.0
    if hand_graded(item):
        if not may_be_hand_graded(question, dialect):
            return [f"{question.id}: marked for hand grading, but the {dialect} dialect can score a {question.type}"]
        problems = []
        if question.type == "numeric":  # the range must reach the grader: as a model answer or as feedback
            told = " ".join([item.solution, *item.feedback.values()])
            missing = [spell(v) for a in question.numeric for v in (a.minimum, a.maximum)
                       if not re.search(rf"(?<![\d.]){re.escape(spell(v))}(?![\d]|\.\d)", told)]
            if missing:
                problems.append(f"{question.id}: the item tells the grader {told!r}, without {missing}")
        for case in numeric_cases(question) if question.type == "numeric" else [Case("type an essay", "Some text.", False)]:
            response = {item.only_response().ident: case.response} if item.responses else {}
            if item.responses and qti.evaluate(item, response).score != 0:
                problems.append(f"{question.id}: a hand-graded item awards marks automatically ({case.what})")
        return problems
    if question.type == "essay":
        return [f"{question.id}: an essay is not marked for hand grading"]
    spec = item.only_response()
    if question.type in ("multiple_choice", "multiple_answer", "true_false"):
        cases = choice_cases(question, spec)
    elif question.type == "short_answer":
        cases = text_cases(question)
    else:
        cases = numeric_cases(question)
    problems = []
    for case in cases:
        got = qti.evaluate(item, {spec.ident: case.response}).score
        want = full if case.right else 0.0
        if got != want:
            problems.append(f"{question.id} ({question.type}): {case.what} scores {got:g}, "
                            f"the source says {want:g} of {full:g}")
    return problems


def matched_items(course: Course, files: dict[str, bytes]):
    """(quiz, question, dialect, item) for every question, checking nothing is lost."""
    documents = quiz_documents(files)
    for module in course.modules:
        for quiz in (i for i in module.items if isinstance(i, Quiz)):
            found = documents.get((words(module.title), words(quiz.title)))
            assert found is not None, f"quiz {quiz.full_id} has no QTI in the cartridge"
            yield quiz, found


@pytest.mark.parametrize("source, offering, target", CASES, ids=["-".join(c) for c in CASES])
def test_every_question_scores_as_the_source_says(cartridge, source, offering, target):
    course, files = cartridge(source, offering, target)
    problems, scored = [], 0
    for quiz, documents in matched_items(course, files):
        assert set(documents) == DIALECTS.get(target, {"cc"}), (quiz.full_id, sorted(documents))
        for dialect, assessment in sorted(documents.items()):
            titles = [words(item.title) for item in assessment.items]
            assert titles == [words(q.title) for q in quiz.questions], (quiz.full_id, dialect, titles)
            for question, item in zip(quiz.questions, assessment.items):
                problems += [f"{target} {dialect} {quiz.full_id} {line}" for line in score_question(question, item, dialect)]
                scored += 1
    assert scored, "no question was scored"
    assert not problems, "\n".join(problems)


_MARKUP = re.compile(r"</?[a-z][a-z0-9]*[\s>/]")


@pytest.mark.parametrize("source, offering, target", [c for c in CASES if c[2] in ("cc-1.3", "canvas")],
                         ids=["-".join(c) for c in CASES if c[2] in ("cc-1.3", "canvas")])
def test_choosing_a_choice_shows_its_own_feedback(cartridge, source, offering, target):
    course, files = cartridge(source, offering, target)
    problems = []
    for quiz, documents in matched_items(course, files):
        for dialect, assessment in documents.items():
            for question, item in zip(quiz.questions, assessment.items):
                if not question.choices or hand_graded(item):
                    continue
                spec = item.only_response()
                for choice in question.choices:
                    if choice.feedback is None or choice.feedback.is_empty:
                        continue
                    (label,) = [label.ident for label in spec.labels if label.text == qti.html_text(choice.html)]
                    shown = " ".join(item.feedback.get(ref, "") for ref in qti.evaluate(item, {spec.ident: [label]}).feedback)
                    if qti.html_text(choice.feedback.html) not in shown:
                        problems.append(f"{target} {dialect} {quiz.full_id} {question.id}: choosing "
                                        f"{choice.text!r} shows {shown!r}, not its feedback")
                    elif _MARKUP.search(shown) and not _MARKUP.search(qti.html_text(choice.feedback.html)):
                        # HTML declared text/plain: the learner would read the tags
                        problems.append(f"{target} {dialect} {quiz.full_id} {question.id}: choosing "
                                        f"{choice.text!r} shows markup as text: {shown!r}")
    assert not problems, "\n".join(problems)
