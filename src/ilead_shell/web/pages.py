"""Rendering course pages (home, module overviews, items, search) from the shared templates."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from jinja2 import Environment
from markupsafe import Markup

from ..exporter_api import Bundle, BundleFile, parallel_map
from ..model import Course, Item, Module, Question, Quiz, RichText
from ..references import Reference, relative_url
from ..templating import new_environment
from .constant_strings import ConstantInterfaceText
from .i18n import interface_language, translations
from .layout import WebLayout
from .quiz import quiz_key
from .rich_text import Target, localise
from .script_strings import N_, script_strings
from .search_index import SearchDocument, html_text
from .static import QUIZ_SCRIPT, SEARCH_LIBRARY, SEARCH_SCRIPT, SITE_SCRIPT, STYLESHEET
from .theme import theme_css
from .views import (ChoiceView, ItemEntry, ModuleSummary, Nav, NavEntry, NavModule, Pager, PagerLink,
                    QuestionView, QuizView)

_TYPE_LABELS = {
    "page": N_("Page"), "assignment": N_("Assignment"), "discussion": N_("Discussion"), "quiz": N_("Quiz"),
    "link": N_("Link"), "file": N_("File"), "video": N_("Video"),
}
OUTLINE_ID = "course-outline"  # the full outline, on the home page
STRINGS_ID = "ilead-strings"   # the scripts' interface strings, as JSON
GRADED_SUBMIT_LABEL = N_("Submit answers")  # the button of a graded (SCORM) quiz
_SUBMISSION_LABELS = {"text": N_("text entry"), "file": N_("file upload"), "url": N_("web address")}
_URLS_KEPT = 8192  # folder-relative URLs a renderer remembers (a few per folder of the site)
_FRAGMENTS_KEPT = 512  # headers and footers a renderer remembers (one per folder and page kind)


@dataclass(frozen=True)
class RenderOptions:
    """What differs between the preview site and a SCORM package."""

    site_nav: bool = True          # the preview navigates itself; an LMS shows its own outline
    cross_links: bool = True       # False: links to other items name them instead (SCORM)
    new_tab_links: bool = False    # True: links leaving the page open a tab (a SCO must not unload)
    tracking: bool = False         # a progress region with a "Save and finish" button
    graded: bool = False           # True: submissions are graded attempts (review, attempts, confirmation)
    submit_label: str = N_("Check answers")
    scripts: tuple[str, ...] = ()  # extra static files, loaded after the quiz script
    published_only: bool = False   # True: lists leave unpublished items out (they are not in the bundle)
    search: bool = False           # True: a search box on every page and the search page (the preview)
    # Trusted HTML put last in <body> of every page (block "body_end" of base.html): the hook for
    # tools that serve the preview, such as a live-reload script.  Never author content.
    body_end: str = ""


class _PageEnvironment(Environment):
    """Templates get their globals as a plain dict, not Jinja's ChainMap over the environment's.

    Every render copies the globals into a new context, and every ``{% from ... import %}``
    compares them with the importing page's: over a ChainMap both are Python-level loops,
    some 20 µs a page.  The copy is taken when a template is first loaded, so the
    environment's globals must be complete by then: :func:`_environment` installs them all
    before it returns, and nothing changes them afterwards."""

    def make_globals(self, d):
        return {**self.globals, **(d or {})}


@lru_cache(maxsize=None)
def _environment(language: str):
    # One environment per language: translations are installed into the environment itself.
    env = new_environment("ilead_shell.web", environment_class=_PageEnvironment)
    # The templates are package data, fixed while the process runs: no stat() of each
    # template (and of each one it extends, includes or imports) on every page.
    env.auto_reload = False
    env.add_extension("jinja2.ext.i18n")
    catalogue = translations(language)
    env.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]
    env.globals["_"] = _interface_text(catalogue)
    env.add_extension(ConstantInterfaceText)  # _("literal") translated once, when a template compiles
    return env


def _interface_text(catalogue) -> Callable[..., Markup]:
    """The templates' ``_()``: what the i18n extension's newstyle ``gettext`` returns (the
    translation as Markup, always %-formatted, so ``%%`` is ``%`` and variables are escaped),
    called directly instead of through its two context-passing wrappers.  A string without
    variables comes out the same on every page, so it is translated and formatted once."""
    constant: dict[str, Markup] = {}

    def interface_text(string: str, /, **variables) -> Markup:
        if variables:
            return Markup(catalogue.gettext(string)) % variables
        text = constant.get(string)
        if text is None:
            text = constant[string] = Markup(catalogue.gettext(string)) % {}
        return text

    return interface_text


class PageRenderer:
    def __init__(self, course: Course, layout: WebLayout, options: RenderOptions | None = None):
        self.course = course
        self.layout = layout
        self.options = options or RenderOptions()
        self.catalogue = translations(course.language)
        self._ = self.catalogue.gettext
        self.env = _environment(course.language)
        self.ui_language = interface_language(course.language)
        self._outcomes = course.all_outcomes()
        self._sequence = [(m, i) for m in course.modules for i in (None, *m.items)]
        self._position = {(m.id, i.id if i else None): n for n, (m, i) in enumerate(self._sequence)}
        strings = json.dumps(script_strings(self.catalogue), ensure_ascii=False, sort_keys=True)
        # What every page shows alike, worked out once per course rather than once per page.
        self._strings = Markup(strings.replace("</", "<\\/"))
        self._ui_lang = (Markup(f' lang="{self.ui_language}"')
                         if self.ui_language.split("-")[0] != course.language.split("-")[0] else Markup(""))
        self._theme_css = theme_css(course.theme)
        self._site_title = course.display_title
        self._type_labels = {kind: self._(label) for kind, label in _TYPE_LABELS.items()}
        self._urls: dict[tuple[str, str], str] = {}
        self._fragments: dict[tuple, Markup] = {}

    # -- public pages ------------------------------------------------------------------
    def home(self) -> str:
        path = self.layout.home_page
        return self._render("home.html", path, None, title=self._site_title, page_kind="home",
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
                            item=item, module=module, type_label=self._type_labels[item.type],
                            body=self.rich(item.body, path),
                            details=self._item_details(item, path),
                            outcomes=[self._outcomes[o] for o in item.outcomes if o in self._outcomes],
                            quiz=self._quiz_view(item, path) if isinstance(item, Quiz) else None,
                            media=self._media_view(item, path),
                            pager=self._pager(module, item, path))

    def add_pages(self, bundle: Bundle, pages: list[Module | Item]) -> None:
        """Each module's or item's page into ``bundle`` at its layout path, in this order; half
        of them rendered in a process the build lends, when it has one (``parallel_map``).  A
        page depends on its node and the course alone, so the bytes are the same either way."""
        def render(node: Module | Item) -> BundleFile:
            html = self.module(node) if isinstance(node, Module) else self.item(node)
            return bundle.entry(self.layout.page(node), html.encode("utf-8"))

        for entry in parallel_map(render, pages, weight=_page_weight, min_weight=PARALLEL_MIN_PAGE_WEIGHT):
            bundle.add_entry(entry)

    def search(self) -> str:
        """The search page: results come from the index the exporter writes beside it."""
        path = self.layout.search_page
        return self._render("search.html", path, None, title=self._("Search"), page_kind="search",
                            extra_scripts=[self._url(path, self.layout.search_index),
                                           self._url(path, self.layout.static(SEARCH_LIBRARY)),
                                           self._url(path, self.layout.static(SEARCH_SCRIPT))])

    def search_documents(self) -> list[SearchDocument]:
        """Every page of the site as the search index holds it: title, module, words."""
        course = self.course
        home_text = [html_text(course.description.html), *(o.text for o in course.outcomes)]
        documents = [SearchDocument(self.layout.home_page, self._site_title, "", " ".join(home_text))]
        for module in course.modules:
            words = [html_text(module.overview.html), *(o.text for o in module.outcomes)]
            documents.append(SearchDocument(self.layout.module_page(module.id), module.title, "", " ".join(words)))
            for item in module.items:
                if self.options.published_only and not item.published:
                    continue
                words = [html_text(item.body.html)]
                if isinstance(item, Quiz):
                    for question in item.questions:  # never the feedback: it gives answers away
                        words += [question.title, html_text(question.stem.html)]
                transcript = getattr(item, "transcript", None)
                if transcript is not None:
                    words.append(html_text(transcript.html))
                documents.append(SearchDocument(self.layout.item_page(module.id, item.id), item.title,
                                                module.title, " ".join(w for w in words if w)))
        return documents

    # -- helpers shared by the templates -----------------------------------------------
    def rich(self, text: RichText | None, page_path: str) -> Markup:
        if text is None:
            return Markup("")
        return self._rich_html(text.html, page_path)

    def _rich_html(self, html: str, page_path: str) -> Markup:
        if not html.strip():
            return Markup("")
        return Markup(localise(html, page_path, self._resolve, self.options.new_tab_links, self.catalogue))

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

    def _url(self, page: str, target: str) -> str:
        """``relative_url(page, target)``, worked out once per folder: the pages of one folder
        link the same stylesheet, scripts, outline and neighbours.  The URL depends only on
        the folder (everything up to the page's last "/"), which is the key."""
        key = (page[:page.rfind("/") + 1], target)
        url = self._urls.get(key)
        if url is None:
            if len(self._urls) >= _URLS_KEPT:
                self._urls.clear()  # a bound for very large sites; correctness never depends on it
            url = self._urls[key] = relative_url(page, target)
        return url

    def _render(self, template: str, path: str, nav_module: Module | None, **context) -> str:
        def url(target: str) -> str:
            return self._url(path, target)

        context.setdefault("pager", None)
        context.setdefault("quiz", None)
        extra = context.pop("extra_scripts", [])
        scripts = [url(self.layout.static(SITE_SCRIPT))] if self.options.site_nav else []
        scripts += [url(self.layout.static(QUIZ_SCRIPT))] if context["quiz"] else []
        scripts += [url(self.layout.static(name)) for name in self.options.scripts]
        scripts += extra
        theme = self.course.theme
        nav = self._nav(path, nav_module) if self.options.site_nav else None
        home_url = url(self.layout.home_page) if self.options.site_nav else None
        logo = url(self.layout.logo(theme.logo)) if theme.logo else None
        search_url = url(self.layout.search_page) if self.options.search else None
        return self.env.get_template(template).render(
            course=self.course, options=self.options, url=url, path=path,
            lang=self.course.language,
            # Interface strings in English on a page in another language say so.
            ui_lang=self._ui_lang,
            site_title=self._site_title,
            stylesheet=url(self.layout.static(STYLESHEET)),
            theme_css=self._theme_css,
            site_header=self._fragment("_site_header.html", ui_lang=self._ui_lang, home_url=home_url,
                                       page_kind=context["page_kind"], logo=logo, site_title=self._site_title,
                                       menu_for=(nav.id or "site-nav") if nav else None, search_url=search_url),
            site_footer=self._fragment("_site_footer.html", ui_lang=self._ui_lang, site_title=self._site_title,
                                       version=self.course.version, licence=self.course.license,
                                       scripts=tuple(scripts), strings_id=STRINGS_ID, strings=self._strings),
            search_url=search_url, nav=nav, home_url=home_url,
            **context)

    def _fragment(self, template: str, **values) -> Markup:
        """A part of many pages (header, footer), rendered once for each set of ``values``:
        the template is given nothing else, so equal values make equal HTML."""
        key = (template, *values.items())
        html = self._fragments.get(key)
        if html is None:
            if len(self._fragments) >= _FRAGMENTS_KEPT:
                self._fragments.clear()  # a bound for very large sites; correctness never depends on it
            html = self._fragments[key] = Markup(self.env.get_template(template).render(**values))
        return html

    def _nav(self, path: str, module: Module | None) -> Nav:
        """The outline beside a page, sized so that the whole site costs O(pages).

        The home page carries the one full outline (every module and item); every other
        page lists only its own module's items, open, marks its own position, and links to
        the full outline.  The whole outline on every page made the site grow with the
        square of its pages (287 MB of HTML for 1,999 pages).
        """
        def listed(m: Module) -> NavModule:
            target = self.layout.module_page(m.id)
            items = []
            for i in m.items:
                page = self.layout.item_page(m.id, i.id)
                items.append(NavEntry(i.title, self._url(path, page), page == path, i.published))
            return NavModule(m.title, self._url(path, target), target == path, items)

        if module is None:
            return Nav(OUTLINE_ID, None, [listed(m) for m in self.course.modules])
        return Nav(None, f"{self._url(path, self.layout.home_page)}#{OUTLINE_ID}", [listed(module)])

    def _module_summary(self, module: Module, path: str, published_only: bool = False) -> ModuleSummary:
        return ModuleSummary(
            module.id, module.title, self._url(path, self.layout.module_page(module.id)),
            [ItemEntry(i.title, i.type, self._type_labels[i.type],
                       self._url(path, self.layout.item_page(module.id, i.id)))
             for i in module.items if i.published or not published_only])

    def _pager(self, module: Module, item: Item | None, path: str) -> Pager | None:
        if not self.options.site_nav:
            return None
        index = self._position[(module.id, item.id if item else None)]

        def link(n: int) -> PagerLink | None:
            if not 0 <= n < len(self._sequence):
                return None
            m, i = self._sequence[n]
            target = self.layout.page(m if i is None else i)
            return PagerLink(m.title if i is None else i.title, self._url(path, target))

        return Pager(link(index - 1), link(index + 1))

    def _course_meta(self) -> list[tuple[str, str]]:
        course, _ = self.course, self._
        rows = [(_("Course code"), course.code)]
        if course.authors:
            rows.append((_("Authors"), "; ".join(course.authors)))
        if course.version:
            rows.append((_("Version"), course.version))
        if course.start:
            rows.append((_("Starts"), course.start.isoformat()))
        if course.license:
            rows.append((_("Licence"), course.license))
        return rows

    def _item_details(self, item: Item, path: str) -> list[tuple[str, str]]:
        _ = self._
        rows: list[tuple[str, str]] = []
        points = getattr(item, "points", None)
        if points is not None:
            rows.append((_("Points"), _number(points)))
        group = self.course.grading.group(getattr(item, "group", None))
        if group is not None:
            rows.append((_("Grading group"), group.name))
        if item.type == "assignment":
            week = _("week %(number)s") % {"number": item.due_week} if item.due_week else ""
            if item.due:
                rows.append((_("Due"), f"{item.due.isoformat()} ({week})" if week else item.due.isoformat()))
            elif week:
                rows.append((_("Due"), week))
            rows.append((_("Submit as"), ", ".join(_(_SUBMISSION_LABELS[s]) for s in item.submission)))
        if isinstance(item, Quiz):
            rows.append((_("Questions"), str(len(item.questions))))
            mark = self.course.pass_mark(item)
            if mark is not None:
                rows.append((_("Pass mark"), f"{_number(mark)}%"))
            if item.attempts:
                rows.append((_("Attempts allowed"), str(item.attempts)))
        return rows

    def _media_view(self, item: Item, path: str) -> dict:
        def asset(key: str | None) -> dict | None:
            if key is None:
                return None
            found = self.course.asset(key)
            return {"url": self._url(path, self.layout.media(found)), "type": found.media_type,
                    "size": self._size_label(found.size), "name": found.bundle_path.rsplit("/", 1)[-1]}

        if item.type == "file":
            return {"file": asset(item.asset)}
        if item.type == "video":
            transcript = self.rich(item.transcript, path)
            heading, transcript = _own_heading(transcript)
            return {"video": asset(item.asset), "captions": asset(item.captions),
                    "external": item.url, "youtube": item.youtube_id is not None,
                    "transcript": transcript, "transcript_heading": heading}
        return {}

    def _quiz_view(self, quiz: Quiz, path: str) -> QuizView:
        key = quiz_key(quiz)
        key["mastery"] = self.course.pass_mark(quiz)
        return QuizView(quiz.id, key, quiz.attempts or 0,
                        [self._question_view(q, n, path) for n, q in enumerate(quiz.questions, 1)])

    def _question_view(self, question: Question, number: int, path: str) -> QuestionView:
        return QuestionView(
            question.id, question.type, number, question.title, self._points_label(question.points),
            self.rich(question.stem, path), question.type == "multiple_answer",
            [ChoiceView(c.id, self._rich_html(c.html, path), c.text, self.rich(c.feedback, path))
             for c in question.choices],
            self.rich(question.feedback, path))

    def _size_label(self, size: int) -> str:
        if size < 1024:
            return self.catalogue.ngettext("%(count)s byte", "%(count)s bytes", size) % {"count": size}
        if size < 1024 * 1024:
            return self._("%(size)s KB") % {"size": f"{size / 1024:.1f}"}
        return self._("%(size)s MB") % {"size": f"{size / (1024 * 1024):.1f}"}

    def _points_label(self, points: float) -> str:
        count = 1 if points == 1 else 2
        return self.catalogue.ngettext("%(points)s point", "%(points)s points", count) % {"points": _number(points)}


# A page's weight: one for its frame (head, navigation, footer), one more per 2,000 characters
# of its own HTML.  Below this much, a second process costs more than it saves (a fork, and
# the pages sent back); a page is about a third of a millisecond.
PARALLEL_MIN_PAGE_WEIGHT = 100


def _page_weight(node: Module | Item) -> int:
    text = node.overview if isinstance(node, Module) else node.body
    return 1 + len(text.html) // 2000


def _number(value: float) -> str:
    return f"{value:g}"


def _own_heading(transcript: Markup) -> tuple[str | None, Markup]:
    """A transcript that starts with its own heading keeps it as the section's heading,
    instead of "Transcript" followed by "Transcript: ..." (two headings for one section)."""
    from lxml import html as lxml_html

    text = str(transcript).lstrip()
    if not text.startswith("<h"):
        return None, transcript
    root = lxml_html.fragment_fromstring(text, create_parent="div")
    first = root[0] if len(root) else None
    if first is None or first.tag not in ("h2", "h3", "h4") or (root.text or "").strip():
        return None, transcript
    heading = first.text_content().strip()
    tail = first.tail or ""
    root.remove(first)
    rest = tail + "".join(lxml_html.tostring(child, encoding="unicode") for child in root)
    return heading, Markup(rest)
