"""``Path.resolve()`` once per path and per read.

The reader asks for the real path of every module folder, ``module.md`` and item several
times (to refuse links out of the course, to key the texts it read); ``os.path.realpath``
calls ``lstat`` on every component each time.  Here a path whose parent is already known
and whose last component is not a symbolic link resolves with one ``lstat``: the real path
of its parent joined with its name, which is what ``realpath`` would give.  Anything else
(a link, a ``..``, an error other than "missing") is left to ``Path.resolve()`` itself.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


class RealPaths:
    def __init__(self, *known: Path):
        self.known: dict[Path, Path] = {path: path for path in known}

    def __call__(self, path: Path) -> Path:
        real = self.known.get(path)
        if real is None:
            real = self.known[path] = self._resolve(path)
        return real

    def _resolve(self, path: Path) -> Path:
        parent = path.parent
        if path.name in ("", ".", "..") or parent == path:
            return path.resolve()
        try:
            if stat.S_ISLNK(os.lstat(path).st_mode):
                return path.resolve()
        except (FileNotFoundError, NotADirectoryError):
            pass  # realpath keeps a missing last component as it is written
        except (OSError, ValueError):
            return path.resolve()
        return self(parent) / path.name
