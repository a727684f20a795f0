"""An assignment's rubric as Moodle advanced grading (``gradingform_rubric``) in ``grading.xml``.

Each source criterion is a rubric criterion whose description is its name and what it asks
for; its levels are the source's performance levels when the criterion lists them
(``levels:``), and otherwise two: *Not yet* for 0 points and *Meets* for the criterion's
points, so a teacher can grade with it at once.  Moodle turns the rubric score into the
assignment grade; the highest levels add up to the assignment's points.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from lxml import etree

from ilead_shell.model import Assignment, RubricCriterion

from .plan import Activity
from .xml import container, number, record
from .xml import name as moodle_name

READY = 20  # gradingform_controller::DEFINITION_STATUS_READY
PLAIN = 0
#: The options of a new rubric on a default Moodle site: levels shown in ascending order,
#: descriptions and points visible to learners, remarks allowed.
OPTIONS = {"sortlevelsasc": 1, "lockzeropoints": 1, "alwaysshowdefinition": 1, "showdescriptionteacher": 1,
           "showdescriptionstudent": 1, "showscoreteacher": 1, "showscorestudent": 1, "enableremarks": 1,
           "showremarksstudent": 1}


@dataclass(frozen=True)
class Level:
    score: float
    definition: str


def criterion_text(criterion: RubricCriterion) -> str:
    if criterion.description:
        return f"{criterion.criterion}: {criterion.description}"
    return criterion.criterion


def levels_of(criterion: RubricCriterion) -> list[Level]:
    """The criterion's performance levels, lowest score first (Moodle's ascending order)."""
    declared = getattr(criterion, "levels", ())  # a criterion's ``levels:`` in the source
    if declared:
        found = [Level(float(level.points), _definition(level.label, level.description)) for level in declared]
        return sorted(found, key=lambda level: level.score)
    meets = criterion.description or criterion.criterion
    return [Level(0.0, f"Not yet: {meets}"), Level(float(criterion.points), f"Meets: {meets}")]


def _definition(label: str, description: str) -> str:
    # Moodle's level has one definition; the source's has a label and a description.
    return f"{label}: {description}" if label and description else (label or description)


def grading_xml(activity: Activity, epoch: int) -> etree._Element:
    areas = etree.Element("areas")
    item = activity.item
    if not isinstance(item, Assignment) or not item.rubric:
        return areas
    criteria = []
    level_id = activity.instance * 1000
    for order, criterion in enumerate(item.rubric, start=1):
        levels = []
        for level in levels_of(criterion):
            level_id += 1
            levels.append(record("level", level_id, score=number(level.score), definition=level.definition,
                                 definitionformat=PLAIN))
        criteria.append(record("criterion", activity.instance * 100 + order, sortorder=order,
                               description=criterion_text(criterion), descriptionformat=PLAIN, levels=levels))
    plugin = etree.Element("plugin_gradingform_rubric_definition")
    plugin.append(container("criteria", criteria))
    definition = record(
        "definition", activity.instance, method="rubric", name=moodle_name(f"{item.title} rubric"), description="",
        descriptionformat=1, status=READY, timecreated=epoch, timemodified=epoch,
        options=json.dumps(OPTIONS, separators=(",", ":")))
    definition.append(plugin)
    definition.append(etree.Element("instances"))
    area = record("area", activity.instance, areaname="submissions", activemethod="rubric", definitions=[definition])
    areas.append(area)
    return areas
