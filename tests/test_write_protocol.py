"""Every bundle of a build, or none: signals, kill -9, full disks and workers.

The signal tests run a real ``ilead-shell build`` in a subprocess with two test
targets installed through a dist-info folder: ``quick`` writes its bundle at once and
``stalls`` then blocks, so the kill always lands while a temporary file exists.
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import ilead_shell.pipeline as pipeline
from ilead_shell import staging
from ilead_shell.cli import main
from ilead_shell.errors import IleadError
from ilead_shell.pipeline import build
from ilead_shell.registry import GROUP

HANDMADE = Path(__file__).parent / "roots" / "handmade"
FIDELITY = Path(__file__).parent / "roots" / "fidelity"

TARGETS = '''
import os, time
from pathlib import Path
from ilead_shell.exporter_api import Bundle, Exporter


class Quick(Exporter):
    name = "quick"
    description = "writes at once"

    def build_bundle(self, course):
        bundle = Bundle()
        bundle.add_bytes("payload.bin", os.urandom(256 * 1024))
        bundle.counts = {"files": 1}
        return bundle


class Stalls(Quick):
    name = "stalls"
    description = "blocks until killed, once the quick bundle is written"

    def build_bundle(self, course):
        Path(os.environ["STALL_FLAG"]).write_text("stalling")
        time.sleep(120)
        return super().build_bundle(course)
'''


@pytest.fixture
def slow_site(tmp_path) -> dict:
    """A PYTHONPATH folder that installs the 'quick' and 'stalls' targets for subprocesses."""
    site = tmp_path / "site"
    (site / "protocol_targets-0.dist-info").mkdir(parents=True)
    (site / "protocol_targets.py").write_text(TARGETS)
    (site / "protocol_targets-0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: protocol-targets\nVersion: 0\n")
    (site / "protocol_targets-0.dist-info" / "entry_points.txt").write_text(
        f"[{GROUP}]\nquick = protocol_targets:Quick\nstalls = protocol_targets:Stalls\n")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")]),
           "STALL_FLAG": str(tmp_path / "stalling")}
    return {"env": env, "flag": tmp_path / "stalling", "out": tmp_path / "out"}


def _start(slow_site, jobs: int, targets: str = "quick,stalls") -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ilead_shell", "build", str(HANDMADE), "--target", targets,
         "--out", str(slow_site["out"]), "--jobs", str(jobs)],
        env=slow_site["env"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_until_stalled(process: subprocess.Popen, slow_site) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        parts = list(slow_site["out"].glob(".*.part")) if slow_site["out"].exists() else []
        quick_written = any(p.name.startswith(".ODL-201-quick") and p.stat().st_size > 200_000 for p in parts)
        if slow_site["flag"].exists() and quick_written:
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    raise AssertionError("the build never reached the stalling target")


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if text in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    state = (entry / "stat").read_text().split(")")[-1].split()[0]
                    if state != "Z":
                        found.append(int(entry.name))
            except OSError:
                continue
    return found


# -- signals -------------------------------------------------------------------------------------
@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_and_sighup_remove_every_temporary_file_and_write_nothing(slow_site, signum, jobs):
    process = _start(slow_site, jobs)
    _wait_until_stalled(process, slow_site)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + signum, stderr
    assert f"interrupted by {signal.Signals(signum).name}; no bundle was written" in stderr
    assert "Traceback" not in stderr
    assert _leftovers(slow_site["out"]) == []  # no bundle, no .part, no lock: not even the folder
    assert _processes_mentioning(str(slow_site["out"])) == []  # no worker left behind


def test_a_signal_taken_while_held_interrupts_once_the_held_code_is_done():
    """A signal must not land inside pydantic-core building a validator: it came out as a
    SchemaError (a traceback, exit 1) or not at all (the build went on until the stalling
    target ended), when the checks were imported beside the bundles."""
    from typing import Literal

    import pydantic

    done = []
    with pytest.raises(staging.BuildInterrupted) as stop:
        with staging.interrupt_on_signals():
            with staging.signals_held():
                os.kill(os.getpid(), signal.SIGTERM)

                class Late(pydantic.BaseModel):  # built whole, the signal waiting
                    strict: Literal["no", "yes"] = "no"
                done.append(Late)
            done.append("after the held code")  # not reached: the signal is taken first
    assert stop.value.args == (signal.SIGTERM,)
    assert len(done) == 1 and done[0]().strict == "no"


def test_the_checks_are_imported_with_signals_held(monkeypatch):
    import contextlib

    from ilead_shell.reader import read_course

    held = []

    @contextlib.contextmanager
    def recording():
        held.append("held")
        yield

    monkeypatch.setattr(pipeline, "signals_held", recording)
    pipeline.check_course(read_course(HANDMADE), [], False)
    assert held == ["held"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_after_kill_9_the_next_build_removes_what_the_dead_build_left(slow_site, jobs):
    process = _start(slow_site, jobs)
    _wait_until_stalled(process, slow_site)
    process.kill()
    process.communicate(timeout=60)
    out = slow_site["out"]
    deadline = time.monotonic() + 10  # workers die with their parent (PR_SET_PDEATHSIG)
    while _processes_mentioning(str(out)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _processes_mentioning(str(out)) == []
    left = _leftovers(out)
    assert any(name.endswith(".part") for name in left), left  # nothing could clean up after SIGKILL
    assert any(name.endswith(".lock") for name in left), left

    again = subprocess.run([sys.executable, "-m", "ilead_shell", "build", str(HANDMADE), "--target", "quick",
                            "--out", str(out), "-q"], env=slow_site["env"], capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stderr
    assert _leftovers(out) == ["ODL-201-quick-mooc.zip"]


def test_a_live_build_keeps_its_temporary_files_when_another_build_sweeps(tmp_path):
    with staging.Staging(tmp_path) as live:
        live.write("a.zip", lambda raw: raw.write(b"half"))
        assert staging.remove_stale(tmp_path) == []
        assert (tmp_path / f".a.zip.{live.token}.part").exists()
    assert _leftovers(tmp_path) == []


def test_temporary_files_of_a_dead_build_and_of_the_old_writer_are_swept(tmp_path):
    dead = "4242-0123abcd"
    (tmp_path / f".ilead-build.{dead}.lock").write_text("")  # nobody holds it
    (tmp_path / f".x-html.zip.{dead}.part").write_bytes(b"partial")
    (tmp_path / f".x-cc.imscc.{dead}.part").write_bytes(b"partial")
    (tmp_path / ".x-html.zip.k3j_9qz1.part").write_bytes(b"from the tempfile writer")
    (tmp_path / "mine.part").write_text("not ours: kept")
    (tmp_path / ".notes.txt").write_text("not ours: kept")
    bundle = pipeline.Bundle()
    bundle.add_text("index.html", "x")
    from ilead_shell.archive import write_archive

    write_archive(bundle, tmp_path / "x-html.zip")
    assert _leftovers(tmp_path) == [".notes.txt", "mine.part", "x-html.zip"]


# -- full disks ----------------------------------------------------------------------------------
def _fill_after(monkeypatch, budget: int) -> None:
    """Make the disk 'full' once ``budget`` bytes of archives have been written in this process."""
    real = pipeline.write_bundle
    written = [0]

    class Filling:
        def __init__(self, raw):
            self.raw = raw
            self.name = raw.name

        def write(self, data):
            written[0] += len(data)
            if written[0] > budget:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), self.name)
            return self.raw.write(data)

        def __getattr__(self, name):
            return getattr(self.raw, name)

    monkeypatch.setattr(pipeline, "write_bundle", lambda bundle, raw: real(bundle, Filling(raw)))


def test_a_full_disk_after_some_bundles_leaves_none_and_names_what_was_not_written(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "kept.txt").write_text("the folder's own file")
    _fill_after(monkeypatch, 120_000)
    with pytest.raises(IleadError) as caught:
        build(HANDMADE, "html,cc,canvas,moodle,scorm12,edx", out, offering="all", jobs=1)
    message = caught.value.format_message()
    first, second = message.split("\n")
    assert first.startswith("cannot write ") and first.endswith(": No space left on device")
    failed = first.removeprefix("cannot write ").split(":")[0]
    assert failed.endswith((".zip", ".imscc", ".tar.gz")) and failed.rsplit("/", 1)[-1] in second
    assert "none of the 12 bundles of this build" in second
    for name in ("ODL-201-html-mooc.zip", "ODL-201-edx-certificate.tar.gz"):
        assert name in second
    assert _leftovers(out) == ["kept.txt"]


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("mount"), reason="mounting a small tmpfs needs root")
def test_a_really_full_disk_leaves_nothing_either(tmp_path):
    results, _ = build(FIDELITY, "all", tmp_path / "measure", jobs=1)
    half = sum(r.size for r in results) // 2 // 1024  # room for about half of the bundles
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={half}k", "tmpfs", str(disk)]).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        done = subprocess.run([sys.executable, "-m", "ilead_shell", "build", str(FIDELITY), "--target", "all",
                               "--out", str(disk / "out"), "--jobs", "2"], capture_output=True, text=True, timeout=300)
        assert done.returncode == 1, done.stderr
        assert "No space left on device" in done.stderr and "Traceback" not in done.stderr
        from ilead_shell.registry import Registry

        every = len(Registry().resolve("all"))
        assert f"nothing was written: none of the {every} bundles of this build" in done.stderr
        assert _leftovers(disk) == []
    finally:
        subprocess.run(["umount", str(disk)])


# -- outline --out -----------------------------------------------------------------------------------
def test_outline_on_a_full_disk_is_an_error_and_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "outline.html"
    target.write_text("the previous outline")

    def full(path, data):
        with open(path, "wb") as raw:
            raw.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    real_write = staging.Staging.write
    monkeypatch.setattr(staging.Staging, "write",
                        lambda self, name, writer: real_write(self, name, lambda raw: full(raw.name, b"x" * 1000)))
    result = CliRunner().invoke(main, ["outline", str(HANDMADE), "--out", str(target)])
    assert result.exit_code == 1
    assert result.output.strip().endswith(f"error: cannot write {target}: No space left on device")
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert target.read_text() == "the previous outline"
    assert _leftovers(tmp_path) == ["outline.html"]


@pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("mount"), reason="mounting a read-only tmpfs needs root")
def test_outline_into_a_read_only_folder_is_an_error_without_traceback(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)]).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        done = subprocess.run([sys.executable, "-m", "ilead_shell", "outline", str(HANDMADE), "--out",
                               str(folder / "outline.html")], capture_output=True, text=True, timeout=120)
    finally:
        subprocess.run(["umount", str(folder)])
    assert done.returncode == 1
    assert "error: cannot write" in done.stderr and "Read-only file system" in done.stderr
    assert "Traceback" not in done.stderr


def test_outline_out_writes_the_whole_file(tmp_path):
    target = tmp_path / "new" / "outline.md"
    result = CliRunner().invoke(main, ["outline", str(HANDMADE), "--format", "md", "--out", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("# ")
    assert _leftovers(target.parent) == ["outline.md"]


# -- workers and shared bundles ------------------------------------------------------------------------
@pytest.mark.parametrize("root", [HANDMADE, FIDELITY], ids=["handmade", "fidelity"])
def test_workers_write_the_same_bytes_as_a_serial_build(tmp_path, root, forking):
    built = []
    for jobs in (1, 2):
        results, _ = build(root, "all", tmp_path / f"j{jobs}", offering="all", jobs=jobs)
        built.append({r.path.name: r.path.read_bytes() for r in results})
    assert built[0] == built[1]
    assert len(built[0]) >= 8


def test_targets_that_share_a_bundle_get_the_bytes_each_would_get_alone(tmp_path):
    from ilead_shell.registry import Registry

    registry = Registry()
    exporters = {name: registry.load(name)() for name in registry.resolve("all")}
    keys: dict = {}
    for name, exporter in exporters.items():
        keys.setdefault(exporter.bundle_key(), []).append(name)
    shared = [names for names in keys.values() if len(names) > 1]
    assert shared, "no two targets share a bundle: the sharing is untested"
    for names in shared:
        alone = {}
        for name in names:
            results, _ = build(FIDELITY, name, tmp_path / name, jobs=1)
            alone[name] = results[0].path.read_bytes()
        assert len(set(alone.values())) == 1, names
        together, _ = build(FIDELITY, ",".join(names), tmp_path / "together", jobs=1)
        assert {r.target: r.path.read_bytes() for r in together} == alone


FAILING = '''
from ilead_shell.exporter_api import Bundle, Exporter


class Fine(Exporter):
    name = "fine"

    def build_bundle(self, course):
        bundle = Bundle()
        bundle.add_text("index.txt", course.display_title)
        return bundle


class Broken(Fine):
    name = "broken"

    def build_bundle(self, course):
        raise RuntimeError("an exporter bug")
'''


@pytest.fixture
def failing_targets(install_targets):
    """The targets 'fine' and 'broken' (FAILING) installed instead of the real ones."""
    install_targets("failing_targets", FAILING, {"fine": "Fine", "broken": "Broken"})


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_failing_target_among_others_leaves_nothing_whatever_the_workers(tmp_path, failing_targets, jobs, forking):
    with pytest.raises(IleadError, match="target 'broken' failed: RuntimeError: an exporter bug"):
        build(HANDMADE, "fine,broken", tmp_path / "out", offering="all", jobs=jobs)
    assert not (tmp_path / "out").exists()


# -- the checks run beside the bundles ---------------------------------------------------------------
def _fidelity_without_alt_text(tmp_path: Path) -> Path:
    """The fidelity course with one image stripped of its alt text: a warning of a gated family."""
    root = tmp_path / "course"
    shutil.copytree(FIDELITY, root)
    page = root / "modules" / "01-welcome" / "01-how-it-works.md"
    text = page.read_text(encoding="utf-8")
    assert "![Map of the course modules" in text
    page.write_text(text.replace("![Map of the course modules, with spaces in its file name]", "![]"),
                    encoding="utf-8")
    return root


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_check_error_beside_the_bundles_writes_nothing_and_is_reported_as_check_would(tmp_path, jobs, forking):
    from ilead_shell.errors import CourseError
    from ilead_shell.pipeline import read_and_check

    root = _fidelity_without_alt_text(tmp_path)
    with pytest.raises(CourseError) as checked:
        read_and_check(root, strict=True)
    with pytest.raises(CourseError) as built:
        build(root, "all", tmp_path / "out", offering="all", strict=True, jobs=jobs)
    assert [d.format() for d in built.value.diagnostics] == [d.format() for d in checked.value.diagnostics]
    assert any("no alternative text" in d.message for d in built.value.diagnostics)
    assert not (tmp_path / "out").exists()


def test_the_checks_findings_are_the_same_whatever_the_workers(tmp_path, forking):
    root = _fidelity_without_alt_text(tmp_path)
    found = []
    for jobs in (1, 2):
        results, findings = build(root, "all", tmp_path / f"j{jobs}", jobs=jobs)
        found.append([d.format() for d in findings])
        assert len(results) >= 8
    assert found[0] == found[1]
    assert any("no alternative text" in line for line in found[0])


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_check_error_wins_over_an_exporter_bug_it_may_have_caused(tmp_path, failing_targets, jobs, forking):
    from ilead_shell.errors import CourseError

    root = _fidelity_without_alt_text(tmp_path)
    with pytest.raises(CourseError, match="no alternative text"):
        build(root, "broken,fine", tmp_path / "out", strict=True, jobs=jobs)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_bug_in_a_check_names_the_check_and_writes_nothing(tmp_path, monkeypatch, jobs, forking):
    from dataclasses import replace

    import ilead_shell.checks as checks

    real = checks.registered_checks

    def with_a_bug(*args, **kwargs):
        found, problems = real(*args, **kwargs)
        def explode(course):
            raise KeyError("a check bug")
        return [replace(found[0], run=explode)] + found[1:], problems

    monkeypatch.setattr(checks, "registered_checks", with_a_bug)
    with pytest.raises(IleadError, match=r"check '\S+' failed: KeyError"):
        build(FIDELITY, "all", tmp_path / "out", jobs=jobs)
    assert not (tmp_path / "out").exists()


def test_a_build_leaves_the_garbage_collector_as_it_found_it_even_when_it_fails(tmp_path):
    import gc

    from ilead_shell.errors import CourseError

    before = gc.get_threshold()
    build(FIDELITY, "cc", tmp_path / "ok", jobs=1)
    assert gc.get_threshold() == before
    with pytest.raises(CourseError):
        build(_fidelity_without_alt_text(tmp_path), "cc", tmp_path / "failed", strict=True, jobs=1)
    assert gc.get_threshold() == before
