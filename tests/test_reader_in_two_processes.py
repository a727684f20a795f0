"""The modules of a large course are built in two processes: the same course, the same
diagnostics in the same order, and the same Markdown cache as a read in one process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ilead_shell.errors import CourseError
from ilead_shell.reader import load_course
from ilead_shell.reader import course_reader

ROOTS = Path(__file__).parent / "roots"
COURSE_SOURCE = Path(__file__).parent.parent / "course_source"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture
def in_two(monkeypatch, tmp_path, forking):
    """Every course read with two processes; returns the log of which process built each module."""
    log = tmp_path / "built-by.log"
    real = course_reader.CourseReader.build_module

    def logging(self, source):
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {source.id}\n")
        return real(self, source)

    monkeypatch.setattr(course_reader, "PARALLEL_MIN_BUILD_CHARACTERS", 0)
    monkeypatch.setattr("ilead_shell.workers.available_cpus", lambda: 2)
    monkeypatch.setattr(course_reader.CourseReader, "build_module", logging)

    def built_by() -> dict[str, int]:
        found = dict(reversed(line.split()) for line in log.read_text().splitlines())
        log.unlink()
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
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


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
