"""What the portal publishes: tables whose hidden cells are `null` with `suppressed: true`."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from corredor.portal.domain.indicators import Period


class PublishedRow(BaseModel):
    key: str = Field(
        description="The period's first day (ISO 8601), the ISO 3166-2 region, the border "
        "point's id, the nationality (ISO 3166-1), the allocation window's id or the language "
        "(ISO 639-1)"
    )
    values: list[int | None] = Field(description="One per series; null: fewer than 10")
    total: int | None
    region: str | None = Field(default=None, description="A border point's state (ISO 3166-2)")
    first_day: date | None = Field(default=None, description="A window's first day")
    draw: str | None = Field(default=None, description="The id of a window's published draw")


class PublishedTable(BaseModel):
    id: str
    title: str
    unit: str
    rows_are: str = Field(description="period, region, place, nationality, window or language")
    series: list[str]
    series_tag: str
    value_tag: str
    description: str
    rows: list[PublishedRow]
    totals: list[int | None]
    total: int | None


class StepDuration(BaseModel):
    """Days from one step of the corridor to the next; null when fewer than 10 households."""

    from_step: str
    to_step: str
    households: int | None
    median_days: int | None
    p90_days: int | None


class Statistics(BaseModel):
    period: Period
    first_day: date
    last_day: date
    updated_at: datetime = Field(description="When these figures were computed")
    threshold: int = Field(description="Cells below this count are published as null")
    tables: list[PublishedTable]
    durations: list[StepDuration]
