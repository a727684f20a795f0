"""Reading authors' text files: UTF-8 only, binary and invisible control characters refused.

Every Markdown and YAML file is opened once, by its real path and without following links
(:mod:`ilead_shell.source_files`), read whole up to a size limit, and checked from its
first byte to its last: a NUL anywhere means a binary file, and a control character
(which no XML-based target can carry and no reader can see) is a located error.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import Diagnostic, error
from ..source_files import SourceFileError, read_source
from . import limits
from .limits import megabytes

# What XML 1.0 cannot hold (C0 controls but tab and line ends, lone surrogates, U+FFFE/FFFF),
# plus what HTML calls parse errors and editors never show (DEL, C1 controls, non-characters).
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
    + "]"
)


# The same characters, found faster: the sixteen pairs of non-characters beyond U+FFFF, checked
# one by one against every character of a text, made a search of _FORBIDDEN five to eight times
# slower than one of its BMP part.  This finds the BMP ones and every character from U+1FFFE on
# in two steps per character; of the latter, only U+nFFFE and U+nFFFF are forbidden.
_CANDIDATE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                        "\U0001FFFE-\U0010FFFF]")


def forbidden_character(text: str) -> int | None:
    """The index of the first character no target can carry, or None."""
    found = _CANDIDATE.search(text)
    while found is not None:
        code_point = ord(found.group())
        if code_point <= 0xFFFF or code_point & 0xFFFE == 0xFFFE:
            return found.start()
        found = _CANDIDATE.search(text, found.end())
    return None


def is_forbidden(code_point: int) -> bool:
    return code_point > 0x10FFFF or code_point == 0 or bool(_FORBIDDEN.match(chr(code_point)))


def describe(code_point: int) -> str:
    """``U+000B`` in words an author can act on."""
    name = f"U+{code_point:04X}"
    if code_point > 0x10FFFF:
        return f"{name}, which is not a Unicode character"
    if code_point < 0x20 or 0x7F <= code_point <= 0x9F:
        hints = {0x0B: " (a line break pasted from a word processor)", 0x0C: " (a page break)", 0x00: " (NUL)"}
        return f"the control character {name}{hints.get(code_point, '')}"
    if 0xD800 <= code_point <= 0xDFFF:
        return f"the lone surrogate {name}"
    return f"the non-character {name}"


def line_and_column(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def forbidden_message(text: str, index: int, first_line: int = 1) -> tuple[str, int]:
    """The message and line for the forbidden character at ``index``."""
    line, column = line_and_column(text, index)
    return (f"{describe(ord(text[index]))} at column {column} cannot be packaged (no LMS can store it and "
            "no reader would see it); delete it", first_line + line - 1)


def source_file_problem(exc: SourceFileError, what: str = "the file") -> str:
    """A message for a file that could not be opened as a regular file of the course."""
    if exc.kind == "too-large":
        return exc.reason
    if exc.kind in ("folder", "special"):
        return f"{what} is {exc.reason.removeprefix('it is ')}"
    return f"cannot read {what}: {exc.reason}"


def read_text(path: Path, diagnostics: list[Diagnostic], real: Path | None = None) -> str | None:
    """The text of ``path`` (opened as ``real``, its checked real path), BOM and Windows line
    ends removed, or ``None`` after an error added to ``diagnostics``."""
    target = real if real is not None else Path(os.path.realpath(path))
    try:
        data, _ = read_source(target, limits.MAX_TEXT_BYTES)
    except SourceFileError as exc:
        if exc.kind == "too-large":
            diagnostics.append(error(f"the file is larger than {megabytes(limits.MAX_TEXT_BYTES)}, the most a "
                                     "Markdown or YAML file may hold; split it into several files", path, 1))
        else:
            diagnostics.append(error(source_file_problem(exc), path, 1))
        return None
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        diagnostics.append(error("this is a binary file (it holds a NUL byte), not UTF-8 text; "
                                 "only Markdown and YAML text files are read here", path, line))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        diagnostics.append(error(f"not valid UTF-8 text (byte 0x{data[exc.start]:02x}); "
                                 "save the file as UTF-8", path, line))
        return None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    index = forbidden_character(text)
    if index is not None:
        message, line = forbidden_message(text, index)
        diagnostics.append(error(message, path, line))
        return None
    return text
