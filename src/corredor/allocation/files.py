"""Reading requests (CSV or Parquet) and capacity (YAML) files, and writing a run's results.

Every problem names the file, the column or field, and the first offending row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from corredor.allocation.domain.rule import (
    OPEN_POOL,
    AllocationInputError,
    Request,
    SiteDay,
    Status,
)
from corredor.allocation.engine import NO_COHORT, OPEN, RequestColumns, RunColumns

REQUIRED = ("request_id", "site", "people", "waiting_since")
OPTIONAL = ("cohort", "urgent")
PEOPLE_SEPARATOR = ";"
STATUS_NAMES = (
    Status.ASSIGNED.value,
    Status.WAITLISTED.value,
    Status.NOT_OPEN.value,
    Status.NO_CAPACITY.value,
)


class TableError(ValueError):
    """A requests or capacity file that cannot be used; the message names file and field."""


def read_requests(path: Path) -> RequestColumns:
    frame = _read_frame(path)
    missing = [name for name in REQUIRED if name not in frame.columns]
    if missing:
        raise TableError(f"{path}: missing column(s): {', '.join(missing)}")
    frame = _normalise(frame, path)
    _check_unique_people(frame, path)
    return _columns(frame)


def _read_frame(path: Path) -> pl.DataFrame:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise TableError(f"{path}: no such file")
    try:
        if suffix == ".parquet":
            return pl.read_parquet(path)
        if suffix == ".csv":
            overrides = dict.fromkeys(("request_id", "site", "people", "cohort"), pl.String)
            return pl.read_csv(path, schema_overrides=overrides, try_parse_dates=False)
    except (pl.exceptions.PolarsError, OSError) as error:
        raise TableError(f"{path}: cannot be read: {error}") from None
    raise TableError(f"{path}: expected a .csv or .parquet requests file")


def _normalise(frame: pl.DataFrame, path: Path) -> pl.DataFrame:
    """Cast each column to its type, naming the column and row of the first bad value."""
    if "cohort" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("cohort"))
    if "urgent" not in frame.columns:
        frame = frame.with_columns(pl.lit(False).alias("urgent"))
    people = pl.col("people")
    if frame.schema["people"] == pl.String:
        people = people.str.split(PEOPLE_SEPARATOR)
    casts = {
        "request_id": pl.col("request_id").cast(pl.String),
        "site": pl.col("site").cast(pl.String),
        "cohort": pl.col("cohort").cast(pl.String),
        "people": people.cast(pl.List(pl.String)),
        "urgent": _as_bool(frame, "urgent"),
        "waiting_since": pl.col("waiting_since")
        .cast(pl.String)
        .str.to_date("%Y-%m-%d", strict=False)
        if frame.schema["waiting_since"] != pl.Date
        else pl.col("waiting_since"),
    }
    out = frame.select(**casts)
    for name in ("request_id", "site", "people", "urgent", "waiting_since"):
        bad = out.get_column(name).is_null()
        if name == "request_id":
            bad = bad | (out.get_column(name) == "")
        if name == "people":
            bad = bad | (out.get_column(name).list.len() == 0)
        if bad.any():
            row = int(bad.arg_max() or 0)
            shown = frame.get_column(name)[row]
            raise TableError(f"{path}: row {row + 1}: {name}: missing or invalid value {shown!r}")
    duplicated = out.get_column("request_id").is_duplicated()
    if duplicated.any():
        row = int(duplicated.arg_max() or 0)
        raise TableError(f"{path}: row {row + 1}: request_id: {out['request_id'][row]} twice")
    return out


def _as_bool(frame: pl.DataFrame, name: str) -> pl.Expr:
    if frame.schema[name] == pl.Boolean:
        return pl.col(name)
    text = pl.col(name).cast(pl.String).str.to_lowercase()
    return (
        pl.when(text.is_in(["true", "1", "yes"]))
        .then(True)
        .when(text.is_in(["false", "0", "no", ""]) | text.is_null())
        .then(False)
        .otherwise(None)
    )


def _check_unique_people(frame: pl.DataFrame, path: Path) -> None:
    """One active request per person: a person in two rows is an error naming both requests."""
    members = frame.select("request_id", "people").explode("people")
    twice = members.filter(pl.col("people").is_duplicated())
    if twice.height:
        person = twice["people"][0]
        holders = twice.filter(pl.col("people") == person)["request_id"].to_list()
        raise TableError(
            f"{path}: people: person {person} is in requests {', '.join(holders)};"
            " a person may have one active request"
        )
    within = frame.filter(pl.col("people").list.n_unique() != pl.col("people").list.len())
    if within.height:
        raise TableError(f"{path}: request {within['request_id'][0]}: people: listed twice")


def _columns(frame: pl.DataFrame) -> RequestColumns:
    sites = sorted(set(frame["site"].unique().to_list()))
    cohorts = sorted(c for c in set(frame["cohort"].unique().to_list()) if c is not None)
    site_codes = frame["site"].replace_strict(sites, list(range(len(sites))), return_dtype=pl.Int64)
    cohort_codes = (
        frame["cohort"]
        .replace_strict(
            cohorts, list(range(len(cohorts))), default=NO_COHORT, return_dtype=pl.Int64
        )
        .fill_null(NO_COHORT)
    )
    return RequestColumns(
        ids=frame["request_id"].to_list(),
        sites=sites,
        site=site_codes.to_numpy(),
        cohorts=cohorts,
        cohort=cohort_codes.to_numpy(),
        size=frame["people"].list.len().cast(pl.Int64).to_numpy(),
        urgent=frame["urgent"].to_numpy(),
        waiting_since=frame["waiting_since"].to_numpy().astype("datetime64[D]"),
    )


def columns_from_requests(requests: Sequence[Request]) -> RequestColumns:
    """The columns of a list of domain requests (for tests and small runs)."""
    sites = sorted({r.site for r in requests})
    cohorts = sorted({r.cohort for r in requests if r.cohort is not None})
    site_code = {name: code for code, name in enumerate(sites)}
    cohort_code = {name: code for code, name in enumerate(cohorts)}
    return RequestColumns(
        ids=[r.id for r in requests],
        sites=sites,
        site=np.array([site_code[r.site] for r in requests], dtype=np.int64),
        cohorts=cohorts,
        cohort=np.array(
            [NO_COHORT if r.cohort is None else cohort_code[r.cohort] for r in requests],
            dtype=np.int64,
        ),
        size=np.array([r.size for r in requests], dtype=np.int64),
        urgent=np.array([r.urgent for r in requests], dtype=bool),
        waiting_since=np.array([r.waiting_since for r in requests], dtype="datetime64[D]"),
    )


class _CapacityEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    site: str = Field(min_length=1)
    from_: date = Field(alias="from")
    until: date | None = Field(default=None, description="last day (inclusive); none: one day")
    seats: int = Field(ge=0)
    quotas: dict[str, int] = {}

    @model_validator(mode="after")
    def _dates(self) -> _CapacityEntry:
        if self.until is not None and self.until < self.from_:
            raise ValueError("until is before from")
        return self


class _CapacityFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    capacity: list[_CapacityEntry] = Field(min_length=1)


def read_capacity(path: Path) -> list[SiteDay]:
    """Seats per site and day from a YAML file (see docs/allocation.md for the format)."""
    if not path.is_file():
        raise TableError(f"{path}: no such file")
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise TableError(f"{path}: not valid YAML: {error}") from None
    try:
        parsed = _CapacityFile.model_validate(data)
    except ValidationError as error:
        detail = error.errors()[0]
        where = ".".join(str(part) for part in detail["loc"])
        raise TableError(f"{path}: {where}: {detail['msg']}") from None
    days: list[SiteDay] = []
    try:
        for entry in parsed.capacity:
            last = entry.until or entry.from_
            for offset in range((last - entry.from_).days + 1):
                days.append(
                    SiteDay(
                        site=entry.site,
                        day=entry.from_ + timedelta(days=offset),
                        seats=entry.seats,
                        quotas=tuple(sorted(entry.quotas.items())),
                    )
                )
    except AllocationInputError as error:
        raise TableError(f"{path}: {error}") from None
    return days


def results_frame(requests: RequestColumns, run: RunColumns) -> pl.DataFrame:
    """One row per request: status, day, pool, tier, tickets, draw number and key (hex)."""
    pool_names = pl.Series([*requests.cohorts, OPEN_POOL], dtype=pl.String)
    pool_index = np.where(run.pool == OPEN, len(requests.cohorts), np.maximum(run.pool, 0))
    assigned = pl.col("status") == Status.ASSIGNED.value
    in_draw = pl.col("draw_number") > 0
    return pl.DataFrame(
        {
            "request_id": pl.Series(requests.ids, dtype=pl.String),
            "site": pl.Series(requests.sites, dtype=pl.String).gather(requests.site),
            "status": pl.Series(STATUS_NAMES, dtype=pl.String).gather(run.status),
            "day": run.day,
            "pool": pool_names.gather(pool_index),
            "seats": requests.size,
            "tier": run.tier,
            "tickets": run.tickets,
            "draw_number": run.draw_number,
            "draw_key": [f"{key:016x}" for key in run.key.tolist()],
        }
    ).with_columns(
        pl.when(assigned).then(pl.col("pool")),
        pl.when(in_draw).then(pl.col("tier")),
        pl.when(in_draw).then(pl.col("tickets")),
        pl.when(in_draw).then(pl.col("draw_number")),
        pl.when(in_draw).then(pl.col("draw_key")),
    )


def write_results(frame: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".parquet":
        frame.write_parquet(path)
    elif path.suffix.lower() == ".csv":
        frame.write_csv(path)
    else:
        raise TableError(f"{path}: expected a .csv or .parquet results file")
