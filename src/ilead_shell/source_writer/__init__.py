"""The source writer: an imported course (the import form) as course.yml and Markdown files.

The inverse of :mod:`ilead_shell.reader`: it writes what the reader reads, in README's source
format, and nothing the reader would not accept.  It writes into an empty folder it is given
(the import pipeline hands it a temporary one and moves the result into place).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..identifiers import OUTCOME_ID_PATTERN, slug_from_filename
from ..import_api import ImportedCourse, ImportedItem, ImportedModule, ImportReport, SourceArchive
from .html_markdown import html_to_markdown
from .layout import Placement, place, relative
from .quiz_markdown import number, points_per_question, write_questions

_LINK_URL = re.compile(r"^(https?://|mailto:|ftp://)\S+$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


@dataclass
class WrittenSource:
    root: Path
    files: list[str] = field(default_factory=list)  # every path written, relative to root
    placement: Placement | None = None


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, default_flow_style=False,
                     width=100)


def _front_matter(data: dict[str, Any], body: str) -> str:
    text = f"---\n{dump_yaml(data)}---\n"
    body = body.strip("\n")
    return text + (body + "\n" if body else "")


def _number_or_int(value: float) -> float | int:
    return int(value) if float(value).is_integer() else float(value)


class SourceWriter:
    def __init__(self, course: ImportedCourse, archive: SourceArchive, report: ImportReport, root: Path):
        self.course = course
        self.archive = archive
        self.report = report
        self.root = root
        self.placement = place(course)
        self.written: list[str] = []
        self.group_ids = {g.id for g in course.groups}
        self.outcome_ids = {o.id for o in course.outcomes} | {o.id for m in course.modules for o in m.outcomes}

    # -- files -------------------------------------------------------------------------------------
    def write_text(self, relative_path: str, text: str) -> None:
        path = self.root / relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        self.written.append(relative_path)

    def copy_files(self) -> None:
        for key, relative_path in sorted(self.placement.file_paths.items(), key=lambda kv: kv[1]):
            file = self.course.files[key]
            path = self.root / relative_path
            path.parent.mkdir(parents=True, exist_ok=True)
            self.archive.copy_to(file.name, path)
            self.written.append(relative_path)
        if self.placement.unused_files:
            names = sorted(self.placement.file_paths[k] for k in self.placement.unused_files)
            self.report.add("changed", "course", f"{len(names)} file(s) no page or item uses were kept in assets/ "
                            "(the course reads only files something links to)", fields=("assets",),
                            detail="\n".join(f"- {n}" for n in names))

    def resolver(self, folder: str):
        def resolve(url: str) -> str | None:
            if not url.startswith("ilead:"):
                return url
            target = self.placement.target_of(url)
            return relative(folder, target) if target else None
        return resolve

    def markdown(self, html_text: str, folder: str, in_quiz: bool = False) -> str:
        return html_to_markdown(html_text, self.resolver(folder), in_quiz=in_quiz)

    # -- the course ----------------------------------------------------------------------------------
    def write(self) -> WrittenSource:
        self.copy_files()
        self.write_course_yml()
        if self.course.competencies:
            self.write_competencies()
        for module in self.course.modules:
            self.write_module(module)
        return WrittenSource(self.root, sorted(self.written), self.placement)

    def course_yml_data(self) -> dict[str, Any]:
        course = self.course
        code = re.sub(r"[^A-Za-z0-9_-]+", "-", course.code or "").strip("-") or \
            (slug_from_filename(course.title).upper()[:20] or "COURSE")
        if code != course.code:
            self.report.changed("course", f"course code '{course.code}' written as '{code}' (letters, digits, "
                                          "'-' and '_' only)", fields=("code",))
        data: dict[str, Any] = {"title": course.title.strip() or "Imported course", "code": code}
        if course.language and course.language != "en":
            if _LANGUAGE.match(course.language):
                data["language"] = course.language
            else:
                self.report.lost("course", f"language '{course.language}' is not a BCP 47 tag; left as en",
                                 fields=("language",))
        description = self.markdown(course.description_html, "")
        if description.strip():
            data["description"] = description
        if course.license:
            data["license"] = course.license
        if course.authors:
            data["authors"] = list(course.authors)
        if course.version:
            data["version"] = course.version
        if course.start:
            data["start"] = course.start
        if course.competencies:
            data["competencies"] = "competencies.yml"
        competency_ids = {c.id for c in course.competencies}
        if course.outcomes:
            outcomes = []
            for outcome in course.outcomes:
                entry: dict[str, Any] = {"id": outcome.id, "text": outcome.text}
                links = [c for c in outcome.links if c in competency_ids]
                if links:
                    entry["competencies"] = links
                outcomes.append(entry)
            data["outcomes"] = outcomes
        folders = [self.placement.module_folders[m.key].split("/", 1)[1] for m in course.modules]
        data["modules"] = folders
        groups = self.grading_groups()
        if groups or course.pass_percent is not None:
            grading: dict[str, Any] = {}
            if groups:
                grading["groups"] = groups
            if course.pass_percent is not None:
                grading["pass"] = _number_or_int(course.pass_percent)
            data["grading"] = grading
        return data

    def grading_groups(self) -> list[dict[str, Any]]:
        groups = self.course.groups
        if not groups:
            return []
        total = sum(g.weight for g in groups)
        weights = [g.weight for g in groups]
        if abs(total - 100) > 1e-6:
            if total <= 0:
                share = round(100 / len(groups), 2)
                weights = [share] * len(groups)
                self.report.changed("course", "the assignment groups have no weights; each is given an equal "
                                              "share of 100 (grading.groups needs weights that add up to 100)",
                                    fields=("grading",))
            else:
                weights = [round(w * 100 / total, 2) for w in weights]
                self.report.changed("course", f"the assignment group weights add up to {number(total)}; scaled "
                                              "to add up to 100", fields=("grading",))
            weights[-1] = round(100 - sum(weights[:-1]), 2)
        return [{"id": g.id, "name": g.name, "weight": _number_or_int(w)} for g, w in zip(groups, weights)]

    def write_course_yml(self) -> None:
        self.write_text("course.yml", "# Imported by ilead-shell; see import-report.md for what changed.\n"
                        + dump_yaml(self.course_yml_data()))

    def write_competencies(self) -> None:
        data = {"title": self.course.competencies_title or "Competency framework",
                "domains": [{"id": "D1", "name": "Competencies",
                             "competencies": [{"id": c.id, "name": c.name, **({"description": c.description}
                                                                               if c.description else {})}
                                              for c in self.course.competencies]}]}
        self.write_text("competencies.yml", dump_yaml(data))
        self.report.changed("course", "the competencies arrive without their domains; all are in one domain, D1",
                            fields=("competencies",))

    # -- modules and items ----------------------------------------------------------------------------
    def write_module(self, module: ImportedModule) -> None:
        folder = self.placement.module_folders[module.key]
        front: dict[str, Any] = {"title": module.title.strip() or "Module"}
        module_id = self.placement.module_ids[module.key]
        if slug_from_filename(folder.rsplit("/", 1)[1]) != module_id:
            front["id"] = module_id
        if module.outcomes:
            course_ids = {o.id for o in self.course.outcomes}
            front["outcomes"] = [{"id": o.id, "text": o.text,
                                  **({"supports": [s for s in o.links if s in course_ids]}
                                     if any(s in course_ids for s in o.links) else {})}
                                 for o in module.outcomes]
        if module.audience == "instructors":
            front["audience"] = "instructors"
        self.write_text(f"{folder}/module.md", _front_matter(front, self.markdown(module.overview_html, folder)))
        for item in module.items:
            self.write_item(item, module, folder)

    def known_outcomes(self, item: ImportedItem, ids: list[str]) -> list[str]:
        kept = [o for o in dict.fromkeys(ids) if OUTCOME_ID_PATTERN.match(o) and o in self.outcome_ids]
        if len(kept) != len(set(ids)):
            self.report.lost(item.key, f"'{item.title}': outcomes it names that the course does not define were "
                                       "left out", fields=("outcomes",))
        return kept

    def write_item(self, item: ImportedItem, module: ImportedModule, folder: str) -> None:
        path = self.placement.item_files[item.key]
        front: dict[str, Any] = {"title": item.title.strip() or item.type.capitalize()}
        item_type = item.type
        if item_type == "link" and not (item.url and _LINK_URL.match(item.url.replace(" ", "%20"))):
            self.report.changed(item.key, f"link '{item.title}' has the address {item.url!r}, which is not a web, "
                                          "mail or FTP address; written as a page that shows it", fields=("type",))
            item_type = "page"
            item.body_html = f"<p>{_escape(item.url or '')}</p>" + item.body_html
        if item_type != "page":
            front["type"] = item_type
        item_id = self.placement.item_ids[item.key]
        if slug_from_filename(path.rsplit("/", 1)[1][:-3]) != item_id:
            front["id"] = item_id
        outcomes = self.known_outcomes(item, item.outcomes)
        body = ""
        if item_type in ("assignment", "discussion", "quiz") and item.group:
            if item.group in self.group_ids:
                front["group"] = item.group
            else:
                self.report.lost(item.key, f"'{item.title}': its grading group is not one of the course's",
                                 fields=("group",))
        if item_type == "assignment":
            if item.points is not None:
                front["points"] = _number_or_int(item.points)
            if item.submission and item.submission != ["text"]:
                front["submission"] = list(item.submission)
            if item.due:
                front["due"] = item.due
            if item.rubric:
                front["rubric"] = [{"criterion": r.criterion, "points": _number_or_int(r.points),
                                    **({"description": r.description} if r.description else {})}
                                   for r in item.rubric]
        elif item_type == "discussion":
            if item.points is not None:
                front["points"] = _number_or_int(item.points)
        elif item_type == "quiz":
            per_question = item.points_per_question or points_per_question(item.questions)
            if per_question != 1:
                front["points_per_question"] = _number_or_int(per_question)
            if item.attempts:
                front["attempts"] = item.attempts
            if item.mastery is not None:
                front["mastery"] = _number_or_int(item.mastery)
            if item.shuffle:
                front["shuffle"] = True
            intro = self.markdown(item.body_html, folder, in_quiz=True)
            questions = write_questions(item.questions, per_question, self.resolver(folder), self.report, item.key)
            body = (intro.strip("\n") + "\n\n" if intro.strip() else "") + questions
        elif item_type == "link":
            front["url"] = item.url.replace(" ", "%20")
        elif item_type == "file":
            front["path"] = relative(folder, self.placement.file_paths[item.file])
        elif item_type == "video":
            if item.file:
                front["path"] = relative(folder, self.placement.file_paths[item.file])
            else:
                front["url"] = item.url
            if item.captions:
                front["captions"] = relative(folder, self.placement.file_paths[item.captions])
            if item.transcript_html.strip():
                transcript = f"{path.rsplit('/', 1)[0]}/media/{item_id}-transcript.md"
                self.write_text(transcript, self.markdown(item.transcript_html, transcript.rsplit("/", 1)[0]))
                front["transcript"] = relative(folder, transcript)
        if outcomes:
            front["outcomes"] = outcomes
        if not item.published:
            front["published"] = False
        if item.audience == "instructors" and module.audience != "instructors":
            front["audience"] = "instructors"
        if item_type != "quiz":
            body = self.markdown(item.body_html, folder)
        self.write_text(path, _front_matter(front, body))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_source(course: ImportedCourse, archive: SourceArchive, report: ImportReport, root: Path) -> WrittenSource:
    """Write ``course`` as a course source into the empty folder ``root``."""
    return SourceWriter(course, archive, report, root).write()


__all__ = ["WrittenSource", "write_source", "dump_yaml"]
