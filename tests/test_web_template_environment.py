"""The page templates' environment renders what a stock Jinja i18n environment renders.

``web/pages.py`` gives its templates a faster environment: ``_()`` called directly and
remembered, globals as a plain dict, and ``_("literal")`` translated when a template is
compiled (``web/constant_strings.py``).  Every page of the showcase course, as the preview
and as SCORM, in English and Spanish, must come out of it byte for byte as it comes out of
the environment those shortcuts replace.
"""

from __future__ import annotations

import pytest

import web_sites
from ilead_shell.templating import new_environment
from ilead_shell.web import PageRenderer, RenderOptions, WebLayout
from ilead_shell.web.i18n import translations
from ilead_shell.web.pages import _environment


def _stock_environment(language: str):
    env = new_environment("ilead_shell.web")
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_translations(translations(language), newstyle=True)
    return env


def _every_page(renderer: PageRenderer, course) -> list[str]:
    pages = [renderer.home(), renderer.search()]
    for module in course.modules:
        pages.append(renderer.module(module))
        pages += [renderer.item(item) for item in module.items]
    return pages


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_page_is_what_the_stock_i18n_environment_renders(language, tmp_path):
    from ilead_scorm12.exporter import RENDER_OPTIONS
    from ilead_scorm12.structure import LAYOUT as SCORM_LAYOUT

    course = web_sites.course(language, tmp_path)
    for layout, options in ((WebLayout(), RenderOptions(search=True)), (SCORM_LAYOUT, RENDER_OPTIONS),
                            (WebLayout(), RenderOptions(body_end="<script>reload()</script>"))):
        fast = PageRenderer(course, layout, options)
        stock = PageRenderer(course, layout, options)
        stock.env = _stock_environment(language)
        assert fast.env is not stock.env
        fast_pages, stock_pages = _every_page(fast, course), _every_page(stock, course)
        assert len(fast_pages) > 10
        for number, (ours, theirs) in enumerate(zip(fast_pages, stock_pages)):
            assert ours == theirs, f"page {number} differs ({options})"


@pytest.mark.parametrize("source", [
    '{{ _("Next:") }}', "{{ _('Search the course') }}", '{{ _("100%% sure") }}', '<b title="{{ _("Menu") }}">',
    '{{ _("Next:")|upper }}', '{{ _("Next:").upper() }}', '{{ _("Next:") ~ "<" }}', '{{ [_("Menu"), 1]|join }}',
    '{{ _("Points") if true }}', '{% set label = _("Video") %}{{ label }}{{ label|length }}',
    '{% macro m(h=_("Video")) %}{{ h }}{% endmacro %}{{ m() }}', '{{ _("version %(version)s", version="<1>") }}',
    '{{ _(label) }}', '{{ _("Skip " "to main content") }}', '{{ _() if false }}', '{{ d._("Menu") }}',
    '{{ "x"|_("Menu") if false }}', '{{ _ is defined }}', '{{ _("<b>") }}',
])
@pytest.mark.parametrize("language", ["en", "es"])
def test_a_template_renders_what_it_renders_without_folding(source, language):
    class Holder:
        def _(self, text):
            return f"method:{text}"

    values = {"label": "Menu", "d": Holder()}
    ours = _environment(language).from_string(source).render(**values)
    assert ours == _stock_environment(language).from_string(source).render(**values)


def test_a_literal_without_variables_is_text_in_the_compiled_template():
    env = _environment("es")
    code = env.compile('<p>{{ _("Next:") }}</p>{{ _("version %(version)s", version=v) }}', raw=True)
    assert "Siguiente:" in code            # translated into the template's text...
    assert code.count("context.call") == 1  # ...and only the call with a variable is left to run
