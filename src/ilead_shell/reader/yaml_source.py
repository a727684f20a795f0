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
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + mark.line if mark else first_line
        problem = exc.problem or "invalid YAML"
        if exc.context and "constructor" in type(exc).__name__.lower():
            problem = f"{exc.context} {problem}".strip()
        if isinstance(exc, yaml.constructor.ConstructorError):
            problem = f"YAML tag not allowed ({problem}); only plain YAML data is read"
        raise YamlSyntaxError(error(f"YAML: {problem}", path, line)) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(error(f"YAML: {exc}", path, first_line)) from None
    return YamlDocument(data, node, path, first_line)


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
