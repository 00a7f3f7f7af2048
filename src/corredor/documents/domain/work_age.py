"""Who is old enough for a work authorization document, as data with its citation.

The threshold is not code: it is read from `data/work-age.yaml`, which cites the child labour
rule it applies, as the pathway policies cite theirs.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field


def age_on(birth_date: date, day: date) -> int:
    """Completed years on `day` (a birthday on 29 February counts from 1 March in other years)."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - int(before_birthday)


class WorkAgeRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    minimum_age: int = Field(ge=0, le=21)
    citation: str = Field(min_length=1)
    source: list[str] = Field(min_length=1)

    def old_enough(self, birth_date: date, day: date) -> bool:
        """Whether a person born on `birth_date` may hold a work authorization from `day`."""
        return age_on(birth_date, day) >= self.minimum_age
