"""Acceptance: a decimal comma in a numeric answer is an error, not a number ten times larger.

Found by writing a French course from SOURCE_FORMAT.md alone: ``= -2,5`` was read as -25
(every comma was dropped as a thousands separator), so learners answering -2.5 were marked
wrong with no warning to the author.  Commas still group thousands (``= 4,000``).
"""

from __future__ import annotations

import pytest

from ilead_shell.errors import CourseError
from ilead_shell.reader import read_course

COURSE = "title: Q\ncode: Q-1\nlanguage: fr\noutcomes: [{id: CO1, text: 'Calculer q.'}]\n"
MODULE = "---\ntitle: M\n---\n"
FRONT = "---\ntitle: Calcul\ntype: quiz\noutcomes: [CO1]\n---\n"  # the body starts on line 6


def _read(root, answer: str):
    files = {"course.yml": COURSE, "modules/01-m/module.md": MODULE,
             "modules/01-m/01-calcul.md": FRONT + f"### Produit {{type=numeric}}\n-1,25 fois 2 ?\n\n= {answer}\n"}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return read_course(root)


@pytest.mark.parametrize("answer", ["-2,5", "2,50", "2,5..3,5", "1,5e3", "12,34,567"])
def test_a_decimal_comma_is_an_error_at_the_answer_line(tmp_path, answer):
    with pytest.raises(CourseError) as caught:
        _read(tmp_path, answer)
    (message,) = [d.format() for d in caught.value.diagnostics]
    assert "modules/01-m/01-calcul.md:9: error:" in message, message
    assert "decimal point" in message and "'.'" in message, message


@pytest.mark.parametrize("answer, value", [("4,000", 4000), ("-1,234,567.5", -1234567.5), ("2.5", 2.5),
                                           ("1,000..2,000", 1000)])
def test_thousands_separators_still_read(tmp_path, answer, value):
    (question,) = _read(tmp_path, answer).modules[0].items[0].questions
    assert question.numeric[0].minimum == value
