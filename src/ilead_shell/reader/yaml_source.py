"""YAML loading that keeps line numbers, and front matter splitting.

One parse per document: libyaml's C parser (when PyYAML has it) produces the events, a
composer of our own turns them into the node tree, and PyYAML's safe constructor builds
the data from that tree.  The node tree answers "which line holds this key?" for
validation messages.  The safe constructor never executes tags such as
``!!python/object``; it raises, and we turn that into a located error.  The composer
counts as it goes, so an oversized or deeply nested document stops at the limit
(:mod:`.limits`) instead of after minutes and gigabytes, and a value that holds a control
character (``"\\x01"`` or ``"\\0"`` are valid YAML escapes) is refused where it is written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from ..errors import Diagnostic, error
from . import limits
from .limits import megabytes
from .text_files import describe, forbidden_character

_LIBYAML = getattr(yaml, "__with_libyaml__", False)
if _LIBYAML:
    from yaml.cyaml import CParser as _Parser

    def _start_parser(loader: Any, text: str) -> None:
        _Parser.__init__(loader, text)
else:  # pragma: no cover - PyYAML built without libyaml
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _Parser(Reader, Scanner, _PyParser):  # type: ignore[no-redef]
        pass

    def _start_parser(loader: Any, text: str) -> None:
        Reader.__init__(loader, text)
        Scanner.__init__(loader)
        _PyParser.__init__(loader)


class _LimitReached(Exception):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message, self.line = message, line


class _CountingComposer(Composer):
    """PyYAML's composer, counting values and depth and checking each scalar as it is read."""

    def compose_node(self, parent, index):  # noqa: D102 - PyYAML's hook
        self._values += 1
        if self._values > limits.MAX_YAML_VALUES:
            raise _LimitReached(f"more than {limits.MAX_YAML_VALUES} values in one document; split the data "
                                "or write less of it", self.peek_event().start_mark.line)
        self._depth += 1
        try:
            if self._depth > limits.MAX_YAML_DEPTH:
                raise _LimitReached(f"lists and mappings are nested more than {limits.MAX_YAML_DEPTH} levels deep",
                                    self.peek_event().start_mark.line)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_scalar_node(self, anchor):  # noqa: D102 - PyYAML's hook
        node = super().compose_scalar_node(anchor)
        at = forbidden_character(node.value)
        if at is not None:
            # Raw control characters are refused with the file; these come from escapes ("\\x0b").
            line = node.start_mark.line
            if node.style == "|":
                line += 1 + node.value.count("\n", 0, at)
            raise _LimitReached(f"this value holds {describe(ord(node.value[at]))}, which cannot be packaged "
                                "(no LMS can store it); remove it from the value", line)
        return node

    def compose_mapping_node(self, anchor):  # noqa: D102 - PyYAML's hook
        # Mappings are numbered in the order they open, the order in which _duplicate_key met
        # them when it walked the finished tree: the first one with a repeated key is reported.
        opened = self._values
        node = super().compose_mapping_node(anchor)
        if self.duplicate is None or opened < self.duplicate[0]:
            problem = _repeated_key(node)
            if problem is not None:
                self.duplicate = (opened, *problem)
        return node

    def compose_document(self):  # noqa: D102 - PyYAML's, less forgetting whether an anchor was set
        self.get_event()
        node = self.compose_node(None, None)
        self.get_event()
        self.anchored = bool(self.anchors)
        self.anchors = {}
        return node


class _Loader(_CountingComposer, _Parser, SafeConstructor, Resolver):
    def __init__(self, text: str):
        _start_parser(self, text)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._values = 0
        self._depth = 0
        self.anchored = False
        self.duplicate: tuple[int, str, int] | None = None


@dataclass
class YamlDocument:
    data: Any
    node: yaml.Node | None
    path: str
    first_line: int  # line of the file where the YAML text starts (1-based)

    def line_of(self, loc: tuple[Any, ...]) -> int:
        """The line of the value at ``loc`` (keys and indexes), or of its nearest parent."""
        node = self.node
        line = node.start_mark.line if node is not None else 0
        for step in loc:
            if isinstance(node, yaml.MappingNode):
                match = next((v for k, v in node.value if getattr(k, "value", None) == str(step)), None)
                if match is None:
                    match_key = next((k for k, v in node.value if getattr(k, "value", None) == str(step)), None)
                    if match_key is not None:
                        line = match_key.start_mark.line
                    break
                node = match
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                node = node.value[step]
            else:
                break
            line = node.start_mark.line
        return self.first_line + line

    def scalar_text(self, loc: tuple[Any, ...]) -> str | None:
        """The value at ``loc`` as written in the file (``no`` for the boolean False), if a scalar."""
        node = self.node
        for step in loc:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if getattr(k, "value", None) == str(step)), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                node = node.value[step]
            else:
                return None
        return node.value if isinstance(node, yaml.ScalarNode) else None

    def key_line(self, loc: tuple[Any, ...]) -> int:
        """The line where the last key of ``loc`` is written (for 'unknown key' messages)."""
        node = self.node
        parent_loc, key = loc[:-1], loc[-1] if loc else None
        line = self.line_of(parent_loc)
        for step in parent_loc:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if getattr(k, "value", None) == str(step)), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                node = node.value[step]
        if isinstance(node, yaml.MappingNode):
            for k, _ in node.value:
                if getattr(k, "value", None) == str(key):
                    return self.first_line + k.start_mark.line
        return line


class YamlSyntaxError(Exception):
    def __init__(self, diagnostic: Diagnostic):
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def load_yaml(text: str, path: str, first_line: int = 1) -> YamlDocument:
    """Parse YAML safely, once; raise :class:`YamlSyntaxError` with the offending line."""
    size = len(text.encode("utf-8"))
    if size > limits.MAX_YAML_BYTES:
        raise YamlSyntaxError(error(f"YAML: {megabytes(size)} of YAML, more than the "
                                    f"{megabytes(limits.MAX_YAML_BYTES)} one document may hold; split the data "
                                    "or write less of it", path, first_line))
    composed = _composed_by_libyaml(text)
    if composed is not None:
        return YamlDocument(*composed, path, first_line)
    node = None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        # Without an anchor there is no alias: every value was composed once, and the composer
        # counted them (at most the limit, or it stopped); only aliases can make the tree larger.
        if loader.anchored and _expanded_size(node) > limits.MAX_YAML_VALUES:
            raise YamlSyntaxError(error(f"YAML: its aliases (*name) expand to more than {limits.MAX_YAML_VALUES} "
                                        "values or refer to themselves; write the data out instead", path, first_line))
        if loader.duplicate is not None:
            _, key, line = loader.duplicate
            raise YamlSyntaxError(error(f"YAML: key '{key}' is written twice in one mapping; "
                                        "only one would be kept", path, first_line + line))
        data = loader.construct_document(node) if node is not None else None
    except _LimitReached as exc:
        raise YamlSyntaxError(error(f"YAML: {exc.message}", path, first_line + exc.line)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.problem_mark is not None and exc.context_mark is not None and exc.problem_mark.index >= len(text):
            mark = exc.context_mark  # at the end of the text: the line that opened what is unclosed
        line = first_line + mark.line if mark else first_line
        problem = exc.problem or "invalid YAML"
        if exc.context and ("constructor" in type(exc).__name__.lower() or problem.startswith("but ")):
            problem = f"{exc.context} {problem}".strip()  # "expected a single document ... but found another"
        if isinstance(exc, yaml.constructor.ConstructorError):
            problem = f"YAML tag not allowed ({problem}); only plain YAML data is read"
        if "maximum nesting depth" in problem:  # libyaml's own limit (1000) may stop it first
            problem = f"lists and mappings are nested more than {limits.MAX_YAML_DEPTH} levels deep"
        unclosed = _unclosed_quote(text, (exc.problem_mark or exc.context_mark).line if mark else 0)
        if unclosed is not None and not isinstance(exc, yaml.constructor.ConstructorError):
            # The parser stops where the runaway value ends (the next quote, or the end): the
            # mistake is where the value opens.
            at, quote = unclosed
            line = first_line + at
            inner = '\\"' if quote == '"' else "''"
            problem = (f"the value quoted with {quote} on this line has no closing {quote}; "
                       f"end it on the same line (a {quote} inside it is written {inner})")
        elif exc.context and exc.context.startswith("while parsing a flow") and exc.context_mark is not None \
                and exc.problem_mark is not None and exc.problem_mark.line > exc.context_mark.line:
            # '[a, b' without its ']': the parser runs on to the next lines and stops there.
            line = first_line + exc.context_mark.line
            opened = "[" if "sequence" in exc.context else "{"
            closing = "]" if opened == "[" else "}"
            problem = (f"the {'list' if opened == '[' else 'mapping'} opened with {opened} on this line is not "
                       f"closed; end it with {closing} (or write one entry per line)")
        raise YamlSyntaxError(error(f"YAML: {problem}", path, line)) from None
    except yaml.reader.ReaderError as exc:
        line = first_line + text.count("\n", 0, max(exc.position, 0))
        raise YamlSyntaxError(error(f"YAML: {describe(exc.character if isinstance(exc.character, int) else 0)} "
                                    "is not allowed in YAML; delete it", path, line)) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(error(f"YAML: {exc}", path, first_line)) from None
    except ValueError as exc:
        # PyYAML builds dates itself and lets datetime's ValueError escape for 2027-02-30.
        line = first_line + _line_of_bad_scalar(node)
        raise YamlSyntaxError(error(f"YAML: not a valid date ({exc}); write YYYY-MM-DD", path, line)) from None
    except RecursionError:
        raise YamlSyntaxError(error("YAML: nested too deeply to read", path, first_line)) from None
    return YamlDocument(data, node, path, first_line)


class _FastLoader(_Parser, SafeConstructor, Resolver):  # yaml.CSafeLoader, with our own parser class
    def __init__(self, text: str):
        _start_parser(self, text)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)


def _composed_by_libyaml(text: str) -> tuple[Any, yaml.Node | None] | None:
    """(data, node tree) from libyaml's own composer, a C loop, for a document that load_yaml
    would take as it is; None for any other (it is then read again the counting way, which
    says what is wrong where).  Both composers build the same nodes from the same events."""
    if not _LIBYAML:
        return None
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        if not _taken_as_it_is(node):
            return None
        return (loader.construct_document(node) if node is not None else None), node
    except Exception:  # noqa: BLE001 - whatever it is, the counting read reports it
        return None


def _taken_as_it_is(node: yaml.Node | None) -> bool:
    """What the counting composer checks, on the finished tree: no more values or depth than
    the limits, no character that cannot be packaged, no key written twice, and no alias (the
    counting read weighs what aliases expand to)."""
    if node is None:
        return True
    stack: list[tuple[yaml.Node, int]] = [(node, 1)]
    seen: set[int] = set()
    while stack:
        current, depth = stack.pop()
        if id(current) in seen or depth > limits.MAX_YAML_DEPTH or len(seen) >= limits.MAX_YAML_VALUES:
            return False
        seen.add(id(current))
        if isinstance(current, yaml.ScalarNode):
            if forbidden_character(current.value) is not None:
                return False
        elif isinstance(current, yaml.MappingNode):
            if _repeated_key(current) is not None:
                return False
            stack.extend((child, depth + 1) for pair in current.value for child in pair)
        else:
            stack.extend((child, depth + 1) for child in current.value)
    return True


_QUOTED_VALUE = re.compile(r"""^(?P<lead>\s*(?:-\s+)*(?:[^\s#'"\[\]{}][^#'"\[\]{}]*?:\s+)?)(?P<quote>["'])""")


def _unclosed_quote(text: str, error_line: int) -> tuple[int, str] | None:
    """(0-based line, quote) of a value opened with a quote that runs on to ``error_line`` or
    the end of the text without being closed on its own line; None when there is none."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    number = 0
    while number <= min(error_line, len(lines) - 1):
        match = _QUOTED_VALUE.match(lines[number])
        if not match:
            number += 1
            continue
        quote = match.group("quote")
        end = _closing_quote(text, offsets[number] + match.end(), quote)
        end_line = text.count("\n", 0, end) if end is not None else len(lines)
        if end_line >= error_line and end_line > number:
            return number, quote
        number = end_line + 1  # a value that closes (on its line, or later as YAML allows)
    return None


def _closing_quote(text: str, start: int, quote: str) -> int | None:
    index = start
    while index < len(text):
        char = text[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and text[index + 1:index + 2] == "'":
                index += 2
                continue
            return index
        index += 1
    return None


def _walk(node: yaml.Node | None):
    """Every node once, even when aliases make the tree a graph (so a YAML bomb stays cheap)."""
    stack = [node] if node is not None else []
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, yaml.MappingNode):
            stack.extend(v for pair in reversed(current.value) for v in reversed(pair))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(reversed(current.value))




def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _expanded_size(node: yaml.Node | None) -> int:
    """How many values the document holds once aliases are expanded (memoised, so linear).

    A value that contains itself (``&a [*a]``) counts as too large: it never ends.
    """
    if node is None:
        return 0
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        current, children_done = stack.pop()
        key = id(current)
        if key in sizes:
            continue
        children = _children(current)
        if children_done or not children:
            open_nodes.discard(key)
            sizes[key] = min(1 + sum(sizes[id(c)] for c in children), limits.MAX_YAML_VALUES + 1)
            continue
        if key in open_nodes:
            return limits.MAX_YAML_VALUES + 1
        open_nodes.add(key)
        stack.append((current, True))
        for child in children:
            if id(child) in open_nodes:
                return limits.MAX_YAML_VALUES + 1
            if id(child) not in sizes:
                stack.append((child, False))
    return sizes[id(node)]


def _line_of_bad_scalar(node: yaml.Node | None) -> int:
    """The 0-based line of the first timestamp-looking scalar that is not a real date."""
    for current in _walk(node):
        if isinstance(current, yaml.ScalarNode) and current.tag == "tag:yaml.org,2002:timestamp":
            try:
                yaml.SafeLoader.construct_yaml_timestamp(yaml.SafeLoader(""), current)
            except ValueError:
                return current.start_mark.line
            except Exception:  # noqa: BLE001 - only locating here; the caller reports
                continue
    return 0


def _repeated_key(mapping: yaml.MappingNode) -> tuple[str, int] | None:
    """PyYAML keeps the last of two equal keys silently; authors lose the first value."""
    seen: set[str] = set()
    for key, _ in mapping.value:
        if isinstance(key, yaml.ScalarNode):
            if key.value in seen:
                return key.value, key.start_mark.line
            seen.add(key.value)
    return None


@dataclass
class FrontMatterSplit:
    yaml_text: str | None
    yaml_first_line: int
    body: str
    body_first_line: int


def split_front_matter(text: str) -> FrontMatterSplit:
    """Split ``---``-fenced YAML front matter from a Markdown body, keeping line offsets."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return FrontMatterSplit(None, 0, text, 1)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1:])
            return FrontMatterSplit(yaml_text, 2, body, index + 2)
    raise ValueError("front matter starts with '---' on line 1 but has no closing '---'")
