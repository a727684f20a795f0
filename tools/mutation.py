#!/usr/bin/env python3
"""Mutation testing of the scoring, identifier, path-safety and archive code (docs/mutation-testing.md).

    .venv/bin/python tools/mutation.py run [GLOB...]   mutmut over the listed modules (or the mutants
                                                        whose names match GLOB), with a fast test subset
    .venv/bin/python tools/mutation.py fast [--sample F --seed N] GLOB...
                                                        each mutant not yet run (or a seeded sample of
                                                        them) against its module's QUICK tests
    .venv/bin/python tools/mutation.py recheck [--slow] [GLOB...]
                                                        run every survivor against its module's whole
                                                        test subset (--slow: and its real-importer tests)
    .venv/bin/python tools/mutation.py try TEST... -- GLOB...
                                                        run the survivors matching GLOB against TEST
                                                        (new tests are copied into the mutated copy)
    .venv/bin/python tools/mutation.py report [--verdicts FILE]
                                                        the score per module, and each survivor left
                                                        (FILE: every mutant run, with its verdict)

mutmut 3 imports mutated code from ``mutants/src`` only, and names mutants after the dotted
path below ``src/``; this repository keeps the exporters beside ``src/`` in ``exporters/``.
So the run happens in ``build/mutation/`` (ignored by git), a copy in which every package sits
in ``src/``: there the names are the import names (``ilead_cc.qti.x_number__mutmut_1``) and
every import, the exporters' entry points included, finds the mutated copy first.  mutmut's
own settings (which files, which tests) are ``[tool.mutmut]`` in pyproject.toml, in the
layout of that copy.

mutmut runs, for each mutant, only the tests that called the mutated function while it
collected its statistics.  A bundle built once in a session fixture is charged to the first
test that asked for it, so a mutant can survive there although a later test would catch it.
``recheck`` therefore runs every survivor again against the whole subset of its module
(``SUBSETS`` below), then against the slow tests that exercise it (``SLOW``), and records
which of them still survive in ``build/mutation/survivors.json``.
"""

from __future__ import annotations

import fcntl
import fnmatch
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "build" / "mutation"
MUTANTS = WORK / "mutants"
PYTHON = Path(sys.executable)
# One mutant at a time unless told otherwise: the machine is shared (MUTATION_JOBS=2 on a quiet one).
JOBS = int(os.environ.get("MUTATION_JOBS", "1"))
TIMEOUT = 60
PACKAGES = {"src/ilead_shell": "src/ilead_shell",
            **{f"exporters/{p}": f"src/{p}" for p in
               ("ilead_cc", "ilead_scorm12", "ilead_olx", "ilead_moodle_backup", "ilead_html")}}
COPIED = ("tests", "course_source", "pyproject.toml", "README.md")

# Which mutants belong to which module of the report.  Where only part of a file is in scope
# (the path checks of the reader), the pattern names the functions.
MODULES = {
    "scoring: ilead_cc.qti": ["ilead_cc.qti.*"],
    "scoring: ilead_cc.canvas_qti": ["ilead_cc.canvas_qti.*"],
    "scoring: ilead_scorm12.pass_mark": ["ilead_scorm12.pass_mark.*"],
    "scoring: ilead_olx.capa": ["ilead_olx.capa.*"],
    "scoring: ilead_moodle_backup.questions (answer fractions)": [
        f"ilead_moodle_backup.questions.{name}__*" for name in (
            "x_fraction", "x_decimal", "x__wildcards_escaped", "xǁQuestionBankǁ_plugin",
            "xǁQuestionBankǁ_choice_fraction", "xǁQuestionBankǁ_choice_answer", "xǁQuestionBankǁ_answer")],
    "identifiers: ilead_shell.identifiers": ["ilead_shell.identifiers.*"],
    "identifiers: ilead_cc.ids": ["ilead_cc.ids.*"],
    "identifiers: ilead_olx.names": ["ilead_olx.names.*"],
    "identifiers: reader.quiz_syntax (choice ids)": ["ilead_shell.reader.quiz_syntax.x__choice_ids__*"],
    "path safety: ilead_shell.source_files": ["ilead_shell.source_files.*"],
    "path safety: reader.markdown_render (file resolution)": [
        "ilead_shell.reader.markdown_render.xǁCourseFilesǁ*",
        "ilead_shell.reader.markdown_render.x__is_file__*",
        "ilead_shell.reader.markdown_render.x__existing_or_problem__*",
        "ilead_shell.reader.markdown_render.x_existing_path__*",
        "ilead_shell.reader.markdown_render.x__exists__*",
    ],
    "path safety: reader.course_reader (module folders, file fields)": [
        "ilead_shell.reader.course_reader.xǁCourseReaderǁmodule_folders__*",
        "ilead_shell.reader.course_reader.xǁCourseReaderǁfile_field__*",
    ],
    "path safety: exporter_api.check_bundle_path": ["ilead_shell.exporter_api.x_check_bundle_path__*"],
    "path safety: ilead_shell.untrusted": ["ilead_shell.untrusted.*"],
    "archive: ilead_shell.archive": ["ilead_shell.archive.*"],
    "archive: ilead_shell.staging": ["ilead_shell.staging.*"],
}

_CC = ["tests/test_cc_qti.py", "tests/test_qti_scoring.py", "tests/test_cc_canvas.py",
       "tests/test_acceptance_numeric.py", "tests/test_bundle_identifiers.py", "tests/test_cc_cartridges.py"]
_IDS = ["tests/test_identifiers.py", "tests/test_bundle_identifiers.py", "tests/test_acceptance_identifiers.py",
        "tests/test_acceptance_question_ids.py", "tests/test_reader_quiz.py"]
_PATHS = ["tests/test_paths.py", "tests/test_hostile_paths.py", "tests/test_hostile_links.py",
          "tests/test_reader_links.py", "tests/test_acceptance_unicode_files.py", "tests/test_hostile_media_types.py",
          "tests/test_hostile_permissions.py"]
_ARCHIVE = ["tests/test_archive.py", "tests/test_write_protocol.py"]
# The whole fast subset a survivor of a module is run against again.
SUBSETS = {
    "ilead_cc.qti": _CC,
    "ilead_cc.canvas_qti": _CC,
    "ilead_scorm12.pass_mark": ["tests/test_scorm12_mastery.py", "tests/test_scorm12_manifest.py",
                                "tests/test_acceptance_scorm_graded_items.py"],
    "ilead_olx.capa": ["tests/test_olx_blocks.py", "tests/test_olx_exporter.py", "tests/test_olx_edge_cases.py",
                       "tests/test_acceptance_olx_mastery.py"],
    "ilead_moodle_backup.questions": ["tests/test_moodle_backup.py"],
    "ilead_shell.identifiers": _IDS + ["tests/test_acceptance_unicode_files.py"],
    "ilead_cc.ids": _IDS + ["tests/test_cc_cartridges.py", "tests/test_cc_plain.py"],
    "ilead_olx.names": _IDS + ["tests/test_olx_exporter.py"],
    "ilead_shell.reader.quiz_syntax": _IDS,
    "ilead_shell.source_files": _PATHS + _ARCHIVE,
    "ilead_shell.reader.markdown_render": _PATHS,
    "ilead_shell.reader.course_reader": _PATHS + ["tests/test_reader_course.py"],
    "ilead_shell.exporter_api": _PATHS + _ARCHIVE,
    "ilead_shell.untrusted": ["tests/test_import_export_entries.py", "tests/test_import_hostile.py",
                              "tests/test_import_samples.py",
                              "tests/test_import_roundtrip.py", "tests/test_import_qti.py"],
    "ilead_shell.archive": _ARCHIVE,
    "ilead_shell.staging": _ARCHIVE + ["tests/test_hostile_permissions.py"],
}
# The quick subset ``fast`` runs each mutant against (-x: a killed mutant costs one failing test).
# These are the tests that name the module's behaviour; a survivor is then run against SUBSETS.
_ARCHIVE_QUICK = ["tests/test_archive.py"] + [f"tests/test_write_protocol.py::test_{name}" for name in (
    "a_live_build_keeps_its_temporary_files_when_another_build_sweeps",
    "temporary_files_of_a_dead_build_and_of_the_old_writer_are_swept",
    "a_full_disk_after_some_bundles_leaves_none_and_names_what_was_not_written",
    "a_failing_target_among_others_leaves_nothing_whatever_the_workers")]
QUICK = {
    "ilead_cc.qti": ["tests/test_qti_scoring.py", "tests/test_cc_qti.py", "tests/test_acceptance_numeric.py"],
    "ilead_cc.canvas_qti": ["tests/test_cc_canvas.py", "tests/test_qti_scoring.py"],
    "ilead_scorm12.pass_mark": SUBSETS["ilead_scorm12.pass_mark"],
    "ilead_olx.capa": ["tests/test_olx_blocks.py", "tests/test_acceptance_olx_mastery.py"],
    "ilead_moodle_backup.questions": ["tests/test_moodle_backup.py"],
    "ilead_shell.identifiers": ["tests/test_identifiers.py", "tests/test_bundle_identifiers.py"],
    "ilead_cc.ids": ["tests/test_bundle_identifiers.py", "tests/test_cc_cartridges.py"],
    "ilead_olx.names": ["tests/test_identifiers.py", "tests/test_olx_exporter.py"],
    "ilead_shell.reader.quiz_syntax": ["tests/test_identifiers.py", "tests/test_reader_quiz.py",
                                       "tests/test_acceptance_question_ids.py"],
    "ilead_shell.source_files": ["tests/test_paths.py", "tests/test_hostile_paths.py", *_ARCHIVE_QUICK],
    "ilead_shell.reader.markdown_render": ["tests/test_reader_links.py", "tests/test_paths.py",
                                           "tests/test_hostile_links.py"],
    "ilead_shell.reader.course_reader": ["tests/test_reader_course.py", "tests/test_paths.py"],
    "ilead_shell.exporter_api": ["tests/test_paths.py", "tests/test_archive.py"],
    "ilead_shell.untrusted": ["tests/test_import_export_entries.py", "tests/test_import_hostile.py"],
    "ilead_shell.archive": _ARCHIVE_QUICK,
    "ilead_shell.staging": _ARCHIVE_QUICK + ["tests/test_hostile_permissions.py"],
}
# The slow tests (real importers, the browser) a survivor of the fast subset is checked against.
SLOW = {
    "ilead_cc.qti": ["tests/test_real_moodle_cc.py", "tests/test_real_cc2olx.py", "tests/test_real_cc_viewer.py"],
    "ilead_cc.canvas_qti": ["tests/test_real_cc_viewer.py"],
    "ilead_scorm12.pass_mark": ["tests/test_scorm12_mastery.py", "tests/test_scorm12_moodle.py"],
    "ilead_olx.capa": ["tests/test_olx_open_edx_blocks.py"],
    "ilead_moodle_backup.questions": ["tests/test_moodle_backup_restore.py"],
    "ilead_cc.ids": ["tests/test_real_moodle_cc.py", "tests/test_real_cc_viewer.py"],
    "ilead_olx.names": ["tests/test_olx_open_edx_blocks.py"],
    "ilead_shell.identifiers": ["tests/test_scorm12_reorder_browser.py", "tests/test_determinism_processes.py"],
    "ilead_shell.reader.quiz_syntax": ["tests/test_scorm12_reorder_browser.py"],
    "ilead_shell.archive": ["tests/test_determinism_processes.py"],
}


def prepare() -> None:
    """Refresh the copy in build/mutation/ (mutmut's own mutants/ inside it is kept, so it
    reuses the results of mutants whose function did not change)."""
    WORK.mkdir(parents=True, exist_ok=True)
    for source, target in PACKAGES.items():
        _mirror(REPO / source, WORK / target)
    for name in COPIED:
        _mirror(REPO / name, WORK / name)
    # tests/conftest.py finds ../shared two folders above itself; from mutants/tests that is here.
    # Python remembers that a folder on PYTHONPATH was missing at start-up and never looks in
    # it again, so mutmut's mutants/src must exist before mutmut starts.
    (MUTANTS / "src").mkdir(parents=True, exist_ok=True)
    shared = REPO.parent / "shared"
    link = WORK / "shared"
    if shared.is_dir() and not link.exists():
        link.symlink_to(shared)


def _mirror(source: Path, target: Path) -> None:
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    elif target.exists():
        target.unlink()
    ignore = shutil.ignore_patterns("__pycache__", "node_modules", ".pytest_cache")
    if source.is_dir():
        shutil.copytree(source, target, symlinks=True, ignore=ignore)
        browser_modules = source / "browser" / "node_modules"
        if browser_modules.is_dir():  # scorm-again for the browser tests: linked, not copied
            (target / "browser" / "node_modules").symlink_to(browser_modules)
    else:
        shutil.copy2(source, target)


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    # Subprocesses the tests start (python -m ilead_shell, forked build workers) import the
    # mutated copy too: PYTHONPATH comes before the editable install's .pth entries.
    env["PYTHONPATH"] = os.pathsep.join([str(MUTANTS / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.pop("CI", None)  # a real importer that is missing may skip here; recheck says so
    return env


def mutmut(*args: str) -> int:
    mutmut_bin = PYTHON.parent / "mutmut"
    return subprocess.call([str(mutmut_bin), *args], cwd=WORK, env=_environment())


def run(patterns: list[str]) -> int:
    prepare()
    started = time.monotonic()
    code = mutmut("run", "--max-children", str(JOBS), *patterns)
    print(f"mutmut run took {time.monotonic() - started:.0f} s", file=sys.stderr)
    return code


def _results() -> dict[str, str]:
    """Every mutant's status as mutmut prints it (``name: status``)."""
    out = subprocess.run([str(PYTHON.parent / "mutmut"), "results", "--all", "true"], cwd=WORK,
                         env=_environment(), capture_output=True, text=True, check=True).stdout
    results = {}
    for line in out.splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep:
            results[name] = status
    return results


def _module_of(mutant: str) -> str | None:
    for module, patterns in MODULES.items():
        if any(fnmatch.fnmatchcase(mutant, p) for p in patterns):
            return module
    return None


def _import_name(mutant: str) -> str:
    return mutant.rsplit(".", 1)[0]


def _status(mutant: str, results: dict[str, str], verdicts: dict[str, str]) -> str:
    """mutmut's status, or ours (``fast``, ``recheck``, ``try``) where we ran the mutant."""
    verdict = verdicts.get(mutant, "")
    if verdict.startswith("killed") or verdict == "timeout":
        return "killed"
    if verdict == "survived" or results.get(mutant) == "survived":
        return "survived"
    return results.get(mutant, "not checked")


def _survivors(results: dict[str, str], verdicts: dict[str, str], patterns: list[str]) -> list[str]:
    return sorted(m for m in results if _module_of(m) and _status(m, results, verdicts) == "survived"
                  and (not patterns or any(fnmatch.fnmatchcase(m, p) for p in patterns)))


def _forked(mutants: list[str], tests: list[str], jobs: int = JOBS, timeout: int = TIMEOUT) -> dict[str, int]:
    """Each mutant's pytest exit code against ``tests``, in forked children of one process that
    has imported pytest and the packages once (as mutmut does): a second a mutant, not five."""
    os.chdir(MUTANTS)
    sys.path.insert(0, str(MUTANTS / "src"))
    sys.path.insert(0, str(MUTANTS / "tests"))
    os.environ.update({k: v for k, v in _environment().items() if k == "PYTHONPATH"})
    os.environ.pop("CI", None)
    import pytest  # noqa: F401  (imported once, before forking)
    import ilead_shell.reader  # noqa: F401
    import lxml.etree  # noqa: F401

    args = ["-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "--tb=no", "--no-header", *tests]
    codes: dict[str, int] = {}
    running: dict[int, str] = {}
    queue = list(mutants)
    while queue or running:
        while queue and len(running) < jobs:
            mutant = queue.pop(0)
            pid = os.fork()
            if pid == 0:  # the child: run the tests with this mutant active, never return
                os.environ["MUTANT_UNDER_TEST"] = mutant
                signal.alarm(timeout)  # a mutant that loops forever is killed by SIGALRM (-14)
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 1)
                os.dup2(null, 2)
                try:
                    import pytest as child_pytest
                    code = int(child_pytest.main(args))
                except BaseException:
                    code = 99
                os._exit(code)
            running[pid] = mutant
        pid, status = os.wait()
        codes[running.pop(pid)] = os.waitstatus_to_exitcode(status)
        if len(codes) % 25 == 0:
            print(f"  {len(codes)}/{len(mutants)} mutants", file=sys.stderr, flush=True)
    os.chdir(REPO)
    return codes


def fast(patterns: list[str], sample: float = 1.0, seed: int = 0) -> int:
    """Every mutant matching ``patterns`` that has no verdict yet, against its module's QUICK
    subset (or a seeded random ``sample`` of them): mutmut's own runner charges an identifier
    function with every test that builds a bundle, seven seconds a mutant on this machine."""
    import random

    verdicts = _verdicts()
    results = _results()
    chosen = sorted(m for m, status in results.items() if _module_of(m) and m not in verdicts
                    and status == "not checked" and any(fnmatch.fnmatchcase(m, p) for p in patterns))
    if sample < 1.0:
        chosen = sorted(random.Random(seed).sample(chosen, round(len(chosen) * sample)))
    by_module: dict[str, list[str]] = {}
    for mutant in chosen:
        by_module.setdefault(_import_name(mutant), []).append(mutant)
    started = time.monotonic()
    for module, mutants in sorted(by_module.items()):
        module_started = time.monotonic()
        if _baseline_fails(QUICK[module]):
            continue
        codes = _forked(mutants, QUICK[module])
        for mutant, code in codes.items():
            verdicts[mutant] = "survived" if code in (0, 5) else ("timeout" if code == -14 else "killed by the quick subset")
        _save_verdicts(verdicts, codes)
        survived = sum(1 for m in codes if verdicts[m] == "survived")
        print(f"{module}: {len(codes)} mutants, {survived} survived, {time.monotonic() - module_started:.0f} s", flush=True)
    print(f"fast took {time.monotonic() - started:.0f} s", file=sys.stderr)
    return 0


def prepare_tests(tests: list[str]) -> None:
    """Copy the named test files into the mutated copy (a test written to kill a survivor).
    Nothing else is copied: the mutants were made from the code as it was at ``prepare``, and
    the other tests must stay those of that code (tests of a newer main fail on older code)."""
    for test in tests:
        source = REPO / test.split("::")[0]
        if source.is_file():
            shutil.copy2(source, MUTANTS / test.split("::")[0])


def _baseline_fails(tests: list[str]) -> bool:
    """True when ``tests`` fail with no mutant active: then no verdict of theirs means anything."""
    code = _forked(["none"], tests, timeout=10 * TIMEOUT)["none"]
    if code not in (0, 5):
        print(f"refused: {' '.join(tests)} fail without any mutant (exit {code}); "
              "run `prepare` again, or pass tests that belong to the mutated code", file=sys.stderr)
    return code not in (0, 5)


def _verdicts() -> dict[str, str]:
    survivors_file = WORK / "survivors.json"
    return json.loads(survivors_file.read_text()) if survivors_file.exists() else {}


def _save_verdicts(verdicts: dict[str, str], changed: Iterable[str]) -> None:
    """Write the verdicts of ``changed`` into survivors.json, keeping what other runs wrote
    meanwhile (``try`` may run while ``fast`` works through another module)."""
    path = WORK / "survivors.json"
    with open(WORK / "survivors.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = json.loads(path.read_text()) if path.exists() else {}
        for mutant in changed:  # a kill stands: a later run of other tests that it survives adds nothing
            if not (verdicts[mutant] == "survived" and current.get(mutant, "").startswith("killed")):
                current[mutant] = verdicts[mutant]
        partial = path.with_suffix(".partial")
        partial.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n")
        partial.replace(path)


def try_tests(tests: list[str], patterns: list[str]) -> int:
    """Run the survivors matching ``patterns`` against ``tests`` (the tests are copied in first)."""
    prepare_tests(tests)
    verdicts = _verdicts()
    survivors = _survivors(_results(), verdicts, patterns)
    started = time.monotonic()
    if _baseline_fails(tests):
        return 1
    codes = _forked(survivors, tests)
    killed = [m for m, code in codes.items() if code not in (0, 5)]
    for mutant in killed:
        verdicts[mutant] = f"killed by {' '.join(tests)}"
    _save_verdicts(verdicts, killed)
    for mutant in sorted(codes):
        print(f"{mutant}: {'killed' if mutant in killed else 'survived'}")
    print(f"{len(killed)} of {len(codes)} killed in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return 0


def recheck(patterns: list[str], slow: bool = False) -> int:
    """Survivors against their module's whole fast subset (with ``--slow``, then its slow tests)."""
    verdicts = _verdicts()
    results = _results()
    started = time.monotonic()
    by_module: dict[str, list[str]] = {}
    for mutant in _survivors(results, verdicts, patterns):
        by_module.setdefault(_import_name(mutant), []).append(mutant)
    for module, mutants in sorted(by_module.items()):
        stages = [("the module's subset", SUBSETS.get(module, []))]
        if slow:
            stages.append(("a slow test", SLOW.get(module, [])))
        for label, tests in stages:
            left = [m for m in mutants if _status(m, results, verdicts) == "survived"]
            if not left or not tests or _baseline_fails(tests):
                continue
            codes = _forked(left, tests, timeout=10 * TIMEOUT)  # a whole subset takes minutes
            for mutant, code in codes.items():
                verdicts[mutant] = f"killed by {label}" if code not in (0, 5) else "survived"
                print(f"{mutant}: {verdicts[mutant]}", flush=True)
            _save_verdicts(verdicts, codes)
    print(f"recheck took {time.monotonic() - started:.0f} s", file=sys.stderr)
    return 0


def report(verdicts_out: str | None = None) -> int:
    results = _results()
    verdicts = _verdicts()
    if verdicts_out:  # every mutant that was run, with its verdict: the run, auditable
        run = {m: verdicts.get(m) or results[m] for m in sorted(results)
               if _module_of(m) and _status(m, results, verdicts) != "not checked"}
        Path(verdicts_out).write_text(json.dumps(run, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    rows: dict[str, dict[str, int]] = {m: {} for m in MODULES}
    left: list[str] = []
    for mutant in results:
        module = _module_of(mutant)
        if module is None:
            continue
        status = _status(mutant, results, verdicts)
        if status == "survived":
            left.append(mutant)
        rows[module][status] = rows[module].get(status, 0) + 1
    print(f"| module | mutants | killed | survived | other | score |\n| --- | ---: | ---: | ---: | ---: | ---: |")
    totals = [0, 0, 0]
    for module, counts in rows.items():
        total = sum(counts.values())
        killed = sum(v for k, v in counts.items() if k.startswith("killed") or k in ("timeout", "segfault"))
        survived = counts.get("survived", 0)
        other = total - killed - survived
        score = f"{100 * killed / (killed + survived):.1f} %" if killed + survived else "-"
        print(f"| {module} | {total} | {killed} | {survived} | {other} | {score} |")
        totals = [totals[0] + total, totals[1] + killed, totals[2] + survived]
    score = 100 * totals[1] / (totals[1] + totals[2]) if totals[1] + totals[2] else 0
    print(f"| **all** | {totals[0]} | {totals[1]} | {totals[2]} | {totals[0] - totals[1] - totals[2]} | {score:.1f} % |")
    if left:
        print("\nSurvivors:")
        for mutant in sorted(left):
            print(f"  {mutant}")
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("prepare", "run", "fast", "recheck", "try", "report"):
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "prepare":
        prepare()
        return 0
    if command == "run":
        return run(rest or [p for patterns in MODULES.values() for p in patterns])
    if command == "fast":
        sample = float(rest.pop(rest.index("--sample") + 1)) if "--sample" in rest else 1.0
        seed = int(rest.pop(rest.index("--seed") + 1)) if "--seed" in rest else 0
        rest = [a for a in rest if a not in ("--sample", "--seed")]
        return fast(rest or [p for patterns in MODULES.values() for p in patterns], sample, seed)
    if command == "recheck":
        slow = "--slow" in rest
        return recheck([a for a in rest if a != "--slow"], slow)
    if command == "try":
        tests = rest[:rest.index("--")] if "--" in rest else rest
        return try_tests(tests, rest[rest.index("--") + 1:] if "--" in rest else [])
    return report(rest[rest.index("--verdicts") + 1] if "--verdicts" in rest else None)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
