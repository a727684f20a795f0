"""The modules of a large course are built in two processes: the same course, the same
diagnostics in the same order, and the same Markdown cache as a read in one process."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from course_tree import write_tree

from ilead_shell.errors import CourseError
from ilead_shell.reader import load_course
from ilead_shell.reader import course_reader

ROOTS = Path(__file__).parent / "roots"
COURSE_SOURCE = Path(__file__).parent.parent / "course_source"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def in_two(monkeypatch, tmp_path, forking):
    """Every course read with two processes; returns the log of which process built each module.

    When the modules are cut in two, this process waits for the other to start building, so
    that each builds a half however late the other starts."""
    log, other_started = tmp_path / "built-by.log", tmp_path / "other process started"
    parent = os.getpid()
    real_build, real_recorded = course_reader.CourseReader.build_module, course_reader.CourseReader.build_recorded

    def logging(self, source):
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {source.id}\n")
        return real_build(self, source)

    def waiting(self, source):
        if os.getpid() != parent:
            other_started.touch()
        deadline = time.monotonic() + 10
        while os.getpid() == parent and not other_started.exists() and time.monotonic() < deadline:
            time.sleep(0.002)
        return real_recorded(self, source)

    monkeypatch.setattr(course_reader, "PARALLEL_MIN_BUILD_CHARACTERS", 0)
    monkeypatch.setattr("ilead_shell.workers.available_cpus", lambda: 2)
    monkeypatch.setattr(course_reader.CourseReader, "build_module", logging)
    monkeypatch.setattr(course_reader.CourseReader, "build_recorded", waiting)

    def built_by() -> dict[str, int]:
        found = dict(reversed(line.split()) for line in log.read_text().splitlines())
        log.unlink()
        other_started.unlink(missing_ok=True)
        return {module: int(pid) for module, pid in found.items()}

    return built_by


def both_processes_built(built_by: dict[str, int]) -> bool:
    return len(set(built_by.values())) == 2


def write_course(root: Path, broken: bool) -> None:
    """Eight modules sharing one asset, each with its own image, and warnings on both sides of
    the cut; with ``broken``, errors too."""
    files: dict[str, str | bytes] = {"course.yml": "title: Split\ncode: SPLIT\n", "assets/shared.png": PNG}
    for number in range(1, 9):
        folder = f"modules/{number:02d}-m{number}"
        files[f"{folder}/module.md"] = (f"---\ntitle: Module {number}\noutcomes:\n  - id: M{number}.1\n"
                                        f"    text: Do thing {number}\n---\nOverview {number} with *words*.\n")
        files[f"{folder}/own.png"] = PNG
        link = "missing.png" if broken and number in (2, 7) else "own.png"
        effort = "\neffort: 300h" if number in (3, 8) else ""  # a warning
        files[f"{folder}/01-page.md"] = (f"---\ntitle: Page {number}\noutcomes: [M{number}.1]{effort}\n---\n"
                                         f"Text with ![a shared picture](/assets/shared.png) and "
                                         f"![its own picture]({link}).\n\n" + "A *long* paragraph. " * 200 + "\n")
        files[f"{folder}/02-quiz.md"] = (f"---\ntitle: Quiz {number}\ntype: quiz\noutcomes: [M{number}.1]\n---\n"
                                         f"### Question {number}\n\nWhich is right?\n\n- [x] This one\n"
                                         f"- [ ] That one\n")
    write_tree(root, files)


def read(root: Path, **options):
    try:
        course, warnings = load_course(root, **options)
    except CourseError as failure:
        return None, [d.format() for d in failure.diagnostics]
    return course.model_dump_json(), [d.format() for d in warnings]


@pytest.mark.parametrize("root", [ROOTS / "fidelity", ROOTS / "handmade", COURSE_SOURCE],
                         ids=["fidelity", "handmade", "course_source"])
def test_a_course_built_in_two_processes_reads_as_one_process_reads_it(root, in_two):
    alone = read(root, processes=1)
    assert len(set(in_two().values())) == 1
    assert read(root) == alone
    assert both_processes_built(in_two()), "one process built every module: the split went untested"


@pytest.mark.parametrize("broken", [False, True], ids=["sound", "with errors"])
def test_diagnostics_assets_and_opened_files_are_taken_in_course_order(tmp_path, in_two, broken):
    write_course(tmp_path / "course", broken)
    alone = read(tmp_path / "course", processes=1)
    in_two()
    split = read(tmp_path / "course")
    built_by = in_two()
    assert both_processes_built(built_by)
    assert built_by["m1"] != built_by["m8"]  # the errors and warnings are on both sides of the cut
    assert split == alone
    if broken:
        assert alone[0] is None and sum("missing.png" in line for line in alone[1]) == 2
        assert sum("300 hours" in line for line in alone[1]) == 2
    else:
        assert [line.split("/")[-2] for line in alone[1]] == ["03-m3", "08-m8"]  # warnings, in course order
        assert '"key":"assets/shared.png"' in alone[0] and '"key":"modules/m8/own.png"' in alone[0]


def test_the_markdown_cache_gets_what_both_processes_converted(tmp_path, in_two):
    write_course(tmp_path / "course", broken=False)
    alone: dict[str, str] = {}
    read(tmp_path / "course", markdown_cache=alone, processes=1)
    in_two()
    split: dict[str, str] = {}
    read(tmp_path / "course", markdown_cache=split)
    assert both_processes_built(in_two())
    assert split == alone and len(alone) >= 9  # eight overviews and the page text


def test_one_process_reads_with_processes_1(tmp_path, in_two):
    write_course(tmp_path / "course", broken=False)
    read(tmp_path / "course", processes=1)
    assert set(in_two().values()) == {os.getpid()}


def test_build_jobs_1_reads_in_one_process(tmp_path, in_two):
    from ilead_shell.pipeline import build

    write_course(tmp_path / "course", broken=False)
    build(tmp_path / "course", "html", tmp_path / "out", jobs=1)
    assert set(in_two().values()) == {os.getpid()}


def test_every_media_file_keeps_the_stamp_it_is_packaged_against(tmp_path, in_two, monkeypatch):
    """The archive writers open each media file again and refuse one changed since the reader
    stamped it; a stamp taken in the other process must reach this one."""
    from ilead_shell import source_files

    write_course(tmp_path / "course", broken=False)
    monkeypatch.setattr(source_files, "_STAMPS", {})
    course, _ = load_course(tmp_path / "course")
    built_by = in_two()
    assert both_processes_built(built_by)
    root = (tmp_path / "course").resolve()
    unstamped = [a.key for a in course.assets if source_files.stamp_of(root / a.source) is None]
    assert len(course.assets) == 9 and unstamped == []


def test_if_the_other_process_dies_every_module_is_built_here_with_every_asset(tmp_path, in_two, monkeypatch):
    write_course(tmp_path / "course", broken=False)
    alone = read(tmp_path / "course", processes=1)
    in_two()
    parent = os.getpid()
    real = course_reader.CourseReader.build_recorded

    def dying(self, source):
        result = real(self, source)  # in the other process, after its first module is built
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    monkeypatch.setattr(course_reader.CourseReader, "build_recorded", dying)
    assert read(tmp_path / "course") == alone
    assert set(in_two().values()) == {parent}


def test_a_module_folder_inside_another_gives_its_files_the_keys_one_process_gives(tmp_path, in_two):
    """Module a names b/x.png, and module b (the folder a/b) names x.png: the first to name the
    file gives it its key, so such a course is read in one process."""
    root = tmp_path / "course"
    files = {
        "course.yml": "title: Nested\ncode: N\nmodules:\n  - modules/a\n  - modules/a/b\n",
        "modules/a/module.md": "---\ntitle: A\n---\nModule *a*.\n",
        "modules/a/01-page.md": "---\ntitle: P\n---\n![x](b/x.png) " + "*a* " * 500 + "\n",
        "modules/a/b/module.md": "---\ntitle: B\n---\nModule *b*.\n",
        "modules/a/b/01-page.md": "---\ntitle: Q\n---\n![x](x.png) " + "*b* " * 500 + "\n",
    }
    write_tree(root, {**files, "modules/a/b/x.png": PNG})
    alone = read(root, processes=1)
    assert alone[0] is not None and alone[0].count('"key":"modules/a/b/x.png"') == 1
    in_two()
    assert read(root) == alone
    assert set(in_two().values()) == {os.getpid()}


def test_serve_keeps_what_both_processes_used_in_its_markdown_cache(tmp_path, in_two):
    from ilead_shell.live_build import MarkdownCache

    write_course(tmp_path / "course", broken=False)
    alone, split = MarkdownCache(), MarkdownCache()
    for cache in (alone, split):
        read(tmp_path / "course", markdown_cache=cache, processes=1 if cache is alone else None)
        cache.trim()  # as serve does after each read
        read(tmp_path / "course", markdown_cache=cache, processes=1 if cache is alone else None)
    assert both_processes_built(in_two())
    assert split.used == alone.used and dict(split) == dict(alone)
