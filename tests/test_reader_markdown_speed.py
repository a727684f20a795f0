"""The reader's Markdown shortcuts give the HTML that converting every text afresh gives.

The reader skips Python-Markdown for a plain line of words (most choices and feedback) and
converts an identical short text once per read.  Neither may change a byte: the HTML must be
Python-Markdown's.  Footnote ids come from each text alone (footnote_key), so they stay put when
other texts are edited or reordered.
"""

from __future__ import annotations

import random
from pathlib import Path

import markdown
import pytest

from ilead_shell.reader import read_course
from ilead_shell.reader.markdown_render import (
    EXTENSIONS, PLAIN_TEXT, CourseFiles, MarkdownRenderer, ModuleScope, _nest_headings, footnote_key,
)

# Every character Markdown gives a meaning to, with the ones the shortcut allows.
ALPHABET = "aZé漢1٣ _*`[]()<>&#\\!{}|~=+^:;,.?'\"%/-\t\n" + "  ..--"


def fresh_markdown() -> markdown.Markdown:
    return markdown.Markdown(extensions=EXTENSIONS, output_format="html",
                             extension_configs={"toc": {"permalink": False}, "footnotes": {"UNIQUE_IDS": True}})


def converted_afresh(texts: list[str]) -> list[str]:
    """What the reader gave before any shortcut: one reset and one conversion per text."""
    md = fresh_markdown()
    footnotes = next(e for e in md.registeredExtensions if hasattr(e, "unique_prefix"))
    out = []
    for text in texts:
        md.reset()
        footnotes.unique_prefix = footnote_key(text)
        out.append(_nest_headings(md.convert(text)))
    return out


def random_texts(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    starts = "aZé漢1-*#>  [<&!"
    return [rng.choice(starts) + "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12)))
            for _ in range(count)]


def test_a_plain_line_is_what_python_markdown_makes_of_it():
    texts = random_texts(60000, seed=12)
    plain = [t for t in texts if PLAIN_TEXT.fullmatch(t)]
    assert len(plain) > 300  # the alphabet reaches the shortcut often enough to test it
    md = fresh_markdown()
    for text in plain:
        md.reset()
        assert md.convert(text) == f"<p>{text}</p>", text


@pytest.mark.parametrize("text", [
    "- a", "1. a", "# a", "> a", "a  ", " a", "a\nb", "a *b*", "a_b_", "a `b`", "a [b](c)", "a <b>",
    "a & b", "a \\b", "a {: #x}", "a | b", "a~~", "Term\n:   Def", "!!! note", "2024. A year",
])
def test_text_with_markdown_in_it_is_converted(text):
    assert not PLAIN_TEXT.fullmatch(text)


def renderer(tmp_path: Path) -> MarkdownRenderer:
    files = CourseFiles(root=tmp_path, assets_dir=None)
    return MarkdownRenderer(files)


def test_shortcuts_leave_every_text_and_footnote_id_as_a_conversion_of_each_would(tmp_path):
    # Plain lines, repeated texts and footnotes interleaved.
    texts = ["True", "Text.[^n]\n\n[^n]: Note.", "False", "**Bold** choice", "True", "**Bold** choice",
             "Yes.", "Again.[^n]\n\n[^n]: Note.", "## Heading\n\n## Heading", "## Heading\n\n## Heading",
             "Text.[^n]\n\n[^n]: Note."] + random_texts(400, seed=3)
    texts = [t for t in texts if t.strip()]
    scope = ModuleScope("m", tmp_path)
    rendering = renderer(tmp_path)
    diagnostics = []
    got = [rendering.render(t, tmp_path / "page.md", 1, scope, diagnostics).html for t in texts]
    expected = converted_afresh(texts)
    # Random texts may hold a broken link or a bad reference: those become errors either way.
    for text, mine, theirs in zip(texts, got, expected):
        if "href" not in theirs and "src=" not in theirs and "&#" not in theirs:
            assert mine == theirs, text
    assert 'class="footnote"' in got[7] and got[7] == expected[7]


def test_a_footnote_id_depends_on_its_own_text_not_on_the_texts_before_it(tmp_path):
    noted = "Text.[^n]\n\n[^n]: Note."
    scope = ModuleScope("m", tmp_path)

    def footnoted_after(before: list[str]) -> str:
        rendering = renderer(tmp_path)
        for text in before:
            rendering.render(text, tmp_path / "page.md", 1, scope, [])
        return rendering.render(noted, tmp_path / "page.md", 1, scope, []).html

    alone = footnoted_after([])
    assert f'id="fn:{footnote_key(noted)}-n"' in alone
    assert footnoted_after(["**One** page.", "Another.[^a]\n\n[^a]: A.", "Plain words."]) == alone
    assert footnoted_after(["An edited page, longer now."]) == alone


def test_a_course_reads_the_same_with_the_shortcuts_off(tmp_path, monkeypatch):
    files = {
        "course.yml": "title: M\ncode: M\n",
        "modules/01-m/module.md": "---\ntitle: M\n---\nOverview.[^o]\n\n[^o]: Overview note.\n",
        "modules/01-m/01-quiz.md": "---\ntitle: Quiz\ntype: quiz\n---\n### One\nPick one.\n\n- [x] True\n"
                                   "  > Yes.\n- [ ] False\n\n### Two\nWith a note.[^q]\n\n[^q]: A note.\n\n"
                                   "- [x] True\n- [ ] False\n  > **No**.\n",
        "modules/01-m/02-page.md": "---\ntitle: Page\n---\nBody.[^p]\n\n[^p]: Page note.\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    with_shortcuts = read_course(tmp_path).model_dump_json()
    monkeypatch.setattr("ilead_shell.reader.markdown_render.PLAIN_TEXT", _Never())
    monkeypatch.setattr("ilead_shell.reader.markdown_render._MEMO_MAX_LENGTH", -1)
    assert read_course(tmp_path).model_dump_json() == with_shortcuts


class _Never:
    def fullmatch(self, text):
        return None


def _nesting_texts(count: int, seed: int) -> list[str]:
    """Lines of indentation, quote markers, list openers and fences, near and past the limit."""
    rng = random.Random(seed)

    def line() -> str:
        # Around the shortcut's bounds (seven or eight leading tabs or spaces, twelve '>') and the limit.
        indent = "".join(rng.choice([" ", "    ", "\t", "\t"]) for _ in range(rng.choice([0, 1, 6, 7, 7, 8, 20])))
        quotes = "".join(rng.choice(["> ", ">", " >"]) for _ in range(rng.choice([0, 0, 1, 4, 12, 12, 13, 19])))
        rest = rng.choice(["", "a", "- a", "1. a", "!!! note", "```", "~~~", "<p>a</p>", "a > b"])
        return indent + quotes + rest

    return ["\n".join(line() for _ in range(rng.randint(1, 3))) for _ in range(count)]


def test_the_nesting_shortcut_finds_what_the_line_by_line_count_finds():
    from ilead_shell.reader.markdown_render import _too_deep_line, _too_deep_markdown

    # At the bounds: seven tabs (28 columns) and twelve or thirteen markers, or eight tabs.
    edges = ["\t" * tabs + "> " * quotes + "- a" for tabs in (6, 7, 8) for quotes in (11, 12, 13)]
    assert [_too_deep_line(t) is not None for t in edges] == [False] * 5 + [True, False, True, True]
    texts = edges + _nesting_texts(6000, seed=5)
    found = [_too_deep_markdown(t) for t in texts]
    assert found == [_too_deep_line(t) for t in texts]
    assert 300 < sum(f is not None for f in found) < 5700  # both answers are exercised


def test_the_html_depth_shortcut_finds_what_counting_every_tag_finds():
    from ilead_shell.reader import markdown_render

    rng = random.Random(8)
    pieces = ["<div>"] * 3 + ["<b>"] * 2 + ["</b>", "</div>", "<br>", "x", "<img/>", "<"]
    limit = 12
    texts = ["<div>" * limit, "<div>" * (limit + 1), "<p>" * (limit + 1) + "x"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 40))) for _ in range(3000)]
    found = [markdown_render._naive_depth(t, limit) for t in texts]
    # Counted tag by tag: a lone '<' opens no element, and enough of them turn the shortcut off.
    counted = [markdown_render._naive_depth(t + "<" * (limit + 1), limit) for t in texts]
    assert found == counted
    assert 100 < sum(f is not None for f in found) < 2900


@pytest.mark.parametrize("tag", ['<p>', '<h2 id="x">', '<img alt="a" SRC="images/a.png">', "<a HREF='b.md'>",
                                 '<video poster=p.png>', '<a title="href=x" href="c.md">', '<p data-src="d.png">',
                                 '<image xlink:href="e.png">'])
def test_a_tag_without_a_url_attribute_is_left_alone_and_one_with_it_is_rewritten(tag):
    from ilead_shell.reader.markdown_render import _rewrite_url_attributes

    seen = []
    _rewrite_url_attributes(tag, lambda value: seen.append(value))
    names = {"images/a.png", "b.md", "p.png", "c.md", "e.png"}
    assert seen == [v for v in ["images/a.png", "b.md", "p.png", "c.md", "e.png"] if v in tag]
    assert all(v in names for v in seen)


# -- converting ahead in two processes ----------------------------------------------------------------
ROOTS = Path(__file__).parent / "roots"
COURSE_SOURCE = Path(__file__).parent.parent / "course_source"


@pytest.mark.parametrize("root", [ROOTS / "fidelity", COURSE_SOURCE], ids=["fidelity", "course_source"])
def test_a_course_converted_ahead_in_two_processes_reads_as_one_process_reads_it(root, monkeypatch, forking):
    import ilead_shell.reader.markdown_render as markdown_render

    alone = read_course(root).model_dump_json()
    ahead = []
    real = markdown_render.MarkdownRenderer.convert_ahead

    def counting(self, texts, processes):
        real(self, texts, processes)
        ahead.append(len(self._ahead))

    monkeypatch.setattr(markdown_render, "PARALLEL_MIN_CHARACTERS", 0)
    monkeypatch.setattr(markdown_render.MarkdownRenderer, "convert_ahead", counting)
    monkeypatch.setattr("ilead_shell.workers.available_cpus", lambda: 2)
    assert read_course(root).model_dump_json() == alone
    assert ahead and ahead[0] > 5, "nothing was converted ahead: the two-process path went untested"


def test_a_text_too_deep_to_convert_ahead_is_reported_as_one_process_reports_it(tmp_path, monkeypatch):
    from ilead_shell.errors import CourseError
    from ilead_shell.reader import load_course

    deep = "".join("  " * level + "- item\n" for level in range(80))
    files = {
        "course.yml": "title: M\ncode: M\n",
        "modules/01-m/module.md": "---\ntitle: M\n---\nOverview with **words**.\n",
        "modules/01-m/01-page.md": "---\ntitle: Page\n---\nIntro *text*.\n\n" + deep,
        "modules/01-m/02-page.md": "---\ntitle: Other\n---\nA [link](01-page.md) and *more*.\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")

    def errors() -> list[str]:
        with pytest.raises(CourseError) as failure:
            load_course(tmp_path)
        return [d.format() for d in failure.value.diagnostics]

    alone = errors()
    assert any("01-page.md:" in line and "nested" in line for line in alone)
    monkeypatch.setattr("ilead_shell.reader.markdown_render.PARALLEL_MIN_CHARACTERS", 0)
    monkeypatch.setattr("ilead_shell.workers.available_cpus", lambda: 2)
    assert errors() == alone
