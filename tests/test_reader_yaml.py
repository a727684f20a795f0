"""YAML is read as plain data: safely, quickly, and with the line of every problem."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from ilead_shell.reader.yaml_source import YamlSyntaxError, load_yaml, split_front_matter


def problem(text: str, first_line: int = 1) -> str:
    with pytest.raises(YamlSyntaxError) as caught:
        load_yaml(text, "f.yml", first_line)
    return caught.value.diagnostic.format()


@pytest.mark.parametrize("tag", [
    "!!python/object/apply:os.system ['touch pwned']",
    "!!python/name:os.getcwd ''",
    "!!python/module:os ''",
    "!!python/object:collections.OrderedDict {}",
    "!<tag:yaml.org,2002:python/object/apply:os.system> ['touch pwned']",
])
def test_python_tags_are_refused_never_run(tag, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    found = problem(f"title: x\nversion: {tag}\n")
    assert found.startswith("f.yml:2: error: YAML: YAML tag not allowed")
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("text, line, says", [
    ("a: 1\nb: [1, 2\n", 2, "opened with [ on this line is not closed"),  # the line of the unclosed '[', not the end
    ("a: 1\n\tb: 2\n", 2, "YAML"),
    ("a: 1\nstart: 2027-02-30\n", 2, "not a valid date"),
    ("a: 1\nlist:\n  - {b: 2027-13-01}\n", 3, "not a valid date"),
    ("title: A\ncode: B\ntitle: C\n", 3, "key 'title' is written twice"),
    ("x:\n  - {id: 1, id: 2}\n", 2, "key 'id' is written twice"),
    # Two mappings with a repeated key: the one that opens first is named, inner or outer.
    ("a:\n  b: 1\n  b: 2\na: 3\n", 4, "key 'a' is written twice"),
    ("a:\n  b: 1\n  b: 2\nc: {d: 1, d: 2}\n", 3, "key 'b' is written twice"),
    ("a: &x {b: 1, b: 2}\nc: *x\nc: 3\n", 3, "key 'c' is written twice"),
    ("a: 1\n---\nb: 2\n", 2, "single document"),
    ("a: *missing\n", 1, "undefined alias"),
    ("[" * 3000 + "]" * 3000, 1, "nested more than 50 levels deep"),
    ("[" * 51 + "]" * 51, 1, "nested more than 50 levels deep"),
    ("a:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 60)), 50, "nested more than 50 levels deep"),
])
def test_syntax_problems_are_located(text, line, says):
    found = problem(text)
    assert found.startswith(f"f.yml:{line}: error: YAML"), found
    assert says in found


def test_lines_count_from_where_the_yaml_starts_in_the_file():
    assert problem("title: A\ntitle: B\n", first_line=2).startswith("f.yml:3: error:")


def test_a_yaml_bomb_is_refused_quickly():
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"] + [
        f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    started = time.perf_counter()
    found = problem("\n".join(levels) + "\n")
    assert time.perf_counter() - started < 2
    assert "expand to more than" in found


def test_a_value_containing_itself_is_refused():
    assert "refer to themselves" in problem("a: &a [1, *a]\n")


def test_ordinary_anchors_and_merge_keys_still_work():
    data = load_yaml("base: &b {x: 1}\nuse: *b\nmerged: {<<: *b, y: 2}\n", "f.yml").data
    assert data == {"base": {"x": 1}, "use": {"x": 1}, "merged": {"x": 1, "y": 2}}


def test_line_of_finds_keys_and_list_entries():
    document = load_yaml("title: A\noutcomes:\n  - id: X\n    text: y\n  - id: Z\n", "f.yml", 2)
    assert document.line_of(("title",)) == 2
    assert document.line_of(("outcomes", 1)) == 6
    assert document.line_of(("outcomes", 1, "id")) == 6
    assert document.line_of(("outcomes", 0, "text")) == 5
    assert document.key_line(("outcomes",)) == 3
    assert document.line_of(("nothing", "here")) == 2


@pytest.mark.parametrize("text, yaml_text, body, body_line", [
    ("---\ntitle: A\n---\nBody\n", "title: A", "Body\n", 4),
    ("---\ntitle: A\n...\nBody", "title: A", "Body", 4),
    ("---\n---\n", "", "", 3),
    ("No front matter\n", None, "No front matter\n", 1),
])
def test_front_matter_split_keeps_line_numbers(text, yaml_text, body, body_line):
    split = split_front_matter(text)
    assert (split.yaml_text, split.body, split.body_first_line) == (yaml_text, body, body_line)


def test_unclosed_front_matter_is_an_error():
    with pytest.raises(ValueError, match="no closing '---'"):
        split_front_matter("---\ntitle: A\nBody\n")


def test_each_yaml_document_of_a_course_is_parsed_once_with_the_c_parser_when_there_is_one(monkeypatch):
    import yaml

    import ilead_shell.reader.course_reader as course_reader
    from ilead_shell.reader import read_course
    from ilead_shell.reader.yaml_source import _Loader

    if yaml.__with_libyaml__:
        from yaml.cyaml import CParser
        assert CParser in _Loader.__mro__
    parsed: list[str] = []
    real = course_reader.load_yaml
    monkeypatch.setattr(course_reader, "load_yaml", lambda text, path, *a: parsed.append(path) or real(text, path, *a))
    read_course(Path(__file__).parent / "roots" / "fidelity")
    assert len(parsed) == len(set(parsed)) > 10, sorted(parsed)


GOOD_DOCUMENTS = [
    "title: A\ncode: B\n", "a: [1, 2.5, 'x', \"y\", null, true, 2027-02-01]\n", "a:\n  - b: 1\n    c: |\n      two\n      lines\n",
    "base: &b {x: 1}\nplain: 2\n", "merged: {<<: {x: 1}, y: 2}\n", "# a comment\nk: >\n  folded\n  text\n",
    "é: ü\n'quoted key': 1\n? complex\n: value\n", "", "just a scalar\n", "- [a, {b: c}]\n- ~\n",
]


def _tree(node):
    import yaml

    if node is None:
        return None
    marks = (type(node).__name__, node.tag, node.start_mark.line, node.start_mark.column, node.end_mark.line)
    if isinstance(node, yaml.ScalarNode):
        return marks + (node.value, node.style)
    if isinstance(node, yaml.SequenceNode):
        return marks + (node.flow_style, tuple(_tree(child) for child in node.value))
    return marks + (node.flow_style, tuple((_tree(k), _tree(v)) for k, v in node.value))


@pytest.mark.parametrize("text", GOOD_DOCUMENTS)
def test_libyamls_composer_gives_the_counting_composers_nodes_and_data(text):
    from ilead_shell.reader import yaml_source

    fast = yaml_source._composed_by_libyaml(text)
    if not yaml_source._LIBYAML:
        pytest.skip("PyYAML without libyaml")
    assert fast is not None
    loader = yaml_source._Loader(text)
    node = loader.get_single_node()
    data = loader.construct_document(node) if node is not None else None  # '<<' merges into the nodes
    assert fast[0] == data
    assert _tree(fast[1]) == _tree(node)


@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n", "a: &x 1\nb: *x\n", 'a: "\\x01"\n', "a: !!python/object:os.system x\n", "a: 2027-02-30\n",
    "a: [1, 2\n", "[" * 51 + "]" * 51, "a:\n  b:\n    c: 1\n    c: 2\n", "a: 1\n---\nb: 2\n",
])
def test_what_the_counting_read_would_refuse_is_left_to_it(text):
    from ilead_shell.reader import yaml_source

    assert yaml_source._composed_by_libyaml(text) is None


def test_more_values_than_the_limit_are_left_to_the_counting_read(monkeypatch):
    from ilead_shell.reader import limits, yaml_source

    text = "a: [1, 2, 3]\n"  # six values: the mapping, its key, the list and its three entries
    assert yaml_source._composed_by_libyaml(text) is not None
    monkeypatch.setattr(limits, "MAX_YAML_VALUES", 5)
    assert yaml_source._composed_by_libyaml(text) is None
    assert "more than 5 values" in problem(text)
    monkeypatch.setattr(limits, "MAX_YAML_VALUES", 6)
    assert yaml_source._composed_by_libyaml(text) is not None
