"""Checks on a built OLX archive for what olxcleaner does not look at.

olxcleaner validates the block tree and the policies, but not: that a graded
subsection's ``format`` names a grader, that every ``/static/`` file we link exists,
the archive's shape (one ``course.xml``, safe members), url_name syntax and uniqueness
per type, pointer tags carrying only ``url_name``, CAPA semantics (a correct choice,
an answer, a label), ORA rubrics, and static files whose Studio asset names would
clash.  Each function returns a list of problems (empty: fine), so tests can show
every finding at once.  Used by the test suite and usable on any archive:
``python -m ilead_olx.verify course.tar.gz``.
"""

from __future__ import annotations

import json
import posixpath
import re
import sys
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import unquote

import lxml.html
from lxml import etree

URL_NAME = re.compile(r"^[A-Za-z0-9_-]+$")
POINTER_TYPES = ("chapter", "sequential", "vertical", "html", "problem", "video")
CONTAINERS = {"course": ("chapter",), "chapter": ("sequential",), "sequential": ("vertical",),
              "vertical": ("html", "problem", "video", "discussion", "openassessment")}
NUMBER = r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?"
NUMERIC_ANSWER = re.compile(rf"^(?:{NUMBER}|[\[(]\s*{NUMBER}\s*,\s*{NUMBER}\s*[\])])$")
LINK_ATTRIBUTES = ("href", "src")


# -- the archive ------------------------------------------------------------------------
def check_members(archive: tarfile.TarFile) -> list[str]:
    """Studio refuses links, devices, absolute paths and ``..``; we want one top folder."""
    problems = []
    tops = set()
    course_xml = []
    for member in archive.getmembers():
        name = member.name
        if not (member.isfile() or member.isdir()):
            problems.append(f"{name}: not a regular file or folder")
        if name.startswith("/") or "\\" in name or ".." in name.split("/") or posixpath.normpath(name) != name:
            problems.append(f"{name}: unsafe member path")
        tops.add(name.split("/", 1)[0])
        if member.isfile() and posixpath.basename(name) == "course.xml":
            course_xml.append(name)
    if len(tops) != 1:
        problems.append(f"expected one top folder, found {sorted(tops)}")
    if len(course_xml) != 1:
        problems.append(f"expected exactly one course.xml, found {course_xml}")
    return problems


# -- the course folder ------------------------------------------------------------------
class CourseFolder:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.problems: list[str] = []
        self.url_names: dict[str, set[str]] = {}
        self.all_url_names: set[str] = set()
        self.sequentials: list[etree._Element] = []
        self.problem_files: list[tuple[str, etree._Element]] = []
        self.assessments: list[etree._Element] = []
        self.html_files: list[str] = []
        self.videos: list[etree._Element] = []
        self.discussion_ids: list[str] = []
        self.run = ""
        self.course: etree._Element | None = None

    def problem(self, message: str) -> None:
        self.problems.append(message)

    def parse(self, relative: str) -> etree._Element | None:
        path = self.root / relative
        if not path.is_file():
            self.problem(f"{relative}: missing")
            return None
        try:
            return etree.parse(str(path)).getroot()
        except etree.XMLSyntaxError as exc:
            self.problem(f"{relative}: not well-formed XML ({exc})")
            return None

    def name(self, tag: str, url_name: str | None, where: str) -> None:
        if not url_name or not URL_NAME.match(url_name):
            self.problem(f"{where}: <{tag}> url_name {url_name!r} is not [A-Za-z0-9_-]+")
            return
        taken = self.url_names.setdefault(tag, set())
        if url_name in taken:
            self.problem(f"{where}: duplicate {tag} url_name '{url_name}'")
        taken.add(url_name)
        self.all_url_names.add(url_name)


def check_course_folder(root: Path) -> list[str]:
    """Every check on an extracted ``course/`` folder."""
    folder = CourseFolder(root)
    found = sorted(str(p.relative_to(folder.root)) for p in folder.root.rglob("course.xml"))
    if found != ["course.xml"]:
        folder.problem(f"expected exactly one course.xml at the top, found {found}")
    pointer = folder.parse("course.xml")
    if pointer is None:
        return folder.problems
    if set(pointer.attrib) != {"url_name", "org", "course"} or len(pointer):
        folder.problem("course.xml must be <course url_name org course/> and nothing else")
    folder.run = pointer.get("url_name", "")
    folder.name("course", folder.run, "course.xml")
    course = folder.parse(f"course/{folder.run}.xml")
    if course is None:
        return folder.problems
    folder.course = course
    _walk(folder, course, f"course/{folder.run}.xml")
    _check_grading(folder)
    _check_capa(folder)
    _check_assessments(folder)
    _check_links(folder)
    _check_tabs(folder)
    _check_static_names(folder)
    if len(folder.discussion_ids) != len(set(folder.discussion_ids)):
        folder.problem("discussion_id values are not unique")
    return folder.problems


def _walk(folder: CourseFolder, element: etree._Element, where: str) -> None:
    allowed = CONTAINERS.get(element.tag, ())
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag not in allowed:
            folder.problem(f"{where}: <{child.tag}> is not expected inside <{element.tag}>")
            continue
        url_name = child.get("url_name")
        folder.name(child.tag, url_name, where)
        if child.tag in POINTER_TYPES:
            if set(child.attrib) != {"url_name"} or len(child) or (child.text or "").strip():
                folder.problem(f"{where}: pointer <{child.tag} url_name='{url_name}'> must carry "
                               "only url_name (Studio would import an empty block)")
                continue
            relative = f"{child.tag}/{url_name}.xml"
            target = folder.parse(relative)
            if target is None:
                continue
            if target.tag != child.tag:
                folder.problem(f"{relative}: root is <{target.tag}>, expected <{child.tag}>")
                continue
            if target.get("url_name") not in (None, url_name):
                folder.problem(f"{relative}: url_name inside differs from the file name")
            _content(folder, target, relative, url_name)
        elif child.tag == "discussion":
            for key in ("discussion_id", "discussion_category", "discussion_target"):
                if not child.get(key):
                    folder.problem(f"{where}: discussion '{url_name}' has no {key}")
            folder.discussion_ids.append(child.get("discussion_id", ""))
        elif child.tag == "openassessment":
            folder.assessments.append(child)


def _content(folder: CourseFolder, element: etree._Element, where: str, url_name: str) -> None:
    if element.tag in ("chapter", "sequential", "vertical") and not element.get("display_name"):
        folder.problem(f"{where}: no display_name")
    if element.tag == "sequential":
        folder.sequentials.append(element)
    if element.tag in CONTAINERS:
        _walk(folder, element, where)
    elif element.tag == "html":
        filename = element.get("filename")
        if not filename or not (folder.root / "html" / f"{filename}.html").is_file():
            folder.problem(f"{where}: html file '{filename}.html' is missing")
        else:
            folder.html_files.append(f"html/{filename}.html")
    elif element.tag == "problem":
        folder.problem_files.append((where, element))
    elif element.tag == "video":
        folder.videos.append(element)


# -- grading ----------------------------------------------------------------------------
def grading_policy(root: Path, run: str) -> dict:
    return json.loads((Path(root) / "policies" / run / "grading_policy.json").read_text(encoding="utf-8"))


def _check_grading(folder: CourseFolder) -> None:
    path = folder.root / "policies" / folder.run / "grading_policy.json"
    if not path.is_file():
        folder.problem(f"policies/{folder.run}/grading_policy.json is missing (Studio would apply its defaults)")
        return
    policy = json.loads(path.read_text(encoding="utf-8"))
    graders = policy.get("GRADER", [])
    types = [g.get("type") for g in graders]
    if len(types) != len(set(types)):
        folder.problem("grading policy: two graders share a type")
    if abs(sum(g.get("weight", 0) for g in graders) - 1) > 1e-8:
        folder.problem("grading policy: weights do not sum to 1")
    used = set()
    for sequential in folder.sequentials:
        graded = sequential.get("graded") == "true"
        kind = sequential.get("format")
        title = sequential.get("display_name")
        if graded and kind not in types:
            folder.problem(f"sequential '{title}': format {kind!r} is not a grader type {types}")
        if kind and not graded:
            folder.problem(f"sequential '{title}': format {kind!r} without graded=\"true\"")
        if graded:
            used.add(kind)
    for kind in types:
        if kind not in used:
            folder.problem(f"grading policy: grader '{kind}' has no graded subsection, so its weight is unreachable")
    cutoffs = policy.get("GRADE_CUTOFFS", {})
    if not cutoffs or any(not 0 <= v <= 1 for v in cutoffs.values()):
        folder.problem("grading policy: GRADE_CUTOFFS missing or outside 0..1")


# -- CAPA and ORA semantics -------------------------------------------------------------
def _check_capa(folder: CourseFolder) -> None:
    responses = ("multiplechoiceresponse", "choiceresponse", "stringresponse", "numericalresponse",
                 "optionresponse")
    for where, problem in folder.problem_files:
        if not problem.get("display_name"):
            folder.problem(f"{where}: no display_name")
        found = [r for r in problem.iter() if r.tag in responses]
        if not found:
            folder.problem(f"{where}: no response element")
        for response in found:
            label = response.find("label")
            if label is None or not "".join(label.itertext()).strip():
                folder.problem(f"{where}: <{response.tag}> has no <label>")
            if response.tag == "multiplechoiceresponse":
                correct = response.findall("./choicegroup/choice[@correct='true']")
                if len(correct) != 1:
                    folder.problem(f"{where}: single-select needs exactly one correct choice, has {len(correct)}")
            elif response.tag == "choiceresponse":
                if not response.findall("./checkboxgroup/choice[@correct='true']"):
                    folder.problem(f"{where}: checkboxes without a correct choice")
            elif response.tag == "stringresponse":
                if not (response.get("answer") or "").strip():
                    folder.problem(f"{where}: text input without an answer")
            elif response.tag == "numericalresponse":
                if not NUMERIC_ANSWER.match(response.get("answer") or ""):
                    folder.problem(f"{where}: numerical answer {response.get('answer')!r} is not a number or range")
        hint = problem.find("demandhint")
        if hint is not None and problem[-1] is not hint:
            folder.problem(f"{where}: <demandhint> must be the last child")


def _check_assessments(folder: CourseFolder) -> None:
    start = folder.course.get("start", "") if folder.course is not None else ""
    end = folder.course.get("end", "") if folder.course is not None else ""
    for assessment in folder.assessments:
        name = assessment.get("url_name")
        if assessment.get("display_name") is not None:
            folder.problem(f"openassessment '{name}': display_name is not allowed (title names it)")
        for child in ("title", "assessments", "prompts", "rubric"):
            if assessment.find(child) is None:
                folder.problem(f"openassessment '{name}': no <{child}>")
        criteria = assessment.findall("./rubric/criterion")
        if not criteria:
            folder.problem(f"openassessment '{name}': rubric without criteria")
        for criterion in criteria:
            options = criterion.findall("option")
            if not options:
                folder.problem(f"openassessment '{name}': criterion without options")
            for option in options:
                if not re.fullmatch(r"\d+", option.get("points", "")):
                    folder.problem(f"openassessment '{name}': option points must be whole numbers")
        opens, closes = assessment.get("submission_start", ""), assessment.get("submission_due", "")
        if not opens or not closes or not (start[:19] <= opens[:19] < closes[:19] <= end[:19] or not end):
            folder.problem(f"openassessment '{name}': submission window {opens}..{closes} "
                           f"is not inside the course {start}..{end}")


# -- links ------------------------------------------------------------------------------
def _check_links(folder: CourseFolder) -> None:
    documents: list[tuple[str, etree._Element]] = []
    for relative in folder.html_files + ["about/overview.html"]:
        path = folder.root / relative
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            if text.strip():
                documents.append((relative, lxml.html.fromstring(f"<div>{text}</div>")))
    for where, problem in folder.problem_files:
        documents.append((where, problem))
    for assessment in folder.assessments:
        for description in assessment.iterfind("./prompts/prompt/description"):
            if (description.text or "").strip():
                documents.append((f"openassessment {assessment.get('url_name')}",
                                  lxml.html.fromstring(f"<div>{description.text}</div>")))
    for where, document in documents:
        for element in document.iter():
            for attribute in LINK_ATTRIBUTES:
                _check_url(folder, where, element.get(attribute) if isinstance(element.tag, str) else None)
    for video in folder.videos:
        for source in json.loads(video.get("html5_sources") or "[]"):
            _check_url(folder, "video", source)
        for source in video.iterfind("source"):
            _check_url(folder, "video", source.get("src"))
        for language, name in json.loads(video.get("transcripts") or "{}").items():
            if not (folder.root / "static" / name).is_file():
                folder.problem(f"video '{video.get('display_name')}': transcript static/{name} is missing")
    image = folder.course.get("course_image") if folder.course is not None else None
    if not image or not (folder.root / "static" / image).is_file():
        folder.problem(f"course_image static/{image} is missing")


def _check_url(folder: CourseFolder, where: str, url: str | None) -> None:
    if not url:
        return
    if url.startswith("/static/"):
        path = unquote(url[len("/static/"):].split("#")[0].split("?")[0])
        if not (folder.root / "static" / path).is_file():
            folder.problem(f"{where}: {url} is not in static/")
    elif url.startswith("/jump_to_id/"):
        target = url[len("/jump_to_id/"):]
        if target not in folder.all_url_names:
            folder.problem(f"{where}: {url} points at no block")
    elif url.startswith("ilead:"):
        folder.problem(f"{where}: unrewritten reference {url}")


def _check_static_names(folder: CourseFolder) -> None:
    """Studio keys a static file by its path with ``/`` turned into ``_``: keys must not clash."""
    static = folder.root / "static"
    keys: dict[str, str] = {}
    for path in sorted(p for p in static.rglob("*") if p.is_file()):
        relative = path.relative_to(static).as_posix()
        key = relative.replace("/", "_")
        if key in keys:
            folder.problem(f"static/{relative} and static/{keys[key]} become the same Studio asset '{key}'")
        keys[key] = relative


def _check_tabs(folder: CourseFolder) -> None:
    path = folder.root / "policies" / folder.run / "policy.json"
    if not path.is_file():
        folder.problem(f"policies/{folder.run}/policy.json is missing")
        return
    settings = json.loads(path.read_text(encoding="utf-8")).get(f"course/{folder.run}", {})
    slugs = {t.get("url_slug") for t in settings.get("tabs", []) if t.get("type") == "static_tab"}
    files = {p.stem for p in (folder.root / "tabs").glob("*.html")}
    if slugs != files:
        folder.problem(f"static tabs in policy.json {sorted(slugs)} do not match tabs/ files {sorted(files)}")


# -- whole archives ---------------------------------------------------------------------
def check_archive(path: Path) -> list[str]:
    """Member checks, then every folder check on a safe extraction."""
    with tarfile.open(path, "r:gz") as archive:
        problems = check_members(archive)
        if problems:
            return problems
        with tempfile.TemporaryDirectory() as temporary:
            archive.extractall(temporary, filter="data")
            top = next(Path(temporary).iterdir())
            return check_course_folder(top)


def main(argv: list[str]) -> int:
    status = 0
    for name in argv:
        problems = check_archive(Path(name))
        for problem in problems:
            print(f"{name}: {problem}")
        status |= bool(problems)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
