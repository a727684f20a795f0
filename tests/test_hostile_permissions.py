"""Unreadable folders and files are located errors, never PermissionError tracebacks.

#11 item 4: a module folder, ``modules/``, ``images/`` or a ``.vtt`` with mode 000 gave a
traceback for a normal user, and an unreadable image was reported as "cannot write
<bundle>".  Root reads everything, so when the tests run as root the build runs in a
process without the two capabilities that let root ignore permissions.
"""

from __future__ import annotations

import ctypes
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from course_tree import write_tree

COURSE = {
    "course.yml": "title: Perms\ncode: PERM-1\n",
    "modules/01-m/module.md": "---\ntitle: M\n---\nOverview.\n",
    "modules/01-m/01-page.md": "---\ntitle: Page\n---\nFirst line.\n\n![The map](images/map.png)\n",
    "modules/01-m/02-talk.md": "---\ntitle: Talk\ntype: video\nurl: https://youtu.be/abc\n"
                               "captions: media/talk.vtt\n---\nA talk.\n",
    "modules/01-m/media/talk.vtt": "WEBVTT\n\n00:00.000 --> 00:02.000\nHello.\n",
    "modules/01-m/images/map.png": b"\x89PNG\r\n\x1a\nmap",
    "modules/02-n/module.md": "---\ntitle: N\n---\nOverview.\n",
    "modules/02-n/01-other.md": "---\ntitle: Other\n---\nText.\n",
}
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, PR_CAPBSET_DROP = 1, 2, 24


def _as_a_normal_user() -> None:  # runs in the child, before the interpreter starts
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None, use_errno=True)
        for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
            if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "cannot drop a capability")


def build_as_user(work: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONUTF8": "1"}
    return subprocess.run([sys.executable, "-m", "ilead_shell", "build", "src", "--target", "html", "--out", "out"],
                          cwd=work, capture_output=True, text=True, env=env, timeout=120,
                          preexec_fn=_as_a_normal_user)


@pytest.fixture
def course(tmp_path: Path):
    root = write_tree(tmp_path / "src", COURSE)
    changed: list[Path] = []

    def lock(rel: str, mode: int = 0) -> None:
        path = root / rel
        path.chmod(mode)
        changed.append(path)

    yield root, lock
    for path in reversed(changed):  # so pytest can remove the folder
        path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.mark.parametrize("rel, mode, file, line, says", [
    ("modules/01-m", 0, "modules/01-m/module.md", 1, "cannot read the module folder '01-m': Permission denied"),
    ("modules/01-m", 0o600, "modules/01-m/module.md", 1, "cannot read module.md: permission denied"),
    ("modules", 0, "course.yml", 1, "cannot read the folder modules/: Permission denied"),
    ("modules/01-m/images", 0, "modules/01-m/01-page.md", 6,
     "broken link: 'images/map.png': cannot be read: permission denied (the folder"),
    ("modules/01-m/images/map.png", 0, "modules/01-m/01-page.md", 6,
     "broken link: 'images/map.png': cannot read it: permission denied"),
    ("modules/01-m/media/talk.vtt", 0, "modules/01-m/02-talk.md", 5,
     "captions: 'media/talk.vtt': cannot read it: permission denied"),
    ("modules/01-m/01-page.md", 0, "modules/01-m/01-page.md", 1, "cannot read the file: permission denied"),
    ("modules/01-m/module.md", 0, "modules/01-m/module.md", 1, "cannot read the file: permission denied"),
])
def test_an_unreadable_folder_or_file_is_a_located_error(course, rel, mode, file, line, says):
    root, lock = course
    lock(rel, mode)
    done = build_as_user(root.parent)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Traceback" not in output and "cannot write" not in output, output
    pattern = rf"^src/{re.escape(file)}:{line}: error: .*{re.escape(says)}"
    assert re.search(pattern, output, re.MULTILINE | re.IGNORECASE), output
    assert not (root.parent / "out").exists() or not any((root.parent / "out").iterdir())


def test_a_listed_module_folder_that_cannot_be_read_is_located_at_its_entry(course):
    root, lock = course
    (root / "course.yml").write_text("title: Perms\ncode: PERM-1\nmodules: [01-m, 02-n]\n")
    lock("modules/02-n", 0)
    done = build_as_user(root.parent)
    assert done.returncode == 1, done.stderr
    assert "src/course.yml:3: error: cannot read the module folder '02-n': Permission denied" in done.stderr, \
        done.stderr


def test_the_normal_user_process_really_cannot_read_what_is_locked(course):
    root, lock = course
    lock("modules/01-m/images/map.png", 0)
    code = "import sys; open(sys.argv[1], 'rb')"
    done = subprocess.run([sys.executable, "-c", code, str(root / "modules/01-m/images/map.png")],
                          capture_output=True, text=True, preexec_fn=_as_a_normal_user)
    assert done.returncode == 1 and "PermissionError" in done.stderr  # else the tests above prove nothing
