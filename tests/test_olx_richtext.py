"""Author HTML in Open edX files: the fast ways of parsing it (one HTML parse, the parsed
elements moved into the XML tree) give exactly what the plain ways give (lxml.html's
fragment functions, and an XML serialisation parsed back), and markup XML cannot hold
still takes the XML round trip, which refuses it."""

from __future__ import annotations

import lxml.html
import pytest
from lxml import etree

from ilead_olx import richtext
from ilead_olx.richtext import fragment_html, to_xml_container, unwrap_paragraph

# Control characters never reach an exporter: the reader refuses them in every source file.
FRAGMENTS = [
    "", "   ", "text only", " lead <b>x</b> tail", "<p>a</p><p>b</p>", "<p>a</p>\n\n<p>b</p>\n", "<p>a</p>tail text",
    "<p>unclosed", "<div>a", "<table><tr><td>x", "<b><i>x</b></i>", "</p>stray", "<li>x</li><li>y</li>",
    "<br>", "<img src=x alt>", "<input disabled>", '<a href="x" href="y">d</a>', "<P CLASS=X>Up</P>",
    "a &nbsp; b &amp;lt; &copy;", "<p>é ü 中 \U0001F600 \ufffd</p>", "<p title='a\"b'>q</p>", '<p data-x="1">z</p>',
    "<script>if (a < b && c) {}</script>", "<style>p > a {}</style>", "<pre>  a\n  b</pre>", "<ruby>x<rt>y</rt></ruby>",
    "<template><p>t</p></template>", "<math><mi>x</mi></math>", '<a href="http://x/y?a=1&amp;b=2#f">y</a>',
    "<html><body><p>full</p></body></html>", "<!DOCTYPE html><p>d</p>", "<title>t</title><p>after</p>",
    "<html><head><title>t</title></head><body><p>body</p></body></html>",
    # what XML cannot hold, or reads otherwise
    "<!-- c -->x", "<!-- a -- b -->", "<p>a<!--x-->b</p>", "<![CDATA[x]]>", "<?php echo 1 ?>", "<!x -- y>",
    "<span xml:lang='fr'>x</span>", "<o:p>office</o:p>", '<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><use xlink:href="#a"/></svg>', "<div xmlns='urn:x'>q</div>", "<p xmlns='urn:x'>q</p>",
    "<p @click='x'>a</p>", "<a@b>c</a@b>", "<café>x</café>", "<p é='1'>x</p>",
]


def outcome(make, *args) -> str:
    try:
        return etree.tostring(make(*args), encoding="unicode")
    except (etree.XMLSyntaxError, etree.ParserError) as failure:
        return f"refused: {type(failure).__name__}"


@pytest.mark.parametrize("html", FRAGMENTS)
def test_an_xml_container_is_what_an_xml_serialisation_parsed_back_gives(html):
    for tag in ("div", "choicehint"):
        assert outcome(to_xml_container, html, tag) == outcome(richtext._to_xml_container_by_reparsing, html, tag)
    # as the CAPA writer reads it: a hint's one paragraph is unwrapped by its tag
    assert outcome(lambda: unwrap_paragraph(to_xml_container(html, "choicehint"))) == \
        outcome(lambda: unwrap_paragraph(richtext._to_xml_container_by_reparsing(html, "choicehint")))


def fragment_html_by_lxml_html(html_text: str) -> str:
    """fragment_html as written with lxml.html's own fragment parser."""
    if not html_text.strip():
        return ""
    parts = lxml.html.fragments_fromstring(html_text)
    return "".join(richtext._escape_text(p) if isinstance(p, str) else lxml.html.tostring(p, encoding="unicode",
                                                                                          method="html")
                   for p in parts).strip() + "\n"


@pytest.mark.parametrize("html", FRAGMENTS)
def test_an_html_file_is_what_lxml_html_fragment_parsing_gives(html):
    assert fragment_html(html) == fragment_html_by_lxml_html(html)
