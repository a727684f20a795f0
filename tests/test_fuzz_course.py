"""Property-based fuzzing of a whole course: whatever is changed, a valid build or a located error.

Hypothesis mutates a copy of ``tests/roots/fidelity`` (every feature once): front matter
values and types, quiz syntax, links and images, file and folder paths (renames,
deletions, links in and out of the course, FIFOs), raw bytes and text encodings.  Then
``ilead-shell build --target all`` runs in-process under the audit hook of
``test_paths.py``, and every case must end one of two ways:

- exit 0, and every bundle passes the project's own validators: the Common Cartridge
  rules and XSDs (``cc_validation``) for the five cartridge targets, Open edX's checks
  (``ilead_olx.verify``, what ``python -m ilead_olx.verify`` runs), the SCORM 1.2 XSDs,
  well-formed accessible pages for the preview, and for the Moodle backup well-formed XML,
  Moodle's header and every file stored under its sha1;
- exit 1, every error line shaped ``path:line: error:`` naming a file of the course (a
  folder, or a file that is missing, is named without a line), and nothing written.

Never a traceback, never a read outside the course (or the tool's own package files),
never the planted secret beside the course in any output.

Profiles (``ILEAD_FUZZ_PROFILE``): ``ci`` (the default: a fixed set of examples, well under
two minutes), ``long`` for local runs (random, many more examples)::

    ILEAD_FUZZ_PROFILE=long .venv/bin/python -m pytest tests/test_fuzz_course.py -q
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tarfile
import tempfile
import unicodedata
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st
from lxml import etree

import ilead_shell
from ilead_shell.cli import main
from ilead_olx.verify import check_archive

import cc_validation
from conftest import ROOTS, SHARED
from test_paths import _project_files, watch

settings.register_profile("ci", max_examples=200, deadline=None, derandomize=True, database=None,
                          print_blob=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=3000, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("ILEAD_FUZZ_PROFILE", "ci"))

BASE = ROOTS / "fidelity"
SECRET = "FUZZ-SECRET-7f3a"
ERROR_LINE = re.compile(r"^(?P<path>\S(?:.*?\S)??)(?::(?P<line>\d+))?: error: ")
PACKAGES = [Path(ilead_shell.__file__).parent] + [Path(__import__(name).__file__).parent
                                                  for name in ("ilead_cc", "ilead_html", "ilead_olx", "ilead_scorm12")]

# -- what a mutation may write ---------------------------------------------------------------------
FRONT_KEYS = ["title", "type", "id", "points", "outcomes", "offerings", "published", "due", "group", "submission",
              "rubric", "url", "path", "captions", "transcript", "points_per_question", "attempts", "mastery",
              "shuffle", "supports", "text", "criterion", "weight"]
COURSE_KEYS = ["title", "code", "language", "description", "license", "authors", "version", "start", "competencies",
               "outcomes", "modules", "grading", "offerings", "default_offering", "exporters"]
TRICKY = ["week 0", "week 2", "2027-02-30", "2027-01-11", "../x.md", "../../secret/photo.png", "/etc/passwd",
          "media/talk.vtt", "images/map.png", "syllabus.pdf", "02-introductions.md", "https://example.org/a b",
          "javascript:alert(1)", "mailto:x@example.org", "\x00", "\x01", "\ufffe", "&#1;", "<script>x</script>",
          "a & b < c", "yes", "no", "null", "1e999", "-1", "0", "0.125", "99999999999999999999999", "M1.1", "CO1",
          "quiz", "page", "video", "file", "link", "assignment", "discussion", "essay", "mooc", "certificate",
          "e\u0301", "图书馆", "%00", "%2e%2e/%2e%2e/secret", "x" * 300, " ", ""]
TOKENS = ["---", "###", "- [x]", "- [ ]", "= ", "> ", "{", "}", "{type=numeric}", "{points=0}", ":", "[", "]", "(",
          ")", "<", "!", "\t", "'", '"', "#", "%zz", "../", "|", "```", "\\", "\x00", "\x0b", "é", "{id=x}",
          "!!binary", "&a", "*a", "? ", "null", "1e999", "-1", "&#1;", "&#x0;", "<div>", "</div>", "<!--", "-->",
          "<![CDATA[", "]]>", "<?xml ?>", "\ufeff", "\u2028", "\r", "!!! note", "[^1]", "[^1]: x", "*[x]: y"]
QUIZ_LINES = ["### Extra question", "### Extra {type=essay}", "### Extra {type=short_answer}",
              "### Extra {type=numeric}", "### Extra {points=2.5 outcomes=M2.1}", "### Extra {id=q-x}",
              "### {type=essay}", "###Spaceless",
              "- [x] Yes", "- [ ] No", "- [X] Upper", "- [x]", "= 42", "= 40..44", "= 4,000", "= 2,5", "= forty",
              "= ALA", "> Feedback.", ">", "  > Per-choice feedback.", "Stem text.", "", "```", "1. [x] numbered"]
# What #11 found: drawn as often as all the rest, so the fixed CI examples meet each of them.
HOSTILE = ["\x00", "\x01", "\x0b", "\x0c", "\x1f", "\x7f", "\x85", "\ufffe", "\uffff", "&#1;", "&#x0B;", "&#0;",
           "&#xFFFE;", "&#1114112;", "<img src=images/map.png>", "<img src=images/nothing.png alt=x>",
           "".join("    " * i + "- deep\n" for i in range(25)), "> " * 30 + "deep",
           "<div>" * 120 + "x" + "</div>" * 120]
HOSTILE_TARGETS = ["02-introductions.md%00", "images/map%01.png", "images%00/map.png", "..\\..\\secret.md",
                   "../../../secret/secret.md", "%2e%2e/%2e%2e/%2e%2e/secret/photo.png"]
LINK_TARGETS = ["02-introductions.md", "02-introductions.md#nowhere", "../02-foundations/03-check.md",
                "../02-foundations/module.md", "module.md", "images/map.png", "images/course%20map.png",
                "<images/course map.png>", "images/missing.png", "../../assets/logo.png", "../../../secret/photo.png",
                "/etc/passwd", "file:///etc/passwd", "..\\..\\secret.md", "images", "%2e%2e/%2e%2e/%2e%2e/secret/x",
                "02-introductions.md%00", "images/map.png?x=1", "#anchor", "//example.org/x",
                "https://example.org/x", "javascript:alert(1)", "data:text/html,x", "syllabus.pdf", "", " ",
                "images/ma\u0301p.png", "../03-practice/files/programme%20template.txt"]
LINK_FORMS = ["[a link]({t})", "![an image]({t})", "![]({t})", "<img src={t}>", "<img src='{t}' alt='x'>",
              '<a href="{t}">here</a>', "<video src={t} poster={t}></video>", "[ref][r]\n\n[r]: {t}", "<{t}>"]


def yaml_values():
    scalars = (st.none() | st.booleans() | st.integers(-10**25, 10**25) | st.floats() |
               st.text(max_size=20) | st.sampled_from(TRICKY) | st.dates())
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) |
                        st.dictionaries(st.sampled_from(FRONT_KEYS) | st.text(max_size=6), inner, max_size=3),
                        max_leaves=6)


@contextmanager
def inside(folder: Path):
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def text_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.suffix in (".md", ".yml", ".vtt") and p.is_file()
                  and not p.is_symlink())


def pick(data, items: list, label: str):
    """One of ``items``, or None when earlier mutations left none (the mutation is then skipped)."""
    return data.draw(st.sampled_from(items), label=label) if items else None


def read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", errors="replace")


# -- mutations: each draws what it needs and changes the course on disk ---------------------------------
def mutate_front_matter(root: Path, data) -> None:
    path = pick(data, [p for p in text_files(root) if p.suffix != ".vtt"], "file")
    if path is None:
        return
    lines = read(path).split("\n")
    if path.suffix == ".md":
        ends = [i for i, line in enumerate(lines) if line.strip() == "---"]
        if len(ends) < 2:
            return
        start, end = 1, ends[1]
    else:
        start, end = 0, len(lines)
    keys = COURSE_KEYS if path.name == "course.yml" else FRONT_KEYS
    key = data.draw(st.sampled_from(keys) | st.text(min_size=1, max_size=8), label="key")
    value = data.draw(yaml_values(), label="value")
    dumped = yaml.safe_dump({key: value}, default_flow_style=True, allow_unicode=data.draw(st.booleans()),
                            width=10_000).strip()
    if dumped.startswith("{") and dumped.endswith("}"):
        dumped = dumped[1:-1]
    found = [i for i in range(start, end) if lines[i].startswith(f"{key}:")]
    if found:
        lines[found[0]] = dumped
    else:
        lines.insert(end, dumped)
    path.write_text("\n".join(lines), encoding="utf-8")


def mutate_quiz(root: Path, data) -> None:
    quizzes = [p for p in text_files(root) if "type: quiz" in read(p)]
    path = pick(data, quizzes, "quiz")
    if path is None:
        return
    lines = read(path).split("\n")
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(lines)), label="line")
        if data.draw(st.booleans()) and at < len(lines):
            del lines[at]
        else:
            lines.insert(at, data.draw(st.sampled_from(QUIZ_LINES) | st.text(max_size=20), label="quiz line"))
    path.write_text("\n".join(lines), encoding="utf-8")


def mutate_link(root: Path, data) -> None:
    path = pick(data, [p for p in text_files(root) if p.suffix == ".md"], "file")
    if path is None:
        return
    target = data.draw(st.sampled_from(HOSTILE_TARGETS) | st.sampled_from(LINK_TARGETS) | st.text(max_size=15),
                       label="target")
    form = data.draw(st.sampled_from(LINK_FORMS), label="form")
    lines = read(path).split("\n")
    at = data.draw(st.integers(0, len(lines)), label="line")
    lines.insert(at, "\n" + form.replace("{t}", target) + "\n")
    path.write_text("\n".join(lines), encoding="utf-8")


def mutate_text(root: Path, data) -> None:
    """Any text in a body: the edit most likely to keep the course valid, so exporters see it."""
    path = pick(data, [p for p in text_files(root) if p.suffix == ".md"], "file")
    if path is None:
        return
    lines = read(path).split("\n")
    ends = [i for i, line in enumerate(lines) if line.strip() == "---"]
    first_body = ends[1] + 1 if len(ends) > 1 else 0
    at = data.draw(st.integers(first_body, len(lines)), label="line")
    text = data.draw(st.sampled_from(HOSTILE) | st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)
                     | st.sampled_from(TOKENS + TRICKY), label="text")
    lines.insert(at, text)
    path.write_text("\n".join(lines), encoding="utf-8")


def mutate_path(root: Path, data) -> None:
    everything = sorted(p for p in root.rglob("*") if not p.is_symlink())
    victim = pick(data, everything, "path")
    if victim is None:
        return
    action = data.draw(st.sampled_from(["delete", "rename", "link-out", "link-in", "fifo", "folder", "nfd",
                                        "move-up", "duplicate"]), label="action")
    secret = root.parent / "secret"
    if action == "delete":
        shutil.rmtree(victim) if victim.is_dir() else victim.unlink()
    elif action == "rename":
        new = data.draw(st.sampled_from(["renamed", "UPPER.MD", "a b.md", "00-first.md", ".hidden.md", "x.md",
                                         "module.md", "图书馆.md", "x\ty.md"]) | st.text(
            alphabet=st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)),
            min_size=1, max_size=12), label="new name")
        target = victim.with_name(new)
        if not target.exists():
            victim.rename(target)
    elif action in ("link-out", "link-in"):
        if victim.is_dir():
            shutil.rmtree(victim)
        else:
            victim.unlink()
        outside = secret / ("photo.png" if victim.suffix in (".png", ".pdf", ".txt", ".vtt") else "secret.md")
        inside_target = data.draw(st.sampled_from(sorted(p for p in root.rglob("*.*") if p.is_file()
                                                         and not p.is_symlink()) or [outside]))
        victim.symlink_to(outside if action == "link-out" else inside_target)
    elif action == "fifo":
        if victim.is_file():
            victim.unlink()
            os.mkfifo(victim)
    elif action == "folder":
        if victim.is_file():
            victim.unlink()
            victim.mkdir()
    elif action == "nfd":
        nfd = victim.with_name(unicodedata.normalize("NFD", victim.name.replace("e", "é")))
        if not nfd.exists():
            victim.rename(nfd)
    elif action == "move-up" and victim.parent != root:
        target = victim.parent.parent / victim.name
        if not target.exists():
            victim.rename(target)
    elif action == "duplicate" and victim.is_file():
        shutil.copyfile(victim, victim.with_name("99-copy" + victim.suffix))


def mutate_bytes(root: Path, data) -> None:
    path = pick(data, text_files(root), "file")
    if path is None:
        return
    raw = bytearray(path.read_bytes())
    at = data.draw(st.integers(0, len(raw)), label="offset")
    kind = data.draw(st.sampled_from(["insert", "token", "truncate", "flip"]), label="kind")
    if kind == "insert":
        raw[at:at] = data.draw(st.binary(min_size=1, max_size=8), label="bytes")
    elif kind == "token":
        raw[at:at] = data.draw(st.sampled_from(TOKENS), label="token").encode("utf-8")
    elif kind == "truncate":
        del raw[at:]
    elif raw:
        raw[min(at, len(raw) - 1)] ^= 1 << data.draw(st.integers(0, 7))
    path.write_bytes(bytes(raw))


def mutate_encoding(root: Path, data) -> None:
    path = pick(data, text_files(root), "file")
    if path is None:
        return
    text = read(path)
    encoding = data.draw(st.sampled_from(["utf-16", "utf-16-le", "latin-1", "cp1252", "utf-8-sig", "crlf",
                                          "cr", "nfd", "utf-32"]), label="encoding")
    if encoding == "crlf":
        path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    elif encoding == "cr":
        path.write_bytes(text.replace("\n", "\r").encode("utf-8"))
    elif encoding == "nfd":
        path.write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    else:
        path.write_bytes(text.encode(encoding, errors="replace"))


MUTATIONS = {"front matter": mutate_front_matter, "quiz": mutate_quiz, "link": mutate_link, "path": mutate_path,
             "bytes": mutate_bytes, "encoding": mutate_encoding, "text": mutate_text}


# -- what a successful build must give ---------------------------------------------------------------
_SCHEMAS = SHARED / "schemas"


def scorm_schema() -> etree.XMLSchema:
    from test_scorm12_manifest import _PatchedXsd

    folder = _SCHEMAS / "scorm12"
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_PatchedXsd(folder))
    return etree.XMLSchema(etree.parse(str(folder / "scorm12_all.xsd"), parser))


def mbz_problems(path: Path) -> list[str]:
    """What Moodle's restore checks first, and the backup's own rules: XML well-formed, files under their sha1."""
    problems = []
    with tarfile.open(path, "r:gz") as archive:
        files = {m.name: archive.extractfile(m).read() for m in archive if m.isfile()}
    if b"<moodle_backup>" not in files.get("moodle_backup.xml", b"")[:200]:
        problems.append(f"{path.name}: moodle_backup.xml does not start as Moodle's backups do")
    for name, data in files.items():
        if name.endswith(".xml"):
            try:
                cc_validation.parse(data)
            except etree.XMLSyntaxError as exc:
                problems.append(f"{path.name}: {name}: {exc}")
        elif name.startswith("files/") and hashlib.sha1(data).hexdigest() != name.rsplit("/", 1)[-1]:
            problems.append(f"{path.name}: {name} is not stored under its sha1")
    return problems + [f"{path.name}: holds the secret" for data in files.values() if SECRET.encode() in data]


def bundle_problems(path: Path, scorm: etree.XMLSchema) -> list[str]:
    if path.suffix == ".mbz":
        return mbz_problems(path)
    if path.name.endswith(".tar.gz"):
        with tarfile.open(path) as archive:
            contents = [archive.extractfile(m).read() for m in archive if m.isfile()]
        return check_archive(path) + [f"{path.name}: holds the secret" for c in contents if SECRET.encode() in c]
    with zipfile.ZipFile(path) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    problems = [f"{path.name}: holds the secret" for data in files.values() if SECRET.encode() in data]
    if path.suffix == ".imscc":
        return problems + cc_validation.validate(files, _SCHEMAS)
    for name, data in files.items():
        if name.endswith(".html"):
            problems += cc_validation.html_problems(name, data)
        elif name.endswith(".xml"):
            cc_validation.parse(data)
    if "-scorm12" in path.name and not scorm.validate(etree.fromstring(files["imsmanifest.xml"])):
        problems += [f"imsmanifest.xml: XSD: {e.message}" for e in scorm.error_log]
    return problems


@pytest.fixture(scope="module")
def scorm(shared_dir):
    return scorm_schema()


@given(data=st.data())
def test_a_mutated_course_gives_valid_bundles_or_located_errors_and_nothing_else(scorm, data):
    work = Path(tempfile.mkdtemp(prefix="ilead-fuzz-"))
    try:
        root = work / "src"
        shutil.copytree(BASE, root, symlinks=True)
        (work / "secret").mkdir()
        (work / "secret" / "secret.md").write_text(f"---\ntitle: {SECRET}\n---\n{SECRET}\n")
        (work / "secret" / "photo.png").write_text(SECRET)
        for step in range(data.draw(st.integers(1, 3), label="mutations")):
            name = data.draw(st.sampled_from(sorted(MUTATIONS)), label=f"mutation {step + 1}")
            MUTATIONS[name](root, data)
        _check_build(work, root, scorm)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _check_build(work: Path, root: Path, scorm) -> None:
    with inside(work), watch() as record:
        result = CliRunner().invoke(main, ["build", "src", "--target", "all", "--out", "out"])
    output = result.output
    note(output)
    event("built" if result.exit_code == 0 else "located error" if result.exit_code == 1 else "other")
    assert isinstance(result.exception, (SystemExit, type(None))), f"{result.exception!r}\n{output}"
    assert "Traceback" not in output
    assert SECRET not in output
    assert result.exit_code in (0, 1), output
    allowed = [root, work / "out"] + PACKAGES
    reads = [p for kind, p, writes in record if kind == "open" and not writes and not _project_files(p)]
    outside = [p for p in reads if not any(Path(os.path.realpath(os.path.join(work, p))).is_relative_to(a.resolve())
                                           for a in allowed)]
    assert outside == [], outside
    out = work / "out"
    if result.exit_code == 1:
        errors = [line for line in output.splitlines() if "error:" in line]
        assert errors, output
        for line in errors:
            found = ERROR_LINE.match(line)
            assert found, f"not 'path:line: error:': {line!r}\n{output}"
            named = Path(os.path.normpath(work / found.group("path")))
            assert named.is_relative_to(root), line
            # A file's content is wrong at a line; a folder, or a file that is missing, has none.
            assert found.group("line") or not (named.is_file() and not named.is_symlink()), \
                f"no line for a file: {line!r}\n{output}"
        assert not out.exists() or not any(out.iterdir()), sorted(p.name for p in out.iterdir())
        return
    bundles = sorted(out.iterdir())
    assert len(bundles) >= 8, bundles
    assert not [p for p in bundles if p.name.startswith(".")]
    problems = [problem for bundle in bundles for problem in bundle_problems(bundle, scorm)]
    if "warning: image has no alternative text" in output:  # the author was told, at the line
        problems = [p for p in problems if not p.endswith("image without alt")]
    assert problems == [], problems
