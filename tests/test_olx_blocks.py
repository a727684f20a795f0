"""Single blocks of the OLX archive: CAPA problems, open response assessments, videos,
discussions, links and options, read from the bundle in memory."""

from __future__ import annotations

import json
import re

import pytest
from lxml import etree

from ilead_shell.errors import CourseError
from ilead_shell.model import NumericAnswer
from ilead_shell.offerings import select_offering
from ilead_shell.pipeline import exporter_options
from ilead_shell.reader import read_course
from ilead_olx import OlxExporter
from ilead_olx.capa import merge_ranges, numeric_answer
from ilead_olx.video import vtt_to_srt


@pytest.fixture(scope="module")
def certificate(full_course_for):
    return OlxExporter().build_bundle(full_course_for("certificate"))


def xml(bundle, path):
    return etree.fromstring(bundle.files[f"course/{path}"].read())


def text(bundle, path):
    return bundle.files[f"course/{path}"].read().decode("utf-8")


# -- CAPA -------------------------------------------------------------------------------
def test_single_select_keeps_choice_feedback_and_general_feedback(certificate):
    problem = xml(certificate, "problem/problem_foundations__check__equity-and-equality.xml")
    assert problem.get("max_attempts") == "3" and problem.get("weight") == "1"
    response = problem.find("multiplechoiceresponse")
    assert "".join(response.find("label").itertext()) == "Which statement describes equity?"
    choices = response.findall("./choicegroup/choice")
    assert [c.get("correct") for c in choices] == ["false", "true", "false"]
    assert choices[1].findtext("choicehint") == "Yes: equity adjusts for different starting points."
    solution = "".join(response.find("solution").itertext())
    assert "Equity is about fair outcomes, not identical treatment." in solution


def test_multiple_answer_is_a_checkbox_group_weighted_by_points(certificate):
    problem = xml(certificate, "problem/problem_foundations__check__inclusive-practices.xml")
    assert problem.get("weight") == "2"
    correct = problem.findall("./choiceresponse/checkboxgroup/choice[@correct='true']")
    assert len(correct) == 2


def test_true_false_is_single_select(certificate):
    problem = xml(certificate, "problem/problem_foundations__check__equity-is-the-same-as-equality.xml")
    choices = problem.findall("./multiplechoiceresponse/choicegroup/choice")
    assert [(c.text, c.get("correct")) for c in choices] == [("True", "false"), ("False", "true")]


def test_short_answer_accepts_every_answer_case_insensitively(certificate):
    response = xml(certificate, "problem/problem_foundations__check__name-the-accrediting-body.xml")[0]
    assert response.tag == "stringresponse" and response.get("type") == "ci"
    accepted = [response.get("answer")] + [a.get("answer") for a in response.iterfind("additional_answer")]
    assert accepted == ["ALA", "American Library Association"]


def test_numeric_range_uses_capa_range_syntax(certificate):
    response = xml(certificate, "problem/problem_foundations__check__service-population.xml")[0]
    assert response.tag == "numericalresponse"
    assert response.get("answer") == "[390, 410]"


def test_overlapping_numeric_answers_merge_into_one_range():
    merged = merge_ranges((NumericAnswer(minimum=10, maximum=10), NumericAnswer(minimum=9.5, maximum=10.5)))
    assert [numeric_answer(a) for a in merged] == ["[9.5, 10.5]"]
    assert numeric_answer(NumericAnswer(minimum=42, maximum=42)) == "42"


# -- open response assessments ----------------------------------------------------------
def test_assignment_rubric_becomes_ora_criteria(certificate):
    unit = xml(certificate, "vertical/unit_foundations__action-plan.xml")
    ora = unit.find("openassessment")
    assert ora.get("display_name") is None and ora.findtext("title") == "Inclusive service proposal"
    criteria = ora.findall("./rubric/criterion")
    assert [c.findtext("label") for c in criteria] == [
        "Analysis of the current service", "Proposed change", "Writing"]
    assert [max(int(o.get("points")) for o in c.iterfind("option")) for c in criteria] == [8, 8, 4]
    assert ora.get("text_response") == "required" and ora.get("file_upload_response") == "optional"
    assert "one-page proposal" in ora.findtext("./prompts/prompt/description")
    assert ora.get("submission_due") == "2027-01-24T23:59:59"  # due: week 2 from 2027-01-11


def test_assignment_subsection_is_graded_and_due(certificate):
    sequential = xml(certificate, "sequential/seq_foundations__action-plan.xml")
    assert sequential.get("graded") == "true" and sequential.get("format") == "Assignments"
    assert sequential.get("due") == "2027-01-24T23:59:59Z"


def test_essay_question_becomes_ora_with_feedback_as_criterion(certificate):
    ora = xml(certificate, "vertical/unit_foundations__check__reflect.xml").find("openassessment")
    criterion = ora.find("./rubric/criterion")
    assert "names the barrier" in criterion.findtext("prompt")
    assert max(int(o.get("points")) for o in criterion.iterfind("option")) == 5


@pytest.mark.parametrize("step, name", [("self", "self-assessment"), ("peer", "peer-assessment")])
def test_assessment_step_is_an_option(full_course_for, step, name):
    bundle = OlxExporter(OlxExporter.Options(ora_assessment=step)).build_bundle(full_course_for("certificate"))
    ora = xml(bundle, "vertical/unit_foundations__action-plan.xml").find("openassessment")
    assert [a.get("name") for a in ora.iterfind("./assessments/assessment")] == [name]


# -- discussions, videos, links ---------------------------------------------------------
def test_discussion_is_inline_with_stable_unique_id(certificate):
    unit = xml(certificate, "vertical/unit_welcome__introductions.xml")
    discussion = unit.find("discussion")
    assert discussion.get("discussion_id") == "ILEAD-101__welcome__introductions"
    assert discussion.get("discussion_category") == "Welcome and community agreements"
    assert discussion.get("discussion_target") == "Introduce yourself"


def test_youtube_video_with_captions_as_srt_transcript(certificate):
    video = xml(certificate, "video/video_foundations__talk.xml")
    assert video.get("youtube_id_1_0") == "dQw4w9WgXcQ" and video.get("youtube") == "1.00:dQw4w9WgXcQ"
    val_id = video.get("edx_video_id")
    assert re.fullmatch(r"ILEAD-101-foundations-talk-[0-9a-f]{12}", val_id)
    transcripts = json.loads(video.get("transcripts"))
    assert transcripts == {"en": f"{val_id}-en.srt"}
    srt = text(certificate, f"static/{val_id}-en.srt")
    assert srt == "1\n00:00:00,000 --> 00:00:04,000\nWelcome to this talk on equity in libraries.\n"
    # edx-val imports the transcript named in <video_asset> first, so the platform does not look
    # for the legacy subs_<youtube id>.srt.sjson of a YouTube video.
    (listed,) = video.findall("video_asset/transcripts/transcript")
    assert (listed.get("language_code"), listed.get("file_format"), listed.get("provider")) == ("en", "srt", "Custom")
    assert video.find("video_asset").get("duration") == "0.0"


def test_the_val_id_changes_with_the_captions_only(full_course_for, copy_root):
    """edx-val never replaces the transcript of an id it holds: corrected captions need a new id."""
    def val_id(course):
        bundle = OlxExporter().build_bundle(course)
        return xml(bundle, "video/video_foundations__talk.xml").get("edx_video_id")

    first = val_id(full_course_for("certificate"))
    assert val_id(full_course_for("mooc")) == first   # the same video, the same id in each offering
    root = copy_root("full")
    vtt = root / "modules" / "02-foundations" / "media" / "talk.vtt"
    vtt.write_text(vtt.read_text(encoding="utf-8").replace("equity in libraries", "equity in public libraries"),
                   encoding="utf-8")
    assert val_id(select_offering(read_course(root), "certificate")) != first


def test_vtt_conversion_handles_short_stamps_ids_settings_and_notes():
    vtt = ("WEBVTT - title\n\nNOTE a comment\nspanning lines\n\nintro\n00:01.5 --> 00:03.250 align:start\n"
           "<v Ana>Hello</v>\nthere\n\n01:00:00.000 --> 01:00:01.000\nBye\n")
    assert vtt_to_srt(vtt) == ("1\n00:00:01,500 --> 00:00:03,250\nHello\nthere\n\n"
                               "2\n01:00:00,000 --> 01:00:01,000\nBye\n")


def test_links_between_items_jump_to_the_target_unit(certificate):
    page = text(certificate, "html/html_body_welcome__how-it-works.html")
    assert 'href="/jump_to_id/unit_welcome__introductions"' in page
    assert 'href="/static/modules/welcome/images/map.png"' in page
    assert "course/vertical/unit_welcome__introductions.xml" in certificate.files


def test_file_item_links_to_its_static_copy(certificate):
    page = text(certificate, "html/html_body_welcome__syllabus.html")
    assert 'href="/static/modules/welcome/syllabus.pdf"' in page
    assert "course/static/modules/welcome/syllabus.pdf" in certificate.files


# -- options ----------------------------------------------------------------------------
def _course_with_options(full_course, **olx):
    return full_course.model_copy(update={"exporters": {"olx": olx}})


@pytest.mark.parametrize("settings", [{"run": "2027 T1"}, {"org": "a/b"}, {"colour": "red"},
                                      {"start": "2027-05-01", "end": "2027-04-01"}])
def test_bad_options_are_course_errors(full_course, settings):
    with pytest.raises(CourseError):
        exporter_options(_course_with_options(full_course, **settings), OlxExporter, "edx")


def test_edx_and_olx_keys_both_configure_the_exporter(full_course):
    for key in ("olx", "edx"):
        course = full_course.model_copy(update={"exporters": {key: {"org": "X", "course": "Y", "run": "Z"}}})
        options = exporter_options(course, OlxExporter, "edx")
        assert (options.org, options.course, options.run) == ("X", "Y", "Z")


def test_a_stem_of_several_paragraphs_labels_the_input_with_the_first_and_describes_it_with_the_rest(tmp_path):
    """Open edX reads a problem's <label> as the question and <description> as what explains it;
    the explanation is a Studio-style detailed solution (the class the LMS shows and hides)."""
    from course_tree import write_tree
    root = write_tree(tmp_path / "course", {
        "course.yml": "title: T\ncode: T-1\nstart: 2027-01-11\n",
        "modules/01-m/module.md": "---\ntitle: M\n---\nOverview.\n",
        "modules/01-m/01-q.md": "---\ntitle: Q\ntype: quiz\n---\nAnswer.\n\n"
                                "### Branches {type=numeric}\nHow many branches are there?\n\n"
                                "Count the central library too.\n\n= 2\n\n> One central library and one branch.\n",
    })
    bundle = OlxExporter().build_bundle(read_course(root))
    response = xml(bundle, "problem/problem_m__q__branches.xml").find("numericalresponse")
    assert "".join(response.find("label").itertext()) == "How many branches are there?"
    assert "".join(response.find("description").itertext()).strip() == "Count the central library too."
    (detail,) = response.findall("solution/div[@class='detailed-solution']")
    assert [" ".join(p.itertext()) for p in detail.findall("p")] == ["Explanation", "One central library and one branch."]
