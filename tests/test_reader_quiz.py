"""The quiz syntax: six question types, choice and general feedback, attributes."""

from __future__ import annotations

from pathlib import Path

import pytest

from ilead_shell.errors import CourseError
from ilead_shell.reader import read_course

HANDMADE = Path(__file__).parent / "roots" / "handmade"
COURSE = "title: Q\ncode: Q-1\noutcomes: [{id: CO1, text: 'Explain q.'}]\n"
MODULE = "---\ntitle: M\noutcomes: [{id: M1, text: 'List q.'}]\n---\n"
FRONT = "---\ntitle: Check\ntype: quiz\n---\n"  # the body starts on line 5
FIRST = 5


def make(root: Path, body: str, front: str = FRONT) -> Path:
    for rel, text in {"course.yml": COURSE, "modules/01-m/module.md": MODULE,
                      "modules/01-m/01-check.md": front + body}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def questions(tmp_path: Path, body: str, front: str = FRONT):
    return read_course(make(tmp_path, body, front)).modules[0].items[0].questions


def errors(tmp_path: Path, body: str) -> list[str]:
    with pytest.raises(CourseError) as caught:
        read_course(make(tmp_path, body))
    return [d.format() for d in caught.value.diagnostics]


def at(line_in_body: int) -> str:
    return f"modules/01-m/01-check.md:{FIRST + line_in_body - 1}: error:"


# -- the six types -------------------------------------------------------------------------
def test_multiple_choice_with_choice_and_general_feedback(tmp_path):
    (q,) = questions(tmp_path, """\
### Equity and equality {outcomes=M1}
Which statement describes **equity**?

- [ ] Same service for all
- [x] Fair process and outcome
  > Yes: equity adjusts for different starting points.
- [ ] Counting groups

> Equity is about fair outcomes.
""")
    assert (q.id, q.title, q.type, q.points, q.outcomes) == (
        "equity-and-equality", "Equity and equality", "multiple_choice", 1, ("M1",))
    assert "<strong>equity</strong>" in q.stem.html
    assert [(c.id, c.text, c.correct) for c in q.choices] == [
        ("same-service-for-all", "Same service for all", False),
        ("fair-process-and-outcome", "Fair process and outcome", True),
        ("counting-groups", "Counting groups", False)]
    assert "adjusts" in q.choices[1].feedback.html
    assert q.choices[0].feedback is None
    assert "fair outcomes" in q.feedback.html and "fair outcomes" not in q.stem.html
    assert q.location.line == FIRST


def test_multiple_answer_is_inferred_from_several_correct_choices(tmp_path):
    (q,) = questions(tmp_path, "### Pick two {points=2}\nWhich?\n\n- [x] a\n- [X] b\n- [ ] c\n")
    assert q.type == "multiple_answer" and q.points == 2
    assert [c.correct for c in q.choices] == [True, True, False]


def test_multiple_answer_may_be_declared_with_one_correct_choice(tmp_path):
    (q,) = questions(tmp_path, "### Pick {type=multiple_answer}\nWhich?\n\n- [x] a\n- [ ] b\n")
    assert q.type == "multiple_answer"


def test_true_false_is_inferred_from_true_and_false_choices(tmp_path):
    (q,) = questions(tmp_path, "### TF\nThe sky is green.\n\n- [ ] True\n- [x] False\n")
    assert q.type == "true_false" and [c.correct for c in q.choices] == [False, True]


def test_short_answer_accepts_several_answers(tmp_path):
    (q,) = questions(tmp_path, "### Body {type=short_answer}\nWhich association?\n\n= ALA\n= American Library Association\n"
                               "\n> The ALA accredits programmes.\n")
    assert q.type == "short_answer" and q.answers == ("ALA", "American Library Association")
    assert "accredits" in q.feedback.html and q.choices == ()


def test_short_answer_is_inferred_from_answer_lines(tmp_path):
    (q,) = questions(tmp_path, "### Body\nWhich?\n\n= ALA\n")
    assert q.type == "short_answer"


def test_numeric_exact_and_range(tmp_path):
    (q,) = questions(tmp_path, "### How many {type=numeric}\nCount.\n\n= 42\n= 40..44\n= 1,000\n= -2.5e1\n")
    assert q.type == "numeric" and q.answers == ()
    assert [(n.minimum, n.maximum, n.exact) for n in q.numeric] == [
        (42, 42, True), (40, 44, False), (1000, 1000, True), (-25, -25, True)]


def test_a_reversed_numeric_range_is_normalised(tmp_path):
    (q,) = questions(tmp_path, "### N {type=numeric}\nCount.\n\n= 44..40\n")
    assert (q.numeric[0].minimum, q.numeric[0].maximum) == (40, 44)


def test_essay_with_general_feedback(tmp_path):
    (q,) = questions(tmp_path, "### Reflect {type=essay points=5}\nDescribe a barrier.\n\n> Name who it affects.\n")
    assert q.type == "essay" and q.points == 5 and not q.auto_scored
    assert q.choices == () and "barrier" in q.stem.html and "who it affects" in q.feedback.html


def test_a_question_without_choices_or_answers_is_an_essay(tmp_path):
    (q,) = questions(tmp_path, "### Tell us\nAnything.\n")
    assert q.type == "essay" and q.feedback is None


def test_all_six_types_in_the_handmade_quiz():
    quiz = read_course(HANDMADE).item("cleaning/self-check")
    assert [q.type for q in quiz.questions] == [
        "multiple_choice", "multiple_answer", "true_false", "short_answer", "numeric", "essay"]
    assert [q.id for q in quiz.questions] == [
        "tidy-columns", "cleaning-steps", "merged-cells", "file-format", "count-the-rows", "your-own-data"]
    # points_per_question is the default; {points=N} wins.
    assert [q.points for q in quiz.questions] == [2, 3, 2, 2, 1, 5]
    assert quiz.questions[1].outcomes == ("O2.1", "O2.2")
    assert quiz.points == 15


# -- structure ----------------------------------------------------------------------------------
def test_introduction_before_the_first_question_is_the_quiz_body(tmp_path):
    root = make(tmp_path, "Read this first.\n\n### Q\nx\n\n- [x] a\n- [ ] b\n")
    quiz = read_course(root).modules[0].items[0]
    assert "Read this first." in quiz.body.html
    assert "Read this first." not in quiz.questions[0].stem.html


def test_a_heading_inside_fenced_code_does_not_start_a_question(tmp_path):
    qs = questions(tmp_path, "### Code\nWhat does this print?\n\n```markdown\n### not a question\n- [x] nor a choice\n```\n\n"
                             "- [x] a heading\n- [ ] nothing\n")
    assert len(qs) == 1 and "not a question" in qs[0].stem.html and len(qs[0].choices) == 2


def test_choice_text_may_continue_on_indented_lines_and_hold_markdown(tmp_path):
    (q,) = questions(tmp_path, "### Q\nPick.\n\n- [x] the *first*\n  choice\n  > right\n- [ ] `second`\n")
    assert q.choices[0].text == "the *first* choice"
    assert "<em>first</em>" in q.choices[0].html and "<p>" not in q.choices[0].html
    assert "<code>second</code>" in q.choices[1].html


def test_general_feedback_may_span_several_lines(tmp_path):
    (q,) = questions(tmp_path, "### Q\nPick.\n\n- [x] a\n- [ ] b\n\n> line one\n> line two\ncontinued\n")
    assert "line one" in q.feedback.html and "line two" in q.feedback.html and "continued" in q.feedback.html


def test_attributes_id_points_type_outcomes_and_quoting(tmp_path):
    (q,) = questions(tmp_path, '### Title {id=my-q points=2.5 type=essay outcomes="M1, CO1"}\nWrite.\n')
    assert (q.id, q.points, q.type, q.outcomes) == ("my-q", 2.5, "essay", ("M1", "CO1"))


def test_points_per_question_is_the_default(tmp_path):
    qs = questions(tmp_path, "### A\nx\n### B {points=4}\ny\n",
                   front="---\ntitle: Check\ntype: quiz\npoints_per_question: 3\n---\n")
    assert [q.points for q in qs] == [3, 4]


def test_question_ids_come_from_titles_ascii_folded(tmp_path):
    (q,) = questions(tmp_path, "### Équité & inclusion?\nx\n")
    assert q.id == "equite-inclusion"


# -- errors, each at its line --------------------------------------------------------------
@pytest.mark.parametrize("body, line, says", [
    ("### Q\nx\n\n- [ ] a\n- [ ] b\n", 1, "no correct answer"),
    ("### Q {type=short_answer}\nx\n", 1, "no correct answer"),
    ("### Q {type=numeric}\nx\n\n= \n", 4, "no answer after it"),
    ("### Q {type=essay}\nx\n\n- [x] a\n- [ ] b\n", 4, "essay question takes no choices"),
    ("### Q {type=essay}\nx\n\n= 4\n", 4, "essay"),
    ("### Q {weight=2}\nx\n", 1, "unknown question attribute 'weight'"),
    ("### Q {points}\nx\n", 1, "needs a value"),
    ("### Q {type=matching}\nx\n", 1, "unknown question type 'matching'"),
    ("### Q {points=-1}\nx\n", 1, "not a positive number"),
    ("### Q {points=inf}\nx\n", 1, "not a positive number"),
    ("### Q {points=two}\nx\n", 1, "not a positive number"),
    ("### Q {id=Bad_Id}\nx\n", 1, "question id 'Bad_Id'"),
    ('### Q {outcomes="M1}\nx\n', 1, "cannot read the attributes"),
    ("### Q {type=multiple_choice}\nx\n\n- [x] a\n- [x] b\n", 5, "exactly one correct choice"),
    ("### Q {type=multiple_choice}\nx\n\n- [x] a\n", 1, "at least two choices"),
    ("### Q {type=true_false}\nx\n\n- [x] Yes\n- [ ] No\n", 4, "'True' and 'False'"),
    ("### Q {type=true_false}\nx\n\n- [x] True\n- [x] False\n", 5, "exactly one correct"),
    ("### Q {type=short_answer}\nx\n\n- [x] a\n- [ ] b\n", 4, "not choices"),
    ("### Q {type=multiple_choice}\nx\n\n= a\n", 4, "'=' answers do not belong"),
    ("### Q {type=multiple_answer}\nx\n", 1, "needs choices"),
    ("### Q {type=numeric}\nx\n\n= about 4\n", 4, "not a number"),
    ("### Q {type=numeric}\nx\n\n= 1e999\n", 4, "not a number"),
    ("### Q\nx\n\n- [x] a\n- [ ] b\nstray text\n", 6, "unexpected text"),
    ("### Q\nx\n\n- [x] a\n  > why\n  more text\n- [ ] b\n", 6, "feedback last"),
    ("### Q\nx\n\n- [x] a\n- [ ] b\n\n> feedback\n\n- [ ] c\n", 9, "after the general feedback"),
    ("### Q\nx\n\n= a\n- [x] b\n", 5, "not allowed"),
    ("### {points=2}\nx\n", 1, "no title"),
    ("### Unclosed brace {points=2\nx\n", 1, "'### Unclosed brace {points=2}'"),
    ("### Unclosed {type=essay points=2 \nx\n", 1, "are not closed; end them with '}'"),
    ("### Same\nx\n### Same\ny\n", 3, "two questions have the id 'same'"),
    ("### Q {outcomes=Z9}\nx\n", 1, "unknown outcome 'Z9'"),
    ("Only an introduction.\n", 1, "no questions"),
    ("### Q\nx\n\n1. [x] a\n2. [ ] b\n", 4, "looks like a choice"),
    ("### Q\nx\n\n- [x]a\n- [ ] b\n", 4, "looks like a choice"),
    ("### Q\nx\n\n  - [x] a\n  - [ ] b\n", 4, "looks like a choice"),
    ("### Q\nx\n\n-[x] a\n-[ ] b\n", 4, "looks like a choice"),
])
def test_quiz_mistakes_are_errors_at_their_line(tmp_path, body, line, says):
    found = errors(tmp_path, body)
    assert any(at(line) in m and says in m for m in found), found


def test_every_bad_question_is_reported_not_only_the_first(tmp_path):
    found = errors(tmp_path, "### A\nx\n\n- [ ] a\n- [ ] b\n\n### B {colour=red}\ny\n")
    assert any(at(1) in m for m in found) and any(at(7) in m for m in found)


# -- a choice list outside a question: it would show learners the answer key ---------------------
@pytest.mark.parametrize("hashes", ["#", "##", "####", "#####", "######"])
def test_a_question_under_a_wrong_level_heading_is_an_error_at_the_heading(tmp_path, hashes):
    found = errors(tmp_path, f"Intro.\n\n{hashes} Wrong heading level\nWhich?\n\n- [x] This\n- [ ] That\n\n"
                             "### Right\nx\n\n- [x] a\n- [ ] b\n")
    assert any(at(3) in m and "questions start with '###'" in m and "'### Wrong heading level'" in m
               and "answer key" in m for m in found), found


@pytest.mark.parametrize("choices", ["- [x] This\n- [ ] That", "* [X] This\n* [ ] That", "1. [x] This\n2. [ ] That",
                                     "-[x] This\n-[ ] That"])
def test_a_choice_list_before_the_first_question_is_an_error_at_the_list(tmp_path, choices):
    found = errors(tmp_path, f"Intro.\n\nWhich?\n\n{choices}\n\n### Right\nx\n\n- [x] a\n- [ ] b\n")
    assert [m for m in found if at(5) in m and "belongs to no question" in m], found
    assert len(found) == 1, found  # one error for the list, not one per choice


def test_a_level_two_heading_inside_a_question_is_the_next_question_at_the_wrong_level(tmp_path):
    found = errors(tmp_path, "### Essay\nDescribe.\n\n## Next one\nWhich?\n\n- [x] This\n- [ ] That\n")
    assert any(at(4) in m and "'### Next one'" in m for m in found), found


def test_choice_lists_shown_as_code_and_deeper_headings_in_a_stem_are_no_error(tmp_path):
    root = make(tmp_path, "Intro.\n\n```markdown\n## Example\n- [x] shown as code\n```\n\n    - [x] indented code\n\n"
                          "### Q\n#### Scenario\nA patron asks.\n\n- [x] a\n- [ ] b\n")
    assert len(read_course(root).modules[0].items[0].questions) == 1


def test_built_quiz_pages_never_show_a_choice_mark(tmp_path):
    from built_bundles import build_archive, read_archive
    from ilead_shell.offerings import select_offering

    course = select_offering(read_course(make(tmp_path / "src", "Read first.\n\n#### Before you start\nTake your time.\n\n"
                                                                 "### Q\nWhich?\n\n- [x] Right one\n- [ ] Wrong one\n")))
    for target in ("html", "scorm12"):
        members = read_archive(build_archive(course, target, tmp_path / f"{target}.zip"))
        pages = {n: b.decode() for n, b in members.items() if n.endswith(".html")}
        assert any("Right one" in p for p in pages.values()), sorted(pages)
        assert not [n for n, p in pages.items() if "[x]" in p or "[ ]" in p], target


def test_question_attributes_split_as_shlex_splits_them():
    import random
    import shlex

    from ilead_shell.reader.quiz_syntax import split_attributes

    def outcome(function, text):
        try:
            return function(text)
        except ValueError as exc:
            return str(exc)

    rng = random.Random(4)
    alphabet = ["a", "points=2", "=", " ", "  ", "\t", "\x0b", "\xa0", "\u2003", "'", '"', "\\", "#", "é", ",", ":"]
    texts = ["", " ", "points=2 type=essay", "id='a b'", 'outcomes="M1 M2"', "a\\ b", "'unclosed"]
    texts += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10))) for _ in range(5000)]
    assert [outcome(split_attributes, t) for t in texts] == [outcome(shlex.split, t) for t in texts]
