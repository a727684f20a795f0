"""The gradebook: course.yml's grading groups as Moodle grade categories, every graded item in
its group's category, the course pass mark on the course total.

With grading groups, the course total is a *weighted mean of grades* whose weights are the
groups' weights, and each group's category adds up the points of its items (*natural*):
the same arithmetic as Canvas's weighted assignment groups.  Without groups the course
total is the sum of every item's points.  The pass mark is the course total's *grade to
pass*; a quiz's mastery is its own grade to pass.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from lxml import etree

from ilead_shell.model import Assignment, Course, Discussion, Quiz

from .plan import Activity, Plan
from .xml import NULL_VALUE, element, number, record
from .xml import name as moodle_name

WEIGHTED_MEAN = 10  # GRADE_AGGREGATE_WEIGHTED_MEAN
NATURAL = 13  # GRADE_AGGREGATE_SUM, "Natural"
COURSE_TOTAL = 100.0  # a weighted mean's course total is out of 100: the pass mark is a percent


@dataclass(frozen=True)
class GradeItem:
    id: int
    activity: Activity
    name: str
    itemnumber: int
    grademax: float
    gradepass: float
    category: int
    aggregationcoef: float
    sortorder: int


@dataclass(frozen=True)
class Category:
    id: int
    item_id: int
    name: str
    idnumber: str | None
    weight: float
    parent: int | None
    aggregation: int
    sortorder: int


def item_points(activity: Activity) -> tuple[int, float] | None:
    """(itemnumber, points) of the activity's grade item, or None when it is not graded."""
    item = activity.item
    if item is None or item.for_instructors:
        return None  # learners never meet it: it counts in no grade
    if isinstance(item, Quiz):
        return (0, item.points) if item.points > 0 else None
    if isinstance(item, Assignment):
        points = assignment_points(item)
        return (0, points) if points else None
    if isinstance(item, Discussion) and item.graded and item.points:
        return (1, item.points)  # forum's "whole forum" grade item is itemnumber 1
    return None


def assignment_points(item: Assignment) -> float | None:
    if item.points is not None:
        return item.points
    if item.rubric:
        return sum(c.points for c in item.rubric)
    return None


class Gradebook:
    def __init__(self, course: Course, plan: Plan, warn: Callable[[str], None]):
        self.course = course
        groups = course.grading.groups
        self.weighted = bool(groups)
        sortorder = iter(range(1, 1_000_000))
        self.top = Category(id=plan.next("grade_category"), item_id=plan.next("grade_item"), name="?",
                            idnumber=None, weight=0, parent=None,
                            aggregation=WEIGHTED_MEAN if self.weighted else NATURAL, sortorder=next(sortorder))
        self.categories: dict[str, Category] = {}
        for group in groups:
            self.categories[group.id] = Category(
                id=plan.next("grade_category"), item_id=plan.next("grade_item"), name=moodle_name(group.name),
                idnumber=group.id, weight=group.weight, parent=self.top.id, aggregation=NATURAL,
                sortorder=next(sortorder))
        self.items: dict[str, list[GradeItem]] = {}
        for activity in plan.activities():
            graded = item_points(activity)
            if graded is None:
                continue
            itemnumber, points = graded
            group = getattr(activity.item, "group", None)
            category = self.categories.get(group) if group else None
            if self.weighted and category is None:
                warn(f"'{activity.item.title}' is graded but belongs to no grading group of course.yml; "
                     "in Moodle it sits in the course total with weight 0 and does not count")
            name = activity.name if itemnumber == 0 else f"{activity.name} whole forum"
            self.items[activity.key] = [GradeItem(
                id=plan.next("grade_item"), activity=activity, name=name, itemnumber=itemnumber,
                grademax=points, gradepass=_item_pass(activity, points),
                category=(category or self.top).id, aggregationcoef=0.0, sortorder=next(sortorder))]
        self.total_points = sum(i.grademax for items in self.items.values() for i in items)

    # -- what the activities need -----------------------------------------------------
    def items_of(self, activity: Activity) -> list[GradeItem]:
        return self.items.get(activity.key, [])

    @property
    def course_pass(self) -> float:
        percent = self.course.grading.pass_percent
        if percent is None:
            return 0.0
        total = COURSE_TOTAL if self.weighted else self.total_points
        return round(total * percent / 100, 5)

    # -- XML ------------------------------------------------------------------------
    def gradebook_xml(self, epoch: int) -> etree._Element:
        categories = [self._category(self.top, epoch)] + [self._category(c, epoch) for c in self.categories.values()]
        items = [self._category_item(self.top, epoch)] + [self._category_item(c, epoch) for c in self.categories.values()]
        return element(
            "gradebook", None,
            attributes=[], grade_categories=categories, grade_items=items, grade_letters=[],
            grade_settings=[record("grade_setting", "", name="minmaxtouse", value=1)])

    def activity_grades_xml(self, activity: Activity, epoch: int) -> etree._Element:
        return element("activity_gradebook", None,
                       grade_items=[self._item_record(i, epoch) for i in self.items_of(activity)], grade_letters=[])

    def _category(self, category: Category, epoch: int) -> etree._Element:
        path = f"/{self.top.id}/" if category.parent is None else f"/{self.top.id}/{category.id}/"
        return record(
            "grade_category", category.id, parent=category.parent if category.parent else NULL_VALUE,
            depth=1 if category.parent is None else 2, path=path, fullname=category.name,
            aggregation=category.aggregation, keephigh=0, droplow=0, aggregateonlygraded=1,
            aggregateoutcomes=0, timecreated=epoch, timemodified=epoch, hidden=0)

    def _category_item(self, category: Category, epoch: int) -> etree._Element:
        is_course = category.parent is None
        members = [i.grademax for items in self.items.values() for i in items if i.category == category.id]
        grademax = COURSE_TOTAL if (is_course and self.weighted) else (sum(members) or COURSE_TOTAL)
        return self._grade_record(
            category.item_id, epoch, categoryid=NULL_VALUE, itemname=NULL_VALUE,
            itemtype="course" if is_course else "category", itemmodule=NULL_VALUE, iteminstance=category.id,
            itemnumber=NULL_VALUE, idnumber=category.idnumber if category.idnumber else NULL_VALUE,
            grademax=grademax, gradepass=self.course_pass if is_course else 0.0,
            aggregationcoef=category.weight if not is_course else 0.0, sortorder=category.sortorder)

    def _item_record(self, item: GradeItem, epoch: int) -> etree._Element:
        return self._grade_record(
            item.id, epoch, categoryid=item.category, itemname=item.name, itemtype="mod",
            itemmodule=item.activity.modname, iteminstance=item.activity.instance, itemnumber=item.itemnumber,
            idnumber=item.activity.idnumber if item.itemnumber == 0 else NULL_VALUE, grademax=item.grademax,
            gradepass=item.gradepass, aggregationcoef=item.aggregationcoef, sortorder=item.sortorder)

    @staticmethod
    def _grade_record(record_id: int, epoch: int, *, grademax: float, gradepass: float, aggregationcoef: float,
                      **fields) -> etree._Element:
        return record(
            "grade_item", record_id,
            categoryid=fields["categoryid"], itemname=fields["itemname"], itemtype=fields["itemtype"],
            itemmodule=fields["itemmodule"], iteminstance=fields["iteminstance"], itemnumber=fields["itemnumber"],
            iteminfo=NULL_VALUE, idnumber=fields["idnumber"], calculation=NULL_VALUE, gradetype=1,
            grademax=number(grademax), grademin=number(0), scaleid=NULL_VALUE, outcomeid=NULL_VALUE,
            gradepass=number(gradepass), multfactor=number(1), plusfactor=number(0),
            aggregationcoef=number(aggregationcoef), aggregationcoef2=number(0), weightoverride=0,
            sortorder=fields["sortorder"], display=0, decimals=NULL_VALUE, hidden=0, locked=0, locktime=0,
            needsupdate=0, timecreated=epoch, timemodified=epoch, grade_grades=[])


def _item_pass(activity: Activity, points: float) -> float:
    item = activity.item
    if isinstance(item, Quiz) and item.mastery is not None:
        return round(points * item.mastery / 100, 5)
    return 0.0

