"""What authors may write in course.yml, competencies.yml and front matter.

These models validate the raw YAML at the boundary (``extra="forbid"``: a misspelt key
is an error with a suggestion).  :func:`validate` turns pydantic's ``ValidationError``
into one located, readable diagnostic per problem.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from ..errors import Diagnostic, error
from ..identifiers import OUTCOME_ID_PATTERN
from .quiz_syntax import points_problem
from .yaml_source import YamlDocument

OUTCOME_ID = OUTCOME_ID_PATTERN.pattern
# No white space: an LMS stores the address as written, and a space breaks it there.
LINK_URL = r"^(https?://|mailto:|ftp://)\S+$"
VIDEO_URL = r"^https?://\S+$"

# What each pattern means, in the author's words rather than as a regular expression.
PATTERN_MEANING = {
    LINK_URL: "a full address starting with https://, http://, mailto: or ftp://, "
              "with any space written as %20",
    VIDEO_URL: "a full address starting with https:// or http://, with any space written as %20",
    OUTCOME_ID: "letters and digits joined by '-', '_' or '.', such as CO1 or M2.1",
    r"^[A-Za-z0-9_-]+$": "letters, digits, '-' and '_' only",
    r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$": "a BCP 47 language tag such as en, fr-CA or es-419",
    r"^#[0-9A-Fa-f]{6}$": "a colour written #rrggbb, such as #15365c",
}


class Raw(BaseModel):
    # .inf and .nan are valid YAML floats but never meaningful points, weights or percents.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


def _carried_points(value: float) -> float:
    problem = points_problem(value)
    if problem:
        raise ValueError(problem)
    return value


#: Points as every target can carry them: at most MAX_POINTS, two decimal places.
Points = Annotated[float, Field(ge=0), AfterValidator(_carried_points)]


def _text(value: Any) -> Any:
    # YAML reads 0.1.0 as a string but 1.0 as a float; authors mean text either way.
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


class RawCourseOutcome(Raw):
    id: str = Field(pattern=OUTCOME_ID)
    text: str = Field(min_length=1)
    competencies: list[str] = []


class RawGradingGroup(Raw):
    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    name: str
    weight: float = Field(ge=0, le=100)


class RawGrading(Raw):
    groups: list[RawGradingGroup] = []
    pass_percent: float | None = Field(default=None, alias="pass", ge=0, le=100)


class RawTheme(Raw):
    """How the preview and SCORM pages look: the course's logo and colours (contrast-checked
    by the reader, see :func:`ilead_shell.reader.theme.read_theme`)."""

    logo: str | None = Field(default=None, min_length=1)
    brand: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")
    link: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")
    link_dark: str | None = Field(default=None, pattern=r"^#[0-9A-Fa-f]{6}$")


class RawOffering(Raw):
    title: str = ""
    title_suffix: str = ""
    description: str = ""
    start: dt.date | None = None
    credits: float | None = Field(default=None, ge=0)
    hours_per_credit: float = Field(default=45, gt=0)
    weeks: int | None = Field(default=None, ge=1)
    completion: str = ""
    grading: RawGrading | None = None


class RawCourse(Raw):
    title: str = Field(min_length=1)
    code: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    language: str = Field(default="en", pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
    description: str = ""
    license: str | None = None
    authors: list[str] = []
    version: str | None = None
    start: dt.date | None = None
    competencies: str | None = None
    outcomes: list[RawCourseOutcome] = []
    modules: list[str] | None = None
    grading: RawGrading | None = None
    theme: RawTheme | None = None
    offerings: dict[str, RawOffering | None] | None = None
    default_offering: str | None = None
    exporters: dict[str, dict[str, Any] | None] = {}
    # Validated by ilead_shell.checks.config, which owns what a course may say about its checks.
    checks: dict[str, Any] | None = None

    _version_text = field_validator("version", mode="before")(_text)

    @field_validator("authors", mode="before")
    @classmethod
    def _authors_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class RawCompetency(Raw):
    id: str = Field(pattern=OUTCOME_ID)
    name: str
    description: str = ""
    indicators: dict[str, list[str]] = {}  # proficiency level id -> observable statements
    maps_to: dict[str, list[str]] = {}  # crosswalk framework id -> its elements


class RawProficiencyLevel(Raw):
    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1)
    description: str = ""


class RawCrosswalkFramework(Raw):
    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1)
    reference: str | None = None  # a work's id in references.yml


class RawDomain(Raw):
    id: str = Field(pattern=OUTCOME_ID)
    name: str
    description: str = ""
    competencies: list[RawCompetency] = Field(min_length=1)


class RawFramework(Raw):
    title: str = "Competency framework"
    status: str = ""
    description: str = ""
    levels: list[RawProficiencyLevel] = []
    crosswalk: list[RawCrosswalkFramework] = []
    domains: list[RawDomain] = Field(min_length=1)


class RawModuleOutcome(Raw):
    id: str = Field(pattern=OUTCOME_ID)
    text: str = Field(min_length=1)
    supports: list[str] = []


class RawModule(Raw):
    title: str = Field(min_length=1)
    id: str | None = None
    outcomes: list[RawModuleOutcome] = []
    offerings: list[str] | None = None
    references: list[str] = []
    readings: list[Any] = []  # checked by reader.bibliography, which knows the works
    audience: Literal["learners", "instructors"] | None = None


class RawItemCommon(Raw):
    title: str = Field(min_length=1)
    type: str = "page"
    id: str | None = None
    outcomes: list[str] = []
    offerings: list[str] | None = None
    published: bool = True
    effort: Any = None  # checked by reader.durations
    references: list[str] = []
    readings: list[Any] = []  # checked by reader.bibliography, which knows the works
    audience: Literal["learners", "instructors"] | None = None  # None: the module's


class RawPage(RawItemCommon):
    type: Literal["page"] = "page"


class RawRubricLevel(Raw):
    label: str = Field(min_length=1)
    points: float = Field(ge=0)
    description: str = ""


class RawCriterion(Raw):
    criterion: str = Field(min_length=1)
    points: Points
    description: str = ""
    levels: list[RawRubricLevel] = []


class RawAssignment(RawItemCommon):
    type: Literal["assignment"]
    points: Points | None = None
    group: str | None = None
    submission: list[Literal["text", "file", "url"]] = ["text"]
    due: dt.date | str | None = None
    rubric: list[RawCriterion] = []

    @field_validator("submission", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class RawDiscussion(RawItemCommon):
    type: Literal["discussion"]
    points: Points | None = None
    group: str | None = None


class RawQuiz(RawItemCommon):
    type: Literal["quiz"]
    points_per_question: Annotated[float, Field(gt=0), AfterValidator(_carried_points)] = 1
    attempts: int | None = Field(default=None, ge=1, le=1000)
    mastery: float | None = Field(default=None, ge=0, le=100)
    group: str | None = None
    shuffle: bool = False


class RawLink(RawItemCommon):
    type: Literal["link"]
    url: str = Field(pattern=LINK_URL)


class RawFile(RawItemCommon):
    type: Literal["file"]
    path: str = Field(min_length=1)


class RawVideo(RawItemCommon):
    type: Literal["video"]
    url: str | None = Field(default=None, pattern=VIDEO_URL)
    path: str | None = None
    captions: str | None = None
    transcript: str | None = None


ITEM_MODELS: dict[str, type[RawItemCommon]] = {
    "page": RawPage,
    "assignment": RawAssignment,
    "discussion": RawDiscussion,
    "quiz": RawQuiz,
    "link": RawLink,
    "file": RawFile,
    "video": RawVideo,
}

M = TypeVar("M", bound=BaseModel)
_RAW_MODEL_NAMES = {cls.__name__ for cls in list(globals().values())
                    if isinstance(cls, type) and issubclass(cls, Raw)}


def validate(model: type[M], document: YamlDocument, what: str) -> tuple[M | None, list[Diagnostic]]:
    """Validate ``document.data`` against ``model``; on failure one diagnostic per problem."""
    data = document.data
    if data is None:
        data = {}
    if not isinstance(data, dict):
        found = type(data).__name__
        return None, [error(f"{what} must be a mapping of keys to values, not a {found}",
                            document.path, document.first_line)]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, [_diagnostic(problem, model, document, what) for problem in exc.errors()]


def _diagnostic(problem: dict[str, Any], model: type[BaseModel], document: YamlDocument,
                what: str) -> Diagnostic:
    loc = tuple(step for step in problem["loc"] if not _is_union_tag(step))
    dotted = ".".join(str(step) for step in loc)
    kind = problem["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        known = _known_keys(model, loc[:-1])
        close = difflib.get_close_matches(key, known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else (
            f"; expected one of: {', '.join(sorted(known))}" if known else "")
        return error(f"{what}: unknown key '{dotted}'{hint}", document.path, document.key_line(loc))
    if kind == "missing":
        return error(f"{what}: missing required key '{dotted}'", document.path, document.line_of(loc[:-1]))
    if kind == "literal_error" and loc and loc[-1] == "type":
        return error(f"{what}: {problem['msg'].lower()}", document.path, document.line_of(loc))
    message = problem["msg"]
    written = document.scalar_text(loc)
    if kind == "string_type" and written is not None and not isinstance(problem.get("input"), (list, dict)):
        # YAML reads no/yes/on, 101 and 2027-01-01 as a boolean, number or date, not text.
        message = (f"YAML reads {written} as a {type(problem.get('input')).__name__.replace('bool', 'yes/no value')}"
                   f", not text; put it in quotes: {loc[-1]}: \"{written}\"")
    elif kind == "value_error" and "error" in problem.get("ctx", {}):
        message = str(problem["ctx"]["error"])  # our own validators' words, without pydantic's prefix
    elif kind == "string_pattern_mismatch":
        pattern = problem["ctx"]["pattern"]
        message = f"{problem.get('input')!r} should be {PATTERN_MEANING.get(pattern, f'of the form {pattern}')}"
    return error(f"{what}: '{dotted}': {message}", document.path, document.line_of(loc))


_UNION_TAG = re.compile(r"^(str|int|float|bool|date|none|(list|dict|literal|function-\w+)\[.*\])$")


def _is_union_tag(step: Any) -> bool:
    # pydantic adds the union member's name (e.g. 'RawOffering', 'str') to the location
    return isinstance(step, str) and (step in _RAW_MODEL_NAMES or bool(_UNION_TAG.match(step)))


def _known_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    current: Any = model
    for step in loc:
        if isinstance(step, int):
            continue
        field = getattr(current, "model_fields", {}).get(step)
        if field is None:
            continue  # a key of a mapping field such as offerings.<name>
        current = _inner_model(field.annotation)
    if not isinstance(current, type) or not issubclass(current, BaseModel):
        return []
    return [f.alias or name for name, f in current.model_fields.items()]


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None
