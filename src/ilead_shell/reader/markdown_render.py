"""Markdown to HTML, with every relative link and image resolved inside the course.

Python-Markdown knows nothing of line numbers, so a problem with a link is located by
finding the link's text in the block's source lines (the reader passes the block's first
line).  Relative URLs are resolved against the Markdown file's folder, symlinks and
``..`` included, and must land inside the module's folder or the course's ``assets/``
folder, so a module stays self-contained and nothing outside the course is read.
"""

from __future__ import annotations

import html
import mimetypes
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markdown

from ..errors import Diagnostic, error, warning
from ..identifiers import safe_path_segment, short_hash
from ..model import Asset, RichText
from ..references import Reference

EXTENSIONS = [
    "tables", "footnotes", "attr_list", "def_list", "admonition", "fenced_code", "toc", "sane_lists",
]
_URL_ATTRIBUTE = re.compile(r"""(?P<lead>\b(?P<name>href|src|poster)\s*=\s*)(?P<q>["'])(?P<value>[^"']*)(?P=q)""")
_CODE = re.compile(r"<(pre|code)\b[^>]*>.*?</\1>", re.IGNORECASE | re.DOTALL)
_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_VAGUE_LINK_TEXT = {"here", "click here", "link", "this link", "read more", "more", "this", "click"}
_LINK = re.compile(r"<a\b[^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)
_EMPTY_ALT = re.compile(r"!\[\s*\]")
_H1 = re.compile(r"<h1\b", re.IGNORECASE)
_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)

mimetypes.add_type("text/vtt", ".vtt")
mimetypes.add_type("text/markdown", ".md")


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

    def asset_for(self, real: Path, scope: ModuleScope) -> Asset:
        if real in self.assets:
            return self.assets[real]
        if self.assets_dir and real.is_relative_to(self.assets_dir):
            parts = ("assets", *real.relative_to(self.assets_dir).parts)
        else:
            parts = ("modules", scope.module_id, *real.relative_to(scope.folder).parts)
        key = "/".join(parts)
        # Provisional: final_assets() settles clashes once every file of the course is known.
        bundle_path = "/".join(safe_path_segment(p) for p in parts)
        media_type = mimetypes.guess_type(real.name)[0] or "application/octet-stream"
        asset = Asset(
            key=key,
            source=Path(os.path.relpath(real, self.root)).as_posix(),
            bundle_path=bundle_path,
            size=real.stat().st_size,
            media_type=media_type,
        )
        self.assets[real] = asset
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
            if (folder / "module.md").resolve() not in self.module_files and (folder / "module.md").is_file():
                return folder
        return None

    def locate(self, relative: str, base_dir: Path, scope: ModuleScope) -> tuple[Path | None, str | None]:
        """Resolve a relative path written in a file in ``base_dir``; return (real path, problem)."""
        if relative.startswith("/") or relative.startswith("\\"):
            return None, f"'{relative}' is an absolute path; write it relative to the Markdown file"
        candidate = base_dir / relative
        real = existing_path(candidate)
        if real is None:
            if "\\" in relative:
                return None, f"'{relative}' does not exist; write paths with '/': '{relative.replace(chr(92), '/')}'"
            return None, f"'{relative}' does not exist (looked for {_shown(candidate)})"
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
        if not real.is_file():
            return None, f"'{relative}' is a folder, not a file"
        return real, None


def existing_path(candidate: Path) -> Path | None:
    """The real path of ``candidate``, also when the disk stores a name in the other Unicode
    form (macOS archives write 'é' as 'e' + accent): the author sees the same name."""
    try:
        return candidate.resolve(strict=True)
    except (FileNotFoundError, RuntimeError, OSError):
        pass
    candidate = candidate.absolute()
    path = Path(candidate.anchor)
    for part in candidate.parts[1:]:
        names = dict.fromkeys((part, unicodedata.normalize("NFC", part), unicodedata.normalize("NFD", part)))
        found = next((path / name for name in names if (path / name).exists()), None)
        if found is None:
            return None
        path = found
    try:
        return path.resolve(strict=True)
    except (FileNotFoundError, RuntimeError, OSError):
        return None


def _shown(path: Path) -> str:
    return os.path.normpath(str(path))


class MarkdownRenderer:
    """Converts Markdown bodies; one instance per read, reset between documents."""

    def __init__(self, files: CourseFiles):
        self.files = files
        self._md = markdown.Markdown(
            extensions=EXTENSIONS,
            extension_configs={"toc": {"permalink": False}, "footnotes": {"UNIQUE_IDS": True}},
            output_format="html",
        )

    def render(self, text: str, path: Path, first_line: int, scope: ModuleScope,
               diagnostics: list[Diagnostic]) -> RichText:
        self._md.reset()
        converted = _nest_headings(self._md.convert(text))
        found_assets: list[str] = []
        found_items: list[str] = []
        link_lines: list[tuple[str, int]] = []
        lines = text.split("\n")

        def line_of(raw: str) -> int:
            for candidates in (raw, html.unescape(raw), unquote(html.unescape(raw))):
                for index, line in enumerate(lines):
                    if candidates and candidates in line:
                        return first_line + index
            return first_line

        code_spans = [m.span() for m in _CODE.finditer(converted)]

        def substitute(match: re.Match[str]) -> str:
            if any(start <= match.start() < end for start, end in code_spans):
                return match.group(0)  # an HTML example inside code, not a link
            raw = match.group("value")
            url = html.unescape(raw).strip()
            if not url or url.startswith("#") or url.startswith("//") or _SCHEME.match(url):
                return match.group(0)
            parts = urlsplit(url)
            relative = unquote(parts.path)
            if not relative:
                return match.group(0)
            real, problem = self.files.locate(relative, path.parent, scope)
            if problem:
                diagnostics.append(error(f"broken link: {problem}", path, line_of(raw)))
                return match.group(0)
            assert real is not None
            if real in self.files.unread:
                return match.group(0)  # the target's own error stops the build
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
            new = html.escape(reference.url(), quote=True)
            return f'{match.group("lead")}{match.group("q")}{new}{match.group("q")}'

        rewritten = _URL_ATTRIBUTE.sub(substitute, converted)
        _accessibility_lint(rewritten, text, path, first_line, diagnostics)
        return RichText(
            html=rewritten,
            assets=tuple(dict.fromkeys(found_assets)),
            items=tuple(dict.fromkeys(found_items)),
            link_lines=tuple(dict.fromkeys(link_lines)),
        )


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
        alt = re.search(r"""\balt\s*=\s*(["'])(.*?)\1""", tag, re.DOTALL)
        if alt is None or not alt.group(2).strip():
            src = re.search(r"""\bsrc\s*=\s*(["'])(.*?)\1""", tag)
            shown = src.group(2) if src else "image"
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
