"""Canvas extension files (namespace ``cccv1p0``): the settings a plain cartridge loses.

Element names and order follow real Canvas exports (shared/samples); Canvas reads a
fixed list of children, so only those that carry something from the source are written.
"""

from __future__ import annotations

import datetime as dt

from lxml import etree

from ilead_shell.audience import visible_to_learners
from ilead_shell.model import Assignment, Course, Discussion, Quiz

from . import ids
from .copies import append_copy, copy_of
from .profiles import CANVAS_NS, CANVAS_SCHEMA, XSI

C = f"{{{CANVAS_NS}}}"
SUBMISSION_TYPES = {"text": "online_text_entry", "file": "online_upload", "url": "online_url"}


def root(tag: str, identifier: str | None = None) -> etree._Element:
    node = etree.Element(f"{C}{tag}", nsmap={None: CANVAS_NS, "xsi": XSI})
    if identifier:
        node.set("identifier", identifier)
    node.set(f"{{{XSI}}}schemaLocation", CANVAS_SCHEMA)
    return node


def sub(parent: etree._Element, tag: str, text: object = None, **attrs: str) -> etree._Element:
    node = etree.SubElement(parent, f"{C}{tag}", attrs)
    if text is not None:
        node.text = text if isinstance(text, str) else _text(text)
    return node


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _put(node: etree._Element, value: object) -> None:
    """Into a copied element, the text ``sub`` would have written (none for None)."""
    node.text = value if value is None or isinstance(value, str) else _text(value)


def due_at(day: dt.date | None) -> str | None:
    """Canvas dates are UTC without a zone; a due day ends at 23:59:59."""
    return f"{day.isoformat()}T23:59:59" if day else None


def course_settings(course: Course) -> etree._Element:
    node = root("course", "RS_course_settings")
    sub(node, "title", course.display_title)
    sub(node, "course_code", course.code)
    start = course.offering_info().start or course.start
    sub(node, "start_at", f"{start.isoformat()}T00:00:00" if start else None)
    sub(node, "is_public", False)
    sub(node, "default_view", "modules")
    sub(node, "license", canvas_licence(course.license))
    sub(node, "grading_standard_enabled", False)
    if any(g.weight for g in course.grading.groups):
        sub(node, "group_weighting_scheme", "percent")  # the groups' weights count in the total
    sub(node, "locale", course.language)
    return node


CANVAS_LICENCES = {"CC-BY-4.0": "cc_by", "CC-BY-SA-4.0": "cc_by_sa", "CC-BY-NC-4.0": "cc_by_nc",
                   "CC-BY-NC-SA-4.0": "cc_by_nc_sa", "CC-BY-ND-4.0": "cc_by_nd", "CC-BY-NC-ND-4.0": "cc_by_nc_nd",
                   "CC0-1.0": "public_domain"}


def canvas_licence(licence: str | None) -> str:
    return CANVAS_LICENCES.get(licence or "", "private")


def assignment_groups(course: Course) -> etree._Element:
    node = root("assignmentGroups")
    for position, group in enumerate(course.grading.groups, start=1):
        entry = sub(node, "assignmentGroup", identifier=ids.group_id(group.id))
        sub(entry, "title", group.name)
        sub(entry, "position", position)
        sub(entry, "group_weight", float(group.weight))
    return node


def assignment_fields(parent: etree._Element, course: Course, item: Assignment | Discussion | Quiz,
                      points: float | None, submission_types: str, position: int) -> None:
    """The children shared by assignment_settings.xml and the graded parts of topics and quizzes."""
    sub(parent, "title", item.title)
    sub(parent, "due_at", due_at(getattr(item, "due", None)))
    group = course.grading.group(item.group)
    if group:
        sub(parent, "assignment_group_identifierref", ids.group_id(group.id))
    sub(parent, "workflow_state", "published" if visible_to_learners(item) else "unpublished")
    sub(parent, "points_possible", float(points) if points is not None else None)
    sub(parent, "grading_type", "points" if points is not None else "not_graded")
    sub(parent, "submission_types", submission_types)
    sub(parent, "position", position)


def _assignment_shape(course: Course, item, points: float | None) -> tuple:
    """What :func:`assignment_fields` writes, except what :func:`_fill_assignment` writes."""
    group = course.grading.group(item.group)
    return group.id if group else None, visible_to_learners(item), None if points is None else float(points)


def _fill_assignment(node: etree._Element, course: Course, item, identifier: str, position: int) -> None:
    """Into a copy of an element that :func:`assignment_fields` filled first, what its
    :func:`_assignment_shape` leaves out: ``identifier``, title, due date and position."""
    node.set("identifier", identifier)
    node[0].text = item.title
    _put(node[1], due_at(getattr(item, "due", None)))
    _put(node[7 if course.grading.group(item.group) else 6], position)


def assignment_settings(course: Course, item: Assignment, position: int) -> etree._Element:
    types = ",".join(SUBMISSION_TYPES[s] for s in item.submission)

    def make() -> etree._Element:
        node = root("assignment", ids.resource_id(item))
        assignment_fields(node, course, item, item.points, types, position)
        if item.rubric:
            sub(node, "rubric_identifierref", ids.rubric_id(item))
            sub(node, "rubric_use_for_grading", True)
            sub(node, "rubric_hide_score_total", False)
        return node

    shape = ("canvas-assignment", types, bool(item.rubric), _assignment_shape(course, item, item.points))
    node = copy_of(shape, make)
    if node is None:
        return make()
    _fill_assignment(node, course, item, ids.resource_id(item), position)
    if item.rubric:
        node[-3].text = ids.rubric_id(item)
    return node


def assignment_extension(item: Assignment) -> etree._Element:
    """Canvas's ``<extensions><assignment>`` of a CC 1.3 assignment, as Canvas exports it: the
    Canvas cartridge viewer reads its submission types and shows nothing without them."""
    node = root("assignment", f"{ids.resource_id(item)}_canvas")
    sub(node, "title", item.title)
    sub(node, "due_at", due_at(item.due))
    sub(node, "workflow_state", "published" if item.published else "unpublished")
    sub(node, "points_possible", float(item.points) if item.points is not None else None)
    sub(node, "grading_type", "points" if item.points is not None else "not_graded")
    sub(node, "submission_types", ",".join(SUBMISSION_TYPES[s] for s in item.submission))
    return node


def graded_assignment_id(item) -> str:
    return ids.xml_name("A", ids.item_slug(item))


def topic_meta(course: Course, item: Discussion, position: int) -> etree._Element:
    def make() -> etree._Element:
        node = root("topicMeta", ids.meta_resource_id(item))
        sub(node, "topic_id", ids.resource_id(item))
        sub(node, "title", item.title)
        sub(node, "type", "topic")
        sub(node, "discussion_type", "threaded")
        sub(node, "workflow_state", "active" if visible_to_learners(item) else "unpublished")
        sub(node, "position", position)
        if item.graded:
            assignment = sub(node, "assignment", identifier=graded_assignment_id(item))
            assignment_fields(assignment, course, item, item.points, "discussion_topic", position)
        return node

    shape = ("canvas-topic", visible_to_learners(item), item.graded and _assignment_shape(course, item, item.points))
    node = copy_of(shape, make)
    if node is None:
        return make()
    node.set("identifier", ids.meta_resource_id(item))
    node[0].text = ids.resource_id(item)
    node[1].text = item.title
    _put(node[5], position)
    if item.graded:
        _fill_assignment(node[6], course, item, graded_assignment_id(item), position)
    return node


def assessment_meta(course: Course, item: Quiz, description: str, position: int) -> etree._Element:
    def make() -> etree._Element:
        node = root("quiz", ids.resource_id(item))
        sub(node, "title", item.title)
        sub(node, "description", description)
        sub(node, "shuffle_answers", item.shuffle)
        sub(node, "scoring_policy", "keep_highest")
        sub(node, "quiz_type", "assignment")
        sub(node, "points_possible", float(item.points))
        sub(node, "show_correct_answers", True)
        sub(node, "allowed_attempts", -1 if item.attempts is None else item.attempts)
        sub(node, "one_question_at_a_time", False)
        sub(node, "cant_go_back", False)
        sub(node, "available", visible_to_learners(item))
        group = course.grading.group(item.group)
        assignment = sub(node, "assignment", identifier=graded_assignment_id(item))
        assignment_fields(assignment, course, item, item.points, "online_quiz", position)
        sub(assignment, "quiz_identifierref", ids.resource_id(item))
        if group:
            sub(node, "assignment_group_identifierref", ids.group_id(group.id))
        return node

    shape = ("canvas-quiz", item.shuffle, item.attempts, _assignment_shape(course, item, item.points))
    node = copy_of(shape, make)
    if node is None:
        return make()
    node.set("identifier", ids.resource_id(item))
    node[0].text = item.title
    node[1].text = description
    assignment = node[11]
    _fill_assignment(assignment, course, item, graded_assignment_id(item), position)
    assignment[-1].text = ids.resource_id(item)
    return node


def rubrics(course: Course) -> etree._Element:
    node = root("rubrics")
    for item in course.items():
        if not isinstance(item, Assignment) or not item.rubric:
            continue
        rubric = sub(node, "rubric", identifier=ids.rubric_id(item))
        sub(rubric, "read_only", False)
        sub(rubric, "title", f"Rubric: {item.title}")
        sub(rubric, "reusable", False)
        sub(rubric, "public", False)
        sub(rubric, "points_possible", float(sum(c.points for c in item.rubric)))
        sub(rubric, "hide_score_total", False)
        sub(rubric, "free_form_criterion_comments", False)
        criteria = sub(rubric, "criteria")
        for number, row in enumerate(item.rubric, start=1):
            criterion_id = f"_c{number}"
            criterion = sub(criteria, "criterion")
            sub(criterion, "criterion_id", criterion_id)
            sub(criterion, "points", float(row.points))
            sub(criterion, "description", row.criterion)
            sub(criterion, "long_description", row.description)
            ratings = sub(criterion, "ratings")
            # The author's performance levels become Canvas ratings (highest first, as Canvas
            # lists them); a criterion without levels keeps Canvas's own full/no marks pair.
            levels = [(f"{criterion_id}_l{n}", level.label, level.points, level.description)
                      for n, level in enumerate(row.levels, start=1)] or [
                (f"{criterion_id}_full", "Full marks", row.points, ""), (f"{criterion_id}_none", "No marks", 0.0, "")]
            for rating_id, label, points, long_description in levels:
                rating = sub(ratings, "rating")
                sub(rating, "description", label)
                sub(rating, "points", float(points))
                sub(rating, "criterion_id", criterion_id)
                if long_description:
                    sub(rating, "long_description", long_description)
                sub(rating, "id", rating_id)
    return node


def learning_outcomes(course: Course, alignments: dict[str, list[tuple[str, str]]]) -> etree._Element:
    """Course outcomes in one group, each module's outcomes in another; ``alignments`` maps an
    outcome id to (content_type, content_id) pairs of the graded things that assess it."""
    node = root("learningOutcomes")
    groups = [("OG_course", "Course outcomes", "", course.outcomes)]
    groups += [(ids.xml_name("OG", m.id), f"Module: {m.title}", "", m.outcomes) for m in course.modules if m.outcomes]
    mastery = course.grading.pass_percent
    for identifier, title, description, outcomes in groups:
        group = sub(node, "learningOutcomeGroup", identifier=identifier)
        sub(group, "title", title)
        sub(group, "description", description)
        holder = sub(group, "learningOutcomes")
        for outcome in outcomes:
            entry = _outcome_entry(holder, outcome)
            found = alignments.get(outcome.id, [])
            if found:
                holder_alignments = sub(entry, "alignments")
                for position, (content_type, content_id) in enumerate(found, start=1):
                    _alignment(holder_alignments, content_type, content_id, (mastery or 70.0) / 100, position)
    return node


def _outcome_entry(parent: etree._Element, outcome) -> etree._Element:
    """A ``<learningOutcome>`` up to its ratings (Canvas's three-point scale)."""
    title = f"{outcome.id}: {outcome.text}" if len(outcome.text) < 200 else outcome.id
    description = f"<p>{_escape(outcome.text)}</p>{_links(outcome)}"

    def build(holder: etree._Element) -> None:
        entry = sub(holder, "learningOutcome", identifier=ids.outcome_id(outcome.id))
        sub(entry, "title", title)
        sub(entry, "description", description)
        sub(entry, "calculation_method", "highest")
        sub(entry, "points_possible", 3.0)
        sub(entry, "mastery_points", 2.0)
        ratings = sub(entry, "ratings")
        for label, points in (("Exceeds mastery", 3.0), ("Meets mastery", 2.0), ("Below mastery", 0.0)):
            rating = sub(ratings, "rating")
            sub(rating, "description", label)
            sub(rating, "points", points)

    def fill(entry: etree._Element) -> None:
        entry.set("identifier", ids.outcome_id(outcome.id))
        entry[0].text = title
        entry[1].text = description
    return append_copy(parent, ("canvas-outcome",), build, fill)


def _alignment(parent: etree._Element, content_type: str, content_id: str, score: float, position: int) -> None:
    def build(holder: etree._Element) -> None:
        alignment = sub(holder, "alignment")
        sub(alignment, "content_type", content_type)
        sub(alignment, "content_id", content_id)
        sub(alignment, "mastery_type", "points")
        sub(alignment, "mastery_score", score)
        sub(alignment, "position", position)

    def fill(alignment: etree._Element) -> None:
        alignment[1].text = content_id
        _put(alignment[4], position)
    append_copy(parent, ("canvas-alignment", content_type, score), build, fill)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _links(outcome) -> str:
    """Which course outcome or competency an outcome serves, kept as text."""
    linked = getattr(outcome, "supports", ()) or getattr(outcome, "competencies", ())
    kind = "Supports" if getattr(outcome, "supports", ()) else "Competencies"
    return f"<p>{kind}: {_escape(', '.join(linked))}</p>" if linked else ""


def files_meta(course: Course, hidden: set[str]) -> etree._Element:
    node = root("fileMeta")
    files = sub(node, "files")
    for asset in course.assets:
        entry = sub(files, "file", identifier=ids.asset_resource_id(asset))
        sub(entry, "display_name", asset.bundle_path.rsplit("/", 1)[-1])
        if asset.key in hidden:
            sub(entry, "locked", True)
        if course.license:
            sub(entry, "usage_rights", use_justification="creative_commons" if course.license.startswith("CC")
                else "own_copyright").append(_license_node(course.license))
    return node


def _license_node(licence: str) -> etree._Element:
    node = etree.Element(f"{C}license")
    node.text = canvas_licence(licence)
    return node


def _module_entry(parent: etree._Element, module: dict, position: int) -> etree._Element:
    """A module's ``<module>`` up to its (empty) ``<items>``."""
    def build(holder: etree._Element) -> None:
        entry = sub(holder, "module", identifier=module["identifier"])
        sub(entry, "title", module["title"])
        sub(entry, "workflow_state", "active" if module.get("published", True) else "unpublished")
        sub(entry, "position", position)
        sub(entry, "require_sequential_progress", False)
        sub(entry, "locked", False)
        sub(entry, "items")

    def fill(entry: etree._Element) -> None:
        entry.set("identifier", module["identifier"])
        entry[0].text = module["title"]
        _put(entry[2], position)
    return append_copy(parent, ("canvas-module", module.get("published", True)), build, fill)


def _module_row(parent: etree._Element, item: dict, position: int) -> None:
    url = item.get("url")

    def build(holder: etree._Element) -> None:
        row = sub(holder, "item", identifier=item["identifier"])
        sub(row, "content_type", item["content_type"])
        sub(row, "workflow_state", "active" if item["published"] else "unpublished")
        sub(row, "title", item["title"])
        sub(row, "identifierref", item["identifierref"])
        if url:
            sub(row, "url", url)
        sub(row, "position", position)
        sub(row, "new_tab", bool(url))
        sub(row, "indent", 0)

    def fill(row: etree._Element) -> None:
        row.set("identifier", item["identifier"])
        _put(row[2], item["title"])
        _put(row[3], item["identifierref"])
        if url:
            _put(row[4], url)
        _put(row[-3], position)
    append_copy(parent, ("canvas-module-item", item["content_type"], item["published"], bool(url)), build, fill)


def module_meta(modules: list[dict]) -> etree._Element:
    """``modules``: [{identifier, title, items: [{identifier, content_type, title, identifierref,
    published, url?}], requirements: [(identifierref, min_score)]}]."""
    node = root("modules")
    for position, module in enumerate(modules, start=1):
        entry = _module_entry(node, module, position)
        items = entry[-1]
        for item_position, item in enumerate(module["items"], start=1):
            _module_row(items, item, item_position)
        if module["requirements"]:
            requirements = sub(entry, "completionRequirements")
            for identifierref, min_score in module["requirements"]:
                requirement = sub(requirements, "completionRequirement", type="min_score")
                sub(requirement, "min_score", min_score)
                sub(requirement, "identifierref", identifierref)
    return node
