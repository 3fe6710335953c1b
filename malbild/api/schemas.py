"""What the API answers and accepts (the OpenAPI document is made from these)."""

from datetime import date, datetime
from typing import Annotated, Generic, Literal, TypeVar

from ninja import Field, Schema

T = TypeVar("T")

NO_NUL = r"^[^\x00]*$"  # PostgreSQL stores no NUL characters in text


class ErrorDetail(Schema):
    loc: list[str | int] = Field(
        default_factory=list, description='Where: for example ["body", "measurements", 3].'
    )
    msg: str = Field(description="What is wrong, in words.")
    row: int | None = Field(None, description="The index (from 0) of the bad row of a bulk write.")


class Error(Schema):
    """Every error has this shape: a sentence, and the details where there are several."""

    detail: str
    errors: list[ErrorDetail] = Field(default_factory=list)


class Page(Schema, Generic[T]):
    """One page of a list. Past the end the page is empty (`results` []), never an error."""

    count: int = Field(description="How many there are in all.")
    limit: int
    offset: int
    next: str | None = Field(description="The address of the next page; null on the last.")
    results: list[T]


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    depth: int
    archived: bool
    progress: float | None


class ValueOut(Schema):
    key: str
    name: str
    description: str


class PlatformOut(Schema):
    number: int
    vision: str
    mission: str
    values: list[ValueOut]
    adopted_at: datetime | None


class FocusAreaOut(Schema):
    id: int
    name: str


class InvestmentOut(Schema):
    title: str
    description: str
    amount_per_year: float
    start_year: int
    end_year: int


class TargetVisionOut(Schema):
    id: int
    number: int
    title: str
    statement: str
    start_year: int
    end_year: int
    change_motive: str
    if_nothing_changes: str
    focus_areas: list[FocusAreaOut]
    investments: list[InvestmentOut]
    review_date: date | None
    adopted_at: datetime | None


class GoalOut(Schema):
    id: int
    title: str
    description: str
    unit_id: int
    parent_id: int | None
    focus_area_id: int | None
    target_vision_id: int | None
    status: str
    weight: float
    progress: float | None
    light: str


class TargetOut(Schema):
    period: str
    value: float


class IndicatorOut(Schema):
    id: int
    code: str
    name: str
    description: str
    unit_of_measure: str
    direction: str
    periodicity: str
    source: str
    baseline_value: float
    baseline_period: str
    targets: list[TargetOut]


class MeasurementOut(Schema):
    indicator: str = Field(description="The indicator's code.")
    unit: str = Field(description="The unit's code.")
    period: str
    gender: str
    value: float | None
    status: str
    updated_at: datetime


class MeasurementIn(Schema):
    indicator: str = Field(max_length=40, description="The indicator's code.")
    unit: str = Field(max_length=40, description="The unit's code.")
    period: str = Field(max_length=10, description="2025, 2025-VT, 2025-HT or 2025-03.")
    gender: Literal["T", "K", "M"] = Field("T", description="T all, K girls/women, M boys/men.")
    value: float | Annotated[str, Field(max_length=40)] | None = Field(
        None,
        description="A number, or text as in a measurement file (a decimal comma: “72,5”); "
        "empty only when status is “saknas”.",
    )
    status: Literal["", "saknas"] = ""


class MeasurementsIn(Schema):
    measurements: list[MeasurementIn] = Field(min_length=1, max_length=10000)


class MeasurementsWritten(Schema):
    created: int = Field(description="New values.")
    replaced: int = Field(description="Values that were there and have been replaced.")
    import_run: int = Field(description="The import run that records the write.")


class ActivityOut(Schema):
    id: int
    title: str
    description: str
    unit_id: int
    goal_ids: list[int]
    starts_on: date
    ends_on: date
    status: str
    progress: int
    updated_at: datetime


ActivityStatus = Literal["not_started", "in_progress", "done", "paused", "cancelled"]


class StatusIn(Schema):
    status: ActivityStatus
    progress: int = Field(ge=0, le=100, description="Per cent; done is always 100.")
    comment: str = Field("", max_length=2000, pattern=NO_NUL)


class PeriodOut(Schema):
    id: int
    name: str
    starts_on: date
    ends_on: date
    deadline: date


class ReportOut(Schema):
    id: int
    period: PeriodOut
    goal_id: int
    unit_id: int
    light: str
    analysis: str
    decision: str
    reasoning: str
    revised_plan: str
    state: str
    late: bool
    updated_at: datetime


class AnnouncementOut(Schema):
    id: int
    kind: str
    title: str
    summary: str
    body: str
    unit_id: int | None
    audiences: list[str]
    published_at: datetime | None
