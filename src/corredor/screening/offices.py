"""Where to go: the offices behind each kind of place a pathway's step names (`data/offices.yaml`).

Each office cites its source and the day it was checked; what could not be confirmed stays empty.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from corredor.kernel.resources import shipped
from corredor.screening.domain.predicates import Labels

OFFICES_FILE = shipped("data") / "offices.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Office(_Strict):
    name: str
    address: str | None = None
    hours: str | None = None
    phone: str | None = None
    web: HttpUrl
    source: str = Field(min_length=1)
    checked: date


class Place(_Strict):
    free: bool | None = Field(description="true only where a public source says so")
    free_source: str | None = None
    fraud: Labels
    bring: list[Labels] = []
    offices: list[Office] = []


class Offices(_Strict):
    places: dict[str, Place]


@cache
def load_offices(path: Path = OFFICES_FILE) -> Offices:
    return Offices.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
