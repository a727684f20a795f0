"""Reading authors' text files: UTF-8 only, binary refused with a clear message."""

from __future__ import annotations

from pathlib import Path

from ..errors import Diagnostic, error


def read_text(path: Path, diagnostics: list[Diagnostic]) -> str | None:
    """The file's text with a BOM and Windows line ends removed, or ``None`` after an error."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        diagnostics.append(error(f"cannot read the file: {exc.strerror or exc}", path))
        return None
    if b"\x00" in data[:8192]:
        diagnostics.append(error("this is a binary file, not UTF-8 text; "
                                 "only Markdown and YAML text files are read here", path))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        diagnostics.append(error(f"not valid UTF-8 text (byte 0x{data[exc.start]:02x}); "
                                 "save the file as UTF-8", path, line))
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")
