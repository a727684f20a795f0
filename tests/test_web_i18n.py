"""The course's language drives the web pages' interface strings (gettext catalogues)."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import ROOTS
from ilead_shell.reader import read_course
from ilead_shell.web import i18n
from ilead_shell.web.script_strings import MESSAGES, script_strings

TOOL = Path(__file__).parent.parent / "tools" / "catalogues.py"


def _tool():
    pytest.importorskip("babel", reason="Babel is a test dependency: tools/setup.sh --test installs it")
    spec = importlib.util.spec_from_file_location("catalogues", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _course(tmp_path, language: str):
    root = tmp_path / f"course-{language}"
    shutil.copytree(ROOTS / "full", root)
    yml = root / "course.yml"
    yml.write_text(yml.read_text(encoding="utf-8").replace("language: en", f"language: {language}"), encoding="utf-8")
    return read_course(root)


def _page(bundle, path):
    return lxml_html.fromstring(bundle.files[path].read())


# -- the catalogues ----------------------------------------------------------------------------

def test_the_shipped_catalogues_are_current_and_compiled_from_their_po_files():
    tool = _tool()
    stale = {path.name: path for path, data in tool.planned(tool.extracted()).items()
             if not path.exists() or path.read_bytes() != data}
    assert stale == {}, "run: .venv/bin/python tools/catalogues.py"


def test_every_spanish_string_is_translated_with_the_same_placeholders():
    from babel.messages.pofile import read_po

    _tool()
    po = i18n._locale_folder().joinpath("es", "LC_MESSAGES", "messages.po")
    with po.open("rb") as handle:
        catalogue = read_po(handle, locale="es")
    placeholder = re.compile(r"%\(\w+\)s|%%")
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and not message.fuzzy, message.id
        for text in strings:
            assert sorted(placeholder.findall(text)) == sorted(placeholder.findall(ids[-1])), (message.id, text)


def test_spanish_is_written_with_usted_never_tu():
    catalogue = i18n.translations("es")
    texts = [catalogue.gettext(m) if isinstance(m, str) else " ".join(i18n.plural_forms(catalogue, *m))
             for m in MESSAGES.values()]
    joined = " ".join(texts).lower()
    for informal in (" tú ", " tu respuesta", " tus ", " puedes ", " has respondido", " te quedan", " envía "):
        assert informal not in f" {joined} ", informal
    assert "le quedan" in joined and "ha respondido" in joined


@pytest.mark.parametrize("tag, catalogue, interface", [
    ("es", "es", "es"), ("es-419", "es", "es"), ("es-MX", "es", "es"),
    ("en", None, "en"), ("en-GB", None, "en-GB"), ("fr", None, "en"), ("fr-CA", None, "en"),
])
def test_a_language_tag_finds_its_catalogue(tag, catalogue, interface):
    assert i18n.catalogue_for(tag) == catalogue
    assert i18n.interface_language(tag) == interface


def test_script_strings_carry_every_plural_form_and_the_rule():
    strings = script_strings(i18n.translations("es"))
    assert strings["plural"] == "(n != 1)" and strings["forms"] == 2
    assert strings["messages"]["attemptsLeft"] == ["Le queda %(count)s intento.", "Le quedan %(count)s intentos."]
    assert strings["messages"]["confirmYes"] == "Sí, enviar mi último intento"
    assert set(strings["messages"]) == set(MESSAGES)


# -- pages ---------------------------------------------------------------------------------------

def test_a_spanish_course_gets_spanish_pages(tmp_path, registry):
    bundle = registry.load("html")().build_bundle(_course(tmp_path, "es"))
    home = _page(bundle, "index.html")
    assert home.get("lang") == "es"
    assert home.find(".//a[@class='skip-link']").text_content() == "Saltar al contenido principal"
    assert home.xpath("//nav/@aria-label") == ["Índice del curso"]
    assert home.xpath("//h2[@id='modules-heading']/text()") == ["Módulos"]
    quiz = _page(bundle, "modules/foundations/check.html")
    assert quiz.xpath("//form[@data-quiz-key]//button[@type='submit']/text()") == ["Comprobar respuestas"]
    assert quiz.xpath("//fieldset//legend/span[@class='question-number']/text()")[0] == "Pregunta 1:"
    details = dict(zip(quiz.xpath("//dl[@class='details']//dt/text()"), quiz.xpath("//dl[@class='details']//dd/text()")))
    assert details["Nota para aprobar"] == "70%" and details["Intentos permitidos"] == "3"
    strings = json.loads(quiz.get_element_by_id("ilead-strings").text)
    assert strings["messages"]["correct"] == "Correcto."
    assert not any("interface strings" in note.message for note in bundle.notes)


def test_spanish_scorm_pages_submit_in_spanish(tmp_path, registry):
    bundle = registry.load("scorm12")().build_bundle(_course(tmp_path, "es"))
    quiz = _page(bundle, "sco/foundations/check.html")
    assert quiz.xpath("//form[@data-quiz-key]//button[@type='submit']/text()") == ["Enviar respuestas"]
    assert quiz.xpath("//button[@data-tracking-finish]/text()") == ["Guardar y terminar"]
    assert json.loads(quiz.get_element_by_id("ilead-strings").text)["messages"]["saved"] == "Su resultado se ha guardado."


def test_a_language_without_a_catalogue_marks_the_english_interface_and_says_so(tmp_path, registry):
    bundle = registry.load("html")().build_bundle(_course(tmp_path, "fr"))
    page = _page(bundle, "modules/foundations/check.html")
    assert page.get("lang") == "fr"  # the content's language
    for chrome in ("//header", "//nav[@class='course-nav']", "//footer", "//form//div[@data-summary]",
                   "//form//*[@data-feedback]", "//a[@class='skip-link']"):
        assert {e.get("lang") for e in page.xpath(chrome)} == {"en"}, chrome
    assert any("no interface strings in 'fr'" in note.message for note in bundle.notes)


def test_an_english_course_has_no_lang_marks_inside_the_page(tmp_path, registry, full_course):
    bundle = registry.load("html")().build_bundle(full_course)
    page = _page(bundle, "modules/foundations/check.html")
    assert page.get("lang") == "en" and page.xpath("//body//*[@lang]") == []


def test_courses_in_two_languages_built_in_one_process_keep_their_own_strings(tmp_path, registry):
    # serve and --target all build many courses in one process; one's catalogue must not
    # become the other's (templates' environments are shared between callers)
    exporter = registry.load("html")()
    spanish = exporter.build_bundle(_course(tmp_path, "es"))
    english = exporter.build_bundle(_course(tmp_path, "en"))
    spanish_again = exporter.build_bundle(_course(tmp_path / "again", "es"))
    heading = "//section[contains(@class, 'transcript')]/h2/text()"
    talk = "modules/foundations/talk.html"
    assert _page(english, talk).xpath(heading) == ["Transcript"]
    assert _page(spanish, talk).xpath(heading) == _page(spanish_again, talk).xpath(heading) == ["Transcripción"]


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_templates_underscore_gives_what_the_jinja_i18n_extension_gives(language):
    # Pages call a direct _() that remembers constant strings (web/pages.py); it must render
    # every catalogue string exactly as the stock newstyle gettext does: translated, Markup,
    # "%%" turned into "%", variables escaped.
    from jinja2 import Environment

    from ilead_shell.web.pages import _environment

    catalogue = i18n.translations(language)
    stock = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    stock.install_gettext_translations(catalogue, newstyle=True)
    ours = _environment(language)
    strings = [m.id for m in _tool().extracted() if m.id and isinstance(m.id, str)]
    assert len(strings) > 50
    for string in strings + ["100%% of it, no variables", "<em>trusted</em> & kept"]:
        names = sorted(set(re.findall(r"%\((\w+)\)s", string)))
        variables = {name: f"<b>{name} & co</b>" for name in names}
        call = "{{ _(s, **v) }}"
        for _ in range(2):  # the second time from what the first remembered
            assert ours.from_string(call).render(s=string, v=variables) == \
                stock.from_string(call).render(s=string, v=variables), string
