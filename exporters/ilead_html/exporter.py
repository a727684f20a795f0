"""The ``html`` target: the course as a static, accessible website in a zip.

Authors open ``index.html`` straight from disk before importing anywhere, so every link
is relative and the quizzes score in the browser (no server, works from ``file://``).
The site is what learners see: instructor material is left out, or gathered in a separate
facilitator section with ``instructor_material: true`` (:mod:`.facilitator`).
"""

from __future__ import annotations

from ilead_shell.exporter_api import Bundle, Exporter, ExporterOptions
from ilead_shell.model import Course
from ilead_shell.web import PageRenderer, RenderOptions, WebLayout, static_files
from ilead_shell.web.i18n import missing_catalogue
from ilead_shell.web.search_index import index_script

from .facilitator import add_facilitator_section, leave_out_instructor_material

LAYOUT = WebLayout()


class HtmlOptions(ExporterOptions):
    instructor_material: bool = False  # True: add the facilitator section (facilitator/index.html)


class HtmlExporter(Exporter):
    name = "html"
    description = "Static HTML preview site (open index.html in a browser)"
    format = "zip"
    suffix = "zip"
    build_cost = 2.4  # against a plain cartridge: see Exporter.build_cost
    Options = HtmlOptions

    def build_bundle(self, course: Course) -> Bundle:
        bundle = Bundle(format=self.format)
        full_course, course = course, leave_out_instructor_material(course, bundle, self.options.instructor_material)
        pages = PageRenderer(course, LAYOUT, RenderOptions(search=True))
        bundle.add_text(LAYOUT.home_page, pages.home())
        bundle.add_text(LAYOUT.search_page, pages.search())
        bundle.add_text(LAYOUT.search_index, index_script(pages.search_documents()))
        pages.add_pages(bundle, [node for module in course.modules for node in (module, *module.items)])
        for name, data in static_files(site=True).items():
            bundle.add_bytes(LAYOUT.static(name), data)
        if course.theme.logo is not None:
            bundle.add_file(LAYOUT.logo(course.theme.logo), course.asset_source(course.theme.logo))
        if missing_catalogue(course.language):
            bundle.note(f"no interface strings in '{course.language}' yet: buttons and labels are in English "
                        "(docs/html-preview.md says how to add a language)")
        for asset in course.assets:
            bundle.add_file(LAYOUT.media(asset), course.asset_source(asset))
        bundle.counts = {**course.counts(), "pages": 1 + len(course.modules) + len(course.items())}
        if self.options.instructor_material:
            add_facilitator_section(full_course, LAYOUT, bundle)
        return bundle
