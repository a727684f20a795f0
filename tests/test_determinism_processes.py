"""The same source gives the same bytes from a fresh process on another "host".

The in-process tests (test_cli.py, test_archive.py) build twice in one interpreter, so
anything fixed per process (set and dict order under ``PYTHONHASHSEED``, the time zone, the
locale, the umask, the current folder, the source's absolute path and file times) is the same
in both builds.  Here every target is built by two separate ``ilead-shell build`` processes
that differ in all of those, from two copies of the course, and the archives are compared
byte for byte.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIDELITY = REPO / "tests" / "roots" / "fidelity"
#: name -> (course folder, text added to its course.yml, targets)
SOURCES = {
    "course_source": (REPO / "course_source", "", "all"),
    "fidelity": (FIDELITY, "", "all"),
    "fidelity-cc11": (FIDELITY, 'exporters:\n  cc: {cc_version: "1.1"}\n', "cc"),  # plain CC's other version
}
HOSTS = [  # (PYTHONHASHSEED, TZ, locale, umask)
    ("1", "UTC", "C.UTF-8", 0o022),
    ("4242", "Pacific/Kiritimati", "C", 0o077),  # UTC+14: another calendar day than UTC most of the time
]


def _copy(source: Path, target: Path, course_yml: str, touch: int) -> Path:
    shutil.copytree(source, target)
    if course_yml:
        with (target / "course.yml").open("a", encoding="utf-8") as handle:
            handle.write(course_yml)
    for path in target.rglob("*"):
        os.utime(path, (touch, touch))  # other file times than the checkout's
    return target


def _build(source: Path, targets: str, out: Path, seed: str, tz: str, locale: str, umask: int, cwd: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONHASHSEED"))}
    env.update(PYTHONHASHSEED=seed, TZ=tz, LANG=locale, LC_ALL=locale)
    # The umask is set by a shell in front of Python (preexec_fn is unsafe once the browser
    # tests have started threads in this process).
    command = ["sh", "-c", f"umask {umask:03o} && exec \"$0\" \"$@\"", sys.executable, "-m", "ilead_shell",
               "build", str(source), "--target", targets, "--offering", "all", "--out", str(out)]
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_two_processes_on_different_hosts_build_identical_bytes(tmp_path, name):
    folder, course_yml, targets = SOURCES[name]
    outputs = []
    for number, (seed, tz, locale, umask) in enumerate(HOSTS):
        host = tmp_path / f"host{number}"
        source = _copy(folder, host / "src" / ("course" if number else name), course_yml,
                       touch=315532800 + number * 86400 * 400)
        out = host / "out"
        _build(source, targets, out, seed, tz, locale, umask, cwd=host)
        outputs.append(out)
    first, second = ({p.name: p.read_bytes() for p in out.iterdir()} for out in outputs)
    assert first and first.keys() == second.keys()
    assert len(first) >= (8 if targets == "all" else 1)
    if name == "fidelity-cc11":
        manifests = [zipfile.ZipFile(io.BytesIO(data)).read("imsmanifest.xml") for data in first.values()]
        assert all(b"imsccv1p1/imscp_v1p1" in m for m in manifests)
    different = sorted(n for n in first if first[n] != second[n])
    assert not different, f"bundles differ between the two processes: {different}"
