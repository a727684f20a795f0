"""Dozens of malformed variants of a course written only from SOURCE_FORMAT.md.

Each variant breaks one rule of the contract in a copy of ``tests/roots/handmade``.  For
every one the real CLI must exit 1, print ``path:line: error:`` naming the file (and the
line where a line means something), print no traceback, and leave ``--out`` empty.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from ilead_shell.cli import main

ROOT = Path(__file__).parent / "roots" / "handmade"
ORIENTATION = "modules/01-orientation"
CLEANING = "modules/02-cleaning"
QUIZ = f"{CLEANING}/03-self-check.md"
PROJECT = f"{CLEANING}/04-project.md"
START = f"{ORIENTATION}/01-start-here.md"


# -- edits -------------------------------------------------------------------------------
def replace(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"variant out of date: {old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return edit


def write(rel: str, content: str | bytes) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return edit


def remove(rel: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).unlink()


def symlink(rel: str, target: str) -> Callable[[Path], None]:
    """``target`` is relative to the course copy's parent folder (outside the course)."""

    def edit(root: Path) -> None:
        outside = root.parent / target
        outside.parent.mkdir(parents=True, exist_ok=True)
        if not outside.exists():
            outside.write_bytes(b"---\ntitle: Secret\n---\nnot part of the course\n")
        (root / rel).symlink_to(outside)
    return edit


def both(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        for one in edits:
            one(root)
    return edit


# -- variants ------------------------------------------------------------------------------
@dataclass
class Variant:
    name: str
    edit: Callable[[Path], None]
    file: str  # the file the error must name, relative to the course
    line: str | None  # text on the line the error must point at; None: any line or none
    says: str  # a fragment of the message


def item(front: str, body: str = "Body.\n") -> str:
    return f"---\n{front.strip()}\n---\n{body}"


def question(block: str) -> str:
    return item("title: Extra check\ntype: quiz\noutcomes: [O2.1]", "Intro.\n\n" + block)


EXTRA = f"{CLEANING}/05-extra.md"

VARIANTS = [
    # course.yml
    Variant("yaml-syntax", replace("course.yml", 'title: "Open', 'title: ["Open'), "course.yml", None, "YAML"),
    Variant("python-tag", replace("course.yml", "version: \"1.2.0\"",
                                  "version: !!python/object/apply:os.system [\"touch PWNED\"]"),
            "course.yml", "version:", "tag not allowed"),
    Variant("unknown-course-key", replace("course.yml", "license:", "licence:"), "course.yml", "licence:",
            "did you mean 'license'"),
    Variant("missing-title", replace("course.yml", 'title: "Open Data Literacy for Librarians"\n', ""),
            "course.yml", None, "missing required key 'title'"),
    Variant("authors-wrong-type", replace("course.yml", 'authors: ["Ada Example, Example University", "Grace Sample, Sample Library"]', 'authors: {first: "Ada"}'), "course.yml",
            "authors:", "authors"),
    Variant("bad-code", replace("course.yml", "code: ODL-201", "code: ODL 201"), "course.yml", "code:", "code"),
    Variant("bad-language", replace("course.yml", "language: en-GB", "language: english please"), "course.yml",
            "language:", "language"),
    Variant("impossible-start-date", replace("course.yml", "start: 2027-03-01", "start: 2027-13-45"),
            "course.yml", "start:", "date"),
    Variant("course-yml-is-a-list", write("course.yml", "- title: x\n- code: y\n"), "course.yml", None, "mapping"),
    Variant("weights-not-100", replace("course.yml", "weight: 25}", "weight: 20}"), "course.yml", "groups:",
            "add up to 95"),
    Variant("pass-out-of-range", replace("course.yml", "pass: 60", "pass: 160"), "course.yml", "pass:", "pass"),
    Variant("unknown-default-offering", replace("course.yml", "default_offering: mooc", "default_offering: onsite"),
            "course.yml", "default_offering:", "onsite"),
    Variant("bad-offering-name", replace("course.yml", "  mooc: {title_suffix", "  Open MOOC: {title_suffix"),
            "course.yml", "Open MOOC", "offering name"),
    Variant("unknown-competency", replace("course.yml", "competencies: [S1]", "competencies: [S9]"),
            "course.yml", "- id: CO2", "S9"),
    Variant("duplicate-course-outcome", replace("course.yml", "- id: CO2", "- id: CO1"), "course.yml",
            '- id: CO1\n    text: "Prepare', "CO1"),
    Variant("missing-module-folder", replace("course.yml", "library/ethics]", "library/etics]"), "course.yml",
            "modules:", "library/etics"),
    Variant("absolute-module-path", replace("course.yml", "library/ethics]", "/tmp/ethics]"), "course.yml",
            "modules:", "absolute"),
    Variant("competencies-outside", replace("course.yml", "competencies: competencies.yml",
                                            "competencies: ../competencies.yml"),
            "course.yml", "competencies: ../", "outside"),
    Variant("exporter-options-wrong-type", replace("course.yml", "olx: {org: ExampleU, run: 2027_Spring}",
                                                   "olx: [ExampleU]"), "course.yml", "olx:", "olx"),
    # competencies.yml
    Variant("competency-without-name", replace("competencies.yml", "        name: Judging data\n", ""),
            "competencies.yml", "- id: K2", "name"),
    Variant("competency-id-twice", replace("competencies.yml", "- id: S1", "- id: K1"), "competencies.yml",
            "- id: K1\n        name: Tidying", "used twice"),
    # module.md
    Variant("module-without-front-matter", write(f"{ORIENTATION}/module.md", "# Orientation\n\nText.\n"),
            f"{ORIENTATION}/module.md", "# Orientation", "front matter"),
    Variant("module-front-matter-unclosed", replace(f"{ORIENTATION}/module.md", "---\nStart here.", "Start here."),
            f"{ORIENTATION}/module.md", "---", "closing '---'"),
    Variant("module-unknown-key", replace(f"{CLEANING}/module.md", "offerings: [mooc", "offering: [mooc"),
            f"{CLEANING}/module.md", "offering:", "did you mean 'offerings'"),
    Variant("module-supports-unknown", replace(f"{CLEANING}/module.md", "supports: [CO2]", "supports: [CO7]", ),
            f"{CLEANING}/module.md", "- id: O2.1", "CO7"),
    Variant("module-unknown-offering", replace(f"{CLEANING}/module.md", "[mooc, certificate]", "[mooc, onsite]"),
            f"{CLEANING}/module.md", "[mooc, onsite]", "onsite"),
    Variant("module-folder-without-module-md", remove("library/ethics/module.md"), "course.yml", "modules:",
            "no module.md"),
    Variant("module-ids-clash", replace("library/ethics/module.md", "id: data-ethics", "id: cleaning"),
            "library/ethics/module.md", "id: cleaning", "modules/02-cleaning/module.md"),
    # items
    Variant("item-missing-title", replace(f"{ORIENTATION}/03-portal.md", "title: The national open data portal\n", ""),
            f"{ORIENTATION}/03-portal.md", "type: link", "missing required key 'title'"),
    Variant("item-unknown-type", replace(f"{CLEANING}/01-tidy-data.md", "type: page", "type: lecture"),
            f"{CLEANING}/01-tidy-data.md", "type: lecture", "lecture"),
    Variant("item-unknown-key", replace(PROJECT, "points: 20", "pionts: 20"), PROJECT, "pionts:",
            "did you mean 'points'"),
    Variant("points-wrong-type", replace(PROJECT, "points: 20", "points: twenty"), PROJECT, "points:", "points"),
    Variant("bad-due", replace(PROJECT, "due: week 2", "due: next tuesday"), PROJECT, "due:", "next tuesday"),
    Variant("impossible-due-date", replace("library/ethics/01-consent.md", "due: 2027-05-01", "due: 2027-02-30"),
            "library/ethics/01-consent.md", "due:", "date"),
    Variant("unknown-submission", replace(PROJECT, "submission: [file, url]", "submission: [file, paper]"), PROJECT,
            "submission:", "submission"),
    Variant("rubric-criterion-without-points", replace(PROJECT, "{criterion: Cleaning log, points: 8}",
                                                       "{criterion: Cleaning log}"),
            PROJECT, "Cleaning log", "points"),
    Variant("item-unknown-outcome", replace(f"{ORIENTATION}/01-start-here.md", "outcomes: [O1]", "outcomes: [Z9]"),
            START, "outcomes: [Z9]", "Z9"),
    Variant("item-unknown-group", replace(PROJECT, "group: projects", "group: homework"), PROJECT, "group: homework", "homework"),
    Variant("item-unknown-offering", replace(PROJECT, "offerings: [certificate]", "offerings: [diploma]"),
            PROJECT, "offerings: [diploma]", "diploma"),
    Variant("link-without-url", replace(f"{ORIENTATION}/03-portal.md", "url: https://data.example.org/\n", ""),
            f"{ORIENTATION}/03-portal.md", None, "url"),
    Variant("link-url-not-web", replace(f"{ORIENTATION}/03-portal.md", "url: https://", "url: javascript://"),
            f"{ORIENTATION}/03-portal.md", "url:", "url"),
    Variant("file-missing", replace(f"{ORIENTATION}/04-handbook.md", "path: handbook.pdf", "path: handbok.pdf"),
            f"{ORIENTATION}/04-handbook.md", "path:", "handbok.pdf"),
    Variant("file-outside-course", both(write("../outside.pdf", b"%PDF"),
                                        replace(f"{ORIENTATION}/04-handbook.md", "path: handbook.pdf",
                                                "path: ../../../outside.pdf")),
            f"{ORIENTATION}/04-handbook.md", "path:", "outside"),
    Variant("video-without-captions", replace(f"{CLEANING}/02-walkthrough.md",
                                              "captions: media/walkthrough.vtt\ntranscript: media/walkthrough-transcript.md\n",
                                              ""),
            f"{CLEANING}/02-walkthrough.md", None, "captions"),
    Variant("captions-not-vtt", replace(f"{CLEANING}/02-walkthrough.md", "captions: media/walkthrough.vtt",
                                        "captions: media/walkthrough.mp4"),
            f"{CLEANING}/02-walkthrough.md", "captions:", ".vtt"),
    Variant("video-url-and-path", replace(f"{CLEANING}/02-walkthrough.md", "path: media/walkthrough.mp4",
                                          "path: media/walkthrough.mp4\nurl: https://video.example.org/1"),
            f"{CLEANING}/02-walkthrough.md", None, "exactly one of"),
    Variant("item-ids-clash", write(f"{CLEANING}/05-tidy-data.md", item("title: Tidy data again\noutcomes: [O2.1]")),
            f"{CLEANING}/05-tidy-data.md", "---", "01-tidy-data.md"),
    Variant("explicit-id-clash", write(f"{ORIENTATION}/05-extra.md", item("title: Extra\nid: handbook\noutcomes: [O1]")),
            f"{ORIENTATION}/05-extra.md", "id: handbook", "04-handbook.md"),
    Variant("bad-explicit-id", replace(f"{ORIENTATION}/04-handbook.md", "id: handbook", "id: Hand Book"),
            f"{ORIENTATION}/04-handbook.md", "id: Hand Book", "Hand Book"),
    Variant("item-python-tag", replace(PROJECT, "points: 20", "points: !!python/name:os.getcwd ''"), PROJECT,
            "points:", "tag not allowed"),
    Variant("item-front-matter-list", write(EXTRA, "---\n- title: x\n---\nBody\n"), EXTRA, None, "mapping"),
    Variant("non-utf8-md", write(EXTRA, "---\ntitle: Caf\xe9\n---\nok\n".encode("latin-1")), EXTRA, "title: Caf",
            "UTF-8"),
    Variant("binary-md", write(EXTRA, (ROOT / "assets/banner.png").read_bytes()), EXTRA, None, "binary"),
    Variant("symlinked-item-escapes", symlink(f"{CLEANING}/05-secret.md", "elsewhere/secret.md"),
            f"{CLEANING}/05-secret.md", None, "outside"),
    Variant("symlinked-image-escapes", both(symlink(f"{ORIENTATION}/images/leak.png", "elsewhere/leak.png"),
                                            replace(START, "## What you will do", "![Leak](images/leak.png)")),
            START, "![Leak]", "outside"),
    Variant("symlinked-module-escapes", both(
        replace("course.yml", "modules: [01-orientation, 02-cleaning, library/ethics]\n", ""),
        lambda root: shutil.copytree(root / "library/ethics", root.parent / "elsewhere/ethics"),
        lambda root: (root / "modules/03-secret").symlink_to(root.parent / "elsewhere/ethics")),
        "modules/03-secret", None, "outside"),
    # links and images in Markdown
    Variant("link-outside-course", both(write("../outside.md", "# outside\n"),
                                        replace(START, "the group.", "the group. [Out](../../../outside.md)")),
            START, "[Out]", "outside"),
    Variant("link-to-other-module-file", replace(START, "the group.", "the group. [Mp4](../02-cleaning/media/walkthrough.mp4)"),
            START, "[Mp4]", "outside the module"),
    Variant("broken-image", replace(f"{ORIENTATION}/module.md", "images/data%20flow.png", "images/data%20flaw.png"),
            f"{ORIENTATION}/module.md", "data%20flaw", "does not exist"),
    Variant("broken-angle-link", replace(START, "<images/data flow.png>", "<images/data flaw.png>"), START,
            "data flaw", "does not exist"),
    Variant("broken-item-link", replace(START, "02-say-hello.md#prompt", "02-say-helo.md#prompt"), START,
            "say-helo", "02-say-helo.md"),
    Variant("absolute-link", replace(START, "../../assets/banner.png", "/etc/hostname"), START, "/etc/hostname",
            "absolute"),
    Variant("broken-link-in-description", replace("course.yml", "(assets/banner.png)", "(assets/baner.png)"),
            "course.yml", "assets/baner.png", "does not exist"),
    Variant("broken-link-in-transcript", write(f"{CLEANING}/media/walkthrough-transcript.md",
                                               "Intro.\n\nSee ![chart](chart.png).\n"),
            f"{CLEANING}/media/walkthrough-transcript.md", "chart.png", "does not exist"),
    # quiz syntax
    Variant("no-correct-answer", replace(QUIZ, "- [x] One variable", "- [ ] One variable"), QUIZ,
            "### Tidy columns", "no correct answer"),
    Variant("essay-with-choices", replace(QUIZ, "Describe a messy data set from your library.\n",
                                          "Describe a messy data set.\n\n- [x] This one\n- [ ] That one\n"),
            QUIZ, "- [x] This one", "essay"),
    Variant("unknown-attribute", replace(QUIZ, "{type=short_answer}", "{type=short_answer weight=2}"), QUIZ,
            "### File format", "unknown question attribute 'weight'"),
    Variant("unknown-question-type", replace(QUIZ, "{type=short_answer}", "{type=matching}"), QUIZ,
            "### File format", "matching"),
    Variant("two-correct-multiple-choice", both(replace(QUIZ, "### Tidy columns {outcomes=O2.1}", "### Tidy columns {outcomes=O2.1 type=multiple_choice}"),
                 replace(QUIZ, "- [ ] One table", "- [x] One table")),
            QUIZ, "- [x] One table", "exactly one correct"),
    Variant("true-false-wrong-choices", both(replace(QUIZ, "{id=merged-cells}", "{id=merged-cells type=true_false}"),
                 replace(QUIZ, "- [ ] True\n- [x] False", "- [ ] Yes\n- [x] No")),
            QUIZ, "- [ ] Yes", "True"),
    Variant("short-answer-without-answers", replace(QUIZ, "= CSV\n= comma-separated values\n", ""), QUIZ,
            "### File format", "no correct answer"),
    Variant("numeric-not-a-number", replace(QUIZ, "= 10\n", "= ten\n"), QUIZ, "= ten", "not a number"),
    Variant("points-not-positive", replace(QUIZ, "{type=numeric points=1}", "{type=numeric points=0}"), QUIZ,
            "### Count the rows", "points"),
    Variant("points-not-a-number", replace(QUIZ, "{type=numeric points=1}", "{type=numeric points=nan}"), QUIZ,
            "### Count the rows", "points"),
    Variant("question-ids-clash", replace(QUIZ, "### File format {type=short_answer}",
                                          "### Tidy columns {type=short_answer}"),
            QUIZ, "### Tidy columns {type=short", "tidy-columns"),
    Variant("question-unknown-outcome", replace(QUIZ, "{outcomes=O2.1}", "{outcomes=O9.9}"), QUIZ,
            "### Tidy columns", "O9.9"),
    Variant("attributes-unbalanced-quote", replace(QUIZ, '{type=multiple_answer points=3 outcomes="O2.1 O2.2"}',
                                                   '{type=multiple_answer points=3 outcomes="O2.1 O2.2}'),
            QUIZ, "### Cleaning steps", "attributes"),
    Variant("quiz-without-questions", write(EXTRA, item("title: Empty quiz\ntype: quiz\noutcomes: [O2.1]",
                                                       "Nothing to ask.\n")), EXTRA, "Nothing to ask", "no questions"),
    Variant("text-after-choices", write(EXTRA, question("### Q {type=multiple_choice}\nPick.\n\n- [x] a\n- [ ] b\n"
                                                        "Stray paragraph.\n")),
            EXTRA, "Stray paragraph", "unexpected text"),
    Variant("choice-after-feedback", write(EXTRA, question("### Q\nPick.\n\n- [x] a\n- [ ] b\n\n> general\n\n- [ ] c\n")),
            EXTRA, "- [ ] c", "after the general feedback"),
]


def test_there_are_dozens_of_variants_with_distinct_names():
    names = [v.name for v in VARIANTS]
    assert len(names) >= 40
    assert len(set(names)) == len(names)


@pytest.fixture
def course_copy(tmp_path: Path) -> Path:
    # The course sits one level down so that variants can put files "outside" it.
    target = tmp_path / "work" / "src"
    shutil.copytree(ROOT, target, symlinks=True)
    return target


def _expected_line(root: Path, rel: str, needle: str) -> int:
    text = (root / rel).read_bytes().decode("utf-8", errors="replace")
    first = needle.split("\n")[0]
    for number, line in enumerate(text.split("\n"), start=1):
        if needle in "\n".join(text.split("\n")[number - 1:number - 1 + needle.count("\n") + 1]) and first in line:
            return number
    raise AssertionError(f"{needle!r} not in {rel}")


def _run_cli(args: list[str], cwd: Path, monkeypatch) -> tuple[int, str, BaseException | None]:
    monkeypatch.chdir(cwd)
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.output, result.exception


@pytest.mark.parametrize("variant", VARIANTS, ids=[v.name for v in VARIANTS])
def test_malformed_variant_gives_a_located_error_and_writes_nothing(variant: Variant, course_copy: Path,
                                                                    monkeypatch):
    variant.edit(course_copy)
    work = course_copy.parent
    out = work / "out"

    code, output, exception = _run_cli(["build", "src", "--target", "html", "--out", "out"], work, monkeypatch)

    assert code == 1, output
    assert isinstance(exception, SystemExit), f"unexpected {exception!r}\n{output}"
    assert "Traceback" not in output
    shown = f"src/{variant.file}"
    if variant.line is None:
        assert re.search(rf"(^|\n){re.escape(shown)}(:\d+)?: error: ", output), output
    else:
        line = _expected_line(course_copy, variant.file, variant.line)
        assert f"{shown}:{line}: error: " in output, output
    error_lines = [l for l in output.splitlines() if f"{shown}" in l and ": error: " in l]
    assert any(variant.says.lower() in l.lower() for l in error_lines), output
    assert not out.exists() or not any(out.iterdir())
    assert not (work / "PWNED").exists() and not (course_copy / "PWNED").exists()


def test_the_valid_course_checks_clean(course_copy: Path, monkeypatch):
    code, output, _ = _run_cli(["check", "src"], course_copy.parent, monkeypatch)
    assert code == 0, output
    assert "ODL-201: 3 modules, 9 items, 6 questions" in output
    assert "error" not in output


def test_the_valid_course_builds_with_the_html_target(course_copy: Path, monkeypatch):
    code, output, _ = _run_cli(["build", "src", "--target", "html", "--out", "out"], course_copy.parent, monkeypatch)
    assert code == 0, output
    assert [p.name for p in (course_copy.parent / "out").iterdir()] == ["ODL-201-html-mooc.zip"]


SMOKE = ["python-tag", "non-utf8-md", "no-correct-answer"]


@pytest.mark.parametrize("name", SMOKE)
def test_a_real_process_reports_the_error_without_traceback(name: str, course_copy: Path):
    variant = next(v for v in VARIANTS if v.name == name)
    variant.edit(course_copy)
    work = course_copy.parent
    env = {**os.environ, "PYTHONUTF8": "1"}
    done = subprocess.run([sys.executable, "-m", "ilead_shell", "build", "src", "--target", "html", "--out", "out"],
                          cwd=work, capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert re.search(rf"^src/{re.escape(variant.file)}:\d+: error: ", done.stderr, re.MULTILINE), done.stderr
    assert "nothing was written" in done.stderr
    assert not (work / "out").exists() or not any((work / "out").iterdir())


# -- seeded random mutations: whatever an editor slip produces, never a traceback ------------
_TOKENS = ["---", "###", "- [x]", "- [ ]", "= ", "> ", "{", "}", "{type=numeric}", ":", "[", "]", "(", ")", "<",
           "!", "\t", "'", '"', "#", "%zz", "../", "|", "```", "\\", "\x00", "é", "{id=x}", "!!binary", "&a",
           "*a", "? ", "null", "1e999", "-1", "2027-02-30", "week 0"]


def _mutate(root: Path, rng) -> None:
    files = sorted(p for p in root.rglob("*") if p.suffix in (".md", ".yml"))
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(files)
        lines = path.read_text(encoding="utf-8").split("\n")
        k = rng.randrange(len(lines))
        op = rng.randrange(4)
        if op == 0:
            del lines[k]
        elif op == 1:
            lines.insert(k, lines[rng.randrange(len(lines))])
        elif op == 2:
            at = rng.randint(0, len(lines[k]))
            lines[k] = lines[k][:at] + rng.choice(_TOKENS) + lines[k][at:]
        else:
            at = rng.randint(0, len(lines[k]))
            lines[k] = lines[k][:at] + lines[k][at + 1:]
        path.write_text("\n".join(lines), encoding="utf-8")


@pytest.mark.parametrize("seed", range(60))
def test_random_edits_give_a_clean_result_or_a_located_error(seed, tmp_path, monkeypatch):
    import random
    course = tmp_path / "src"
    shutil.copytree(ROOT, course)
    _mutate(course, random.Random(seed))
    code, output, exception = _run_cli(["check", "src"], tmp_path, monkeypatch)
    assert code in (0, 1), output
    assert isinstance(exception, (SystemExit, type(None))), f"{exception!r}\n{output}"
    assert "Traceback" not in output
    if code == 1:
        assert re.search(r"^src/\S+?(:\d+)?: error: ", output, re.MULTILINE), output
