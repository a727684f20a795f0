"""Listing one more module in an existing course.yml, keeping the author's formatting.

course.yml is the author's file, with their comments and layout, so it is edited as text:
the new folder is added to a block or flow ``modules:`` list, or a list naming every
current module (in their order) and the new one is appended when the course had none.
The result is parsed again and must name exactly the expected modules; otherwise the file
is put back and the import stops.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable

import yaml

from ..errors import IleadError

_KEY = re.compile(r"^modules\s*:(?P<rest>.*)$")
_FLOW = re.compile(r"^\s*\[(?P<items>.*)\]\s*(?P<comment>#.*)?$")


def next_module_folder(modules_dir: Path, slug: str) -> str:
    """The folder name for one more module in ``modules_dir``: the next ``NN-`` number, then the slug."""
    numbers = [int(p.name.split("-", 1)[0]) for p in modules_dir.iterdir()
               if p.is_dir() and p.name.split("-", 1)[0].isdigit()] if modules_dir.is_dir() else []
    return f"{(max(numbers) + 1) if numbers else 1:02d}-{slug}"


def lists_modules(course_yml: Path) -> bool:
    """Whether course.yml has a ``modules:`` list (else every folder of modules/ is a module)."""
    return (yaml.safe_load(_read(course_yml)) or {}).get("modules") is not None


def _read(course_yml: Path) -> str:
    # The author's file, opened the checked way (its real path, no link followed).
    from ..source_files import read_source

    data, _ = read_source(Path(os.path.realpath(course_yml)), 2 * 1024 * 1024)
    return data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")


def append_module(course_yml: Path, folder_name: str, current: list[str], root: Path) -> Callable[[], None]:
    """Add ``folder_name`` (in modules/) to ``course.yml``; returns a function that undoes it."""
    original = _read(course_yml)
    lines = original.split("\n")
    data = yaml.safe_load(original) or {}
    listed = data.get("modules")
    if listed is None:
        entries = [_entry(folder, root) for folder in current] + [folder_name]
        text = original.rstrip("\n") + "\nmodules:\n" + "".join(f"  - {_quote(e)}\n" for e in entries)
        expected = entries
    else:
        expected = [*listed, folder_name]
        index = next(i for i, line in enumerate(lines) if _KEY.match(line))
        rest = _KEY.match(lines[index]).group("rest")
        flow = _FLOW.match(rest)
        if flow:
            items = flow.group("items").strip()
            joined = f"{items}, {_quote(folder_name)}" if items else _quote(folder_name)
            lines[index] = f"modules: [{joined}]" + (f"  {flow.group('comment')}" if flow.group("comment") else "")
        else:
            last, indent = index, "  "
            for number in range(index + 1, len(lines)):
                match = re.match(r"^(\s+)-\s", lines[number])
                if match:
                    last, indent = number, match.group(1)
                elif lines[number].strip() and not lines[number].startswith((" ", "\t", "#")):
                    break
            lines.insert(last + 1, f"{indent}- {_quote(folder_name)}")
        text = "\n".join(lines)
    if (yaml.safe_load(text) or {}).get("modules") != expected:
        raise IleadError(f"{course_yml}: cannot add '{folder_name}' to its modules: list; add it by hand")
    temporary = course_yml.with_name(f".{course_yml.name}.import")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, course_yml)

    def restore() -> None:
        course_yml.write_text(original, encoding="utf-8")

    return restore


def _entry(folder: str, root: Path) -> str:
    """A module as course.yml names it: its folder name inside modules/, else its path."""
    parts = folder.split("/")
    return parts[1] if len(parts) == 2 and parts[0] == "modules" else folder


def _quote(value: str) -> str:
    dumped = yaml.safe_dump(value, default_flow_style=True).strip()
    return dumped[:-4].strip() if dumped.endswith("...") else dumped
