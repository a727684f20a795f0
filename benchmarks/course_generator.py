"""Synthetic courses for the benchmarks, and the same question bank for text2qti.

A module has an overview, three pages, a quiz with all six question types and an
assignment; ``pages`` counts the three pages, so the 999-page course has 333 modules
(1,999 pages in the html target: home, overviews and items).  Images are random bytes,
so no compression can hide them.
"""

from __future__ import annotations

import random
from pathlib import Path

QUIZ = """\
---
title: Check {n}
type: quiz
outcomes: [M{n}]
---
### Choice {n}
Which one in set {n}?

- [x] Right
  > Yes.
- [ ] Wrong

> Feedback {n}.

### Several {n} {{type=multiple_answer}}
Which ones in set {n}?

- [x] A
- [x] B
- [ ] C

### True or false {n}
Statement {n} is true.

- [x] True
- [ ] False

### Short {n} {{type=short_answer}}
Name item {n}.

= name

### Number {n} {{type=numeric}}
How many in set {n}?

= 40..44

### Essay {n} {{type=essay points=5}}
Explain part {n}.
"""

# The same six questions in text2qti's syntax (its README), one quiz holding them all.
TEXT2QTI_QUESTIONS = """\
Title: Choice {n}
1.  Which one in set {n}?
... Feedback {n}.
*a) Right
... Yes.
b)  Wrong

Title: Several {n}
1.  Which ones in set {n}?
[*] A
[*] B
[ ] C

Title: True or false {n}
1.  Statement {n} is true.
*a) True
b)  False

Title: Short {n}
1.  Name item {n}.
*   name

Title: Number {n}
1.  How many in set {n}?
=   [40, 44]

Title: Essay {n}
Points: 5
1.  Explain part {n}.
____

"""


def modules_for(pages: int) -> int:
    return max(1, pages // 3)


def generate(root: Path, pages: int, image_kb: float = 32, images: int = 1, offerings: int = 1,
             bank_only: bool = False, seed: int = 7) -> int:
    """Write a synthetic course of ``pages`` pages; return the total bytes of its media."""
    rng = random.Random(seed)
    image_bytes = int(image_kb * 1024)
    (root / "modules").mkdir(parents=True)
    offering_yaml = ""
    if offerings > 1:
        names = [f"run{k}" for k in range(1, offerings + 1)]
        offering_yaml = ("offerings:\n" + "".join(f"  {name}: {{title_suffix: '({name})'}}\n" for name in names)
                         + f"default_offering: {names[0]}\n")
    (root / "course.yml").write_text(
        "title: Benchmark course\ncode: BENCH\n"
        "outcomes: [{id: CO1, text: 'Explain the benchmark.'}]\n"
        "grading:\n  groups: [{id: work, name: Work, weight: 100}]\n" + offering_yaml, encoding="utf-8")
    media = 0
    for n in range(1, modules_for(pages) + 1):
        folder = root / "modules" / f"{n:04d}-module-{n}"
        folder.mkdir(parents=True)
        (folder / "module.md").write_text(
            f"---\ntitle: Module {n}\noutcomes: [{{id: M{n}, text: 'Describe part {n}.', supports: [CO1]}}]\n---\n"
            f"Overview of module {n}.\n", encoding="utf-8")
        (folder / "04-check.md").write_text(QUIZ.format(n=n), encoding="utf-8")
        if bank_only:
            continue
        (folder / "images").mkdir()
        for i in range(1, images + 1):
            data = b"\x89PNG\r\n\x1a\n" + rng.randbytes(image_bytes)
            (folder / "images" / f"figure-{i}.png").write_bytes(data)
            media += len(data)
        figures = "\n\n".join(f"![Figure {i} of module {n}](images/figure-{i}.png)" for i in range(1, images + 1))
        for p in range(1, 4):
            text = "\n\n".join(f"Paragraph {k} of page {p} in module {n}. " * 8 for k in range(6))
            (folder / f"{p:02d}-page-{p}.md").write_text(
                f"---\ntitle: Page {p} of module {n}\noutcomes: [M{n}]\n---\n## Section\n\n{text}\n\n"
                + (figures if p == 1 else "[Back to page 1](01-page-1.md)") + "\n", encoding="utf-8")
        (folder / "05-task.md").write_text(
            f"---\ntitle: Task {n}\ntype: assignment\npoints: 10\ngroup: work\noutcomes: [M{n}]\n---\n"
            f"Describe part {n}.\n", encoding="utf-8")
    return media


def generate_text2qti_bank(path: Path, pages: int) -> int:
    """The question bank of :func:`generate`'s quizzes as one text2qti quiz; return its questions."""
    modules = modules_for(pages)
    path.write_text("Quiz title: Benchmark bank\nQuiz description: Every question of the benchmark course.\n\n"
                    + "".join(TEXT2QTI_QUESTIONS.format(n=n) for n in range(1, modules + 1)), encoding="utf-8")
    return 6 * modules
