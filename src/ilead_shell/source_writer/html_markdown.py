"""HTML to the Markdown the reader reads back (Python-Markdown with the reader's extensions).

Built on markdownify (MIT, per-tag hooks) and tuned to what Python-Markdown needs: nested
list content indented four spaces, only its escapable characters escaped, ATX headings,
pipe tables only for tables that are a plain grid, admonitions and definition lists in
their extension syntax.  What Markdown cannot say (an iframe, a video element, a table
with merged cells or a caption, inline styling of note) is kept as raw HTML, which
Python-Markdown passes through unchanged, so nothing a learner saw is lost.

Every ``href`` and ``src`` goes through ``resolve`` first, which turns the import form's
``ilead:`` references into relative paths in the written source.

White space inside a paragraph is not kept (HTML ignores it too); the round-trip tests
compare HTML with white space runs folded.
"""

from __future__ import annotations

import re
from typing import Callable

from bs4 import BeautifulSoup, NavigableString, Tag
from markdownify import MarkdownConverter

# Maps a link or image URL to the one to write; None when it points at nothing the import
# kept (the link becomes its text).
Resolve = Callable[[str], "str | None"]

# Characters Python-Markdown lets a backslash escape (markdown.Markdown.ESCAPED_CHARS).
_ESCAPE_ANYWHERE = re.compile(r"([\\`*_\[\]])")
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_TAG_LIKE = re.compile(r"<(?=[A-Za-z/!?])")
_LINE_START = re.compile(r"^(\s*)([#>+-]|\d+[.)]|=|:|!!!)(?=\s|$)")
_ALWAYS_RAW = {"iframe", "video", "audio", "object", "embed", "details", "form", "math", "svg", "canvas",
               "figure", "script", "style", "noscript", "select", "textarea", "button", "input", "map"}
_INLINE_RAW = {"sub", "sup", "u", "mark", "abbr", "kbd", "small", "ins", "del", "s", "cite", "q", "time"}
_BLOCKS = {"p", "div", "ul", "ol", "table", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "dl"}


def _markdown_url(url: str) -> str:
    """A link target Python-Markdown reads whole: angle brackets around one with spaces."""
    if not url:
        return "<>"
    if re.search(r"[\s()<>]", url):
        return f"<{url.replace('<', '%3C').replace('>', '%3E')}>"
    return url


class _Converter(MarkdownConverter):
    def __init__(self, resolve: Resolve, in_quiz: bool = False, **options):
        super().__init__(heading_style="ATX", bullets="-", strong_em_symbol="*", escape_asterisks=False,
                         escape_underscores=False, escape_misc=False, autolinks=True, **options)
        self.resolve = resolve
        self.in_quiz = in_quiz

    # -- text -------------------------------------------------------------------------------
    def process_text(self, el, parent_tags=None):
        parent_tags = parent_tags or set()
        text = str(el)
        if "pre" not in parent_tags and "_noformat" not in parent_tags:
            text = re.sub(r"\s+", " ", text)
        if "_noformat" not in parent_tags:
            text = self.escape(text, parent_tags)
        previous, following = el.previous_sibling, el.next_sibling
        if _is_block(previous) or (not previous and _is_block(el.parent)):
            text = text.lstrip()
        if _is_block(following) or (not following and _is_block(el.parent)):
            text = text.rstrip()
        return text

    def escape(self, text, parent_tags):
        if not text:
            return ""
        text = _ESCAPE_ANYWHERE.sub(r"\\\1", text)
        text = _ENTITY_LIKE.sub("&amp;", text)
        text = _TAG_LIKE.sub("&lt;", text)
        if "td" in parent_tags or "th" in parent_tags:
            text = text.replace("|", "\\|")
        return text

    # -- block structure -------------------------------------------------------------------------
    def convert_p(self, el, text, parent_tags):
        if "_inline" in parent_tags:
            return " " + text.strip() + " "
        if _only_raw_children(el):
            return "\n\n" + self.raw(el) + "\n\n"
        text = _protect_line_start(text.strip())
        return f"\n\n{text}\n\n" if text else ""

    def convert_div(self, el, text, parent_tags):
        classes = el.get("class") or []
        if "admonition" in classes:
            return self.admonition(el, classes, parent_tags)
        if "footnote" in classes:
            return "\n\n" + self.raw(el) + "\n\n"
        return f"\n\n{text.strip()}\n\n" if text.strip() else ""

    convert_section = convert_div
    convert_article = convert_div
    convert_main = convert_div

    def admonition(self, el: Tag, classes: list[str], parent_tags) -> str:
        kind = next((c for c in classes if c != "admonition"), "note")
        title_node = el.find("p", class_="admonition-title", recursive=False)
        title = title_node.get_text() if title_node else ""
        if title_node is not None:
            title_node.extract()
        # Its content, converted as a plain block: without the class, convert_div does not come
        # back here (markdownify converts the element itself after its children).
        el["class"] = [c for c in classes if c != "admonition"]
        body = self.process_tag(el, parent_tags=set(parent_tags) - {"div"}).strip("\n")
        heading = f'!!! {kind}' if title == kind.capitalize() else f'!!! {kind} "{title}"'
        indented = "\n".join(("    " + line) if line else "" for line in body.split("\n"))
        return f"\n\n{heading}\n{indented}\n\n"

    def convert_hN(self, n, el, text, parent_tags):
        if "_inline" in parent_tags:
            return text
        if self.in_quiz and n <= 3:
            # '###' starts a question in a quiz body: keep such a heading as HTML.
            return "\n\n" + self.raw(el) + "\n\n"
        text = text.strip().replace("\n", " ")
        return f"\n\n{'#' * n} {text}\n\n"

    def convert_blockquote(self, el, text, parent_tags):
        text = (text or "").strip("\n")
        if "_inline" in parent_tags:
            return text
        if not text:
            return ""
        quoted = "\n".join(("> " + line) if line else ">" for line in text.split("\n"))
        return f"\n\n{quoted}\n\n"

    def convert_li(self, el, text, parent_tags):
        text = (text or "").strip("\n")
        parent = el.parent
        if parent is not None and parent.name == "ol":
            start = parent.get("start")
            first = int(start) if start and str(start).isdigit() else 1
            bullet = f"{first + len(el.find_previous_siblings('li'))}."
        else:
            bullet = "-"
        lines = text.split("\n")
        # Python-Markdown reads content nested in a list item at four spaces.
        body = "\n".join([lines[0].strip()] + [("    " + line) if line.strip() else "" for line in lines[1:]])
        marker = f"{bullet} "
        return f"{marker}{_protect_line_start(body) if bullet == '-' else body}\n"

    def convert_list(self, el, text, parent_tags):
        if "li" not in parent_tags and _is_reference_list(el):
            # The Readings and References the reader renders: their classes and the items' ids
            # are more than Markdown can say, so the list stays HTML.
            return "\n\n" + self.raw(el) + "\n\n"
        loose = any(isinstance(c, Tag) and c.name == "li" and c.find("p", recursive=False) for c in el.children)
        items = text.strip("\n")
        if loose:
            items = re.sub(r"\n(?=(?:-|\d+\.) )", "\n\n", items)
        if "li" in parent_tags:
            return "\n\n" + items + "\n"
        return "\n\n" + items + "\n\n"

    convert_ul = convert_list
    convert_ol = convert_list

    def convert_pre(self, el, text, parent_tags):
        code = el.find("code")
        language = ""
        if code is not None:
            for cls in code.get("class") or []:
                if cls.startswith("language-"):
                    language = cls[len("language-"):]
        body = el.get_text()
        fence = "```" if "```" not in body else "~~~~"
        return f"\n\n{fence}{language}\n{body.rstrip(chr(10))}\n{fence}\n\n"

    def convert_hr(self, el, text, parent_tags):
        return "\n\n---\n\n"

    def convert_br(self, el, text, parent_tags):
        if "_inline" in parent_tags:
            return "<br />"
        return "  \n"

    # -- definition lists ---------------------------------------------------------------------
    def convert_dl(self, el, text, parent_tags):
        return "\n\n" + text.strip("\n") + "\n\n"

    def convert_dt(self, el, text, parent_tags):
        return "\n\n" + text.strip() + "\n"

    def convert_dd(self, el, text, parent_tags):
        lines = text.strip("\n").split("\n")
        body = "\n".join([lines[0]] + [("    " + line) if line else "" for line in lines[1:]])
        return f":   {body.strip()}\n"

    # -- inline -----------------------------------------------------------------------------------
    def convert_a(self, el, text, parent_tags):
        href = el.get("href")
        if href is None or el.get("name") and not href:
            return text
        if "footnote-ref" in (el.get("class") or []) or "footnote-backref" in (el.get("class") or []):
            return self.raw(el)
        url = self.resolve(href)
        if url is None:
            return text
        title = el.get("title")
        if not text.strip() and not title:
            return f"<{url}>" if re.match(r"^[a-z]+:", url) and " " not in url else f"[{url}]({_markdown_url(url)})"
        if text == href and re.match(r"^(https?|ftp)://\S+$", url) and not title:
            return f"<{url}>"
        title_part = f' "{title.replace(chr(34), chr(39))}"' if title else ""
        return f"[{text.strip()}]({_markdown_url(url)}{title_part})"

    def convert_img(self, el, text, parent_tags):
        src = self.resolve(el.get("src") or "")
        if src is None:
            return self.escape(el.get("alt") or "", parent_tags)
        alt = (el.get("alt") or "").replace("[", "\\[").replace("]", "\\]")
        title = el.get("title")
        extra = {k: v for k, v in el.attrs.items() if k not in ("src", "alt", "title")}
        if extra:
            return self.raw(el)
        title_part = f' "{title.replace(chr(34), chr(39))}"' if title else ""
        return f"![{alt}]({_markdown_url(src)}{title_part})"

    def convert_code(self, el, text, parent_tags):
        if "pre" in parent_tags:
            return text
        code = el.get_text()
        ticks = "``" if "`" in code else "`"
        pad = " " if code.startswith("`") or code.endswith("`") else ""
        return f"{ticks}{pad}{code}{pad}{ticks}"

    def convert_span(self, el, text, parent_tags):
        return text

    # -- tables -----------------------------------------------------------------------------------
    def convert_table(self, el, text, parent_tags):
        grid = _plain_grid(el)
        if grid is None:
            return "\n\n" + self.raw(el) + "\n\n"
        header, aligns, rows = grid
        rule = {"left": ":---", "right": "---:", "center": ":---:", None: "---"}

        def line(cells: list[Tag]) -> str:
            texts = ["".join(self.process_element(child, parent_tags={"td", "_inline"}) for child in c.children)
                     .strip().replace("\n", " ") for c in cells]
            return "| " + " | ".join(texts) + " |"

        lines = [line(header), "| " + " | ".join(rule[a] for a in aligns) + " |"]
        lines += [line(r) for r in rows]
        return "\n\n" + "\n".join(lines) + "\n\n"

    # -- raw HTML ---------------------------------------------------------------------------------
    def raw(self, el: Tag) -> str:
        """The element as HTML, its links resolved, on lines of its own."""
        copy = BeautifulSoup(str(el), "html.parser")
        for node in copy.find_all(True):
            for attribute in ("href", "src", "poster"):
                if node.get(attribute) is not None:
                    resolved = self.resolve(node[attribute])
                    if resolved is None:
                        del node[attribute]
                    else:
                        node[attribute] = resolved
        return str(copy).strip()

    def process_tag(self, node, parent_tags=None):
        if isinstance(node, Tag) and node.name in _ALWAYS_RAW:
            block = node.name in ("iframe", "video", "details", "form", "math", "figure", "object", "canvas",
                                  "script", "style", "noscript", "map")
            html_text = self.raw(node)
            return f"\n\n{html_text}\n\n" if block and "_inline" not in (parent_tags or set()) else html_text
        if isinstance(node, Tag) and node.name in _INLINE_RAW and "_noformat" not in (parent_tags or set()):
            inner = super().process_tag(node, parent_tags)
            attrs = "".join(f' {k}="{v if isinstance(v, str) else " ".join(v)}"' for k, v in node.attrs.items())
            return f"<{node.name}{attrs}>{inner}</{node.name}>"
        return super().process_tag(node, parent_tags)


def _is_block(node) -> bool:
    return isinstance(node, Tag) and (node.name in _BLOCKS or node.name in ("li", "tr", "td", "th", "thead",
                                                                             "tbody", "dt", "dd"))


def _is_reference_list(el: Tag) -> bool:
    return bool(set(el.get("class") or []) & {"readings", "references"}) or \
        any(isinstance(c, Tag) and c.name == "li" and c.get("id") for c in el.children)


def _only_raw_children(el: Tag) -> bool:
    tags = [c for c in el.children if isinstance(c, Tag)]
    texts = [c for c in el.children if isinstance(c, NavigableString) and str(c).strip()]
    return bool(tags) and not texts and all(t.name in _ALWAYS_RAW for t in tags)


def _protect_line_start(text: str) -> str:
    """A paragraph that starts like a heading, quote, list or quiz answer stays a paragraph."""
    match = _LINE_START.match(text)
    if not match:
        return text
    lead, mark = match.group(1), match.group(2)
    if mark[0].isdigit():
        return f"{lead}{mark[:-1]}\\{mark[-1]}{text[match.end():]}"
    if mark in ("=", ":"):
        return f"{lead}&#{ord(mark)};{text[match.end():]}"
    if mark == "!!!":
        return f"{lead}\\!!!{text[match.end():]}"
    return f"{lead}\\{mark}{text[match.end():]}"


def _alignment(cell: Tag) -> str | None:
    style = (cell.get("style") or "").replace(" ", "")
    found = re.search(r"text-align:(left|right|center)", style)
    return found.group(1) if found else (cell.get("align") if cell.get("align") in ("left", "right", "center")
                                         else None)


def _plain_grid(table: Tag):
    """(header cells, alignments, body rows) when the table is a plain grid a pipe table can
    hold: one header row, no caption, no merged cells, no block content in cells."""
    if table.find("caption") is not None or table.find("table") is not None:
        return None
    rows = table.find_all("tr")
    if not rows:
        return None
    cells = [[c for c in row.find_all(["td", "th"], recursive=False)] for row in rows]
    if any(c.get("colspan") or c.get("rowspan") for row in cells for c in row):
        return None
    if any(c.find(list(_BLOCKS - {"p"})) or len(c.find_all("p")) > 1 for row in cells for c in row):
        return None
    width = len(cells[0])
    if width == 0 or any(len(row) != width for row in cells):
        return None
    header = cells[0]
    if not all(c.name == "th" for c in header) or any(c.name == "th" for row in cells[1:] for c in row
                                                       if row is not None and False):
        return None
    if any(attr not in ("style", "align") for row in cells for c in row for attr in c.attrs):
        return None
    if any(k not in () for k in table.attrs):
        return None
    return header, [_alignment(c) for c in header], cells[1:]


def html_to_markdown(html_text: str, resolve: Resolve = lambda url: url, in_quiz: bool = False) -> str:
    """Markdown for an HTML fragment; ``resolve`` maps each link and image URL."""
    if not html_text or not html_text.strip():
        return ""
    converter = _Converter(resolve, in_quiz=in_quiz)
    text = converter.convert(html_text)
    text = re.sub(r"[ \t]+\n", lambda m: "  \n" if m.group(0).startswith("  ") else "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip("\n") + "\n"


def inline_markdown(html_text: str, resolve: Resolve = lambda url: url) -> str:
    """One line of Markdown (a choice's text): paragraphs joined, no block syntax."""
    text = html_to_markdown(html_text, resolve).strip()
    return re.sub(r"\s*\n\s*", " ", text)
