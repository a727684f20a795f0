"""A course written from SOURCE_FORMAT.md with the awkward cases an author can produce:
no start date, no grading, a module without items, a quiz of essays only, a video page
that is neither YouTube nor a file, separate numeric answers, raw HTML, links across
modules.  The archive must still be clean under olxcleaner and our own checks.
"""

from __future__ import annotations

import json
import tarfile
import textwrap

# olxcleaner is a declared test extra: if it is missing the setup is broken, so no skip.
import olxcleaner
import pytest
from lxml import etree

from ilead_shell.archive import write_archive
from ilead_shell.offerings import select_offering
from ilead_shell.pipeline import exporter_options
from ilead_shell.reader import read_course
from ilead_olx import OlxExporter
from ilead_olx.verify import check_course_folder, check_members

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082")

FILES = {
    "course.yml": """
        title: "Edge & cases <course>"
        code: EDGE_1
        description: "Short **description**."
        """,
    "modules/01-empty/module.md": """
        ---
        title: Nothing here yet
        ---
        """,
    "modules/02-main/module.md": """
        ---
        title: "Main: the \\"real\\" module"
        outcomes:
          - id: M1
            text: "Explain the edge cases."
        ---
        See [the essay](03-essays.md) and [the empty module](../01-empty/module.md).
        """,
    "modules/02-main/01-raw.md": """
        ---
        title: Raw HTML & images
        ---
        <details><summary>More</summary><p>Hidden text</p></details>

        ![A pixel](img/pixel%20one.png)

        Back to [the talk](02-talk.md#start).
        """,
    "modules/02-main/02-talk.md": """
        ---
        title: A talk on another site
        type: video
        url: https://vimeo.com/123456
        transcript: talk.md
        ---
        """,
    "modules/02-main/talk.md": "Every word of the talk.\n",
    "modules/02-main/03-essays.md": """
        ---
        title: Essays only
        type: quiz
        points_per_question: 1.5
        ---
        ### First essay {type=essay}
        Write about *anything*.

        ### Second essay {type=essay points=2}
        Write again, with ![a pixel](img/pixel%20one.png).
        """,
    "modules/02-main/04-numbers.md": """
        ---
        title: Numbers
        type: quiz
        ---
        ### Two islands {type=numeric}
        Name a number near 1 or near 100.

        = 0.5..1.5
        = 99..101

        ### Pick with an image
        Which is **bold**?

        - [x] The `code` answer ![pixel](img/pixel%20one.png)
          > Right, with *emphasis* & an ampersand.
        - [ ] Plain < answer
        """,
}


@pytest.fixture(scope="module")
def edge_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("edge") / "edge"
    for name, text in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (root / "modules/02-main/img").mkdir()
    (root / "modules/02-main/img/pixel one.png").write_bytes(PNG)
    course = read_course(root)
    selected = select_offering(course, None)
    bundle = OlxExporter(exporter_options(course, OlxExporter, "edx")).build_bundle(selected)
    archive = root.parent / "edge.tar.gz"
    write_archive(bundle, archive)
    with tarfile.open(archive, "r:gz") as tar:
        assert check_members(tar) == []
        tar.extractall(root.parent / "x", filter="data")
    return selected, bundle, root.parent / "x" / "course"


def test_edge_course_is_clean_under_olxcleaner(edge_build):
    _, _, folder = edge_build
    _, errorstore, _ = olxcleaner.validate(str(folder), steps=8)
    assert [f"{e.name}: {e.description}" for e in errorstore.errors] == []


def test_edge_course_passes_our_checks(edge_build):
    _, _, folder = edge_build
    assert check_course_folder(folder) == []


def test_missing_start_and_grading_get_visible_defaults(edge_build):
    _, bundle, folder = edge_build
    run = etree.parse(str(folder / "course.xml")).getroot().get("url_name")
    course = etree.parse(str(folder / "course" / f"{run}.xml")).getroot()
    assert course.get("start") == "2000-01-01T00:00:00Z"
    assert any("no start date" in w.message for w in bundle.warnings)
    policy = json.loads((folder / "policies" / run / "grading_policy.json").read_text())
    assert [g["type"] for g in policy["GRADER"]] == ["Graded work"]
    assert policy["GRADE_CUTOFFS"] == {"Pass": 0.5}


def test_unplayable_video_becomes_a_link_with_a_warning(edge_build):
    _, bundle, folder = edge_build
    assert not (folder / "video").exists()
    assert any("vimeo.com" in w.message for w in bundle.notes)
    page = (folder / "html" / "html_body_main__talk.html").read_text()
    assert 'href="https://vimeo.com/123456"' in page
    assert "Every word of the talk." in (folder / "html" / "html_transcript_main__talk.html").read_text()


def test_separate_numeric_answers_keep_the_first_and_warn(edge_build):
    _, bundle, folder = edge_build
    problem = etree.parse(str(folder / "problem" / "problem_main__numbers__two-islands.xml")).getroot()
    assert problem.find("numericalresponse").get("answer") == "[0.5, 1.5]"
    assert any("Two islands" in w.message for w in bundle.notes)


def test_essay_only_quiz_gives_one_assessment_per_unit(edge_build):
    _, _, folder = edge_build
    sequential = etree.parse(str(folder / "sequential" / "seq_main__essays.xml")).getroot()
    units = [etree.parse(str(folder / "vertical" / f"{v.get('url_name')}.xml")).getroot() for v in sequential]
    assert [len(u.findall("openassessment")) for u in units] == [1, 1]
    first = units[0].find("openassessment")
    options = [int(o.get("points")) for o in first.iterfind("./rubric/criterion/option")]
    assert max(options) == 2  # 1.5 points rounded up to ORA's whole points


def test_titles_with_markup_characters_survive(edge_build):
    _, _, folder = edge_build
    run = etree.parse(str(folder / "course.xml")).getroot().get("url_name")
    course = etree.parse(str(folder / "course" / f"{run}.xml")).getroot()
    assert course.get("display_name") == "Edge & cases <course>"
    chapter = etree.parse(str(folder / "chapter" / "chapter_main.xml")).getroot()
    assert chapter.get("display_name") == 'Main: the "real" module'
