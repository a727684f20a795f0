"""The real importers of our bundles, as the tests reach them.

``../shared/tools`` beside the clone holds programs that LMSs and their operators really run:
Moodle 5.1 (restore of a cartridge, mod_scorm for a SCORM package, its SCORM player), cc2olx
(Open edX's cartridge converter), Instructure's cartridge viewer (the Canvas Commons preview)
and Open edX's block classes.  ``tools/setup-readers.sh`` installs each where the scripts in
``../shared/tools`` look by default; this module finds them there and runs them.

Where a tool cannot run, :func:`unavailable` skips the test with the reason, except under
``CI``, where a green run must mean that the real importer really read the bundle: there it
fails instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
TOOLS = SHARED / "tools"
TMP = Path(os.environ.get("TMPDIR", "/tmp"))
SETUP_HINT = "run tools/setup.sh --test (it calls tools/setup-readers.sh)"


def unavailable(reason: str):
    """Skip with ``reason``, or fail under CI, where every real reader must run."""
    if os.environ.get("CI"):
        pytest.fail(f"real importer unavailable on CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _need_shared() -> None:
    if not TOOLS.is_dir():
        unavailable(f"{TOOLS} is not beside this clone: the real importers live there")


def _run(command: list[str], timeout: float, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)


# -- Moodle 5.1 ------------------------------------------------------------------------------

@dataclass(frozen=True)
class MoodleSite:
    """A throw-away Moodle 5.1 site made by ``../shared/tools/moodle/install.sh``."""

    home: Path

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "MOODLE_EVAL_HOME": str(self.home)}

    def import_bundle(self, bundle: Path, mode: str = "auto", fullname: str | None = None) -> dict:
        """Import one ``.imscc`` (Restore) or SCORM ``.zip`` (mod_scorm) into a new course.

        Returns import.php's JSON summary; ``success`` says whether Moodle accepted it.
        """
        command = [str(TOOLS / "moodle" / "import.sh"), str(bundle), f"--mode={mode}"]
        if fullname:
            command.append(f"--fullname={fullname}")
        done = _run(command, timeout=600, env=self.env)
        try:
            return json.loads(done.stdout)
        except json.JSONDecodeError:
            raise AssertionError(f"import.sh printed no JSON (exit {done.returncode}):\n"
                                 f"{done.stdout[-2000:]}\n{done.stderr[-2000:]}") from None

    def play_scorm(self, package: Path, source: Path, quizzes: str = "all", extra: list[str] = ()) -> dict:
        """Play a SCORM package in Moodle's own player (``play_scorm.py``); its JSON report."""
        with tempfile.TemporaryDirectory() as work:
            report = Path(work) / "report.json"
            command = [sys.executable, str(TOOLS / "moodle" / "play_scorm.py"), "--package", str(package),
                       "--source", str(source), "--quizzes", quizzes, "--shots", str(Path(work) / "shots"),
                       "--json", str(report), *extra]
            done = _run(command, timeout=1200, env=self.env)
            if not report.exists():
                raise AssertionError(f"play_scorm.py wrote no report (exit {done.returncode}):\n"
                                     f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
            result = json.loads(report.read_text(encoding="utf-8"))
            result.setdefault("exit_status", done.returncode)
            return result

    def php(self, script: Path | str, *args: str, timeout: float = 600) -> subprocess.CompletedProcess:
        """Run a PHP CLI script against the site (the code root is ``home/moodle``)."""
        return _run(["php", "-d", "max_input_vars=5000", "-d", "memory_limit=1G", str(script), *args],
                    timeout=timeout, env=self.env)


def moodle_site() -> MoodleSite:
    _need_shared()
    home = Path(os.environ.get("MOODLE_EVAL_HOME", TMP / "moodle-eval"))
    if shutil.which("php") is None:
        unavailable(f"PHP is not installed; {SETUP_HINT}")
    if not (home / "moodle" / "config.php").is_file():
        unavailable(f"no Moodle site at {home}; {SETUP_HINT}")
    probe = _run(["php", str(home / "moodle" / "admin" / "cli" / "cfg.php"), "--name=release"], timeout=60)
    if probe.returncode != 0:
        # PostgreSQL may simply be down after a reboot: import.sh starts it, so try once.
        if shutil.which("pg_ctlcluster"):
            _run(["pg_ctlcluster", "15", "main", "start"], timeout=60)
            probe = _run(["php", str(home / "moodle" / "admin" / "cli" / "cfg.php"), "--name=release"], timeout=60)
    if probe.returncode != 0:
        unavailable(f"the Moodle site at {home} does not answer ({probe.stdout.strip()[:200]} "
                    f"{probe.stderr.strip()[:200]}); {SETUP_HINT}")
    return MoodleSite(home)


# -- cc2olx ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Cc2olx:
    """openedx/cc2olx 0.4.0 in its own Python 3.12 venv (``readers/setup.sh``)."""

    venv: Path

    def convert(self, cartridge: Path, work: Path, extra: list[str] = ()) -> Path:
        """Convert a cartridge to OLX; return the folder holding the extracted ``course.xml``."""
        out = work / "cc2olx-out"
        shutil.rmtree(out, ignore_errors=True)
        done = _run([str(self.venv / "bin" / "cc2olx"), "-i", str(cartridge), "-r", "folder", "-o", str(out),
                     *extra], timeout=600)
        archives = sorted(out.glob("*.tar.gz")) if out.is_dir() else []
        if done.returncode != 0 or not archives:
            raise AssertionError(f"cc2olx did not convert {cartridge.name} (exit {done.returncode}):\n"
                                 f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        olx = work / "cc2olx-olx"
        shutil.rmtree(olx, ignore_errors=True)
        olx.mkdir(parents=True)
        with tarfile.open(archives[0]) as archive:
            archive.extractall(olx, filter="data")
        return olx

    def log(self, cartridge: Path, work: Path) -> str:
        """Everything cc2olx prints at INFO level while converting (its warnings name losses)."""
        done = _run([str(self.venv / "bin" / "cc2olx"), "-i", str(cartridge), "-r", "folder",
                     "-o", str(work / "cc2olx-log"), "-l", "INFO"], timeout=600)
        return done.stdout + done.stderr


def cc2olx() -> Cc2olx:
    _need_shared()
    venv = Path(os.environ.get("READERS_HOME", TMP / "ilead-readers")) / "venv"
    if not (venv / "bin" / "cc2olx").exists():
        unavailable(f"cc2olx is not installed in {venv}; {SETUP_HINT}")
    return Cc2olx(venv)


# -- the Canvas cartridge viewer ------------------------------------------------------------------

@dataclass(frozen=True)
class CartridgeViewer:
    """Instructure's common-cartridge-viewer, built, with the npm libraries its page loads.

    ``build`` is served as a static site with the cartridge beside it; ``cdn`` holds zip.js,
    sanitize-html and MathJax, which the page asks a public CDN for (route those requests
    there: this machine has no network).  Drive it with Playwright (the project's venv has it).
    """

    build: Path
    cdn: Path
    checker: Path  # readers/viewer_check.py: a ready walk of every module item, with screenshots


def cartridge_viewer() -> CartridgeViewer:
    _need_shared()
    build = TOOLS / "cc-viewer" / "build"
    cdn = Path(os.environ.get("READERS_HOME", TMP / "ilead-readers")) / "cdn" / "node_modules"
    if not (build / "index.html").is_file():
        unavailable(f"the cartridge viewer build is missing at {build}")
    if not (cdn / "@zip.js" / "zip.js" / "dist" / "zip.min.js").is_file():
        unavailable(f"the viewer's npm libraries are missing in {cdn}; {SETUP_HINT}")
    if shutil.which("chromium") is None:
        unavailable(f"Debian's chromium is not installed; {SETUP_HINT}")
    try:
        import playwright  # noqa: F401
    except ImportError:
        unavailable(f"Python playwright is not installed; {SETUP_HINT}")
    return CartridgeViewer(build, cdn, TOOLS / "readers" / "viewer_check.py")


# -- Open edX's block classes ------------------------------------------------------------------------

@dataclass(frozen=True)
class EdxBlocks:
    """``edx-blocks/olx_load.py`` in its venv: every block parsed by Open edX's own classes."""

    venv: Path

    def load(self, archive: Path, source: Path | None = None) -> dict:
        """The JSON report of olx_load.py (``exit_status`` 0 when it found no error)."""
        with tempfile.TemporaryDirectory() as work:
            report = Path(work) / "report.json"
            command = [str(self.venv / "bin" / "python"), str(TOOLS / "edx-blocks" / "olx_load.py"), str(archive),
                       "--json", str(report)]
            if source is not None:
                command += ["--source", str(source)]
            done = _run(command, timeout=600)
            if not report.exists():
                raise AssertionError(f"olx_load.py wrote no report (exit {done.returncode}):\n"
                                     f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
            result = json.loads(report.read_text(encoding="utf-8"))
            result.setdefault("exit_status", done.returncode)
            result.setdefault("output", done.stdout[-20000:])
            return result


    def details(self, archive: Path, source: Path | None = None, submissions: dict | None = None) -> dict:
        """:meth:`load`'s report plus what each parsed block holds and capa's grade of ``submissions``.

        Runs ``tests/edx/olx_details.py`` (olx_load's own ``load()``, the block classes wrapped to
        keep what they parsed) with Django settings that add the ``waffle`` app the platform
        has; ``submissions`` maps a problem's url_name to ``{"choices": [label, ...]}`` or
        ``{"text": "..."}`` entries, each graded by a fresh ``LoncapaProblem``.
        """
        with tempfile.TemporaryDirectory() as work:
            report = Path(work) / "report.json"
            command = [str(self.venv / "bin" / "python"), str(Path(__file__).parent / "edx" / "olx_details.py"),
                       str(archive), "--tool", str(TOOLS / "edx-blocks"), "--json", str(report)]
            if source is not None:
                command += ["--source", str(source)]
            if submissions is not None:
                (Path(work) / "submissions.json").write_text(json.dumps(submissions), encoding="utf-8")
                command += ["--submissions", str(Path(work) / "submissions.json")]
            done = _run(command, timeout=600)
            if done.returncode != 0 or not report.exists():
                raise AssertionError(f"olx_details.py failed (exit {done.returncode}):\n"
                                     f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
            return json.loads(report.read_text(encoding="utf-8"))


def edx_blocks() -> EdxBlocks:
    _need_shared()
    venv = Path(os.environ.get("EDX_BLOCKS_VENV", TMP / "ilead-edx-blocks"))
    if not (venv / "bin" / "python").exists():
        unavailable(f"Open edX's block classes are not installed in {venv}; {SETUP_HINT}")
    return EdxBlocks(venv)
