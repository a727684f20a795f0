"""``Path.resolve()`` once per path and per read.

The reader asks for the real path of every module folder, ``module.md`` and item several
times (to refuse links out of the course, to key the texts it read); ``os.path.realpath``
calls ``lstat`` on every component each time.  Here a path whose parent is already known
and whose last component is not a symbolic link resolves with one ``lstat``: the real path
of its parent joined with its name, which is what ``realpath`` would give.  Anything else
(a link, a ``..``, an error other than "missing") is left to ``Path.resolve()`` itself.

:meth:`RealPaths.strict` does the same for ``Path.resolve(strict=True)``, for the files links
and images name: one ``lstat`` of the file itself instead of one per folder on its way.
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

    def strict(self, path: Path) -> Path:
        """``path.resolve(strict=True)``: the same path, or the same exception."""
        if path.name not in ("", ".", "..") and path.parent != path:
            try:
                status = os.lstat(path)
            except (OSError, ValueError):
                pass  # missing, or not searchable: resolve() below says which, as it always did
            else:
                if not stat.S_ISLNK(status.st_mode):
                    # It exists, so its folder does: the folder's real path joined with its name.
                    return self(path.parent) / path.name
        return path.resolve(strict=True)
