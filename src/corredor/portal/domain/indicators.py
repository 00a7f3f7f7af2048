"""What the portal publishes: each indicator's rows, series, unit and HXL hashtags, and the
periods it is counted over. Titles and readings are English msgids, translated where shown.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"


class Series(BaseModel):
    model_config = ConfigDict(frozen=True)

    key: str
    label: str  # msgid


class Indicator(BaseModel):
    """One published table: rows are periods (or regions), columns are its series."""

    model_config = ConfigDict(frozen=True)

    id: str
    title: str  # msgid
    unit: str  # msgid: what a cell counts
    rows: str  # "period" or "region"
    series: tuple[Series, ...]
    series_tag: str  # HXL hashtag of the series column
    value_tag: str  # HXL hashtag of the value column
    description: str  # English: the Data Package's field definition


ZONES: Final = (
    Series(key="north", label="Northern border"),
    Series(key="south", label="Southern border"),
    Series(key="mexico_city", label="Mexico City"),
    Series(key="centre", label="Elsewhere on the route"),
)
STEPS: Final = (
    Series(key="registered", label="Registered"),
    Series(key="tvrh_issued", label="TVRH issued"),
    Series(key="parole_requested", label="Parole applied for"),
    Series(key="parole_granted", label="Parole granted"),
    Series(key="parole_denied", label="Parole denied"),
    Series(key="secondary_review", label="Secondary review"),
    Series(key="work_authorized", label="Admitted"),
)
TRAVEL_MODES: Final = (
    Series(key="flight", label="By air"),
    Series(key="land", label="At a land port of entry"),
)
CHECKS: Final = (
    Series(key="verify_travel", label="Travel checks"),
    Series(key="verify_work", label="Work checks"),
)

WAITING: Final = Indicator(
    id="waiting-in-shelters",
    title="People waiting in shelters, by zone",
    unit="people on an average day",
    rows="period",
    series=ZONES,
    series_tag="#loc+zone",
    value_tag="#affected+waiting+num",
    description="People staying in a shelter who wait for an appointment, a parole decision, "
    "COMAR or work, on an average day of the period (daily reports of shelter staff).",
)
OCCUPANCY: Final = Indicator(
    id="shelter-occupancy-by-region",
    title="People in shelters, by state",
    unit="people on an average day of the last 7 days",
    rows="region",
    series=(Series(key="present", label="People in shelters"),),
    series_tag="#indicator+code",
    value_tag="#affected+inshelter+num",
    description="People who slept in a shelter, on an average day of the last seven days, by "
    "state (ISO 3166-2).",
)
STEPS_TAKEN: Final = Indicator(
    id="corridor-steps",
    title="Households at each step of the corridor",
    unit="households",
    rows="period",
    series=STEPS,
    series_tag="#indicator+step",
    value_tag="#affected+households+num",
    description="Households whose case reached the step in the period.",
)
ADMISSIONS: Final = Indicator(
    id="parole-by-travel-mode",
    title="Parole granted, by how people travel",
    unit="households",
    rows="period",
    series=TRAVEL_MODES,
    series_tag="#indicator+travel_mode",
    value_tag="#affected+households+num",
    description="Households granted parole in the period, by travel mode (flight or land port).",
)
VERIFICATIONS: Final = Indicator(
    id="verification-checks",
    title="Document checks by airlines, ports and employers",
    unit="checks",
    rows="period",
    series=CHECKS,
    series_tag="#indicator+check",
    value_tag="#output+checks+num",
    description="Yes/no checks of travel and work documents in the period.",
)
INDICATORS: Final = (WAITING, OCCUPANCY, STEPS_TAKEN, ADMISSIONS, VERIFICATIONS)
# The corridor's steps whose durations are published (median and 90th percentile in days).
DURATIONS: Final = (
    ("registered", "tvrh_issued"),
    ("tvrh_issued", "parole_requested"),
    ("parole_requested", "parole_granted"),
    ("parole_granted", "work_authorized"),
)


def period_start(day: date, period: Period) -> date:
    """The Monday of the ISO week, or the first of the month."""
    if period is Period.WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def periods_ending(today: date, period: Period, count: int) -> list[date]:
    """The starts of the last `count` periods, oldest first, the current one last."""
    starts = [period_start(today, period)]
    while len(starts) < count:
        previous = starts[-1] - timedelta(days=1)
        starts.append(period_start(previous, period))
    return starts[::-1]


def median_and_p90(histogram: dict[int, int]) -> tuple[int, int] | None:
    """The median and 90th percentile (nearest rank) of whole days from a histogram of
    {days: households}; None when there are none."""
    total = sum(histogram.values())
    if total == 0:
        return None
    ranks = {"median": (total + 1) // 2, "p90": -(-9 * total // 10)}
    found: dict[str, int] = {}
    seen = 0
    for days in sorted(histogram):
        seen += histogram[days]
        for name, rank in ranks.items():
            if name not in found and seen >= rank:
                found[name] = days
    return found["median"], found["p90"]
