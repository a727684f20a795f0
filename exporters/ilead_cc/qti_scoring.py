"""What score a QTI 1.2 item gives a response: the meaning an importer reads answer keys by.

Response processing is run as the ASI specification describes it: ``respcondition``s in
document order; a true ``conditionvar`` applies its ``setvar``s (Set, Add, Subtract,
Multiply, Divide) and shows its ``displayfeedback``s, and stops processing unless
``continue="Yes"``; ``and``/``or``/``not``, ``varequal`` (``case``), ``varsubstring``,
``varlt``/``varlte``/``vargt``/``vargte``, ``unanswered`` and ``other`` (no earlier
condition fired).  Like every LMS importer, sibling ``varequal``s on one single-valued
response are read as alternatives: Canvas writes a short answer's accepted answers so.

The importer never trusts the shape a writer chose: it asks this module which responses
score the most and which feedback each response shows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from lxml import etree


def local(node) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def children(node, name: str | None = None) -> list:
    return [c for c in node if isinstance(c.tag, str) and (name is None or local(c) == name)]


def descendants(node, name: str) -> list:
    return [d for d in node.iter() if isinstance(d.tag, str) and local(d) == name]


def to_number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text.strip().replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@dataclass
class Outcome:
    score: float
    feedback: list[str] = field(default_factory=list)


@dataclass
class Scorer:
    """Runs one item's ``resprocessing`` for responses (respident -> tuple of values)."""

    item: etree._Element
    cardinality: dict[str, str]  # respident -> Single / Multiple / Ordered
    numeric: set[str]

    def __post_init__(self):
        self.processing = children(self.item, "resprocessing")
        self.minimum, self.maximum, self.default = None, None, 0.0
        for decvar in (d for p in self.processing for d in descendants(p, "decvar")):
            if decvar.get("varname", "SCORE") == "SCORE":
                self.minimum = to_number(decvar.get("minvalue"))
                self.maximum = to_number(decvar.get("maxvalue"))
                self.default = to_number(decvar.get("defaultval")) or 0.0

    def run(self, responses: dict[str, tuple[str, ...]]) -> Outcome:
        score = self.default
        shown: list[str] = []
        for processing in self.processing:
            fired = False
            for condition in children(processing, "respcondition"):
                tests = children(condition, "conditionvar")
                if not tests or not self._all(tests[0], responses, fired):
                    continue
                fired = True
                for setvar in children(condition, "setvar"):
                    if setvar.get("varname", "SCORE") == "SCORE":
                        score = _apply(setvar.get("action", "Set"), score, to_number(setvar.text) or 0.0)
                shown += [f.get("linkrefid", "") for f in children(condition, "displayfeedback")]
                if condition.get("continue", "No") != "Yes":
                    break
        if self.minimum is not None:
            score = max(score, self.minimum)
        if self.maximum is not None:
            score = min(score, self.maximum)
        return Outcome(score, shown)

    def _all(self, conditionvar, responses, fired: bool) -> bool:
        tests, alternatives = [], {}
        for test in children(conditionvar):
            respident = test.get("respident", "")
            if local(test) == "varequal" and self.cardinality.get(respident, "Single") == "Single":
                if respident not in alternatives:
                    alternatives[respident] = []
                    tests.append(("or", alternatives[respident]))
                alternatives[respident].append(test)
            else:
                tests.append(("one", test))
        for kind, value in tests:
            if kind == "or":
                if not any(self._test(t, responses, fired) for t in value):
                    return False
            elif not self._test(value, responses, fired):
                return False
        return True

    def _test(self, test, responses, fired: bool) -> bool:
        name = local(test)
        if name == "and":
            return all(self._test(t, responses, fired) for t in children(test))
        if name == "or":
            return any(self._test(t, responses, fired) for t in children(test))
        if name == "not":
            inner = children(test)
            return not self._test(inner[0], responses, fired) if inner else True
        if name == "other":
            return not fired
        respident = test.get("respident", "")
        values = responses.get(respident, ())
        if name == "unanswered":
            return not [v for v in values if v.strip()]
        expected = test.text or ""
        if name == "varequal":
            if respident in self.numeric:
                target = to_number(expected)
                return any(to_number(v) is not None and to_number(v) == target for v in values)
            if test.get("case", "No") == "Yes":
                return any(v == expected for v in values)
            return any(v.strip().casefold() == expected.strip().casefold() for v in values)
        if name == "varsubstring":
            fold = test.get("case", "No") != "Yes"
            needle = expected.casefold() if fold else expected
            return any(needle in (v.casefold() if fold else v) for v in values)
        if name in ("varlt", "varlte", "vargt", "vargte"):
            bound = to_number(expected)
            if bound is None:
                return False
            compare = {"varlt": lambda a: a < bound, "varlte": lambda a: a <= bound,
                       "vargt": lambda a: a > bound, "vargte": lambda a: a >= bound}[name]
            return any((n := to_number(v)) is not None and compare(n) for v in values)
        return False  # durations, varinside, extensions: never true for a plain response


def _apply(action: str, current: float, amount: float) -> float:
    if action == "Add":
        return current + amount
    if action == "Subtract":
        return current - amount
    if action == "Multiply":
        return current * amount
    if action == "Divide":
        return current / amount if amount else current
    return amount
