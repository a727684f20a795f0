"""How each real reader scores a Common Cartridge QTI item, next to what the item says.

The item's own meaning comes from evaluating its ``resprocessing`` the way QTI 1.2 defines it
(:func:`score`): conditions in order, ``setvar`` applied when a condition holds, stop after a
holding condition marked ``continue="No"``.  The readers do something simpler, each in its own
way, and each function below follows one reader's source line by line:

* cc2olx 0.4.0, ``content_processors/qti.py`` ``_mark_correct_responses``: every choice named by
  a ``varequal`` child of ``conditionvar`` (or of its ``and``/``or``) in each condition, up to and
  including the first whose ``continue`` is ``"No"`` or absent, is marked correct, whether or not
  the condition scores.  ``_parse_fib_problem_raw_answers``: the same walk collects accepted
  answers.
* Moodle 5.1, ``backup/cc/entity11.quiz.class.php``: ``get_score`` gives a choice the ``setvar``
  of the *last* condition whose first direct ``varequal`` names it (no ``setvar`` there: 0);
  multiple response uses ``varequal[@case='Yes'][not(parent::not)]`` inside a condition that sets
  ``SCORE`` to 100 (``get_answers``), else falls back to ``get_score``; true/false needs the choice
  idents ``true`` and ``false`` or throws ``coding_exception`` (the whole restore fails);
  fill-in-the-blank keeps the direct ``varequal``s of the first condition whose ``setvar`` text is
  exactly ``100`` (``get_answers_fib``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from lxml import etree

QTI = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
Q = {"q": QTI}
CHOICE_PROFILES = ("cc.multiple_choice.v0p1", "cc.multiple_response.v0p1", "cc.true_false.v0p1")
TEXT_PROFILES = ("cc.fib.v0p1", "cc.pattern_match.v0p1")
KNOWN_PROFILES = CHOICE_PROFILES + TEXT_PROFILES + ("cc.essay.v0p1",)
RANGE_TESTS = ("vargt", "vargte", "varlt", "varlte")
MAX_CHOICES_ENUMERATED = 12  # 4096 subsets: enough for any real question, bounded for hostile ones


def _local(node: etree._Element) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


@dataclass
class Item:
    element: etree._Element
    ident: str
    title: str
    profile: str
    fields: dict[str, str]
    labels: list[tuple[str, str]]  # (ident, text) in order
    cardinality: str  # Single, Multiple, or "" for text responses
    response_ident: str
    conditions: list[etree._Element] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.element.sourceline or 0

    def label_text(self, ident: str) -> str:
        return next((text for i, text in self.labels if i == ident), ident)

    def shown(self, idents) -> str:
        names = [f"'{self.label_text(i)}'" for i in sorted(idents, key=self._order)]
        return ", ".join(names) if names else "none"

    def _order(self, ident: str) -> int:
        order = [i for i, _ in self.labels]
        return order.index(ident) if ident in order else len(order)


def read_item(element: etree._Element) -> Item:
    fields = {}
    for entry in element.iterfind("q:itemmetadata/q:qtimetadata/q:qtimetadatafield", Q):
        label = (entry.findtext("q:fieldlabel", namespaces=Q) or "").strip()
        fields[label] = (entry.findtext("q:fieldentry", namespaces=Q) or "").strip()
    lid = element.find(".//q:presentation//q:response_lid", Q)
    string = element.find(".//q:presentation//q:response_str", Q)
    labels = []
    if lid is not None:
        for label in lid.iterfind(".//q:response_label", Q):
            text = " ".join("".join(m.itertext()) for m in label.iterfind(".//q:mattext", Q)).strip()
            labels.append((label.get("ident", ""), text))
    response = lid if lid is not None else string
    return Item(
        element=element, ident=element.get("ident", ""), title=element.get("title", ""),
        profile=fields.get("cc_profile", ""), fields=fields, labels=labels,
        cardinality=(lid.get("rcardinality", "Single") if lid is not None else ""),
        response_ident=(response.get("ident", "") if response is not None else ""),
        conditions=element.findall("q:resprocessing/q:respcondition", Q))


# -- the item's own meaning ------------------------------------------------------------------
def _test(node: etree._Element, response: frozenset[str] | str, single: bool) -> bool:
    name = _local(node)
    if name == "varequal":
        value = (node.text or "").strip()
        if isinstance(response, str):
            case = node.get("case", "No") == "Yes"
            return response == value if case else response.lower() == value.lower()
        return value in response
    if name in RANGE_TESTS:
        try:
            given, bound = float(response), float((node.text or "").strip())  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False
        return {"vargt": given > bound, "vargte": given >= bound, "varlt": given < bound,
                "varlte": given <= bound}[name]
    if name == "other":
        return True
    if name == "not":
        return not _all(list(node), response, single)
    if name == "and":
        return _all(list(node), response, single)
    if name == "or":
        return any(_test(child, response, single) for child in node if isinstance(child.tag, str))
    return False


def _all(children: list[etree._Element], response, single: bool) -> bool:
    children = [c for c in children if isinstance(c.tag, str)]
    if not children:
        return False
    # Several varequals on one single-valued response can never all hold: they are
    # alternatives (Canvas writes accepted short answers so, and every reader reads them so).
    if single and len(children) > 1 and all(_local(c) == "varequal" for c in children):
        return any(_test(c, response, single) for c in children)
    return all(_test(c, response, single) for c in children)


def score(item: Item, response: frozenset[str] | str) -> float:
    value = 0.0
    single = item.cardinality != "Multiple"
    for condition in item.conditions:
        variable = condition.find("q:conditionvar", Q)
        if variable is None or not _all(list(variable), response, single):
            continue
        for setvar in condition.iterfind("q:setvar", Q):
            if setvar.get("varname", "SCORE") != "SCORE":
                continue
            try:
                amount = float((setvar.text or "0").strip())
            except ValueError:
                continue
            action = setvar.get("action", "Set")
            value = {"Set": amount, "Add": value + amount, "Subtract": value - amount,
                     "Multiply": value * amount}.get(action, value)
        if condition.get("continue", "No") == "No":
            break
    return value


def intended_choices(item: Item) -> frozenset[str] | None:
    """The choices a learner must pick for full marks, or None when that is not one clear set."""
    idents = [i for i, _ in item.labels]
    if not idents:
        return None
    if item.cardinality != "Multiple":
        scores = {i: score(item, frozenset([i])) for i in idents}
        best = max(scores.values())
        return frozenset(i for i, s in scores.items() if s == best) if best > 0 else frozenset()
    if len(idents) > MAX_CHOICES_ENUMERATED:
        return None
    results = {}
    for size in range(len(idents) + 1):
        for subset in itertools.combinations(idents, size):
            results[frozenset(subset)] = score(item, frozenset(subset))
    best = max(results.values())
    winners = [s for s, v in results.items() if v == best]
    return winners[0] if best > 0 and len(winners) == 1 else None


def candidate_answers(item: Item) -> list[str]:
    values = []
    for condition in item.conditions:
        values += [(v.text or "").strip() for v in condition.iterfind("q:conditionvar//q:varequal", Q)]
    return [v for v in dict.fromkeys(values) if v]


def intended_answers(item: Item) -> set[str]:
    """Accepted exact answers of a text question: every compared value that earns the top score."""
    values = candidate_answers(item)
    scores = {v: score(item, v) for v in values}
    best = max(scores.values(), default=0)
    return {v for v, s in scores.items() if s == best and best > 0}


def uses_ranges(item: Item) -> bool:
    return any(item.element.find(f"q:resprocessing//q:{name}", Q) is not None for name in RANGE_TESTS)


# -- cc2olx 0.4.0 -----------------------------------------------------------------------------
def _cc2olx_walk(item: Item):
    for condition in item.conditions:
        yield condition
        if condition.get("continue", "No") == "No":
            break


def cc2olx_choices(item: Item) -> frozenset[str]:
    correct = set()
    for condition in _cc2olx_walk(item):
        found = condition.findall("q:conditionvar/q:varequal", Q)
        if not found:
            found = condition.findall("q:conditionvar/q:and/q:varequal", Q) + \
                condition.findall("q:conditionvar/q:or/q:varequal", Q)
        correct.update((v.text or "") for v in found)
    return frozenset(correct)


def cc2olx_answers(item: Item) -> list[str]:
    kept = []
    for condition in _cc2olx_walk(item):
        kept += [(v.text or "") for v in condition.findall("q:conditionvar/q:varequal", Q)]
    return kept


# -- Moodle 5.1 (backup/cc/entity11.quiz.class.php) ------------------------------------------
def _php_empty(text: str | None) -> bool:
    return text in (None, "", "0")


def moodle_choice_scores(item: Item) -> dict[str, bool]:
    """get_score(): the last condition whose first direct varequal names the choice decides."""
    result = {}
    for ident, _ in item.labels:
        decided: str | None = None
        for condition in item.conditions:
            first = condition.find("q:conditionvar/q:varequal", Q)
            if first is not None and (first.text or "").lower() == ident.lower() and first.text:
                setvar = condition.find("q:setvar", Q)
                decided = setvar.text if setvar is not None else ""
        result[ident] = not _php_empty(decided)
    return result


def _score_is_100(setvar: etree._Element) -> bool:
    try:
        return float((setvar.text or "").strip()) == 100
    except ValueError:
        return False


def moodle_choices(item: Item) -> frozenset[str]:
    if item.profile == "cc.multiple_response.v0p1":
        keyed = set()
        for condition in item.conditions:
            if any(s.get("varname") == "SCORE" and _score_is_100(s) for s in condition.iterfind("q:setvar", Q)):
                for varequal in condition.iterfind("q:conditionvar//q:varequal", Q):
                    if varequal.get("case") == "Yes" and _local(varequal.getparent()) != "not":
                        keyed.add(varequal.text or "")
        if keyed:
            # Keyed choices get 1/n of the mark; the others keep what get_score() gave them.
            others = {i for i, ok in moodle_choice_scores(item).items() if ok}
            return frozenset((keyed | others) & {i for i, _ in item.labels})
    return frozenset(i for i, ok in moodle_choice_scores(item).items() if ok)


def moodle_answers(item: Item) -> list[str]:
    for condition in item.conditions:
        if any((s.text or "") == "100" for s in condition.iterfind("q:setvar", Q)):
            return [(v.text or "") for v in condition.findall("q:conditionvar/q:varequal", Q) if v.text]
    return []
