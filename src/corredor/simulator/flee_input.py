"""Flee's input format: read it, check it, and report every defect instead of dropping it.

A Flee scenario directory holds `input_csv/` (`locations.csv`, `routes.csv`, `closures.csv`,
`conflicts.csv`, `sim_period.csv`) and `source_data/` (`data_layout.csv` naming each camp's
observed series and the total in `refugees.csv`), optionally `simsetting.yml`.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import yaml

# Flee 3.1's own defaults (flee/SimulationSettings.py, ReadFromYML), used for every setting a
# scenario's simsetting.yml does not give (venezuela2022 ships none)
DEFAULT_SETTINGS: dict[str, Any] = {
    "max_move_speed": 360.0,
    "camp_weight": 1.0,
    "conflict_weight": 1.0 / math.sqrt(10.0),
    "foreign_weight": 1.0,
    "conflict_movechance": 1.0,
    "camp_movechance": 0.001,
    "default_movechance": 0.3,
    "awareness_level": 1,
    "capacity_buffer": 0.9,
    "capacity_scaling": 1.0,
    "distance_softening": 10.0,
    "conflict_spawn_decay": None,
    "insert_day0": True,
    "hasten": 1,
    "sum_from_camps": True,
}
# Flee's name for a move rule, where it differs from ours
_FLEE_NAMES = {"distance_softening": "softening"}
# Flee settings this port does not implement, with the value at which they have no effect: a
# scenario that sets another value is reported as a defect, never silently run differently
_NEUTRAL: dict[str, Any] = {
    "avoid_short_stints": False,
    "start_on_foot": False,
    "weight_power": 1.0,
    "weight_softening": 0.0,
    "distance_power": 1.0,
    "stay_close_to_home": False,
    "use_pop_for_loc_weight": False,
    "movechance_pop_scale_factor": 0.0,
    "use_v1_rules": False,
}
_NEUTRAL_SPAWN: dict[str, Any] = {"take_from_population": False}
# settings with no bearing on movement or spawning here (logs, and walking, which only applies
# when start_on_foot is set or a link has a walk_probability)
_IGNORED = {"max_walk_speed", "max_crossing_speed", "idpcamp_movechance"}


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
    observed_camps: dict[str, np.ndarray]  # camp name -> [day], registration corrections applied
    settings: dict[str, Any]
    defects: list[str] = field(default_factory=list)
    # the camp series as published, before Flee's registration corrections (same scale)
    observed_camps_raw: dict[str, np.ndarray] = field(default_factory=dict)
    # how each simsetting was treated: honoured, no effect at its value, or not implemented
    settings_report: list[str] = field(default_factory=list)

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


def read_points(path: Path, start: date) -> list[tuple[int, float]]:
    """A dated series as (day offset, value) points, sorted."""
    points = []
    for row in _rows(path):
        try:
            points.append(((date.fromisoformat(row[0]) - start).days, float(row[1])))
        except (ValueError, IndexError):
            continue  # header lines
    if not points:
        raise FleeInputError(f"{path}: no dated values")
    return sorted(points)


def interpolate(
    points: list[tuple[int, float]], days: int, scale_down: int = 1, whole: bool = False
) -> np.ndarray:
    """Points linearly interpolated to each simulated day (held flat outside the data), divided
    by `scale_down`; `whole` truncates to whole people as Flee's DataTable does."""
    offsets = np.array([p[0] for p in points], dtype=float)
    values = np.array([p[1] for p in points]) / scale_down
    series = np.interp(np.arange(days, dtype=float), offsets, values)
    return np.asarray(np.floor(series) if whole else series)


def read_series(path: Path, start: date, days: int) -> np.ndarray:
    """A dated series, linearly interpolated to each simulated day (held flat outside the data)."""
    return interpolate(read_points(path, start), days)


def correct_registrations(
    points: list[tuple[int, float]], day: int
) -> tuple[list[tuple[int, float]], float | None]:
    """Flee's level-1 registration correction (handle_refugee_data.correctLevel1Registrations):
    when a camp's count on `day` is its first level-2 count, every earlier value is scaled by
    (value on that day) / (the value before it). Returns the points and the factor (None when no
    data point falls on that day, in which case Flee changes nothing either)."""
    for i, (offset, value) in enumerate(points):
        if offset == day and i > 0 and points[i - 1][1] > 0:
            factor = value / points[i - 1][1]
            return [(o, v * factor) for o, v in points[:i]] + points[i:], factor
    return points, None


def _settings(path: Path) -> tuple[dict[str, Any], list[str], list[str]]:
    """Settings, defects, and a line per simsetting saying how it is treated."""
    settings = dict(DEFAULT_SETTINGS)
    if not path.is_file():
        return (
            settings,
            [f"{path.name}: absent, Flee 3.1's default settings used"],
            [
                "simsetting.yml absent: Flee 3.1's defaults (speed 360 km/day, camp_weight 1, "
                "conflict_weight 1/sqrt(10), capacity_buffer 0.9)"
            ],
        )
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    move = raw.get("move_rules", {}) or {}
    spawn = raw.get("spawn_rules", {}) or {}
    optimisations = raw.get("optimisations", {}) or {}
    defects, report = [], []
    for key in DEFAULT_SETTINGS:
        name = _FLEE_NAMES.get(key, key)
        if name in move:
            settings[key] = move[name]
            report.append(f"move_rules.{name} = {move[name]}: honoured")
    for key, value in move.items():
        if key in _NEUTRAL:
            if value == _NEUTRAL[key]:
                report.append(f"move_rules.{key} = {value}: no effect at this value")
            else:
                defects.append(f"simsetting.yml: move_rules.{key} = {value} is not implemented")
        elif key in _IGNORED:
            report.append(f"move_rules.{key} = {value}: no effect (walking is not modelled)")
        elif _FLEE_NAMES.get(key, key) not in DEFAULT_SETTINGS and key not in _FLEE_NAMES.values():
            defects.append(f"simsetting.yml: move_rules.{key} is not known to this port")
    settings["conflict_spawn_decay"] = spawn.get("conflict_spawn_decay")
    settings["insert_day0"] = bool(spawn.get("insert_day0", True))
    report.append(
        f"spawn_rules.conflict_spawn_decay = {settings['conflict_spawn_decay']}: "
        "honoured (spawn weights and conflict-zone scores)"
    )
    report.append(f"spawn_rules.insert_day0 = {settings['insert_day0']}: honoured")
    for key, value in _NEUTRAL_SPAWN.items():
        if key in spawn and spawn[key] != value:
            defects.append(f"simsetting.yml: spawn_rules.{key} = {spawn[key]} is not implemented")
        elif key in spawn:
            report.append(f"spawn_rules.{key} = {spawn[key]}: no effect at this value")
    settings["hasten"] = max(1, int(optimisations.get("hasten", 1)))
    report.append(
        f"optimisations.hasten = {settings['hasten']}: honoured (populations, capacities and "
        f"observed series divided by {settings['hasten']})"
    )
    return settings, defects, report


def read_flee(
    directory: Path, *, hasten: int | None = None, sum_from_camps: bool = True
) -> FleeScenario:
    """A Flee scenario as Flee 3.1 reads it: populations and observed series divided by `hasten`
    (the simsetting's, unless given), registration corrections applied, and the daily new people
    taken from the sum of the camp series (`sum_from_camps`, Flee's SumFromCamps) or from
    `refugees.csv`."""
    inputs = directory / "input_csv"
    period = {row[0]: row[1] for row in _rows(inputs / "sim_period.csv") if len(row) >= 2}
    start, days = date.fromisoformat(period["StartDate"]), int(period["Length"])
    settings, defects, report = _settings(directory / "simsetting.yml")
    if hasten is not None:
        settings["hasten"] = max(1, hasten)
        report.append(f"hasten set to {settings['hasten']} for this run")
    settings["sum_from_camps"] = sum_from_camps
    report.append(
        "new people per day: rise of the sum of the camp series (Flee's SumFromCamps)"
        if sum_from_camps
        else "new people per day: rise of refugees.csv (Flee's SumFromCamps off)"
    )
    scale = int(settings["hasten"])

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
                population=float(int(_number(row[7])) // scale) if len(row) > 7 else 0.0,
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

    observed_total, observed_camps, observed_camps_raw = _observed(
        directory, start, days, scale, index, sum_from_camps, defects, report
    )
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
        observed_camps_raw=observed_camps_raw,
        settings_report=report,
    )


def _observed(  # noqa: PLR0917 - the reader's state, passed once
    directory: Path,
    start: date,
    days: int,
    scale: int,
    index: dict[str, int],
    sum_from_camps: bool,
    defects: list[str],
    report: list[str],
) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The observed total and camp series (corrected and raw), scaled down and whole."""
    inputs, sources = directory / "input_csv", directory / "source_data"
    corrections: dict[str, int] = {}
    corrections_path = inputs / "registration_corrections.csv"
    for row in _rows(corrections_path) if corrections_path.is_file() else []:
        if len(row) > 1:
            corrections[row[0]] = (date.fromisoformat(row[1]) - start).days

    layout = _rows(sources / "data_layout.csv")
    total_points: list[tuple[int, float]] = []
    observed_camps: dict[str, np.ndarray] = {}
    observed_camps_raw: dict[str, np.ndarray] = {}
    for row in layout:
        name, file_name = row[0], row[1]
        points = read_points(sources / file_name, start)
        if name == "total":
            total_points = points
            continue
        if name not in index:
            defects.append(
                f"data_layout.csv: camp {name!r} is not a location; its data are not used"
            )
            continue
        observed_camps_raw[name] = interpolate(points, days, scale, whole=True)
        if name in corrections:
            points, factor = correct_registrations(points, corrections[name])
            report.append(
                f"registration correction {name} day {corrections[name]}: "
                + (f"earlier counts × {factor:.3f}" if factor else "no data point that day")
            )
        observed_camps[name] = interpolate(points, days, scale, whole=True)
    for name in corrections:
        if name not in observed_camps:
            defects.append(f"registration_corrections.csv: {name!r} has no observed series")
    if sum_from_camps:
        observed_total = (
            np.sum(list(observed_camps.values()), axis=0) if observed_camps else np.zeros(days)
        )
    elif total_points:
        observed_total = interpolate(total_points, days, scale, whole=True)
    else:
        observed_total = np.zeros(days)
        defects.append("data_layout.csv: no total series (refugees.csv)")
    return observed_total, observed_camps, observed_camps_raw


def _near_miss(name: str, names: set[str]) -> str | None:
    def normal(text: str) -> str:
        return text.replace("_", " ").replace("-", " ").casefold()

    matches = [candidate for candidate in names if normal(candidate) == normal(name)]
    return matches[0] if matches else None
