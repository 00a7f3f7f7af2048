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
    # "period", "region", "place" (a border point), "nationality", "window" or "language"
    rows: str
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
SEX_AND_AGE: Final = (
    Series(key="female_0_17", label="Girls (0-17)"),
    Series(key="male_0_17", label="Boys (0-17)"),
    Series(key="female_18_59", label="Women (18-59)"),
    Series(key="male_18_59", label="Men (18-59)"),
    Series(key="female_60_plus", label="Women (60 and over)"),
    Series(key="male_60_plus", label="Men (60 and over)"),
)
IN_SHELTERS_BY_SEX_AND_AGE: Final = Indicator(
    id="shelter-people-by-sex-and-age",
    title="People in shelters, by sex and age",
    unit="people on an average day",
    rows="period",
    series=SEX_AND_AGE,
    series_tag="#indicator+sex_age",
    value_tag="#affected+inshelter+num",
    description="People who slept in a shelter on an average day of the period, by sex and age "
    "band, as shelter staff count them in their daily reports.",
)
TVRH_BY_POINT: Final = Indicator(
    id="tvrh-by-border-point",
    title="TVRH cards issued, by border point",
    unit="households over the periods shown",
    rows="place",
    series=(Series(key="tvrh_issued", label="TVRH issued"),),
    series_tag="#indicator+step",
    value_tag="#affected+households+num",
    description="Households issued a humanitarian visitor card (TVRH) over the periods shown, "
    "by the INM border point where they registered.",
)
ALLOCATION_OUTCOMES: Final = (
    Series(key="allocated", label="Given an appointment"),
    Series(key="not_allocated", label="Not given one"),
)
APPOINTMENT_REQUESTS: Final = Indicator(
    id="appointment-requests-by-window",
    title="Appointment requests and the draw, by window",
    unit="households",
    rows="window",
    series=ALLOCATION_OUTCOMES,
    series_tag="#indicator+outcome",
    value_tag="#affected+households+num",
    description="Households that asked for an appointment in an allocation window whose days "
    "begin in the periods shown, by the outcome of the window's published draw.",
)
SEATS: Final = Indicator(
    id="appointment-seats-by-window",
    title="Appointment seats offered, by window",
    unit="seats",
    rows="window",
    series=(Series(key="seats", label="Seats"),),
    series_tag="#indicator+capacity",
    value_tag="#capacity+seats+num",
    description="Appointment seats the sites offered over the days of each allocation window.",
)
SCREENING_RESULTS: Final = (
    Series(key="eligible", label="A pathway may be open"),
    Series(key="unknown", label="More information needed"),
    Series(key="not_eligible", label="No pathway open"),
)
SCREENER_USE: Final = Indicator(
    id="screener-use-by-language",
    title="Screenings completed, by language and result",
    unit="screenings over the periods shown",
    rows="language",
    series=SCREENING_RESULTS,
    series_tag="#indicator+result",
    value_tag="#output+screenings+num",
    description="Screenings completed on the public screener over the periods shown, by the "
    "language of the pages and the best result found. Counted when a screening is completed; "
    "nothing about the person is kept.",
)
NATIONALITY_STEPS: Final = (
    Series(key="registered", label="Registered"),
    Series(key="tvrh_issued", label="TVRH issued"),
    Series(key="parole_requested", label="Parole applied for"),
    Series(key="parole_granted", label="Parole granted"),
    Series(key="parole_denied", label="Parole denied"),
)
BY_NATIONALITY: Final = Indicator(
    id="corridor-steps-by-nationality",
    title="People at each step of the corridor, by nationality",
    unit="people over the periods shown",
    rows="nationality",
    series=NATIONALITY_STEPS,
    series_tag="#indicator+step",
    value_tag="#affected+num",
    description="People whose case reached the step over the periods shown, by nationality "
    "(ISO 3166-1), counted when the step was taken.",
)
INDICATORS: Final = (
    WAITING,
    OCCUPANCY,
    IN_SHELTERS_BY_SEX_AND_AGE,
    STEPS_TAKEN,
    ADMISSIONS,
    TVRH_BY_POINT,
    BY_NATIONALITY,
    APPOINTMENT_REQUESTS,
    SEATS,
    VERIFICATIONS,
    SCREENER_USE,
)
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
