"""The shared web layer (ilead_shell.web) used by the html and scorm12 targets."""

from __future__ import annotations

from ilead_shell.web import quiz_key
from ilead_shell.web.rich_text import Target, localise


def _resolver(linkable: bool):
    def resolve(reference):
        if reference.kind == "asset":
            return Target("media/modules/welcome/map.png", reference.target)
        return Target("modules/welcome/intro.html" if linkable else None, "Introduce yourself")
    return resolve


HTML = ('<p>See <a href="ilead:item/welcome/intro#goals">the introductions</a> and '
        '<a href="ilead:asset/modules/welcome/map.png">the map</a>.</p>')


def test_references_become_relative_urls_with_fragments():
    out = localise(HTML, "modules/welcome/how.html", _resolver(True))
    assert 'href="intro.html#goals"' in out
    assert 'href="../../media/modules/welcome/map.png"' in out


def test_unlinkable_items_keep_their_text_and_name_the_target():
    out = localise(HTML, "sco/welcome/how.html", _resolver(False))
    assert "ilead:" not in out and "intro.html" not in out
    assert ('<span class="xref">the introductions<span class="xref-target"> '
            '(see “Introduce yourself” in the course outline)</span></span> and') in out


def test_links_leaving_the_page_can_open_a_new_tab_and_say_so():
    out = localise(HTML + '<p><a href="#top">top</a></p>', "sco/welcome/how.html", _resolver(False), new_tab=True)
    assert 'href="../../media/modules/welcome/map.png" target="_blank" rel="noopener noreferrer"' in out
    assert 'the map<span class="visually-hidden"> (opens in a new tab)</span></a>' in out
    assert '<a href="#top">top</a>' in out


def test_quiz_key_holds_what_scoring_needs(full_course):
    key = quiz_key(full_course.item("foundations/check"))
    assert key["mastery"] == 70 and key["scored"] is True
    by_id = {q["id"]: q for q in key["questions"]}
    assert [c["value"] for c in by_id["equity-is-the-same-as-equality"]["choices"]] == ["t", "f"]
    assert by_id["name-the-accrediting-body"]["answers"] == ["ala", "american library association"]
    assert by_id["service-population"]["ranges"] == [[390, 410]]
    assert [c["correct"] for c in by_id["inclusive-practices"]["choices"]] == [True, True, False]
