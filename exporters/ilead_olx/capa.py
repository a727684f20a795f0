"""Quiz questions as CAPA problems: one ``<problem>`` per auto-scored question.

Studio does not check CAPA semantics on import (a choice group without a correct choice
imports and then misbehaves), so :func:`problem_for` refuses such questions instead of
writing them; the reader already rejects them, this is the last line of defence.
"""

from __future__ import annotations

from typing import Callable

from lxml import etree

from ilead_shell.model import NumericAnswer, Question, Quiz, RichText

from .richtext import LinkResolver, move_content, to_xml_container, unwrap_paragraph


class CapaError(ValueError):
    """A question that would import but could not be answered correctly."""


def problem_for(quiz: Quiz, question: Question, links: LinkResolver,
                warn: Callable[[str], None]) -> etree._Element:
    """The content of ``problem/<url_name>.xml`` (the pointer in the unit names it)."""
    problem = etree.Element("problem", {
        "display_name": question.title,
        "markdown_edited": "false",
        "rerandomize": "never",
        "showanswer": "finished",
        "weight": _number(question.points),
    })
    if quiz.attempts:
        problem.set("max_attempts", str(quiz.attempts))
    builder = _BUILDERS[question.type]
    problem.append(builder(quiz, question, links, warn))
    return problem


def _question_label(response: etree._Element, question: Question, links: LinkResolver) -> None:
    """The stem's first paragraph labels the input; further blocks describe it."""
    stem = to_xml_container(links.rewrite(question.stem.html))
    blocks = list(stem)
    label = etree.SubElement(response, "label")
    if (stem.text or "").strip() or not blocks:
        label.text = question.title if not (stem.text or "").strip() else stem.text.strip()
        rest = blocks
    else:
        first = blocks[0]
        if first.tag == "p":
            label.text = first.text
            for child in list(first):
                label.append(child)
            rest = blocks[1:]
        else:
            label.text = question.title
            rest = blocks
    if rest:
        description = etree.SubElement(response, "description")
        for block in rest:
            description.append(block)


def _solution(response: etree._Element, feedback: RichText | None, links: LinkResolver) -> None:
    if feedback is None or feedback.is_empty:
        return
    solution = etree.SubElement(response, "solution")
    detail = etree.SubElement(solution, "div", {"class": "detailed-solution"})
    etree.SubElement(detail, "p").text = "Explanation"
    move_content(to_xml_container(links.rewrite(feedback.html)), detail)


def _choice_content(choice_element: etree._Element, html_text: str, links: LinkResolver) -> None:
    move_content(to_xml_container(links.rewrite(html_text)), choice_element)


def _single_select(quiz: Quiz, question: Question, links: LinkResolver, warn) -> etree._Element:
    if sum(1 for c in question.choices if c.correct) != 1:
        raise CapaError(f"question '{question.title}' needs exactly one correct choice")
    response = etree.Element("multiplechoiceresponse")
    _question_label(response, question, links)
    group = etree.SubElement(response, "choicegroup", {"type": "MultipleChoice"})
    if quiz.shuffle:
        group.set("shuffle", "true")
    for choice in question.choices:
        element = etree.SubElement(group, "choice", {"correct": _bool(choice.correct)})
        _choice_content(element, choice.html, links)
        if choice.feedback is not None and not choice.feedback.is_empty:
            hint = unwrap_paragraph(to_xml_container(links.rewrite(choice.feedback.html), "choicehint"))
            element.append(hint)
    _solution(response, question.feedback, links)
    return response


def _multi_select(quiz: Quiz, question: Question, links: LinkResolver, warn) -> etree._Element:
    if not any(c.correct for c in question.choices):
        raise CapaError(f"question '{question.title}' has no correct choice")
    response = etree.Element("choiceresponse")
    _question_label(response, question, links)
    group = etree.SubElement(response, "checkboxgroup")
    if quiz.shuffle:
        # CAPA shuffles only single-select groups; say so rather than drop it silently.
        warn(f"question '{question.title}': Open edX does not shuffle checkbox choices")
    for choice in question.choices:
        element = etree.SubElement(group, "choice", {"correct": _bool(choice.correct)})
        _choice_content(element, choice.html, links)
        if choice.feedback is not None and not choice.feedback.is_empty:
            hint = unwrap_paragraph(to_xml_container(links.rewrite(choice.feedback.html), "choicehint"))
            hint.set("selected", "true")
            element.append(hint)
    _solution(response, question.feedback, links)
    return response


def _text_input(quiz: Quiz, question: Question, links: LinkResolver, warn) -> etree._Element:
    if not question.answers:
        raise CapaError(f"question '{question.title}' has no accepted answer")
    first, *others = question.answers
    response = etree.Element("stringresponse", {"answer": first, "type": "ci"})
    _question_label(response, question, links)
    for answer in others:
        etree.SubElement(response, "additional_answer", {"answer": answer})
    etree.SubElement(response, "textline", {"size": "40"})
    _solution(response, question.feedback, links)
    return response


def _numeric_input(quiz: Quiz, question: Question, links: LinkResolver, warn) -> etree._Element:
    if not question.numeric:
        raise CapaError(f"question '{question.title}' has no accepted number")
    merged = merge_ranges(question.numeric)
    if len(merged) > 1:
        warn(f"question '{question.title}': Open edX numerical input accepts one value or range; "
             f"only {numeric_answer(merged[0])} is kept of {len(merged)} separate answers")
    response = etree.Element("numericalresponse", {"answer": numeric_answer(merged[0])})
    _question_label(response, question, links)
    etree.SubElement(response, "formulaequationinput")
    _solution(response, question.feedback, links)
    return response


def merge_ranges(answers: tuple[NumericAnswer, ...]) -> list[NumericAnswer]:
    """Overlapping answers as one range: ``= 10`` and ``= 9.5..10.5`` are one answer."""
    merged: list[NumericAnswer] = []
    for answer in sorted(answers, key=lambda a: (a.minimum, a.maximum)):
        if merged and answer.minimum <= merged[-1].maximum:
            last = merged[-1]
            merged[-1] = NumericAnswer(minimum=last.minimum, maximum=max(last.maximum, answer.maximum))
        else:
            merged.append(answer)
    return merged


def numeric_answer(answer: NumericAnswer) -> str:
    """CAPA's answer syntax: a number, or an inclusive range ``[low, high]``."""
    if answer.exact:
        return _number(answer.minimum)
    return f"[{_number(answer.minimum)}, {_number(answer.maximum)}]"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _bool(value: bool) -> str:
    return "true" if value else "false"


_BUILDERS = {
    "multiple_choice": _single_select,
    "true_false": _single_select,
    "multiple_answer": _multi_select,
    "short_answer": _text_input,
    "numeric": _numeric_input,
}
