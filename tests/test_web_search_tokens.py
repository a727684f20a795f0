"""The search index's fast tokeniser and counting agree with the plain definitions.

``fold`` and ``build_index`` were rewritten for speed (marks removed with one
``str.translate``, terms counted with ``Counter``).  These tests hold them to the
straightforward versions they replaced, on text chosen to break a shortcut, so that a
later change cannot make the preview's search drift from ``search.js`` unnoticed.
"""

from __future__ import annotations

import sys
import unicodedata

import pytest

from ilead_shell.web import PageRenderer, RenderOptions, WebLayout
from ilead_shell.web.search_index import FIELDS, SearchDocument, _WORD, build_index, fold, tokenize


def reference_fold(text: str) -> str:
    """The definition: NFKD, every combining mark (category M*) dropped, then lower case."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M")).lower()


def reference_postings(documents: list[SearchDocument]) -> tuple[dict, dict]:
    """Term -> field -> document -> count, and each field's distinct-term count, one token at a time."""
    index: dict = {}
    lengths: dict = {}
    for short_id, document in enumerate(documents):
        for field_id, field in enumerate(FIELDS):
            tokens = _WORD.findall(reference_fold(getattr(document, field)))
            lengths[(short_id, field_id)] = len(set(tokens))
            for term in tokens:
                postings = index.setdefault(term, {}).setdefault(str(field_id), {})
                postings[str(short_id)] = postings.get(str(short_id), 0) + 1
    return index, lengths


TRICKY = [
    "",
    "plain ASCII, with punctuation: (a) [b] {c}; 4,000 - 3.5% _under_score_",
    "Educación INCLUSIVA, Ñandú, Ångström, naïve café, Øresund, Łódź, Straße, ĲSSEL",
    "e\u0301te\u0301 (combining acute typed apart), a\u0308\u0304 (two marks), \u0301 leading mark",
    "ΟΔΌΣ ΣΟΦΊΑ Σ ΆΣ. final sigma after a mark: ΈΣ\u0301 ΟΣ",
    "İstanbul KIRIKKALE ı İ ǅ ǈ ǋ ﬁ ﬂ ﬃ ﬆ ſ K Å ℃ ① ⅷ ² ½ ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３",
    "中文 検索 日本語のテキスト かな カナ ｶﾀｶﾅ 한국어 조선글 ㈜ ㎏",
    "emoji 👩🏽‍💻 🇨🇦 ❤️ 1️⃣ ✊🏿 flags and ZWJ sequences",
    "Hindi हिन्दी, Tamil தமிழ், Thai ภาษาไทย, Arabic العربية مُعَلِّم, Hebrew עִבְרִית",
    "Vietnamese Tiếng Việt, Yorùbá, Māori, Hawaiʻi, Dene Sųłiné, ᐃᓄᒃᑎᑐᑦ",
    "controls\tand\nnew\u00a0lines\u2028\u200b\u200dzero\ufeffwidth \U0001d400\U0001d41a math",
    "enclosing \u20dd marks \u0488\u0489 and spacing \u0903\u093e marks",
]


@pytest.mark.parametrize("text", TRICKY)
def test_fold_is_the_plain_definition_on_tricky_text(text):
    assert fold(text) == reference_fold(text)
    assert tokenize(text) == _WORD.findall(reference_fold(text))


def test_fold_is_the_plain_definition_on_every_character_of_the_first_two_planes():
    # Runs of consecutive code points mix letters, marks and their neighbours in one text.
    for start in range(0, 0x20000, 512):
        text = "".join(chr(c) for c in range(start, start + 512) if not 0xD800 <= c < 0xE000)
        assert fold(text) == reference_fold(text), f"U+{start:04X}..U+{start + 511:04X}"


def test_fold_agrees_character_by_character_in_every_plane():
    step = 7 if sys.maxunicode > 0xFFFF else 1
    for code in range(0, sys.maxunicode + 1, step):
        if 0xD800 <= code < 0xE000:
            continue
        assert fold(chr(code)) == reference_fold(chr(code)), f"U+{code:04X}"


def test_the_index_counts_what_one_token_at_a_time_counts(full_course):
    documents = PageRenderer(full_course, WebLayout(), RenderOptions(search=True)).search_documents()
    documents += [SearchDocument(f"t{n}.html", text[:20], "", text * 2) for n, text in enumerate(TRICKY)]
    index = build_index(documents)
    postings, lengths = reference_postings(documents)
    # As lists of pairs, so that the order (what the JSON bytes hold) is compared too.
    in_order = [[term, [[field, sorted(by_document.items(), key=lambda pair: int(pair[0]))]
                        for field, by_document in sorted(postings[term].items())]] for term in sorted(postings)]
    assert [[term, [[field, list(by_document.items())] for field, by_document in fields.items()]]
            for term, fields in index["index"]] == in_order
    assert index["fieldLength"] == {str(d): [lengths[(d, f)] for f in range(len(FIELDS))]
                                    for d in range(len(documents))}


def test_ascii_text_splits_into_the_words_the_pattern_finds():
    import random

    ascii_characters = [chr(code) for code in range(128)]
    assert tokenize("".join(ascii_characters)) == _WORD.findall(reference_fold("".join(ascii_characters)))
    generator = random.Random(7)
    for _ in range(2000):
        text = "".join(generator.choice(ascii_characters + ["ab", "Z9", "  "]) for _ in range(generator.randint(0, 40)))
        assert tokenize(text) == _WORD.findall(reference_fold(text)), repr(text)


def reference_html_text(html: str) -> str:
    """html_text as first written: lxml.html's fragment parser, a <div> around the fragment."""
    from lxml import html as lxml_html

    if not html.strip():
        return ""
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    for block in root.iter("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dd", "dt", "br"):
        block.tail = " " + (block.tail or "")
    return " ".join(root.text_content().split())


HTML_FRAGMENTS = [
    "<p>One</p><p>Two</p>", "Leading text <p>then a paragraph</p> trailing", "   \n <p>x</p>", "just text",
    "<ul><li>a</li><li>b<ul><li>c</li></ul></li></ul>", "<p>a<br>b<br/>c</p>", "<h2>T</h2>x<h3>U</h3>",
    "<table><tr><th>h</th><td>d</td></tr></table><dl><dt>t</dt><dd>d</dd></dl>", "<p>&amp; &lt;b&gt; &nbsp;&#233;&eacute;</p>",
    "<!-- a comment --><p>after</p>", "<script>var x = '<p>';</script><p>s</p>", "<style>p{}</style>text",
    "<p>unclosed <b>bold <i>both</p> after", "</p>stray end<p>", "<body><p>inner body</p></body>",
    "a </body> b </html> c", "<head><title>T</title></head><p>x</p>", "<title>T</title>text", "<meta charset=utf-8>m",
    "<html><body><p>full</p></body></html>", "  <!DOCTYPE html><p>doc</p>", "<HTML><p>upper</p>",
    "<p>Educación — 中文 👩🏽‍💻 e\u0301</p>", "<![CDATA[x]]><p>y</p>", "<?php echo 1 ?><p>pi</p>", "<p>a</p>\n\n<p>b</p>",
    "<div><p>nested</p>tail</div>more", "<pre>  keep\n  lines </pre>", "<p>x<span>y</span>z</p><li>orphan</li>",
    "<svg><text>vector</text></svg>", "<math><mi>x</mi></math>", "<p></p><p> </p>", "<br>", "<p>\x0c form feed</p>",
]


@pytest.mark.parametrize("html", HTML_FRAGMENTS)
def test_html_text_is_what_the_fragment_parser_gives(html):
    from ilead_shell.web.search_index import html_text

    assert html_text(html) == reference_html_text(html)


def test_html_text_is_what_the_fragment_parser_gives_on_every_course_text(full_course):
    from conftest import ROOTS
    from ilead_shell.reader import read_course
    from ilead_shell.web.search_index import html_text

    texts = []
    for course in (full_course, read_course(ROOTS / "fidelity")):
        texts += [course.description.html] + [m.overview.html for m in course.modules]
        for item in course.items():
            texts.append(item.body.html)
            texts += [q.stem.html for q in getattr(item, "questions", ())]
            if getattr(item, "transcript", None) is not None:
                texts.append(item.transcript.html)
    assert len(texts) > 40
    for text in texts:
        assert html_text(text) == reference_html_text(text), text[:80]
