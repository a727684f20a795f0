"""Markdown to HTML, with every relative link and image resolved inside the course.

Python-Markdown knows nothing of line numbers, so a problem with a link is located by
finding the link's text in the block's source lines (the reader passes the block's first
line).  Relative URLs are resolved against the Markdown file's folder, symlinks and
``..`` included, and must land inside the module's folder or the course's ``assets/``
folder, so a module stays self-contained and nothing outside the course is read.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import unquote, urlsplit

import markdown

from ..errors import Diagnostic, error, warning
from ..identifiers import safe_path_segment, short_hash
from ..media_types import media_type
from ..model import Asset, RichText
from ..references import Reference
from ..source_files import SourceFileError, Stamp, check_source
from . import limits
from .real_paths import RealPaths
from .text_files import describe, forbidden_character, is_forbidden, source_file_problem

EXTENSIONS = [
    "tables", "footnotes", "attr_list", "def_list", "admonition", "fenced_code", "toc", "sane_lists",
]
_CODE = re.compile(r"<(pre|code)\b[^>]*>.*?</\1>", re.IGNORECASE | re.DOTALL)
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_VAGUE_LINK_TEXT = {"here", "click here", "link", "this link", "read more", "more", "this", "click"}
_LINK = re.compile(r"<a\b[^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)
_EMPTY_ALT = re.compile(r"!\[\s*\]")
_H1 = re.compile(r"<h1\b", re.IGNORECASE)
_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)

_FENCE = re.compile(r"^(`{3,}|~{3,})")
_BLOCK_OPENER = re.compile(r"^(?:[-*+]|\d{1,9}[.)]|!!!|\?\?\?)(?:\s|$)")
_QUOTE_MARKERS = re.compile(r"^(?:[ ]{0,3}>)+")
# A line that starts with fewer than eight spaces or tabs is indented 28 columns at most.  Searched
# in "\n" + text: a pattern that starts with a character is found by a fast scan, '^' is not.
_DEEP_INDENT = re.compile(r"\n[ \t]{8}")
_MOST_INDENT = 28
_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX](?P<hex>[0-9A-Fa-f]+)|(?P<dec>[0-9]+));?")
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_TAG = re.compile(r"""<(?P<close>/)?(?P<name>[A-Za-z][A-Za-z0-9-]*)(?:"[^"]*"|'[^']*'|[^'">/]|/(?!>))*(?P<self>/)?>""")
_OPEN_TAG = re.compile(r"""<[A-Za-z][A-Za-z0-9:-]*(?:"[^"]*"|'[^']*'|[^'">])*>""")
_TAG_NAME = re.compile(r"<[A-Za-z][A-Za-z0-9:-]*")
_ATTRIBUTE = re.compile(r"""(?P<name>[^\s"'>/=]+)"""
                        r"""(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'=<>`]+)))?""")
#: A path that starts here names a file of the course's assets/ folder from any module.
ASSETS_ROOT = "/assets/"
# One line of words and plain punctuation: no character Markdown gives a meaning to ('-', '1.'
# or '#' at the start, '*_`[<&\\{|', two trailing spaces), so Python-Markdown turns it into
# '<p>' + text + '</p>' and nothing else; most choices and feedback are such a line.  The
# equivalence is tested against Python-Markdown itself (tests/test_reader_markdown_speed.py).
PLAIN_TEXT = re.compile(r"[^\W\d_](?:[^\W_]|[ ,.?!;:'\"()%/-])*(?<! )")
# Identical short texts ('True', 'False', 'Yes.') are converted once per read.
_MEMO_MAX_LENGTH = 2000
# Below this much Markdown to convert (about 0.08 s of Python-Markdown), a second process
# costs more than it saves (benchmarks/bench_build.py --only scaling).
PARALLEL_MIN_CHARACTERS = 150_000
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())


@dataclass
class ModuleScope:
    """The folders a module's Markdown may refer into."""

    module_id: str
    folder: Path  # real path of the module folder


@dataclass
class CourseFiles:
    """Everything the reader knows about files: where the course is, which files are items."""

    root: Path  # real path of the course folder
    assets_dir: Path | None
    item_files: dict[Path, str] = field(default_factory=dict)  # real path -> "module/item"
    module_files: dict[Path, str] = field(default_factory=dict)  # real path of module.md -> module id
    assets: dict[Path, Asset] = field(default_factory=dict)
    # Items and module.md files that failed to read: their own error is reported, so a link
    # to one must not add a second, misleading error ("outside the module folder").
    unread: set[Path] = field(default_factory=set)
    # Each media file is opened once, when first named: its stamp and first bytes.
    checked: dict[Path, tuple[Stamp, bytes]] = field(default_factory=dict)
    real: RealPaths = field(default_factory=RealPaths)  # the reader's, so folders resolve once
    # While a module is built in a process of its own, every asset, media file and cached
    # Markdown it uses (found or added), in order, so that the process that reads the course can
    # take them as a serial read would, whatever this process knew already.
    journal: list[tuple[str, Any, Any]] | None = None

    def record(self, kind: str, key: Any, value: Any) -> None:
        if self.journal is not None:
            self.journal.append((kind, key, value))

    def asset_for(self, real: Path, scope: ModuleScope) -> Asset:
        if real in self.assets:
            self.record("asset", real, self.assets[real])
            return self.assets[real]
        if self.assets_dir and real.is_relative_to(self.assets_dir):
            parts = ("assets", *real.relative_to(self.assets_dir).parts)
        else:
            parts = ("modules", scope.module_id, *real.relative_to(scope.folder).parts)
        key = "/".join(parts)
        # Provisional: final_assets() settles clashes once every file of the course is known.
        bundle_path = "/".join(safe_path_segment(p) for p in parts)
        stamp = self.checked[real][0]
        asset = Asset(
            key=key,
            source=Path(os.path.relpath(real, self.root)).as_posix(),
            bundle_path=bundle_path,
            size=stamp.size,
            media_type=media_type(real.name),
        )
        self.assets[real] = asset
        self.record("asset", real, asset)
        return asset

    def final_assets(self) -> tuple[Asset, ...]:
        """Every asset, sorted by key, with bundle paths that cannot clash.

        Two files whose safe names clash (``a b.png`` and ``a-b.png``, or ``A.png`` and
        ``a.png`` on a case-insensitive disk) get a hash of their key added, except a file
        whose name was already safe.  Deciding here, with all files known, keeps the choice
        independent of the order in which pages mention the files.
        """
        assets = sorted(self.assets.values(), key=lambda a: a.key)
        groups: dict[str, list[Asset]] = {}
        for asset in assets:
            groups.setdefault(asset.bundle_path.lower(), []).append(asset)
        final = []
        for asset in assets:
            clashing = groups[asset.bundle_path.lower()]
            keeps = asset.key == asset.bundle_path and len(clashing) > 1 and \
                sum(a.key == a.bundle_path for a in clashing) == 1
            if len(clashing) > 1 and not keeps:
                stem, dot, ext = asset.bundle_path.rpartition(".")
                hashed = f"{stem}-{short_hash(asset.key, 6)}.{ext}" if dot and "/" not in ext \
                    else f"{asset.bundle_path}-{short_hash(asset.key, 6)}"
                asset = asset.model_copy(update={"bundle_path": hashed})
            final.append(asset)
        return tuple(final)

    def _unlisted_module(self, real: Path) -> Path | None:
        """The course's module folder holding ``real`` that course.yml does not list, if any."""
        for folder in real.parents:
            if not folder.is_relative_to(self.root) or folder == self.root:
                return None
            module_md = folder / "module.md"
            if module_md.resolve() not in self.module_files and _is_file(module_md):
                return folder
        return None

    def _hint(self, written: str, base_dir: Path) -> str:
        """What the author probably meant by a path that leads nowhere."""
        if written.startswith(("assets/", "./assets/")) and written != "assets/" and base_dir != self.assets_dir:
            rest = written.split("assets/", 1)[1]
            if self.assets_dir is None:
                return "; the course has no assets/ folder beside course.yml"
            return (f"; a file in the course's assets/ folder is written '/assets/{rest}' from any module "
                    f"(or '../../assets/{rest}' from a module in modules/)")
        if written.startswith(ASSETS_ROOT):
            return ""
        folder = (base_dir / written).parent
        try:
            names = [p.name for p in folder.iterdir() if not p.name.startswith(".")]
        except OSError:
            return ""
        close = difflib.get_close_matches(Path(written).name, names, n=1, cutoff=0.6)
        return f"; did you mean '{str(Path(written).parent / close[0]).removeprefix('./')}'?" if close else ""

    def locate(self, relative: str, base_dir: Path, scope: ModuleScope,
               open_file: bool = True) -> tuple[Path | None, str | None]:
        """Resolve a relative path written in a file in ``base_dir``; return (real path, problem).

        A media file is opened here, once, without following links: what was opened is what
        the stamp describes and what the archive writer later packages.
        """
        written = relative
        if relative.startswith(ASSETS_ROOT) and self.assets_dir is not None:
            # '/assets/logo.png': the course's shared files, the same from every module, wherever it lives.
            relative = os.path.relpath(self.assets_dir / relative[len(ASSETS_ROOT):], base_dir)
        elif relative.startswith("/") or relative.startswith("\\"):
            hint = " (or '/assets/...' for a file in the course's assets/ folder)" if self.assets_dir else ""
            return None, f"'{relative}' is an absolute path; write it relative to the Markdown file{hint}"
        at = forbidden_character(relative)
        if at is not None:
            shown = relative.encode("unicode_escape").decode("ascii")
            return None, (f"'{shown}' holds {describe(ord(relative[at]))}; no file name may hold one "
                          "(a '%00' or '%01' in a link is one)")
        candidate = base_dir / relative
        real, problem = _existing_or_problem(candidate, self.real)
        if problem is not None:
            return None, f"'{relative}': {problem}"
        if real is None:
            if "\\" in relative:
                return None, f"'{relative}' does not exist; write paths with '/': '{relative.replace(chr(92), '/')}'"
            return None, f"'{written}' does not exist (looked for {_shown(candidate)}){self._hint(written, base_dir)}"
        if real in self.item_files or real in self.module_files or real in self.unread:
            return real, None
        allowed = [scope.folder] + ([self.assets_dir] if self.assets_dir else [])
        if not any(real.is_relative_to(folder) for folder in allowed):
            unlisted = self._unlisted_module(real)
            if unlisted is not None:
                return None, (f"'{relative}' is in the module folder '{unlisted.name}', which is not in the course; "
                              "add it to modules: in course.yml (or check that entry's spelling)")
            return None, (f"'{relative}' is outside the module folder and assets/; "
                          "move the file into the module (or assets/) so the module can be reused")
        if not open_file:
            return real, None
        if real not in self.checked:
            try:
                self.checked[real] = check_source(real, head=16)
            except SourceFileError as exc:
                if exc.kind == "folder":
                    return None, f"'{relative}' is a folder, not a file"
                if exc.kind == "special":
                    return None, f"'{relative}' is {exc.reason.removeprefix('it is ')}"
                return None, f"'{relative}': {source_file_problem(exc, 'it')}"
        self.record("checked", real, self.checked[real])
        return real, None


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def _existing_or_problem(candidate: Path, real_paths: RealPaths) -> tuple[Path | None, str | None]:
    """``existing_path``, but a folder that cannot be searched is said, not taken for a missing file."""
    try:
        return real_paths.strict(candidate), None
    except PermissionError:
        blocked = next((p for p in [*reversed(candidate.parents), candidate]
                        if not os.access(p, os.X_OK) and p.exists()), None)
        where = f" (the folder {_shown(blocked)} cannot be searched)" if blocked and blocked != candidate else ""
        return None, f"cannot be read: permission denied{where}"
    except (OSError, RuntimeError, ValueError):
        return existing_path(candidate), None


def existing_path(candidate: Path) -> Path | None:
    """The real path of ``candidate``, also when the disk stores a name in the other Unicode
    form (macOS archives write 'é' as 'e' + accent): the author sees the same name."""
    try:
        return candidate.resolve(strict=True)
    except (RuntimeError, OSError, ValueError):
        pass
    candidate = candidate.absolute()
    path = Path(candidate.anchor)
    for part in candidate.parts[1:]:
        names = dict.fromkeys((part, unicodedata.normalize("NFC", part), unicodedata.normalize("NFD", part)))
        found = next((path / name for name in names if _exists(path / name)), None)
        if found is None:
            return None
        path = found
    try:
        return path.resolve(strict=True)
    except (RuntimeError, OSError, ValueError):
        return None


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _shown(path: Path) -> str:
    return os.path.normpath(str(path))


def footnote_key(text: str) -> int:
    """The number in a text's footnote ids ('fn:<key>-note'): from the text alone, so that ids
    stay the same when other texts are edited, reordered or converted from a cache (serve)."""
    return int(hashlib.sha1(text.encode("utf-8")).hexdigest()[:7], 16)


class MarkdownRenderer:
    """Converts Markdown bodies; one instance per read, reset between documents."""

    def __init__(self, files: CourseFiles, cache: dict[str, str] | None = None):
        self.files = files
        # Python-Markdown's output depends on the text alone; a long-running caller (serve) keeps
        # it between reads, so a rebuild converts only the texts that changed.
        self.cache = cache
        self._md = markdown.Markdown(
            extensions=EXTENSIONS,
            extension_configs={"toc": {"permalink": False}, "footnotes": {"UNIQUE_IDS": True}},
            output_format="html",
        )
        # Footnote ids carry a number Python-Markdown counts up per document ('fn:7-note'), which
        # made an edit of one text renumber the footnotes of every later page; the reader sets it
        # from the text itself instead (footnote_key), so ids depend on their own text only.
        self._footnotes = next(e for e in self._md.registeredExtensions if hasattr(e, "unique_prefix"))
        self._memo: dict[str, str] = {}
        self._ahead: dict[str, str] = {}  # text -> HTML, converted by convert_ahead

    def _convert(self, text: str) -> str:
        """Python-Markdown's HTML for ``text``, headings nested, as if converted afresh."""
        memo = len(text) <= _MEMO_MAX_LENGTH
        if memo and text in self._memo:
            return self._memo[text]
        self._md.reset()
        self._footnotes.unique_prefix = footnote_key(text)
        converted = _nest_headings(self._md.convert(text))
        if memo:
            self._memo[text] = converted
        return converted

    def convert_ahead(self, texts: Iterable[str], processes: int) -> None:
        """Convert ``texts`` now, in two processes where there are enough of them and
        ``processes`` allows two, so that :meth:`render` finds each one done.  Only a speed-up:
        each HTML is :meth:`_convert`'s, the same code on the same text; a text left out (too
        deep, too short to matter, a failure) is converted when it is rendered, with its errors
        located there."""
        from .. import workers

        todo = [text for text in dict.fromkeys(texts)
                if not PLAIN_TEXT.fullmatch(text) and text not in self._ahead
                and (self.cache is None or text not in self.cache) and _too_deep_markdown(text) is None]
        if sum(map(len, todo)) < PARALLEL_MIN_CHARACTERS or not workers.can_fork() or processes < 2:
            return  # converted one by one as they are rendered: forking would cost more than it saves
        halves: tuple[list[str], list[str]] = ([], [])
        sizes = [0, 0]
        for text in sorted(todo, key=len, reverse=True):  # the longest first: halves of equal work
            lighter = sizes.index(min(sizes))
            halves[lighter].append(text)
            sizes[lighter] += len(text)

        def convert_half(index: int) -> list[str | None]:
            converted: list[str | None] = []
            for text in halves[index]:
                try:
                    converted.append(self._convert(text))
                except RecursionError:
                    converted.append(None)  # reported where it is rendered
            return converted

        try:
            results = workers.run_forked(convert_half, 2, 2)
        except workers.WorkerFailed:
            return  # the other process died: every text is converted as it is rendered
        for half, converted in zip(halves, results):
            for text, html_text in zip(half, converted or ()):
                if html_text is not None:
                    self._ahead[text] = html_text

    def render(self, text: str, path: Path, first_line: int, scope: ModuleScope,
               diagnostics: list[Diagnostic]) -> RichText:
        if PLAIN_TEXT.fullmatch(text):
            # One line from a letter on: no tag, link, image or reference to look at, and no
            # nesting (the depth check below finds 0 for it).
            return RichText(html=f"<p>{text}</p>")
        nesting = _too_deep_markdown(text)
        if nesting is not None:
            # Python-Markdown recurses per level and slows down steeply: never hand it such a body.
            diagnostics.append(error(f"Markdown nested more than {limits.MAX_MARKDOWN_NESTING} levels deep "
                                     "(lists, quotes or indented blocks inside each other); flatten it", path,
                                     first_line + nesting))
            return RichText()
        converted = self.cache.get(text) if self.cache is not None else None
        if converted is None:
            converted = self._ahead.get(text)
        if converted is None:
            try:
                converted = self._convert(text)
            except RecursionError:
                diagnostics.append(error("Markdown nested too deeply to read; flatten it", path, first_line))
                return RichText()
            if self.cache is not None:
                self.cache[text] = converted
        if self.cache is not None:
            self.files.record("markdown", text, converted)
        found_assets: list[str] = []
        found_items: list[str] = []
        link_lines: list[tuple[str, int]] = []
        lines = text.split("\n")
        unescaped: list[str] = []  # made when a line is first looked for: most texts have no link

        def line_of(raw: str) -> int:
            if not unescaped:
                unescaped.extend(_MARKDOWN_ESCAPE.sub(r"\1", line) for line in lines)
            for candidates in (raw, html.unescape(raw), unquote(html.unescape(raw))):
                for searched in (lines, unescaped):  # '..\\x' in the source is '..\x' in the HTML
                    for index, line in enumerate(searched):
                        if candidates and candidates in line:
                            return first_line + index
            return first_line

        if not _within_html_depth(converted, diagnostics, text, path, first_line):
            return RichText()
        for reference in _CHARACTER_REFERENCE.finditer(converted):
            value = int(reference.group("hex"), 16) if reference.group("hex") else int(reference.group("dec"))
            if is_forbidden(value):
                diagnostics.append(error(f"the character reference {reference.group(0)} stands for "
                                         f"{describe(value)}, which cannot be packaged (no LMS can store it); "
                                         "delete it", path, line_of(reference.group(0))))
                return RichText()
        code_spans = [m.span() for m in _CODE.finditer(converted)]

        def substitute(raw: str) -> str | None:
            """The new URL for an attribute value, or None to leave it as written."""
            url = html.unescape(raw).strip()
            if not url or url.startswith("#") or url.startswith("//") or _SCHEME.match(url):
                return None
            parts = urlsplit(url)
            relative = unquote(parts.path)
            if not relative:
                return None
            real, problem = self.files.locate(relative, path.parent, scope)
            if problem:
                diagnostics.append(error(f"broken link: {problem}", path, line_of(raw)))
                return None
            assert real is not None
            if real in self.files.unread:
                return None  # the target's own error stops the build
            if real in self.files.item_files:
                target = self.files.item_files[real]
                found_items.append(target)
                reference = Reference("item", target, parts.fragment)
            elif real in self.files.module_files:
                reference = Reference("module", self.files.module_files[real], parts.fragment)
            else:
                asset = self.files.asset_for(real, scope)
                found_assets.append(asset.key)
                reference = Reference("asset", asset.key, parts.fragment)
            if reference.kind != "asset":
                link_lines.append((f"{reference.kind}/{reference.target}", line_of(raw)))
            return reference.url()

        def rewrite_tag(match: re.Match[str]) -> str:
            if any(start <= match.start() < end for start, end in code_spans):
                return match.group(0)  # an HTML example inside code, not a link
            return _rewrite_url_attributes(match.group(0), substitute)

        rewritten = _OPEN_TAG.sub(rewrite_tag, converted)
        _accessibility_lint(rewritten, text, path, first_line, diagnostics)
        return RichText(
            html=rewritten,
            assets=tuple(dict.fromkeys(found_assets)),
            items=tuple(dict.fromkeys(found_items)),
            link_lines=tuple(dict.fromkeys(link_lines)),
        )


def _rewrite_url_attributes(tag: str, substitute) -> str:
    """``tag`` with each href/src/poster value replaced by ``substitute(value)`` (kept when None).

    Attributes are read one after the other, so ``title="see href=x"`` is a title, and a
    value may be quoted either way or not at all, as HTML allows.
    """
    lowered = tag.lower()
    if "href" not in lowered and "src" not in lowered and "poster" not in lowered:
        return tag  # no attribute can be one of them (most tags: <p>, <li>, <h2 id=...>)
    name_end = _TAG_NAME.match(tag).end()
    pieces, last = [], 0
    for attribute in _ATTRIBUTE.finditer(tag, name_end, len(tag) - 1):
        if attribute.group("name").lower().rpartition(":")[2] not in ("href", "src", "poster"):
            continue
        value_group = next((g for g in ("dq", "sq", "bare") if attribute.group(g) is not None), None)
        if value_group is None:
            continue
        new = substitute(attribute.group(value_group))
        if new is None:
            continue
        start, end = attribute.span(value_group)
        if value_group != "bare":
            start, end = start - 1, end + 1
        pieces += [tag[last:start], '"', html.escape(new, quote=True), '"']
        last = end
    return "".join(pieces) + tag[last:] if pieces else tag


def _attribute(tag: str, wanted: str) -> str | None:
    """The value of one attribute of ``tag``, however it is quoted (None when absent)."""
    for attribute in _ATTRIBUTE.finditer(tag, _TAG_NAME.match(tag).end(), len(tag) - 1):
        if attribute.group("name").lower() == wanted:
            return next((attribute.group(g) for g in ("dq", "sq", "bare") if attribute.group(g) is not None), "")
    return None


def _too_deep_markdown(text: str) -> int | None:
    """The 0-based line where blocks nest deeper than the limit, or None.

    A level is four columns of indentation (Python-Markdown's list and admonition step), a
    '>' quote marker, or the list item or admonition a line opens; fenced code is skipped,
    since its indentation is content.
    """
    if text.count(">") + _MOST_INDENT // 4 + 1 <= limits.MAX_MARKDOWN_NESTING \
            and not _DEEP_INDENT.search("\n" + text):
        # Even a line with all of the text's '>' and the most indentation left could not be too deep.
        return None
    return _too_deep_line(text)


def _too_deep_line(text: str) -> int | None:
    fence: str | None = None
    for index, line in enumerate(text.split("\n")):
        stripped = line.lstrip(" \t")
        quotes = _QUOTE_MARKERS.match(stripped)
        inner = stripped[quotes.end():].lstrip() if quotes else stripped
        opener = _FENCE.match(inner)
        if fence is not None:
            if opener and opener.group(1)[0] == fence[0] and len(opener.group(1)) >= len(fence):
                fence = None
            continue
        if opener:
            fence = opener.group(1)
        if not stripped:
            continue
        indent = len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))
        # A list item or an admonition is itself inside one more block than its indentation says.
        depth = indent // 4 + (quotes.group(0).count(">") if quotes else 0) + bool(_BLOCK_OPENER.match(inner))
        if depth > limits.MAX_MARKDOWN_NESTING:
            return index
    return None


def _naive_depth(markup: str, limit: int) -> int | None:
    """The offset where elements nest deeper than ``limit``, counting an unclosed element as open.

    Counting this way never finds less depth than a browser would, so a body it passes is
    within the limit; one it stops is measured again by a real HTML parser.
    """
    if markup.count("<") <= limit:
        return None  # each element opened is one '<': fewer cannot nest deeper
    stack: list[str] = []
    for tag in _TAG.finditer(markup):
        name = tag.group("name").lower()
        if tag.group("close"):
            if name in stack:
                del stack[len(stack) - 1 - stack[::-1].index(name):]
        elif name not in _VOID and not tag.group("self"):
            stack.append(name)
            if len(stack) > limit:
                return tag.start()
    return None


def _within_html_depth(converted: str, diagnostics: list[Diagnostic], text: str, path: Path,
                       first_line: int) -> bool:
    if _naive_depth(converted, limits.MAX_HTML_DEPTH) is None:
        return True
    from lxml import html as lxml_html

    deepest = 0
    for root in lxml_html.fragments_fromstring(f"<div>{converted}</div>"):
        if isinstance(root, str):
            continue
        for element in root.iter():
            if len(element) == 0:
                deepest = max(deepest, sum(1 for _ in element.iterancestors()))
    if deepest <= limits.MAX_HTML_DEPTH:
        return True
    at = _naive_depth(text, limits.MAX_HTML_DEPTH)
    line = text.count("\n", 0, at) if at is not None else 0
    diagnostics.append(error(f"HTML elements nested more than {limits.MAX_HTML_DEPTH} levels deep; no target "
                             "could keep them all (LMS readers stop at 256 levels); flatten the HTML",
                             path, first_line + line))
    return False


def _nest_headings(rendered: str) -> str:
    """Shift every heading one level down when the body uses '# ' headings.

    Every target shows a body under its own title (the page's ``h1``, or the unit's ``h2`` in
    Open edX), so an author's ``# Heading`` would make a second ``h1`` and break the outline
    screen readers navigate by.  Bodies that start at ``##`` are left as they are.
    Code is escaped by Markdown, so a ``<h1`` inside a code block never matches.
    """
    if not _H1.search(rendered):
        return rendered
    return _HEADING_TAG.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 6)}", rendered)


def _accessibility_lint(rendered: str, source: str, path: Path, first_line: int,
                        diagnostics: list[Diagnostic]) -> None:
    """Warnings for what makes a page hard to use with assistive technology."""
    lines = source.split("\n")

    def line_containing(needle: str, prefer: re.Pattern[str] | None = None) -> int:
        # Paths may be written percent-encoded (logo%20ü.png), and the same file may appear
        # on other lines with alt text: prefer the line that shows the problem itself.
        found = [index for index, line in enumerate(lines)
                 if needle and (needle in line or needle in unquote(line))]
        best = [index for index in found if prefer and prefer.search(lines[index])] or found
        return first_line + best[0] if best else first_line

    for tag in _IMG_TAG.findall(rendered):
        alt = _attribute(tag, "alt")
        if alt is None or not alt.strip():
            src = _attribute(tag, "src")
            shown = src if src else "image"
            needle = shown.split("/")[-1] if "ilead:" in shown else shown
            diagnostics.append(warning(
                "image has no alternative text; write ![what it shows](path) "
                "(WCAG 1.1.1)", path, line_containing(unquote(needle), _EMPTY_ALT)))
    for inner in _LINK.findall(rendered):
        text = re.sub(r"<[^>]+>", "", inner).strip().lower().rstrip(".")
        if text in _VAGUE_LINK_TEXT:
            diagnostics.append(warning(
                f"link text '{text}' does not say where the link goes; describe the target "
                "(WCAG 2.4.4)", path, line_containing(f"[{re.sub(r'<[^>]+>', '', inner).strip()}]")))
