"""The Moodle backup (.mbz) as a file: what Moodle's restore looks for before it reads anything,
the shape Moodle's own backups have, determinism, options and the refusals.

What Moodle makes of the backup after a real restore is in test_moodle_backup_restore.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import tarfile
from pathlib import Path

import pytest
from lxml import etree

from course_tree import write_tree
from ilead_shell.errors import CourseError
from ilead_shell.offerings import select_offering
from ilead_shell.pipeline import build, exporter_options
from ilead_shell.reader import read_course
from ilead_shell.registry import Registry
from ilead_moodle_backup import MbzExporter

ROOTS = Path(__file__).parent / "roots"
FIDELITY = ROOTS / "fidelity"
DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>'


def backup(root: Path, offering: str) -> dict[str, bytes]:
    """The files of one offering's backup, as the archive holds them."""
    course = read_course(root)
    bundle = MbzExporter(exporter_options(course, MbzExporter, "mbz")).build_bundle(select_offering(course, offering))
    return {path: entry.read() for path, entry in bundle.files.items()}


@pytest.fixture(scope="module")
def certificate() -> dict[str, bytes]:
    return backup(FIDELITY, "certificate")


def xml(files: dict[str, bytes], path: str) -> etree._Element:
    return etree.fromstring(files[path])


def texts(root: etree._Element, xpath: str) -> list[str]:
    return [node.text or "" for node in root.xpath(xpath)]


# -- what Moodle checks first ---------------------------------------------------------------
def test_moodle_recognises_the_backup_by_its_first_bytes(certificate):
    # convert_helper::detect_moodle2_format reads 200 bytes and looks for these exact strings.
    head = certificate["moodle_backup.xml"][:200]
    assert head.startswith(DECLARATION)
    assert b"<moodle_backup>" in head and b"<information>" in head


def test_every_xml_file_is_well_formed_and_declared_as_moodle_writes_it(certificate):
    for path, data in certificate.items():
        if path.endswith(".xml"):
            assert data.startswith(DECLARATION), path
            etree.fromstring(data)


def test_the_manifest_lists_every_section_and_activity_folder_that_exists(certificate):
    manifest = xml(certificate, "moodle_backup.xml")
    folders = {p.rsplit("/", 1)[0] for p in certificate if p.startswith(("activities/", "sections/"))}
    listed = set(texts(manifest, "//contents/activities/activity/directory")) | set(
        texts(manifest, "//contents/sections/section/directory"))
    assert listed == folders
    for folder in texts(manifest, "//contents/activities/activity/directory"):
        modname = folder.split("/")[1].rsplit("_", 1)[0]
        for name in ("module.xml", f"{modname}.xml", "inforef.xml", "grades.xml", "roles.xml", "filters.xml",
                     "calendar.xml", "competencies.xml", "grade_history.xml"):
            assert f"{folder}/{name}" in certificate, f"{folder}/{name}"
    # Every activity and section has its included/userinfo settings, as the restore plan expects.
    settings = set(texts(manifest, "//settings/setting/name"))
    for folder in listed:
        key = folder.split("/")[1]
        assert {f"{key}_included", f"{key}_userinfo"} <= settings


def test_a_backup_is_a_course_backup_without_user_data(certificate):
    info = xml(certificate, "moodle_backup.xml").find("information")
    assert info.findtext("details/detail/type") == "course"
    assert info.findtext("details/detail/format") == "moodle2"
    root = {s.findtext("name"): s.findtext("value") for s in info.iterfind("settings/setting")
            if s.findtext("level") == "root"}
    assert root["users"] == "0" and root["activities"] == "1" and root["files"] == "1"
    assert "users.xml" not in certificate


def test_one_section_per_module_in_order_after_the_general_section(certificate):
    course = select_offering(read_course(FIDELITY), "certificate")
    manifest = xml(certificate, "moodle_backup.xml")
    sections = [etree.fromstring(certificate[f"{d}/section.xml"])
                for d in texts(manifest, "//contents/sections/section/directory")]
    assert [int(s.findtext("number")) for s in sections] == list(range(len(course.modules) + 1))
    assert [s.findtext("name") for s in sections[1:]] == [m.title.replace("<", "&lt;").replace(">", "&gt;")
                                                          for m in course.modules]


# -- files ------------------------------------------------------------------------------------
def test_files_are_stored_once_under_their_sha1(certificate):
    stored = {p: d for p, d in certificate.items() if p.startswith("files/")}
    assert stored
    for path, data in stored.items():
        digest = hashlib.sha1(data).hexdigest()
        assert path == f"files/{digest[:2]}/{digest}"
    hashes = set(texts(xml(certificate, "files.xml"), "//file/contenthash"))
    assert {p.rsplit("/", 1)[1] for p in stored} == hashes


def test_every_activity_file_is_referenced_by_its_task(certificate):
    # The restore loads a file only when some inforef.xml names it (questions excepted).
    referenced = set()
    for path, data in certificate.items():
        if path.endswith("inforef.xml"):
            referenced |= set(texts(etree.fromstring(data), "//fileref/file/id"))
    for node in xml(certificate, "files.xml").iterfind("file"):
        if node.findtext("component") not in ("question", "qtype_essay"):
            assert node.get("id") in referenced, node.findtext("filename")


def test_files_keep_their_names_with_spaces_and_text_points_at_them(certificate):
    names = texts(xml(certificate, "files.xml"), "//file/filename")
    assert "course map.png" in names and "programme template.txt" in names
    pages = b"".join(d for p, d in certificate.items() if p.endswith("/page.xml")).decode()
    assert "@@PLUGINFILE@@/images/course%20map.png" in pages
    assert "ilead:" not in pages


def test_links_between_items_are_moodle_encoded_links(certificate):
    manifest = xml(certificate, "moodle_backup.xml")
    cmids = {a.findtext("title"): a.findtext("moduleid") for a in manifest.iterfind(".//activities/activity")}
    pages = {p: d.decode() for p, d in certificate.items() if p.endswith("/page.xml")}
    everything = "".join(pages.values())
    assert f"$@FORUMVIEWBYID*{cmids['Introduce yourself']}@$" in everything
    assert re.search(r"\$@QUIZVIEWBYID\*\d+@\$#service-population", everything)
    assert re.search(r"\$@COURSESECTIONBYID\*\d+@\$", everything)


# -- determinism and identifiers ----------------------------------------------------------------
def test_the_same_source_gives_byte_identical_backups(tmp_path):
    first, _ = build(FIDELITY, "mbz", tmp_path / "a", offering="all")
    second, _ = build(FIDELITY, "mbz", tmp_path / "b", offering="all")
    assert [r.path.name for r in first] == ["FIDELITY-1-mbz-mooc.mbz", "FIDELITY-1-mbz-certificate.mbz"]
    for a, b in zip(first, second):
        assert a.path.read_bytes() == b.path.read_bytes()
    with tarfile.open(first[0].path) as archive:
        assert {m.mtime for m in archive.getmembers()} == {0}


def test_no_clock_every_time_is_the_course_start(certificate):
    start = int(dt.datetime(2027, 1, 11, tzinfo=dt.timezone.utc).timestamp())
    times = set()
    for path, data in certificate.items():
        if path.endswith(".xml"):
            root = etree.fromstring(data)
            times |= {int(n.text) for n in root.iter("timecreated", "timemodified", "added", "backup_date")}
    assert times == {start}


def test_activities_carry_the_source_identifiers(certificate):
    manifest = xml(certificate, "moodle_backup.xml")
    idnumbers = {etree.fromstring(certificate[f"{d}/module.xml"]).findtext("idnumber")
                 for d in texts(manifest, "//contents/activities/activity/directory")}
    course = select_offering(read_course(FIDELITY), "certificate")
    assert {i.full_id for i in course.items()} <= idnumbers


def test_names_with_angle_brackets_are_kept_as_entities(certificate):
    course = xml(certificate, "course/course.xml")
    assert course.findtext("fullname").startswith("Fidelity &lt;Cohort A&gt; & Partners")


# -- options and refusals ------------------------------------------------------------------------
def test_the_target_and_its_alias_are_registered():
    registry = Registry()
    assert registry.load("mbz") is MbzExporter and registry.load("moodlebackup") is MbzExporter
    assert registry.resolve("moodlebackup") == ["mbz"]


def test_a_time_zone_moves_the_due_time(tmp_path):
    root = tmp_path / "course"
    import shutil
    shutil.copytree(FIDELITY, root)
    yml = root / "course.yml"
    yml.write_text(yml.read_text() + "exporters:\n  mbz: {timezone: America/Chicago}\n")
    files = backup(root, "certificate")
    due = [int(etree.fromstring(d).findtext("assign/duedate")) for p, d in files.items() if p.endswith("/assign.xml")]
    # week 2 ends on 2027-01-24; 23:59:59 in Chicago is 05:59:59 UTC the next day.
    assert due == [int(dt.datetime(2027, 1, 25, 5, 59, 59, tzinfo=dt.timezone.utc).timestamp())]


def test_an_unknown_time_zone_is_a_located_error(tmp_path):
    root = tmp_path / "course"
    import shutil
    shutil.copytree(FIDELITY, root)
    yml = root / "course.yml"
    yml.write_text(yml.read_text() + "exporters:\n  mbz: {timezone: Mars/Olympus}\n")
    with pytest.raises(CourseError) as caught:
        build(root, "mbz", tmp_path / "out")
    message = caught.value.format_message()
    assert "course.yml:" in message and "unknown time zone 'Mars/Olympus'" in message
    assert not (tmp_path / "out").exists()


def test_fractional_points_on_an_assignment_are_refused_at_the_item(tmp_path):
    root = write_tree(tmp_path / "course", {
        "course.yml": "title: T\ncode: T-1\nstart: 2027-01-11\n",
        "modules/01-m/module.md": "---\ntitle: M\n---\nOverview.\n",
        "modules/01-m/01-essay.md": "---\ntitle: Essay\ntype: assignment\npoints: 2.5\n---\nWrite.\n",
    })
    with pytest.raises(CourseError) as caught:
        build(root, "mbz", tmp_path / "out")
    message = caught.value.format_message()
    assert "modules/01-m/01-essay.md:1: error: points: 2.5" in message
    assert not (tmp_path / "out").exists()


def test_a_course_without_start_date_warns_and_uses_a_fixed_epoch(tmp_path):
    root = write_tree(tmp_path / "course", {
        "course.yml": "title: T\ncode: T-1\n",
        "modules/01-m/module.md": "---\ntitle: M\n---\nOverview.\n",
        "modules/01-m/01-p.md": "---\ntitle: P\n---\nText.\n",
    })
    results, _ = build(root, "mbz", tmp_path / "out")
    assert any("no start date" in w.message for w in results[0].warnings)
    with tarfile.open(results[0].path) as archive:
        course = etree.fromstring(archive.extractfile("course/course.xml").read())
    assert int(course.findtext("startdate")) == int(dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc).timestamp())


def test_the_archive_is_a_gzipped_tar_as_moodle_writes_mbz(tmp_path):
    results, _ = build(FIDELITY, "mbz", tmp_path / "out", offering="mooc")
    data = results[0].path.read_bytes()
    assert data[:2] == b"\x1f\x8b"
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        names = archive.getnames()
    assert "moodle_backup.xml" in names and not any(n.startswith(("/", "..")) for n in names)


def test_one_content_in_several_file_areas_is_stored_once(tmp_path):
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
    root = write_tree(tmp_path / "course", {
        "course.yml": "title: T\ncode: T-1\nstart: 2027-01-11\n",
        "modules/01-m/module.md": "---\ntitle: M\n---\n![Map](images/map.png)\n",
        "modules/01-m/images/map.png": png,
        "modules/01-m/images/copy.png": png,
        "modules/01-m/01-a.md": "---\ntitle: A\n---\n![Map](images/map.png)\n",
        "modules/01-m/02-b.md": "---\ntitle: B\n---\n![Copy](images/copy.png)\n",
    })
    files = backup(root, "default")
    records = xml(files, "files.xml").findall("file")
    assert sorted((r.findtext("component"), r.findtext("filename")) for r in records) == [
        ("course", "map.png"), ("mod_page", "copy.png"), ("mod_page", "map.png")]
    assert len({r.findtext("contenthash") for r in records}) == 1
    assert len([p for p in files if p.startswith("files/")]) == 1


def test_a_title_longer_than_moodle_keeps_is_refused_at_the_item(tmp_path):
    root = write_tree(tmp_path / "course", {
        "course.yml": "title: T\ncode: T-1\nstart: 2027-01-11\n",
        "modules/01-m/module.md": "---\ntitle: M\n---\nOverview.\n",
        "modules/01-m/01-p.md": f"---\ntitle: {'Long ' * 60}\n---\nText.\n",
    })
    with pytest.raises(CourseError) as caught:
        build(root, "mbz", tmp_path / "out")
    assert "modules/01-m/01-p.md:1: error: the title is 299 characters long; Moodle keeps at most 254" \
        in caught.value.format_message()


def test_partial_credit_on_multiple_answer_questions_is_a_note(tmp_path):
    results, _ = build(FIDELITY, "mbz", tmp_path / "out", offering="mooc")
    assert any("multiple-answer" in n.message for n in results[0].notes)


def test_a_criterion_with_performance_levels_gets_exactly_those_levels_lowest_first():
    from types import SimpleNamespace as Level
    from ilead_moodle_backup.rubric import levels_of
    criterion = Level(criterion="Analysis", points=8, description="Names barriers with evidence.", levels=(
        Level(label="Strong", points=8, description="Every barrier, with evidence."),
        Level(label="Developing", points=4, description="Some barriers."),
        Level(label="Missing", points=0, description="")))
    assert [(level.score, level.definition) for level in levels_of(criterion)] == [
        (0.0, "Missing"), (4.0, "Developing: Some barriers."), (8.0, "Strong: Every barrier, with evidence.")]


def test_a_criterion_without_levels_gets_none_and_all_of_its_points():
    from types import SimpleNamespace as Criterion
    from ilead_moodle_backup.rubric import levels_of
    levels = levels_of(Criterion(criterion="Writing", points=4, description="Clear.", levels=()))
    assert [(level.score, level.definition) for level in levels] == [(0.0, "Not yet: Clear."), (4.0, "Meets: Clear.")]


def test_questions_xml_printed_a_category_at_a_time_is_the_whole_tree_printed_at_once():
    from ilead_moodle_backup.xml import container, serialize, serialize_streamed

    def categories():
        parsed = etree.fromstring(
            "<r><question_category id='1'><name>A &amp; B</name><info/>"
            "<questiontext>&lt;p&gt;line\n  two&lt;/p&gt;</questiontext>"
            "<mixed>text <b>bold</b> tail</mixed><deep><er><est>x</est></er></deep></question_category>"
            "<question_category id='2'><name>Ünïcode 漢</name></question_category></r>")
        return list(parsed)

    assert serialize_streamed("question_categories", categories()) == \
        serialize(container("question_categories", categories()))
    assert serialize_streamed("question_categories", []) == serialize(container("question_categories"))


# -- the question bank scores what the source says ------------------------------------------
# Moodle restores answers with the fraction of the grade each earns; a wrong fraction is a
# wrong mark for every learner, so these are spelled out for the fidelity course's quiz.
def questions(files: dict[str, bytes]) -> dict[str, etree._Element]:
    return {q.findtext("name"): q for q in xml(files, "questions.xml").iter("question")}


def plugin(question: etree._Element, path: str) -> list[etree._Element]:
    """Elements where Moodle's restore reads them: below ``plugin_qtype_<qtype>_question``
    (restore_qtype_plugin::get_pathfor), e.g. ``answers/answer`` or ``multichoice``."""
    return question.findall(f"plugin_qtype_{question.findtext('qtype')}_question/{path}")


def answers(question: etree._Element) -> dict[str, tuple[str, str]]:
    """answer id -> (text, fraction) of every answer of a question."""
    return {a.get("id"): (a.findtext("answertext"), a.findtext("fraction")) for a in plugin(question, "answers/answer")}


def test_one_answer_questions_give_the_whole_mark_to_the_right_choice_only(certificate):
    bank = questions(certificate)
    equity = bank["Equity and equality"]
    assert equity.findtext("qtype") == "multichoice" and plugin(equity, "multichoice/single")[0].text == "1"
    assert sorted(answers(equity).values()) == [
        ("Counting how many groups are represented on staff", "0.0000000"),
        ("Giving every patron exactly the same service", "0.0000000"),
        ("Taking difference into account so that process and outcome are fair", "1.0000000")]
    true_false = bank["Equity is the same as equality"]
    (record,), by_id = plugin(true_false, "truefalse"), answers(true_false)
    assert by_id[record.findtext("trueanswer")] == ("True", "0.0000000")
    assert by_id[record.findtext("falseanswer")] == ("False", "1.0000000")


def test_several_answer_questions_share_the_mark_among_the_right_choices_and_take_it_for_a_wrong_one(certificate):
    inclusive = questions(certificate)["Inclusive practices"]
    assert plugin(inclusive, "multichoice/single")[0].text == "0"
    assert sorted(answers(inclusive).values()) == [
        ("Closing the branch on weekends", "-1.0000000"),
        ("Holding events at times that suit working patrons", "0.5000000"),
        ("Offering materials in the languages of the community", "0.5000000"),
        ("Requiring a photo ID for every visit", "-1.0000000")]


def test_every_accepted_short_answer_earns_the_whole_mark(certificate):
    assert sorted(answers(questions(certificate)["Name the accrediting body"]).values()) == [
        ("ALA", "1.0000000"), ("American Library Association", "1.0000000"),
        ("The American Library Association", "1.0000000")]


def test_choice_questions_restore_shuffled_numbered_abc_with_html_feedback(certificate):
    """The multichoice record holds what Moodle's own question editor saves for such a
    question; ``single`` and ``shownumcorrect`` follow one or several right answers."""
    bank = questions(certificate)
    for name, single in (("Equity and equality", "1"), ("Inclusive practices", "0")):
        (record,) = plugin(bank[name], "multichoice")
        assert record.get("id") and {field.tag: field.text for field in record} == {
            "layout": "0", "single": single, "shuffleanswers": "1", "correctfeedback": None,
            "correctfeedbackformat": "1", "partiallycorrectfeedback": None, "partiallycorrectfeedbackformat": "1",
            "incorrectfeedback": None, "incorrectfeedbackformat": "1", "answernumbering": "abc",
            "shownumcorrect": "0" if single == "1" else "1", "showstandardinstruction": "0"}


def test_every_question_type_restores_with_the_settings_moodle_saves_for_it(certificate):
    """Moodle's defaults for each question type (qtype_numerical::UNITNONE is 3, the essay form
    defaults to the editor and 10 lines); what a choice says keeps its HTML, a typed answer is
    plain text (Moodle compares it with what the learner types)."""
    bank = questions(certificate)

    def fields(name: str, path: str) -> dict[str, str | None]:
        (record,) = plugin(bank[name], path)
        assert record.get("id")
        return {field.tag: field.text for field in record}

    true_false = fields("Equity is the same as equality", "truefalse")
    assert true_false.pop("showstandardinstruction") == "0" and set(true_false) == {"trueanswer", "falseanswer"}
    assert fields("Name the accrediting body", "shortanswer") == {"usecase": "0"}  # case does not matter
    assert fields("Service population", "numerical_options/numerical_option") == {
        "showunits": "3", "unitsleft": "0", "unitgradingtype": "0", "unitpenalty": "0.1000000"}
    essay = fields("Reflect", "essay")
    assert {k: essay[k] for k in ("responseformat", "responserequired", "responsefieldlines", "attachments",
                                  "graderinfoformat")} == {"responseformat": "editor", "responserequired": "1",
                                                           "responsefieldlines": "10", "attachments": "0",
                                                           "graderinfoformat": "1"}
    assert "names the barrier" in essay["graderinfo"]
    formats = {name: {a.findtext("answerformat") for a in plugin(q, "answers/answer")} for name, q in bank.items()}
    assert formats == {"Equity and equality": {"1"}, "Inclusive practices": {"1"}, "Plan first": {"1"},
                       "Equity is the same as equality": {"0"}, "Name the accrediting body": {"0"},
                       "Count the branches": {"0"}, "Service population": {"0"}, "Two accepted ranges": {"0"},
                       "Reflect": set()}


def numeric_answers(question: etree._Element) -> list[tuple[str, str]]:
    """(answer, tolerance) of each accepted number, as Moodle pairs them (by answer id)."""
    by_id = answers(question)
    assert all(fraction == "1.0000000" for _, fraction in by_id.values())
    return sorted((by_id[r.findtext("answer")][0], r.findtext("tolerance"))
                  for r in plugin(question, "numerical_records/numerical_record"))


def test_a_numeric_answer_is_the_middle_of_its_range_with_half_the_range_either_way(certificate):
    bank = questions(certificate)
    assert numeric_answers(bank["Count the branches"]) == [("2", "0")]
    assert numeric_answers(bank["Service population"]) == [("400", "10")]
    assert numeric_answers(bank["Two accepted ranges"]) == [("15", "5"), ("3", "2")]


def test_numbers_are_written_as_a_person_types_them_and_an_asterisk_is_not_a_wildcard(tmp_path):
    root = write_tree(tmp_path / "course", {
        "course.yml": "title: T\ncode: T-1\nstart: 2027-01-11\n",
        "modules/01-m/module.md": "---\ntitle: M\n---\nOverview.\n",
        "modules/01-m/01-q.md": "---\ntitle: Q\ntype: quiz\n---\nAnswer.\n\n"
                                "### Tenth {type=numeric}\nA tenth?\n\n= 0.1\n\n"
                                "### Decades {type=numeric}\nHow many decades?\n\n= 10..30\n= 0.5..1.25\n\n"
                                "### Nothing {type=numeric}\nAbout nothing?\n\n= -0.5..0.5\n\n"
                                "### Minus zero {type=numeric}\nMinus nothing?\n\n= -0\n\n"
                                "### Star {type=short_answer}\nThe footnote mark?\n\n= A*\n",
    })
    course = read_course(root)
    bundle = MbzExporter(exporter_options(course, MbzExporter, "mbz")).build_bundle(course)
    bank = questions({path: entry.read() for path, entry in bundle.files.items()})
    assert numeric_answers(bank["Tenth"]) == [("0.1", "0")]
    assert numeric_answers(bank["Decades"]) == [("0.875", "0.375"), ("20", "10")]
    assert numeric_answers(bank["Nothing"]) == [("0", "0.5")]
    assert numeric_answers(bank["Minus zero"]) == [("0", "0")]
    # Moodle's short answer reads '*' as "anything": escaped, only 'A*' itself is accepted.
    assert list(answers(bank["Star"]).values()) == [("A\\*", "1.0000000")]


def test_an_image_in_a_choice_feedback_or_an_essay_guidance_is_stored_where_moodle_shows_it(tmp_path):
    """Moodle serves @@PLUGINFILE@@ of an answer's feedback from (question, answerfeedback,
    answer id) and of an essay's grader information from (qtype_essay, graderinfo, question id)."""
    png = next(FIDELITY.rglob("*.png")).read_bytes()
    root = write_tree(tmp_path / "course", {
        "course.yml": "title: T\ncode: T-1\nstart: 2027-01-11\n",
        "modules/01-m/module.md": "---\ntitle: M\n---\nOverview.\n",
        "modules/01-m/map.png": png,
        "modules/01-m/01-q.md": "---\ntitle: Q\ntype: quiz\n---\nAnswer.\n\n"
                                "### Pick {type=multiple_choice}\nWhich?\n\n- [x] Here\n  > See ![the map](map.png)\n"
                                "- [ ] There\n\n### Write {type=essay}\nWrite.\n\n> Compare ![the map](map.png)\n",
    })
    course = read_course(root)
    bundle = MbzExporter(exporter_options(course, MbzExporter, "mbz")).build_bundle(course)
    files = {path: entry.read() for path, entry in bundle.files.items()}
    bank = questions(files)
    (answer,) = [a for a in plugin(bank["Pick"], "answers/answer") if "@@PLUGINFILE@@/map.png" in a.findtext("feedback")]
    stored = {(f.findtext("component"), f.findtext("filearea"), f.findtext("itemid"))
              for f in xml(files, "files.xml") if f.findtext("filename") == "map.png"}
    assert ("question", "answerfeedback", answer.get("id")) in stored
    assert ("qtype_essay", "graderinfo", bank["Write"].get("id")) in stored
