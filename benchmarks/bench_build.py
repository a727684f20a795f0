"""Build time and peak memory per target for synthetic courses of N modules.

    .venv/bin/python benchmarks/bench_build.py                  # N = 5, 20, 50; every target
    .venv/bin/python benchmarks/bench_build.py -n 10 -t html,scorm12 --image-mb 4 --tracemalloc

Each module gets pages, a quiz with all six question types, an assignment and images of a few
MB (random bytes, so compression cannot hide them).  Every (N, target) pair is measured in a
fresh subprocess, so one target's memory never counts against another's: the child reports
wall time, its peak resident memory (ru_maxrss) before and after the build, and, with
--tracemalloc, the peak of Python allocations.  If media were read whole instead of streamed,
the peak would grow with the total image size; it should stay flat as N grows.

This is a measuring tool, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUIZ = """\
---
title: Check {n}
type: quiz
outcomes: [M{n}]
---
### Choice {n}
Which one?

- [x] Right
  > Yes.
- [ ] Wrong

> Feedback.

### Several {n} {{type=multiple_answer}}
Which ones?

- [x] A
- [x] B
- [ ] C

### True or false {n}
Statement.

- [x] True
- [ ] False

### Short {n} {{type=short_answer}}
Name it.

= name

### Number {n} {{type=numeric}}
How many?

= 40..44

### Essay {n} {{type=essay points=5}}
Explain.
"""


def generate(root: Path, modules: int, image_mb: float, images: int, seed: int = 7) -> int:
    """Write a synthetic course; return the total bytes of its media."""
    rng = random.Random(seed)
    image_bytes = int(image_mb * 1024 * 1024)
    (root / "modules").mkdir(parents=True)
    (root / "course.yml").write_text(
        "title: Benchmark course\ncode: BENCH\n"
        "outcomes: [{id: CO1, text: 'Explain the benchmark.'}]\n"
        "grading:\n  groups: [{id: work, name: Work, weight: 100}]\n", encoding="utf-8")
    media = 0
    for n in range(1, modules + 1):
        folder = root / "modules" / f"{n:03d}-module-{n}"
        (folder / "images").mkdir(parents=True)
        (folder / "module.md").write_text(
            f"---\ntitle: Module {n}\noutcomes: [{{id: M{n}, text: 'Describe part {n}.', supports: [CO1]}}]\n---\n"
            f"Overview of module {n}.\n", encoding="utf-8")
        for i in range(1, images + 1):
            data = b"\x89PNG\r\n\x1a\n" + rng.randbytes(image_bytes)
            (folder / "images" / f"figure-{i}.png").write_bytes(data)
            media += len(data)
        figures = "\n\n".join(f"![Figure {i} of module {n}](images/figure-{i}.png)" for i in range(1, images + 1))
        for p in range(1, 4):
            text = "\n\n".join(f"Paragraph {k} of page {p} in module {n}. " * 8 for k in range(6))
            (folder / f"{p:02d}-page-{p}.md").write_text(
                f"---\ntitle: Page {p} of module {n}\noutcomes: [M{n}]\n---\n## Section\n\n{text}\n\n"
                + (figures if p == 1 else f"[Back to page 1](01-page-1.md)") + "\n", encoding="utf-8")
        (folder / "04-check.md").write_text(QUIZ.format(n=n), encoding="utf-8")
        (folder / "05-task.md").write_text(
            f"---\ntitle: Task {n}\ntype: assignment\npoints: 10\ngroup: work\noutcomes: [M{n}]\n---\n"
            f"Describe part {n}.\n", encoding="utf-8")
    return media


def child(source: str, target: str, out: str, traced: bool) -> None:
    """Run inside the subprocess: one build, measured."""
    import resource

    from ilead_shell.pipeline import build, read_and_check

    if traced:  # after the imports: only the build's own allocations count
        import tracemalloc
        tracemalloc.start()

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    size = 0
    if target == "(read)":
        read_and_check(Path(source))
    else:
        results, _ = build(Path(source), target, Path(out))
        size = sum(r.size for r in results)
    seconds = time.perf_counter() - started
    peak_traced = None
    if traced:
        import tracemalloc
        peak_traced = tracemalloc.get_traced_memory()[1]
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "rss_before_kb": before, "rss_peak_kb": after,
                      "traced_peak": peak_traced, "bundle_bytes": size}))


def available_targets() -> list[str]:
    from ilead_shell.errors import IleadError
    from ilead_shell.registry import Registry

    registry = Registry()
    found = []
    for target in registry.targets():
        try:
            registry.load(target.name)
        except IleadError:
            continue
        found.append(target.name)
    return found


def measure(source: Path, target: str, out: Path, traced: bool) -> dict:
    command = [sys.executable, __file__, "--child", str(source), target, str(out)] + (["--tracemalloc"] if traced else [])
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def mb(value: float | None) -> str:
    return "-" if value is None else f"{value / (1024 * 1024):.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--modules", default="5,20,50", help="comma-separated module counts")
    parser.add_argument("-t", "--targets", default="all", help="comma-separated targets, or all")
    parser.add_argument("--image-mb", type=float, default=2.0, help="size of each image in MB")
    parser.add_argument("--images", type=int, default=1, help="images per module")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace Python allocations (slower)")
    parser.add_argument("--keep", type=Path, help="keep the generated courses and bundles in this folder")
    parser.add_argument("--child", nargs=3, metavar=("SOURCE", "TARGET", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child, traced=args.tracemalloc)
        return

    targets = available_targets() if args.targets == "all" else args.targets.split(",")
    work = args.keep or Path(tempfile.mkdtemp(prefix="ilead-bench-"))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; images: {args.images} x {args.image_mb} MB "
          f"per module; rss in MB (before build -> peak); traced = peak Python allocations")
    header = f"{'N':>4} {'media MB':>9} {'target':<12} {'seconds':>8} {'rss MB':>14} {'traced MB':>10} {'bundle MB':>10}"
    print(header)
    print("-" * len(header))
    try:
        for modules in [int(n) for n in args.modules.split(",")]:
            source = work / f"course-{modules}"
            if source.exists():
                shutil.rmtree(source)
            media = generate(source, modules, args.image_mb, args.images)
            for target in ["(read)", *targets]:
                out = work / f"out-{modules}-{target.strip('()')}"
                found = measure(source, target, out, args.tracemalloc)
                if "error" in found:
                    print(f"{modules:>4} {mb(media):>9} {target:<12} error: {found['error']}")
                    continue
                rss = f"{found['rss_before_kb'] / 1024:.0f} -> {found['rss_peak_kb'] / 1024:.0f}"
                print(f"{modules:>4} {mb(media):>9} {target:<12} {found['seconds']:>8.2f} {rss:>14} "
                      f"{mb(found['traced_peak']):>10} {mb(found['bundle_bytes'] or None):>10}", flush=True)
                if not args.keep:
                    shutil.rmtree(out, ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
