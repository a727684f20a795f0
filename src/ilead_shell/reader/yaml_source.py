"""YAML loading that keeps line numbers, and front matter splitting.

PyYAML's safe loader never executes tags such as ``!!python/object``; it raises, and we
turn that into a located error.  Data is constructed with ``safe_load`` while the node
tree from ``compose`` answers "which line holds this key?" for validation messages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from ..errors import Diagnostic, error


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
    """Parse YAML safely; raise :class:`YamlSyntaxError` with the offending line."""
    node = None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark else first_line
        problem = exc.problem or "invalid YAML"
        if exc.context and ("constructor" in type(exc).__name__.lower() or problem.startswith("but ")):
            problem = f"{exc.context} {problem}".strip()  # "expected a single document ... but found another"
        if isinstance(exc, yaml.constructor.ConstructorError):
            problem = f"YAML tag not allowed ({problem}); only plain YAML data is read"
        raise YamlSyntaxError(error(f"YAML: {problem}", path, line)) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(error(f"YAML: {exc}", path, first_line)) from None
    except ValueError as exc:
        # PyYAML builds dates itself and lets datetime's ValueError escape for 2027-02-30.
        line = first_line + _line_of_bad_scalar(node)
        raise YamlSyntaxError(error(f"YAML: not a valid date ({exc}); write YYYY-MM-DD", path, line)) from None
    except RecursionError:
        raise YamlSyntaxError(error("YAML: nested too deeply to read", path, first_line)) from None
    if _expanded_size(node) > MAX_VALUES:
        raise YamlSyntaxError(error(f"YAML: its aliases (*name) expand to more than {MAX_VALUES} values "
                                    "or refer to themselves; write the data out instead", path, first_line))
    problem = _duplicate_key(node)
    if problem is not None:
        key, line = problem
        raise YamlSyntaxError(error(f"YAML: key '{key}' is written twice in one mapping; "
                                    "only one would be kept", path, first_line + line))
    return YamlDocument(data, node, path, first_line)


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


MAX_VALUES = 100_000


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
            sizes[key] = min(1 + sum(sizes[id(c)] for c in children), MAX_VALUES + 1)
            continue
        if key in open_nodes:
            return MAX_VALUES + 1
        open_nodes.add(key)
        stack.append((current, True))
        for child in children:
            if id(child) in open_nodes:
                return MAX_VALUES + 1
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


def _duplicate_key(node: yaml.Node | None) -> tuple[str, int] | None:
    """PyYAML keeps the last of two equal keys silently; authors lose the first value."""
    for current in _walk(node):
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key, _ in current.value:
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
