"""Build speed and memory, measured in one run, printed as ratios.

    .venv/bin/python benchmarks/bench_build.py               # everything (10-20 minutes on 2 cores)
    .venv/bin/python benchmarks/bench_build.py --quick       # 99 and 999 pages, one round
    .venv/bin/python benchmarks/bench_build.py --only scaling,floor --rounds 1

What it measures, each figure in a fresh subprocess (so one build's memory never counts
against another's), rounds interleaved so that a busy machine slows every figure alike,
the median of the rounds reported:

- **scaling**: every target and ``all`` at 99, 999 and 2,997 pages; the time of 10x
  pages over 1x (the goal: at most 11x) and the exponent ``log(t2/t1) / log(n2/n1)``.
  The 99-page builds, a few tenths of a second each, are taken three times a round.
- **floor**: the work no packager of this course can avoid, measured in the same run:
  reading every source file, Python-Markdown with the project's extensions over every
  Markdown body, zlib level 6 over every byte the bundles deflate (CRC-32 over the bytes
  they store; identical bundles counted once).  Each target against the floor of its own
  bundle, ``all`` against the floor of all of them.
- **memory**: peak memory of ``all`` as pages, media (10x image bytes) and offerings (3)
  grow: the largest process's peak RSS, and the whole process tree's peak PSS sampled
  every 20 ms (workers share the course with the parent, PSS counts shared pages once).
- **offerings**: ``all`` for 3 offerings against one.
- **workers**: ``all`` with ``--jobs 1`` against the default (parallel when it helps),
  on a small and a large course: where the parallel threshold comes from; and single
  targets, where the default lends the process of the checks to the bundle.
- **text2qti**: ``ilead-shell build --target canvas`` against ``text2qti`` on the same
  1,998-question bank, whole commands; text2qti is installed into its own venv under
  ``benchmarks/.cache/`` the first time.
- **start-up**: ``--version``, ``--help`` and ``targets`` against ``python -c pass``.

Build times are taken inside the child around the ``build()`` call (wall and CPU of the
process and its workers), so interpreter start-up does not flatter the small course.
A measuring tool, not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from course_generator import generate, generate_text2qti_bank  # noqa: E402

PYTHON = sys.executable
TEXT2QTI_VERSION = "0.8.0"
SMALL_REPEATS = 3  # builds of the smallest course per round (see scaling_and_floor)


# -- the child: one measured build, or the floor -------------------------------------------------------
def child(args: list[str]) -> None:
    import resource

    mode, source, out = args[0], Path(args[1]), Path(args[2])
    if mode == "floor":
        print(json.dumps(measure_floor(source, [Path(p) for p in args[3:]])))
        return
    from ilead_shell.pipeline import build, read_and_check

    jobs = None if args[3] == "auto" else int(args[3])
    def usage():
        return resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)

    (self0, kids0), started = usage(), time.perf_counter()
    size = 0
    if mode == "check":
        read_and_check(source)
    else:
        offering = args[4] if len(args) > 4 else None
        results, _ = build(source, mode, out, offering=offering, jobs=jobs)
        size = sum(r.size for r in results)
    wall = time.perf_counter() - started
    self1, kids1 = usage()
    cpu = sum(getattr(b, f) - getattr(a, f) for a, b in ((self0, self1), (kids0, kids1))
              for f in ("ru_utime", "ru_stime"))
    print(json.dumps({"wall": wall, "cpu": cpu, "bundle_bytes": size,
                      "rss_self_kb": self1.ru_maxrss, "rss_workers_kb": kids1.ru_maxrss}))


def measure_floor(source: Path, bundles: list[Path]) -> dict:
    """Seconds of the unavoidable work for ``bundles`` built from ``source``."""
    import hashlib
    import tarfile
    import zipfile
    import zlib

    import markdown

    from ilead_shell.archive import is_compressed
    from ilead_shell.reader.markdown_render import EXTENSIONS

    entries: dict[str, list[tuple[str, bytes]]] = {}
    digests = set()
    for bundle in bundles:  # reading the bundles back is not timed
        digest = hashlib.sha256(bundle.read_bytes()).hexdigest()
        if digest in digests:
            continue  # an identical bundle costs nothing more to make
        digests.add(digest)
        found = []
        if not zipfile.is_zipfile(bundle):  # tar.gz, whatever its suffix (.mbz)
            with tarfile.open(bundle) as archive:
                for member in archive.getmembers():
                    found.append((member.name, archive.extractfile(member).read()))
        else:
            with zipfile.ZipFile(bundle) as archive:
                found = [(info.filename, archive.read(info)) for info in archive.infolist()]
        entries[bundle.name] = found

    md = markdown.Markdown(extensions=EXTENSIONS, output_format="html",
                           extension_configs={"toc": {"permalink": False}, "footnotes": {"UNIQUE_IDS": True}})
    clock = time.process_time  # CPU seconds: a busy machine slows wall time, not this
    started = clock()
    bodies = []
    for folder, _, names in os.walk(source):
        for name in sorted(names):
            data = Path(folder, name).read_bytes()
            if name.endswith(".md"):
                text = data.decode("utf-8")
                if text.startswith("---\n"):
                    text = text.split("\n---\n", 1)[-1]
                bodies.append(text)
    read = clock()
    for body in bodies:
        md.reset()
        md.convert(body)
    converted = clock()
    per_bundle = {}
    for name, found in entries.items():
        begun = clock()
        for path, data in found:
            if is_compressed(path):
                zlib.crc32(data)
            else:
                zlib.compress(data, 6)
        per_bundle[name] = clock() - begun
    return {"read": read - started, "markdown": converted - read, "deflate": per_bundle}


# -- the parent ----------------------------------------------------------------------------------------
def run_child(args: list[str], sample_memory: bool = False) -> dict:
    command = [PYTHON, str(Path(__file__).resolve()), "--child", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    if sample_memory:
        def sample() -> None:
            while process.poll() is None:
                peak[0] = max(peak[0], tree_pss_kb(process.pid))
                time.sleep(0.02)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    stdout, stderr = process.communicate()
    if sample_memory:
        sampler.join()
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {(stderr.strip().splitlines() or ['failed'])[-1]}")
    found = json.loads(stdout.strip().splitlines()[-1])
    if sample_memory:
        found["pss_tree_kb"] = peak[0]
    return found


def tree_pss_kb(pid: int) -> int:
    """PSS of ``pid`` and its descendants, in KB (0 where /proc cannot tell)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
                    break
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(p) for p in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def timed_command(command: list[str], rounds: int, cwd: Path | None = None, cpu: bool = False):
    """Median wall seconds of ``command`` (and, with ``cpu``, median CPU seconds too)."""
    import resource

    times, cpus = [], []
    for _ in range(rounds):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(command, cwd=cwd, capture_output=True)
        times.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)}: {done.stderr.decode()[-300:]}")
    return (statistics.median(times), statistics.median(cpus)) if cpu else statistics.median(times)


def available_targets() -> list[str]:
    from ilead_shell.registry import Registry

    return [t.name for t in Registry().targets()]


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "-"


class Suite:
    def __init__(self, work: Path, rounds: int, sizes: list[int], only: set[str]):
        self.work, self.rounds, self.sizes, self.only = work, rounds, sizes, only
        self.targets = available_targets()
        self.courses: dict[tuple, Path] = {}
        self.summary: list[tuple[str, bool | None, str]] = []

    def wanted(self, part: str) -> bool:
        return not self.only or part in self.only

    def course(self, pages: int, **options) -> Path:
        key = (pages, tuple(sorted(options.items())))
        if key not in self.courses:
            root = self.work / ("course-" + "-".join([str(pages)] + [f"{k}{v}" for k, v in sorted(options.items())]))
            shutil.rmtree(root, ignore_errors=True)
            generate(root, pages, **options)
            self.courses[key] = root
        return self.courses[key]

    def build(self, source: Path, target: str, jobs: str = "1", offering: str | None = None,
              memory: bool = False) -> dict:
        out = self.work / f"out-{source.name}-{target}-{jobs}-{offering}"
        shutil.rmtree(out, ignore_errors=True)
        found = run_child([target, str(source), str(out), jobs] + ([offering] if offering else []), memory)
        found["out"] = out
        return found

    def check(self, name: str, passed: bool | None, detail: str) -> None:
        self.summary.append((name, passed, detail))

    # -- scaling and floor ---------------------------------------------------------------------------------
    def scaling_and_floor(self) -> None:
        rows = [*self.targets, "all"]
        wall: dict[tuple[int, str], list[float]] = {}
        cpu: dict[tuple[int, str], list[float]] = {}
        floors: dict[tuple[int, str], list[float]] = {}
        memory: dict[int, dict] = {}
        for round_ in range(self.rounds):
            for pages in self.sizes:
                if pages > 1000 and round_ > 0:
                    continue  # the largest course once: its figures are long enough to be steady
                source = self.course(pages)
                outputs = {}
                # The smallest course's builds take a few tenths of a second, where one busy moment
                # moves a figure by a fifth: each is taken SMALL_REPEATS times (cheap), so that the
                # scaling ratio, whose denominator it is, does not swing with one round.
                repeats = SMALL_REPEATS if pages == self.sizes[0] else 1
                for target in rows:
                    jobs = "auto" if target == "all" else "1"
                    for _ in range(repeats):
                        found = self.build(source, target, jobs, memory=target == "all")
                        wall.setdefault((pages, target), []).append(found["wall"])
                        cpu.setdefault((pages, target), []).append(found["cpu"])
                    outputs[target] = sorted(found["out"].iterdir())
                    if target == "all":
                        memory[pages] = found
                if self.wanted("floor"):
                    every = [p for t in self.targets for p in outputs[t]]
                    floor = run_child(["floor", str(source), "-", *map(str, every)])
                    base = floor["read"] + floor["markdown"]
                    deflate = floor["deflate"]
                    for target in self.targets:
                        own = sum(deflate.get(p.name, 0.0) for p in outputs[target])
                        floors.setdefault((pages, target), []).append(base + own)
                    floors.setdefault((pages, "all"), []).append(base + sum(deflate.values()))
                    floors.setdefault((pages, "(markdown)"), []).append(floor["markdown"])
                print(f"  round {round_ + 1}: {pages} pages measured", flush=True)

        med = lambda d, k: statistics.median(d[k]) if k in d else float("nan")  # noqa: E731
        print(f"\nBuild time in seconds (median of {self.rounds} rounds, {SMALL_REPEATS} builds each at "
              f"{self.sizes[0]} pages; 2,997 pages: 1 round): wall / CPU")
        header = f"{'target':<12}" + "".join(f"{p:>16}" for p in self.sizes)
        if len(self.sizes) >= 2:
            header += f"{'10x pages':>11}{'exponent':>10}"
        if len(self.sizes) >= 3:
            header += f"{'3x pages':>10}{'exponent':>10}"
        print(header)
        small, middle = self.sizes[0], self.sizes[1] if len(self.sizes) > 1 else None
        for target in rows:
            line = f"{target:<12}" + "".join(f"{med(wall, (p, target)):>8.2f} /{med(cpu, (p, target)):>6.2f}"
                                             for p in self.sizes)
            if middle:
                # CPU time for scaling: it does not depend on how busy the other core is.
                a, b = med(cpu, (small, target)), med(cpu, (middle, target))
                grow = b / a
                line += f"{grow:>10.1f}x{math.log(grow) / math.log(middle / small):>10.2f}"
                self.check(f"scaling {target}: {middle}/{small} pages", grow <= 11 * middle / small / 10,
                           f"{grow:.1f}x the time for {middle / small:.0f}x pages (CPU)")
            if len(self.sizes) >= 3:
                large = self.sizes[2]
                c = med(cpu, (large, target))
                grow3 = c / med(cpu, (middle, target))
                line += f"{grow3:>9.1f}x{math.log(grow3) / math.log(large / middle):>10.2f}"
            print(line)

        if self.wanted("floor") and floors:
            print("\nAgainst the floor (read + Markdown + deflate of the same bundles, CPU seconds), same run:")
            print(f"{'target':<12}" + "".join(f"{p:>22}" for p in self.sizes))
            for target in rows:
                cells = []
                for p in self.sizes:
                    f = med(floors, (p, target))
                    cells.append(f"{f:>6.2f}s {ratio(med(wall, (p, target)), f):>6} {ratio(med(cpu, (p, target)), f):>6}")
                print(f"{target:<12}" + "".join(f"{c:>22}" for c in cells))
            print("  (floor seconds, then wall / floor and CPU / floor; 'all' runs its bundles in parallel, "
                  "so its wall time can beat its CPU time)")
            if middle:
                f = med(floors, (middle, "all"))
                self.check(f"all <= 2x floor at {middle} pages (wall; CPU in the detail)",
                           med(wall, (middle, "all")) <= 2 * f,
                           f"{ratio(med(wall, (middle, 'all')), f)} wall, {ratio(med(cpu, (middle, 'all')), f)} CPU")
                print(f"  Markdown alone at {middle} pages: {med(floors, (middle, '(markdown)')):.2f}s")

        print("\nPeak memory of 'all' as pages grow (MB): largest process RSS / whole tree PSS")
        for pages, found in sorted(memory.items()):
            rss = max(found["rss_self_kb"], found["rss_workers_kb"]) / 1024
            print(f"  {pages:>5} pages: {rss:>6.0f} / {found['pss_tree_kb'] / 1024:>6.0f}")
        if middle in memory:
            found = memory[middle]
            peak = max(found["rss_self_kb"], found["rss_workers_kb"], found["pss_tree_kb"]) / 1024
            self.check(f"peak memory of all at {middle} pages <= 150 MB", peak <= 150, f"{peak:.0f} MB")

    # -- memory as media and offerings grow ------------------------------------------------------------
    def media_and_offerings(self) -> None:
        pages = 999 if 999 in self.sizes else self.sizes[-1]
        print(f"\nMedia and offerings at {pages} pages ('all'; MB = max of largest RSS and tree PSS):")
        cases = [("1x media (32 KB/module)", self.course(pages), None),
                 ("10x media (320 KB/module)", self.course(pages, image_kb=320), None),
                 ("3 offerings, one built", self.course(pages, offerings=3), None),
                 ("3 offerings, all built", self.course(pages, offerings=3), "all")]
        found = {}
        for label, source, offering in cases:
            runs = [self.build(source, "all", "auto", offering, memory=True) for _ in range(max(1, self.rounds - 1))]
            walls = statistics.median(r["wall"] for r in runs)
            cpus = statistics.median(r["cpu"] for r in runs)
            peak = max(max(r["rss_self_kb"], r["rss_workers_kb"], r["pss_tree_kb"]) for r in runs) / 1024
            found[label] = (walls, cpus, peak)
            print(f"  {label:<28} {walls:>7.2f}s wall {cpus:>7.2f}s CPU {peak:>7.0f} MB "
                  f"{runs[0]['bundle_bytes'] / 2**20:>8.0f} MB of bundles")
        one, ten = found["1x media (32 KB/module)"], found["10x media (320 KB/module)"]
        self.check("memory flat (+-20%) as media grow 10x", abs(ten[2] / one[2] - 1) <= 0.2,
                   f"{one[2]:.0f} MB -> {ten[2]:.0f} MB ({ten[2] / one[2]:.2f}x); time {ratio(ten[1], one[1])} CPU")
        single, three = found["3 offerings, one built"], found["3 offerings, all built"]
        print(f"  3 offerings cost {ratio(three[1], single[1])} one in CPU, {ratio(three[0], single[0])} in wall time; "
              f"memory {ratio(three[2], single[2])}")

    # -- workers ---------------------------------------------------------------------------------------------
    def workers(self) -> None:
        print("\nWorkers: 'all' with --jobs 1 against --jobs 2 (wall seconds, median):")
        for pages in [3, 30, 99] + [p for p in self.sizes if p >= 999][:1]:
            source = self.course(pages)
            serial = statistics.median(self.build(source, "all", "1")["wall"] for _ in range(self.rounds))
            parallel = statistics.median(self.build(source, "all", "2")["wall"] for _ in range(self.rounds))
            auto = self.build(source, "all", "auto")["wall"]
            print(f"  {pages:>5} pages: --jobs 1 {serial:6.2f}s  --jobs 2 {parallel:6.2f}s "
                  f"({ratio(serial, parallel)} faster)  default {auto:6.2f}s")
        # One target: the process that ran the checks is lent to the bundle (parallel_map).
        big = [p for p in self.sizes if p >= 999][:1]
        if big:
            source = self.course(big[0])
            print(f"  one target at {big[0]} pages, --jobs 1 against the default (a process lent to the bundle):")
            for target in ("canvas", "html", "scorm12"):
                serial = statistics.median(self.build(source, target, "1")["wall"] for _ in range(self.rounds))
                auto = statistics.median(self.build(source, target, "auto")["wall"] for _ in range(self.rounds))
                print(f"    {target:<9} --jobs 1 {serial:6.2f}s  default {auto:6.2f}s ({ratio(serial, auto)} faster)")

    # -- text2qti ------------------------------------------------------------------------------------------
    def text2qti(self) -> None:
        venv = HERE / ".cache" / f"text2qti-{TEXT2QTI_VERSION}"
        tool = venv / "bin" / "text2qti"
        if not tool.exists():
            print(f"\nInstalling text2qti {TEXT2QTI_VERSION} into {venv} ...", flush=True)
            subprocess.run([PYTHON, "-m", "venv", str(venv)], check=True)
            subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
                            f"text2qti=={TEXT2QTI_VERSION}"], check=True)
        pages = 999
        bank = self.work / "bank"
        shutil.rmtree(bank, ignore_errors=True)
        bank.mkdir()
        questions = generate_text2qti_bank(bank / "bank.txt", pages)
        generate(bank / "course", pages, bank_only=True)
        ilead = [str(Path(PYTHON).with_name("ilead-shell")), "build", str(bank / "course"), "--target", "canvas",
                 "--out", str(bank / "out"), "-q"]
        rounds = max(3, self.rounds)
        theirs, ours = [], []
        for _ in range(rounds):  # interleaved
            theirs.append(timed_command([str(tool), "bank.txt"], 1, cwd=bank))
            ours.append(timed_command(ilead, 1))
        check = timed_command([str(Path(PYTHON).with_name("ilead-shell")), "check", str(bank / "course")], rounds)
        t, o = statistics.median(theirs), statistics.median(ours)
        print(f"\ntext2qti on the same {questions}-question bank (whole commands, median of {rounds}):")
        print(f"  text2qti {TEXT2QTI_VERSION}: {t:.2f}s   ilead-shell build --target canvas: {o:.2f}s "
              f"({ratio(o, t)})   ilead-shell check: {check:.2f}s ({ratio(check, t)})")
        self.check("canvas faster than text2qti", o < t, f"{o:.2f}s against {t:.2f}s ({ratio(o, t)})")

    # -- start-up ---------------------------------------------------------------------------------------------
    def startup(self) -> None:
        cli = str(Path(PYTHON).with_name("ilead-shell"))
        rounds = 10
        bare, bare_cpu = timed_command([PYTHON, "-c", "pass"], rounds, cpu=True)
        print(f"\nStart-up (median of {rounds}, wall / CPU): python -c pass {bare:.3f}s / {bare_cpu:.3f}s")
        for args in (["--version"], ["--help"], ["targets"]):
            took, took_cpu = timed_command([cli, *args], rounds, cpu=True)
            print(f"  ilead-shell {' '.join(args):<10} {took:.3f}s / {took_cpu:.3f}s "
                  f"({ratio(took, bare)} python -c pass)")
            if args == ["--version"]:
                self.check("--version under 0.15 s", took < 0.15,
                           f"{took:.3f}s wall, {took_cpu:.3f}s CPU (wall depends on the machine's load)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="99 and 999 pages, one round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the interleaved measures")
    parser.add_argument("--pages", default="99,999,2997", help="course sizes for the scaling figures")
    parser.add_argument("--only", default="", help="comma-separated: scaling,floor,memory,workers,text2qti,startup")
    parser.add_argument("--keep", type=Path, help="keep the generated courses and bundles in this folder")
    parser.add_argument("--child", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    sizes = [int(p) for p in args.pages.split(",")]
    rounds = args.rounds
    if args.quick:
        sizes, rounds = [p for p in sizes if p <= 999], 1
    only = {part for part in args.only.split(",") if part}
    work = args.keep or Path(tempfile.mkdtemp(prefix="ilead-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
          f"pages {sizes}, {rounds} rounds; work in {work}", flush=True)
    suite = Suite(work, rounds, sizes, only)
    try:
        if suite.wanted("scaling") or suite.wanted("floor"):
            suite.scaling_and_floor()
        if suite.wanted("memory"):
            suite.media_and_offerings()
        if suite.wanted("workers"):
            suite.workers()
        if suite.wanted("text2qti"):
            suite.text2qti()
        if suite.wanted("startup"):
            suite.startup()
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(f"\nGoals (load average now {os.getloadavg()[0]:.1f}):")
    for name, passed, detail in suite.summary:
        mark = "met " if passed else "MISSED"
        print(f"  {mark:<7}{name}: {detail}")


if __name__ == "__main__":
    main()
