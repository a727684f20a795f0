"""Every Common Cartridge rule of ``ilead-shell validate``: the base cartridges are clean, and
one small edit per rule makes exactly that rule fire (at the member and line it names)."""

from __future__ import annotations

import copy

import pytest
from lxml import etree

from validation_support import CC11, CC13, QTI, edit_xml, find, rules, tree, validate_files

Q = f"{{{QTI}}}"
M11 = f"{{{CC11}}}"
M13 = f"{{{CC13}}}"
MANIFEST = "imsmanifest.xml"
QUIZ = "R_quiz/assessment_qti.xml"


def manifest(change, version="cc11"):
    return lambda files: edit_xml(files, MANIFEST, change)


def quiz(change, member=QUIZ):
    return lambda files: edit_xml(files, member, change)


def item(root, ident):
    return root.find(f".//{Q}item[@ident='{ident}']")


def conditions(root, ident):
    return item(root, ident).findall(f"{Q}resprocessing/{Q}respcondition")


def add_file(name, data):
    def change(files):
        changed = dict(files)
        changed[name] = data
        return changed
    return change


def drop(name):
    return lambda files: {k: v for k, v in files.items() if k != name}


def both(*changes):
    def change(files):
        for one in changes:
            files = one(files)
        return files
    return change


# -- manifest edits (CC 1.1 base) ---------------------------------------------------------------
def _set(path, attribute, value, ns=CC11):
    def change(root):
        find(root, path, ns).set(attribute, value)
    return change


def _text(path, value, ns=CC11):
    def change(root):
        find(root, path, ns).text = value
    return change


def _remove(path, ns=CC11):
    def change(root):
        node = find(root, path, ns)
        node.getparent().remove(node)
    return change


def _duplicate(path, ns=CC11, mutate=None):
    def change(root):
        node = find(root, path, ns)
        twin = copy.deepcopy(node)
        if mutate:
            mutate(twin)
        node.addnext(twin)
    return change


def _add(path, tag, attributes=None, text=None, ns=CC11, first=False):
    def change(root):
        parent = find(root, path, ns)
        child = etree.Element(tag if tag.startswith("{") else f"{{{ns}}}{tag}", attributes or {})
        child.text = text
        parent.insert(0, child) if first else parent.append(child)
    return change


RESOURCE = "m:resources/m:resource[@identifier='{}']"
ITEM = ".//m:item[@identifier='{}']"


def _tf_idents(root):
    tf = item(root, "Q_tf")
    for node in tf.iter(f"{Q}response_label", f"{Q}varequal"):
        if node.get("ident") in ("true", "false"):
            node.set("ident", {"true": "c1", "false": "c2"}[node.get("ident")])
        if node.text in ("true", "false"):
            node.text = {"true": "c1", "false": "c2"}[node.text]


def _feedback_first(root):
    """Our pre-fix order: per-choice feedback conditions before the scoring one."""
    mc = item(root, "Q_mc").find(f"{Q}resprocessing")
    scoring, feedback = conditions(root, "Q_mc")
    mc.remove(scoring)
    mc.append(scoring)
    extra = copy.deepcopy(feedback)
    extra.find(f"{Q}conditionvar/{Q}varequal").text = "c3"
    feedback.addnext(extra)


def _feedback_after_key(root):
    """The right choice's own feedback in a condition after the scoring one: Moodle takes the
    score of the last condition naming a choice, so the right answer scores 0 there."""
    scoring = conditions(root, "Q_mc")[0]
    echo = copy.deepcopy(scoring)
    echo.set("continue", "Yes")
    echo.remove(echo.find(f"{Q}setvar"))
    item(root, "Q_mc").find(f"{Q}resprocessing").append(echo)


def _mr_without_case(root):
    for varequal in item(root, "Q_mr").iter(f"{Q}varequal"):
        del varequal.attrib["case"]


def _alternatives_apart(root):
    """Accepted answers in separate scoring conditions (our pre-fix form)."""
    (condition,) = conditions(root, "Q_fib")
    second = copy.deepcopy(condition)
    variable = condition.find(f"{Q}conditionvar")
    variable.remove(variable[1])
    second_variable = second.find(f"{Q}conditionvar")
    second_variable.remove(second_variable[0])
    condition.addnext(second)


def _range(root):
    (condition,) = conditions(root, "Q_fib")
    variable = condition.find(f"{Q}conditionvar")
    variable.clear()
    etree.SubElement(variable, f"{Q}vargte", respident="response1").text = "390"


def _no_score(root):
    for setvar in item(root, "Q_mc").iter(f"{Q}setvar"):
        setvar.getparent().remove(setvar)


def _essay_without_condition(root):
    processing = item(root, "Q_essay").find(f"{Q}resprocessing")
    for condition in processing.findall(f"{Q}respcondition"):
        processing.remove(condition)


def _feedback_as_solution(root):
    feedback = item(root, "Q_essay").find(f"{Q}itemfeedback")
    flow = feedback.find(f"{Q}flow_mat")
    feedback.remove(flow)
    solution = etree.SubElement(etree.SubElement(feedback, f"{Q}solution"), f"{Q}solutionmaterial")
    solution.append(flow)


def _profile(ident, value):
    def change(root):
        for field in item(root, ident).iter(f"{Q}qtimetadatafield"):
            if field.findtext(f"{Q}fieldlabel") == "cc_profile":
                field.find(f"{Q}fieldentry").text = value
    return change


def _weighting(value):
    def change(root):
        for field in item(root, "Q_mc").iter(f"{Q}qtimetadatafield"):
            if field.findtext(f"{Q}fieldlabel") == "cc_weighting":
                field.find(f"{Q}fieldentry").text = value
    return change


def _drop_label(ident, label):
    def change(root):
        node = item(root, ident).find(f".//{Q}response_label[@ident='{label}']")
        node.getparent().remove(node)
    return change


def _empty_section(root):
    section = root.find(f".//{Q}section")
    for child in list(section):
        section.remove(child)


def _duplicate_item(root):
    first = item(root, "Q_tf")
    first.addnext(copy.deepcopy(first))


def _no_title(root):
    del item(root, "Q_mc").attrib["title"]


def _no_resprocessing(root):
    node = item(root, "Q_mc").find(f"{Q}resprocessing")
    node.getparent().remove(node)


def _varsubstring(root):
    (condition,) = conditions(root, "Q_fib")
    etree.SubElement(condition.find(f"{Q}conditionvar"), f"{Q}varsubstring", respident="response1").text = "Lib"


def _lid_in_fib(root):
    fib = item(root, "Q_fib").find(f"{Q}presentation")
    fib.append(copy.deepcopy(item(root, "Q_mc").find(f".//{Q}response_lid")))


def _unknown_choice(root):
    conditions(root, "Q_mc")[1].find(f"{Q}conditionvar/{Q}varequal").text = "c9"


def _respident(root):
    (condition,) = conditions(root, "Q_fib")
    condition.find(f"{Q}conditionvar/{Q}varequal").set("respident", "other")


def _essay_varequal(root):
    (condition,) = conditions(root, "Q_essay")
    etree.SubElement(condition.find(f"{Q}conditionvar"), f"{Q}varequal", respident="response1").text = "x"


def _essay_scored(root):
    for field in item(root, "Q_essay").iter(f"{Q}qtimetadatafield"):
        if field.findtext(f"{Q}fieldlabel") == "qmd_computerscored":
            field.find(f"{Q}fieldentry").text = "Yes"


def _two_assessments(root):
    root.append(copy.deepcopy(root.find(f"{Q}assessment")))


def _fib_no_answer(root):
    (condition,) = conditions(root, "Q_fib")
    condition.remove(condition.find(f"{Q}setvar"))


def _link_in_page(href):
    def change(files):
        page = files["pages/page.html"].replace(b"https://example.org/guide", href.encode())
        return {**files, "pages/page.html": page}
    return change


def _link_in_topic(href):
    def change(root):
        text = root.find("{*}text")
        text.text = f'<p><img src="{href}" alt="map"/></p>'
    return lambda files: edit_xml(files, "R_topic/topic.xml", change)


def _lar_assignment(files):
    files = add_file("A_essay/essay.html", b"<html><body><p>Write.</p></body></html>")(files)
    files = add_file("A_essay/assignment_settings.xml", b"<?xml version='1.0'?><assignment "
                     b"xmlns='http://canvas.instructure.com/xsd/cccv1p0' identifier='A'><title>E</title>"
                     b"</assignment>")(files)

    def change(root):
        resources = find(root, "m:resources", CC11)
        lar = etree.SubElement(resources, f"{M11}resource", identifier="A_essay",
                               type="associatedcontent/imscc_xmlv1p1/learning-application-resource",
                               href="A_essay/essay.html")
        etree.SubElement(lar, f"{M11}file", href="A_essay/essay.html")
        etree.SubElement(lar, f"{M11}file", href="A_essay/assignment_settings.xml")
        module = find(root, ITEM.format("I_module"), CC11)
        entry = etree.SubElement(module, f"{M11}item", identifier="I_essay", identifierref="A_essay")
        etree.SubElement(entry, f"{M11}title").text = "Essay"
    return edit_xml(files, MANIFEST, change)


def _move_namespace_late(files):
    """The default namespace declared after 1 KB of attributes: Moodle reads only the start."""
    text = files[MANIFEST].decode()
    text = text.replace(f'<manifest xmlns="{CC11}" ', '<manifest ' + " ".join(
        f'xmlns:x{i}="urn:x-padding-{i:04d}"' for i in range(40)) + f' xmlns="{CC11}" ', 1)
    return {**files, MANIFEST: text.encode()}


def _entities(files):
    bomb = (b'<?xml version="1.0"?>\n<!DOCTYPE topic [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>\n'
            b'<topic xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imsdt_v1p1"><title>&b;</title>'
            b'<text texttype="text/plain">x</text></topic>')
    return {**files, "R_topic/topic.xml": bomb}


CC11_CASES = [
    # packaging (IMS CC)
    ("error", "cc/identifier", manifest(_set(RESOURCE.format("R_page"), "identifier", "1-page"))),
    ("error", "cc/duplicate-identifier", manifest(_duplicate(RESOURCE.format("R_page")))),
    ("warning", "cc/shared-identifier", manifest(_set(ITEM.format("I_intro"), "identifier", "R_intro"))),
    ("error", "cc/organizations", manifest(_duplicate("m:organizations/m:organization",
                                                      mutate=lambda o: o.set("identifier", "ORG2")))),
    ("error", "cc/organization-structure", manifest(_set("m:organizations/m:organization", "structure", "flat"))),
    ("error", "cc/root-item", manifest(_duplicate("m:organizations/m:organization/m:item",
                                                  mutate=lambda i: [i.set("identifier", "ROOT2")] + [
                                                      c.getparent().remove(c) for c in list(i)]))),
    ("warning", "cc/root-title", manifest(_add("m:organizations/m:organization/m:item", "title", text="Root",
                                               first=True))),
    ("error", "cc/item-title", manifest(_remove(ITEM.format("I_page") + "/m:title"))),
    ("error", "cc/item-resource", manifest(_set(ITEM.format("I_page"), "identifierref", "R_gone"))),
    ("error", "cc/item-ref-and-children", manifest(_set(ITEM.format("I_module"), "identifierref", "R_page"))),
    ("error", "cc/missing-file", drop("pages/page.html")),
    ("error", "cc/file-twice", manifest(_duplicate(RESOURCE.format("R_page") + "/m:file"))),
    ("error", "cc/href-not-listed", manifest(_set(RESOURCE.format("R_page"), "href", "pages/other.html"))),
    ("error", "cc/descriptor-files", manifest(_set(RESOURCE.format("R_topic"), "href", "R_topic/topic.xml"))),
    ("error", "cc/dependency-repeat", manifest(_duplicate(RESOURCE.format("R_quiz") + "/m:dependency"))),
    ("error", "cc/dependency-missing", manifest(_set(RESOURCE.format("R_quiz") + "/m:dependency",
                                                     "identifierref", "R_gone"))),
    ("error", "cc/dependency-type", manifest(_add(RESOURCE.format("R_link"), "dependency",
                                                  {"identifierref": "R_map"}))),
    ("error", "cc/version-type", manifest(_set(RESOURCE.format("R_topic"), "type", "imsdt_xmlv1p3"))),
    ("error", "cc/question-banks", both(
        manifest(_add("m:resources", "resource", {"identifier": "B1",
                                                   "type": "imsqti_xmlv1p2/imscc_xmlv1p1/question-bank"})),
        manifest(_add("m:resources", "resource", {"identifier": "B2",
                                                   "type": "imsqti_xmlv1p2/imscc_xmlv1p1/question-bank"})))),
    ("warning", "cc/unlisted-file", add_file("files/stray.txt", b"left behind")),
    ("error", "cc/topic", lambda f: edit_xml(f, "R_topic/topic.xml", lambda r: r.remove(r.find("{*}text")))),
    ("error", "cc/weblink", lambda f: edit_xml(f, "R_link/weblink.xml", lambda r: r.remove(r.find("{*}url")))),
    ("error", "xml/well-formed", add_file("R_topic/topic.xml", b"<topic><title>unclosed</topic>")),
    ("error", "xml/entities", _entities),
    ("warning", "links/broken", _link_in_page("../files/missing.png")),
    # QTI profile
    ("error", "qti/structure", quiz(_two_assessments)),
    ("warning", "qti/empty-section", quiz(_empty_section)),
    ("error", "qti/duplicate-ident", quiz(_duplicate_item)),
    ("warning", "qti/item-title", quiz(_no_title)),
    ("error", "qti/weighting", quiz(_weighting("0.5"))),
    ("error", "qti/profile", quiz(_profile("Q_mc", "cc.matching.v0p1"))),
    ("error", "qti/no-resprocessing", quiz(_no_resprocessing)),
    ("error", "qti/varsubstring", quiz(_varsubstring)),
    ("error", "qti/presentation", quiz(_lid_in_fib)),
    ("error", "qti/choice-count", quiz(_drop_label("Q_mc", "c3"))),
    ("error", "qti/unknown-choice", quiz(_unknown_choice)),
    ("error", "qti/no-correct-choice", quiz(_no_score)),
    ("error", "qti/respident", quiz(_respident)),
    ("warning", "qti/numeric-range", quiz(_range)),
    ("error", "qti/no-correct-answer", quiz(_fib_no_answer)),
    ("error", "qti/essay-varequal", quiz(_essay_varequal)),
    ("warning", "qti/essay-scored", quiz(_essay_scored)),
    # Moodle
    ("error", "moodle/true-false-idents", quiz(_tf_idents)),
    ("warning", "moodle/correct-choices", quiz(_mr_without_case)),
    ("warning", "moodle/correct-choices", quiz(_feedback_after_key)),
    ("warning", "moodle/accepted-answers", quiz(_alternatives_apart)),
    ("warning", "moodle/feedback-solution", quiz(_feedback_as_solution)),
    ("warning", "moodle/question-marks", quiz(_weighting("2"))),
    ("error", "moodle/namespace-declaration", _move_namespace_late),
    ("error", "moodle/protected", manifest(_add(".", "authorizations", {"access": "cartridge"}))),
    ("error", "moodle/course-title", manifest(lambda r: setattr(
        r.find(".//{*}general/{*}title/{*}string"), "text", "Base course <Cohort A>"))),
    ("warning", "moodle/title-tags", manifest(_text(ITEM.format("I_page") + "/m:title", "Read <this> page"))),
    ("warning", "moodle/first-section", manifest(_remove(ITEM.format("I_intro")))),
    ("warning", "moodle/lar-item", _lar_assignment),
    ("warning", "moodle/links", _link_in_page("$IMS-CC-FILEBASE$/files/map.png")),
    # cc2olx
    ("warning", "cc2olx/correct-choices", quiz(_feedback_first)),
    ("warning", "cc2olx/accepted-answers", quiz(_alternatives_apart)),
    ("error", "cc2olx/essay-condition", quiz(_essay_without_condition)),
    ("warning", "cc2olx/not-imported", _lar_assignment),
    ("warning", "cc2olx/missing-content", both(add_file("web_resources/syllabus.pdf", b"%PDF-1.4"), manifest(
        lambda r: find(r, RESOURCE.format("R_map"), CC11).find(f"{M11}file").set("href", "web_resources/syllabus.pdf")
    ), manifest(_set(RESOURCE.format("R_map"), "href", "web_resources/syllabus.pdf")))),
    ("warning", "cc2olx/links", _link_in_page("../files/map.png")),
    ("warning", "moodle/links", _link_in_topic("$IMS-CC-FILEBASE$/web_resources/map.png")),
    # Canvas
    ("error", "canvas/schema", manifest(_text("m:metadata/m:schema", "Some Package"))),
    ("error", "canvas/schemaversion", manifest(_text("m:metadata/m:schemaversion", "1.1"))),
    ("warning", "canvas/unsupported-type", manifest(_add("m:resources", "resource", {
        "identifier": "R_epub", "type": "idpfepub_epubv3p0"}))),
    ("warning", "canvas/curriculum-standards", manifest(_add("m:metadata", "{urn:x-csmd}curriculumStandardsMetadata"))),
    ("warning", "canvas/flag", add_file("course_settings/module_meta.xml", b"<?xml version='1.0'?><modules "
                                        b"xmlns='http://canvas.instructure.com/xsd/cccv1p0'/>")),
    # the viewer
    ("warning", "viewer/resource-type", manifest(_set(RESOURCE.format("R_link"), "type", "imswl_xmlv1p2"))),
]


@pytest.fixture(scope="module")
def cc11():
    return tree("cc11")


@pytest.fixture(scope="module")
def cc13():
    return tree("cc13")


def test_the_base_cartridges_are_clean(cc11, cc13, tmp_path):
    assert validate_files(cc11, tmp_path, "cc11.imscc").findings == []
    # A 1.3 cartridge is out of Moodle's reach, and saying so is the only finding.
    assert rules(validate_files(cc13, tmp_path, "cc13.imscc")) == {("warning", "moodle/cc-version")}


@pytest.mark.parametrize("level,rule,change", CC11_CASES, ids=[f"{c[1]}-{i}" for i, c in enumerate(CC11_CASES)])
def test_each_rule_fires_on_its_broken_variant(cc11, tmp_path, level, rule, change):
    report = validate_files(change(dict(cc11)), tmp_path)
    fired = [f for f in report.findings if f.rule == rule]
    assert fired, f"{rule} did not fire; found {sorted(rules(report))}"
    assert {f.level for f in fired} == {level}
    for finding in fired:
        assert finding.affects, finding  # every finding names the LMSs it affects


def test_the_finding_names_member_line_reader_and_rule(cc11, tmp_path):
    report = validate_files(quiz(_tf_idents)(dict(cc11)), tmp_path, "old.imscc")
    (finding,) = [f for f in report.findings if f.rule == "moodle/true-false-idents"]
    assert finding.member == QUIZ and finding.line == etree.fromstring(
        quiz(_tf_idents)(dict(cc11))[QUIZ]).find(f".//{Q}item[@ident='Q_tf']").sourceline
    line = finding.format("old.imscc")
    assert line.startswith(f"old.imscc:{QUIZ}:{finding.line}: error: Moodle: question 'Equity is equality'")
    assert line.endswith("[moodle/true-false-idents]")


def test_cc2olx_reading_names_the_choices_it_gets_wrong(cc11, tmp_path):
    report = validate_files(quiz(_feedback_first)(dict(cc11)), tmp_path)
    (finding,) = [f for f in report.findings if f.rule == "cc2olx/correct-choices"]
    assert "marks 'The same service for everyone', 'Fair outcomes for different needs', 'Counting groups on staff'" \
        in finding.message
    assert "means 'Fair outcomes for different needs'" in finding.message
    # Moodle reads the same item right (the last condition naming a choice decides).
    assert "moodle/correct-choices" not in {f.rule for f in report.findings}


def test_moodle_takes_the_last_condition_that_names_a_choice(cc11, tmp_path):
    report = validate_files(quiz(_feedback_after_key)(dict(cc11)), tmp_path)
    (finding,) = [f for f in report.findings if f.rule == "moodle/correct-choices"]
    assert "Moodle marks none correct" in finding.message
    assert "cc2olx/correct-choices" not in {f.rule for f in report.findings}


def test_accepted_answers_lost_are_named(cc11, tmp_path):
    report = validate_files(quiz(_alternatives_apart)(dict(cc11)), tmp_path)
    messages = {f.rule: f.message for f in report.findings}
    assert "'American Library Association'" in messages["moodle/accepted-answers"]
    assert "'American Library Association'" in messages["cc2olx/accepted-answers"]


def test_moodle_rules_stay_quiet_on_a_cartridge_moodle_does_not_read(cc13, tmp_path):
    changed = lambda files: edit_xml(files, QUIZ, _tf_idents)  # noqa: E731
    report = validate_files(changed(dict(cc13)), tmp_path)
    assert "moodle/true-false-idents" not in {f.rule for f in report.findings}


CC13_CASES = [
    ("error", "viewer/assignment-submission-types", lambda f: edit_xml(
        f, "A_essay/assignment.xml", lambda r: r.remove(r.find("{*}extensions")))),
    ("error", "cc/assignment", lambda f: edit_xml(f, "A_essay/assignment.xml", lambda r: r.remove(r.find("{*}text")))),
    ("warning", "viewer/resource-type", lambda f: edit_xml(f, MANIFEST, _set(RESOURCE.format("R_quiz"), "type",
                                                           "imsqti_xmlv1p2/imscc_xmlv1p3/assessment", CC13))),
    ("error", "canvas/quiz-dialect", drop("non_cc_assessments/R_quiz.xml.qti")),
    ("warning", "canvas/flag", lambda f: edit_xml(f, MANIFEST, _set(RESOURCE.format("R_settings"), "href",
                                                  "course_settings/module_meta.xml", CC13))),
    ("warning", "canvas/file-root", add_file("course_settings/odd.xml", b"<?xml version='1.0'?><oddity "
                                             b"xmlns='http://canvas.instructure.com/xsd/cccv1p0'/>")),
    ("warning", "canvas/module-meta", lambda f: edit_xml(f, "course_settings/module_meta.xml", lambda r: setattr(
        r.find(".//{*}content_type"), "text", "Webcontent"))),
    ("error", "canvas/qti-structure", lambda f: edit_xml(f, "non_cc_assessments/R_quiz.xml.qti", lambda r: [
        r.remove(a) for a in r.findall(f"{Q}assessment")])),
    ("warning", "canvas/question-type", lambda f: edit_xml(f, "non_cc_assessments/R_quiz.xml.qti", lambda r: setattr(
        [e for e in r.iter(f"{Q}fieldentry") if e.text == "essay_question"][0], "text", "essay"))),
    ("warning", "canvas/points", lambda f: edit_xml(f, "non_cc_assessments/R_quiz.xml.qti", lambda r: setattr(
        [e for e in r.iter(f"{Q}fieldentry") if e.text == "1.0"][0], "text", "one"))),
    ("warning", "cc2olx/links", lambda f: {**f, "wiki_content/a-page.html": f["wiki_content/a-page.html"].replace(
        b"$IMS-CC-FILEBASE$/map.png", b"$IMS-CC-FILEBASE$../web_resources/map.png")}),
]


@pytest.mark.parametrize("level,rule,change", CC13_CASES, ids=[c[1] for c in CC13_CASES])
def test_each_canvas_and_viewer_rule_fires_on_its_broken_variant(cc13, tmp_path, level, rule, change):
    report = validate_files(change(dict(cc13)), tmp_path)
    fired = [f for f in report.findings if f.rule == rule]
    assert fired, f"{rule} did not fire; found {sorted(rules(report))}"
    assert {f.level for f in fired} == {level}
