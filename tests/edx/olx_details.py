"""olx_load.py, plus what Open edX's block classes made of each block, and answers graded by capa.

Runs in the edx-blocks venv (Python 3.12, the platform's packages), not in the project's:

    python olx_details.py ARCHIVE --tool DIR [--source COURSE] [--submissions FILE] --json OUT

``--tool`` is ../shared/tools/edx-blocks.  The report is olx_load.load()'s own, with two more
keys: ``blocks`` (per url_name, the fields the parsed block holds: an ORA's prompts and
rubric, a discussion's ids, a video's sources and the transcripts edx-val imported, with
their text) and ``graded`` (per problem, each submission of ``--submissions`` graded by a
fresh ``LoncapaProblem``: earned and possible points).  Blocks are recorded by wrapping the
classes olx_load parses with, so each is parsed exactly once, by the platform's code.
"""

import argparse
import json
import os
import sys
import tarfile
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("archive")
    ap.add_argument("--tool", required=True)
    ap.add_argument("--source")
    ap.add_argument("--submissions", help="JSON: problem url_name -> list of submissions")
    ap.add_argument("--json", required=True)
    args = ap.parse_args()

    sys.path[:0] = [HERE, args.tool]
    os.environ["DJANGO_SETTINGS_MODULE"] = "platform_settings"
    import olx_load  # noqa: E402 - sets Django up on import

    parsed = []
    platform_classes = olx_load.block_classes

    class Recorder:
        def __init__(self, tag, cls):
            self.tag, self.cls = tag, cls

        def parse_xml(self, node, runtime, keys):
            block = self.cls.parse_xml(node, runtime, keys)
            parsed.append((self.tag, node.get("url_name"), block))
            return block

    olx_load.block_classes = lambda: {tag: Recorder(tag, cls) for tag, cls in platform_classes().items()}
    report = olx_load.load(args.archive, args.source)

    course_dir = tempfile.mkdtemp(prefix="olx-details-")
    with tarfile.open(args.archive) as archive:
        archive.extractall(course_dir, filter="data")
    course_dir = os.path.join(course_dir, "course")

    report["blocks"] = {name: details(olx_load, tag, block) for tag, name, block in parsed}
    submissions = {}
    if args.submissions:
        with open(args.submissions, encoding="utf-8") as f:
            submissions = json.load(f)
    problems = {name: block for tag, name, block in parsed if tag == "problem"}
    report["graded"] = {name: [grade(olx_load, problems[name], course_dir, s) for s in tries]
                        for name, tries in submissions.items() if name in problems}
    report["graded_missing"] = sorted(set(submissions) - set(problems))
    with open(args.json, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=1, default=str)


def details(olx_load, tag, block):
    out = {"tag": tag, "display_name": getattr(block, "display_name", None)}
    if tag == "problem":
        out.update(weight=block.weight, max_attempts=block.max_attempts, showanswer=block.showanswer)
    elif tag == "openassessment":
        out.update(
            title=block.title,
            prompts=[p.get("description", "") for p in block.prompts],
            criteria=[{"name": c.get("name"), "label": c.get("label"), "prompt": c.get("prompt"),
                       "options": [{"name": o.get("name"), "label": o.get("label"), "points": o.get("points")}
                                   for o in c.get("options", [])]}
                      for c in block.rubric_criteria],
            assessments=[a.get("name") for a in block.rubric_assessments],
            submission_start=block.submission_start, submission_due=block.submission_due,
            text_response=block.text_response, file_upload_response=block.file_upload_response)
    elif tag == "discussion":
        out.update(discussion_id=block.discussion_id, discussion_category=block.discussion_category,
                   discussion_target=block.discussion_target)
    elif tag == "video":
        import edxval.api as val
        transcripts = {}
        if block.edx_video_id:
            for language in sorted(val.get_available_transcript_languages(block.edx_video_id)):
                data = val.get_video_transcript_data(block.edx_video_id, language) or {}
                content = data.get("content") or b""
                transcripts[language] = content.decode("utf-8") if isinstance(content, bytes) else content
        out.update(youtube_id_1_0=block.youtube_id_1_0, html5_sources=list(block.html5_sources),
                   edx_video_id=block.edx_video_id, transcripts_field=dict(block.transcripts or {}),
                   val_transcripts=transcripts)
    elif tag == "html":
        out.update(data=block.data)
    return out


def grade(olx_load, block, course_dir, submission):
    """Grade one submission through a new LoncapaProblem: choices by their label, or typed text."""
    lcp = olx_load.capa_check(block, course_dir)["lcp"]
    student = {}
    for responder in lcp.responders.values():
        labels = {_norm(olx_load.choice_label(c)): c.get("name") for c in responder.xml.iter("choice")}
        for answer_id in responder.answer_ids:
            if "choices" in submission:
                names = [labels.get(_norm(olx_load._strip_md(text)), "unknown-choice") for text in submission["choices"]]
                student[answer_id] = names if responder.xml.tag == "choiceresponse" else (names[0] if names else "")
            else:
                student[answer_id] = submission["text"]
    try:
        correct_map = lcp.grade_answers(student)
    except Exception as err:  # noqa: BLE001 - capa refusing an input is an answer too
        return {**submission, "earned": 0, "possible": lcp.get_max_score(), "error": f"{type(err).__name__}: {err}"}
    earned = sum(correct_map.get_npoints(answer_id) for answer_id in correct_map)
    return {**submission, "earned": earned, "possible": lcp.get_max_score()}


def _norm(text):
    return " ".join(str(text).split()).lower()


if __name__ == "__main__":
    main()
