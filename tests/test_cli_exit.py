"""The executable leaves without the interpreter's teardown (cli.run): what it prints and its
exit status must be exactly those of the command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import ilead_shell.cli as cli

HANDMADE = Path(__file__).parent / "roots" / "handmade"


def executable(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ilead_shell", *args], capture_output=True, text=True,
                          timeout=120, **kwargs)


def test_a_json_report_reaches_a_pipe_whole():
    # Standard output into a pipe is block-buffered: an exit that skipped the flush would lose it.
    done = executable("check", str(HANDMADE), "--format", "json")
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["ok"] is True and report["command"] == "check"


def test_output_written_past_click_reaches_a_pipe_whole():
    # dump-model writes its JSON straight to standard output; buffered (PYTHONUNBUFFERED unset),
    # it reaches the pipe only when the exit flushes it.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    done = executable("dump-model", str(HANDMADE), env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["code"] == "ODL-201"


@pytest.mark.parametrize("command", [["targets"], ["build", str(HANDMADE), "-t", "cc", "-j", "1", "-q"]])
def test_a_command_started_with_standard_output_closed_exits_as_before(command, tmp_path):
    done = subprocess.run(["sh", "-c", f'exec "$0" -m ilead_shell "$@" --out "{tmp_path}" >&-'
                           if command[0] == "build" else 'exec "$0" -m ilead_shell "$@" >&-',
                           sys.executable, *command], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr


@pytest.mark.parametrize("command", [["targets"], ["check", str(HANDMADE), "--format", "json"],
                                     ["dump-model", str(HANDMADE)]])
@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "unbuffered"])
def test_output_onto_a_full_disk_is_one_error_line_and_exit_1(command, buffered):
    # Buffered (PYTHONUNBUFFERED unset, as for most users), the write fails where the exit
    # flushes; unbuffered, inside the command: the same one line either way.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "ilead_shell", *command], stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=60, env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1:] == ["error: cannot write standard output: No space left on device"]
    assert done.stderr.count("cannot write") == 1


@pytest.mark.parametrize("output", [[], ["--format", "json"]], ids=["text", "json"])
@pytest.mark.parametrize("buffered", [True, False], ids=["buffered", "unbuffered"])
def test_a_build_whose_summary_cannot_be_written_says_its_bundles_were(output, buffered, tmp_path):
    # Exit 1, yet the bundles are in place: a script or a person reading only the status would
    # build again or give up; the one error line says the build itself succeeded.
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    if not buffered:
        env["PYTHONUNBUFFERED"] = "1"
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "ilead_shell", "build", str(HANDMADE), "-t", "cc,canvas",
                               "--out", str(tmp_path), *output], stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=120, env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["ODL-201-canvas-mooc.imscc", "ODL-201-cc-mooc.imscc"]
    assert done.stderr.splitlines()[-1] == ("error: cannot write standard output: No space left on device; "
                                            f"the build itself succeeded: 2 bundles written to {tmp_path}")


def test_a_file_a_command_writes_onto_a_full_disk_is_named(tmp_path, exits, capsys):
    # `new` and `import` write their files themselves: the file is named, not "standard output".
    import errno

    written = str(tmp_path / "course" / "course.yml")
    assert exits(OSError(errno.ENOSPC, "No space left on device", written)) == 1
    assert capsys.readouterr().err == f"error: cannot write {written}: No space left on device\n"


def test_other_os_errors_are_not_dressed_up(exits):
    import errno

    with pytest.raises(PermissionError):
        exits(PermissionError(errno.EACCES, "Permission denied"))


def test_a_build_prints_its_summary_and_exits_0(tmp_path):
    done = executable("build", str(HANDMADE), "--target", "cc", "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    written = [path.name for path in tmp_path.iterdir()]
    assert written == ["ODL-201-cc-mooc.imscc"] and "ODL-201-cc-mooc.imscc" in done.stdout
    assert "13 notes" in done.stderr  # standard error too is flushed before the exit


def test_errors_keep_their_exit_status_and_message(tmp_path):
    unknown = executable("build", str(HANDMADE), "--target", "nope", "--out", str(tmp_path))
    assert unknown.returncode == 2 and "nope" in unknown.stderr
    missing = executable("check", str(tmp_path / "no-such-course"))
    assert missing.returncode == 1 and "does not exist" in missing.stderr


class Exited(Exception):
    def __init__(self, code: int):
        self.code = code


@pytest.fixture
def exits(monkeypatch):
    """cli.run in this process: os._exit raises instead of ending the tests."""
    def fake_exit(code: int):
        raise Exited(code)
    monkeypatch.setattr("os._exit", fake_exit)

    def run_with(outcome) -> int:
        def command(**kwargs):
            raise outcome
        monkeypatch.setattr(cli.main, "main", command)
        with pytest.raises(Exited) as left:
            cli.run()
        return left.value.code
    return run_with


@pytest.mark.parametrize("outcome, status", [(SystemExit(None), 0), (SystemExit(0), 0), (SystemExit(2), 2),
                                             (SystemExit(130), 130), (SystemExit(True), 1)])
def test_every_exit_status_of_the_command_is_the_process_status(exits, outcome, status):
    assert exits(outcome) == status


def test_an_exit_with_a_message_prints_it_and_exits_1_as_python_does(exits, capsys):
    assert exits(SystemExit("cannot go on")) == 1
    assert capsys.readouterr().err == "cannot go on\n"


def test_an_unexpected_exception_is_not_swallowed(monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("a bug")
    monkeypatch.setattr(cli.main, "main", broken)
    monkeypatch.setattr("os._exit", lambda code: pytest.fail("exited quietly on a bug"))
    with pytest.raises(RuntimeError, match="a bug"):
        cli.run()


def test_with_another_thread_running_the_exit_is_pythons_own(exits, monkeypatch):
    monkeypatch.setattr("threading.active_count", lambda: 2)
    with pytest.raises(SystemExit) as left:
        exits(SystemExit(3))
    assert left.value.code == 3


def test_click_itself_is_given_the_program_name(monkeypatch, exits):
    seen = {}

    def command(**kwargs):
        seen.update(kwargs)
        raise SystemExit(0)
    monkeypatch.setattr(cli.main, "main", command)
    monkeypatch.setattr("os._exit", lambda code: None)
    cli.run()
    assert seen == {"prog_name": "ilead-shell"}
