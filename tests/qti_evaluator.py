"""A QTI 1.2 response evaluator: the SCORE an LMS should give a response, by the spec.

Written from the IMS QTI ASI 1.2 specification (the Information Model and the XML binding's
DTD, whose declarations are quoted below), and from nothing in ``ilead_cc``: a test that scores
the bundle's QTI with it sees what a learner would get, whatever shape the writer chose.

The rules it follows:

- ``outcomes/decvar`` declares a variable: ``varname`` (default ``SCORE``), ``defaultval``
  (0 when absent), ``minvalue`` and ``maxvalue`` (the permitted range; the final value is held
  inside it).
- The ``respcondition``s of ``resprocessing`` are tried in document order.  When one's
  ``conditionvar`` is true, its ``setvar``s apply in order (``action`` Set by default, or Add,
  Subtract, Multiply, Divide; ``varname`` SCORE by default) and its ``displayfeedback``s are
  shown.  Processing then stops unless the condition says ``continue="Yes"``
  (``<!ATTLIST respcondition continue (Yes | No) 'No'>``).
- A ``conditionvar`` with several tests is true when all of them are (as the QTI 1.2 runtimes
  OLAT and pyslet read it).  One reading is taken from the importers instead of the letter of
  the spec: sibling ``varequal``s on the same response that holds a single value are accepted
  alternatives, any one of them enough.  All of them at once could never be true, and that is
  how Canvas writes a short answer's accepted answers (its export in
  shared/samples/cc2olx-canvas-fixture) and how Moodle's CC importer and cc2olx read them
  (each ``varequal`` of the scoring condition is an accepted answer).  A strict QTI 1.2 runtime
  would score such an item zero; ``<or>`` is the spec's way.
- ``varequal``: a response equals the element's text (any response, for a response that takes
  several).  ``case="Yes"`` compares case-sensitively; the default is ``No``
  (``<!ATTLIST varequal case (Yes | No) 'No'>``).  A response declared numeric
  (``response_num``, or ``render_fib`` with ``fibtype`` Integer or Decimal) compares as a number.
- ``varlt``, ``varlte``, ``vargt``, ``vargte``: the response is less than, at most, greater
  than, at least the number; a response that is not a number passes none of them.
- ``varsubstring``: the text occurs in the response (``case`` as for ``varequal``).
- ``and`` (all true), ``or`` (one or more true), ``not`` (inverts its one test),
  ``unanswered`` (no response for that ``respident``), ``other`` (true when none of the
  other tests has returned true, i.e. no earlier condition of this ``resprocessing`` fired).
- Any other test (``varinside``, ``varsubset``, durations, extensions) is refused with
  :class:`Unsupported`: a test this module does not know is never quietly taken as false.
- The DTD's enumerated values are read as it spells them, case included, and anything else is
  refused with :class:`Invalid`: ``<!ATTLIST response_lid rcardinality (Single | Multiple |
  Ordered) 'Single'>``, ``<!ATTLIST render_fib fibtype (String | Integer | Decimal | Scientific)
  'String'>``; a response has one ``render_*`` element; a ``decvar``'s ``minvalue``,
  ``maxvalue`` and ``defaultval`` are numbers; ``<!ATTLIST displayfeedback feedbacktype
  (Response | Solution | Hint) 'Response'>``.  A runtime that met other spellings would not
  know what the item asks for.
"""

from __future__ import annotations

import copy
import math
import operator
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from lxml import etree
from lxml import html as lxml_html

Response = str | Collection[str] | None


class Unsupported(Exception):
    """The item uses a QTI test or action this evaluator does not implement."""


class Invalid(Exception):
    """The item breaks the QTI 1.2 DTD where scoring depends on it."""


_CARDINALITIES = ("Single", "Multiple", "Ordered")
_FIB_TYPES = ("String", "Integer", "Decimal", "Scientific")
_FEEDBACK_TYPES = ("Response", "Solution", "Hint")
_RENDERS = ("render_choice", "render_hotspot", "render_slider", "render_fib", "render_extension")


def _checked_response(response: etree._Element, item_ident: str) -> None:
    where = f"item {item_ident!r}, response {response.get('ident', '')!r}"
    cardinality = response.get("rcardinality", "Single")
    if cardinality not in _CARDINALITIES:
        raise Invalid(f"{where}: rcardinality {cardinality!r} is none of {', '.join(_CARDINALITIES)}")
    renders = [c for c in response if isinstance(c.tag, str) and _local(c) in _RENDERS]
    if len(renders) != 1:
        raise Invalid(f"{where}: holds {len(renders)} render_* elements, not one")
    if _local(renders[0]) == "render_fib" and renders[0].get("fibtype", "String") not in _FIB_TYPES:
        raise Invalid(f"{where}: fibtype {renders[0].get('fibtype')!r} is none of {', '.join(_FIB_TYPES)}")


def _checked_number(decvar: etree._Element, name: str) -> float | None:
    text = decvar.get(name)
    value = _number(text)
    if text is not None and value is None:
        raise Invalid(f"decvar {decvar.get('varname', 'SCORE')!r}: {name} {text!r} is not a number")
    return value


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _children(node: etree._Element, name: str | None = None) -> list[etree._Element]:
    return [c for c in node if isinstance(c.tag, str) and (name is None or _local(c) == name)]


def _descendants(node: etree._Element, name: str) -> list[etree._Element]:
    return [d for d in node.iter() if isinstance(d.tag, str) and _local(d) == name]


def visible_text(material: etree._Element) -> str:
    """What a learner reads in a ``material`` (or any element holding ``mattext``)."""
    parts = []
    for mattext in _descendants(material, "mattext"):
        text = mattext.text or ""
        if mattext.get("texttype") == "text/html" and text.strip():
            text = lxml_html.fragment_fromstring(text, create_parent="div").text_content()
        parts.append(text)
    return " ".join(" ".join(parts).split())


def html_text(html: str) -> str:
    """The visible words of an HTML fragment, whitespace collapsed (for comparisons)."""
    if not html.strip():
        return ""
    return " ".join(lxml_html.fragment_fromstring(html, create_parent="div").text_content().split())


@dataclass(frozen=True)
class Label:
    ident: str
    text: str


@dataclass(frozen=True)
class ResponseSpec:
    ident: str
    kind: str  # "lid" (choose labels), "str" (type text) or "num" (type a number)
    cardinality: str  # Single, Multiple or Ordered
    numeric: bool
    labels: tuple[Label, ...] = ()


@dataclass(frozen=True)
class Variable:
    name: str
    default: float
    minimum: float | None
    maximum: float | None


@dataclass
class Item:
    ident: str
    title: str
    element: etree._Element
    metadata: dict[str, str]
    responses: dict[str, ResponseSpec]
    variables: dict[str, Variable]
    feedback: dict[str, str]  # itemfeedback ident -> its visible text
    solution: str  # visible text of any itemfeedback/solution

    @property
    def processing(self) -> list[etree._Element]:
        return _children(self.element, "resprocessing")

    def only_response(self) -> ResponseSpec:
        if len(self.responses) != 1:
            raise AssertionError(f"item {self.ident} has {len(self.responses)} responses, expected one")
        return next(iter(self.responses.values()))


@dataclass
class Assessment:
    ident: str
    title: str
    items: list[Item]


def read_assessment(data: bytes) -> Assessment:
    root = etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False))
    (assessment,) = _descendants(root, "assessment")
    return Assessment(assessment.get("ident", ""), assessment.get("title", ""),
                      [read_item(i) for i in _descendants(assessment, "item")])


def read_item(element: etree._Element) -> Item:
    metadata = {}
    for pair in _descendants(element, "qtimetadatafield"):
        label, entry = _children(pair, "fieldlabel"), _children(pair, "fieldentry")
        if label and entry:
            metadata[(label[0].text or "").strip()] = (entry[0].text or "").strip()
    responses = {}
    for presentation in _children(element, "presentation"):
        for kind in ("response_lid", "response_str", "response_num"):
            for response in _descendants(presentation, kind):
                _checked_response(response, element.get("ident", ""))
                fib = _descendants(response, "render_fib")
                numeric = kind == "response_num" or any(f.get("fibtype") in ("Integer", "Decimal") for f in fib)
                labels = tuple(Label(label.get("ident", ""), visible_text(label))
                               for label in _descendants(response, "response_label")) if kind == "response_lid" else ()
                responses[response.get("ident", "")] = ResponseSpec(
                    response.get("ident", ""), {"response_lid": "lid", "response_str": "str"}.get(kind, "num"),
                    response.get("rcardinality", "Single"), numeric, labels)
    variables = {}
    for processing in _children(element, "resprocessing"):
        for decvar in _descendants(processing, "decvar"):
            name = decvar.get("varname", "SCORE")
            variables[name] = Variable(name, _checked_number(decvar, "defaultval") or 0.0,
                                       _checked_number(decvar, "minvalue"), _checked_number(decvar, "maxvalue"))
    feedback, solution = {}, []
    for block in _children(element, "itemfeedback"):
        feedback[block.get("ident", "")] = visible_text(block)
        solution += [visible_text(s) for s in _descendants(block, "solution")]
    return Item(element.get("ident", ""), element.get("title", ""), element, metadata, responses, variables,
                feedback, " ".join(solution))


def _number(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@dataclass
class Outcome:
    values: dict[str, float]
    raw: dict[str, float]
    feedback: list[str] = field(default_factory=list)  # linkrefids shown, in order
    fired: int = 0

    @property
    def score(self) -> float:
        return self.values.get("SCORE", 0.0)


def evaluate(item: Item, responses: Mapping[str, Response]) -> Outcome:
    """The outcome of ``responses`` (respident -> text, or a collection of label idents)."""
    given = {ident: _as_values(value) for ident, value in responses.items()}
    unknown = set(given) - set(item.responses)
    if unknown:
        raise AssertionError(f"item {item.ident} has no response {sorted(unknown)}")
    values = {name: v.default for name, v in item.variables.items()}
    outcome = Outcome(values, {})
    for processing in item.processing:
        fired = False
        for condition in _children(processing, "respcondition"):
            conditionvar = _children(condition, "conditionvar")
            if len(conditionvar) != 1:
                raise AssertionError(f"item {item.ident}: a respcondition needs one conditionvar")
            state = _State(item, given, fired)
            if not all(_test(test, state) for test in _conjuncts(conditionvar[0], item)):
                continue
            fired = True
            outcome.fired += 1
            for setvar in _children(condition, "setvar"):
                _apply(setvar, values)
            for shown in _children(condition, "displayfeedback"):
                if shown.get("feedbacktype", "Response") not in _FEEDBACK_TYPES:
                    raise Invalid(f"item {item.ident!r}: displayfeedback feedbacktype {shown.get('feedbacktype')!r} "
                                  f"is none of {', '.join(_FEEDBACK_TYPES)}")
                outcome.feedback.append(shown.get("linkrefid", ""))
            if condition.get("continue", "No") != "Yes":
                break
    outcome.raw = dict(values)
    for name, variable in item.variables.items():
        if variable.minimum is not None:
            values[name] = max(values[name], variable.minimum)
        if variable.maximum is not None:
            values[name] = min(values[name], variable.maximum)
    return outcome


def _conjuncts(conditionvar: etree._Element, item: Item) -> list[etree._Element]:
    """The tests of a conditionvar, with sibling varequals on one single-valued response
    grouped into an <or> (the importers' reading, see the module docstring)."""
    tests, alternatives = [], {}
    for test in _children(conditionvar):
        spec = item.responses.get(test.get("respident", ""))
        if _local(test) == "varequal" and spec is not None and spec.cardinality == "Single":
            if spec.ident not in alternatives:
                alternatives[spec.ident] = etree.Element("or")
                tests.append(alternatives[spec.ident])
            alternatives[spec.ident].append(copy.deepcopy(test))
        else:
            tests.append(test)
    return tests


def _as_values(value: Response) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


@dataclass
class _State:
    item: Item
    given: dict[str, tuple[str, ...]]
    earlier_fired: bool

    def values(self, respident: str) -> tuple[str, ...]:
        if respident not in self.item.responses:
            raise AssertionError(f"item {self.item.ident}: a test names the undeclared response '{respident}'")
        return self.given.get(respident, ())


_INEQUALITIES = {"varlt": operator.lt, "varlte": operator.le, "vargt": operator.gt, "vargte": operator.ge}


def _test(test: etree._Element, state: _State) -> bool:
    name = _local(test)
    if name == "and":
        return all(_test(t, state) for t in _children(test))
    if name == "or":
        return any(_test(t, state) for t in _children(test))
    if name == "not":
        inner = _children(test)
        if len(inner) != 1:
            raise AssertionError("<not> holds exactly one test")
        return not _test(inner[0], state)
    if name == "other":
        return not state.earlier_fired
    if name == "unanswered":
        return not [v for v in state.values(test.get("respident", "")) if v.strip()]
    if test.get("index") is not None:
        raise Unsupported(f"<{name} index=...>")
    if name == "varequal":
        spec = state.item.responses.get(test.get("respident", ""))
        expected = test.text or ""
        if spec is not None and spec.numeric:
            target = _number(expected)
            return any(_number(v) is not None and _number(v) == target for v in state.values(spec.ident))
        same = _comparison(test)
        return any(same(v, expected) for v in state.values(test.get("respident", "")))
    if name == "varsubstring":
        fold = test.get("case", "No") != "Yes"
        needle = (test.text or "").casefold() if fold else (test.text or "")
        return any(needle in (v.casefold() if fold else v) for v in state.values(test.get("respident", "")))
    if name in _INEQUALITIES:
        bound = _number(test.text)
        if bound is None:
            raise AssertionError(f"<{name}> needs a number, not {test.text!r}")
        compare = _INEQUALITIES[name]
        return any((value := _number(v)) is not None and compare(value, bound)
                   for v in state.values(test.get("respident", "")))
    raise Unsupported(f"<{name}> in a conditionvar")


def _comparison(test: etree._Element):
    if test.get("case", "No") == "Yes":
        return lambda given, expected: given == expected
    return lambda given, expected: given.casefold() == expected.casefold()


def _apply(setvar: etree._Element, values: dict[str, float]) -> None:
    name = setvar.get("varname", "SCORE")
    amount = _number(setvar.text)
    if amount is None:
        raise AssertionError(f"<setvar> needs a number, not {setvar.text!r}")
    if name not in values:
        raise AssertionError(f"<setvar> changes '{name}', which no decvar declares")
    action = setvar.get("action", "Set")
    current = values[name]
    if action == "Set":
        values[name] = amount
    elif action == "Add":
        values[name] = current + amount
    elif action == "Subtract":
        values[name] = current - amount
    elif action == "Multiply":
        values[name] = current * amount
    elif action == "Divide":
        values[name] = current / amount
    else:
        raise Unsupported(f"<setvar action={action!r}>")
