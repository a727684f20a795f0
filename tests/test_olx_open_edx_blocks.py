"""Every edx bundle of both courses, read by Open edX's own block classes, against the course model.

``../shared/tools/edx-blocks/olx_load.py`` walks the archive and parses every block with the
platform's classes (xblocks-contrib's ProblemBlock and capa, VideoBlock with edx-val,
DiscussionXBlock, HtmlBlock, ora2's OpenAssessmentBlock); tests/edx/olx_details.py keeps
what each block holds and grades answers with capa.  Here that is compared with the model:
chapters, subsections (graded, format, due), units, every leaf, every problem (response
type, weight, attempts, every correct choice, every accepted alternative, numeric values and
ranges graded at their ends), every ORA (prompts, criteria, points), every discussion, every
video (edx-val's transcript), and the grading policy.

Named limits (the build's notes say each): a numerical input holds one value or range, so of
several separate numeric answers only the first survives; Open edX has no per-quiz pass mark.
Named noise of the platform (each was traced to edx-platform's own import code):
  * ``DiscussionXBlock ... does not contain field url_name``: XMLModuleStore's
    ``make_name_unique`` sets ``url_name`` on every node before ``parse_xml``, and XBlock's
    generic ``parse_xml`` logs each attribute that is no field (``url_name`` is a property of
    the platform's XModuleMixin, not a field), so Studio's own exports log it too;
  * ``Flag 'edxval.override_existing_imported_transcripts' accessed without a request``:
    edx-val asks that flag once a language already has a transcript, from a celery task in
    Studio (no request), and edx-toggles logs the missing request;
  * olx_load's own ``capa's correct answers [...] != source [...]`` for ranges, which compares
    ``[390, 410]`` with ``390..410`` as text; capa grades the range's ends here instead.
"""

from __future__ import annotations

import re

import lxml.html
import pytest

from conftest import ROOTS
from ilead_olx.grading import DEFAULT_PASS
from ilead_shell.archive import write_archive
from ilead_shell.model import Assignment, Discussion, File, Link, Page, Question, Quiz, Video
from ilead_shell.offerings import select_offering
from ilead_shell.pipeline import exporter_options
from ilead_shell.reader import read_course
from ilead_olx import OlxExporter

COURSE_SOURCE = ROOTS.parents[1] / "course_source"
COURSES = {"course_source": COURSE_SOURCE, "fidelity": ROOTS / "fidelity"}
BUNDLES = [(name, offering.name) for name, root in COURSES.items() for offering in read_course(root).offerings]
IDS = [f"{name}-{offering}" for name, offering in BUNDLES]

PLATFORM_NOISE = [
    re.compile(r"<discussion discussion_\S+>: logged WARNING root: <class '[\w.]+'> does not contain field url_name$"),
    re.compile(r"<video video_\S+>: logged WARNING edx_toggles\.toggles\.internal\.waffle\.flag: Flag "
               r"'edxval\.override_existing_imported_transcripts' accessed without a request"),
    re.compile(r"^problem problem_\S+ \('[^']*'\): capa's correct answers \['\[[^]]*\]'\] != source \[.*\.\..*\]$"),
]
VIDEO_FILE = re.compile(r"\.(mp4|webm|ogv|m3u8)(\?.*)?$", re.IGNORECASE)


@pytest.fixture(scope="session")
def open_edx(edx_blocks, tmp_path_factory):
    """(course, offering) -> (course as the bundle holds it, bundle, report); each bundle loaded once."""
    folder = tmp_path_factory.mktemp("edx-bundles")
    loaded: dict = {}

    def load(name: str, offering: str):
        if (name, offering) not in loaded:
            root = COURSES[name]
            course = read_course(root)
            bundle = OlxExporter(exporter_options(course, OlxExporter, "edx")).build_bundle(
                select_offering(course, offering))
            archive = folder / f"{name}-{offering}.tar.gz"
            write_archive(bundle, archive)
            selected = select_offering(course, offering)
            report = edx_blocks.details(archive, root, _submissions(selected))
            loaded[name, offering] = (selected, bundle, report)
        return loaded[name, offering]

    return load


def _quizzes(course):
    return [i for i in course.items() if isinstance(i, Quiz)]


def _problem(quiz: Quiz, question: Question) -> str:
    return f"problem_{quiz.module_id}__{quiz.id}__{question.id}"


def _text(html: str) -> str:
    return " ".join(lxml.html.fragment_fromstring(html or "<p></p>", create_parent="div").text_content().split())


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[*_`]", "", text).split()).lower()


# -- what to type into each problem, and whether the model calls it right -----------------------

def _submissions(course) -> dict[str, list[dict]]:
    out = {}
    for quiz in _quizzes(course):
        for question in quiz.questions:
            if question.auto_scored:
                out[_problem(quiz, question)] = list(_tries(question))
    return out


def _tries(question: Question):
    if question.type in ("multiple_choice", "true_false"):
        for choice in question.choices:
            yield {"choices": [choice.text], "right": choice.correct, "why": f"only {choice.text!r}"}
    elif question.type == "multiple_answer":
        good = [c.text for c in question.choices if c.correct]
        bad = [c.text for c in question.choices if not c.correct]
        yield {"choices": good, "right": True, "why": "every correct choice"}
        for missing in good:
            yield {"choices": [c for c in good if c != missing], "right": False, "why": f"without {missing!r}"}
        for extra in bad:
            yield {"choices": good + [extra], "right": False, "why": f"also {extra!r}"}
    elif question.type == "short_answer":
        for answer in question.answers:
            yield {"text": answer, "right": True, "why": f"accepted {answer!r}"}
            yield {"text": answer.upper(), "right": True, "why": f"accepted {answer!r} in capitals"}
        yield {"text": "certainly not this", "right": False, "why": "an answer the source does not accept"}
    else:
        ranges = [(n.minimum, n.maximum) for n in question.numeric]
        inside = lambda v: any(low <= v <= high for low, high in ranges)  # noqa: E731
        for low, high in ranges:
            for value in {low, high, (low + high) / 2}:
                yield {"text": f"{value:g}", "right": True, "why": f"{value:g} in {low:g}..{high:g}"}
            if low == high:
                yield {"text": f"{low:.1f}", "right": True, "why": f"{low:g} written {low:.1f}"}
        lowest, highest = min(r[0] for r in ranges), max(r[1] for r in ranges)
        for value in (lowest - 1, highest + 1, *((a[1] + b[0]) / 2 for a, b in zip(sorted(ranges), sorted(ranges)[1:]))):
            if not inside(value):
                yield {"text": f"{value:g}", "right": False, "why": f"{value:g} outside every range"}


# -- the tests -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name, offering", BUNDLES, ids=IDS)
def test_open_edx_logs_nothing_that_is_ours(open_edx, name, offering):
    course, _bundle, report = open_edx(name, offering)
    ours = [e for e in report["errors"] if not any(p.search(e) for p in PLATFORM_NOISE)]
    assert ours == []
    assert report["graded_missing"] == []
    # One url_name message per discussion, no more: the noise has a known size.
    noise = [e for e in report["errors"] if "does not contain field" in e]
    assert len(noise) == sum(isinstance(i, Discussion) for i in course.items())
    assert not [e for e in report["errors"] if "is not found" in e]   # no transcript looked for in vain


def _expected_tree(course):
    """Per chapter: title and subsections (title, format, due, units (title, leaves (tag, title)))."""
    groups = {g.id: g.name for g in course.grading.groups}
    gradable = {g for g in groups if any(_scorable(i) and getattr(i, "group", None) == g for i in course.items())}
    chapters = []
    for module in course.modules:
        sequentials = [("About this module", None, None, [(module.title, [("html", f"About: {module.title}")])])]
        for item in module.items:
            group = getattr(item, "group", None)
            kind = groups[group] if _scorable(item) and group in gradable else None
            due = getattr(item, "due", None)
            sequentials.append((item.title, kind, f"{due.isoformat()}T23:59:59Z" if due else None, _units(item)))
        chapters.append((module.title, sequentials))
    return chapters


def _scorable(item) -> bool:
    """What Open edX grades: learners' quizzes with points and assignments (instructor material is staff-only)."""
    if item.for_instructors:
        return False
    return (isinstance(item, Quiz) and item.questions and item.points > 0) or isinstance(item, Assignment)


def _units(item):
    title = item.title
    if isinstance(item, Quiz):
        if not item.questions:
            return [(title, [("html", title)])]
        intro = [("html", title)] if not item.body.is_empty else []
        return [(q.title, (intro if n == 0 else []) + [("openassessment" if q.type == "essay" else "problem", q.title)])
                for n, q in enumerate(item.questions)]
    if isinstance(item, (Page, Link, File)):
        leaves = [("html", title)]
    elif isinstance(item, Discussion):
        leaves = [("html", title), ("discussion", title)]
    elif isinstance(item, Assignment):
        leaves = [("openassessment", title)]
    else:
        leaves = _video_leaves(item)
    return [(title, leaves)]


def _video_leaves(video: Video):
    playable = bool(video.youtube_id or video.asset or (video.url and VIDEO_FILE.search(video.url)))
    leaves = ([("html", video.title)] if not video.body.is_empty or not playable else [])
    leaves += [("video", video.title)] if playable else []
    if video.transcript is not None and not video.transcript.is_empty:
        leaves.append(("html", f"Transcript: {video.title}"))
    return leaves


def _tree(report):
    return [(c["display_name"], [(s["display_name"], s.get("format"), s.get("due"),
                                  [(v["display_name"], [(leaf["tag"], leaf["display_name"]) for leaf in v["leaves"]])
                                   for v in s["verticals"]])
                                 for s in c["seqs"]])
            for c in report["tree"]]


@pytest.mark.parametrize("name, offering", BUNDLES, ids=IDS)
def test_chapters_subsections_units_and_leaves_are_the_model(open_edx, name, offering):
    course, _bundle, report = open_edx(name, offering)
    assert _tree(report) == _expected_tree(course)
    graded = [s for c in report["tree"] for s in c["seqs"] if s.get("format")]
    assert all(s["graded"] == "true" for s in graded)


@pytest.mark.parametrize("name, offering", BUNDLES, ids=IDS)
def test_every_problem_has_the_models_type_weight_attempts_and_answers(open_edx, name, offering):
    course, _bundle, report = open_edx(name, offering)
    problems = {p["url_name"]: p for p in report["problems"]}
    kinds = {"multiple_choice": "multiplechoiceresponse", "true_false": "multiplechoiceresponse",
             "multiple_answer": "choiceresponse", "short_answer": "stringresponse", "numeric": "numericalresponse"}
    expected = set()
    for quiz in _quizzes(course):
        for question in (q for q in quiz.questions if q.auto_scored):
            url_name = _problem(quiz, question)
            expected.add(url_name)
            problem = problems[url_name]
            assert problem["display_name"] == question.title
            assert float(problem["weight"]) == question.points
            assert problem["max_attempts"] == quiz.attempts
            (response,) = problem["responses"]
            assert response["type"] == kinds[question.type], url_name
            if question.choices:
                correct = sorted(_plain(c.text) for c in question.choices if c.correct)
                assert sorted(_plain(a) for a in response["answers"]) == correct, url_name
            elif question.type == "short_answer":
                assert response["answers"] == list(question.answers), url_name   # every alternative
    assert set(problems) == expected


@pytest.mark.parametrize("name, offering", BUNDLES, ids=IDS)
def test_capa_grades_every_right_answer_full_and_every_wrong_one_zero(open_edx, name, offering):
    course, bundle, report = open_edx(name, offering)
    questions = {_problem(quiz, q): q for quiz in _quizzes(course) for q in quiz.questions}
    wrong = []
    for url_name, tries in report["graded"].items():
        for attempt in tries:
            full = attempt["earned"] == attempt["possible"] > 0
            if full != attempt["right"] and not _one_range_limit(questions[url_name], attempt, bundle):
                wrong.append(f"{url_name}: {attempt['why']} scored {attempt['earned']}/{attempt['possible']}"
                             f"{' ' + attempt['error'] if attempt.get('error') else ''}")
            if not attempt["right"]:
                assert attempt["earned"] == 0, (url_name, attempt)
    assert wrong == []
    assert sum(len(t) for t in report["graded"].values()) > 3 * len(report["graded"]) // 2


def _one_range_limit(question: Question, attempt: dict, bundle) -> bool:
    """The named limit: a numerical input keeps one value or range of several separate ones."""
    note = f"question '{question.title}': Open edX numerical input accepts one value or range"
    return question.type == "numeric" and attempt["right"] and any(n.message.startswith(note) for n in bundle.notes)


@pytest.mark.parametrize("name, offering", BUNDLES, ids=IDS)
def test_every_open_response_assessment_has_the_models_prompt_and_rubric(open_edx, name, offering):
    course, _bundle, report = open_edx(name, offering)
    blocks = report["blocks"]
    expected, lowest = {}, {}
    for item in course.items():
        if isinstance(item, Assignment):
            criteria = [(c.criterion, int(c.points)) for c in item.rubric] or [("Overall quality", int(item.points or 1))]
            expected[f"ora_{item.module_id}__{item.id}"] = (item.title, _text(item.body.html), criteria,
                                                           item.submission)
            # the lowest option: the criterion's lowest performance level, or 0 ("Not yet") without levels
            lowest[f"ora_{item.module_id}__{item.id}"] = [int(c.levels[-1].points) if c.levels else 0
                                                         for c in item.rubric] or [0]
        elif isinstance(item, Quiz):
            for q in (q for q in item.questions if q.type == "essay"):
                expected[f"ora_{item.module_id}__{item.id}__{q.id}"] = (q.title, _text(q.stem.html),
                                                                        [("Response", int(q.points))], ("text",))
    found = {k: b for k, b in blocks.items() if b["tag"] == "openassessment"}
    assert set(found) == set(expected)
    for url_name, (title, prompt, criteria, submission) in expected.items():
        block = found[url_name]
        assert block["title"] == title
        assert [_text(p) for p in block["prompts"]] == [prompt], url_name
        assert [(c["label"], max(o["points"] for o in c["options"])) for c in block["criteria"]] == criteria
        assert [min(o["points"] for o in c["options"]) for c in block["criteria"]] == lowest.get(url_name, [0])
        assert block["assessments"] == ["staff-assessment"]
        # A link is submitted as text; a file alongside text is optional.
        wants_text = "text" in submission or "url" in submission
        assert block["text_response"] == ("required" if wants_text else None), url_name
        files = None if "file" not in submission else "optional" if wants_text else "required"
        assert block["file_upload_response"] == files, url_name


@pytest.mark.parametrize("name, offering", BUNDLES, ids=IDS)
def test_every_discussion_and_video_is_the_model(open_edx, name, offering):
    course, _bundle, report = open_edx(name, offering)
    blocks = report["blocks"]
    for item in course.items():
        if isinstance(item, Discussion):
            block = blocks[f"discussion_{item.module_id}__{item.id}"]
            module = course.module(item.module_id)
            assert (block["discussion_id"], block["discussion_category"], block["discussion_target"]) == (
                f"{course.code}__{item.module_id}__{item.id}", module.title, item.title)
        if isinstance(item, Video) and ("video", item.title) in _video_leaves(item):
            block = blocks[f"video_{item.module_id}__{item.id}"]
            assert block["youtube_id_1_0"] == (item.youtube_id or "")
            if item.captions:
                language = course.language.split("-")[0].lower()
                assert list(block["val_transcripts"]) == [language]
                assert _cue_text(block["val_transcripts"][language]) == _cue_text(
                    course.asset_source(item.captions).read_text(encoding="utf-8-sig"))
            else:
                assert block["val_transcripts"] == {}


def _cue_text(captions: str) -> list[str]:
    """The words of a WebVTT or SRT file, without header, numbers and timings."""
    lines = []
    for line in captions.replace("\r\n", "\n").split("\n"):
        line = line.strip()
        if not line or line.startswith(("WEBVTT", "NOTE")) or "-->" in line or line.isdigit():
            continue
        lines.append(re.sub(r"<[^>]+>", "", line))
    return lines


@pytest.mark.parametrize("name, offering", BUNDLES, ids=IDS)
def test_the_grading_policy_is_the_models(open_edx, name, offering):
    course, _bundle, report = open_edx(name, offering)
    policy = report["grading"]["raw"]
    members = {g.id: [i for i in course.items() if _scorable(i) and getattr(i, "group", None) == g.id]
               for g in course.grading.groups}
    kept = [g for g in course.grading.groups if members[g.id]]
    total = sum(g.weight for g in kept)
    assert [(g["type"], g["min_count"], g["drop_count"], round(g["weight"], 9)) for g in policy["GRADER"]] == [
        (g.name, len(members[g.id]), 0, round(g.weight / total, 9)) for g in kept]
    assert report["grading"]["weights_sum"] == pytest.approx(1.0)
    assert report["grading"]["graded_subsections_by_format"] == {g.name: len(members[g.id]) for g in kept}
    # an offering without a pass mark (the iLead institute's self-checks) gets the exporter's default
    expected = course.grading.pass_percent / 100 if course.grading.pass_percent is not None else DEFAULT_PASS
    assert policy["GRADE_CUTOFFS"] == {"Pass": expected}
