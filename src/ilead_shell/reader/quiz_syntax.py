"""The quiz syntax: level-3 headings start questions, task lists are choices.

A question block is split into its parts by line before any Markdown conversion, so each
problem is reported at the line where it is:

    ### Title {points=2 type=multiple_answer outcomes=M2.1}
    stem paragraphs...
    - [x] a correct choice
      > feedback for that choice
    - [ ] a wrong choice {id=pinned}   (an optional pinned choice id)
    = an accepted answer          (short_answer, numeric)
    > general feedback (after the choices or answers)
"""

from __future__ import annotations

import difflib
import math
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import Diagnostic, error
from ..identifiers import ID_PATTERN, choice_slug, disambiguated_choice_id, slugify
from ..model import Choice, NumericAnswer, Question, RichText, SourceLocation
from . import limits

HEADING = re.compile(r"^###\s+(?P<title>.*?)\s*(?:\{(?P<attrs>[^{}]*)\})?\s*#*\s*$")
CHOICE = re.compile(r"^[-*+]\s+\[(?P<mark>[ xX])\]\s+(?P<text>.*)$")
# '{id=...}' at the end of a choice's line pins its id (kept when the text is edited).
CHOICE_PIN = re.compile(r"\s*\{\s*id\s*=(?P<id>[^{}]*)\}\s*$")
# What a reader sees of a choice's Markdown: link targets and HTML tags are not its words.
LINK_TARGET = re.compile(r"\]\([^)]*\)")
HTML_TAG = re.compile(r"<[^>]*>")
ALMOST_CHOICE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s*\[\s*[xX]?\s*\]")
ANSWER = re.compile(r"^=\s*(?P<answer>.*?)\s*$")
FENCE = re.compile(r"^(```|~~~)")
NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
RANGE = re.compile(rf"^(?P<low>{NUMBER})\s*\.\.\s*(?P<high>{NUMBER})$")
EXACT = re.compile(rf"^(?P<value>{NUMBER})$")
# '###Title': Python-Markdown shows it as a heading, so the author thinks it starts a question.
SPACELESS_HEADING = re.compile(r"^###[^\s#]")
# Any other ATX heading: '## Title' above a choice list is a question written at the wrong level.
OTHER_HEADING = re.compile(r"^ {0,3}(?P<hashes>#{1,2}|#{4,6})(?:\s+(?P<title>.*?))?\s*#*\s*$")
# A comma may only group thousands (4,000); '2,5' is a decimal comma and must not read as 25.
GROUPED = re.compile(r"^[-+]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$")
_QUOTE_MARK = re.compile(r"^>\s?")
_OUTCOME_SEPARATOR = re.compile(r"[,\s]+")
QUESTION_TYPES = ("multiple_choice", "multiple_answer", "true_false", "short_answer", "numeric", "essay")
ATTRIBUTES = ("id", "points", "type", "outcomes")

Render = Callable[[str, int], RichText]


@dataclass
class _ChoiceDraft:
    correct: bool
    text_lines: list[str]
    feedback_lines: list[str] = field(default_factory=list)
    line: int = 0
    feedback_line: int = 0
    pinned: str | None = None


@dataclass
class _QuestionDraft:
    title: str
    attrs: str
    line: int
    lines: list[tuple[int, str]] = field(default_factory=list)
    spaceless: bool = False  # written '###Title': reported once, read as a heading so nothing cascades


def split_questions(body: str, first_line: int) -> tuple[str, int, list[_QuestionDraft]]:
    """Split a quiz body into its introduction and question blocks (fenced code respected)."""
    intro: list[str] = []
    drafts: list[_QuestionDraft] = []
    in_fence = False
    for offset, line in enumerate(body.split("\n")):
        number = first_line + offset
        if FENCE.match(line.strip()):
            in_fence = not in_fence
        # Both heading patterns start with '###': most lines are neither.
        spaceless = not in_fence and line.startswith("###") and SPACELESS_HEADING.match(line) is not None
        heading = None if in_fence or not line.startswith("###") else \
            HEADING.match("### " + line[3:] if spaceless else line)
        if heading:
            drafts.append(_QuestionDraft(heading.group("title"), heading.group("attrs") or "", number,
                                         spaceless=spaceless))
        elif drafts:
            drafts[-1].lines.append((number, line))
        else:
            intro.append(line)
    return "\n".join(intro), first_line, drafts


def introduction_problems(intro: str, first_line: int, path: Path) -> list[Diagnostic]:
    """Choice lists in the introduction (the text before the first '###' question).

    Such a list is no question: left there, every built page would show the learner
    '[x] This', '[ ] That', the answer key. Each list is reported once, at its first choice,
    naming the heading above it when that heading is a question written at the wrong level.
    """
    problems: list[Diagnostic] = []
    heading: tuple[int, str, str] | None = None
    in_fence = in_list = False
    for offset, line in enumerate(intro.split("\n")):
        number = first_line + offset
        if FENCE.match(line.strip()):
            in_fence = not in_fence
            continue
        if in_fence or line.startswith("    ") or line.startswith("\t"):
            continue  # code shows a choice list as text, which is what its author wants
        if found := OTHER_HEADING.match(line):
            heading, in_list = (number, found.group("hashes"), (found.group("title") or "").strip()), False
        elif _is_choice_line(line):
            if not in_list:
                problems.append(_stray_list(heading, number, path))
            in_list = True
        elif line.strip() and not line[:1].isspace():
            in_list = False
    return problems


def _is_choice_line(line: str) -> bool:
    return CHOICE.match(line) is not None or ALMOST_CHOICE.match(line) is not None


def _stray_list(heading: tuple[int, str, str] | None, list_line: int, path: Path) -> Diagnostic:
    """Reported where the fix is: at the wrong-level heading if there is one, else at the list."""
    leak = "as it is, the list is quiz introduction and would show learners the answer key"
    if heading:
        line, hashes, title = heading
        return error(f"'{hashes} {title}' is a level-{len(hashes)} heading above a choice list (line {list_line}); "
                     f"questions start with '###': write '### {title or 'A short title'}' ({leak})", path, line,
                     code="quiz-syntax")
    return error(f"this choice list belongs to no question; questions start with '###': put a heading such as "
                 f"'### A short title' above it ({leak})", path, list_line,
                 code="quiz-syntax")


def parse_question(draft: _QuestionDraft, path: Path, relpath: str, default_points: float,
                   render: Render, taken: dict[str, int], diagnostics: list[Diagnostic]) -> Question | None:
    problems: list[Diagnostic] = []

    def fail(message: str, line: int) -> None:
        problems.append(error(message, path, line))

    attrs = _parse_attributes(draft.attrs, draft.line, path, problems)
    if draft.spaceless:
        fail(f"a question heading needs a space after '###': write '### {draft.title}'", draft.line)
    if not draft.title:
        fail("question heading has no title: write '### A short title'", draft.line)
    if (opened := draft.title.rfind("{")) >= 0 and "}" not in draft.title[opened:]:
        # Left alone, '{points=2' would be part of the title and the question worth the default.
        title, attrs_text = draft.title[:opened].rstrip(), draft.title[opened + 1:].strip()
        fail(f"the question's attributes '{{{attrs_text}' are not closed; end them with '}}': "
             f"'### {title or 'A short title'} {{{attrs_text}}}'", draft.line)

    stem: list[tuple[int, str]] = []
    choices: list[_ChoiceDraft] = []
    answers: list[tuple[int, str]] = []
    feedback: list[tuple[int, str]] = []
    phase = "stem"
    in_fence = False
    for number, line in draft.lines:
        stripped = line.strip()
        # Each pattern asked once per line; a heading has a '#' in its first four characters,
        # a choice-like line a '['.
        choice = CHOICE.match(line)
        answer = ANSWER.match(line)
        if phase == "stem":
            fence = FENCE.match(stripped)
            if fence:
                in_fence = not in_fence
            if in_fence or fence or not (choice or answer):
                if not in_fence and "#" in line[:4] and (wrong := OTHER_HEADING.match(line)) \
                        and len(wrong.group("hashes")) < 3:
                    # A level-1/2 heading cannot be part of a level-3 question: it is the next
                    # question written at the wrong level, and its choices would join this one.
                    title = (wrong.group("title") or "").strip()
                    fail(f"the heading '{wrong.group('hashes')} {title}' inside question '{draft.title}' is "
                         f"level {len(wrong.group('hashes'))}; questions start with '###' (write "
                         f"'### {title or 'A short title'}'); a heading inside a question is '####' or deeper",
                         number)
                if not in_fence and "[" in line and ALMOST_CHOICE.match(line):
                    # Left alone it would silently turn the question into an essay.
                    fail("this line looks like a choice but is not written as '- [x] text' or '- [ ] text' "
                         "at the start of the line", number)
                stem.append((number, line))
                continue
        if choice and phase in ("stem", "choices"):
            phase = "choices"
            text, pinned = choice.group("text"), None
            if pin := CHOICE_PIN.search(text):
                text, pinned = text[:pin.start()], pin.group("id").strip()
                if not ID_PATTERN.match(pinned):
                    fail(f"choice id '{pinned}' must be lower-case letters and digits joined by '-' or '_'", number)
            choices.append(_ChoiceDraft(choice.group("mark") != " ", [text], line=number, pinned=pinned))
        elif answer and phase in ("stem", "answers"):
            phase = "answers"
            answers.append((number, answer.group("answer")))
        elif phase == "choices" and line[:1] in (" ", "\t") and stripped:
            current = choices[-1]
            if stripped.startswith(">"):
                if not current.feedback_lines:
                    current.feedback_line = number
                current.feedback_lines.append(_QUOTE_MARK.sub("", stripped))
            elif current.feedback_lines:
                fail("choice text continues after its feedback; put the feedback last", number)
            else:
                current.text_lines.append(stripped)
        elif not stripped:
            if phase == "feedback":
                feedback.append((number, line))
        elif stripped.startswith(">") and not line[:1].isspace() and phase in ("choices", "answers", "feedback"):
            phase = "feedback"
            feedback.append((number, line))
        elif phase == "feedback" and feedback and feedback[-1][1].strip():
            feedback.append((number, line))  # lazy continuation of the feedback paragraph
        elif choice or answer:
            where = "after the general feedback" if phase == "feedback" else "here"
            fail(f"a {'choice' if choice else 'answer'} line is not allowed {where}; "
                 "choices and '=' answers come right after the stem, feedback last", number)
        else:
            fail("unexpected text after the choices or answers; move it into the stem, "
                 "indent it under a choice, or make it a '>' feedback blockquote", number)

    # An essay has no list: a trailing blockquote is its general feedback.
    if not choices and not answers:
        tail = len(stem)
        while tail and not stem[tail - 1][1].strip():
            tail -= 1
        start = tail
        while start and stem[start - 1][1].startswith(">"):
            start -= 1
        if start < tail:
            feedback = stem[start:tail]
            stem = stem[:start]

    qtype = attrs.get("type") or _infer_type(choices, answers)
    if qtype not in QUESTION_TYPES:
        # 'multi' may be multiple_choice or multiple_answer: the choices written say which.
        written_as = _infer_type(choices, answers)
        close = [t for t in QUESTION_TYPES if t.startswith(qtype.lower()[:4])] or \
            difflib.get_close_matches(qtype, QUESTION_TYPES, n=2, cutoff=0.4)
        close = sorted(close, key=lambda t: t != written_as)
        hint = f"did you mean type={close[0]}? The types are" if close else "expected one of"
        fail(f"unknown question type '{qtype}'; {hint}: {', '.join(QUESTION_TYPES)}", draft.line)
        # Checked further as what it is written as, so the unknown type is its only error.
        qtype = _infer_type(choices, answers)
    correct = [c for c in choices if c.correct]
    if qtype == "essay" and (choices or answers):
        fail("an essay question takes no choices or '=' answers", (choices[0].line if choices else answers[0][0]))
    if qtype in ("multiple_choice", "multiple_answer", "true_false"):
        if answers:
            fail(f"'=' answers do not belong in a {qtype} question; use '- [x]' choices", answers[0][0])
        if not choices:
            fail(f"a {qtype} question needs choices written as '- [x]' / '- [ ]'", draft.line)
        elif not correct:
            fail("question has no correct answer: mark at least one choice with '- [x]'", draft.line)
        elif qtype in ("multiple_choice", "true_false") and len(correct) > 1:
            fail(f"a {qtype} question has exactly one correct choice; found {len(correct)} "
                 "(use type=multiple_answer)", correct[1].line)
        if qtype == "multiple_choice" and 0 < len(choices) < 2:
            fail("a multiple_choice question needs at least two choices", draft.line)
        if qtype == "true_false" and choices:
            texts = sorted(" ".join(c.text_lines).strip().lower() for c in choices)
            if texts != ["false", "true"]:
                fail("a true_false question has exactly two choices, 'True' and 'False'", choices[0].line)
    if qtype in ("short_answer", "numeric"):
        if choices:
            fail(f"a {qtype} question takes '= answer' lines, not choices", choices[0].line)
        if not answers:
            fail(f"question has no correct answer: add at least one '= answer' line", draft.line)
        if any(not text for _, text in answers):
            fail("an '=' line has no answer after it", next(n for n, t in answers if not t))
    numeric: list[NumericAnswer] = []
    if qtype == "numeric":
        for number, text in answers:
            parsed = _numeric(text)
            if _decimal_comma(text):
                fail(f"numeric answer '{text}' has a comma that does not group thousands; "
                     "write the decimal point as '.' (2.5), commas only as in 4,000", number)
            elif parsed is None:
                fail(f"numeric answer '{text}' is not a number or a range like 40..44", number)
            else:
                numeric.append(parsed)

    qid = attrs.get("id") or slugify(draft.title) or "question"
    if not ID_PATTERN.match(qid):
        fail(f"question id '{qid}' must be lower-case letters and digits joined by '-' or '_'", draft.line)
    if qid in taken and not attrs.get("id") and not slugify(draft.title):
        # 'question' is only the fallback for titles with no Latin letter or digit ('### 地图').
        fail(f"the title '{draft.title}' gives no identifier (only Latin letters and digits are kept) and "
             f"another question's neither (line {taken[qid]}); add an attribute such as {{id=q2}}", draft.line)
    elif qid in taken:
        fail(f"two questions have the id '{qid}' (the other is at line {taken[qid]}); "
             "give one a different title or an {id=...} attribute", draft.line)
    taken.setdefault(qid, draft.line)

    choice_ids = _choice_ids(choices, fail)

    points = default_points
    if "points" in attrs:
        try:
            points = float(attrs["points"])
            if not math.isfinite(points) or points <= 0:
                raise ValueError
        except ValueError:
            fail(f"points={attrs['points']!r} is not a positive number", draft.line)
        else:
            problem = points_problem(points)
            if problem:
                fail(f"points={attrs['points']}: {problem}", draft.line)

    if problems:
        diagnostics.extend(problems)
        return None

    def block(lines: list[tuple[int, str]]) -> RichText | None:
        text = "\n".join(line for _, line in lines).strip("\n")
        if not text.strip():
            return None
        return render(text, lines[0][0])

    feedback_text = [(n, _QUOTE_MARK.sub("", line)) for n, line in feedback]
    built_choices = tuple(
        Choice(
            id=choice_id,
            html=render(" ".join(c.text_lines), c.line).html.removeprefix("<p>").removesuffix("</p>"),
            text=" ".join(c.text_lines).strip(),
            correct=c.correct,
            feedback=render("\n".join(c.feedback_lines), c.feedback_line) if c.feedback_lines else None,
        )
        for choice_id, c in zip(choice_ids, choices)
    )
    outcomes = tuple(o for o in _OUTCOME_SEPARATOR.split(attrs.get("outcomes", "")) if o)
    return Question(
        id=qid,
        title=draft.title,
        type=qtype,
        points=points,
        outcomes=outcomes,
        stem=block(stem) or RichText(),
        choices=built_choices,
        answers=tuple(text for _, text in answers) if qtype == "short_answer" else (),
        numeric=tuple(numeric),
        feedback=block(feedback_text),
        location=SourceLocation(path=relpath, line=draft.line),
    )


def _choice_ids(choices: list[_ChoiceDraft], fail: Callable[[str, int], None]) -> list[str]:
    """Each choice's id from its own text (or its pin): never from its position, so that a
    reordered question keeps its QTI response ids, SCORM responses and saved answers."""
    texts = [" ".join(HTML_TAG.sub(" ", LINK_TARGET.sub("]", " ".join(c.text_lines))).split()) for c in choices]
    slugs = [choice_slug(text) for text in texts]
    pinned = {c.pinned for c in choices if c.pinned}
    derived = [s for s, c in zip(slugs, choices) if not c.pinned]
    ids = []
    for slug, text, c in zip(slugs, texts, choices):
        if c.pinned:
            ids.append(c.pinned)
        elif not slug or derived.count(slug) > 1 or slug in pinned:
            ids.append(disambiguated_choice_id(slug, text))
        else:
            ids.append(slug)
    seen: dict[str, tuple[int, str]] = {}
    for choice_id, text, c in zip(ids, texts, choices):
        if choice_id in seen:
            line, other = seen[choice_id]
            if not c.pinned and text == other:
                fail(f"two choices read the same ('{text}', the other is at line {line}); "
                     "remove one or tell them apart", c.line)
            else:
                fail(f"two choices have the id '{choice_id}' (the other is at line {line}); "
                     "give one a different {id=...}", c.line)
        seen.setdefault(choice_id, (c.line, text))
    return ids


def _infer_type(choices: list[_ChoiceDraft], answers: list[tuple[int, str]]) -> str:
    if choices:
        texts = sorted(" ".join(c.text_lines).strip().lower() for c in choices)
        if texts == ["false", "true"]:
            return "true_false"
        return "multiple_answer" if sum(c.correct for c in choices) > 1 else "multiple_choice"
    if answers:
        return "short_answer"
    return "essay"


def _decimal_comma(text: str) -> bool:
    return any("," in part and not GROUPED.match(part.strip()) for part in text.split(".."))


def _numeric(text: str) -> NumericAnswer | None:
    cleaned = text.replace(",", "").strip()
    if m := RANGE.match(cleaned):
        low, high = float(m.group("low")), float(m.group("high"))
        if not (math.isfinite(low) and math.isfinite(high)):
            return None
        return NumericAnswer(minimum=min(low, high), maximum=max(low, high))
    if m := EXACT.match(cleaned):
        value = float(m.group("value"))
        if not math.isfinite(value):
            return None
        return NumericAnswer(minimum=value, maximum=value)
    return None


def split_attributes(text: str) -> list[str]:
    """``shlex.split(text)``: without a quote or a backslash, that is a split at shlex's spaces
    (and shlex's pure-Python tokenizer costs more than the rest of a question's parse)."""
    if _NO_QUOTING.fullmatch(text):
        return [token for token in _SHLEX_SPACE.split(text) if token]
    return shlex.split(text)


_NO_QUOTING = re.compile(r"[^'\"\\]*")
_SHLEX_SPACE = re.compile(r"[ \t\r\n]+")  # shlex.whitespace


def _parse_attributes(text: str, line: int, path: Path, problems: list[Diagnostic]) -> dict[str, str]:
    found: dict[str, str] = {}
    try:
        tokens = split_attributes(text)
    except ValueError as exc:
        problems.append(error(f"cannot read the attributes {{{text}}}: {exc}", path, line))
        return found
    tokens.reverse()
    while tokens:
        token = tokens.pop()
        key, sep, value = token.partition("=")
        name, colon, given = token.partition(":")
        if not sep and colon and name:
            # The YAML habit {points: 2}: show the fix instead of calling '2' an attribute.
            given = given or (tokens.pop() if tokens else "...")
            problems.append(error(f"write question attributes as name=value: '{name}={given}', "
                                  f"not '{name}: {given}'", path, line))
        elif not sep:
            problems.append(error(f"attribute '{token}' needs a value, as in {{{token}=...}}", path, line))
        elif key not in ATTRIBUTES:
            problems.append(error(f"unknown question attribute '{key}'; expected one of: "
                                  f"{', '.join(ATTRIBUTES)}", path, line))
        elif key in found:
            # Keeping either value silently would score the question differently from the source.
            problems.append(error(f"attribute '{key}' is given twice ({key}={found[key]} and {key}={value}); "
                                  "keep one", path, line))
        else:
            found[key] = value
    return found


def points_problem(points: float) -> str | None:
    """Why a number of points cannot be carried by every target, or None.

    LMSs store scores as decimals with a few places and a bounded range; '1e+23' or
    '0.0000001' would arrive rounded, refused or written in exponent notation.
    """
    if points > limits.MAX_POINTS:
        return f"more than {limits.MAX_POINTS} points; no LMS keeps such a score"
    if round(points, 2) != points:
        return "points are kept to two decimal places (0.25, not 0.125)"
    return None
