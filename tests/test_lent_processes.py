"""A process the build lends to a bundle (exporter_api.parallel_map): the same results as a
serial build, the work really split, and failures raised as a serial build raises them."""

from __future__ import annotations

import os
import sys
import textwrap
import time
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

import ilead_shell.registry as registry_module
from ilead_shell import workers
from ilead_shell.exporter_api import lending_processes, lent_processes, parallel_map
from ilead_shell.pipeline import build
from ilead_shell.registry import GROUP

HANDMADE = Path(__file__).parent / "roots" / "handmade"
FIDELITY = Path(__file__).parent / "roots" / "fidelity"


def with_pid(item: int) -> tuple[int, int]:
    time.sleep(0.005)  # long enough for the other process to start and take its half
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
    with lending_processes(1):
        done = parallel_map(with_pid, list(weights), weight=weights.get)
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
def reporting_targets(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    (site / "reporting_targets.py").write_text(textwrap.dedent(REPORTS))
    monkeypatch.syspath_prepend(str(site))
    found = [EntryPoint("reports", "reporting_targets:Reports", GROUP),
             EntryPoint("other", "reporting_targets:Other", GROUP)]
    monkeypatch.setattr(registry_module, "entry_points", lambda group: found if group == GROUP else [])
    yield
    sys.modules.pop("reporting_targets", None)


def lent_in(results) -> list[str]:
    return [note.message for result in results for note in result.notes]


def test_one_bundle_in_two_processes_is_lent_the_process_of_the_checks(tmp_path, reporting_targets, forking):
    results, _ = build(HANDMADE, "reports", tmp_path / "two", jobs=2)
    assert lent_in(results) == ["lent 1"]


@pytest.mark.parametrize("targets, jobs", [("reports", 1), ("reports,other", 2)])
def test_no_process_is_lent_when_every_process_has_a_bundle(tmp_path, reporting_targets, targets, jobs, forking):
    results, _ = build(HANDMADE, targets, tmp_path / "out", jobs=jobs)
    assert set(lent_in(results)) == {"lent 0"}


# -- the cartridges: made ahead, half in the lent process, the same bytes --------------------------------
@pytest.mark.parametrize("target", ["canvas", "cc", "moodle"])
def test_a_cartridge_built_with_a_lent_process_has_the_bytes_of_a_serial_build(tmp_path, monkeypatch, target,
                                                                                forking):
    import ilead_cc.builder as builder

    monkeypatch.setattr(builder, "PARALLEL_MIN_QUESTIONS", 0)  # the fidelity course has a few dozen
    split = tmp_path / "split.log"
    real = builder.parallel_map

    def recording(function, items, **kwargs):
        items = list(items)
        done = real(function, items, **kwargs)
        split.write_text(f"{lent_processes()} {len(items)}")
        return done

    monkeypatch.setattr(builder, "parallel_map", recording)
    # One offering: with one bundle and two processes, the build lends one.
    serial, _ = build(FIDELITY, target, tmp_path / "serial", jobs=1)
    lent, _ = build(FIDELITY, target, tmp_path / "lent", jobs=2)
    assert [r.path.read_bytes() for r in lent] == [r.path.read_bytes() for r in serial]
    assert [r.notes for r in lent] == [r.notes for r in serial]
    if target == "moodle":  # its names note a renamed title once: its quizzes are made in the walk
        assert not split.exists()
    else:
        lent_count, quizzes = map(int, split.read_text().split())
        assert lent_count == 1 and quizzes >= 2


# -- the web pages (html, scorm12): half rendered in the lent process, the same bytes ---------------------
@pytest.mark.parametrize("target", ["html", "scorm12"])
def test_web_pages_rendered_with_a_lent_process_have_the_bytes_of_a_serial_build(tmp_path, monkeypatch, target,
                                                                                  forking):
    import ilead_shell.web.pages as pages

    monkeypatch.setattr(pages, "PARALLEL_MIN_PAGE_WEIGHT", 0)
    split = tmp_path / "split.log"
    real = pages.parallel_map

    def recording(function, items, **kwargs):
        items = list(items)
        done = real(function, items, **kwargs)
        split.write_text(f"{lent_processes()} {len(items)}")
        return done

    monkeypatch.setattr(pages, "parallel_map", recording)
    serial, _ = build(FIDELITY, target, tmp_path / "serial", jobs=1)
    assert split.read_text().startswith("0 ")
    lent, _ = build(FIDELITY, target, tmp_path / "lent", jobs=2)
    assert split.read_text().startswith("1 ")
    assert [r.path.read_bytes() for r in lent] == [r.path.read_bytes() for r in serial]
    assert [r.notes for r in lent] == [r.notes for r in serial]
