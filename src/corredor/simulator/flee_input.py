"""Flee's input format: read it, check it, and report every defect instead of dropping it.

A Flee scenario directory holds `input_csv/` (`locations.csv`, `routes.csv`, `closures.csv`,
`conflicts.csv`, `sim_period.csv`) and `source_data/` (`data_layout.csv` naming each camp's
observed series and the total in `refugees.csv`), optionally `simsetting.yml`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import yaml

# Flee's movement settings; used when a scenario has no simsetting.yml (the values of the
# mali2012 scenario's simsetting.yml, which are also Flee's documented defaults for these rules)
DEFAULT_SETTINGS: dict[str, Any] = {
    "max_move_speed": 200.0,
    "camp_weight": 5.0,
    "conflict_weight": 0.25,
    "foreign_weight": 1.0,
    "conflict_movechance": 1.0,
    "camp_movechance": 0.001,
    "default_movechance": 0.3,
    "awareness_level": 1,
    "capacity_buffer": 0.75,
    "capacity_scaling": 1.0,
    "distance_softening": 10.0,
    "conflict_spawn_decay": None,
    "insert_day0": True,
}


class FleeInputError(ValueError):
    """A Flee scenario that cannot be read at all (a missing file or column)."""


@dataclass(frozen=True)
class Location:
    name: str
    country: str
    latitude: float
    longitude: float
    kind: str  # conflict_zone, town, camp, forward
    conflict_date: int | None
    population: float


@dataclass(frozen=True)
class FleeRoute:
    start: str
    end: str
    km: float


@dataclass(frozen=True)
class Closure:
    kind: str  # country or location
    first: str
    second: str
    start_day: int
    end_day: int


@dataclass
class FleeScenario:
    name: str
    start: date
    days: int
    locations: list[Location]
    routes: list[FleeRoute]
    closures: list[Closure]
    conflicts: np.ndarray  # [day, location] intensity, 0 when none
    observed_total: np.ndarray  # [day]
    observed_camps: dict[str, np.ndarray]  # camp name -> [day]
    settings: dict[str, Any]
    defects: list[str] = field(default_factory=list)

    def index(self) -> dict[str, int]:
        return {location.name: i for i, location in enumerate(self.locations)}


def _rows(path: Path) -> list[list[str]]:
    if not path.is_file():
        raise FleeInputError(f"{path}: missing")
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            [cell.strip() for cell in row]
            for row in csv.reader(handle)
            if row and any(cell.strip() for cell in row)
        ]


def _data_rows(path: Path) -> list[list[str]]:
    return [row for row in _rows(path) if not row[0].startswith("#")]


def _number(text: str, default: float = 0.0) -> float:
    try:
        return float(text)
    except ValueError:
        return default


def read_series(path: Path, start: date, days: int) -> np.ndarray:
    """A dated series, linearly interpolated to each simulated day (held flat outside the data)."""
    points = []
    for row in _rows(path):
        try:
            points.append(((date.fromisoformat(row[0]) - start).days, float(row[1])))
        except (ValueError, IndexError):
            continue  # header lines
    if not points:
        raise FleeInputError(f"{path}: no dated values")
    points.sort()
    offsets = np.array([p[0] for p in points], dtype=float)
    values = np.array([p[1] for p in points])
    return np.asarray(np.interp(np.arange(days, dtype=float), offsets, values))


def _settings(path: Path) -> tuple[dict[str, Any], list[str]]:
    settings = dict(DEFAULT_SETTINGS)
    if not path.is_file():
        return settings, [f"{path.name}: absent, Flee's default movement settings used"]
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    move = raw.get("move_rules", {}) or {}
    spawn = raw.get("spawn_rules", {}) or {}
    for key in DEFAULT_SETTINGS:
        if key in move:
            settings[key] = move[key]
    settings["conflict_spawn_decay"] = spawn.get("conflict_spawn_decay")
    settings["insert_day0"] = bool(spawn.get("insert_day0", True))
    return settings, []


def read_flee(directory: Path) -> FleeScenario:
    inputs, sources = directory / "input_csv", directory / "source_data"
    period = {row[0]: row[1] for row in _rows(inputs / "sim_period.csv") if len(row) >= 2}
    start, days = date.fromisoformat(period["StartDate"]), int(period["Length"])
    settings, defects = _settings(directory / "simsetting.yml")

    locations = []
    for row in _data_rows(inputs / "locations.csv"):
        conflict_date = row[6] if len(row) > 6 else ""
        locations.append(
            Location(
                name=row[0],
                country=row[2],
                latitude=_number(row[3]),
                longitude=_number(row[4]),
                kind=row[5],
                conflict_date=int(_number(conflict_date)) if conflict_date else None,
                population=_number(row[7]) if len(row) > 7 else 0.0,
            )
        )
    names = {location.name for location in locations}
    countries = {location.country for location in locations}

    routes = []
    for number, row in enumerate(_data_rows(inputs / "routes.csv"), start=2):
        unknown = [name for name in row[:2] if name not in names]
        if unknown:
            defects.append(
                f"routes.csv line {number}: unknown location {', '.join(unknown)}; route left out"
            )
            continue
        routes.append(FleeRoute(row[0], row[1], _number(row[2])))

    closures = []
    closures_path = inputs / "closures.csv"
    for row in _data_rows(closures_path) if closures_path.is_file() else []:
        known = countries if row[0] == "country" else names
        unknown = [name for name in row[1:3] if name not in known]
        if unknown:
            defects.append(f"closures.csv: unknown {row[0]} {', '.join(unknown)}; closure left out")
            continue
        closures.append(Closure(row[0], row[1], row[2], int(row[3]), int(row[4])))

    conflicts = np.zeros((days, len(locations)))
    conflict_rows = _rows(inputs / "conflicts.csv")
    header = [name.strip() for name in conflict_rows[0][1:]]
    index = {location.name: i for i, location in enumerate(locations)}
    for column, name in enumerate(header, start=1):
        if name not in index:
            near = _near_miss(name, names)
            hint = f" (locations.csv has {near!r})" if near else ""
            defects.append(
                f"conflicts.csv: zone {name!r} is not a location{hint}; "
                "its conflict days are not used"
            )
            continue
        for row in conflict_rows[1:]:
            day = int(_number(row[0], -1))
            if 0 <= day < days and column < len(row):
                conflicts[day, index[name]] = _number(row[column])
    for location in locations:
        if location.kind == "conflict_zone" and location.name not in header:
            defects.append(
                f"locations.csv: conflict zone {location.name!r} has no column in conflicts.csv"
            )

    layout = _rows(sources / "data_layout.csv")
    observed_total = np.zeros(days)
    observed_camps: dict[str, np.ndarray] = {}
    for row in layout:
        name, file_name = row[0], row[1]
        series = read_series(sources / file_name, start, days)
        if name == "total":
            observed_total = series
        elif name not in index:
            defects.append(
                f"data_layout.csv: camp {name!r} is not a location; its data are not used"
            )
        else:
            observed_camps[name] = series
    for location in locations:
        if location.kind == "camp" and location.name not in observed_camps:
            defects.append(f"locations.csv: camp {location.name!r} has no observed series")
    return FleeScenario(
        name=directory.name,
        start=start,
        days=days,
        locations=locations,
        routes=routes,
        closures=closures,
        conflicts=conflicts,
        observed_total=observed_total,
        observed_camps=observed_camps,
        settings=settings,
        defects=defects,
    )


def _near_miss(name: str, names: set[str]) -> str | None:
    def normal(text: str) -> str:
        return text.replace("_", " ").replace("-", " ").casefold()

    matches = [candidate for candidate in names if normal(candidate) == normal(name)]
    return matches[0] if matches else None


def end_date(scenario: FleeScenario) -> date:
    return scenario.start + timedelta(days=scenario.days - 1)
