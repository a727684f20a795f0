"""Rendering course pages (home, module overviews, items) from the shared templates."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from ..model import Course, Item, Module, Question, Quiz, RichText
from ..references import Reference, relative_url
from ..templating import environment
from .layout import WebLayout
from .quiz import quiz_key
from .rich_text import Target, localise
from .static import QUIZ_SCRIPT, STYLESHEET

_TYPE_LABELS = {
    "page": "Page", "assignment": "Assignment", "discussion": "Discussion", "quiz": "Quiz",
    "link": "Link", "file": "File", "video": "Video",
}
OUTLINE_ID = "course-outline"  # the full outline, on the home page
_SUBMISSION_LABELS = {"text": "text entry", "file": "file upload", "url": "web address"}


@dataclass(frozen=True)
class RenderOptions:
    """What differs between the preview site and a SCORM package."""

    site_nav: bool = True          # the preview navigates itself; an LMS shows its own outline
    cross_links: bool = True       # False: links to other items name them instead (SCORM)
    new_tab_links: bool = False    # True: links leaving the page open a tab (a SCO must not unload)
    tracking: bool = False         # a progress region with a "Save and finish" button
    submit_label: str = "Check answers"
    scripts: tuple[str, ...] = ()  # extra static files, loaded after the quiz script
    published_only: bool = False   # True: lists leave unpublished items out (they are not in the bundle)


class PageRenderer:
    def __init__(self, course: Course, layout: WebLayout, options: RenderOptions | None = None):
        self.course = course
        self.layout = layout
        self.options = options or RenderOptions()
        self.env = environment("ilead_shell.web")
        self._outcomes = course.all_outcomes()
        self._sequence = [(m, i) for m in course.modules for i in (None, *m.items)]
        self._position = {(m.id, i.id if i else None): n for n, (m, i) in enumerate(self._sequence)}

    # -- public pages ------------------------------------------------------------------
    def home(self) -> str:
        path = self.layout.home_page
        return self._render("home.html", path, None, title=self.course.display_title, page_kind="home",
                            description=self.rich(self.course.description, path),
                            outcomes=self.course.outcomes,
                            modules=[self._module_summary(m, path, self.options.published_only)
                                     for m in self.course.modules],
                            meta=self._course_meta())

    def module(self, module: Module) -> str:
        path = self.layout.module_page(module.id)
        return self._render("module.html", path, module, title=module.title, page_kind="module",
                            overview=self.rich(module.overview, path),
                            outcomes=module.outcomes,
                            summary=self._module_summary(module, path),
                            pager=self._pager(module, None, path))

    def item(self, item: Item) -> str:
        path = self.layout.item_page(item.module_id, item.id)
        module = self.course.module(item.module_id)
        assert module is not None
        return self._render("item.html", path, module, title=item.title, page_kind=item.type,
                            item=item, module=module, type_label=_TYPE_LABELS[item.type],
                            body=self.rich(item.body, path),
                            details=self._item_details(item, path),
                            outcomes=[self._outcomes[o] for o in item.outcomes if o in self._outcomes],
                            quiz=self._quiz_view(item, path) if isinstance(item, Quiz) else None,
                            media=self._media_view(item, path),
                            pager=self._pager(module, item, path))

    # -- helpers shared by the templates -----------------------------------------------
    def rich(self, text: RichText | None, page_path: str) -> Markup:
        if text is None or text.is_empty:
            return Markup("")
        return Markup(localise(text.html, page_path, self._resolve, self.options.new_tab_links))

    def _resolve(self, reference: Reference) -> Target:
        if reference.kind == "asset":
            return Target(self.layout.media(self.course.asset(reference.target)), reference.target)
        if reference.kind == "module":
            module = self.course.module(reference.target)
            name = module.title if module else reference.target
            path = self.layout.module_page(reference.target) if module else None
        else:
            item = self.course.item(reference.target)
            name = item.title if item else reference.target
            path = self.layout.item_page(*reference.target.split("/", 1)) if item else None
        return Target(path if self.options.cross_links else None, name)

    def _render(self, template: str, path: str, nav_module: Module | None, **context) -> str:
        def url(target: str) -> str:
            return relative_url(path, target)

        context.setdefault("pager", None)
        context.setdefault("quiz", None)
        scripts = [url(self.layout.static(QUIZ_SCRIPT))] if context["quiz"] else []
        scripts += [url(self.layout.static(name)) for name in self.options.scripts]
        return self.env.get_template(template).render(
            course=self.course, options=self.options, url=url, path=path,
            stylesheet=url(self.layout.static(STYLESHEET)), scripts=scripts,
            nav=self._nav(path, nav_module) if self.options.site_nav else None,
            home_url=url(self.layout.home_page) if self.options.site_nav else None,
            **context)

    def _nav(self, path: str, module: Module | None) -> dict:
        """The outline beside a page, sized so that the whole site costs O(pages).

        The home page carries the one full outline (every module and item); every other
        page lists only its own module's items, marks its own position, and links to the
        full outline.  The whole outline on every page made the site grow with the
        square of its pages (287 MB of HTML for 1,999 pages).
        """
        def entry(title: str, target: str, published: bool = True) -> dict:
            return {"title": title, "url": relative_url(path, target), "current": target == path,
                    "published": published}

        def listed(m: Module) -> dict:
            return {**entry(m.title, self.layout.module_page(m.id)),
                    "items": [entry(i.title, self.layout.item_page(m.id, i.id), i.published) for i in m.items]}

        if module is None:
            return {"id": OUTLINE_ID, "outline_url": None, "modules": [listed(m) for m in self.course.modules]}
        return {"id": None, "outline_url": f"{relative_url(path, self.layout.home_page)}#{OUTLINE_ID}",
                "modules": [listed(module)]}

    def _module_summary(self, module: Module, path: str, published_only: bool = False) -> dict:
        return {
            "id": module.id, "title": module.title,
            "url": relative_url(path, self.layout.module_page(module.id)),
            "items": [{"title": i.title, "type_label": _TYPE_LABELS[i.type],
                       "url": relative_url(path, self.layout.item_page(module.id, i.id))}
                      for i in module.items if i.published or not published_only],
        }

    def _pager(self, module: Module, item: Item | None, path: str) -> dict | None:
        if not self.options.site_nav:
            return None
        index = self._position[(module.id, item.id if item else None)]

        def link(n: int) -> dict | None:
            if not 0 <= n < len(self._sequence):
                return None
            m, i = self._sequence[n]
            target = self.layout.module_page(m.id) if i is None else self.layout.item_page(m.id, i.id)
            return {"title": m.title if i is None else i.title, "url": relative_url(path, target)}

        return {"previous": link(index - 1), "next": link(index + 1)}

    def _course_meta(self) -> list[tuple[str, str]]:
        course = self.course
        rows = [("Course code", course.code)]
        if course.authors:
            rows.append(("Authors", "; ".join(course.authors)))
        if course.version:
            rows.append(("Version", course.version))
        if course.start:
            rows.append(("Starts", course.start.isoformat()))
        if course.license:
            rows.append(("Licence", course.license))
        return rows

    def _item_details(self, item: Item, path: str) -> list[tuple[str, str]]:
        rows: list[tuple[str, str]] = []
        points = getattr(item, "points", None)
        if points is not None:
            rows.append(("Points", _number(points)))
        group = self.course.grading.group(getattr(item, "group", None))
        if group is not None:
            rows.append(("Grading group", group.name))
        if item.type == "assignment":
            week = f"week {item.due_week}" if item.due_week else ""
            if item.due:
                rows.append(("Due", f"{item.due.isoformat()} ({week})" if week else item.due.isoformat()))
            elif week:
                rows.append(("Due", week))
            rows.append(("Submit as", ", ".join(_SUBMISSION_LABELS[s] for s in item.submission)))
        if item.type == "quiz":
            rows.append(("Questions", str(len(item.questions))))
            if item.mastery is not None:
                rows.append(("Pass mark", f"{_number(item.mastery)}%"))
            if item.attempts:
                rows.append(("Attempts allowed", str(item.attempts)))
        return rows

    def _media_view(self, item: Item, path: str) -> dict:
        def asset(key: str | None) -> dict | None:
            if key is None:
                return None
            found = self.course.asset(key)
            return {"url": relative_url(path, self.layout.media(found)), "type": found.media_type,
                    "size": _size_label(found.size), "name": found.bundle_path.rsplit("/", 1)[-1]}

        if item.type == "file":
            return {"file": asset(item.asset)}
        if item.type == "video":
            return {"video": asset(item.asset), "captions": asset(item.captions),
                    "external": item.url, "youtube": item.youtube_id is not None,
                    "transcript": self.rich(item.transcript, path)}
        return {}

    def _quiz_view(self, quiz: Quiz, path: str) -> dict:
        return {
            "id": quiz.id,
            "key": quiz_key(quiz),
            "attempts": quiz.attempts or 0,
            "questions": [self._question_view(q, n, path) for n, q in enumerate(quiz.questions, 1)],
        }

    def _question_view(self, question: Question, number: int, path: str) -> dict:
        return {
            "id": question.id, "type": question.type, "number": number, "title": question.title,
            "points": _points_label(question.points),
            "stem": self.rich(question.stem, path),
            "multiple": question.type == "multiple_answer",
            "choices": [{"id": c.id, "html": self.rich(RichText(html=c.html), path),
                         "feedback": self.rich(c.feedback, path)} for c in question.choices],
            "feedback": self.rich(question.feedback, path),
        }


def _number(value: float) -> str:
    return f"{value:g}"


def _size_label(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _points_label(points: float) -> str:
    return f"{_number(points)} point" + ("" if points == 1 else "s")
