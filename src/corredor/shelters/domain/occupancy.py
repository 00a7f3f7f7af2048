"""A shelter's daily occupancy report and the rules it keeps. Each broken rule is named by the
field to fix, so the API's 422 and the page's error summary point at the same box.

Occupancy above the shelter's capacity happens (people are not turned away at night): it is
accepted, but only with a note saying why, so it stays visible.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, Field

# People present by sex and age band: the six cells add up to everyone present.
BREAKDOWN: Final = (
    "female_0_17",
    "male_0_17",
    "female_18_59",
    "male_18_59",
    "female_60_plus",
    "male_60_plus",
)
CHILDREN: Final = ("female_0_17", "male_0_17")
# People waiting, by what they wait for: each is one of those present.
WAITING: Final = ("waiting_appointment", "waiting_parole", "waiting_comar", "waiting_work")
COUNTS: Final = (
    "present",
    *BREAKDOWN,
    "families",
    "unaccompanied_children",
    "arrivals",
    "departures",
    *WAITING,
)
MAX_COUNT: Final = 100_000


class Problem(StrEnum):
    NEGATIVE = "negative"
    TOO_LARGE = "too_large"
    BREAKDOWN_TOTAL = "breakdown_total"
    UNACCOMPANIED_OVER_CHILDREN = "unaccompanied_over_children"
    FAMILIES_OVER_PRESENT = "families_over_present"
    WAITING_OVER_PRESENT = "waiting_over_present"
    OVER_CAPACITY_NEEDS_NOTE = "over_capacity_needs_note"


class FieldProblem(BaseModel):
    model_config = ConfigDict(frozen=True)

    field: str
    problem: Problem


class Occupancy(BaseModel):
    """The counts of one day at one shelter (no person is named or counted twice)."""

    model_config = ConfigDict(frozen=True)

    present: int
    female_0_17: int
    male_0_17: int
    female_18_59: int
    male_18_59: int
    female_60_plus: int
    male_60_plus: int
    families: int
    unaccompanied_children: int
    arrivals: int
    departures: int
    waiting_appointment: int
    waiting_parole: int
    waiting_comar: int
    waiting_work: int
    note: str | None = Field(default=None, max_length=1000)

    def count(self, field: str) -> int:
        value: int = getattr(self, field)
        return value

    @property
    def waiting(self) -> int:
        return sum(self.count(field) for field in WAITING)


def problems(report: Occupancy, capacity: int) -> list[FieldProblem]:
    """Every rule the report breaks, each named by its field; empty when it may be recorded."""
    found = [
        FieldProblem(field=field, problem=Problem.NEGATIVE)
        for field in COUNTS
        if report.count(field) < 0
    ]
    found += [
        FieldProblem(field=field, problem=Problem.TOO_LARGE)
        for field in COUNTS
        if report.count(field) > MAX_COUNT
    ]
    if found:  # the sums below mean nothing over impossible counts
        return found
    if sum(report.count(field) for field in BREAKDOWN) != report.present:
        found.append(FieldProblem(field=BREAKDOWN[0], problem=Problem.BREAKDOWN_TOTAL))
    if report.unaccompanied_children > sum(report.count(field) for field in CHILDREN):
        found.append(
            FieldProblem(
                field="unaccompanied_children", problem=Problem.UNACCOMPANIED_OVER_CHILDREN
            )
        )
    if report.families > report.present:
        found.append(FieldProblem(field="families", problem=Problem.FAMILIES_OVER_PRESENT))
    if report.waiting > report.present:
        found.append(FieldProblem(field=WAITING[0], problem=Problem.WAITING_OVER_PRESENT))
    if report.present > capacity and not (report.note or "").strip():
        found.append(FieldProblem(field="note", problem=Problem.OVER_CAPACITY_NEEDS_NOTE))
    return found


def free_places(capacity: int, present: int) -> int:
    """Beds nobody sleeps in tonight; none when the shelter is full or over capacity."""
    return max(capacity - present, 0)
