#!/usr/bin/env python3
"""Hand-planted mutants of the browser-side scoring (quiz.js, scorm12.js), each run against the
browser tests (docs/mutation-testing.md).

    .venv/bin/python tools/js_mutants.py [--list] [ID...]

mutmut and cosmic-ray mutate Python only.  Each mutant below replaces one exact piece of a
script with a plausible bug (a comparison, the score arithmetic, where the pass mark comes
from); the script copies the packages to a temporary folder, plants one mutant at a time in
the copy (the worktree is never touched), and runs the browser tests against the copy with
``PYTHONPATH``.  A mutant is killed when a test fails; the first failing test is printed.

The pieces are matched literally: when a script is rewritten and a piece no longer occurs
exactly once, that mutant is reported as ``stale`` (and the run fails) so that it is re-pinned
to the new code rather than silently skipped.  Exit status: 0 when every mutant is killed.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGES = {"src/ilead_shell": "ilead_shell",
            **{f"exporters/{p}": p for p in ("ilead_cc", "ilead_scorm12", "ilead_olx", "ilead_moodle_backup",
                                             "ilead_html")}}
QUIZ = "ilead_shell/web/static/quiz.js"
SCORM = "ilead_scorm12/static/scorm12.js"

HTML = ["tests/test_html_browser.py"]
MASTERY = ["tests/test_scorm12_mastery.py"]
SCORM_PLAY = ["tests/test_scorm12_browser.py"]
REORDER = ["tests/test_scorm12_reorder_browser.py"]
EDGES = ["tests/test_browser_scoring_edges.py"]  # written to kill what the others let through


@dataclass(frozen=True)
class Mutant:
    id: str
    file: str
    original: str
    mutated: str
    why: str
    tests: tuple[str, ...]


def _m(id, file, original, mutated, why, *tests):
    return Mutant(id, file, original, mutated, why, tuple(t for group in tests for t in group))


MUTANTS = [
    # -- quiz.js: the score, the pass mark, each question's right answer ------------------------
    _m("quiz-pass-boundary", QUIZ, "percent >= mastery", "percent > mastery",
       "exactly the pass mark fails", MASTERY, HTML),
    _m("quiz-pass-inverted", QUIZ, "percent >= mastery", "percent <= mastery",
       "passing and failing swapped", MASTERY, HTML),
    _m("quiz-no-mastery-passes", QUIZ, "percent === null || mastery === null ? null",
       "percent === null ? null", "with no pass mark the quiz says passed instead of completed", MASTERY, SCORM_PLAY),
    _m("quiz-unscored-counted", QUIZ, "if (result.correct === null) { return; }",
       "if (result.correct === undefined) { return; }", "an essay counts as a wrong answer in the score",
       SCORM_PLAY, MASTERY, HTML),
    _m("quiz-points-ignored", QUIZ, "if (result.correct) { earned += result.points; }",
       "if (result.correct) { earned += 1; }", "every question worth one point, whatever its points",
       MASTERY, HTML, SCORM_PLAY),
    _m("quiz-possible-ignores-points", QUIZ, "possible += result.points;", "possible += 1;",
       "the possible score counts questions, not points", MASTERY, HTML, SCORM_PLAY),
    _m("quiz-wrong-earns", QUIZ, "if (result.correct) { earned += result.points; }",
       "earned += result.points;", "a wrong answer earns its points", HTML, SCORM_PLAY),
    _m("quiz-percent-scale", QUIZ, "Math.round((earned / possible) * 10000) / 100",
       "Math.round((earned / possible) * 100) / 100", "the percentage as a fraction of one", HTML, MASTERY),
    _m("quiz-percent-floor", QUIZ, "Math.round((earned / possible) * 10000) / 100",
       "Math.floor((earned / possible) * 100)", "the percentage rounded down to whole numbers", MASTERY, HTML, EDGES),
    _m("quiz-subset-is-correct", QUIZ, "if (a.length !== b.length) { return false; }", "",
       "ticking only some of the right choices scores as correct", SCORM_PLAY, HTML),
    _m("quiz-sameset-inverted", QUIZ, "if (sortedA[i] !== sortedB[i]) { return false; }",
       "if (sortedA[i] === sortedB[i]) { return false; }", "the right choices score as wrong", HTML, SCORM_PLAY),
    _m("quiz-choice-key-inverted", QUIZ, "question.choices.filter(function (c) { return c.correct; })",
       "question.choices.filter(function (c) { return !c.correct; })",
       "the wrong choices are taken as the key", HTML, SCORM_PLAY),
    _m("quiz-text-case-sensitive", QUIZ, '.replace(/\\s+/g, " ").toLowerCase()', '.replace(/\\s+/g, " ")',
       "a short answer typed with capitals is wrong", HTML, SCORM_PLAY, EDGES),
    _m("quiz-text-not-normalised", QUIZ, "question.answers.indexOf(normaliseText(answer)) !== -1",
       "question.answers.indexOf(answer) !== -1", "a short answer with extra spaces or capitals is wrong",
       HTML, SCORM_PLAY),
    _m("quiz-range-low-open", QUIZ, "number >= range[0] && number <= range[1]",
       "number > range[0] && number <= range[1]", "the lowest accepted number is wrong", HTML, SCORM_PLAY, EDGES),
    _m("quiz-range-high-open", QUIZ, "number >= range[0] && number <= range[1]",
       "number >= range[0] && number < range[1]", "the highest accepted number is wrong", HTML, SCORM_PLAY, EDGES),
    _m("quiz-thousands-comma", QUIZ, 'text = text.replace(/,/g, "");', 'text = text.replace(",", ".");',
       "'4,000' read as 4.0", HTML, SCORM_PLAY),
    _m("quiz-mastery-not-settable", QUIZ, "this.key.mastery = mastery;", "",
       "the LMS's mastery score cannot replace the page's own", MASTERY),
    # -- scorm12.js: what the LMS is told ----------------------------------------------------
    _m("scorm-lms-mastery-ignored", SCORM, "if (!isNaN(value)) { quiz.setMastery(value); }", "",
       "cmi.student_data.mastery_score is ignored (the bug issue #10 names)", MASTERY),
    _m("scorm-lms-mastery-inverted", SCORM, "if (!isNaN(value)) { quiz.setMastery(value); }",
       "if (isNaN(value)) { quiz.setMastery(value); }",
       "an empty mastery score becomes NaN and a given one is ignored", MASTERY),
    _m("scorm-status-swapped", SCORM, 'lessonStatus = outcome.passed ? "passed" : "failed";',
       'lessonStatus = outcome.passed ? "failed" : "passed";', "passed reported as failed", MASTERY, SCORM_PLAY),
    _m("scorm-status-without-mark", SCORM, "if (outcome.passed !== null) {", "if (outcome.passed !== undefined) {",
       "with no pass mark the status is failed instead of completed", MASTERY, SCORM_PLAY),
    _m("scorm-raw-is-points", SCORM, 'set("cmi.core.score.raw", decimal(outcome.percent));',
       'set("cmi.core.score.raw", decimal(outcome.earned));', "the raw score in points, not percent",
       SCORM_PLAY, MASTERY),
    _m("scorm-score-max", SCORM, 'set("cmi.core.score.max", "100");', 'set("cmi.core.score.max", "10");',
       "the score's maximum is not 100", SCORM_PLAY, MASTERY),
    _m("scorm-interaction-result-swapped", SCORM, '(result.correct ? "correct" : "wrong")',
       '(result.correct ? "wrong" : "correct")', "each interaction's result reversed", SCORM_PLAY, MASTERY),
    _m("scorm-correct-pattern-inverted", SCORM,
       "var correct = question.choices.filter(function (c) { return c.correct; })",
       "var correct = question.choices.filter(function (c) { return !c.correct; })",
       "the correct_responses pattern names the wrong choices", SCORM_PLAY, REORDER, EDGES),
    _m("scorm-response-by-position", SCORM,
       "}).map(function (choice) { return choice.value; });",
       "}).map(function (choice) { return String(question.choices.indexOf(choice)); });",
       "student_response names a choice by its place, not its value", SCORM_PLAY, REORDER),
    _m("scorm-attempts-off-by-one", SCORM, "state.t < attemptsAllowed", "state.t <= attemptsAllowed",
       "one submission more than the quiz allows", SCORM_PLAY),
    _m("scorm-stale-resume", SCORM, 'entry === "ab-initio" ? null', 'entry !== "ab-initio" ? null',
       "a fresh attempt restores an old attempt's answers, a resumed one loses them", SCORM_PLAY, REORDER),
]


def _copy_packages(into: Path) -> None:
    for source, name in PACKAGES.items():
        shutil.copytree(REPO / source, into / name, ignore=shutil.ignore_patterns("__pycache__"))


def _pytest(packages: Path, tests: tuple[str, ...]) -> tuple[int, str]:
    env = dict(os.environ, PYTHONPATH=str(packages))
    env.pop("CI", None)
    run = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-rfE", "-p", "no:cacheprovider",
                          "--tb=no", "--no-header", *dict.fromkeys(tests)],
                         cwd=REPO, env=env, capture_output=True, text=True)
    failed = re.search(r"^(?:FAILED|ERROR) (\S+)", run.stdout, re.M)
    skipped = re.search(r"(\d+) skipped", run.stdout)
    note = failed.group(1) if failed else run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    if run.returncode == 0 and skipped:
        note += " (some skipped: is Chromium installed?)"
    return run.returncode, note


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ids", nargs="*", help="mutant ids (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTANTS if not args.ids or m.id in args.ids]
    if args.list:
        for m in chosen:
            print(f"{m.id:34} {m.file}: {m.why}")
        return 0
    with tempfile.TemporaryDirectory(prefix="ilead-js-mutants-") as folder:
        packages = Path(folder)
        _copy_packages(packages)
        all_tests = tuple(dict.fromkeys(t for m in chosen for t in m.tests))
        started = time.monotonic()
        code, note = _pytest(packages, all_tests)
        print(f"unmutated: {'pass' if code == 0 else 'FAIL ' + note} ({time.monotonic() - started:.0f} s)", flush=True)
        if code != 0:
            return 1
        survivors = stale = 0
        for m in chosen:
            target = packages / m.file
            original = target.read_text(encoding="utf-8")
            if original.count(m.original) != 1:
                stale += 1
                print(f"{m.id:34} STALE: the piece occurs {original.count(m.original)} times in {m.file}")
                continue
            target.write_text(original.replace(m.original, m.mutated), encoding="utf-8")
            started = time.monotonic()
            try:
                code, note = _pytest(packages, m.tests)
            finally:
                target.write_text(original, encoding="utf-8")
            verdict = "killed" if code != 0 else "SURVIVED"
            survivors += code == 0
            print(f"{m.id:34} {verdict:8} {time.monotonic() - started:4.0f} s  {note}", flush=True)
    print(f"{len(chosen) - survivors - stale} of {len(chosen)} killed, {survivors} survived, {stale} stale")
    return 0 if survivors == stale == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
