"""ilead: references in rich text and how exporters rewrite them."""

from __future__ import annotations

import pytest

from ilead_shell.references import Reference, parse, relative_url, rewrite


@pytest.mark.parametrize("reference", [
    Reference("asset", "modules/m/images/a b.png"),
    Reference("asset", "modules/m/Équipe #1.png", "page=2"),
    Reference("item", "m/intro", "part two"),
    Reference("module", "m"),
])
def test_a_reference_survives_url_and_parse(reference):
    url = reference.url()
    assert url.startswith("ilead:") and " " not in url
    assert parse(url) == reference


@pytest.mark.parametrize("url", ["https://example.org", "ilead:thing/x", "mailto:x@y", "images/a.png"])
def test_other_urls_are_not_references(url):
    assert parse(url) is None


def test_rewrite_maps_only_ilead_urls_in_href_and_src():
    html = ('<p><a href="ilead:item/m/intro#top">Intro</a> <img alt="A" src="ilead:asset/modules/m/a%20b.png">'
            ' <a href="https://example.org">Out</a> <a href=\'ilead:module/m\'>M</a></p>'
            '<p>ilead:item/m/intro in text stays</p>')
    seen = []

    def resolve(reference: Reference) -> str:
        seen.append(reference)
        return {"item": "pages/intro.html#" + reference.fragment, "asset": "files/a b.png",
                "module": "modules/m.html"}[reference.kind]

    out = rewrite(html, resolve)
    assert seen == [Reference("item", "m/intro", "top"), Reference("asset", "modules/m/a b.png"),
                    Reference("module", "m")]
    assert 'href="pages/intro.html#top"' in out and 'src="files/a b.png"' in out
    assert "href='modules/m.html'" in out and 'href="https://example.org"' in out
    assert "ilead:item/m/intro in text stays" in out


def test_rewrite_escapes_what_the_resolver_returns():
    out = rewrite('<a href="ilead:module/m">M</a>', lambda r: 'x.html?a=1&b="2"')
    assert out == '<a href="x.html?a=1&amp;b=&quot;2&quot;">M</a>'


def test_rewrite_reads_html_escaped_references():
    out = rewrite('<a href="ilead:asset/assets/a&amp;b.png">x</a>', lambda r: r.target)
    assert out == '<a href="assets/a&amp;b.png">x</a>'


@pytest.mark.parametrize("source, target, url", [
    ("index.html", "web/a.png", "web/a.png"),
    ("pages/m/intro.html", "pages/m/other.html", "other.html"),
    ("pages/m/intro.html", "web/a b.png", "../../web/a%20b.png"),
    ("a/b/c.html", "a/x/y.html", "../x/y.html"),
    ("a/b.html", "a/b/c.html", "b/c.html"),
])
def test_relative_url_between_bundle_paths(source, target, url):
    assert relative_url(source, target) == url


def test_the_reader_writes_parseable_references(full_course):
    import re
    for item in full_course.items():
        for value in re.findall(r'(?:href|src)="(ilead:[^"]+)"', item.body.html):
            reference = parse(value)
            assert reference is not None
            if reference.kind == "asset":
                full_course.asset(reference.target)
            elif reference.kind == "item":
                assert full_course.item(reference.target) is not None


# -- the fast paths agree with the plain definitions ---------------------------------------------

def _plain_rewrite(html: str, resolve) -> str:
    """rewrite() as first written: one re.sub over the whole text."""
    import html as html_module
    import re

    from ilead_shell.references import _ATTRIBUTE

    def substitute(match):
        reference = parse(html_module.unescape(match.group("value")))
        if reference is None:
            return match.group(0)
        new = html_module.escape(resolve(reference), quote=True)
        return f'{match.group("name")}{match.group("q")}{new}{match.group("q")}'

    return re.sub(_ATTRIBUTE, substitute, html)


def _resolve_all(reference: Reference) -> str:
    return f"<{reference.kind}|{reference.target}|{reference.fragment}>"


_ATTRIBUTE_CASES = [
    '<a href="ilead:item/m/i">x</a>', "<img src='ilead:asset/a.png'>", '<video poster="ilead:asset/p.jpg">',
    '<object data="ilead:asset/d.pdf">', '<a href = "ilead:module/m">', '<a href=\n\t"ilead:module/m">',
    '<a xhref="ilead:item/m/i">', '<a data-href="ilead:item/m/i">', '<a _src="ilead:asset/a">',
    "<a xhref='ilead:a src='ilead:item/b'>", '<a éhref="ilead:item/m/i">', '<a ΣSRC="ilead:x">',
    '<a HREF="ilead:item/m/i">', '<a href="ilead:item/m/i\'>', '<a href="ilead:">', 'href="ilead:asset/x"',
    'shref="ilead:x" href="ilead:item/y"', 'data="ilead:asset/x"data="ilead:asset/y"',
    '<p>src= "ilead:asset/x" in text</p>', 'hhref="ilead:x"', '-href="ilead:module/x"', '1src="ilead:x"',
    'posterdata="ilead:x"', 'poster="data="ilead:asset/x"', '<a href="ilead:item/m/i#frag&amp;more">',
    '<a href="https://x/ilead:y">', "src=''ilead:x''", 'src=<"ilead:asset/x">', 'src=">ilead:asset/x"',
    '<p>ilead:item/m/i in prose, then <a href="ilead:item/m/j">j</a></p>', 'href="ilead:bogus/x"',
    'href="ilead:item/a" href="ilead:item/b"href="ilead:item/c"', 'src="ilead:asset/a" ilead: src="ilead:asset/b"',
    'href="ilead:item/x' + "'" + ' src="ilead:asset/y"', "ilead:ilead:ilead:", 'href\u00a0=\u2003"ilead:module/m"',
]


@pytest.mark.parametrize("text", _ATTRIBUTE_CASES)
def test_rewrite_replaces_what_one_re_sub_replaces(text):
    for html in (text, text * 3, "Some prose around. " + text + " and after, h s p d.", text + "<" + text):
        assert rewrite(html, _resolve_all) == _plain_rewrite(html, _resolve_all), html


def test_rewrite_replaces_what_one_re_sub_replaces_on_random_markup():
    import random

    pieces = ["href", "src", "poster", "data", "h", "s", "x", "é", "_", "-", " ", "\n", "=", '"', "'",
              "ilead:", "item/m/i", "asset/a", "module/m", "<a ", "<", ">", "&amp;", "#f"]
    generator = random.Random(12)
    for _ in range(4000):
        html = "".join(generator.choice(pieces) for _ in range(generator.randint(1, 30)))
        assert rewrite(html, _resolve_all) == _plain_rewrite(html, _resolve_all), html


@pytest.mark.parametrize("path", ["a/b.html", "a b/c.html", "é/ü.png", "x%20y.png", "a#b?c&d=e.html",
                                  "~user/_x-y.z", "+plus,comma;semi.png", "中文/页.html", "", "a//b"])
def test_relative_url_quotes_exactly_as_quote_does(path):
    from urllib.parse import quote

    assert relative_url("index.html", path) == quote(path, safe="/")
    assert relative_url("m/p.html", "n/" + path) == quote("../n/" + path, safe="/")
