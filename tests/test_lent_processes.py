"""A process the build lends to a bundle (exporter_api.parallel_map): the same results as a
serial build, the work really split, and failures raised as a serial build raises them."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from ilead_shell import workers
from ilead_shell.exporter_api import lending_processes, lent_processes, parallel_map
from ilead_shell.pipeline import build

HANDMADE = Path(__file__).parent / "roots" / "handmade"
FIDELITY = Path(__file__).parent / "roots" / "fidelity"


def with_pid(item: int) -> tuple[int, int]:
    time.sleep(0.01)  # long enough for the other process to start and take its half
    return item, os.getpid()


# -- parallel_map ------------------------------------------------------------------------------------
def test_without_a_lent_process_everything_is_done_here():
    assert lent_processes() == 0
    assert parallel_map(with_pid, range(40)) == [(item, os.getpid()) for item in range(40)]


def test_with_a_lent_process_half_the_work_is_done_there_and_the_results_keep_their_order(forking):
    with lending_processes(1):
        done = parallel_map(with_pid, range(40))
    assert [item for item, _ in done] == list(range(40))
    pids = [pid for _, pid in done]
    assert pids[:20] == [os.getpid()] * 20 or pids[20:] == [os.getpid()] * 20
    assert len(set(pids)) == 2 and pids.count(os.getpid()) == 20


def test_the_halves_are_of_equal_weight_and_contiguous(forking):
    weights = {0: 30, 1: 1, 2: 1, 3: 10, 4: 10, 5: 8}  # halves: [0] (30) and [1..5] (30)

    def weighing(item: int) -> tuple[int, int]:
        time.sleep(weights[item] * 0.005)  # as long as its weight says
        return item, os.getpid()

    with lending_processes(1):
        done = parallel_map(weighing, list(weights), weight=weights.get)
    pids = [pid for _, pid in done]
    assert [item for item, _ in done] == list(weights)
    assert len(set(pids[1:])) == 1 and pids[0] != pids[1]


def test_too_little_work_stays_in_this_process(forking):
    with lending_processes(1):
        done = parallel_map(with_pid, range(10), min_weight=11)
    assert {pid for _, pid in done} == {os.getpid()}


def failing_at(*bad: int):
    def function(item: int) -> int:
        if item in bad:
            raise ValueError(f"item {item} is bad")
        return item
    return function


@pytest.mark.parametrize("bad, first", [((3, 30), 3), ((30,), 30), ((5,), 5)])
def test_an_error_in_either_half_is_raised_as_a_serial_map_raises_it(bad, first, forking):
    with lending_processes(1), pytest.raises(ValueError, match=f"^item {first} is bad$"):
        parallel_map(failing_at(*bad), range(40))


def test_if_the_other_process_dies_its_half_is_done_here(forking):
    parent = os.getpid()

    def dies_elsewhere(item: int) -> tuple[int, int]:
        if os.getpid() != parent:
            os._exit(3)
        return item, os.getpid()

    with lending_processes(1):
        done = parallel_map(dies_elsewhere, range(40))
    assert done == [(item, parent) for item in range(40)]


def can_see(fd: int):
    def function(item: int) -> tuple[int, bool]:
        time.sleep(0.005)
        try:
            os.fstat(fd)
        except OSError:
            return os.getpid(), False
        return os.getpid(), True
    return function


def test_the_lock_is_closed_in_the_lent_process(tmp_path, forking):
    with open(tmp_path / "lock", "w") as lock:
        with lending_processes(1, close_in_workers=[workers.descriptor(lock.fileno())]):
            done = parallel_map(can_see(lock.fileno()), range(40))
    seen = {pid: open_there for pid, open_there in done}
    assert seen == {os.getpid(): True, **{pid: False for pid in seen if pid != os.getpid()}} and len(seen) == 2


def test_a_lock_number_that_now_names_another_file_is_left_open(tmp_path, forking):
    # A bundle built in a worker: the lock was closed when the worker started, and its number
    # may since have been given to a pipe that the lent process needs.
    with open(tmp_path / "lock", "w") as lock:
        stale = workers.descriptor(lock.fileno())
    reading, writing = os.pipe()
    try:
        assert workers.descriptor(reading) != stale
        with lending_processes(1, close_in_workers=[stale, (reading, *stale[1:])]):
            done = parallel_map(can_see(reading), range(40))
    finally:
        os.close(reading)
        os.close(writing)
    assert all(open_there for _, open_there in done) and len({pid for pid, _ in done}) == 2


# -- the build lends a process when it has fewer bundles than processes -----------------------------
REPORTS = '''
from ilead_shell.exporter_api import Bundle, Exporter, lent_processes


class Reports(Exporter):
    name = "reports"

    def build_bundle(self, course):
        bundle = Bundle()
        bundle.add_text("index.txt", course.display_title)
        bundle.note(f"lent {lent_processes()}")
        return bundle


class Other(Reports):
    name = "other"
'''


@pytest.fixture
def reporting_targets(install_targets):
    install_targets("reporting_targets", REPORTS, {"reports": "Reports", "other": "Other"})


def lent_in(results) -> list[str]:
    return [note.message for result in results for note in result.notes]


def test_jobs_n_lends_what_the_bundles_and_the_checks_leave_of_n(tmp_path, reporting_targets, forking):
    results, _ = build(HANDMADE, "reports", tmp_path / "three", jobs=3)
    assert lent_in(results) == ["lent 1"]
    results, _ = build(HANDMADE, "reports,other", tmp_path / "five", jobs=5)
    assert lent_in(results) == ["lent 2", "lent 2"]


@pytest.mark.parametrize("targets, jobs", [("reports", 1), ("reports", 2), ("reports,other", 2),
                                           ("reports,other", 3)])
def test_no_process_is_lent_beyond_jobs_n(tmp_path, reporting_targets, targets, jobs, forking):
    results, _ = build(HANDMADE, targets, tmp_path / "out", jobs=jobs)
    assert set(lent_in(results)) == {"lent 0"}


def test_by_default_one_bundle_on_two_cores_is_lent_the_process_of_the_checks(tmp_path, reporting_targets,
                                                                              monkeypatch, forking):
    import ilead_shell.pipeline as pipeline

    monkeypatch.setattr(pipeline, "PARALLEL_MIN_WORK", 0)  # the handmade course is small
    monkeypatch.setattr(pipeline, "available_cpus", lambda: 2)
    results, _ = build(HANDMADE, "reports", tmp_path / "auto")
    assert lent_in(results) == ["lent 1"]
    results, _ = build(HANDMADE, "reports,other", tmp_path / "auto-two")
    assert lent_in(results) == ["lent 0", "lent 0"]


# -- the bundles that split their work: the same bytes and notes, the work really split ---------------------
@pytest.fixture
def traced_split(tmp_path, monkeypatch):
    """Record, for every parallel_map of a bundle module, how many processes were lent and which
    process made each item; each item waits a little, so that both processes take part."""
    log = tmp_path / "split.log"

    def trace(module) -> None:
        real = module.parallel_map

        def recording(function, items, **kwargs):
            def traced(item):
                time.sleep(0.02)
                with open(log, "a") as out:
                    out.write(f"item {os.getpid()}\n")
                return function(item)
            with open(log, "a") as out:
                out.write(f"lent {lent_processes()}\n")
            return real(traced, items, **kwargs)

        monkeypatch.setattr(module, "parallel_map", recording)

    def seen() -> tuple[list[int], set[str]]:
        lines = log.read_text().split() if log.exists() else []
        log.unlink(missing_ok=True)
        pairs = list(zip(lines[::2], lines[1::2]))
        return [int(value) for kind, value in pairs if kind == "lent"], {v for kind, v in pairs if kind == "item"}

    return trace, seen


@pytest.mark.parametrize("target", ["canvas", "cc", "moodle", "html", "scorm12"])
def test_a_bundle_built_with_a_lent_process_has_the_bytes_and_notes_of_a_serial_build(tmp_path, monkeypatch,
                                                                                       traced_split, target,
                                                                                       forking):
    import ilead_cc.builder as builder
    import ilead_shell.web.pages as pages

    monkeypatch.setattr(builder, "PARALLEL_MIN_QUESTIONS", 0)  # the fidelity course has a few dozen
    monkeypatch.setattr(pages, "PARALLEL_MIN_PAGE_WEIGHT", 0)
    trace, seen = traced_split
    trace(pages if target in ("html", "scorm12") else builder)
    # One offering, one target: with --jobs 3, the bundle is lent one process.
    serial, _ = build(FIDELITY, target, tmp_path / "serial", jobs=1)
    lent_before, makers_before = seen()
    lent, _ = build(FIDELITY, target, tmp_path / "lent", jobs=3)
    lent_after, makers_after = seen()
    assert [r.path.read_bytes() for r in lent] == [r.path.read_bytes() for r in serial]
    assert [r.notes for r in lent] == [r.notes for r in serial]
    assert [r.warnings for r in lent] == [r.warnings for r in serial]
    if target == "moodle":  # its walk notes renamed titles and links once: its quizzes are made there
        assert lent_before == lent_after == []
    else:
        assert lent_before == [0] and len(makers_before) == 1
        assert lent_after == [1] and len(makers_after) == 2, "the lent process made nothing"


def test_a_flavour_that_overrides_what_quiz_documents_call_must_say_whether_they_may_be_made_ahead():
    from ilead_cc.builder import CartridgeBuilder

    with pytest.raises(TypeError, match="overrides name: set prepares_quizzes"):
        type("Renaming", (CartridgeBuilder,), {"name": lambda self, title: title.upper()})
    declared = type("Declared", (CartridgeBuilder,), {"name": lambda self, title: title, "prepares_quizzes": False})
    assert declared.prepares_quizzes is False
    assert type("Plain", (CartridgeBuilder,), {"syllabus_first": True}).prepares_quizzes is True
