"""The quality checks of ``ilead-shell check``: each with a passing and a failing case, located
at the source line; the registry, the course's checks: settings and --strict for each family."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ilead_shell.checks import CHECKS, run_checks
from ilead_shell.checks.bloom import outcome_verb, verb_table
from ilead_shell.checks.language import flesch_kincaid_grade, syllables, text_statistics
from ilead_shell.errors import CourseError
from ilead_shell.pipeline import read_and_check
from ilead_shell.reader import read_course

from course_tree import write_tree

COURSE_YML = """\
title: Quality test
code: QT-1
language: en
outcomes:
  - id: CO1
    text: "{outcome}"
modules: [01-basics]
offerings:
  mooc: {{}}
default_offering: mooc
{extra}"""
MODULE = """\
---
title: Basics
---
The basics of the course.
"""


def quiz(questions: str, intro: str = "Questions on the basics.", outcomes: str = "[CO1]") -> str:
    return f"---\ntitle: Check\ntype: quiz\noutcomes: {outcomes}\n---\n{intro}\n\n{textwrap.dedent(questions)}"


def page(body: str, title: str = "Reading") -> str:
    return f"---\ntitle: {title}\ntype: page\noutcomes: [CO1]\n---\n{textwrap.dedent(body)}"


def make(tmp_path: Path, files: dict[str, str], outcome: str = "Explain what equity means.", extra: str = "") -> Path:
    tree = {"course.yml": COURSE_YML.format(outcome=outcome, extra=textwrap.dedent(extra)),
            "modules/01-basics/module.md": MODULE}
    tree.update({f"modules/01-basics/{name}": text for name, text in files.items()})
    return write_tree(tmp_path / "course", tree)


def findings(root: Path, family: str | None = None):
    found = run_checks(read_course(root), plugins=False)
    return [f for f in found if family is None or f.check == family]


def where(finding) -> tuple[str, int]:
    return Path(finding.location.path).name, finding.location.line


MC = """\
### {title}
Which is right?

- [{a}] Alpha answer here
- [{b}] Beta answer here
- [{c}] Gamma answer here
"""


def mc_questions(keys: list[int]) -> str:
    marks = []
    for n, key in enumerate(keys):
        ticks = [" ", " ", " "]
        ticks[key - 1] = "x"
        marks.append(MC.format(title=f"Question {n}", a=ticks[0], b=ticks[1], c=ticks[2]))
    return "\n".join(marks)


# -- quiz quality -------------------------------------------------------------------------------
def test_balanced_keys_pass_and_a_favourite_position_is_named(tmp_path):
    balanced = make(tmp_path / "a", {"01-check.md": quiz(mc_questions([1, 2, 3, 1, 2, 3]))})
    assert [f for f in findings(balanced, "quiz-quality") if "predictable" in f.message] == []
    skewed = make(tmp_path / "b", {"01-check.md": quiz(mc_questions([2, 2, 2, 1, 2, 2]))})
    (found,) = [f for f in findings(skewed, "quiz-quality") if "predictable in quiz" in f.message]
    assert "choice 2 is right in 5 of 6" in found.message and where(found) == ("01-check.md", 1)


def test_course_wide_balance_needs_ten_questions_and_well_above_chance(tmp_path):
    keys = [2] * 7 + [1, 3, 1]  # 70%, chance about 33%
    files = {f"0{n + 1}-check-{n}.md": quiz(mc_questions(keys[n * 5:(n + 1) * 5])).replace("title: Check",
                                                                                          f"title: Check {n}")
             for n in range(2)}
    found = [f for f in findings(make(tmp_path, files), "quiz-quality") if "in the course" in f.message]
    assert len(found) == 1 and "7 of 10" in found[0].message and where(found[0]) == ("course.yml", 1)


def test_the_longest_choice_being_right_is_named(tmp_path):
    questions = "\n".join(f"### Q{n}\nWhich?\n\n- [ ] No\n- [x] The complete and careful answer {n}\n- [ ] Nope\n"
                          for n in range(4))
    found = [f for f in findings(make(tmp_path, {"01-check.md": quiz(questions)}), "quiz-quality")
             if "longest" in f.message]
    assert len(found) == 1 and "in 4 of 4" in found[0].message


@pytest.mark.parametrize("choice", ["All of the above", "None of these", "both of the above"])
def test_catch_all_choices_are_flagged_at_their_line(tmp_path, choice):
    questions = f"### Pick\nWhich?\n\n- [ ] One\n- [ ] Two\n- [x] {choice}\n"
    (found,) = findings(make(tmp_path, {"01-check.md": quiz(questions)}), "quiz-quality")
    assert choice in found.message and where(found) == ("01-check.md", 13)


def test_duplicate_choices_and_choice_counts(tmp_path):
    questions = ("### Twice\nWhich?\n\n- [x] Same text\n- [ ] same  TEXT\n- [ ] Other\n\n"
                 "### Two only\nWhich?\n\n- [x] Yes\n- [ ] No\n\n"
                 "### Six\nWhich?\n\n" + "".join(f"- [{'x' if n == 0 else ' '}] Option {n}\n" for n in range(6)) +
                 "\n### All right {type=multiple_answer}\nWhich?\n\n- [x] A one\n- [x] A two\n- [x] A three\n\n"
                 "### One right {type=multiple_answer}\nWhich?\n\n- [x] B one\n- [ ] B two\n- [ ] B three\n")
    messages = [f.message for f in findings(make(tmp_path, {"01-check.md": quiz(questions)}), "quiz-quality")]
    assert any("'same text' appears 2 times" in m for m in messages)
    assert any("'Two only' has 2 choices" in m for m in messages)
    assert any("'Six' has 6 choices" in m for m in messages)
    assert any("'All right': every choice is right" in m for m in messages)
    assert any("'One right': only one choice is right" in m for m in messages)
    clean = "### Fine\nWhich?\n\n- [x] Alpha one\n- [ ] Beta two\n- [ ] Gamma three\n"
    assert findings(make(tmp_path / "clean", {"01-check.md": quiz(clean)}), "quiz-quality") == []


def test_feedback_is_required_only_where_the_quiz_promises_it(tmp_path):
    bare = "### Plain\nWhich?\n\n- [x] Alpha one\n- [ ] Beta two\n  > Beta is wrong because of two.\n- [ ] Gamma\n"
    assert findings(make(tmp_path / "a", {"01-check.md": quiz(bare)}), "quiz-quality") == []
    promised = make(tmp_path / "b", {"01-check.md": quiz(bare, intro="Feedback explains each answer.")})
    (found,) = findings(promised, "quiz-quality")
    assert "wrong choice 3 explains nothing" in found.message and where(found) == ("01-check.md", 8)
    silent = "### Silent\nWhich?\n\n- [x] Alpha one\n- [ ] Beta two\n- [ ] Gamma three\n"
    required = make(tmp_path / "c", {"01-check.md": quiz(silent)}, extra="checks: {quiz_feedback: required}\n")
    (found,) = findings(required, "quiz-quality")
    assert "'Silent' has no feedback" in found.message


def test_outcome_level_against_choice_only_assessment(tmp_path):
    design = "Design an inclusive programme for a rural library."
    only_choices = make(tmp_path / "a", {"01-check.md": quiz(mc_questions([1, 2, 3]))}, outcome=design)
    (found,) = [f for f in findings(only_choices, "quiz-quality") if "asks learners to" in f.message]
    assert "outcome CO1 asks learners to design (create level" in found.message
    assert "offering 'mooc'" in found.message and where(found) == ("course.yml", 5)
    with_essay = make(tmp_path / "b", {"01-check.md": quiz(mc_questions([1, 2, 3]) + "\n### Plan {type=essay}\n"
                                                      "Write your plan.\n")}, outcome=design)
    assert not [f for f in findings(with_essay, "quiz-quality") if "asks learners to" in f.message]
    recall = make(tmp_path / "c", {"01-check.md": quiz(mc_questions([1, 2, 3]))}, outcome="Identify three barriers.")
    assert not [f for f in findings(recall, "quiz-quality") if "asks learners to" in f.message]


def test_the_verb_table_is_documented_and_a_course_extends_it(tmp_path):
    table = verb_table()
    assert outcome_verb("By the end of the course, learners will be able to design a plan", table) == \
        ("design", "create")
    assert outcome_verb("Analyse a policy", table) == ("analyse", "analyze")
    assert outcome_verb("Formulate a strategy", table) is None
    assert outcome_verb("Formulate a strategy", verb_table({"create": ["formulate"]})) == ("formulate", "create")
    extended = make(tmp_path, {"01-check.md": quiz(mc_questions([1, 2, 3]))}, outcome="Formulate a strategy.",
                    extra="checks:\n  bloom_verbs: {create: [formulate]}\n")
    assert [f for f in findings(extended, "quiz-quality") if "asks learners to formulate" in f.message]


# -- language -----------------------------------------------------------------------------------
def test_inclusive_language_names_the_term_its_source_and_line(tmp_path):
    root = make(tmp_path, {"01-reading.md": page("Welcome.\n\nThis is a sanity check of the\nblacklist "
                                                 "for you guys.\n")})
    found = findings(root, "inclusive-language")
    assert sorted((f.message.split("says '")[1].split("'")[0], where(f)[1]) for f in found) == \
        [("blacklist", 9), ("sanity check", 8), ("you guys", 9)]
    assert "Google developer documentation style guide" in found[0].message or any(
        "Google" in f.message for f in found)


def test_quoted_terms_and_allowed_terms_are_not_reported(tmp_path):
    body = 'Avoid saying "wheelchair-bound": say "wheelchair user".\n\nOur blacklist of vendor names.\n'
    root = make(tmp_path, {"01-reading.md": page(body)},
                extra="checks:\n  inclusive_language: {allow: [blacklist], terms: {vendor: supplier}}\n")
    messages = [f.message for f in findings(root, "inclusive-language")]
    assert messages == [m for m in messages if "vendor" in m] and len(messages) == 1
    assert "say 'supplier'" in messages[0]


def test_terms_in_curly_quotation_marks_are_discussed_not_used(tmp_path):
    body = "Avoid \u201ccrazy\u201d and \u2018insane\u2019 in prose.\n\nThis is crazy.\n"
    root = make(tmp_path, {"01-reading.md": page(body)})
    found = findings(root, "inclusive-language")
    assert [f.message.split("says '")[1].split("'")[0] for f in found] == ["crazy"]  # the unquoted one


def test_flesch_kincaid_matches_the_published_example():
    # Wikipedia, Flesch-Kincaid readability tests: 13 words, 24 syllables, one sentence -> 11.3
    words, sentences, count = text_statistics(
        "The Australian platypus is seemingly a hybrid of a mammal and reptilian creature.")
    assert (words, sentences) == (13, 1)
    assert round(flesch_kincaid_grade(13, 1, 24), 1) == 11.3
    assert abs(count - 24) <= 1  # the heuristic counter; benchmarks/bench_syllables.py measures it
    assert [syllables(w) for w in ("the", "library", "make", "service")] == [1, 3, 1, 2]


def test_readability_per_page_against_the_course_target(tmp_path):
    plain = " ".join(["The library opens at nine and closes at six."] * 20)
    dense = " ".join(["Institutional accountability necessitates comprehensive organisational evaluation "
                      "methodologies incorporating intersectional considerations and longitudinal "
                      "participatory assessment frameworks."] * 10)
    root = make(tmp_path, {"01-plain.md": page(plain, "Plain"), "02-dense.md": page(dense, "Dense")})
    (found,) = findings(root, "readability")
    assert found.message.startswith("page 'Dense' reads at grade") and where(found) == ("02-dense.md", 1)
    strict_target = make(tmp_path / "t", {"01-plain.md": page(plain, "Plain")},
                         extra="checks:\n  readability: {target_grade: 1}\n")
    assert len(findings(strict_target, "readability")) == 1
    short = make(tmp_path / "s", {"01-dense.md": page("Institutional accountability necessitates evaluation.")})
    assert findings(short, "readability") == []  # under min_words: not graded


# -- accessibility --------------------------------------------------------------------------------
def test_accessibility_findings_each_with_its_line(tmp_path):
    body = """\
    Intro line.

    <table><tr><td>a</td><td>b</td></tr></table>

    #### Too deep

    Click the red button to start. The box on the right shows your score.

    [the guide](https://example.org/a) and [the guide](https://example.org/b).

    Listen: [interview](https://example.org/interview.mp3)
    """
    found = findings(make(tmp_path, {"01-reading.md": page(body)}), "accessibility")
    by_kind = {f.message.split(" (WCAG")[0].split(": ")[-1][:40]: where(f)[1] for f in found}
    messages = " | ".join(f.message for f in found)
    assert "table without header cells" in messages
    assert "heading 'Too deep' is h4 after h1" in messages or "heading 'Too deep' is h5" in messages
    assert "'red button'" in messages and "'box on the right'" in messages
    assert "link text 'the guide' for 2 different targets" in messages
    assert "no transcript" in messages
    assert by_kind and all(line > 5 for line in by_kind.values())


def test_accessible_text_passes(tmp_path):
    body = """\
    ## Section

    | Head | Other |
    |------|-------|
    | a    | b     |

    ### Sub

    Press **Start** to begin. [The guide](https://example.org/a).
    Listen: [interview](https://example.org/interview.mp3) ([transcript](https://example.org/t.html)).
    """
    assert findings(make(tmp_path, {"01-reading.md": page(body)}), "accessibility") == []


def test_long_alt_text_and_images_without_alt_in_choices(tmp_path):
    long_alt = "A " + "very " * 40 + "long description"
    root = make(tmp_path, {"01-reading.md": page(f'<img src="https://example.org/a.png" alt="{long_alt}">\n'),
                           "02-check.md": quiz('### Pic\nWhich?\n\n- [x] <img src="https://example.org/b.png">\n'
                                               "- [ ] Beta two\n- [ ] Gamma three\n")})
    messages = [f.message for f in findings(root, "accessibility")]
    assert any("alt text of" in m for m in messages)
    assert any("choice 1 of question 'Pic' has an image without alt text" in m for m in messages)


# -- unsafe content -----------------------------------------------------------------------------
UNSAFE = {
    "<script>alert(1)</script>": "<script>",
    '<img src="https://example.org/x.png" alt="x" onerror="alert(1)">': "onerror=",
    '<a href="javascript:alert(1)">go</a>': "javascript: URL",
    '<a href="JaVaScRiPt&colon;alert(1)">go</a>': "javascript: URL",
    '<a href="data:text/html;base64,PHNjcmlwdD4=">go</a>': "data: URL",
    '<iframe src="https://evil.example/x" title="x"></iframe>': "does not list",
    '<embed src="https://example.org/x.swf">': "<embed>",
}


@pytest.mark.parametrize("html,expected", UNSAFE.items(), ids=list(UNSAFE.values()))
def test_unsafe_html_in_a_body_is_warned_at_its_line(tmp_path, html, expected):
    (found,) = findings(make(tmp_path, {"01-reading.md": page(f"Safe line.\n\n{html}\n")}), "unsafe-content")
    assert expected in found.message and where(found) == ("01-reading.md", 8)


def test_unsafe_html_in_choices_and_feedback_too(tmp_path):
    questions = ('### Q\nWhich?\n\n- [x] <b onclick="x()">Alpha</b>\n  > <a href="javascript:void(0)">why</a>\n'
                 "- [ ] Beta two\n- [ ] Gamma three\n")
    messages = [f.message for f in findings(make(tmp_path, {"01-check.md": quiz(questions)}), "unsafe-content")]
    assert any(m.startswith("choice 1 of question 'Q' has an event-handler attribute onclick=") for m in messages)
    assert any(m.startswith("the feedback on choice 1 of question 'Q' has a javascript: URL") for m in messages)


def test_iframes_from_listed_hosts_pass(tmp_path):
    body = '<iframe src="https://www.youtube-nocookie.com/embed/abc" title="Talk"></iframe>\n'
    listed = make(tmp_path, {"01-reading.md": page(body)}, extra="checks: {iframe_hosts: [www.youtube-nocookie.com]}\n")
    assert findings(listed, "unsafe-content") == []
    assert len(findings(make(tmp_path / "b", {"01-reading.md": page(body)}), "unsafe-content")) == 1


def test_unsafe_content_fails_strict_and_advisory_families_do_not(tmp_path):
    unsafe = make(tmp_path / "a", {"01-reading.md": page('<a href="javascript:x()">go</a>\n')})
    with pytest.raises(CourseError) as caught:
        read_and_check(unsafe, strict=True)
    assert any("javascript:" in d.message and d.is_error for d in caught.value.diagnostics)
    catch_all = make(tmp_path / "b", {"01-check.md": quiz("### Q\nWhich?\n\n- [ ] A one\n- [ ] B two\n"
                                                         "- [x] All of the above\n")})
    _, found = read_and_check(catch_all, strict=True)  # advisory: still only a warning
    assert [f.check for f in found] == ["quiz-quality"] and found[0].advisory
    opted_in = make(tmp_path / "c", {"01-check.md": quiz("### Q\nWhich?\n\n- [ ] A one\n- [ ] B two\n"
                                                        "- [x] All of the above\n")},
                    extra="checks: {strict: [quiz-quality]}\n")
    with pytest.raises(CourseError):
        read_and_check(opted_in, strict=True)


# -- the registry and the course's settings ------------------------------------------------------
def test_families_are_listed_and_a_course_disables_one(tmp_path):
    assert [c.name for c in CHECKS] == ["content", "outcomes", "unsafe-content", "accessibility", "quiz-quality",
                                        "inclusive-language", "readability", "references", "workload"]
    body = "A sanity check.\n"
    assert findings(make(tmp_path / "a", {"01-reading.md": page(body)}), "inclusive-language")
    off = make(tmp_path / "b", {"01-reading.md": page(body)}, extra="checks: {disable: [inclusive-language]}\n")
    assert findings(off, "inclusive-language") == []


def test_mistakes_in_the_checks_section_are_located_errors(tmp_path):
    root = make(tmp_path, {"01-reading.md": page("Hello.\n")}, extra="checks:\n  strict: [quiz-qualty]\n")
    with pytest.raises(CourseError) as caught:
        read_and_check(root)
    messages = [d.format() for d in caught.value.diagnostics]
    assert any("course.yml:11: error: checks: 'quiz-qualty' is not a check; did you mean 'quiz-quality'?" in m
               for m in messages), messages
    bad = make(tmp_path / "b", {"01-reading.md": page("Hello.\n")}, extra="checks:\n  readability: {target: 10}\n")
    with pytest.raises(CourseError) as caught:
        read_and_check(bad)
    assert any("checks: 'readability.target': Extra inputs are not permitted" in d.message
               for d in caught.value.diagnostics)


def test_a_plugin_check_runs_with_its_family_name(tmp_path, monkeypatch):
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "house_style.py").write_text(textwrap.dedent('''
        from ilead_shell.errors import warning

        def no_exclamations(course):
            """Our house style: no exclamation marks in titles."""
            return [warning(f"title '{i.title}' shouts") for i in course.items() if "!" in i.title]
    '''))
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    from importlib.metadata import EntryPoint

    from ilead_shell import registry

    points = [EntryPoint("house-style", "house_style:no_exclamations", registry.CHECK_GROUP)]
    monkeypatch.setattr(registry.CheckRegistry, "__init__",
                        lambda self, p=None: registry.PluginRegistry.__init__(self, points))
    root = make(tmp_path, {"01-reading.md": page("Hello.\n", title="Hello!")})
    found = [f for f in run_checks(read_course(root)) if f.check == "house-style"]
    assert [f.message for f in found] == ["title 'Hello!' shouts"] and found[0].advisory
