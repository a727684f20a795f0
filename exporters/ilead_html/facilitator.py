"""The preview's facilitator section: instructor material, apart from what learners see.

The preview site is the course as learners get it, so material for instructors is left out
of it.  With ``exporters: {html: {instructor_material: true}}`` it is gathered in its own
section, ``facilitator/index.html``, with its own navigation: instructor modules whole, and
the instructor items of each learner module under that module's title.  Every page of it
says, at the top, that learners do not see it; its links to learners' pages lead back into
the learner site, while learners' pages never link into it.
"""

from __future__ import annotations

from lxml import html as lxml_html
from lxml.html import builder as E

from ilead_shell.audience import has_instructor_material, instructor_material, without_instructor_material
from ilead_shell.exporter_api import Bundle
from ilead_shell.model import Course, Module, RichText
from ilead_shell.references import Reference, relative_url
from ilead_shell.web import PageRenderer, WebLayout

FACILITATOR_LAYOUT = WebLayout(pages_dir="facilitator/modules", home_page="facilitator/index.html")
MARK = "For instructors only"
OPTION_HINT = "set exporters: {html: {instructor_material: true}} to add a facilitator section"


def leave_out_instructor_material(course: Course, bundle: Bundle, shown_apart: bool) -> Course:
    """The learners' course.  A note says what was left out when no section shows it; when
    one does, the home page's description ends with a marked link to it, for the author."""
    if not has_instructor_material(course):
        return course
    learners = without_instructor_material(course)
    if not shown_apart:
        count = sum(1 for m in course.modules for i in m.items if i.for_instructors or m.for_instructors)
        bundle.note(f"{count} item{'s' if count != 1 else ''} for instructors left out of the preview, as "
                    f"learners never see them; {OPTION_HINT}")
        return learners
    section = _html(_admonition(E.P(E.A("Open the facilitator section", href=FACILITATOR_LAYOUT.home_page),
                                    ": material for instructors, which learners do not see.")))
    return learners.model_copy(update={"description": _with_mark(learners.description, section, after=True)})


def add_facilitator_section(course: Course, learner_layout: WebLayout, bundle: Bundle) -> None:
    """Write the section's pages (none when the course has no instructor material)."""
    material = instructor_material(course)
    if not material.modules:
        return
    view = _marked(material, course, learner_layout)
    pages = _FacilitatorPages(view, FACILITATOR_LAYOUT, PageRenderer(without_instructor_material(course),
                                                                     learner_layout))
    bundle.add_text(FACILITATOR_LAYOUT.home_page, pages.home())
    nodes = [node for module in view.modules for node in (module, *module.items)]
    pages.add_pages(bundle, nodes)
    written = 1 + len(nodes)
    for asset in course.assets:  # the learner site shares media; these are the instructors' own
        bundle.add_file(learner_layout.media(asset), course.asset_source(asset))
    bundle.counts["facilitator pages"] = written


class _FacilitatorPages(PageRenderer):
    """Section pages whose links to learners' items and modules go to the learner site."""

    def __init__(self, view: Course, layout: WebLayout, learner_pages: PageRenderer):
        super().__init__(view, layout)
        self._learner_pages = learner_pages

    def _resolve(self, reference: Reference):
        if reference.kind == "item" and self.course.item(reference.target) is None or \
                reference.kind == "module" and not getattr(self.course.module(reference.target),
                                                           "for_instructors", False):
            return self._learner_pages._resolve(reference)
        return super()._resolve(reference)


def _marked(material: Course, course: Course, learner_layout: WebLayout) -> Course:
    """``material`` titled and marked as the facilitator section, page by page."""
    title = f"{course.display_title} (facilitator section)"
    # An offering's title or suffix would replace or follow the section's own title.
    offerings = tuple(o.model_copy(update={"title": "", "title_suffix": ""}) for o in course.offerings)
    modules = []
    for module in material.modules:
        items = tuple(i.model_copy(update={"body": _with_mark(i.body, _notice("page"))}) for i in module.items)
        if module.for_instructors:
            overview = _with_mark(module.overview, _notice("module"))
        else:
            learner_page = relative_url(FACILITATOR_LAYOUT.module_page(module.id), learner_layout.module_page(module.id))
            overview = _with_mark(RichText(), _learner_module_notice(module, learner_page))
        modules.append(module.model_copy(update={"items": items, "overview": overview}))
    home = relative_url(FACILITATOR_LAYOUT.home_page, learner_layout.home_page)
    description = RichText(html=_html(_admonition(
        E.P("Facilitator notes, answer guides and plans, by module. Learners do not see any of this: "
            "LMS imports hide it from them and show it to teachers, and SCORM packages leave it out."),
        E.P(E.A("Back to the course as learners see it", href=home)))))
    return material.model_copy(update={"title": title, "offerings": offerings, "description": description,
                                       "outcomes": (), "modules": tuple(modules)})


def _notice(kind: str) -> str:
    return _html(_admonition(E.P(f"Learners do not see this {kind}: it is material for instructors "
                                 "(audience: instructors), shown only in this facilitator section.")))


def _learner_module_notice(module: Module, learner_page: str) -> str:
    return _html(_admonition(E.P("The facilitator material of this module. Learners see ",
                                 E.A(f"the module “{module.title}”", href=learner_page),
                                 " without it.")))


def _admonition(*content) -> lxml_html.HtmlElement:
    # The markup of Python-Markdown's admonitions ("!!! important"), so the site styles it alike.
    return E.DIV(E.CLASS("admonition important instructor-only"), E.P(E.CLASS("admonition-title"), MARK),
                 *content)


def _with_mark(text: RichText, mark: str, after: bool = False) -> RichText:
    return text.model_copy(update={"html": text.html + mark if after else mark + text.html})


def _html(element: lxml_html.HtmlElement) -> str:
    return lxml_html.tostring(element, encoding="unicode") + "\n"
