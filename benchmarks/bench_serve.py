"""How long ``serve`` takes to show an edit of one page of the iLead course.

A copy of course_source/ is built once as ``serve`` builds it (read, check, the html target,
media copied to a temporary folder); then, for each round, one page gets one more sentence
and the preview is rebuilt.  Two figures, medians over the rounds, CPU and wall time:

- **rebuild**: ``LiveBuild.rebuild()`` after the edit (what ``serve`` runs when the watcher
  reports the save): the whole course read and checked again, every file opened and stamped
  as in a build, but the Markdown of the texts that did not change not converted again;
- **cold**: the same rebuild with nothing reused (a new LiveBuild and fresh caches), i.e.
  what a rebuild would cost without the incremental work;
- **edit to reload event**: a real ``ilead-shell serve --port 0`` process, from writing the
  file to the browser's event stream receiving ``reload`` (watcher, debounce, rebuild, event).

    .venv/bin/python benchmarks/bench_serve.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = "modules/03-edi-foundations/01-key-concepts.md"


def _page(course: Path) -> Path:
    found = course / PAGE
    if found.is_file():
        return found
    return sorted(course.glob("modules/*/0[1-9]-*.md"))[0]


def _clear_caches() -> None:
    from ilead_shell.checks import language
    from ilead_shell.templating import environment

    for cached in (language.syllables, language.text_statistics, language._term_matches, environment):
        cached.cache_clear()


def measure_rebuilds(rounds: int) -> dict[str, list[tuple[float, float]]]:
    from ilead_shell.live_build import LiveBuild

    figures: dict[str, list[tuple[float, float]]] = {"rebuild": [], "cold": []}
    with tempfile.TemporaryDirectory() as folder:
        course = Path(folder) / "course"
        shutil.copytree(ROOT / "course_source", course)
        page = _page(course)
        live = LiveBuild(course)
        assert not live.rebuild().errors
        for number in range(rounds):
            page.write_text(page.read_text(encoding="utf-8") + f"\nOne more sentence, number {number}.\n",
                            encoding="utf-8")
            cpu, wall = time.process_time(), time.perf_counter()
            state = live.rebuild()
            figures["rebuild"].append((time.process_time() - cpu, time.perf_counter() - wall))
            assert not state.errors, state.errors
            _clear_caches()
            cold = LiveBuild(course)
            cpu, wall = time.process_time(), time.perf_counter()
            assert not cold.rebuild().errors
            figures["cold"].append((time.process_time() - cpu, time.perf_counter() - wall))
            cold.close()
            live.rebuild()  # warm again after the cleared caches
        live.close()
    return figures


def measure_reload_events(rounds: int) -> list[float]:
    waits = []
    with tempfile.TemporaryDirectory() as folder:
        course = Path(folder) / "course"
        shutil.copytree(ROOT / "course_source", course)
        page = _page(course)
        process = subprocess.Popen([sys.executable, "-m", "ilead_shell", "serve", "--port", "0"], cwd=course,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
        try:
            url = process.stdout.readline().split(" at ", 1)[1].split()[0]
            events: queue.Queue[str] = queue.Queue()

            def listen() -> None:
                with urllib.request.urlopen(url + "__ilead__/events", timeout=600) as stream:
                    for raw in stream:
                        if raw.startswith(b"event: "):
                            events.put(raw[7:].decode().strip())

            threading.Thread(target=listen, daemon=True).start()
            assert events.get(timeout=60) == "hello"
            for number in range(rounds):
                time.sleep(0.3)
                while not events.empty():
                    events.get()
                started = time.perf_counter()
                page.write_text(page.read_text(encoding="utf-8") + f"\nAnother sentence {number}.\n", encoding="utf-8")
                assert events.get(timeout=60) == "reload"
                waits.append(time.perf_counter() - started)
        finally:
            process.terminate()
            process.wait(timeout=60)
    return waits


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; {rounds} rounds, medians")
    figures = measure_rebuilds(rounds)
    for name, values in figures.items():
        cpu = statistics.median(v[0] for v in values)
        wall = statistics.median(v[1] for v in values)
        print(f"{name:<8} CPU {cpu:.3f} s  wall {wall:.3f} s  (wall min {min(v[1] for v in values):.3f} s)")
    waits = measure_reload_events(rounds)
    print(f"edit to reload event: median {statistics.median(waits):.3f} s, min {min(waits):.3f} s, "
          f"max {max(waits):.3f} s")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
